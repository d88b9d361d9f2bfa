import { describeInstalledWorkflows } from "./installed";

describeInstalledWorkflows("dev", { cloud: "aws", region: "me-central-1", environment: "development" });
