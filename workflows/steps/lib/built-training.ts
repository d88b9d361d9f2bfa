/**
 * The training runs of a built image (a model with `models[].training.repository`, whose pushes
 * the cluster builds into `<registry>/<team>/<model>`): their training step runs as the model's own
 * account `train-<model>` in `ml-pipelines`, bound to a cloud identity that reads only that model's
 * data prefix and writes only `pipelines/ml-pipelines/train/<model>/` (its run's logs and
 * artifacts, its checkpoints), never as the namespace's `pipeline-train`, which reads every model's
 * data. Shared by the platform (accounts, identities, admission, settings) and the retrain step
 * (which submits such a run with the model's account and artifact repository). Pure: no I/O.
 *
 * Who decides: the platform's settings ConfigMap of `ml-pipelines` lists the built models
 * ({@link BUILT_MODELS_SETTING}); the retrain step submits a run with the account and artifact
 * repository key of the built model whose repository the image comes from; admission lets the
 * account run that repository's images by digest (and the platform's own) and nothing else, and
 * lets no other account of `ml-pipelines` run them. A team's workflow may not name the account.
 */

/** Settings key (`ml-pipelines`' `mlops-pipeline-settings` only): JSON list of {@link BuiltModelTraining}. */
export const BUILT_MODELS_SETTING = "PLATFORM_BUILT_MODELS";

/** The training-pipeline parameter naming the training step's account (default `pipeline-train`). */
export const TRAINING_ACCOUNT_PARAMETER = "training-account";

/** The account the training step runs as when the image is not a built model's. */
export const DEFAULT_TRAINING_ACCOUNT = "pipeline-train";

/**
 * The training step's `serviceAccountName` in training-pipeline (an Argo expression tag): the
 * {@link TRAINING_ACCOUNT_PARAMETER} when it is a built model's `train-<model>`, otherwise
 * {@link DEFAULT_TRAINING_ACCOUNT}. A team's own Workflow can reference the step and pass any
 * value; the clamp keeps it from running its code as the platform's registration or promotion
 * account (`train-<model>` accounts exist in `ml-pipelines` only, where admission ties each to
 * its model's image).
 */
export const TRAINING_ACCOUNT_EXPRESSION = `{{=inputs.parameters['${TRAINING_ACCOUNT_PARAMETER}'] startsWith 'train-' ? inputs.parameters['${TRAINING_ACCOUNT_PARAMETER}'] : '${DEFAULT_TRAINING_ACCOUNT}'}}`;

/** What {@link TRAINING_ACCOUNT_EXPRESSION} gives for a `training-account` value (as Argo evaluates it). */
export function clampedTrainingAccount(value: string): string {
  return value.startsWith("train-") ? value : DEFAULT_TRAINING_ACCOUNT;
}

/**
 * ConfigMap of `ml-pipelines` with, per built model's account, the run's artifact repository (key
 * `<account>`, Argo's `artifactRepositoryRef`) and the training step's checkpoint location (key
 * `<account>.checkpoint-uri`, which the template's checkpoint containers read over the
 * namespace-wide `PLATFORM_CHECKPOINT_URI`).
 */
export const TRAINING_ARTIFACT_REPOSITORIES = "training-artifact-repositories";

/** The ConfigMap key of an account's checkpoint location in {@link TRAINING_ARTIFACT_REPOSITORIES}. */
export function checkpointUriKey(account: string): string {
  return `${account}.checkpoint-uri`;
}

/**
 * A built model's training account (and its identity's key). Model names are at most 30
 * characters (DNS labels of the config), so this stays within the clouds' 40-character keys.
 */
export function trainingServiceAccount(model: string): string {
  return `train-${model}`;
}

/** Where a built model's training runs write (logs, artifacts, checkpoints), under the namespace's prefix (`pipelines/ml-pipelines/`). */
export function trainingArtifactPrefix(namespacePrefix: string, model: string): string {
  return `${namespacePrefix}train/${model}/`;
}

