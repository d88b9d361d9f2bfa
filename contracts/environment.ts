/**
 * The environment axis, shared by the program (`stacks/`) and the policy pack (`policies/`).
 *
 * A stack declares `mlops-platform:environment` (development | production) independently of its
 * size profile. Production, at any size, means: approval before serving, images pinned by digest,
 * stateful resources protected (protect / retainOnDelete, deletion protection, final snapshots)
 * and at least the production minimum of backup and log retention. The profile decides capacity
 * and availability only.
 *
 * This is a leaf module (it imports nothing of the project), so that the program and the pack
 * derive "production" and the retention minima from the same stack configuration with the same
 * code: the pack reads the stack's config (the CLI hands it `PULUMI_CONFIG`; the offline checker
 * reads `Pulumi.<stack>.yaml`) and calls {@link stackEnvironmentFromConfig}.
 */

/** The environments a stack may declare. */
export const ENVIRONMENTS = ["development", "production"] as const;
/** An environment name. */
export type EnvironmentName = (typeof ENVIRONMENTS)[number];

/** The config key (without namespace) that declares the environment. */
export const ENVIRONMENT_KEY = "environment";
/** The config key (without namespace) of the retention overrides. */
export const RETENTION_KEY = "retention";
/** The config key (without namespace) of the identity settings; the pack reads `clusterAdmins` from it. */
export const IDENTITY_KEY = "identity";
/** The tag / label every taggable resource carries with the stack's environment. */
export const ENVIRONMENT_TAG = "mlops-platform:environment";

/** Retention settings in days, as the stack configures them (`mlops-platform:retention`). */
export interface RetentionDays {
  /** Application, flow and cluster log retention. */
  readonly logDays: number;
  /** Control-plane audit and CloudTrail / activity log retention. */
  readonly auditLogDays: number;
  /** Database backup retention (and soft delete / snapshots derived from it). */
  readonly backupDays: number;
  /** Days before non-current object versions expire. */
  readonly noncurrentVersionDays: number;
}

/** What an environment presets and demands. */
export interface EnvironmentPreset {
  /** Retention when the stack sets none. */
  readonly retention: RetentionDays;
  /** The least retention a stack of this environment may configure. */
  readonly retentionFloor: RetentionDays;
  /** Stateful resources protected from delete/replace; in production this cannot be turned off. */
  readonly protectData: boolean;
  /** Promotion to serving waits for a human approval in the pipeline. */
  readonly approvalBeforeServing: boolean;
  /** Images the pipelines and served models run must be pinned by digest. */
  readonly imagesPinnedByDigest: boolean;
}

/** The presets of each environment. */
export const ENVIRONMENT_PRESETS: Readonly<Record<EnvironmentName, EnvironmentPreset>> = {
  development: {
    retention: { logDays: 30, auditLogDays: 90, backupDays: 7, noncurrentVersionDays: 30 },
    // The schema's own limits: a development stack may keep little.
    retentionFloor: { logDays: 1, auditLogDays: 90, backupDays: 1, noncurrentVersionDays: 1 },
    protectData: false,
    approvalBeforeServing: false,
    imagesPinnedByDigest: false,
  },
  production: {
    retention: { logDays: 365, auditLogDays: 2555, backupDays: 35, noncurrentVersionDays: 365 },
    // Production minima: a year of logs and audit logs, five weeks of backups (the RDS maximum), a
    // month of previous object versions. A stack may keep more, never less.
    retentionFloor: { logDays: 365, auditLogDays: 365, backupDays: 35, noncurrentVersionDays: 30 },
    protectData: true,
    approvalBeforeServing: true,
    imagesPinnedByDigest: true,
  },
};

/** True when `value` is an environment name. */
export function isEnvironment(value: unknown): value is EnvironmentName {
  return typeof value === "string" && (ENVIRONMENTS as readonly string[]).includes(value);
}

