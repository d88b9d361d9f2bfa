/**
 * `node dist/gate.js --model-name … --run-id … --quality-gate … --workflow-uid …`: the quality
 * gate. Reads the candidate's metrics and the champion's from MLflow, writes the evaluation
 * report, records it on the run, and exits 1 when the gate is closed. It accepts no flag that
 * could open it.
 */
import { cli, EXIT, parseFlags, type StepContext } from "./lib/cli";
import { formatVerdict, parseGateSpec } from "./lib/gate";
import { evaluateFromMlflow, TAGS } from "./lib/lineage";
import { MlflowClient, mlflowToken } from "./lib/mlflow";
import { writeOutputs } from "./lib/outputs";
import { readSettings } from "./lib/settings";

/** The flags shared by every step that evaluates the gate. */
export const GATE_FLAGS = {
  "model-name": { required: true, description: "registered model name" },
  "run-id": { required: true, description: "the MLflow run created by start-run" },
  "quality-gate": { required: true, description: "gate specification (JSON)" },
  "workflow-uid": { required: true, description: "{{workflow.uid}}" },
} as const;

/** Entry point. */
export async function main(ctx: StepContext): Promise<number> {
  const f = parseFlags(ctx.argv, GATE_FLAGS);
  const spec = parseGateSpec(f["quality-gate"] ?? "");
  const settings = readSettings(ctx.env);
  const mlflow = new MlflowClient(settings.mlflowUrl, mlflowToken(ctx.env));
  const { run, champion, verdict } = await evaluateFromMlflow(
    mlflow,
    spec,
    f["model-name"] ?? "",
    f["run-id"] ?? "",
    f["workflow-uid"] ?? "",
  );
  const report = {
    model: f["model-name"],
    runId: run.runId,
    candidateMetrics: run.metrics,
    champion,
    gate: spec,
    passed: verdict.passed,
    checks: verdict.checks,
    evaluatedAt: new Date().toISOString(),
  };
  const json = JSON.stringify(report, null, 2);
  writeOutputs(ctx.env, { "evaluation.json": `${json}\n`, passed: String(verdict.passed) });
  await mlflow.setRunTag(run.runId, TAGS.evaluation, JSON.stringify(report));
  ctx.log(formatVerdict(verdict));
  return verdict.passed ? EXIT.OK : EXIT.REFUSED;
}

if (require.main === module) cli(main);
