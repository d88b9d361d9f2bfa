/**
 * Pack configuration: how strictly each rule is enforced, which named resources are exempt from
 * which rule (always with a reason), and the allow-lists a stack may narrow (regions, registries).
 *
 * Optional, one file per stack: `policies/config/<stack>.json`, validated by
 * {@link PackConfigSchema}. Whether the stack is production and its retention minima are NOT
 * here: the pack derives them from the stack's own configuration (`mlops-platform:environment`,
 * `mlops-platform:retention`; see ./environment.ts), so there is one source of truth and no pack
 * configuration can downgrade a production stack.
 *
 * The offline checker reads the file directly; the pack served to the Pulumi CLI reads it too
 * (`policies/index.ts`, for the stack the CLI names). {@link toPolicyPackConfig} expands it into
 * CrossGuard's `--policy-pack-config` format (one entry per rule), and every rule declares the
 * same {@link RULE_CONFIG_SCHEMA} so that the CLI accepts and defaults those properties.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { EnforcementLevel, PolicyConfigSchema, PolicyPackConfig } from "@pulumi/policy";
import { z } from "zod";
import { PLATFORM_NAMESPACES } from "../contracts/platform-namespaces";
import { AWS_UAE_REGIONS, AZURE_UAE_LOCATIONS } from "../contracts/regions";

/** Folder of the per-stack configuration files. */
export const PACK_CONFIG_DIR = path.join(__dirname, "config");

/**
 * Registries the platform's own images may come from by default: the upstream projects whose
 * charts the platform installs, and the stack's private registry (ECR in the UAE region, ACR).
 * A value is a host (`quay.io`) or a host with a path prefix (`quay.io/argoproj`); `*.` matches
 * any subdomain. Production keeps only the private registries of the list: the upstream entries
 * serve a development stack whose pull-through cache lacks a registry's credentials.
 */
export const DEFAULT_ALLOWED_REGISTRIES = [
  "*.dkr.ecr.me-central-1.amazonaws.com",
  "*.azurecr.io",
  "registry.k8s.io",
  "quay.io",
  "ghcr.io",
  "nvcr.io",
  "public.ecr.aws",
  "mcr.microsoft.com",
  // Argo Events' JetStream event bus: the NATS config reloader and metrics exporter are published
  // on Docker Hub only (the NATS server itself comes from public.ecr.aws).
  "docker.io/natsio",
  // Grafana and its dashboard downloader (kube-prometheus-stack) are published on Docker Hub only.
  "docker.io/grafana",
  "docker.io/curlimages",
  // Istio publishes its release images (pilot, install-cni, ztunnel) on Docker Hub.
  "docker.io/istio",
] as const;

/**
 * Namespaces where Kubernetes rules are mandatory when the configuration names none: every
 * namespace of the catalogue of platform services and every team namespace, generated into the
 * leaf `contracts/` so that the pack needs nothing else of the project.
 */
export const DEFAULT_PLATFORM_NAMESPACES = PLATFORM_NAMESPACES;

const enforcementLevel = z.enum(["advisory", "mandatory", "remediate", "disabled"]);

/** An exemption of one named resource from one rule. The reason is required and shows in reports. */
export const ExemptionSchema = z.strictObject({
  /** Rule name, e.g. `kubernetes-core-pod-disallow-privileged`. */
  policy: z.string().min(1),
  /** Pulumi resource name (the last part of the URN). */
  resource: z.string().min(1),
  /** Why the exemption is acceptable; reviewed like code. */
  reason: z.string().min(10, "must explain why the exemption is acceptable (at least 10 characters)"),
});
/** One exemption. */
export type Exemption = z.infer<typeof ExemptionSchema>;

/** A namespace the Kubernetes rules do not check, with the reason (reviewed like code). */
export const NamespaceExemptionSchema = z.strictObject({
  namespace: z.string().min(1),
  reason: z.string().min(10, "must explain why the namespace is not checked (at least 10 characters)"),
});

