/** The Kubernetes platform services on the Azure `uae-prod-azure` stack (enterprise, two teams, blue-green and canary). */
import { describeServicesPlan } from "./services-checks";

describeServicesPlan({
  stack: "uae-prod-azure",
  cloud: "azure",
  issuer: "https://sso.example.ae/realms/mlops",
  adminGroups: ["mlops-admins"],
  teams: ["fraud", "credit"],
  protectData: true,
  git: { provider: "gitlab", repositories: ["risk/fraud-models"] },
  models: [
    { name: "fraud-scorer", registeredModel: "fraud-scorer", version: 3, strategy: "blueGreen" },
    { name: "credit-risk", registeredModel: "credit-risk", version: 2, strategy: "canary" },
  ],
});
