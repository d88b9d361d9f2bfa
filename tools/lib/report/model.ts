/**
 * The content of the compliance evidence report, built from one plan and from the result of the
 * same evaluation `npm run check` performs ({@link checkPlan}): every count below is read from that
 * result (violations, per-rule outcomes), never recomputed by other means.
 */
import { defaultPackConfig, type PackConfig } from "../../../policies/config";
import { C, type Control, SOURCES, type SourceKey } from "../../../policies/lib/controls";
import { RULE_METADATA, type RuleArea } from "../../../policies/metadata";
import { type CheckResult, nameOf, type RuleOutcome, resourcesOf, type StateResource, type Violation } from "../check";
import { UNKNOWN } from "../values";
import { GUARDRAILS, type Guardrail } from "./guardrails";

/** Where a fact of the stack was read from. */
export interface Fact {
  readonly value: string;
  /** e.g. "stack outputs", "Pulumi.uae-prod.yaml", "not recorded in the plan". */
  readonly source: string;
}

/** What the report says about the stack. */
export interface StackFacts {
  readonly stack: string;
  readonly cloud: Fact;
  readonly region: Fact;
  readonly profile: Fact;
  readonly environment: Fact;
  readonly commit: string;
  readonly planDate: string;
  readonly resources: number;
}

/** Status of a control on this stack. */
export type ControlStatus = "enforced" | "partially" | "not covered";

/** One rule as the report shows it: metadata plus its outcome on this plan. */
export interface RuleRow {
  readonly policy: string;
  readonly area: RuleArea | "unknown";
  readonly severity: string;
  readonly description: string;
  readonly outcome: RuleOutcome;
  /** Checked resources by type, most first. */
  readonly checkedByType: readonly (readonly [string, number])[];
  /** applied: checked ≥ 1 resource; idle: nothing of its kind in the plan; off: disabled or not applicable. */
  readonly state: "applied" | "idle" | "off";
}

/** A guardrail and whether the plan puts it in place. */
export interface GuardrailRow {
  readonly guardrail: Guardrail;
  readonly resources: readonly StateResource[];
}

/** One control with its status and its evidence. */
export interface ControlRow {
  readonly control: Control;
  readonly status: ControlStatus;
  /** Why the status, in a few words. */
  readonly why: string;
  readonly rules: readonly RuleRow[];
  readonly guardrails: readonly GuardrailRow[];
}

/** One control framework (a source of control identifiers). */
export interface Framework {
  readonly key: SourceKey;
  readonly title: string;
  readonly controls: readonly ControlRow[];
}

/** An exemption of the pack configuration and the resources it exempted in this plan. */
export interface ExemptionRow {
  readonly policy: string;
  readonly resource: string;
  readonly reason: string;
  /** URNs the rule checked and did not report because of this exemption. */
  readonly exempted: readonly string[];
}

/** Classes of location, in the order the residency section lists them. */
export type LocationClass = "outside the UAE" | "unknown" | "global service" | "UAE";

/** Resources of one location. */
export interface ResidencyGroup {
  readonly location: string;
  readonly class: LocationClass;
  readonly resources: readonly { readonly type: string; readonly name: string; readonly urn: string }[];
}

/** Everything the report shows. */
export interface Report {
  readonly facts: StackFacts;
  readonly check: CheckResult;
  readonly rules: readonly RuleRow[];
  readonly frameworks: readonly Framework[];
  readonly guardrails: readonly GuardrailRow[];
  readonly violations: readonly Violation[];
  readonly exemptions: readonly ExemptionRow[];
  readonly residency: readonly ResidencyGroup[];
  /** Resources without a location of their own (Kubernetes objects, components, child settings). */
  readonly withoutLocation: number;
}

/** What {@link buildReport} needs besides the plan. */
export interface ReportInput {
  /** The plan (stack export) that was checked. */
  readonly plan: unknown;
  /** The result of `checkPlan` on that plan (with its per-rule outcomes). */
  readonly check: CheckResult;
  /** The pack configuration the check ran with (for exemptions and the environment). */
  readonly packConfig: PackConfig;
  /** Stack name, when known; defaults to the check's. */
  readonly stack?: string;
  /** Configuration of the stack file (`Pulumi.<stack>.yaml` over `Pulumi.yaml`), when available. */
  readonly stackConfig?: { readonly file: string; readonly values: Record<string, unknown> };
  /** Commit the plan was made from; "unknown" when not known. */
  readonly commit?: string;
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== UNKNOWN && v !== "" ? v : undefined);

function stackOutputs(resources: readonly StateResource[]): Record<string, unknown> {
  const root = resources.find((r) => r.type === "pulumi:pulumi:Stack");
  return root?.outputs ?? {};
}

function fact(candidates: readonly [unknown, string][], fallback = "unknown"): Fact {
  for (const [v, source] of candidates) {
    const s = str(v);
    if (s) return { value: s, source };
  }
  return { value: fallback, source: "not recorded in the plan or the stack file" };
}

