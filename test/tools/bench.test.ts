import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { type BenchRow, benchRunArgs, FLOOR_STACK, floorReference, judge, TARGETS } from "../../tools/bench";
import { PLAN_NODE_OPTIONS } from "../../tools/lib/plan-node";

const row = (stack: string, teams: number | undefined, wallSeconds: number, maxRssMiB: number): BenchRow => ({
  scenario: stack,
  stack,
  teams,
  resources: 1,
  wallSeconds,
  cpuSeconds: wallSeconds,
  planSeconds: 0,
  checkSeconds: 0,
  maxRssMiB,
  violations: 0,
});

describe("npm run bench targets", () => {
  it("passes figures within every target and names each target", () => {
    const verdicts = judge([
      row("uae-prod", undefined, TARGETS.uaeProdWallSeconds, TARGETS.uaeProdMaxRssMiB),
      row("uae-prod-azure", undefined, 3, TARGETS.stackMaxRssMiB),
      row("uae-prod", 1, 2, 120),
      row("uae-prod", 100, 2 * TARGETS.hundredTeamsRatio, TARGETS.hundredTeamsMaxRssMiB),
    ]);
    expect(verdicts.map((v) => v.pass)).toEqual(verdicts.map(() => true));
    expect(verdicts.map((v) => v.target)).toEqual([
      "uae-prod plan + policy gate ≤ 2.5 s wall",
      "uae-prod peak ≤ 150 MiB",
      "uae-prod peak ≤ 200 MiB",
      "uae-prod-azure peak ≤ 200 MiB",
      "100 teams ≤ 1.5× the wall time of 1 team",
      "100 teams peak ≤ 200 MiB",
    ]);
  });

  it("fails each target missed, with the measured figure", () => {
    const verdicts = judge([
      row("uae-prod", undefined, 3.2, 208),
      row("uae-prod-azure", undefined, 4.6, 307),
      row("uae-prod", 1, 3.28, 199),
      row("uae-prod", 100, 10.58, 625),
    ]);
    expect(verdicts.filter((v) => !v.pass).map((v) => v.measured)).toEqual([
      "3.20 s (3.20 CPU s)",
      "208.0 MiB",
      "208.0 MiB",
      "307.0 MiB",
      "3.23× (10.58 s / 3.28 s; CPU 3.23×)",
      "625.0 MiB",
    ]);
  });

  it("fails a peak a hair over its limit, and says so in the figure", () => {
    const [, memory] = judge([row("uae-prod", undefined, 2, TARGETS.uaeProdMaxRssMiB + 0.008)]);
    expect(memory).toMatchObject({ pass: false, measured: "150.0 MiB" });
    const [, within] = judge([row("uae-prod", undefined, 2, TARGETS.uaeProdMaxRssMiB - 0.04)]);
    expect(within).toMatchObject({ pass: true, measured: "150.0 MiB" });
  });
});

describe("npm run bench SDK floor", () => {
  const rows = [
    row("uae-prod", 1, 2.4, 150),
    row("uae-prod", 100, 6.8, 340),
    { ...row(FLOOR_STACK, 1, 0.8, 90), resources: 31, cpuSeconds: 1 },
    { ...row(FLOOR_STACK, 100, 3.1, 297), resources: 2803, cpuSeconds: 4.5 },
  ];

  it("is not judged: its rows add no verdict and do not stand in for the plan's team rows", () => {
    expect(judge(rows)).toEqual(judge(rows.filter((r) => r.stack !== FLOOR_STACK)));
    expect(judge(rows.filter((r) => r.stack === FLOOR_STACK))).toEqual([]);
  });

  it("sets what 99 more teams cost the SDK alone beside what the ratio target leaves", () => {
    const f = floorReference(rows);
    expect(f?.addedWallSeconds).toBeCloseTo(2.3, 6);
    expect(f?.budgetSeconds).toBeCloseTo(1.2, 6);
    expect(f?.maxRssMiB).toBe(297);
    expect(f?.text).toBe(
      "registering 99 more teams' 2772 resources through @pulumi/pulumi, with nothing else, adds 2.30 s (3.50 CPU s) and peaks at 297 MiB; " +
        "the 1.5× target leaves 1.20 s over the 1-team plan for all of a 100-team plan's extra work, and the memory target 200 MiB",
    );
  });

  it("runs the floor program for the floor's rows and the stack for the others", () => {
    expect(benchRunArgs(FLOOR_STACK, 100)).toEqual(["tools/bench-run.ts", "--floor", "100"]);
    expect(benchRunArgs("uae-prod", 100)).toEqual(["tools/bench-run.ts", "--stack", "uae-prod", "--teams", "100"]);
    expect(benchRunArgs("dev")).toEqual(["tools/bench-run.ts", "--stack", "dev"]);
  });

  it("refuses a floor that is not a whole number of teams, naming the value", () => {
    const run = spawnSync(process.execPath, [...PLAN_NODE_OPTIONS, "tools/bench-run.ts", "--floor", "1.5"], {
      cwd: resolve(__dirname, "../.."),
      encoding: "utf8",
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--floor: "1.5" must be a whole number of teams, 1 or more');
  });

  it("says nothing without both floor rows and the 1-team plan", () => {
    expect(floorReference(rows.slice(0, 3))).toBeUndefined();
    expect(floorReference(rows.slice(1))).toBeUndefined();
  });

  it("plans the floor program: 28 resources per team (27 custom, under one component) beside its two providers and the stack", () => {
    const run = spawnSync(process.execPath, [...PLAN_NODE_OPTIONS, ...benchRunArgs(FLOOR_STACK, 2)], {
      cwd: resolve(__dirname, "../.."),
      encoding: "utf8",
    });
    expect(run.status, run.stderr).toBe(0);
    const line = JSON.parse(run.stdout.trim()) as { stack: string; teams: number; resources: number };
    expect(line).toMatchObject({ stack: FLOOR_STACK, teams: 2, resources: 3 + 2 * 28 });
  });
});
