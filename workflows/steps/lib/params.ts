/**
 * The parameters of the `training-pipeline` WorkflowTemplate and their checks. The names are a
 * contract with `workflows/training-pipeline.yaml` (the lint and tests compare them), with the
 * drift monitor (which resubmits a run with the champion's values) and with the docs.
 */
import { TRAINING_ACCOUNT_PARAMETER } from "./built-training";
import { usageError } from "./cli";
import { parseDataSchema } from "./dataset";
import { parseGateSpec } from "./gate";
import { imagePinProblem, isDigestPinned, parseImage } from "./images";

/** Every parameter a user can set on the training pipeline. */
export const TRAINING_PARAMETERS = [
  "data-uri",
  "data-schema",
  "code-version",
  "model-name",
  "training-image",
  "training-command",
  "hyperparameters",
  "quality-gate",
  "feature-views",
  "gpu-count",
  "serving-rollout",
  "checkpoint-interval-minutes",
  "spot-losses-before-on-demand",
] as const;
/**
 * Parameters of the training pipeline that are not user inputs preflight checks: the reproduction's
 * expected data checksum (checked by validation) and the recorded object versions validation fetches
 * (a team's own pipeline need not declare them).
 */
export const REPRODUCTION_PARAMETERS = ["expected-data-sha256", "data-versions"] as const;
/**
 * Parameters of the training pipeline only the platform sets: the training step's account, which
 * the retrain step sets to a built model's own account for its built image (`./built-training.ts`);
 * admission holds the image and the account together, whoever submits.
 */
export const PLATFORM_PARAMETERS = [TRAINING_ACCOUNT_PARAMETER] as const;
/** A parameter of {@link REPRODUCTION_PARAMETERS}. */
export type ReproductionParameter = (typeof REPRODUCTION_PARAMETERS)[number];
/** One training parameter. */
export type TrainingParameter = (typeof TRAINING_PARAMETERS)[number];

const MODEL_NAME = /^[a-z0-9]([a-z0-9-_.]{0,61}[a-z0-9])?$/;
const DNS_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Checks the user-settable inputs; returns every problem (empty when valid). */
export function trainingInputProblems(
  p: Partial<Record<TrainingParameter, string>>,
  ctx: { environment: "development" | "production"; allowedRegistries: readonly string[] },
): string[] {
  const problems: string[] = [];
  const name = p["model-name"] ?? "";
  if (!MODEL_NAME.test(name))
    problems.push(
      `model-name=${JSON.stringify(name)}: use 1-63 lowercase letters, digits, '-', '_' or '.', starting and ending with a letter or digit`,
    );
  const code = p["code-version"] ?? "";
  if (!/^[A-Za-z0-9][A-Za-z0-9._\-/+]{0,127}$/.test(code))
    problems.push(`code-version=${JSON.stringify(code)}: give the git commit SHA or tag of the training code`);
  const image = p["training-image"] ?? "";
  const pin = imagePinProblem(image);
  if (pin) problems.push(`training-image: ${pin}`);
  else {
    if (ctx.environment === "production" && !isDigestPinned(image)) {
      problems.push(
        `training-image=${JSON.stringify(image)}: production runs need an image pinned by digest (@sha256:…) so the registered model's lineage is exact`,
      );
    }
    const registry = parseImage(image).registry;
    if (ctx.allowedRegistries.length > 0 && !ctx.allowedRegistries.includes(registry)) {
      problems.push(
        `training-image=${JSON.stringify(image)}: registry ${registry} is not one of the platform's registries (${ctx.allowedRegistries.join(", ")}): push the image there`,
      );
    }
  }
  if (!(p["training-command"] ?? "").trim())
    problems.push(`training-command is empty: give the command that trains and logs to MLflow, e.g. "python train.py"`);
  const hp = p.hyperparameters ?? "{}";
  try {
    const v = JSON.parse(hp) as unknown;
    if (typeof v !== "object" || v === null || Array.isArray(v))
      problems.push(`hyperparameters=${JSON.stringify(hp)}: must be a JSON object such as {"lr":0.01}`);
    else {
      for (const [k, x] of Object.entries(v)) {
        if (x !== null && typeof x === "object")
          problems.push(`hyperparameters.${k}: must be a string, number or boolean, got ${JSON.stringify(x)}`);
      }
    }
  } catch (e) {
    problems.push(`hyperparameters=${JSON.stringify(hp)} is not JSON (${(e as Error).message})`);
  }
  for (const [param, parse] of [
    ["quality-gate", parseGateSpec],
    ["data-schema", parseDataSchema],
  ] as const) {
    try {
      parse(p[param] ?? (param === "data-schema" ? "{}" : ""));
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  const gpus = p["gpu-count"] ?? "1";
  if (!/^[1-8]$/.test(gpus)) problems.push(`gpu-count=${JSON.stringify(gpus)}: must be an integer from 1 to 8`);
  const interval = p["checkpoint-interval-minutes"] ?? "15";
  if (!/^[0-9]{1,4}$/.test(interval) || Number(interval) < 1 || Number(interval) > 1440)
    problems.push(`checkpoint-interval-minutes=${JSON.stringify(interval)}: must be an integer from 1 to 1440`);
  const losses = p["spot-losses-before-on-demand"] ?? "2";
  if (!/^[0-3]$/.test(losses))
    problems.push(
      `spot-losses-before-on-demand=${JSON.stringify(losses)}: must be an integer from 0 to 3 (the training step retries pod losses 4 times; 0 trains on on-demand only)`,
    );
  const rollout = p["serving-rollout"] ?? "";
  if (rollout !== "" && !DNS_NAME.test(rollout))
    problems.push(`serving-rollout=${JSON.stringify(rollout)}: must be the name of a Rollout in the serving namespace, or empty`);
  const views = p["feature-views"] ?? "";
  if (views !== "" && !views.split(",").every((v) => /^[A-Za-z0-9_-]+$/.test(v.trim()))) {
    problems.push(`feature-views=${JSON.stringify(views)}: must be a comma-separated list of Feast feature view names, or empty`);
  }
  return problems;
}

/** Throws one usage error listing every problem. */
export function assertTrainingInputs(
  p: Partial<Record<TrainingParameter, string>>,
  ctx: Parameters<typeof trainingInputProblems>[1],
): void {
  const problems = trainingInputProblems(p, ctx);
  if (problems.length > 0) throw usageError(`invalid training-pipeline parameters:\n  - ${problems.join("\n  - ")}`);
}
