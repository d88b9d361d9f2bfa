/**
 * Reads and validates the stack configuration. The only module that touches `pulumi.Config`.
 *
 * {@link resolveConfig} is pure (raw key/value map in, typed config or one error listing every
 * problem out) so it is tested without Pulumi; {@link loadConfig} feeds it from the runtime.
 */
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { ENVIRONMENT_PRESETS, ENVIRONMENT_TAG } from "../contracts/environment";
import { modelReplicaDefaults, profilePreset } from "./profiles";
import {
  type PlatformConfig,
  PlatformConfigSchema,
  SECRET_IN_CLEAR_TEXT,
  SECRET_MALFORMED,
  SECRET_SET,
  type StackConfig,
  StackConfigSchema,
} from "./schema";

/** The Pulumi config namespace of the project's keys. */
export const CONFIG_NAMESPACE = "mlops-platform";

/** Keys the project reads (top level of the `mlops-platform:` namespace). */
export const CONFIG_KEYS = Object.keys(StackConfigSchema.shape) as (keyof StackConfig)[];

/** One configuration problem. */
export interface ConfigProblem {
  /** Full key path, e.g. `mlops-platform:nodePools.gpu[0].minSize`. */
  readonly key: string;
  /** The value received (JSON), or `(missing)`. */
  readonly received: string;
  /** What is allowed / how to fix it. */
  readonly message: string;
}

/** Thrown when the configuration is invalid; lists every problem. */
export class ConfigError extends Error {
  constructor(
    readonly stackName: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    const lines = problems.map((p) => `  - ${p.key}: ${p.message} (received: ${p.received})`);
    super(
      `Invalid configuration for stack "${stackName}" (${problems.length} problem${problems.length === 1 ? "" : "s"}); no resource was created:\n${lines.join("\n")}\nFix the keys in Pulumi.${stackName}.yaml (see docs/configuration.md).`,
    );
    this.name = "ConfigError";
  }
}

function keyPath(path: readonly PropertyKey[]): string {
  let out = CONFIG_NAMESPACE;
  path.forEach((seg, i) => {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += i === 0 ? `:${String(seg)}` : `.${String(seg)}`;
  });
  return out;
}