function cloudOf(resources: readonly StateResource[]): string | undefined {
  if (resources.some((r) => r.type === "pulumi:providers:aws")) return "aws";
  if (resources.some((r) => r.type.startsWith("pulumi:providers:azure"))) return "azure";
  return undefined;
}

function providerRegion(resources: readonly StateResource[]): string | undefined {
  for (const r of resources) {
    if (r.type === "pulumi:providers:aws") return str(r.inputs?.region);
    if (r.type.startsWith("pulumi:providers:azure")) return str(r.inputs?.location);
  }
  return undefined;
}

function stackFacts(input: ReportInput, resources: readonly StateResource[], stack: string): StackFacts {
  const out = stackOutputs(resources);
  const cfg = input.stackConfig;
  const fromFile = (key: string): [unknown, string] => [cfg?.values[`mlops-platform:${key}`], cfg?.file ?? ""];
  // A stack export has the manifest under `deployment`; a bare deployment has it at the top.
  const doc = input.plan as { deployment?: { manifest?: { time?: unknown } }; manifest?: { time?: unknown } };
  const manifest = doc?.deployment?.manifest ?? doc?.manifest;
  return {
    stack,
    cloud: fact([[out.cloud, "stack outputs"], fromFile("cloud"), [cloudOf(resources), "the plan's providers"]]),
    region: fact([[out.region, "stack outputs"], fromFile("region"), [providerRegion(resources), "the plan's providers"]]),
    profile: fact([[out.profile, "stack outputs"], fromFile("profile")]),
    environment: fact([
      [out.environment, "stack outputs"],
      fromFile("environment"),
      [input.packConfig.production ? "production" : "development", "from the policy configuration the check ran with"],
    ]),
    commit: input.commit ?? "unknown",
    planDate: str(manifest?.time) ?? "unknown (the plan records no time)",
    resources: resources.length,
  };
}

