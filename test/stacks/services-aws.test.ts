/** The Kubernetes platform services on the AWS `dev` stack (smb). */
import { describeServicesPlan } from "./services-checks";

describeServicesPlan({
  stack: "dev",
  cloud: "aws",
  issuer: "https://sso.example.ae/realms/mlops",
  adminGroups: ["mlops-admins"],
  teams: ["fraud"],
  protectData: false,
  models: [{ name: "fraud-scorer", registeredModel: "fraud-scorer", version: 1, strategy: "blueGreen" }],
});
