/**
 * `npm run forks [-- --only <source>:<profile>:<environment> ...] [--json]`
 *
 * Follows the README's fork recipe (parsed from README.md) for every shipped stack × both
 * profiles × both environments, or the forks named with `--only`: writes each fork's stack file
 * into a scratch directory next to a copy of Pulumi.yaml, plans it offline and runs the policy
 * gate on it, with nothing but the fork's own stack file (the environment and retention the pack
 * judges by come from it). The plans run one after the other in this one process.
 * Exit status: 0 when every fork planned and passed the gate, 1 otherwise, 2 on bad usage.
 */
// First: defers modules the SDK loads eagerly but this tool never uses (see lazy-deps.ts).
import "./lib/lazy-deps";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { checkPlan } from "./lib/check";
import { type ForkCase, forkCases, forkRecipeFromReadme, REPO_ROOT, writeFork } from "./lib/fork";
import { planStack } from "./lib/harness";
import { operatorActionsOf } from "./lib/operator-actions";

/** The result of one fork. */
export interface ForkResult {
  readonly fork: string;
  readonly source: string;
  readonly profile: string;
  readonly environment: string;
  /** The environment the gate judged by, and where it read it. */
  readonly judgedAs: string;
  readonly resources: number;
  readonly mandatory: number;
  readonly failed: readonly string[];
  readonly planSeconds: number;
  readonly checkSeconds: number;
  /** Ids of what an operator must still provide (the end of `npm run plan`). */
  readonly operatorActions: readonly string[];
  readonly error?: string;
}

async function runFork(dir: string, c: ForkCase): Promise<ForkResult> {
  const base = { fork: c.stack, source: c.source, profile: c.profile, environment: c.environment };
  const t0 = performance.now();
  try {
    const plan = await planStack(c.stack, { configRoot: dir });
    const t1 = performance.now();
    const result = await checkPlan(plan.deployment, { stack: c.stack, root: dir });
    const t2 = performance.now();
    return {
      ...base,
      judgedAs: `${result.summary.environment.name} (from ${result.summary.environment.source})`,
      resources: plan.resources.length,
      mandatory: result.summary.mandatory,
      failed: [...new Set(result.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => v.policy))],
      planSeconds: (t1 - t0) / 1000,
      checkSeconds: (t2 - t1) / 1000,
      operatorActions: operatorActionsOf(plan.outputs).map((a) => a.id),
    };
  } catch (err) {
    return {
      ...base,
      judgedAs: "",
      resources: 0,
      mandatory: 0,
      failed: [],
      planSeconds: (performance.now() - t0) / 1000,
      checkSeconds: 0,
      operatorActions: [],
      error: err instanceof Error ? err.message : String(err),
    };
  }
}

async function main(): Promise<number> {
  let values: { only?: string[]; json?: boolean };
  try {
    ({ values } = parseArgs({ options: { only: { type: "string", multiple: true }, json: { type: "boolean" } }, strict: true }));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\nusage: npm run forks [-- --only <source>:<profile>:<environment> ...] [--json]\n`);
    return 2;
  }
  const recipe = forkRecipeFromReadme(readFileSync(join(REPO_ROOT, "README.md"), "utf8"));
  const all = forkCases(recipe);
  const wanted = values.only ?? [];
  const cases = wanted.length === 0 ? all : all.filter((c) => wanted.includes(`${c.source}:${c.profile}:${c.environment}`));
  const unknown = wanted.filter((w) => !all.some((c) => `${c.source}:${c.profile}:${c.environment}` === w));
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown fork ${unknown.join(", ")}: use <source>:<smb|enterprise>:<development|production> with a shipped stack\n`,
    );
    return 2;
  }
  const dir = mkdtempSync(join(tmpdir(), "mlops-forks-"));
  const results: ForkResult[] = [];
  try {
    for (const c of cases) {
      writeFork(dir, recipe, c);
      const r = await runFork(dir, c);
      results.push(r);
      if (!values.json) {
        const verdict = r.error ? `ERROR ${r.error.split("\n")[0]}` : r.mandatory === 0 ? "PASSED" : `FAILED (${r.failed.join(", ")})`;
        process.stdout.write(
          `${c.stack.padEnd(28)} ${c.profile.padEnd(10)} ${c.environment.padEnd(11)} ${String(r.resources).padStart(4)} resources  plan ${r.planSeconds.toFixed(1)} s  check ${r.checkSeconds.toFixed(1)} s  ${verdict}\n`,
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (values.json) process.stdout.write(`${JSON.stringify(results)}\n`);
  return results.every((r) => !r.error && r.mandatory === 0) ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 2;
  },
);
