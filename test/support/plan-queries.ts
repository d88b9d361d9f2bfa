/**
 * Queries on a plan shared by the plan-based tests of both cloud layers.
 */
import type { PlanResource, PlanResult } from "../../tools/lib/harness";

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