/** One built model, as the settings list it. */
export interface BuiltModelTraining {
  /** The registered model it trains (`models[].serving.registeredModel`). */
  readonly registeredModel: string;
  /** `models[].name`. */
  readonly model: string;
  /** `<registry host>/<team>/<model>`: the repository the image builder pushes it to. */
  readonly repository: string;
  /** `train-<model>`, also its artifact repository key. */
  readonly account: string;
  /** Labels a pod needs to receive the account's cloud identity (Azure: `azure.workload.identity/use`). */
  readonly podLabels: Readonly<Record<string, string>>;
}

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const REPOSITORY = /^[a-z0-9.-]+(:[0-9]{1,5})?(\/[a-z0-9]+([._-][a-z0-9]+)*)+$/;

/** Reads {@link BUILT_MODELS_SETTING}; an absent or empty value lists none. Throws naming the problem. */
export function parseBuiltModels(value: string | undefined): BuiltModelTraining[] {
  if (value === undefined || value.trim() === "") return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new Error(`${BUILT_MODELS_SETTING} is not JSON`);
  }
  if (!Array.isArray(parsed)) throw new Error(`${BUILT_MODELS_SETTING} must be a JSON list`);
  return parsed.map((e, i) => {
    const o = (e ?? {}) as Record<string, unknown>;
    const str = (k: string) => (typeof o[k] === "string" ? (o[k] as string) : "");
    const labels = o.podLabels ?? {};
    const problems = [
      str("registeredModel") === "" ? "registeredModel" : "",
      NAME.test(str("model")) ? "" : "model",
      REPOSITORY.test(str("repository")) && str("repository").endsWith(`/${str("model")}`) ? "" : "repository",
      str("account") === trainingServiceAccount(str("model")) ? "" : "account",
      typeof labels === "object" && !Array.isArray(labels) && Object.values(labels as object).every((v) => typeof v === "string")
        ? ""
        : "podLabels",
    ].filter((p) => p !== "");
    if (problems.length > 0) throw new Error(`${BUILT_MODELS_SETTING}[${i}]: invalid ${problems.join(", ")}`);
    return {
      registeredModel: str("registeredModel"),
      model: str("model"),
      repository: str("repository"),
      account: str("account"),
      podLabels: labels as Record<string, string>,
    };
  });
}

/** True when `image` is an image of `repository` (by digest, by tag or bare). */
export function isImageOf(image: string, repository: string): boolean {
  return image === repository || image.startsWith(`${repository}@`) || image.startsWith(`${repository}:`);
}

/**
 * The built model a run of `registeredModel` with `image` trains as: the entry whose repository
 * the image comes from; undefined when the image is no built model's (it trains as `pipeline-train`).
 * Throws when the image is another registered model's built image, or a built image not pinned by
 * digest: such a run could only be refused by admission.
 */
export function builtTrainingFor(
  built: readonly BuiltModelTraining[],
  registeredModel: string,
  image: string,
): BuiltModelTraining | undefined {
  const owner = built.find((b) => isImageOf(image, b.repository));
  if (owner === undefined) return undefined;
  if (owner.registeredModel !== registeredModel)
    throw new Error(
      `${image} is built from ${owner.model}'s repository, which trains ${owner.registeredModel}, not ${registeredModel}: a built image trains only its own model`,
    );
  if (!new RegExp(`^${owner.repository.replace(/[.]/g, "\\.")}@sha256:[a-f0-9]{64}$`).test(image))
    throw new Error(`${image}: a built image is run by digest only (${owner.repository}@sha256:<digest>)`);
  return owner;
}

/**
 * Why a run's training account does not fit its image (undefined when it does): a built model's
 * image by digest trains as that model's account and only for that model, every other image as
 * {@link DEFAULT_TRAINING_ACCOUNT}. The preflight step's check; admission holds the same pairing
 * whoever submits.
 */
export function trainingAccountProblem(
  built: readonly BuiltModelTraining[],
  registeredModel: string,
  image: string,
  account: string,
): string | undefined {
  let expected: string;
  try {
    expected = builtTrainingFor(built, registeredModel, image)?.account ?? DEFAULT_TRAINING_ACCOUNT;
  } catch (e) {
    return (e as Error).message;
  }
  return account === expected
    ? undefined
    : `${TRAINING_ACCOUNT_PARAMETER}=${JSON.stringify(account)}: ${image || "this image"} trains as ${expected} (a built model's image as its own account, any other as ${DEFAULT_TRAINING_ACCOUNT}); leave it to the retrain step`;
}
