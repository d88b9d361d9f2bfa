/**
 * Shared helpers of the AWS cloud-layer plan tests: look resources up in the plans of the AWS
 * layer alone (the program in ./aws-layer-program, planned by the global setup, see
 * test/support/plan-requests.ts).
 */
import type { PolicyDocument } from "../../components/aws/policy";
import type { PlanResource, PlanResult } from "../../tools/lib/harness";

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

export { byUrn, providerOf, under } from "../support/plan-queries";
