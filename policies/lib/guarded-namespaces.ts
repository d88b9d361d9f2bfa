/**
 * The namespaces the cluster's admission guards (components/k8s/admission.ts): every pipeline
 * namespace (label `mlops.platform/pipelines: "true"`: `ml-pipelines` and the teams), the team
 * namespaces (label `mlops.platform/team`) and the serving namespace. Kept here by meaning, not
 * imported, so the pack does not depend on the components it judges.
 */
import { obj, str } from "./values";

/** The serving namespace's name (components/contracts.ts NAMESPACES.serving). */
export const SERVING_NAMESPACE = "serving";
/** The pod policies every guarded namespace must be bound to. */
export const POD_ADMISSION_POLICIES = ["mlops-images", "mlops-pod-security", "mlops-resources", "mlops-service-accounts"] as const;
/** The policy every team namespace must be bound to as well. */
export const TEAM_ADMISSION_POLICY = "mlops-workflow-identities";
/**
 * The policy every pipeline namespace (`ml-pipelines` and the teams: where the training
 * pipeline's approval step waits) must be bound to as well: only approvers end that step.
 */
export const APPROVAL_ADMISSION_POLICY = "mlops-approvals";

/** Every admission policy the platform installs (its bindings carry the same names). */
export const GUARDED_ADMISSION_POLICIES: readonly string[] = [...POD_ADMISSION_POLICIES, TEAM_ADMISSION_POLICY, APPROVAL_ADMISSION_POLICY];

/** How a namespace is guarded (reads labels through the proxy: may throw when unknown). */
export function guardOf(namespaceProps: Record<string, unknown>): { name: string; guarded: boolean; team: boolean; pipelines: boolean } {
  const meta = obj(namespaceProps.metadata);
  const labels = obj(meta.labels);
  const name = str(meta.name) ?? "";
  // A namespace named like a team's (`team-*`) is a team namespace even without the label: the
  // label is what a careless fork forgets, and the name is what users and RBAC go by.
  const team = str(labels["mlops.platform/team"]) !== undefined || /^team-/.test(name);
  // A team namespace runs pipelines whatever its labels say (the Team component labels it so).
  const pipelines = team || labels["mlops.platform/pipelines"] === "true";
  return { name, team, pipelines, guarded: pipelines || name === SERVING_NAMESPACE };
}