/** What the policy pack needs to know about a stack's environment. */
export interface StackEnvironment {
  readonly environment: EnvironmentName;
  /** Minimum retention (days) for database backups, soft delete and noncurrent versions. */
  readonly minimumBackupRetentionDays: number;
  /** Minimum retention (days) for logs (CloudWatch log groups, Log Analytics workspaces). */
  readonly minimumLogRetentionDays: number;
  /**
   * The IAM role ARNs the stack names as Kubernetes cluster administrators
   * (`mlops-platform:identity.clusterAdmins`): the only principals the platform's own cluster
   * component may associate with a cluster-admin access policy.
   */
  readonly clusterAdmins: readonly string[];
  /** Where the environment was read from, shown in reports. */
  readonly source: string;
  /**
   * Set when the declared value could not be used (missing or not an environment name): the
   * pack then judges as production (fail closed) and says why.
   */
  readonly problem?: string;
}

function positiveInt(v: unknown): number | undefined {
  const n = typeof v === "string" && /^\d+$/.test(v.trim()) ? Number(v) : v;
  return typeof n === "number" && Number.isInteger(n) && n > 0 ? n : undefined;
}

function parsed(v: unknown): unknown {
  if (typeof v !== "string") return v;
  const t = v.trim();
  if (!t.startsWith("{")) return v;
  try {
    return JSON.parse(t);
  } catch {
    return undefined;
  }
}

/** `identity.clusterAdmins` as strings; anything else there counts as no administrator (fail closed). */
function clusterAdminsOf(identity: unknown): string[] {
  if (identity === null || typeof identity !== "object") return [];
  const admins = (identity as Record<string, unknown>).clusterAdmins;
  return Array.isArray(admins) ? admins.filter((a): a is string => typeof a === "string" && a.trim() !== "").map((a) => a.trim()) : [];
}

/**
 * The environment and retention minima of a stack, from its configuration values (keys without
 * namespace; values as parsed YAML or as the JSON strings the runtime carries).
 *
 * Fails closed: a missing or unknown environment is judged as production (with `problem` set),
 * and the retention minima are never below the environment's floor, whatever the stack says.
 * The configured retention raises the minima, so that the pack also catches a resource that
 * ignores the stack's own retention.
 */
export function stackEnvironmentFromConfig(values: { readonly [key: string]: unknown }, source: string): StackEnvironment {
  const declared = values[ENVIRONMENT_KEY];
  const environment: EnvironmentName = isEnvironment(declared) ? declared : "production";
  const preset = ENVIRONMENT_PRESETS[environment];
  const retention = parsed(values[RETENTION_KEY]);
  const configured = (key: keyof RetentionDays): number => {
    const v = retention !== null && typeof retention === "object" ? positiveInt((retention as Record<string, unknown>)[key]) : undefined;
    return Math.max(v ?? preset.retention[key], preset.retentionFloor[key]);
  };
  const result: StackEnvironment = {
    environment,
    minimumBackupRetentionDays: configured("backupDays"),
    minimumLogRetentionDays: configured("logDays"),
    clusterAdmins: clusterAdminsOf(parsed(values[IDENTITY_KEY])),
    source,
  };
  if (isEnvironment(declared)) return result;
  return {
    ...result,
    problem:
      declared === undefined
        ? `${source} declares no ${ENVIRONMENT_KEY}: judged as production`
        : `${source} declares ${ENVIRONMENT_KEY} ${JSON.stringify(declared)}, which is not one of ${ENVIRONMENTS.join(", ")}: judged as production`,
  };
}

/**
 * The configuration values of project `namespace` in a `PULUMI_CONFIG` document (what the Pulumi
 * CLI hands a program and, since CLI 3.x, a policy pack: fully qualified keys, string values).
 */
export function namespaceValues(pulumiConfig: string | undefined, namespace: string): Record<string, unknown> | undefined {
  if (!pulumiConfig) return undefined;
  let all: unknown;
  try {
    all = JSON.parse(pulumiConfig);
  } catch {
    return undefined;
  }
  if (all === null || typeof all !== "object") return undefined;
  const prefix = `${namespace}:`;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(all as Record<string, unknown>)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}
