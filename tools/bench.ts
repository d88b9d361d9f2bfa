/**
 * `npm run bench [-- --runs 3 --json]`: how long the offline plan (policies included) takes and
 * how much memory it needs, for every shipped stack and for `uae-prod` with 1, 10 and 100 teams.
 * Each run is a fresh process (`node <the plan script's options> tools/bench-run.ts`, started as `npm run plan`
 * starts the plan), timed from spawn to exit, so the figures are what a user's `npm run plan`
 * costs; the median of `--runs` runs is reported, with the largest resident set. It then judges
 * the targets of docs/benchmarks.md and exits 1 when one is missed.
 *
 * It also plans the SDK floor (tools/bench-floor) with 1 and 100 teams: the same per-team
 * resources registered through `@pulumi/pulumi` with nothing else, the least 99 more teams can
 * cost, set beside the 100-team targets (not a target itself).
 *
 * Wall time depends on what else the machine runs: the load average is printed with the figures,
 * and CPU seconds (user + system of the run) are shown beside wall time as the steadier measure.
 */
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { PLAN_NODE_OPTIONS } from "./lib/plan-node";

interface RunLine {
  stack: string;
  teams: number | null;
  resources: number;
  planSeconds: number;
  checkSeconds: number;
  violations: number | null;
  maxRssMiB: number;
}

/** One scenario's figures. */
export interface BenchRow {
  readonly scenario: string;
  readonly stack: string;
  readonly teams: number | undefined;
  readonly resources: number;
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly planSeconds: number;
  readonly checkSeconds: number;
  readonly maxRssMiB: number;
  readonly violations: number | null;
}

/** A target of docs/benchmarks.md and whether the figures meet it. */
export interface TargetVerdict {
  readonly target: string;
  readonly measured: string;
  readonly pass: boolean;
}

/** The targets (docs/benchmarks.md). */
export const TARGETS = {
  /** `uae-prod`, plan plus policy gate, wall seconds. */
  uaeProdWallSeconds: 2.5,
  /** `uae-prod` peak resident set, MiB. */
  uaeProdMaxRssMiB: 150,
  /** Every shipped stack's peak resident set, MiB. */
  stackMaxRssMiB: 200,
  /** A plan with 100 teams, relative to a plan with 1 team (wall). */
  hundredTeamsRatio: 1.5,
  /** A plan with 100 teams, peak resident set, MiB. */
  hundredTeamsMaxRssMiB: 200,
} as const;

/** The `stack` of the SDK floor's rows (tools/bench-floor). */
export const FLOOR_STACK = "sdk-floor";

/** A peak as judged: one decimal, so a run just over a limit never prints as the limit itself. */
function mib(x: number): string {
  return `${x.toFixed(1)} MiB`;
}

