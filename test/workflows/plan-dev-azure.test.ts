import { describeInstalledWorkflows } from "./installed";

describeInstalledWorkflows("dev-azure", { cloud: "azure", region: "uaenorth", environment: "development" });
