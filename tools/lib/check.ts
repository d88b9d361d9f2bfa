/**
 * The offline policy engine: runs the rules of `policies/` against a plan (the offline plan's
 * `plan.json` or a real `pulumi stack export`), giving each policy what the Pulumi CLI's
 * analyzer gives it:
 *
 * - resource policies: type, name, URN, the resource's inputs deserialized and wrapped in
 *   `@pulumi/policy`'s own unknown-checking proxy, options (protect, parent, …), the resource's
 *   provider (type, name, URN, props) and a `getConfig()` with the rule's pack configuration;
 * - stack policies: every resource, with its outputs (inputs when it has none), parent,
 *   dependencies and property dependencies resolved to the resource objects.
 *
 * Enforcement follows the CLI: the configured level, else the rule's, else the pack's
 * (`mandatory`); `disabled` skips the rule; `remediate` reports as `mandatory`; reading an
 * unknown value stops that rule for that resource with the CLI's advisory message. A rule that
 * throws anything else is reported as a mandatory violation (the CLI would fail the preview).
 *
 * Never imports `policies/index.ts`: its PolicyPack constructor starts a gRPC server.
 */

import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type {
  EnforcementLevel,
  Policies,
  PolicyProviderResource,
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  Severity,
  StackValidationPolicy,
} from "@pulumi/policy";
import * as policyDeserialize from "@pulumi/policy/deserialize";
import * as policyProxy from "@pulumi/policy/proxy";
import { type StackEnvironment, stackEnvironmentFromConfig } from "../../contracts/environment";
import { loadPackConfig, type PackConfig, ruleSettings } from "../../policies/config";
import { PROJECT_NAMESPACE, withStackEnvironment } from "../../policies/environment";
import { allPolicies } from "../../policies/rules";
import { readStackConfig, stackFileName } from "./stack-config";
import { SECRET_SIG, SPECIAL_SIG_KEY } from "./values";

interface ProxyModule {
  unknownCheckingProxy<T>(value: T): T;
  UnknownValueError: new (...args: never[]) => Error;
}
interface DeserializeModule {
  deserializeProperties(struct: { toJavaScript(): Record<string, unknown> }, proxySecrets: boolean): Record<string, unknown>;
}
// Both functions are internal to @pulumi/policy (no typings); they are what the CLI's analyzer uses.
const { unknownCheckingProxy, UnknownValueError } = policyProxy as unknown as ProxyModule;
const { deserializeProperties } = policyDeserialize as unknown as DeserializeModule;

/** Name of the pack, as the CLI shows it in messages. */
export const PACK_NAME = "mlops-platform";
/** Version of the pack, from policies/package.json. */
export const PACK_VERSION: string = require("../../policies/package.json").version;

/** One resource of a `pulumi stack export` (v3) document, as far as the engine reads it. */
export interface StateResource {
  urn: string;
  type: string;
  custom?: boolean;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  parent?: string;
  provider?: string;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
  protect?: boolean;
  retainOnDelete?: boolean;
  deleteBeforeReplace?: boolean;
  ignoreChanges?: string[];
  additionalSecretOutputs?: string[];
  aliases?: string[];
}

/** One reported violation. */
export interface Violation {
  readonly policy: string;
  readonly enforcementLevel: "advisory" | "mandatory";
  readonly severity: Severity | "unspecified";
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly message: string;
}

/** Totals of a check. */
export interface CheckSummary {
  readonly stack: string | undefined;
  /** The environment the rules judged by, and where it was read from. */
  readonly environment: { readonly name: string; readonly source: string; readonly problem?: string };
  readonly resources: number;
  readonly policies: number;
  readonly mandatory: number;
  readonly advisory: number;
  /** Violations per rule name. */
  readonly byPolicy: Readonly<Record<string, number>>;
  /** True when no mandatory violation was found. */
  readonly passed: boolean;
}

/**
 * What one rule did on the plan, from the same evaluation as the violations. A resource counts
 * as checked by a rule when the rule read its properties, its provider or its rule configuration
 * for it (a rule that skips a resource by type reads none of them); a resource the rule declared
 * not applicable (e.g. production-only rules on a development stack) does not count.
 */
