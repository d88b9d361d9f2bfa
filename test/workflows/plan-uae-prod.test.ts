import { describeInstalledWorkflows } from "./installed";

describeInstalledWorkflows("uae-prod", { cloud: "aws", region: "me-central-1", environment: "production" });
