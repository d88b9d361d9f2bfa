/**
 * Shared body of the plan-based policy tests: read the plan of one shipped stack (planned once
 * per test run by the global setup), check that it passes every mandatory rule, and
 * that one violation of each rule planted into a copy of the plan is reported.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { stackEnvironmentFromConfig } from "../../contracts/environment";
import { loadPackConfig } from "../../policies/config";
import { allPolicies } from "../../policies/rules";
import { type CheckResult, checkPlan } from "../../tools/lib/check";
import type { PlanResult } from "../../tools/lib/harness";
import { applyChange } from "../policies/apply";
import { CASES } from "../policies/cases";
import { plantInto } from "../policies/fixture";
import { shippedPlan } from "../support/shipped-plan";

/** Registers the tests of `stack`; `plant` also plants one violation of each rule. */
export function describeStackPolicies(stack: string, options: { plant: boolean }): void {
  describe(`policies on the ${stack} plan`, () => {
    let plan: PlanResult;
    let result: CheckResult;
    beforeAll(async () => {
      plan = shippedPlan(stack);
      result = await checkPlan(plan.deployment, { stack });
    });

    it("plans resources of the stack", () => {
      expect(plan.resources.length).toBeGreaterThan(50);
      expect(result.summary.stack).toBe(stack);
    });

    it("passes every mandatory rule", () => {
      const mandatory = result.violations
        .filter((v) => v.enforcementLevel === "mandatory")
        .map((v) => `${v.policy} ${v.type} ${v.name}: ${v.message}`);
      expect(mandatory).toEqual([]);
    });

    if (!options.plant) return;
    const packConfig = loadPackConfig(stack);
    for (const policy of allPolicies) {
      const c = CASES[policy.name];
      const change = c?.violations[0];
      if (!c || !change) continue;
      it(`reports ${policy.name} planted into the plan (${change.why})`, async () => {
        // Data-safety rules only apply to production stacks; the planted check uses the stack's own configuration.
        const opts = {
          stack,
          packConfig,
          environment: stackEnvironmentFromConfig({ environment: "production" }, stack),
          policies: [policy],
        };
        const onPlanted = (r: CheckResult) =>
          r.violations.filter((v) => v.enforcementLevel === "mandatory" && v.urn.includes("::planted-"));
        // The compliant resources planted into the plan pass, so the violation below comes from the change.
        const compliant = plantInto(plan.deployment as never, applyChange(c, { why: "compliant" }, undefined));
        expect(onPlanted(await checkPlan(compliant.plan, opts))).toEqual([]);
        const violating = plantInto(plan.deployment as never, applyChange(c, change, change.value), change.provider);
        const r = await checkPlan(violating.plan, opts);
        expect(onPlanted(r).length, JSON.stringify(r.violations)).toBeGreaterThan(0);
      });
    }
  });
}