export interface RuleOutcome {
  readonly policy: string;
  readonly kind: "resource" | "stack";
  /** The level the rule ran at; `disabled` rules did not run. */
  readonly enforcementLevel: "advisory" | "mandatory" | "disabled";
  /** URNs of the resources the rule checked, in plan order. */
  readonly checked: string[];
  /** Checked resources the pack configuration exempts from the rule (and that it did not report). */
  readonly exempted: string[];
  /** Checked resources with at least one violation of the rule. */
  readonly violating: string[];
  /** Checked resources neither exempted nor violating. */
  readonly passed: number;
  /** Violations of the rule (stack-level ones included), as counted in `summary.byPolicy`. */
  readonly violations: number;
  /** Why the rule declared itself not applicable, when it did (for the stack or for some resources). */
  readonly notApplicable: string[];
}

/** What {@link checkPlan} returns. */
export interface CheckResult {
  readonly violations: Violation[];
  readonly summary: CheckSummary;
  /** Per rule: resources checked, passed, exempted and violating (an addition to the JSON contract). */
  readonly rules?: RuleOutcome[];
}

/** Options of {@link checkPlan}. */
export interface CheckOptions {
  /** Stack name; defaults to the stack named in the URNs. Selects `policies/config/<stack>.json`. */
  readonly stack?: string;
  /** Pack configuration; defaults to the stack's file (or the strictest defaults). */
  readonly packConfig?: PackConfig;
  /** Policies to run; defaults to every rule of the pack. */
  readonly policies?: Policies;
  /** The stack's environment; defaults to the one `Pulumi.<stack>.yaml` declares (see {@link stackEnvironment}). */
  readonly environment?: StackEnvironment;
  /** Project directory holding `Pulumi.yaml` and the stack files; defaults to the repository root. */
  readonly root?: string;
}

const REPO_ROOT = resolve(__dirname, "../..");

/**
 * The environment of `stack` as the pack served to the CLI derives it: from the stack's
 * configuration (`Pulumi.yaml` defaults under `Pulumi.<stack>.yaml`). Without a stack file the
 * stack is judged as production (fail closed) and the result says why.
 */
export function stackEnvironment(stack: string | undefined, root: string = REPO_ROOT): StackEnvironment {
  if (!stack || !existsSync(join(root, "Pulumi.yaml")) || !existsSync(join(root, stackFileName(stack)))) {
    return stackEnvironmentFromConfig({}, stack ? `${stackFileName(stack)} (not found)` : "the stack configuration (no stack named)");
  }
  const file = readStackConfig(root, stack);
  const prefix = `${PROJECT_NAMESPACE}:`;
  const values = Object.fromEntries(
    Object.entries(file.values)
      .filter(([k]) => k.startsWith(prefix))
      .map(([k, v]) => [k.slice(prefix.length), v]),
  );
  return stackEnvironmentFromConfig(values, stackFileName(stack));
}

/** The resources of a plan given as a stack export, its `deployment`, or a plan result. */
export function resourcesOf(plan: unknown): StateResource[] {
  const doc = plan as { deployment?: { resources?: unknown }; resources?: unknown };
  const resources = doc?.deployment?.resources ?? doc?.resources;
  if (!Array.isArray(resources)) {
    throw new Error(
      "the plan has no resources: expected a `pulumi stack export` document ({version: 3, deployment: {resources: [...]}}) or its deployment; run `npm run plan -- --stack <name>` to make one",
    );
  }
  resources.forEach((r, i) => {
    const res = r as Partial<StateResource>;
    if (typeof res?.urn !== "string" || typeof res.type !== "string")
      throw new Error(`plan resource ${i} has no urn/type: not a stack export`);
  });
  return resources as StateResource[];
}

/** The stack named in the URNs (`urn:pulumi:<stack>::<project>::…`). */
export function stackOf(resources: readonly StateResource[]): string | undefined {
  const urn = resources[0]?.urn;
  return urn ? urn.split("::")[0]?.replace(/^urn:pulumi:/, "") : undefined;
}