/** Judges `rows` against {@link TARGETS}; the SDK floor's rows are not judged. */
export function judge(allRows: readonly BenchRow[]): TargetVerdict[] {
  const out: TargetVerdict[] = [];
  const rows = allRows.filter((r) => r.stack !== FLOOR_STACK);
  const shipped = rows.filter((r) => r.teams === undefined);
  const prod = shipped.find((r) => r.stack === "uae-prod");
  if (prod) {
    out.push({
      target: `uae-prod plan + policy gate ≤ ${TARGETS.uaeProdWallSeconds} s wall`,
      measured: `${prod.wallSeconds.toFixed(2)} s (${prod.cpuSeconds.toFixed(2)} CPU s)`,
      pass: prod.wallSeconds <= TARGETS.uaeProdWallSeconds,
    });
    out.push({
      target: `uae-prod peak ≤ ${TARGETS.uaeProdMaxRssMiB} MiB`,
      measured: mib(prod.maxRssMiB),
      pass: prod.maxRssMiB <= TARGETS.uaeProdMaxRssMiB,
    });
  }
  for (const r of shipped) {
    out.push({
      target: `${r.stack} peak ≤ ${TARGETS.stackMaxRssMiB} MiB`,
      measured: mib(r.maxRssMiB),
      pass: r.maxRssMiB <= TARGETS.stackMaxRssMiB,
    });
  }
  const one = rows.find((r) => r.teams === 1);
  const hundred = rows.find((r) => r.teams === 100);
  if (one && hundred) {
    const ratio = hundred.wallSeconds / one.wallSeconds;
    out.push({
      target: `100 teams ≤ ${TARGETS.hundredTeamsRatio}× the wall time of 1 team`,
      measured: `${ratio.toFixed(2)}× (${hundred.wallSeconds.toFixed(2)} s / ${one.wallSeconds.toFixed(2)} s; CPU ${(hundred.cpuSeconds / one.cpuSeconds).toFixed(2)}×)`,
      pass: ratio <= TARGETS.hundredTeamsRatio,
    });
    out.push({
      target: `100 teams peak ≤ ${TARGETS.hundredTeamsMaxRssMiB} MiB`,
      measured: mib(hundred.maxRssMiB),
      pass: hundred.maxRssMiB <= TARGETS.hundredTeamsMaxRssMiB,
    });
  }
  return out;
}

/** What the SDK floor says about the 100-team targets. */
export interface FloorReference {
  /** Wall seconds the floor's 99 more teams add. */
  readonly addedWallSeconds: number;
  /** Wall seconds the 1.5× target allows a 100-team plan over a 1-team plan, for all its work. */
  readonly budgetSeconds: number;
  /** The floor's peak with 100 teams, MiB. */
  readonly maxRssMiB: number;
  readonly text: string;
}

/** Sets the SDK floor beside the 100-team targets; undefined without the floor's or the 1-team rows. */
export function floorReference(rows: readonly BenchRow[]): FloorReference | undefined {
  const one = rows.find((r) => r.stack === FLOOR_STACK && r.teams === 1);
  const hundred = rows.find((r) => r.stack === FLOOR_STACK && r.teams === 100);
  const plan = rows.find((r) => r.stack !== FLOOR_STACK && r.teams === 1);
  if (!one || !hundred || !plan) return undefined;
  const addedWallSeconds = hundred.wallSeconds - one.wallSeconds;
  const budgetSeconds = (TARGETS.hundredTeamsRatio - 1) * plan.wallSeconds;
  const text =
    `registering 99 more teams' ${hundred.resources - one.resources} resources through @pulumi/pulumi, with nothing else, adds ` +
    `${addedWallSeconds.toFixed(2)} s (${(hundred.cpuSeconds - one.cpuSeconds).toFixed(2)} CPU s) and peaks at ${hundred.maxRssMiB.toFixed(0)} MiB; ` +
    `the ${TARGETS.hundredTeamsRatio}× target leaves ${budgetSeconds.toFixed(2)} s over the 1-team plan for all of a 100-team plan's extra work, ` +
    `and the memory target ${TARGETS.hundredTeamsMaxRssMiB} MiB`;
  return { addedWallSeconds, budgetSeconds, maxRssMiB: hundred.maxRssMiB, text };
}

const ROOT = resolve(__dirname, "..");

/** The arguments of tools/bench-run.ts for one scenario (the SDK floor's rows plan the floor program). */
export function benchRunArgs(stack: string, teams?: number): string[] {
  if (stack === FLOOR_STACK) return ["tools/bench-run.ts", "--floor", String(teams ?? 1)];
  return ["tools/bench-run.ts", "--stack", stack, ...(teams === undefined ? [] : ["--teams", String(teams)])];
}

