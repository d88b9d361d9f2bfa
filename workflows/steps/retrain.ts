/**
 * `node dist/retrain.js --model-name … --data-uri …`: submits the training pipeline again after
 * drift, with the settings of the current champion's run (code version, image, command,
 * hyperparameters, gate, …) and the new data. The new run goes through every check again,
 * gate and approval included.
 */
import { cli, EXIT, parseFlags, type StepContext, StepError } from "./lib/cli";
import { exitCodeForStatus, sendJson } from "./lib/http";
import { currentNamespace, inClusterConnection } from "./lib/kube";
import { CHAMPION_ALIAS, TAGS } from "./lib/lineage";
import { MlflowClient, type RunInfo } from "./lib/mlflow";
import { writeOutputs } from "./lib/outputs";
import type { TrainingParameter } from "./lib/params";
import { readSettings } from "./lib/settings";
import { PARAMETER_TAG_PREFIX } from "./start-run";

/** The training-pipeline arguments that reproduce `run` on new data. */
export function retrainArguments(run: RunInfo, model: string, dataUri: string): Record<TrainingParameter, string> {
  const p = (k: string) => run.tags[`${PARAMETER_TAG_PREFIX}${k}`] ?? "";
  return {
    "data-uri": dataUri,
    "data-schema": p("data-schema") || "{}",
    "code-version": run.tags[TAGS.codeVersion] ?? "",
    "model-name": model,
    "training-image": run.tags[TAGS.trainingImage] ?? "",
    "training-command": p("training-command"),
    hyperparameters: p("hyperparameters") || "{}",
    "quality-gate": run.tags[TAGS.gate] ?? "",
    "feature-views": p("feature-views"),
    "gpu-count": p("gpu-count") || "1",
    "serving-rollout": p("serving-rollout"),
    "checkpoint-interval-minutes": p("checkpoint-interval-minutes") || "15",
    "spot-losses-before-on-demand": p("spot-losses-before-on-demand") || "2",
  };
}

/** The Workflow object that runs the training-pipeline template. */
export function retrainWorkflow(namespace: string, model: string, args: Record<string, string>, reason: string): Record<string, unknown> {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Workflow",
    metadata: {
      generateName: `retrain-${model.replace(/[^a-z0-9-]/g, "-").slice(0, 40)}-`,
      namespace,
      labels: { "mlops.platform/trigger": "drift", "mlops.platform/model": model.replace(/[^A-Za-z0-9_.-]/g, "-").slice(0, 63) },
      annotations: { "mlops.platform/reason": reason.slice(0, 1000) },
    },
    spec: {
      workflowTemplateRef: { name: "training-pipeline", clusterScope: true },
      arguments: { parameters: Object.entries(args).map(([name, value]) => ({ name, value })) },
    },
  };
}

/** Entry point. */
export async function main(ctx: StepContext): Promise<number> {
  const f = parseFlags(ctx.argv, {
    "model-name": { required: true, description: "registered model name" },
    "data-uri": { required: true, description: "data to retrain on" },
    reason: { required: false, description: "why (drift summary)" },
  });
  const settings = readSettings(ctx.env);
  const mlflow = new MlflowClient(settings.mlflowUrl, ctx.env.MLFLOW_TRACKING_TOKEN);
  const model = f["model-name"] ?? "";
  const champion = await mlflow.getVersionByAlias(model, CHAMPION_ALIAS);
  if (!champion)
    throw new StepError(
      `model ${model} has no ${CHAMPION_ALIAS}: there is no production run to retrain; submit training-pipeline by hand`,
      EXIT.REFUSED,
    );
  const run = await mlflow.getRun(champion.runId);
  if (!run?.tags[TAGS.codeVersion])
    throw new StepError(
      `the champion (version ${champion.version}) was not trained by this pipeline: no lineage to retrain from`,
      EXIT.REFUSED,
    );
  const ns = currentNamespace(ctx.env);
  const wf = retrainWorkflow(ns, model, retrainArguments(run, model, f["data-uri"] ?? ""), f.reason ?? "drift");
  const conn = inClusterConnection(ctx.env);
  const res = await sendJson({
    method: "POST",
    url: `${conn.baseUrl}/apis/argoproj.io/v1alpha1/namespaces/${ns}/workflows`,
    body: wf,
    headers: conn.token ? { authorization: `Bearer ${conn.token}` } : {},
    ...(conn.ca ? { ca: conn.ca } : {}),
  });
  if (res.status < 200 || res.status >= 300)
    throw new StepError(
      `creating the retraining workflow answered ${res.status}: ${res.text.slice(0, 300)}`,
      exitCodeForStatus(res.status),
    );
  const name = String((res.body as { metadata?: { name?: string } })?.metadata?.name ?? "");
  writeOutputs(ctx.env, { "workflow-name": name });
  ctx.log(`submitted ${name} (training-pipeline on ${f["data-uri"]}, code ${run.tags[TAGS.codeVersion]})`);
  return EXIT.OK;
}

if (require.main === module) cli(main);
