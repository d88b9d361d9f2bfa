/**
 * `node dist/mlflow-gate.js`: the MLflow gate (see ./lib/mlflow-gate.ts), run by the platform as
 * Deployment `mlflow-gate` in the `mlflow` namespace. Configured from the environment:
 * `MLFLOW_GATE_SETTINGS` (JSON of the authorization settings), `MLFLOW_UPSTREAM` (MLflow's URL),
 * `MLFLOW_GATE_PEOPLE_PORT` and `MLFLOW_GATE_WORKLOAD_PORT`.
 */
import { cli, type StepContext, usageError } from "./lib/cli";
import { inClusterConnection } from "./lib/kube";
import type { MlflowAuthzSettings } from "./lib/mlflow-authz";
import { createMlflowGate, kubeTokenReviewer } from "./lib/mlflow-gate";

/** Reads and checks the gate's settings. */
export function gateSettings(env: Readonly<Record<string, string | undefined>>): MlflowAuthzSettings {
  let s: Partial<MlflowAuthzSettings>;
  try {
    s = JSON.parse(env.MLFLOW_GATE_SETTINGS ?? "") as Partial<MlflowAuthzSettings>;
  } catch {
    throw usageError("MLFLOW_GATE_SETTINGS must be the JSON of the authorization settings");
  }
  const lists = ["pipelineNamespaces", "servingModels", "adminGroups"] as const;
  for (const k of lists)
    if (!Array.isArray(s[k]) || !(s[k] as unknown[]).every((x) => typeof x === "string"))
      throw usageError(`MLFLOW_GATE_SETTINGS.${k} must be a list of strings`);
  for (const k of ["platformNamespace", "registerAccount", "promoteAccount"] as const)
    if (typeof s[k] !== "string" || !s[k]) throw usageError(`MLFLOW_GATE_SETTINGS.${k} must be a non-empty string`);
  return s as MlflowAuthzSettings;
}

/** Entry point: serves until the pod stops. */
export async function main(ctx: StepContext): Promise<number> {
  const settings = gateSettings(ctx.env);
  const upstream = ctx.env.MLFLOW_UPSTREAM;
  if (!upstream) throw usageError("MLFLOW_UPSTREAM is not set (MLflow's in-cluster URL)");
  const gate = createMlflowGate({ settings, upstream, reviewToken: kubeTokenReviewer(inClusterConnection(ctx.env)) });
  const people = Number(ctx.env.MLFLOW_GATE_PEOPLE_PORT ?? "8081");
  const workloads = Number(ctx.env.MLFLOW_GATE_WORKLOAD_PORT ?? "8080");
  await Promise.all([
    new Promise<void>((r) => gate.people.listen(people, r)),
    new Promise<void>((r) => gate.workloads.listen(workloads, r)),
  ]);
  ctx.log(`mlflow-gate: workloads on :${workloads}, people (from oauth2-proxy) on :${people}, MLflow at ${upstream}`);
  await new Promise<void>((r) => process.once("SIGTERM", () => r()));
  await Promise.all([new Promise((r) => gate.people.close(r)), new Promise((r) => gate.workloads.close(r))]);
  return 0;
}

if (require.main === module) cli(main);
