/**
 * `node dist/register.js …`: registers the candidate as a new MLflow model version with its
 * lineage (code version, data URI and checksum, workflow, image, parameters, metrics,
 * evaluation). Re-evaluates the gate first, so registration is refused even when the workflow is
 * submitted with another entrypoint. Idempotent: a retry reuses the version made from this run.
 */

import { GATE_FLAGS } from "./gate";
import { cli, EXIT, parseFlags, type StepContext, StepError } from "./lib/cli";
import { formatVerdict, parseGateSpec } from "./lib/gate";
import { LIFECYCLE_TAGS } from "./lib/lifecycle";
import { evaluateFromMlflow, TAGS } from "./lib/lineage";
import { MlflowClient, type ModelVersionInfo, mlflowToken } from "./lib/mlflow";
import { writeOutputs } from "./lib/outputs";
import { readSettings } from "./lib/settings";

/** Entry point. */
export async function main(ctx: StepContext): Promise<number> {
  const f = parseFlags(ctx.argv, { ...GATE_FLAGS, "workflow-name": { required: true, description: "{{workflow.name}}" } });
  const spec = parseGateSpec(f["quality-gate"] ?? "");
  const settings = readSettings(ctx.env);
  const mlflow = new MlflowClient(settings.mlflowUrl, mlflowToken(ctx.env));
  const model = f["model-name"] ?? "";
  const { run, champion, verdict } = await evaluateFromMlflow(mlflow, spec, model, f["run-id"] ?? "", f["workflow-uid"] ?? "");
  ctx.log(formatVerdict(verdict));
  if (!verdict.passed) throw new StepError("registration refused: the candidate does not pass the quality gate", EXIT.REFUSED);

  const lineage: Record<string, string> = {};
  for (const key of [
    TAGS.workflowUid,
    TAGS.workflowName,
    TAGS.namespace,
    TAGS.codeVersion,
    TAGS.dataUri,
    TAGS.dataChecksum,
    TAGS.dataVersions,
    TAGS.trainingImage,
    TAGS.gate,
  ]) {
    lineage[key] = run.tags[key] ?? "";
  }
  lineage["mlops.platform/params"] = JSON.stringify(run.params);
  lineage["mlops.platform/metrics"] = JSON.stringify(run.metrics);
  lineage[LIFECYCLE_TAGS.stage] = "staging";
  lineage[TAGS.evaluation] = JSON.stringify({ passed: verdict.passed, champion: champion?.version ?? null, checks: verdict.checks });

  await mlflow.ensureRegisteredModel(model, { [TAGS.namespace]: run.tags[TAGS.namespace] ?? "" });
  let mv: ModelVersionInfo | null = (await mlflow.versionsFromRun(model, run.runId))[0] ?? null;
  if (mv) ctx.log(`reusing model version ${mv.version} registered earlier from run ${run.runId}`);
  else {
    const source = `${run.artifactUri.replace(/\/+$/, "")}/model`;
    mv = await mlflow.createModelVersion(
      model,
      source,
      run.runId,
      lineage,
      `Trained by workflow ${f["workflow-name"]} from ${lineage[TAGS.dataUri]} at ${lineage[TAGS.codeVersion]}`,
    );
    ctx.log(`registered ${model} version ${mv.version} from ${source}`);
  }
  const pollMs = Number(ctx.env.STEP_POLL_MS ?? "5000");
  for (let i = 0; mv.status !== "READY"; i++) {
    if (mv.status === "FAILED_REGISTRATION") throw new StepError(`model version ${mv.version} failed registration in MLflow`, EXIT.REFUSED);
    if (i >= 120) throw new StepError(`model version ${mv.version} still ${mv.status} after ${(120 * pollMs) / 1000}s`, EXIT.TRANSIENT);
    await new Promise((r) => setTimeout(r, pollMs));
    mv = (await mlflow.getModelVersion(model, mv.version)) ?? mv;
  }
  writeOutputs(ctx.env, { "model-version": mv.version });
  return EXIT.OK;
}

if (require.main === module) cli(main);
