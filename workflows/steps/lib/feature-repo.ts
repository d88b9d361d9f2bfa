/**
 * The declared feature repository (`services.feast.repository`) and the `feast apply` run that
 * registers its definitions, shared by the platform (the settings, the Sensor, the admission
 * policy) and the `feature-apply` step (which checks a run before the Feast image clones and
 * applies it). Pure: no I/O.
 *
 * The repository URL and the folder of the definitions come only from the platform's settings
 * ConfigMap of `ml-pipelines`; a run supplies the commit (and the ref it was pushed to), never a
 * URL, so a push event cannot point the apply step at another repository.
 */

/** Settings keys (in `ml-pipelines`' `mlops-pipeline-settings` ConfigMap) of the declared feature repository. */
export const FEATURE_REPOSITORY_SETTINGS = {
  /** `https://` clone URL of the feature repository. */
  url: "PLATFORM_FEATURE_REPOSITORY",
  /** Folder of the feature definitions inside the repository (`.` for its root). */
  path: "PLATFORM_FEATURE_REPOSITORY_PATH",
  /**
   * The offline store's folder (`<features bucket>/feast/`), which the definitions' sources are
   * under; the apply step and the feature server both see it as `FEAST_OFFLINE_URI`.
   */
  offlineUri: "FEAST_OFFLINE_URI",
} as const;

/**
 * The only service account that runs `feast apply`: it exists in `ml-pipelines` only, carries no
 * cloud identity (it reads no bucket, no training data) and writes the registry through the
 * `feature_store.yaml` Secret it mounts; admission lets it run the Feast image there and nothing else.
 */
export const FEATURE_APPLY_SERVICE_ACCOUNT = "feature-apply";

/** The ClusterWorkflowTemplate (and its entry template) that applies the feature repository. */
export const FEATURE_APPLY_TEMPLATE = "feature-apply";

/** Label of the apply step's pods (workflows/feature-apply.yaml): the egress flow to the git host selects it. */
export const FEATURE_APPLY_POD_LABELS = { "mlops.platform/step": "feature-apply" } as const;

/** The Feast image named in `workflows/feature-apply.yaml`; the platform replaces it with its pinned, cached image. */
export const FEAST_IMAGE_PLACEHOLDER = "mlops-platform/feast:0.67.0";

/** What one `feast apply` run takes: the declared repository and folder, the commit and its ref. */
export interface FeatureApplyRequest {
  /** The declared clone URL (settings, never the event). */
  readonly repository: string;
  /** Folder of the definitions inside the repository. */
  readonly path: string;
  /** The commit to apply (40 hex digits). */
  readonly commit: string;
  /** The ref the commit was pushed to (`refs/heads/<branch>`), or empty for a run by hand. */
  readonly ref: string;
}

/** An `https://` clone URL of an `owner/name` (or `group/…/name`) repository, without credentials, query or fragment. */
export const CLONE_URL = /^https:\/\/[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?(\/[A-Za-z0-9_-][A-Za-z0-9._~-]*){2,}$/;
/** A folder inside the repository: relative, no `..`, no hidden segment. */
const REPO_PATH = /^(\.|[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*)$/;

/** Problems of a folder inside the repository (empty when valid), for the stack config and the step. */
export function featureRepositoryPathProblem(path: string): string | undefined {
  return REPO_PATH.test(path) && !path.split("/").includes("..")
    ? undefined
    : `${JSON.stringify(path)} must be a folder inside the repository (relative, no "..", no leading dot), e.g. feature_repo or "."`;
}

/** Problems of an apply request (empty when valid): each names the field, the value and the fix. */
export function featureApplyProblems(r: FeatureApplyRequest): string[] {
  const p: string[] = [];
  if (r.repository === "")
    p.push(
      `${FEATURE_REPOSITORY_SETTINGS.url} is empty: no feature repository is declared; set services.feast.repository.url in the stack configuration`,
    );
  else if (!CLONE_URL.test(r.repository))
    p.push(
      `${FEATURE_REPOSITORY_SETTINGS.url}=${JSON.stringify(r.repository)}: must be an https:// clone URL without credentials, e.g. https://git.example.ae/ml/features.git`,
    );
  const pathProblem = featureRepositoryPathProblem(r.path);
  if (pathProblem) p.push(`${FEATURE_REPOSITORY_SETTINGS.path}=${pathProblem}`);
  if (!/^[a-f0-9]{40}$/.test(r.commit)) p.push(`commit: ${JSON.stringify(r.commit)} must be a full commit SHA (40 lowercase hex digits)`);
  if (r.ref !== "" && !/^refs\/heads\/[A-Za-z0-9._/-]+$/.test(r.ref))
    p.push(`ref: ${JSON.stringify(r.ref)} must be refs/heads/<branch> (or empty for a run by hand)`);
  return p;
}

/** The repository path a push names (`owner/name`, GitLab `group/subgroup/name`), from a clone URL. */
export function featureRepositoryPath(cloneUrl: string): string {
  return new URL(cloneUrl).pathname
    .replace(/^\/+/, "")
    .replace(/\.git$/, "")
    .replace(/\/+$/, "");
}
