/** The cloud-agnostic Kubernetes platform services. Re-exports only. */

export * from "../../contracts/versions";
export * from "./argo-events";
export * from "./argo-workflows";
export * from "./feast";
export * from "./gpu";
export * from "./helm";
export * from "./ingress";
export * from "./mlflow";
export * from "./monitoring";
export * from "./namespace";
export * from "./platform";
export * from "./security";
export * from "./serving";
export * from "./sso";
export * from "./team";