function ruleRows(check: CheckResult, resources: readonly StateResource[]): RuleRow[] {
  const typeOf = new Map(resources.map((r) => [r.urn, r.type]));
  return (check.rules ?? []).map((outcome) => {
    const meta = RULE_METADATA[outcome.policy];
    const byType = new Map<string, number>();
    for (const u of outcome.checked) byType.set(typeOf.get(u) ?? "?", (byType.get(typeOf.get(u) ?? "?") ?? 0) + 1);
    const off = outcome.enforcementLevel === "disabled" || (outcome.checked.length === 0 && outcome.notApplicable.length > 0);
    return {
      policy: outcome.policy,
      area: meta?.area ?? "unknown",
      severity: meta?.severity ?? "unspecified",
      description: meta?.description ?? "",
      outcome,
      checkedByType: [...byType.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
      state: off ? "off" : outcome.checked.length > 0 ? "applied" : "idle",
    };
  });
}

const sameControl = (a: Control, b: Control) => a.source === b.source && a.id === b.id;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function controlRow(control: Control, rules: readonly RuleRow[], guardrails: readonly GuardrailRow[]): ControlRow {
  const citing = rules.filter((r) => (RULE_METADATA[r.policy]?.controls ?? []).some((c) => sameControl(c, control)));
  const backing = guardrails.filter((g) => g.guardrail.controls.some((c) => sameControl(c, control)));
  const applied = citing.filter((r) => r.state === "applied");
  const off = citing.filter((r) => r.state === "off");
  const weak = applied.filter(
    (r) => r.outcome.violations > 0 || r.outcome.exempted.length > 0 || r.outcome.enforcementLevel !== "mandatory",
  );
  let status: ControlStatus;
  const why: string[] = [];
  if (citing.length === 0) {
    status = "not covered";
    why.push("no rule of the pack implements it");
  } else if (applied.length === 0) {
    status = "not covered";
    why.push(
      off.length > 0
        ? `its ${plural(citing.length, "rule")} did not run on this stack (${off.map((r) => offReason(r)).join("; ")})`
        : `its ${plural(citing.length, "rule")} found nothing to check in this plan`,
    );
  } else {
    const checkedUrns = new Set(applied.flatMap((r) => r.outcome.checked));
    why.push(`${plural(applied.length, "rule")} checked ${plural(checkedUrns.size, "resource")}`);
    for (const r of weak) {
      const parts: string[] = [];
      if (r.outcome.violations > 0) parts.push(plural(r.outcome.violations, "violation"));
      if (r.outcome.exempted.length > 0) parts.push(plural(r.outcome.exempted.length, "exemption"));
      if (r.outcome.enforcementLevel !== "mandatory") parts.push(`${r.outcome.enforcementLevel} only`);
      why.push(`${r.policy}: ${parts.join(", ")}`);
    }
    if (off.length > 0) why.push(`${plural(off.length, "rule")} not in force here (${off.map((r) => offReason(r)).join("; ")})`);
    status = weak.length === 0 && off.length === 0 ? "enforced" : "partially";
  }
  return { control, status, why: why.join("; "), rules: citing, guardrails: backing };
}

function offReason(r: RuleRow): string {
  if (r.outcome.enforcementLevel === "disabled") return `${r.policy} is disabled`;
  return `${r.policy}: ${r.outcome.notApplicable.join(", ")}`;
}

/** Classifies a location against the UAE allow-list. */
function classify(location: string, uae: ReadonlySet<string>): LocationClass {
  if (location === "unknown") return "unknown";
  if (location === "global") return "global service";
  return uae.has(location) ? "UAE" : "outside the UAE";
}

/** AWS services whose resources are global (not stored in the provider's region). */
const AWS_GLOBAL = ["aws:iam/", "aws:route53/", "aws:cloudfront/", "aws:organizations/", "aws:globalaccelerator/"];

/** Azure's display names ("UAE North") and programmatic names ("uaenorth") are the same place. */
const normalizeAzure = (l: string) => l.toLowerCase().replace(/\s+/g, "");

/**
 * The location of a resource: an AWS resource's own `region` or its provider's region (global
 * services say so), an Azure resource's `location`, a provider's region or location. Kubernetes
 * objects and components have none of their own.
 */
export function locationOf(r: StateResource, byUrn: ReadonlyMap<string, StateResource>): string | undefined {
  const known = (v: unknown): string | undefined => (v === UNKNOWN ? "unknown" : str(v));
  if (r.type === "pulumi:providers:aws") return known(r.inputs?.region) ?? "unknown";
  if (r.type.startsWith("pulumi:providers:azure")) {
    const l = known(r.inputs?.location);
    return l ? normalizeAzure(l) : undefined;
  }
  if (r.type.startsWith("aws:")) {
    if (AWS_GLOBAL.some((p) => r.type.startsWith(p))) return "global";
    const own = known(r.inputs?.region);
    if (own) return own;
    const prov = r.provider ? byUrn.get(r.provider.slice(0, r.provider.lastIndexOf("::"))) : undefined;
    return (prov && known(prov.inputs?.region)) ?? "unknown";
  }
  if (r.type.startsWith("azure-native:") || r.type.startsWith("azure:")) {
    const l = known(r.inputs?.location);
    return l ? normalizeAzure(l) : undefined;
  }
  return undefined;
}

const CLASS_ORDER: readonly LocationClass[] = ["outside the UAE", "unknown", "global service", "UAE"];

function residency(resources: readonly StateResource[]): { groups: ResidencyGroup[]; withoutLocation: number } {
  const defaults = defaultPackConfig();
  const uae = new Set([...defaults.allowedAwsRegions, ...defaults.allowedAzureLocations]);
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const groups = new Map<string, { type: string; name: string; urn: string }[]>();
  let withoutLocation = 0;
  for (const r of resources) {
    const loc = locationOf(r, byUrn);
    if (loc === undefined) {
      withoutLocation++;
      continue;
    }
    groups.set(loc, [...(groups.get(loc) ?? []), { type: r.type, name: nameOf(r.urn), urn: r.urn }]);
  }
  const out = [...groups.entries()].map(([location, rs]) => ({ location, class: classify(location, uae), resources: rs }));
  out.sort((a, b) => CLASS_ORDER.indexOf(a.class) - CLASS_ORDER.indexOf(b.class) || a.location.localeCompare(b.location));
  return { groups: out, withoutLocation };
}

/** Builds the report's content from the plan and the check's result. */
export function buildReport(input: ReportInput): Report {
  const resources = resourcesOf(input.plan);
  const stack = input.stack ?? input.check.summary.stack ?? "unknown";
  if (!input.check.rules) throw new Error("the check result has no per-rule outcomes: run checkPlan from tools/lib/check.ts");
  const rules = ruleRows(input.check, resources);
  const guardrails = GUARDRAILS.map((guardrail) => ({ guardrail, resources: guardrail.detect(resources) }));
  const controls = Object.values(C) as Control[];
  const frameworks = (Object.keys(SOURCES) as SourceKey[]).map((key) => ({
    key,
    title: SOURCES[key].title,
    controls: controls.filter((c) => c.source === key).map((c) => controlRow(c, rules, guardrails)),
  }));
  const exemptions = input.packConfig.exemptions.map((e) => ({
    ...e,
    exempted: (input.check.rules ?? [])
      .filter((o) => o.policy === e.policy)
      .flatMap((o) => o.exempted.filter((u) => nameOf(u) === e.resource)),
  }));
  const { groups, withoutLocation } = residency(resources);
  return {
    facts: stackFacts(input, resources, stack),
    check: input.check,
    rules,
    frameworks,
    guardrails,
    violations: input.check.violations,
    exemptions,
    residency: groups,
    withoutLocation,
  };
}
