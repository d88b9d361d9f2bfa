/**
 * Evaluates the platform's admission policies (`components/k8s/admission-rules.ts`) the way the
 * Kubernetes API server does, with the CEL implementation `@bufbuild/cel`: variables first (in
 * order, bound as `variables.<name>`), then each validation against `object`, `oldObject`,
 * `namespaceObject` and `request`. An expression that cannot be evaluated (a missing field, a
 * type error) is reported as an error: with `failurePolicy: Fail` the cluster treats it as a
 * failure, so the lint and the tests treat it the same way.
 *
 * Used by `npm run workflows:lint` (on the pods a template would produce) and by the tests.
 */
import { type CelInput, celEnv, isCelError, parse, plan } from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";
import type { AdmissionPolicyDefinition } from "../components/k8s/admission-rules";

/** The outcome of one policy on one object. */
export interface AdmissionVerdict {
  readonly policy: string;
  /** Validations that returned false (their message, or the message expression's result). */
  readonly failures: readonly string[];
  /** Expressions that could not be evaluated (counted as failures by `failurePolicy: Fail`). */
  readonly errors: readonly string[];
}

/** The request context of one admission. */
export interface AdmissionInput {
  readonly object: unknown;
  readonly namespace: string;
  readonly oldObject?: unknown;
  readonly operation?: "CREATE" | "UPDATE";
  /** Who sends the request (`request.userInfo.username`). @default "" (unknown: the lint's case) */
  readonly username?: string;
}

const env = celEnv({ funcs: strings });
type Compiled = (ctx?: Record<string, CelInput>) => unknown;
const compiled = new Map<string, Compiled>();

function compile(expression: string): Compiled {
  let fn = compiled.get(expression);
  if (!fn) {
    fn = plan(env, parse(expression)) as Compiled;
    compiled.set(expression, fn);
  }
  return fn;
}

/** JSON as the API server hands it to CEL: integers are CEL `int` (int64), not doubles. */
export function toCel(value: unknown): CelInput {
  if (typeof value === "number") return (Number.isInteger(value) ? BigInt(value) : value) as CelInput;
  if (Array.isArray(value)) return value.map(toCel) as CelInput;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toCel(v)])) as CelInput;
  }
  return value as CelInput;
}

function run(expression: string, bindings: Record<string, CelInput>): { value?: unknown; error?: string } {
  try {
    const value = compile(expression)(bindings);
    if (isCelError(value)) return { error: value.message };
    return { value };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** Evaluates one policy on one admission request. */
export function evaluatePolicy(policy: AdmissionPolicyDefinition, input: AdmissionInput): AdmissionVerdict {
  const bindings: Record<string, CelInput> = {
    object: toCel(input.object),
    oldObject: input.oldObject === undefined ? null : toCel(input.oldObject),
    namespaceObject: toCel({ apiVersion: "v1", kind: "Namespace", metadata: { name: input.namespace } }),
    request: toCel({
      operation: input.operation ?? "CREATE",
      namespace: input.namespace,
      ...(input.username === undefined ? {} : { userInfo: { username: input.username } }),
    }),
  };
  const errors: string[] = [];
  const variables = new Map<string, CelInput>();
  for (const v of policy.variables) {
    const r = run(v.expression, { ...bindings, variables: variables as unknown as CelInput });
    if (r.error !== undefined) {
      errors.push(`variable ${v.name}: ${r.error}`);
      return { policy: policy.name, failures: [], errors };
    }
    variables.set(v.name, r.value as CelInput);
  }
  const scope = { ...bindings, variables: variables as unknown as CelInput };
  const failures: string[] = [];
  for (const val of policy.validations) {
    const r = run(val.expression, scope);
    if (r.error !== undefined) errors.push(`${val.message}: ${r.error}`);
    else if (r.value !== true) {
      if (typeof r.value !== "boolean") errors.push(`${val.message}: the expression returned ${String(r.value)}, not a bool`);
      else {
        const m = val.messageExpression === undefined ? undefined : run(val.messageExpression, scope);
        failures.push(typeof m?.value === "string" && m.value !== "" ? m.value : val.message);
      }
    }
  }
  return { policy: policy.name, failures, errors };
}

/** Evaluates every policy that applies to the object (by its kind and the namespace's scope). */
export function evaluatePolicies(
  policies: readonly AdmissionPolicyDefinition[],
  input: AdmissionInput & { readonly team: boolean },
): AdmissionVerdict[] {
  const kind = (input.object as { kind?: unknown } | null)?.kind;
  const target = kind === "Pod" ? "pods" : "workflows";
  return policies.filter((p) => p.target === target && (p.scope === "guarded" || input.team)).map((p) => evaluatePolicy(p, input));
}

/** One line per failure or error (empty when every policy allows the object). */
export function verdictProblems(verdicts: readonly AdmissionVerdict[]): string[] {
  return verdicts.flatMap((v) => [
    ...v.failures.map((f) => `${v.policy}: ${f}`),
    ...v.errors.map((e) => `${v.policy}: cannot be evaluated (refused in production): ${e}`),
  ]);
}