function once(stack: string, teams?: number): RunLine & { wallSeconds: number; cpuSeconds: number } {
  const args = benchRunArgs(stack, teams);
  const t0 = performance.now();
  const child = spawnSync(process.execPath, [...PLAN_NODE_OPTIONS, ...args], { cwd: ROOT, encoding: "utf8" });
  const wallSeconds = (performance.now() - t0) / 1000;
  if (child.status !== 0) throw new Error(`bench run ${args.join(" ")} failed:\n${child.stderr}`);
  const line = JSON.parse(child.stdout.trim().split("\n").pop() ?? "{}") as RunLine & { cpuSeconds: number };
  return { ...line, wallSeconds };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

function main(): void {
  const { values } = parseArgs({
    options: { runs: { type: "string", default: "3" }, json: { type: "boolean", default: false } },
    strict: true,
  });
  const runs = Math.max(1, Number(values.runs));
  const scenarios: { stack: string; teams?: number }[] = [
    { stack: "dev" },
    { stack: "uae-prod" },
    { stack: "dev-azure" },
    { stack: "uae-prod-azure" },
    { stack: "uae-prod", teams: 1 },
    { stack: "uae-prod", teams: 10 },
    { stack: "uae-prod", teams: 100 },
    { stack: FLOOR_STACK, teams: 1 },
    { stack: FLOOR_STACK, teams: 100 },
  ];
  const loadBefore = loadavg()[0] ?? 0;
  const rows: BenchRow[] = scenarios.map((s) => {
    const results = Array.from({ length: runs }, () => once(s.stack, s.teams));
    const first = results[0] as RunLine;
    return {
      scenario: `${s.stack}${s.teams === undefined ? " (shipped)" : ` with ${s.teams} team${s.teams === 1 ? "" : "s"}`}`,
      stack: s.stack,
      teams: s.teams,
      resources: first.resources,
      wallSeconds: median(results.map((r) => r.wallSeconds)),
      cpuSeconds: median(results.map((r) => r.cpuSeconds)),
      planSeconds: median(results.map((r) => r.planSeconds)),
      checkSeconds: median(results.map((r) => r.checkSeconds)),
      maxRssMiB: Math.max(...results.map((r) => r.maxRssMiB)),
      violations: first.violations,
    };
  });
  const loadAfter = loadavg()[0] ?? 0;
  const verdicts = judge(rows);
  const floor = floorReference(rows);
  const passed = verdicts.every((v) => v.pass);
  if (values.json) {
    process.stdout.write(
      `${JSON.stringify({ node: process.version, runs, load: [loadBefore, loadAfter], rows, verdicts, floor, passed }, null, 2)}\n`,
    );
  } else {
    process.stdout.write(
      // The Node version matters: Node 24 needs about 20 MiB more than Node 20 for the same plan (docs/benchmarks.md).
      `Offline plan benchmark (Node ${process.version}, median of ${runs} runs, each a fresh process; policies included; load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after)\n\n`,
    );
    process.stdout.write(
      "| scenario | resources | wall s | CPU s | plan s | policies s | max RSS MiB |\n|---|---:|---:|---:|---:|---:|---:|\n",
    );
    for (const r of rows) {
      process.stdout.write(
        `| ${r.scenario} | ${r.resources} | ${r.wallSeconds.toFixed(2)} | ${r.cpuSeconds.toFixed(2)} | ${r.planSeconds.toFixed(2)} | ${r.checkSeconds.toFixed(2)} | ${r.maxRssMiB.toFixed(0)} |\n`,
      );
    }
    process.stdout.write("\nTargets (docs/benchmarks.md):\n");
    for (const v of verdicts) process.stdout.write(`  ${v.pass ? "PASS" : "FAIL"}  ${v.target}: ${v.measured}\n`);
    if (floor) process.stdout.write(`\nSDK floor (tools/bench-floor, not a target): ${floor.text}.\n`);
    if (!passed && loadBefore > 2)
      process.stdout.write(
        `\nThe machine was busy (load ${loadBefore.toFixed(1)} on a 2-core reference): wall times are inflated; compare CPU s.\n`,
      );
  }
  process.exitCode = passed ? 0 : 1;
}

if (require.main === module) main();
