/**
 * `node dist/start-run.js …`: creates the MLflow run the training container logs into (its id is
 * handed to the trainer as `MLFLOW_RUN_ID`), with the lineage tags and the hyperparameters as
 * params. Idempotent: a retry finds the run already created for this workflow.
 */
import { cli, EXIT, parseFlags, type StepContext } from "./lib/cli";
import { TAGS } from "./lib/lineage";
import { MlflowClient, mlflowToken } from "./lib/mlflow";
import { writeOutputs } from "./lib/outputs";
import { readSettings } from "./lib/settings";

/** The experiment of a model in a namespace (teams never share experiments). */
export function experimentName(namespace: string, model: string): string {
  return `${namespace}/${model}`;
}

const LINEAGE_FLAGS = {
  "model-name": { required: true, description: "registered model name" },
  "code-version": { required: true, description: "git SHA of the training code" },
  "data-uri": { required: true, description: "training data URI" },
  "data-sha256": { required: true, description: "checksum of the training data" },
  "data-versions": { required: false, description: "the data's object versions (validate-data's manifest)" },
  "training-image": { required: true, description: "training image" },
  "training-command": { required: true, description: "training command" },
  hyperparameters: { required: false, description: "JSON object" },
  "quality-gate": { required: true, description: "gate specification, recorded for retraining" },
  "data-schema": { required: false, description: "data schema, recorded for retraining" },
  "feature-views": { required: false, description: "feature views, recorded for retraining" },
  "gpu-count": { required: false, description: "GPUs, recorded for retraining" },
  "serving-rollout": { required: false, description: "serving Rollout, recorded for retraining" },
  "checkpoint-interval-minutes": { required: false, description: "checkpoint interval, recorded for retraining" },
  "spot-losses-before-on-demand": { required: false, description: "spot fallback, recorded for retraining" },
  "workflow-uid": { required: true, description: "{{workflow.uid}}" },
  "workflow-name": { required: true, description: "{{workflow.name}}" },
  namespace: { required: true, description: "{{workflow.namespace}}" },
} as const;

/** Run tags that let the drift monitor resubmit a run with the same settings. */
export const PARAMETER_TAG_PREFIX = "mlops.platform/param.";

/** Entry point. */
export async function main(ctx: StepContext): Promise<number> {
  const f = parseFlags(ctx.argv, LINEAGE_FLAGS);
  const settings = readSettings(ctx.env);
  const mlflow = new MlflowClient(settings.mlflowUrl, mlflowToken(ctx.env));
  const experimentId = await mlflow.ensureExperiment(experimentName(f.namespace ?? "", f["model-name"] ?? ""));
  const existing = await mlflow.searchRuns(experimentId, `tags.\`${TAGS.workflowUid}\` = '${f["workflow-uid"]}'`);
  let runId = existing[0];
  if (runId) {
    ctx.log(`reusing MLflow run ${runId} created earlier by this workflow`);
  } else {
    const tags: Record<string, string> = {
      [TAGS.workflowUid]: f["workflow-uid"] ?? "",
      [TAGS.workflowName]: f["workflow-name"] ?? "",
      [TAGS.namespace]: f.namespace ?? "",
      [TAGS.modelName]: f["model-name"] ?? "",
      [TAGS.codeVersion]: f["code-version"] ?? "",
      [TAGS.dataUri]: f["data-uri"] ?? "",
      [TAGS.dataChecksum]: f["data-sha256"] ?? "",
      ...(f["data-versions"] ? { [TAGS.dataVersions]: f["data-versions"] } : {}),
      [TAGS.trainingImage]: f["training-image"] ?? "",
      [TAGS.gate]: f["quality-gate"] ?? "",
      "mlflow.source.git.commit": f["code-version"] ?? "",
    };
    for (const key of [
      "training-command",
      "hyperparameters",
      "data-schema",
      "feature-views",
      "gpu-count",
      "serving-rollout",
      "checkpoint-interval-minutes",
      "spot-losses-before-on-demand",
    ] as const) {
      tags[`${PARAMETER_TAG_PREFIX}${key}`] = f[key] ?? "";
    }
    runId = await mlflow.createRun(experimentId, f["workflow-name"] ?? "pipeline", tags);
    const hp = JSON.parse(f.hyperparameters || "{}") as Record<string, unknown>;
    await mlflow.logBatch(runId, { params: Object.fromEntries(Object.entries(hp).map(([k, v]) => [k, String(v)])) });
    ctx.log(`created MLflow run ${runId} in experiment ${experimentId}`);
  }
  writeOutputs(ctx.env, { "run-id": runId });
  return EXIT.OK;
}

if (require.main === module) cli(main);
