/**
 * `npm run bench [-- --runs 3 --json]`: how long the offline plan (policies included) takes
 * and how much memory it needs, for the largest shipped stacks and for 1, 10 and 100 teams.
 * Each run is a fresh process (`tsx tools/bench-run.ts`), timed from spawn to exit, so the
 * figures are what a user's `npm run plan` costs. Targets: about 3 s and under 200 MiB for
 * the largest stack on 2 cores, nearly flat as teams are added.
 */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { parseArgs } from "node:util";

interface RunLine {
  stack: string;
  teams: number | null;
  resources: number;
  planSeconds: number;
  checkSeconds: number;
  violations: number | null;
  maxRssMiB: number;
}

const ROOT = resolve(__dirname, "..");
const TSX = resolve(ROOT, "node_modules/.bin/tsx");

function once(stack: string, teams?: number): RunLine & { wallSeconds: number } {
  const args = ["tools/bench-run.ts", "--stack", stack, ...(teams === undefined ? [] : ["--teams", String(teams)])];
  const t0 = performance.now();
  const child = spawnSync(TSX, args, { cwd: ROOT, encoding: "utf8" });
  const wallSeconds = (performance.now() - t0) / 1000;
  if (child.status !== 0) throw new Error(`bench run ${args.join(" ")} failed:\n${child.stderr}`);
  const line = JSON.parse(child.stdout.trim().split("\n").pop() ?? "{}") as RunLine;
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
    { stack: "uae-prod" },
    { stack: "uae-prod-azure" },
    { stack: "uae-prod", teams: 1 },
    { stack: "uae-prod", teams: 10 },
    { stack: "uae-prod", teams: 100 },
  ];
  const rows = scenarios.map((s) => {
    const results = Array.from({ length: runs }, () => once(s.stack, s.teams));
    const first = results[0] as RunLine;
    return {
      scenario: `${s.stack}${s.teams === undefined ? " (shipped)" : ` with ${s.teams} team${s.teams === 1 ? "" : "s"}`}`,
      resources: first.resources,
      wallSeconds: median(results.map((r) => r.wallSeconds)),
      planSeconds: median(results.map((r) => r.planSeconds)),
      checkSeconds: median(results.map((r) => r.checkSeconds)),
      maxRssMiB: Math.max(...results.map((r) => r.maxRssMiB)),
      violations: first.violations,
    };
  });
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ runs, rows }, null, 2)}\n`);
    return;
  }
  process.stdout.write(`Offline plan benchmark (median of ${runs} runs, each a fresh process; policies included)\n\n`);
  process.stdout.write("| scenario | resources | wall s | plan s | policies s | max RSS MiB |\n|---|---:|---:|---:|---:|---:|\n");
  for (const r of rows) {
    process.stdout.write(
      `| ${r.scenario} | ${r.resources} | ${r.wallSeconds.toFixed(2)} | ${r.planSeconds.toFixed(2)} | ${r.checkSeconds.toFixed(2)} | ${r.maxRssMiB.toFixed(0)} |\n`,
    );
  }
}

main();
