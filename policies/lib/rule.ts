/**
 * Builds CrossGuard policies from rule definitions, so that every rule handles configuration,
 * exemptions and the production-only scope in the same way, in the CLI and in the offline checker.
 */
import type {
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { RULE_CONFIG_SCHEMA, type RuleSettings, settingsFromPolicyConfig } from "../config";
import { currentStackEnvironment } from "../environment";
import { metadataOf } from "../metadata";

/** Where a rule is mandatory: always, or in production stacks only (data safety). */
export type RuleScope = "always" | "production";

/** What a resource rule's check receives. */
export interface ResourceCheck {
  readonly args: ResourceValidationArgs;
  readonly props: Record<string, unknown>;
  readonly settings: RuleSettings;
  readonly report: (message: string) => void;
}

/** Definition of a rule that looks at one resource at a time. */
export interface ResourceRuleDefinition {
  readonly name: string;
  /** Resource types the rule looks at; a function for open families (`aws:*`). */
  readonly types: readonly string[] | ((type: string) => boolean);
  readonly scope?: RuleScope;
  readonly check: (c: ResourceCheck) => void;
}

/** What a stack rule's check receives. */
export interface StackCheck {
  readonly args: StackValidationArgs;
  readonly resources: readonly PolicyResource[];
  readonly settings: RuleSettings;
  /** Reports a violation on `resource` (skipped when that resource is exempt). */
  readonly report: (resource: PolicyResource, message: string) => void;
}

/** Definition of a rule that needs several resources at once. */
export interface StackRuleDefinition {
  readonly name: string;
  readonly scope?: RuleScope;
  readonly check: (c: StackCheck) => void;
}

function common(name: string) {
  const meta = metadataOf(name);
  return {
    name,
    description: meta.description,
    severity: meta.severity,
    remediationSteps: meta.remediationSteps,
    enforcementLevel: "mandatory" as const,
    configSchema: RULE_CONFIG_SCHEMA,
  };
}

/** The rule's pack configuration plus what the stack's environment demands (from the stack, never from the pack configuration). */
function settingsOf(config: Record<string, unknown>): RuleSettings {
  const env = currentStackEnvironment();
  return {
    ...settingsFromPolicyConfig(config),
    production: env.environment === "production",
    minimumBackupRetentionDays: env.minimumBackupRetentionDays,
    minimumLogRetentionDays: env.minimumLogRetentionDays,
    clusterAdmins: env.clusterAdmins,
  };
}

function isExempt(settings: RuleSettings, resourceName: string): boolean {
  return settings.exemptions.some((e) => e.resource === resourceName);
}

/** A CrossGuard resource policy from `def`. */
export function resourceRule(def: ResourceRuleDefinition): ResourceValidationPolicy {
  const applies = typeof def.types === "function" ? def.types : (t: string) => (def.types as readonly string[]).includes(t);
  const validateResource = (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
    if (!applies(args.type)) return;
    const settings = settingsOf(args.getConfig<Record<string, unknown>>());
    if (def.scope === "production" && !settings.production) args.notApplicable("applies to production stacks only");
    if (isExempt(settings, args.name)) return;
    def.check({ args, props: args.props, settings, report: (message) => reportViolation(message) });
  };
  return {
    ...common(def.name),
    // `appliesTo` lets a runner skip the resources this rule returns on at once, without building
    // their arguments (the offline checker does; the CLI calls validateResource for every resource).
    validateResource: Object.assign(validateResource, { appliesTo: applies }),
  };
}

export function stackRule(def: StackRuleDefinition): StackValidationPolicy {
  return {
    ...common(def.name),
    validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
      const settings = settingsOf(args.getConfig<Record<string, unknown>>());
      if (def.scope === "production" && !settings.production) args.notApplicable("applies to production stacks only");
      def.check({
        args,
        resources: args.resources,
        settings,
        report: (resource, message) => {
          if (!isExempt(settings, resource.name)) reportViolation(message, resource.urn);
        },
      });
    },
  };
}
