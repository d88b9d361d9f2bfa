import { describeInstalledWorkflows } from "./installed";

describeInstalledWorkflows("uae-prod-azure", { cloud: "azure", region: "uaenorth", environment: "production" });
