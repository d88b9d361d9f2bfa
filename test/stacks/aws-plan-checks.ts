/**
 * Shared helpers of the AWS cloud-layer plan tests: plan the AWS layer alone (the program in
 * ./aws-layer-program, with the real stack configuration) and look resources up.
 */
import { resolve } from "node:path";
import type { PolicyDocument } from "../../components/aws/policy";
import { type PlanResource, type PlanResult, planStack } from "../../tools/lib/harness";

/** Plans only the AWS cloud layer of `stack` offline. */
export function planAwsLayer(stack: string, config?: Record<string, unknown>): Promise<PlanResult> {
  return planStack(stack, { root: resolve(__dirname, "aws-layer-program"), ...(config ? { config } : {}) });
}

/** Resources of one type. */
export function ofType(plan: PlanResult, type: string): PlanResource[] {
  return plan.resources.filter((r) => r.type === type);
}

/** The single resource of `type` whose name ends with `suffix`. */
export function one(plan: PlanResult, type: string, suffix: string): PlanResource {
  const found = ofType(plan, type).filter((r) => r.name.endsWith(suffix));
  if (found.length !== 1) throw new Error(`expected one ${type} named *${suffix}, found ${found.map((r) => r.name).join(", ") || "none"}`);
  return found[0] as PlanResource;
}

/** Parses a JSON policy input. */
export function doc(value: unknown): PolicyDocument {
  if (typeof value !== "string") throw new Error(`policy is not a known JSON string: ${JSON.stringify(value)}`);
  return JSON.parse(value) as PolicyDocument;
}

/** The resource whose urn is `urn`. */
export function byUrn(plan: PlanResult, urn: string): PlanResource | undefined {
  return plan.resources.find((r) => r.urn === urn);
}

/** The provider resource a resource's `provider` reference points to. */
export function providerOf(plan: PlanResult, r: PlanResource): PlanResource | undefined {
  if (!r.provider) return undefined;
  return byUrn(plan, r.provider.split("::").slice(0, -1).join("::"));
}

/** True when `r` is (transitively) a child of a component of `type`. */
export function under(plan: PlanResult, r: PlanResource, type: string): boolean {
  let cur: PlanResource | undefined = r;
  while (cur?.parent) {
    cur = byUrn(plan, cur.parent);
    if (cur?.type === type) return true;
  }
  return false;
}
