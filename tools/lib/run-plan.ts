/**
 * One offline plan run as `npm run plan` makes it: plan the stack, write plan.json and the
 * manifests, run the policy pack. Shared by the plan CLI and the benchmark.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type * as Check from "./check";
import { manifestYaml, writeStackExport } from "./export";
import { type PlanResult, planStack } from "./harness";
import { type PlanSummary, summarize } from "./summary";

/** Policy verdict of a plan, in the forms the CLI prints. */
export interface PolicyVerdict {
  readonly text: string;
  readonly json: unknown;
  readonly mandatoryViolations: number;
}

/** Options of {@link runPlan}. */
export interface RunPlanOptions {
  readonly stack: string;
  /** Output directory; its previous content is replaced. */
  readonly outDir: string;
  readonly skipCheck?: boolean;
  /** Overrides of top-level config keys (the benchmark uses it to add teams). */
  readonly config?: Record<string, unknown>;
  readonly onProgress?: (registered: number) => void;
}

/** Result of {@link runPlan}. */
export interface RunPlanResult {
  readonly plan: PlanResult;
  readonly summary: PlanSummary;
  readonly verdict: PolicyVerdict | undefined;
  /** Seconds spent planning (program + files) and checking. */
  readonly planSeconds: number;
  readonly checkSeconds: number;
}

/** Plans, writes the files and checks the policies. */
export async function runPlan(opts: RunPlanOptions): Promise<RunPlanResult> {
  const t0 = performance.now();
  const plan = await planStack(opts.stack, { config: opts.config, onProgress: opts.onProgress });
  rmSync(opts.outDir, { recursive: true, force: true });
  mkdirSync(join(opts.outDir, "manifests"), { recursive: true });
  writeStackExport(join(opts.outDir, "plan.json"), plan.deployment);
  for (const m of plan.manifests) writeFileSync(join(opts.outDir, "manifests", m.file), manifestYaml(m));
  if (!opts.skipCheck) collectProgramGarbage();
  const t1 = performance.now();
  const verdict = opts.skipCheck ? undefined : await checkPolicies(plan, opts.stack);
  const t2 = performance.now();
  return { plan, summary: summarize(plan.resources), verdict, planSeconds: (t1 - t0) / 1000, checkSeconds: (t2 - t1) / 1000 };
}

/**
 * Once the plan is written, the program's objects (its resources, their Outputs and the SDK's
 * promise chains: about 60 MiB for uae-prod) are garbage, but V8 has not collected them, and the
 * policy gate would grow the heap on top of them: on Node 24 the gate is where a shipped stack's
 * peak was (uae-prod 198-201 MiB, 183-185 with this collection in one set of paired runs, 188-201
 * against 199-202 in another: the gain is smaller than one run's noise; on Node 20 the peak comes
 * earlier, during registration, and is unchanged). Only before the gate: a plan without it
 * (`--skip-check`) does not collect. One full collection here costs about 60 ms (an
 * incremental one, started without waiting, took less time but lowered the peak much less).
 * `gc` exists when Node runs with `--expose-gc`, as `npm run plan` and the benchmark
 * start it (tools/lib/plan-node.ts); elsewhere nothing is done.
 */
function collectProgramGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/**
 * The policy check, with the pack it loads. A plain `require`, so the type-check does not see the
 * path: test/tools/plan-node.test.ts loads it as a plan would.
 */
export function loadPolicyCheck(): typeof Check {
  return require("./check") as typeof Check;
}

/**
 * Runs the policy pack against the plan, as `npm run check` does. The pack (its ~120 rule modules,
 * `@pulumi/policy`, zod schemas) is loaded here, after the program's garbage is collected, not
 * when the plan starts: loaded up front it sat under the program's registrations, where a plan's
 * peak is (uae-prod 156-161 → 153-159 MiB in 8 alternating runs on Node 20); a plan with
 * `--skip-check` never loads it.
 */
async function checkPolicies(plan: PlanResult, stack: string): Promise<PolicyVerdict> {
  const { checkPlan, formatText } = loadPolicyCheck();
  const result = await checkPlan(plan.deployment, { stack });
  return { text: formatText(result), json: result, mandatoryViolations: result.summary.mandatory };
}
