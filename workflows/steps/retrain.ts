/**
 * `node dist/retrain.js --model-name … --data-uri …`: submits the training pipeline again after
 * drift, with the settings of the current champion's run (code version, image, command,
 * hyperparameters, gate, …) and the new data. The new run goes through every check again,
 * gate and approval included. With `--reproduce-version N` it submits instead the settings, data
 * URI and data checksum recorded on version N (see {@link reproduceArguments}).
 */
import {
  BUILT_MODELS_SETTING,
  type BuiltModelTraining,
  builtTrainingFor,
  DEFAULT_TRAINING_ACCOUNT,
  parseBuiltModels,
  TRAINING_ACCOUNT_PARAMETER,
  TRAINING_ARTIFACT_REPOSITORIES,
} from "./lib/built-training";
import { cli, EXIT, parseFlags, type StepContext, StepError, usageError } from "./lib/cli";
import { exitCodeForStatus, sendJson } from "./lib/http";
import { currentNamespace, inClusterConnection } from "./lib/kube";
import { CHAMPION_ALIAS, TAGS } from "./lib/lineage";
import { MlflowClient, mlflowToken, type RunInfo } from "./lib/mlflow";
import { writeOutputs } from "./lib/outputs";
import type { ReproductionParameter, TrainingParameter } from "./lib/params";
import { readSettings } from "./lib/settings";
import { PARAMETER_TAG_PREFIX } from "./start-run";

/** The training-pipeline arguments that reproduce `run` on new data. */
export function retrainArguments(run: RunInfo, model: string, dataUri: string): Record<TrainingParameter | ReproductionParameter, string> {
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
    // New data: nothing to compare with. A reproduction sets it to the recorded checksum.
    "expected-data-sha256": "",
    "data-versions": "",
  };
}

/**
 * The training-pipeline arguments that reproduce the run of one model version: its recorded
 * settings, its data URI and, as `expected-data-sha256`, its data checksum (validation refuses the
 * data if it changed). The reproduction updates the registry only (no serving Rollout).
 */
export function reproduceArguments(run: RunInfo, model: string): Record<TrainingParameter | ReproductionParameter, string> {
  return {
    ...retrainArguments(run, model, run.tags[TAGS.dataUri] ?? ""),
    "serving-rollout": "",
    "expected-data-sha256": run.tags[TAGS.dataChecksum] ?? "",
    // The recorded object versions: validation fetches exactly those bytes, even if the objects changed since.
    "data-versions": run.tags[TAGS.dataVersions] ?? "",
  };
}

/**
 * The Workflow object that runs the training-pipeline template. A run of a built model's image
 * (`built`) trains as the model's own account, archives under its own artifact repository key and
 * carries the labels its identity needs; any other run trains as `pipeline-train`.
 */
export function retrainWorkflow(
  namespace: string,
  model: string,
  args: Record<string, string>,
  reason: string,
  built?: BuiltModelTraining,
): Record<string, unknown> {
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
      arguments: {
        parameters: [
          ...Object.entries(args).map(([name, value]) => ({ name, value })),
          { name: TRAINING_ACCOUNT_PARAMETER, value: built?.account ?? DEFAULT_TRAINING_ACCOUNT },
        ],
      },
      ...(built
        ? {
            artifactRepositoryRef: { configMap: TRAINING_ARTIFACT_REPOSITORIES, key: built.account },
            ...(Object.keys(built.podLabels).length > 0 ? { podMetadata: { labels: { ...built.podLabels } } } : {}),
          }
        : {}),
    },
  };
}

/**
 * The run of `model`'s champion, which a retraining repeats; refused (EXIT.REFUSED) when there is
 * none or it has no lineage. `build-image` asks first, so a push never builds what cannot train.
 */
export async function retrainableChampion(mlflow: MlflowClient, model: string): Promise<RunInfo> {
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
  return run;
}