/** The configuration file of one stack. */
export const PackConfigSchema = z.strictObject({
  /** JSON-schema pointer for editors; ignored. */
  $schema: z.string().optional(),
  /** AWS regions resources may be placed in. Defaults to the UAE allow-list of contracts/regions.ts. */
  allowedAwsRegions: z
    .array(z.string().min(1))
    .min(1)
    .default([...AWS_UAE_REGIONS]),
  /** Azure locations resources may be placed in. Defaults to the UAE allow-list of contracts/regions.ts. */
  allowedAzureLocations: z
    .array(z.string().min(1))
    .min(1)
    .default([...AZURE_UAE_LOCATIONS]),
  /** Container registries images may come from (`host` or `host/path-prefix`; `*.` for subdomains). */
  allowedRegistries: z
    .array(z.string().min(1))
    .min(1)
    .default([...DEFAULT_ALLOWED_REGISTRIES]),
  /**
   * The platform's own namespaces (`*` suffix matches a prefix). The Kubernetes rules check every
   * namespace; this list only names the platform's (for reports).
   */
  platformNamespaces: z.array(z.string().min(1)).default([...DEFAULT_PLATFORM_NAMESPACES]),
  /** Namespaces the Kubernetes rules do not check, each by exact name with its reason. */
  namespaceExemptions: z.array(NamespaceExemptionSchema).default([]),
  /**
   * Resource names allowed to be internet-facing: Kubernetes Services of type LoadBalancer, and
   * security groups / NSG rules that open HTTPS (443 only) to the internet for such a load balancer.
   */
  publicLoadBalancers: z.array(z.string().min(1)).default([]),
  /** Enforcement level per rule name, over each rule's default (`mandatory`). */
  enforcementLevels: z.record(z.string(), enforcementLevel).default({}),
  /** Named resources exempt from a rule, each with its reason. */
  exemptions: z.array(ExemptionSchema).default([]),
});
/** The resolved configuration of one stack. */
export type PackConfig = z.infer<typeof PackConfigSchema>;

/** The settings a rule receives as its pack configuration: the shared settings plus the exemptions that name it. */
export interface PolicyConfigSettings {
  readonly allowedAwsRegions: readonly string[];
  readonly allowedAzureLocations: readonly string[];
  readonly allowedRegistries: readonly string[];
  readonly platformNamespaces: readonly string[];
  readonly namespaceExemptions: readonly { readonly namespace: string; readonly reason: string }[];
  readonly publicLoadBalancers: readonly string[];
  readonly exemptions: readonly { readonly resource: string; readonly reason: string }[];
}

/**
 * What a rule judges by: its pack configuration plus what the stack's environment demands
 * (derived from the stack configuration, ./environment.ts; never from the pack configuration).
 */
export interface RuleSettings extends PolicyConfigSettings {
  /** Production stack: the data-safety rules apply. */
  readonly production: boolean;
  /** Minimum retention in days for database backups, soft delete and noncurrent versions. */
  readonly minimumBackupRetentionDays: number;
  /** Minimum retention in days for logs (CloudWatch log groups, Log Analytics workspaces). */
  readonly minimumLogRetentionDays: number;
  /** The stack's configured cluster administrators (`mlops-platform:identity.clusterAdmins`). */
  readonly clusterAdmins: readonly string[];
}

/** Keys that older pack configuration files held and that now come from the stack itself. */
const MOVED_TO_STACK: Readonly<Record<string, string>> = {
  production: "mlops-platform:environment (development | production)",
  minimumBackupRetentionDays: "mlops-platform:retention.backupDays",
  minimumLogRetentionDays: "mlops-platform:retention.logDays",
};

/** The strictest configuration: UAE allow-list, default registries, no exemptions. */
export function defaultPackConfig(): PackConfig {
  return PackConfigSchema.parse({});
}

