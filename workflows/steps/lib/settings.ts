/**
 * Platform settings a step trusts. They come only from the environment that the
 * `mlops-pipeline-settings` ConfigMap (created by the platform in every pipeline namespace and
 * mounted with `envFrom`) provides, never from workflow parameters: a user who could set them
 * could point the gate at a fake MLflow, allow foreign buckets or skip approval.
 */
import { usageError } from "./cli";

/** Name of the ConfigMap holding the settings in each pipeline namespace. */
export const PIPELINE_SETTINGS_CONFIGMAP = "mlops-pipeline-settings";

/** Environment keys of the settings ConfigMap. */
export const SETTINGS_KEYS = {
  cloud: "PLATFORM_CLOUD",
  region: "PLATFORM_REGION",
  environment: "PLATFORM_ENVIRONMENT",
  allowedDataPrefixes: "PLATFORM_ALLOWED_DATA_PREFIXES",
  allowedRegistries: "PLATFORM_ALLOWED_REGISTRIES",
  mlflowUrl: "PLATFORM_MLFLOW_URL",
  feastUrl: "PLATFORM_FEAST_URL",
  servingNamespace: "PLATFORM_SERVING_NAMESPACE",
  driftThreshold: "PLATFORM_DRIFT_THRESHOLD",
  /** Where the namespace's training checkpoints go: `s3://<artifacts bucket>/<namespace prefix>checkpoints/` or the Azure blob URL. */
  checkpointUri: "PLATFORM_CHECKPOINT_URI",
  modelRetentionDays: "PLATFORM_MODEL_RETENTION_DAYS",
} as const;

// The step image is built from this folder alone (see ../Dockerfile), so the fallbacks are spelled
// here; test/contracts/endpoints.test.ts fails when they differ from `contracts/endpoints.ts`, the
// Services the platform creates.
/** The in-cluster MLflow tracking server (used when the settings do not name another). */
export const DEFAULT_MLFLOW_URL = "http://mlflow.mlflow.svc.cluster.local:80";
/** The in-cluster Feast feature server. */
export const DEFAULT_FEAST_URL = "http://feast-feature-server.feast.svc.cluster.local:6566";

/** Resolved platform settings. */
export interface PlatformSettings {
  readonly cloud: "aws" | "azure";
  readonly region: string;
  /** Anything but exactly `development` is treated as production (approval required): fail safe. */
  readonly environment: "development" | "production";
  readonly allowedDataPrefixes: readonly string[];
  readonly allowedRegistries: readonly string[];
  readonly mlflowUrl: string;
  readonly feastUrl: string;
  readonly servingNamespace: string;
  readonly driftThreshold: number;
  /** Days a superseded or never-promoted model version stays before it is archived (default 30). */
  readonly modelRetentionDays: number;
}

function list(value: string | undefined): string[] {
  return (value ?? "")
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Reads the settings from the environment; refuses missing or malformed keys with one error. */
export function readSettings(env: Readonly<Record<string, string | undefined>>): PlatformSettings {
  const problems: string[] = [];
  const cloud = env[SETTINGS_KEYS.cloud];
  if (cloud !== "aws" && cloud !== "azure") {
    problems.push(
      `${SETTINGS_KEYS.cloud}=${JSON.stringify(cloud)}: must be "aws" or "azure" (set by the platform's ${PIPELINE_SETTINGS_CONFIGMAP} ConfigMap)`,
    );
  }
  const region = env[SETTINGS_KEYS.region] ?? "";
  if (!region)
    problems.push(`${SETTINGS_KEYS.region} is empty: the ${PIPELINE_SETTINGS_CONFIGMAP} ConfigMap must name the platform region`);
  const allowedDataPrefixes = list(env[SETTINGS_KEYS.allowedDataPrefixes]);
  if (allowedDataPrefixes.length === 0) {
    problems.push(
      `${SETTINGS_KEYS.allowedDataPrefixes} is empty: the ${PIPELINE_SETTINGS_CONFIGMAP} ConfigMap must list the data locations pipelines may read`,
    );
  }
  const threshold = Number(env[SETTINGS_KEYS.driftThreshold] ?? "0.2");
  if (!Number.isFinite(threshold) || threshold <= 0) {
    problems.push(`${SETTINGS_KEYS.driftThreshold}=${JSON.stringify(env[SETTINGS_KEYS.driftThreshold])}: must be a positive number`);
  }
  const retention = Number(env[SETTINGS_KEYS.modelRetentionDays] || "30");
  if (!Number.isInteger(retention) || retention < 1)
    problems.push(
      `${SETTINGS_KEYS.modelRetentionDays}=${JSON.stringify(env[SETTINGS_KEYS.modelRetentionDays])}: must be a whole number of days ≥ 1`,
    );
  if (problems.length > 0) throw usageError(`platform settings are incomplete:\n  - ${problems.join("\n  - ")}`);
  return {
    cloud: cloud as "aws" | "azure",
    region,
    environment: env[SETTINGS_KEYS.environment] === "development" ? "development" : "production",
    allowedDataPrefixes,
    allowedRegistries: list(env[SETTINGS_KEYS.allowedRegistries]),
    mlflowUrl: (env[SETTINGS_KEYS.mlflowUrl] || DEFAULT_MLFLOW_URL).replace(/\/+$/, ""),
    feastUrl: (env[SETTINGS_KEYS.feastUrl] || DEFAULT_FEAST_URL).replace(/\/+$/, ""),
    servingNamespace: env[SETTINGS_KEYS.servingNamespace] || "serving",
    driftThreshold: threshold,
    modelRetentionDays: retention,
  };
}