function show(value: unknown): string {
  if (value === undefined) return "(missing)";
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function toProblems(error: z.ZodError, raw: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const k of issue.keys) {
        problems.push({
          key: keyPath([...issue.path, k]),
          received: show(lookup(raw, [...issue.path, k])),
          message: "is not a known key: remove it or check its spelling (see docs/configuration.md)",
        });
      }
      continue;
    }
    const input = "input" in issue ? issue.input : lookup(raw, issue.path);
    let message = issue.message;
    if (issue.code === "invalid_value" && "values" in issue) {
      message = `must be one of ${(issue.values as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
    } else if (issue.code === "invalid_type" && input === undefined) {
      message = `is required (${issue.expected})`;
    }
    problems.push({ key: keyPath(issue.path), received: show(input), message });
  }
  return problems;
}

function lookup(value: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = value;
  for (const seg of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Deep-merges `override` over `base`: objects merge key by key, arrays and scalars replace. */
export function deepMerge<T>(base: T, override: unknown): T {
  if (override === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(override)) return override as T;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) out[k] = deepMerge(out[k], v);
  return out as T;
}

/**
 * Validates a stack's raw configuration (key → parsed value, keys without namespace), applies
 * the size profile (capacity, availability) and the environment (protection, retention) and
 * returns the resolved configuration. Throws {@link ConfigError} listing
 * every problem.
 */
export function resolveConfig(raw: Record<string, unknown>, project: string, stack: string): PlatformConfig {
  const parsed = StackConfigSchema.safeParse(withSecretMarkers(raw), { reportInput: true });
  if (!parsed.success) throw new ConfigError(stack, toProblems(parsed.error, raw));

  const s = parsed.data;
  const preset = profilePreset(s.profile, s.cloud);
  const environment = ENVIRONMENT_PRESETS[s.environment];
  const merged = {
    project,
    stack,
    cloud: s.cloud,
    region: s.region,
    profile: s.profile,
    environment: s.environment,
    kubernetesVersion: s.kubernetesVersion ?? preset.kubernetesVersion,
    images: s.images ?? {},
    // The environment tag comes last: a stack's own tags cannot make its resources claim another one.
    tags: { "mlops-platform:stack": stack, "mlops-platform:profile": s.profile, ...s.tags, [ENVIRONMENT_TAG]: s.environment },
    network: deepMerge(preset.network, s.network),
    nodePools: {
      system: deepMerge(preset.nodePools.system, s.nodePools?.system),
      cpu: s.nodePools?.cpu ?? preset.nodePools.cpu,
      gpu: s.nodePools?.gpu ?? preset.nodePools.gpu,
    },
    availability: deepMerge(preset.availability, s.availability),
    retention: deepMerge(environment.retention, s.retention),
    protectData: s.protectData ?? environment.protectData,
    teams: s.teams ?? [],
    dataLakes: s.dataLakes ?? [],
    identity: s.identity,
    services: deepMerge({ driftThreshold: 0.2, alerting: { receivers: [], routes: [] }, dns: {}, ...preset.services }, s.services),
    models: (s.models ?? []).map((m) => ({
      ...m,
      serving: { ...m.serving, registeredModel: m.serving.registeredModel ?? m.name },
      autoscaling: { ...modelReplicaDefaults(s.profile, s.environment), ...m.autoscaling },
    })),
    secrets: {
      ...(s.oidcClientSecret === undefined ? {} : { oidcClientSecret: s.oidcClientSecret }),
      ...(s.ldapBindPassword === undefined ? {} : { ldapBindPassword: s.ldapBindPassword }),
      alertCredentials: s.alertCredentials ?? {},
      ...(s.gitWebhookSecret === undefined ? {} : { gitWebhookSecret: s.gitWebhookSecret }),
      registryCredentials: s.registryCredentials ?? {},
      ...(s.feastRegistryPassword === undefined ? {} : { feastRegistryPassword: s.feastRegistryPassword }),
      ...(s.feastOnlineStorePassword === undefined ? {} : { feastOnlineStorePassword: s.feastOnlineStorePassword }),
    },
  };
  const resolved = PlatformConfigSchema.safeParse(merged, { reportInput: true });
  if (!resolved.success) {
    // Report against the stack's own keys: the path of a resolved key is the path of its override.
    throw new ConfigError(stack, toProblems(resolved.error, merged));
  }
  return resolved.data;
}

/**
 * Reads every `mlops-platform:*` key of the current stack from the Pulumi runtime and resolves
 * it. Unknown keys in the namespace are refused, so a typo never silently falls back to a default.
 */
export function loadConfig(): PlatformConfig {
  const config = new pulumi.Config(CONFIG_NAMESPACE);
  const raw: Record<string, unknown> = {};
  for (const key of configuredKeys()) {
    const text = config.get(key);
    if (text === undefined) continue;
    raw[key] = SECRET_CONFIG_KEYS.has(key) ? secretPresence(key, text, isConfigSecret(`${CONFIG_NAMESPACE}:${key}`)) : parseValue(text);
  }
  return resolveConfig(raw, pulumi.getProject(), pulumi.getStack());
}

/** Keys whose values are secrets: only whether they are set (and set as secrets) enters the configuration. */
export const SECRET_CONFIG_KEYS: ReadonlySet<string> = new Set([
  "oidcClientSecret",
  "ldapBindPassword",
  "alertCredentials",
  "gitWebhookSecret",
  "registryCredentials",
  "feastRegistryPassword",
  "feastOnlineStorePassword",
]);

/** Secret keys that are objects set with `--path` (one secret per entry). */
const OBJECT_SECRET_KEYS: ReadonlySet<string> = new Set(["alertCredentials", "registryCredentials"]);

/**
 * What the configuration records of a secret key: a marker saying it is set, and whether it was
 * set with `--secret`. For `alertCredentials` (an object set with `--path`), the receiver names.
 * The values themselves are read as secret Outputs by stacks/secrets.ts.
 */
export function secretPresence(key: string, text: string, secret: boolean): unknown {
  const marker = secret ? SECRET_SET : SECRET_IN_CLEAR_TEXT;
  if (!OBJECT_SECRET_KEYS.has(key)) return marker;
  const parsed = parseValue(text);
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return marker;
  // The registry caches split a credential at its first ':' (components/*/image-cache.ts): a value
  // without a user name and a token is marked here, the only place that sees it, and refused by
  // the schema naming the key, never the value.
  const entry = (v: unknown) =>
    key === "registryCredentials" && marker === SECRET_SET && !(typeof v === "string" && /^[^:]+:[\s\S]+$/.test(v))
      ? SECRET_MALFORMED
      : marker;
  return Object.fromEntries(Object.entries(parsed).map(([name, v]) => [name, entry(v)]));
}

/**
 * Whether the CLI passed `key` as a secret (PULUMI_CONFIG_SECRET_KEYS). The SDK exports the
 * check at run time but marks it internal in its typings; if it is ever gone, every value counts
 * as secret (the clear-text warning is lost, nothing else).
 */
function isConfigSecret(key: string): boolean {
  const check = (pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean }).isConfigSecret;
  return check === undefined ? true : check(key);
}

/**
 * Secret keys as markers. {@link loadConfig} hands over markers already (it knows whether a key
 * was set with --secret); any other value (a stack file's value read directly, as tests and tools
 * do) counts as set, and never travels further than this function.
 */
function withSecretMarkers(raw: Record<string, unknown>): Record<string, unknown> {
  const mark = (v: unknown) => (v === SECRET_IN_CLEAR_TEXT || v === SECRET_MALFORMED ? v : SECRET_SET);
  const out = { ...raw };
  for (const key of SECRET_CONFIG_KEYS) {
    const v = raw[key];
    if (v === undefined) continue;
    const isObject = OBJECT_SECRET_KEYS.has(key);
    if (isObject && v !== null && typeof v === "object" && !Array.isArray(v))
      out[key] = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mark(x)]));
    else if (!isObject || typeof v === "string") out[key] = isObject ? v : mark(v);
  }
  return out;
}

/** Keys set in the runtime's config for the project namespace. */
function configuredKeys(): string[] {
  const all = pulumi.runtime.allConfig();
  const prefix = `${CONFIG_NAMESPACE}:`;
  return Object.keys(all)
    .filter((k) => k.startsWith(prefix))
    .map((k) => k.slice(prefix.length));
}

/**
 * Structured config (objects, arrays) and booleans arrive as JSON text; everything else stays
 * a string, so a value such as kubernetesVersion "1.33" is not turned into a number.
 */
function parseValue(text: string): unknown {
  const t = text.trim();
  if (t.startsWith("{") || t.startsWith("[") || t === "true" || t === "false") {
    try {
      return JSON.parse(t);
    } catch {
      return text;
    }
  }
  return text;
}