function describeIssues(error: z.ZodError, source: string): string {
  const lines = error.issues.map((i) => {
    const key = i.path.length ? i.path.join(".") : "(root)";
    const received = "input" in i && i.input !== undefined ? ` (received ${JSON.stringify(i.input)})` : "";
    return `  - ${key}: ${i.message}${received}`;
  });
  return `invalid policy pack configuration in ${source}:\n${lines.join("\n")}\nFix these keys; the schema is PackConfigSchema in policies/config.ts.`;
}

/**
 * Validates a configuration object. Throws one error listing every problem (key, value received,
 * what is expected). `knownPolicies` adds a check that every rule named in `enforcementLevels`
 * and `exemptions` exists, so a typo cannot silently exempt nothing.
 */
export function parsePackConfig(raw: unknown, source = "pack configuration", knownPolicies?: readonly string[]): PackConfig {
  if (raw !== null && typeof raw === "object") {
    const moved = Object.keys(raw).filter((k) => k in MOVED_TO_STACK);
    if (moved.length > 0) {
      const lines = moved.map(
        (k) =>
          `  - ${k}: is no longer a pack setting (received ${JSON.stringify((raw as Record<string, unknown>)[k])}); the pack derives it from the stack: set ${MOVED_TO_STACK[k]} in Pulumi.<stack>.yaml and remove ${k} here`,
      );
      throw new Error(`invalid policy pack configuration in ${source}:\n${lines.join("\n")}`);
    }
  }
  const result = PackConfigSchema.safeParse(raw, { reportInput: true });
  if (!result.success) throw new Error(describeIssues(result.error, source));
  const cfg = result.data;
  if (knownPolicies) {
    const known = new Set(knownPolicies);
    const problems: string[] = [];
    for (const name of Object.keys(cfg.enforcementLevels)) {
      if (!known.has(name)) problems.push(`  - enforcementLevels.${name}: no rule has this name; use one of the names in docs/policies.md`);
    }
    cfg.exemptions.forEach((e, i) => {
      if (!known.has(e.policy))
        problems.push(`  - exemptions.${i}.policy: no rule is named "${e.policy}"; use one of the names in docs/policies.md`);
    });
    if (problems.length) throw new Error(`invalid policy pack configuration in ${source}:\n${problems.join("\n")}`);
  }
  return cfg;
}

/** Path of the configuration file of `stack`. */
export function packConfigPath(stack: string): string {
  return path.join(PACK_CONFIG_DIR, `${stack}.json`);
}

/**
 * Loads `policies/config/<stack>.json`. A stack without a file gets {@link defaultPackConfig}
 * (the strictest); a file that does not validate is refused.
 */
export function loadPackConfig(stack: string | undefined, knownPolicies?: readonly string[]): PackConfig {
  if (!stack) return defaultPackConfig();
  const file = packConfigPath(stack);
  if (!fs.existsSync(file)) return defaultPackConfig();
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`invalid policy pack configuration in ${file}: not valid JSON (${(e as Error).message})`);
  }
  return parsePackConfig(raw, file, knownPolicies);
}

/** The pack configuration rule `policy` receives under `cfg` (what `args.getConfig()` returns). */
export function ruleSettings(cfg: PackConfig, policy: string): PolicyConfigSettings {
  return {
    allowedAwsRegions: cfg.allowedAwsRegions,
    allowedAzureLocations: cfg.allowedAzureLocations,
    allowedRegistries: cfg.allowedRegistries,
    platformNamespaces: cfg.platformNamespaces,
    namespaceExemptions: cfg.namespaceExemptions,
    publicLoadBalancers: cfg.publicLoadBalancers,
    exemptions: cfg.exemptions.filter((e) => e.policy === policy).map(({ resource, reason }) => ({ resource, reason })),
  };
}

/** Enforcement level of `policy` under `cfg`, or undefined when the rule's own level applies. */
export function configuredLevel(cfg: PackConfig, policy: string): EnforcementLevel | undefined {
  return cfg.enforcementLevels[policy];
}

