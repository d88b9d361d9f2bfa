/**
 * Pack configuration: what one stack allows (regions, registries, retention), how strictly each
 * rule is enforced, and which named resources are exempt from which rule (always with a reason).
 *
 * One file per stack, `policies/config/<stack>.json`, validated by {@link PackConfigSchema}. The
 * offline checker reads it directly; for the Pulumi CLI, {@link toPolicyPackConfig} expands it
 * into CrossGuard's `--policy-pack-config` format (one entry per rule), and every rule declares
 * the same {@link RULE_CONFIG_SCHEMA} so that the CLI accepts and defaults those properties.
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
 * any subdomain.
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

/** The configuration file of one stack. */
export const PackConfigSchema = z.strictObject({
  /** JSON-schema pointer for editors; ignored. */
  $schema: z.string().optional(),
  /** Production stacks make the data-safety rules mandatory (they are not applicable otherwise). */
  production: z.boolean().default(true),
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
  /** Minimum retention in days for database backups, soft delete and noncurrent versions. */
  minimumBackupRetentionDays: z.number().int().min(1).max(35).default(7),
  /** Minimum retention in days for logs (CloudWatch log groups, Log Analytics workspaces). */
  minimumLogRetentionDays: z.number().int().min(1).default(30),
  /** Namespaces where the Kubernetes rules apply (`*` suffix matches a prefix). */
  platformNamespaces: z.array(z.string().min(1)).default([...DEFAULT_PLATFORM_NAMESPACES]),
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

/** The settings one rule sees: the shared settings plus the exemptions that name it. */
export interface RuleSettings {
  readonly production: boolean;
  readonly allowedAwsRegions: readonly string[];
  readonly allowedAzureLocations: readonly string[];
  readonly allowedRegistries: readonly string[];
  readonly minimumBackupRetentionDays: number;
  readonly minimumLogRetentionDays: number;
  readonly platformNamespaces: readonly string[];
  readonly publicLoadBalancers: readonly string[];
  readonly exemptions: readonly { readonly resource: string; readonly reason: string }[];
}

/** The strictest configuration: production, UAE allow-list, default registries, no exemptions. */
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

/** The settings rule `policy` sees under `cfg`. */
export function ruleSettings(cfg: PackConfig, policy: string): RuleSettings {
  return {
    production: cfg.production,
    allowedAwsRegions: cfg.allowedAwsRegions,
    allowedAzureLocations: cfg.allowedAzureLocations,
    allowedRegistries: cfg.allowedRegistries,
    minimumBackupRetentionDays: cfg.minimumBackupRetentionDays,
    minimumLogRetentionDays: cfg.minimumLogRetentionDays,
    platformNamespaces: cfg.platformNamespaces,
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
 * enforcement level and its {@link RuleSettings}. Write it to a file and pass it to
 * `pulumi preview --policy-pack policies --policy-pack-config <file>`.
 */
export function toPolicyPackConfig(cfg: PackConfig, policies: readonly { name: string; enforcementLevel?: EnforcementLevel }[]) {
  const out: PolicyPackConfig = {};
  for (const p of policies) {
    out[p.name] = { enforcementLevel: cfg.enforcementLevels[p.name] ?? p.enforcementLevel ?? "mandatory", ...ruleSettings(cfg, p.name) };
  }
  return out;
}

/**
 * Reads the settings a rule received from the engine (`args.getConfig()`): CrossGuard hands each
 * policy its own entry of the pack configuration. Missing keys take the strict defaults.
 */
export function settingsFromPolicyConfig(raw: Record<string, unknown>): RuleSettings {
  const defaults = defaultPackConfig();
  const pick = <T>(key: keyof RuleSettings, fallback: T): T => (raw[key] === undefined ? fallback : (raw[key] as T));
  return {
    production: pick("production", defaults.production),
    allowedAwsRegions: pick("allowedAwsRegions", defaults.allowedAwsRegions),
    allowedAzureLocations: pick("allowedAzureLocations", defaults.allowedAzureLocations),
    allowedRegistries: pick("allowedRegistries", defaults.allowedRegistries),
    minimumBackupRetentionDays: pick("minimumBackupRetentionDays", defaults.minimumBackupRetentionDays),
    minimumLogRetentionDays: pick("minimumLogRetentionDays", defaults.minimumLogRetentionDays),
    platformNamespaces: pick("platformNamespaces", defaults.platformNamespaces),
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
    production: { type: "boolean", description: "Production stack: data-safety rules apply.", default: true },
    allowedAwsRegions: stringList("Allowed AWS regions.", AWS_UAE_REGIONS),
    allowedAzureLocations: stringList("Allowed Azure locations.", AZURE_UAE_LOCATIONS),
    allowedRegistries: stringList("Allowed container registries.", DEFAULT_ALLOWED_REGISTRIES),
    minimumBackupRetentionDays: { type: "integer", minimum: 1, default: 7, description: "Minimum backup/soft-delete retention (days)." },
    minimumLogRetentionDays: { type: "integer", minimum: 1, default: 30, description: "Minimum log retention (days)." },
    platformNamespaces: stringList("Namespaces where Kubernetes rules apply.", DEFAULT_PLATFORM_NAMESPACES),
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
