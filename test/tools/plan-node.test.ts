/**
 * `npm run plan` and the benchmark start Node alike (tools/lib/plan-node.ts reads package.json's
 * plan script), and that Node lets the plan collect the program's garbage before the policy gate
 * (tools/lib/run-plan.ts).
 */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { expect, it } from "vitest";
import { PLAN_COMMAND, PLAN_NODE_OPTIONS } from "../../tools/lib/plan-node";

const ROOT = resolve(__dirname, "../..");

it("starts the plan's tools with the plan script's options, under which gc() is there, TypeScript loads and the pack waits for the gate", () => {
  expect(PLAN_COMMAND.at(-1)).toBe("tools/plan.ts");
  expect(PLAN_NODE_OPTIONS).toEqual(PLAN_COMMAND.slice(0, -1));
  const probe = spawnSync(
    process.execPath,
    [
      ...PLAN_NODE_OPTIONS,
      "-e",
      // The policy pack loads when the gate runs, not with the plan's tools (tools/lib/run-plan.ts).
      `const plan = require('./tools/lib/run-plan');
       const pack = () => Object.keys(require.cache).filter((k) => k.includes('/policies/')).length;
       const before = pack();
       const check = plan.loadPolicyCheck();
       console.log(typeof gc, typeof plan.runPlan, before, typeof check.checkPlan, typeof check.formatText, pack() > 50)`,
    ],
    { cwd: ROOT, encoding: "utf8" },
  );
  expect(probe.stderr).toBe("");
  expect(probe.stdout.trim()).toBe("function function 0 function function true");
});
