import { describe, expect, it } from "vitest";
import { type BenchRow, judge, TARGETS } from "../../tools/bench";

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
      "208 MiB",
      "208 MiB",
      "307 MiB",
      "3.23× (10.58 s / 3.28 s; CPU 3.23×)",
      "625 MiB",
    ]);
  });
});