/** Entry point. */
export async function main(ctx: StepContext): Promise<number> {
  const f = parseFlags(ctx.argv, {
    "model-name": { required: true, description: "registered model name" },
    "data-uri": { required: false, description: "data to retrain on (required unless --reproduce-version)" },
    "reproduce-version": { required: false, description: "reproduce this model version from its lineage instead" },
    reason: { required: false, description: "why (drift summary)" },
    "code-version": { required: false, description: "a git push: the pushed commit, trained instead of the champion's code" },
    "training-image": { required: false, description: "a git push: the image built from that commit, by digest" },
  });
  const pushed = { commit: (f["code-version"] ?? "").trim(), image: (f["training-image"] ?? "").trim() };
  if ((pushed.commit === "") !== (pushed.image === ""))
    throw usageError("--code-version and --training-image go together: the pushed commit and the image built from it");
  if (pushed.commit !== "" && !/^[a-f0-9]{40}$/.test(pushed.commit))
    throw usageError(`--code-version=${JSON.stringify(pushed.commit)}: must be the pushed commit (40 hex digits)`);
  if (pushed.image !== "" && !/@sha256:[a-f0-9]{64}$/.test(pushed.image))
    throw usageError(
      `--training-image=${JSON.stringify(pushed.image)}: must be the built image by digest (<registry>/<team>/<model>@sha256:…)`,
    );
  const reproduce = (f["reproduce-version"] ?? "").trim();
  if (reproduce === "" && !f["data-uri"]) throw usageError("--data-uri is required (or --reproduce-version=<version>)");
  if (reproduce !== "" && f["data-uri"])
    throw usageError("--data-uri and --reproduce-version exclude each other: a reproduction uses the recorded data");
  const settings = readSettings(ctx.env);
  const mlflow = new MlflowClient(settings.mlflowUrl, mlflowToken(ctx.env));
  const model = f["model-name"] ?? "";
  if (reproduce !== "") return submitReproduction(ctx, mlflow, model, reproduce, f.reason ?? `reproduce ${model} version ${reproduce}`);
  const run = await retrainableChampion(mlflow, model);
  const args = retrainArguments(run, model, f["data-uri"] ?? "");
  // A git push trains its own code: the pushed commit and the image built from it (lineage records both).
  if (pushed.commit !== "") Object.assign(args, { "code-version": pushed.commit, "training-image": pushed.image });
  const built = builtTraining(ctx, model, args["training-image"]);
  if (pushed.image !== "" && built === undefined)
    throw new StepError(
      `--training-image=${pushed.image} is not an image of a repository ${model} is built from (${BUILT_MODELS_SETTING} of the platform's settings): a pushed commit trains only as its model's own account`,
      EXIT.REFUSED,
    );
  return submit(ctx, model, args, f.reason ?? "drift", `code ${args["code-version"]}`, built);
}

async function submitReproduction(ctx: StepContext, mlflow: MlflowClient, model: string, version: string, reason: string): Promise<number> {
  const mv = await mlflow.getModelVersion(model, version);
  if (!mv) throw new StepError(`model ${model} version ${version} does not exist`, EXIT.REFUSED);
  const run = await mlflow.getRun(mv.runId);
  const missing = [TAGS.codeVersion, TAGS.trainingImage, TAGS.gate, TAGS.dataUri, TAGS.dataChecksum].filter((t) => !run?.tags[t]);
  if (!run || missing.length > 0)
    throw new StepError(
      `${model} version ${version} cannot be reproduced: its run records no ${missing.join(", ")} (it was not trained by this pipeline)`,
      EXIT.REFUSED,
    );
  const args = reproduceArguments(run, model);
  const built = builtTraining(ctx, model, args["training-image"]);
  return submit(ctx, model, args, reason, `version ${version}, data sha256 ${run.tags[TAGS.dataChecksum]}`, built);
}

/** The built model whose image this run trains (its own account and artifact key), from the platform's settings; refused when the image is another model's. */
function builtTraining(ctx: StepContext, model: string, image: string): BuiltModelTraining | undefined {
  try {
    return builtTrainingFor(parseBuiltModels(ctx.env[BUILT_MODELS_SETTING]), model, image);
  } catch (e) {
    throw new StepError((e as Error).message, EXIT.REFUSED);
  }
}

async function submit(
  ctx: StepContext,
  model: string,
  args: Record<string, string>,
  reason: string,
  what: string,
  built?: BuiltModelTraining,
): Promise<number> {
  const ns = currentNamespace(ctx.env);
  const wf = retrainWorkflow(ns, model, args, reason, built);
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
  ctx.log(
    `submitted ${name} (training-pipeline on ${args["data-uri"]}, ${what}, training as ${built?.account ?? DEFAULT_TRAINING_ACCOUNT})`,
  );
  return EXIT.OK;
}

if (require.main === module) cli(main);