/** The resource name in a URN (what follows the last `::`). */
export function nameOf(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

/**
 * Prepares serialized values for `@pulumi/policy`'s deserializer. A secret redacted by
 * `pulumi stack export` (no `--show-secrets`) has no value: the policy sees the placeholder
 * string `[secret]` (it exists; its content is hidden). `--show-secrets` exports carry
 * `plaintext` (JSON), which is decoded.
 */
function prepare(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(prepare);
  if (value === null || typeof value !== "object") return value;
  const o = value as Record<string, unknown>;
  if (o[SPECIAL_SIG_KEY] === SECRET_SIG) {
    if ("value" in o) return { [SPECIAL_SIG_KEY]: SECRET_SIG, value: prepare(o.value) };
    if (typeof o.plaintext === "string") return { [SPECIAL_SIG_KEY]: SECRET_SIG, value: prepare(JSON.parse(o.plaintext)) };
    return { [SPECIAL_SIG_KEY]: SECRET_SIG, value: "[secret]" };
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) out[k] = prepare(o[k]);
  return out;
}

/** Props as the CLI's analyzer builds them: deserialized (secrets unwrapped), then proxied. */
function policyProps(values: Record<string, unknown> | undefined): Record<string, unknown> {
  const prepared = prepare(values ?? {}) as Record<string, unknown>;
  return unknownCheckingProxy(deserializeProperties({ toJavaScript: () => prepared }, false));
}

function optionsOf(r: StateResource): PolicyResourceOptions {
  const opts: PolicyResourceOptions = {
    protect: r.protect === true,
    ignoreChanges: r.ignoreChanges ?? [],
    aliases: r.aliases ?? [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: r.additionalSecretOutputs ?? [],
  };
  if (r.deleteBeforeReplace !== undefined) opts.deleteBeforeReplace = r.deleteBeforeReplace;
  if (r.parent) opts.parent = r.parent;
  return opts;
}

/**
 * Deserializes each resource's values once per check and hands every rule the same props (the
 * CLI's analyzer deserializes them again for each rule; with ~100 rules over thousands of
 * resources, that repetition was most of the policy gate's time and its garbage). Rules only
 * read props: the pack's rules never write to them, so sharing one copy cannot change a verdict.
 */
class PropsCache {
  readonly #byValues = new Map<object, Record<string, unknown>>();
  readonly #providers = new Map<string, PolicyProviderResource | undefined>();
  readonly #empty = policyProps(undefined);

  constructor(private readonly byUrn: ReadonlyMap<string, StateResource>) {}

  of(values: Record<string, unknown> | undefined): Record<string, unknown> {
    if (values === undefined) return this.#empty;
    let props = this.#byValues.get(values);
    if (props === undefined) {
      props = policyProps(values);
      this.#byValues.set(values, props);
    }
    return props;
  }

  /** The resource's provider as policies see it, one object per provider. */
  providerOf(r: StateResource): PolicyProviderResource | undefined {
    if (!r.provider) return undefined;
    const urn = r.provider.slice(0, r.provider.lastIndexOf("::"));
    if (this.#providers.has(urn)) return this.#providers.get(urn);
    const prov = this.byUrn.get(urn);
    const out = prov ? { type: prov.type, name: nameOf(prov.urn), urn: prov.urn, props: this.of(prov.inputs) } : undefined;
    this.#providers.set(urn, out);
    return out;
  }
}

class NotApplicable extends Error {}
const notApplicable = (reason?: string): never => {
  throw new NotApplicable(reason);
};

function isTypeOf(type: string, resourceClass: unknown): boolean {
  const isInstance = (resourceClass as { isInstance?: unknown }).isInstance;
  const pulumiType = (resourceClass as { __pulumiType?: string }).__pulumiType;
  return typeof isInstance === "function" && pulumiType === type;
}

function levelOf(p: { name: string; enforcementLevel?: EnforcementLevel }, cfg: PackConfig): "advisory" | "mandatory" | "disabled" {
  const level = cfg.enforcementLevels[p.name] ?? p.enforcementLevel ?? "mandatory";
  return level === "remediate" ? "mandatory" : level;
}

function isStackPolicy(p: ResourceValidationPolicy | StackValidationPolicy): p is StackValidationPolicy {
  return typeof (p as StackValidationPolicy).validateStack === "function";
}

/**
 * What a resource policy receives, noting whether the policy looked at the resource: read its
 * props, its provider or its rule configuration (see {@link RuleOutcome}). Prototype accessors
 * keep one object shape for every resource (accessors in a literal would make each object's
 * shape unique and every property read slow).
 */
class ObservedArgs {
  /** Whether the policy read the props, the provider or the configuration. */
  looked = false;
  readonly type: string;
  readonly urn: string;
  readonly name: string;
  readonly opts: PolicyResourceOptions;
  readonly stackTags: ReadonlyMap<string, string>;
  readonly notApplicable = notApplicable;
  readonly #values: Record<string, unknown> | undefined;
  readonly #cache: PropsCache;
  readonly #provider: PolicyProviderResource | undefined;
  readonly #getConfig: () => object;

  constructor(
    r: StateResource,
    cache: PropsCache,
    provider: PolicyProviderResource | undefined,
    getConfig: () => object,
    stackTags: ReadonlyMap<string, string>,
  ) {
    this.type = r.type;
    this.urn = r.urn;
    this.name = nameOf(r.urn);
    this.opts = optionsOf(r);
    this.stackTags = stackTags;
    this.#values = r.inputs;
    this.#cache = cache;
    this.#provider = provider;
    this.#getConfig = getConfig;
  }

  /** Deserialized on first read (by any rule): most resources are read by few rules. */
  get props(): Record<string, unknown> {
    this.looked = true;
    return this.#cache.of(this.#values);
  }

  get provider(): PolicyProviderResource | undefined {
    if (this.#provider) this.looked = true;
    return this.#provider;
  }

  // Arrow functions, so that a policy may destructure them from its args.
  readonly getConfig = <T extends object>(): T => {
    this.looked = true;
    return this.#getConfig() as T;
  };

  readonly isType = (cls: unknown): boolean => isTypeOf(this.type, cls);

  readonly asType = (cls: unknown): Record<string, unknown> | undefined => (isTypeOf(this.type, cls) ? this.props : undefined);
}

/**
 * Runs every policy against the plan. `plan` is a stack export, its `deployment`, or anything
 * with a `resources` array in stack-export form. Resolves to the violations and a summary.
 */
export async function checkPlan(plan: unknown, options: CheckOptions = {}): Promise<CheckResult> {
  const resources = resourcesOf(plan);
  const stack = options.stack ?? stackOf(resources);
  const environment = options.environment ?? stackEnvironment(stack, options.root);
  return withStackEnvironment(environment, () => runPolicies(resources, stack, environment, options));
}

async function runPolicies(
  resources: StateResource[],
  stack: string | undefined,
  environment: StackEnvironment,
  options: CheckOptions,
): Promise<CheckResult> {
  const policies = options.policies ?? allPolicies;
  const cfg =
    options.packConfig ??
    loadPackConfig(
      stack,
      policies.map((p) => p.name),
    );
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const violations: Violation[] = [];
  const stackTags: ReadonlyMap<string, string> = new Map<string, string>();

  const add = (p: { name: string; severity?: Severity }, level: "advisory" | "mandatory", urn: string, message: string) => {
    const r = byUrn.get(urn);
    violations.push({
      policy: p.name,
      enforcementLevel: level,
      severity: p.severity ?? "unspecified",
      urn,
      type: r?.type ?? "",
      name: urn ? nameOf(urn) : "",
      message,
    });
  };
  /** The CLI's reportViolation: the policy's description, then the message on its own line. */
  const reporter =
    (p: { name: string; description: string; severity?: Severity }, level: "advisory" | "mandatory", defaultUrn: string) =>
    (message: unknown, urn?: string) => {
      if (message !== null && typeof message === "object") {
        const info = message as { message?: string; description?: string; urn?: string };
        add(p, level, info.urn ?? urn ?? defaultUrn, info.message || info.description || p.description);
        return;
      }
      add(p, level, urn ?? defaultUrn, message ? `${p.description}\n${String(message)}` : p.description);
    };
  const failure = (p: { name: string }, e: unknown, during: "validating resource" | "validating stack") => {
    const from = `policy '${p.name}' from policy pack '${PACK_NAME}@v${PACK_VERSION}'`;
    if (e instanceof UnknownValueError) return { level: "advisory" as const, message: `can't run ${from} during preview: ${e.message}` };
    return { level: "mandatory" as const, message: `Error ${during} with ${from}: ${(e as Error)?.stack ?? String(e)}` };
  };

  const cache = new PropsCache(byUrn);
  // One view of the stack for every stack rule (as the props); reads are noted for the rule running.
  let onStackRead: (urn: string) => void = () => {};
  let view: PolicyResource[] | undefined;
  const outcomes: RuleOutcome[] = [];
  for (const p of policies) {
    const level = levelOf(p, cfg);
    const kind = isStackPolicy(p) ? ("stack" as const) : ("resource" as const);
    const checked = new Set<string>();
    const notApplicableReasons = new Set<string>();
    const firstViolation = violations.length;
    const outcome = () =>
      outcomes.push(ruleOutcome(p.name, kind, level, resources, checked, notApplicableReasons, violations.slice(firstViolation), cfg));
    if (level === "disabled") {
      outcome();
      continue;
    }
    const settings = ruleSettings(cfg, p.name);
    const getConfig = <T extends object>() => ({ ...settings }) as unknown as T;
    if (isStackPolicy(p)) {
      view ??= stackView(resources, cache, (urn) => onStackRead(urn));
      onStackRead = (urn) => checked.add(urn);
      try {
        await p.validateStack({ resources: view, getConfig, stackTags, notApplicable }, reporter(p, level, ""));
      } catch (e) {
        if (e instanceof NotApplicable) {
          checked.clear();
          notApplicableReasons.add(e.message);
          outcome();
          continue;
        }
        const f = failure(p, e, "validating stack");
        add(p, f.level, "", f.message);
      }
      outcome();
      continue;
    }
    const validations =
      p.validateResource === undefined ? [] : Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource];
    for (const r of resources) {
      for (const validate of validations) {
        // A rule that declares the types it judges (policies/lib/rule.ts) returns at once on the
        // others, reading nothing: skip those without building their arguments (same outcome).
        const appliesTo = (validate as { appliesTo?: (type: string) => boolean }).appliesTo;
        if (appliesTo && !appliesTo(r.type)) continue;
        try {
          const args = new ObservedArgs(r, cache, cache.providerOf(r), getConfig, stackTags);
          // The CLI attributes a resource policy's violations to the resource, whatever urn is passed.
          const report = reporter(p, level, r.urn);
          await validate(args as ResourceValidationArgs, (message) => report(message));
          if (args.looked) checked.add(r.urn);
        } catch (e) {
          if (e instanceof NotApplicable) {
            notApplicableReasons.add(e.message);
            continue;
          }
          checked.add(r.urn);
          const f = failure(p, e, "validating resource");
          add(p, f.level, r.urn, f.message);
        }
      }
    }
    outcome();
  }

  const byPolicy: Record<string, number> = {};
  for (const v of violations) byPolicy[v.policy] = (byPolicy[v.policy] ?? 0) + 1;
  const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
  return {
    violations,
    summary: {
      stack,
      environment: {
        name: environment.environment,
        source: environment.source,
        ...(environment.problem ? { problem: environment.problem } : {}),
      },
      resources: resources.length,
      policies: policies.length,
      mandatory,
      advisory: violations.length - mandatory,
      byPolicy,
      passed: mandatory === 0,
    },
    rules: outcomes,
  };
}

function ruleOutcome(
  policy: string,
  kind: "resource" | "stack",
  level: "advisory" | "mandatory" | "disabled",
  resources: readonly StateResource[],
  checkedSet: Set<string>,
  notApplicable: ReadonlySet<string>,
  own: readonly Violation[],
  cfg: PackConfig,
): RuleOutcome {
  // A resource a stack rule reported without reading it still counts as checked.
  for (const v of own) if (v.urn) checkedSet.add(v.urn);
  const checked = resources.map((r) => r.urn).filter((u) => checkedSet.has(u));
  const violatingSet = new Set(own.map((v) => v.urn).filter((u) => u !== ""));
  const exemptNames = new Set(cfg.exemptions.filter((e) => e.policy === policy).map((e) => e.resource));
  const violating = checked.filter((u) => violatingSet.has(u));
  const exempted = checked.filter((u) => !violatingSet.has(u) && exemptNames.has(nameOf(u)));
  return {
    policy,
    kind,
    enforcementLevel: level,
    checked,
    exempted,
    violating,
    passed: checked.length - violating.length - exempted.length,
    violations: own.length,
    notApplicable: [...notApplicable].map((m) => m || "not applicable"),
  };
}

/** A resource as stack policies see it, noting reads of its props (prototype accessor: one shape for all). */
class ObservedView {
  readonly type: string;
  readonly urn: string;
  readonly name: string;
  readonly opts: PolicyResourceOptions;
  provider?: PolicyProviderResource;
  parent?: PolicyResource;
  dependencies: PolicyResource[] = [];
  propertyDependencies: Record<string, PolicyResource[]> = {};
  readonly #values: Record<string, unknown> | undefined;
  readonly #cache: PropsCache;
  readonly #onRead: (urn: string) => void;

  constructor(r: StateResource, values: Record<string, unknown> | undefined, cache: PropsCache, onRead: (urn: string) => void) {
    this.type = r.type;
    this.urn = r.urn;
    this.name = nameOf(r.urn);
    this.opts = optionsOf(r);
    this.#values = values;
    this.#cache = cache;
    this.#onRead = onRead;
  }

  get props(): Record<string, unknown> {
    this.#onRead(this.urn);
    return this.#cache.of(this.#values);
  }

  readonly isType = (cls: unknown): boolean => isTypeOf(this.type, cls);

  readonly asType = (cls: unknown): Record<string, unknown> | undefined => (isTypeOf(this.type, cls) ? this.props : undefined);
}

/** The resources as stack policies see them: outputs, parent and dependencies resolved. */
function stackView(resources: readonly StateResource[], cache: PropsCache, onRead: (urn: string) => void): PolicyResource[] {
  const views = new Map<string, PolicyResource>();
  for (const r of resources) {
    const values = r.outputs && Object.keys(r.outputs).length > 0 ? r.outputs : r.inputs;
    const view = new ObservedView(r, values, cache, onRead) as unknown as PolicyResource;
    const provider = cache.providerOf(r);
    if (provider) view.provider = provider;
    views.set(r.urn, view);
  }
  for (const r of resources) {
    const view = views.get(r.urn) as PolicyResource;
    if (r.parent && views.has(r.parent)) view.parent = views.get(r.parent);
    view.dependencies = (r.dependencies ?? []).map((d) => views.get(d)).filter((d): d is PolicyResource => d !== undefined);
    for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
      view.propertyDependencies[k] = urns.map((d) => views.get(d)).filter((d): d is PolicyResource => d !== undefined);
    }
  }
  return [...views.values()];
}

const policyDescriptions = new Map<string, string>(allPolicies.map((p) => [p.name, p.description]));

/** A readable report: verdict, then violations grouped by rule (each rule's description once). */
export function formatText(result: CheckResult): string {
  const { summary, violations } = result;
  const lines: string[] = [];
  const verdict = summary.passed ? "PASSED" : "FAILED";
  lines.push(
    `Policy check ${verdict}${summary.stack ? ` for stack ${summary.stack}` : ""}: ${summary.policies} rules on ${summary.resources} resources, ` +
      `${summary.mandatory} mandatory and ${summary.advisory} advisory violations.`,
    `Judged as ${summary.environment.name} (from ${summary.environment.source})${summary.environment.problem ? `: ${summary.environment.problem}` : ""}.`,
  );
  const byPolicy = new Map<string, Violation[]>();
  for (const v of violations) byPolicy.set(v.policy, [...(byPolicy.get(v.policy) ?? []), v]);
  for (const [policy, vs] of [...byPolicy.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const first = vs[0] as Violation;
    const description = policyDescriptions.get(policy);
    lines.push("", `${first.enforcementLevel === "mandatory" ? "✗" : "!"} ${policy} (${first.enforcementLevel}, ${first.severity})`);
    if (description) lines.push(`  ${description}`);
    for (const v of vs) {
      const detail = description && v.message.startsWith(`${description}\n`) ? v.message.slice(description.length + 1) : v.message;
      lines.push(`    ${v.type ? `${v.type} ` : ""}${v.name || "(stack)"}: ${detail}`);
    }
  }
  return lines.join("\n");
}

/** The JSON document of `npm run check -- --format json`. */
export function formatJson(result: CheckResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
