/**
 * One measured plan run for `npm run bench` (a child process per run, so each run pays the
 * same start-up cost a user's `npm run plan` pays). Prints one JSON line.
 */
// First: defers modules the SDK loads eagerly but this tool never uses (see lazy-deps.ts).
import "./lib/lazy-deps";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { planStack } from "./lib/harness";
import { runPlan } from "./lib/run-plan";
import { readStackConfig } from "./lib/stack-config";

/** Team names the shipped stacks' alert routes refer to. */
const SHIPPED_TEAM_NAMES = ["fraud", "credit"];

/** `count` synthetic teams, each with a group, CPU and GPU quotas. */
export function syntheticTeams(count: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => {
    const id = String(i + 1).padStart(3, "0");
    // The shipped stacks route alerts to their teams by name: the first synthetic teams keep those names.
    const name = SHIPPED_TEAM_NAMES[i] ?? `team${id}`;
    // The stack refuses GPU quotas beyond its GPU pools' capacity (48 GPUs on uae-prod): a synthetic team has none and borrows idle GPUs.
    return { name, groups: [`team-${name}`], gpuQuota: 0, cpuQuota: 8, memoryQuotaGiB: 32 };
  });
}

/** The stack's models whose owning team is among `teams`: a model of a team the run leaves out would be refused. */
export function modelsOfTeams(stack: string, teams: readonly Record<string, unknown>[]): unknown[] {
  const { values } = readStackConfig(resolve(__dirname, ".."), stack);
  const names = new Set(teams.map((t) => t.name));
  return ((values["mlops-platform:models"] ?? []) as { team?: string }[]).filter((m) => names.has(m.team));
}

/** The SDK floor's program (tools/bench-floor/index.ts says what it is). */
const FLOOR_ROOT = resolve(__dirname, "bench-floor");

/** Registers `raw` floor teams and nothing else: no files, no policy gate. */
async function floor(raw: string): Promise<void> {
  const teams = Number(raw);
  if (!/^\d+$/.test(raw) || teams < 1) throw new Error(`--floor: "${raw}" must be a whole number of teams, 1 or more`);
  const t0 = performance.now();
  const plan = await planStack("floor", { root: FLOOR_ROOT, config: { teams } });
  printLine({
    stack: "sdk-floor",
    teams,
    resources: plan.resources.length,
    planSeconds: (performance.now() - t0) / 1000,
    checkSeconds: 0,
    violations: null,
  });
}

/** Prints a run's line, with this process's peak resident set and CPU seconds. */
function printLine(run: Record<string, unknown>): void {
  const line = {
    ...run,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    // User + system CPU of this process, start-up included: steadier than wall time on a busy machine.
    cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { stack: { type: "string" }, teams: { type: "string" }, floor: { type: "string" } },
    strict: true,
  });
  if (values.floor !== undefined) return floor(values.floor);
  if (!values.stack) throw new Error("--stack or --floor is required");
  const teams = values.teams === undefined ? undefined : Number(values.teams);
  const outDir = mkdtempSync(join(tmpdir(), "bench-plan-"));
  try {
    const synthetic = teams === undefined ? undefined : syntheticTeams(teams);
    const config = synthetic === undefined ? undefined : { teams: synthetic, models: modelsOfTeams(values.stack, synthetic) };
    const r = await runPlan({ stack: values.stack, outDir, config });
    printLine({
      stack: values.stack,
      teams: teams ?? null,
      resources: r.plan.resources.length,
      planSeconds: r.planSeconds,
      checkSeconds: r.checkSeconds,
      violations: r.verdict?.mandatoryViolations ?? null,
    });
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  });
}
