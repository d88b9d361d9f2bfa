/**
 * Red-team suite (issue 17): misconfigurations written the way a careless or clever team engineer
 * would, planted into the real plans of the production stacks with every rule of the pack. Each
 * case must be a mandatory violation on its own planted resources, by a rule about its concern
 * (redteam-cases.ts). The cases of one stack are planted side by side and checked in one run, each
 * judged only on its own resources (planting them group by group gave the same verdicts).
 *
 * ESCAPES lists the cases the pack does not catch yet. They are asserted as known escapes, so the
 * suite stays green and a fix shows up as a failing "known escape": move the case out of ESCAPES.
 */
import { describe, expect, it } from "vitest";
import { loadPackConfig } from "../../policies/config";
import { checkPlan } from "../../tools/lib/check";
import { shippedPlan } from "../support/shipped-plan";
import { plantInto } from "./fixture";
import { CASES, type RedCase, type RedStack } from "./redteam-cases";

/** KNOWN ESCAPES: cases the pack misses today (by their `why`). Remove a case once a rule catches it. */
const ESCAPES = new Set<string>([]);

type Violation = Awaited<ReturnType<typeof checkPlan>>["violations"][number];
const runs = new Map<RedStack, Promise<Violation[]>>();

/** Mandatory violations on planted resources, for every case of `stack` planted together. */
function plantedViolations(stack: RedStack): Promise<Violation[]> {
  let run = runs.get(stack);
  if (!run) {
    const specs = CASES.filter((c) => c.stack === stack).flatMap((c) => c.specs);
    const { plan } = plantInto(shippedPlan(stack).deployment as never, specs);
    run = checkPlan(plan, { stack, packConfig: loadPackConfig(stack) }).then((r) =>
      r.violations.filter((v) => v.enforcementLevel === "mandatory" && v.urn.includes("::planted-")),
    );
    runs.set(stack, run);
  }
  return run;
}

/** The rules that report a mandatory violation on the case's own resources. */
async function rulesOn(c: RedCase): Promise<string[]> {
  const own = c.specs.map((s) => `::planted-${s.name}`);
  const all = await plantedViolations(c.stack);
  return [...new Set(all.filter((v) => own.some((o) => v.urn.endsWith(o))).map((v) => v.policy))];
}

const caught = (rules: string[], c: RedCase) => rules.some((r) => c.rule.test(r));

describe("red team: planted misconfigurations are mandatory violations", () => {
  it.each(CASES.filter((c) => c.clean).map((c) => [c.group, c.why, c] as const))("[%s] %s", async (_g, _w, c) => {
    expect(await rulesOn(c)).toEqual([]);
  });
  it.each(CASES.filter((c) => !c.clean && !ESCAPES.has(c.why)).map((c) => [c.group, c.why, c] as const))("[%s] %s", async (_g, _w, c) => {
    const rules = await rulesOn(c);
    expect(caught(rules, c), `rules reporting on the case: ${rules.join(", ") || "none"}`).toBe(true);
  });
});

describe("red team: KNOWN ESCAPES (the pack misses these today; move a case out of ESCAPES once caught)", () => {
  it.each(CASES.filter((c) => ESCAPES.has(c.why)).map((c) => [c.group, c.why, c] as const))("known escape [%s] %s", async (_g, _w, c) => {
    expect(caught(await rulesOn(c), c)).toBe(false);
  });
  it("lists only cases that exist, and case names are unique", () => {
    const whys = CASES.map((c) => c.why);
    expect(new Set(whys).size).toBe(whys.length);
    expect([...ESCAPES].filter((w) => !whys.includes(w))).toEqual([]);
  });
});