/**
 * CrossGuard's `--policy-pack-config` document for `cfg`: one entry per rule with its
 * enforcement level and its {@link PolicyConfigSettings}. The pack builds it itself from
 * `policies/config/<stack>.json`; written to a file (`npm run check -- --emit-policy-config`) it
 * is what `--policy-pack-config <file>` would take.
 */
export function toPolicyPackConfig(cfg: PackConfig, policies: readonly { name: string; enforcementLevel?: EnforcementLevel }[]) {
  const out: PolicyPackConfig = {};
  for (const p of policies) {
    out[p.name] = { enforcementLevel: cfg.enforcementLevels[p.name] ?? p.enforcementLevel ?? "mandatory", ...ruleSettings(cfg, p.name) };
  }
  return out;
}

/**
 * The defaults of {@link settingsFromPolicyConfig}, parsed once and frozen: every rule asks for its
 * settings on every resource it checks, and parsing the schema's defaults each time was a fifth of
 * the policy gate's time. The settings share these (read-only) lists.
 */
let frozenDefaults: PackConfig | undefined;
function sharedDefaults(): PackConfig {
  frozenDefaults ??= deepFreeze(defaultPackConfig());
  return frozenDefaults;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * Reads the settings a rule received from the engine (`args.getConfig()`): CrossGuard hands each
 * policy its own entry of the pack configuration. Missing keys take the strict defaults. Any
 * `production` or retention minimum given there is ignored: those come from the stack.
 */
export function settingsFromPolicyConfig(raw: Record<string, unknown>): PolicyConfigSettings {
  const defaults = sharedDefaults();
  const pick = <T>(key: keyof PolicyConfigSettings, fallback: T): T => (raw[key] === undefined ? fallback : (raw[key] as T));
  return {
    allowedAwsRegions: pick("allowedAwsRegions", defaults.allowedAwsRegions),
    allowedAzureLocations: pick("allowedAzureLocations", defaults.allowedAzureLocations),
    allowedRegistries: pick("allowedRegistries", defaults.allowedRegistries),
    platformNamespaces: pick("platformNamespaces", defaults.platformNamespaces),
    namespaceExemptions: pick("namespaceExemptions", defaults.namespaceExemptions),
    publicLoadBalancers: pick("publicLoadBalancers", defaults.publicLoadBalancers),
    exemptions: pick("exemptions", []),
  };
}

const stringList = (description: string, defaults: readonly string[]) => ({
  type: "array" as const,
  items: { type: "string" as const },
  description,
  default: [...defaults],
});

/** JSON schema of a rule's settings, declared by every rule so the CLI accepts and defaults them. */
export const RULE_CONFIG_SCHEMA: PolicyConfigSchema = {
  properties: {
    allowedAwsRegions: stringList("Allowed AWS regions.", AWS_UAE_REGIONS),
    allowedAzureLocations: stringList("Allowed Azure locations.", AZURE_UAE_LOCATIONS),
    allowedRegistries: stringList("Allowed container registries.", DEFAULT_ALLOWED_REGISTRIES),
    platformNamespaces: stringList("The platform's own namespaces (Kubernetes rules check every namespace).", DEFAULT_PLATFORM_NAMESPACES),
    namespaceExemptions: {
      type: "array",
      description: "Namespaces the Kubernetes rules do not check, by exact name, each with its reason.",
      items: {
        type: "object",
        properties: { namespace: { type: "string" }, reason: { type: "string", minLength: 10 } },
        required: ["namespace", "reason"],
      },
      default: [],
    },
    publicLoadBalancers: stringList("Resource names allowed to be internet-facing (HTTPS only).", []),
    exemptions: {
      type: "array",
      description: "Resources exempt from this rule.",
      items: {
        type: "object",
        properties: { resource: { type: "string" }, reason: { type: "string", minLength: 10 } },
        required: ["resource", "reason"],
      },
      default: [],
    },
  },
};
