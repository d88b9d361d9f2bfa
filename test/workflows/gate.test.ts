import { describe, expect, it } from "vitest";
import { type Champion, evaluateGate, formatVerdict, type GateSpec, parseGateSpec } from "../../workflows/steps/lib/gate";

const SPEC: GateSpec = parseGateSpec(
  JSON.stringify({
    metrics: [
      { name: "auc", direction: "max", threshold: 0.8 },
      { name: "rmse", direction: "min", threshold: 2 },
    ],
    primaryMetric: "auc",
  }),
);
const champion = (auc: number, spec: GateSpec | "invalid" | undefined = SPEC): Champion => ({
  version: "3",
  metrics: { auc, rmse: 1 },
  ...(spec ? { spec } : {}),
});

describe("quality gate: verdicts", () => {
  it("passes a candidate above every threshold when there is no champion", () => {
    const v = evaluateGate(SPEC, { auc: 0.85, rmse: 1.5 }, null);
    expect(v.passed).toBe(true);
    expect(formatVerdict(v)).toContain("PASSED");
  });

  it("refuses a model below a max threshold", () => {
    const v = evaluateGate(SPEC, { auc: 0.79, rmse: 1 }, null);
    expect(v.passed).toBe(false);
    expect(v.checks.find((c) => c.check === "threshold:auc")).toMatchObject({
      passed: false,
      detail: expect.stringContaining("0.79, required ≥ 0.8"),
    });
  });

  it("refuses a model above a min threshold (lower is better)", () => {
    expect(evaluateGate(SPEC, { auc: 0.9, rmse: 2.01 }, null).passed).toBe(false);
  });

  it("refuses a model worse than the champion even when above every threshold", () => {
    const v = evaluateGate(SPEC, { auc: 0.85, rmse: 1 }, champion(0.9));
    expect(v.passed).toBe(false);
    expect(formatVerdict(v)).toMatch(/FAIL\] champion:auc: auc = 0.85 vs champion version 3 = 0.9/);
  });

  it("accepts a tie with the champion only when minImprovement is 0, and refuses it otherwise", () => {
    expect(evaluateGate(SPEC, { auc: 0.9, rmse: 1 }, champion(0.9)).passed).toBe(true);
    const strict = { ...SPEC, minImprovement: 0.01 };
    expect(evaluateGate(strict, { auc: 0.9, rmse: 1 }, champion(0.9, strict)).passed).toBe(false);
    expect(evaluateGate(strict, { auc: 0.911, rmse: 1 }, champion(0.9, strict)).passed).toBe(true);
  });

  it("closes on a missing, NaN or infinite metric", () => {
    for (const auc of [undefined, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const metrics: Record<string, number> = { rmse: 1 };
      if (auc !== undefined) metrics.auc = auc;
      expect(evaluateGate(SPEC, metrics, null).passed, `auc=${auc}`).toBe(false);
    }
  });

  it("closes when the champion's metric or recorded gate is missing or unreadable", () => {
    expect(evaluateGate(SPEC, { auc: 0.95, rmse: 1 }, { version: "2", metrics: {}, spec: SPEC }).passed).toBe(false);
    expect(evaluateGate(SPEC, { auc: 0.95, rmse: 1 }, champion(0.9, "invalid")).passed).toBe(false);
    const noSpec = evaluateGate(SPEC, { auc: 0.95, rmse: 1 }, { version: "2", metrics: { auc: 0.9 } });
    expect(noSpec.passed).toBe(false);
    expect(formatVerdict(noSpec)).toContain("no recorded gate");
  });

  it("holds the candidate to the champion's gate: lowering thresholds, flipping direction or switching the primary metric does not help", () => {
    const candidate = { auc: 0.7, rmse: 1, loss: 0.1 };
    const attempts: GateSpec[] = [
      { metrics: [{ name: "auc", direction: "max", threshold: 0 }], primaryMetric: "auc", minImprovement: 0 },
      { metrics: [{ name: "auc", direction: "min", threshold: 1 }], primaryMetric: "auc", minImprovement: 0 },
      { metrics: [{ name: "loss", direction: "min", threshold: 1 }], primaryMetric: "loss", minImprovement: 0 },
      { metrics: [{ name: "rmse", direction: "min", threshold: 100 }], primaryMetric: "rmse", minImprovement: 0 },
    ];
    for (const spec of attempts) {
      const v = evaluateGate(spec, candidate, { version: "3", metrics: { auc: 0.85, rmse: 1, loss: 0.2 }, spec: SPEC });
      expect(v.passed, JSON.stringify(spec)).toBe(false);
    }
  });
});

describe("quality gate: the specification cannot switch it off", () => {
  const base = { metrics: [{ name: "auc", direction: "max", threshold: 0.8 }], primaryMetric: "auc" };
  const refused: [string, unknown, RegExp][] = [
    ["force flag", { ...base, force: true }, /quality-gate\.force is not a gate setting \(value true\).*cannot be switched off/],
    ["skip flag", { ...base, skip: true }, /quality-gate\.skip is not a gate setting/],
    ["forceDeploy", { ...base, forceDeploy: "true" }, /quality-gate\.forceDeploy/],
    ["allowRegression", { ...base, allowRegression: true }, /quality-gate\.allowRegression/],
    ["champion override", { ...base, champion: null }, /quality-gate\.champion/],
    [
      "metric-level override",
      { ...base, metrics: [{ name: "auc", direction: "max", threshold: 0.8, optional: true }] },
      /metrics\[0\]\.optional is not a metric setting/,
    ],
    ["no metrics", { metrics: [], primaryMetric: "auc" }, /quality-gate\.metrics=\[\]: must be a non-empty list/],
    ["missing metrics", { primaryMetric: "auc" }, /quality-gate\.metrics=undefined/],
    ["negative minImprovement", { ...base, minImprovement: -1 }, /minImprovement=-1: must be a finite number ≥ 0/],
    [
      "string threshold",
      { ...base, metrics: [{ name: "auc", direction: "max", threshold: "0" }] },
      /threshold="0": must be a finite number/,
    ],
    ["null threshold", { ...base, metrics: [{ name: "auc", direction: "max", threshold: null }] }, /threshold=null/],
    ["bad direction", { ...base, metrics: [{ name: "auc", direction: "any", threshold: 0.8 }] }, /direction="any"/],
    ["primary not listed", { ...base, primaryMetric: "loss" }, /primaryMetric="loss": must name one of the metrics/],
    ["duplicate metric", { ...base, metrics: [base.metrics[0], base.metrics[0]] }, /listed twice/],
    ["array", [base], /must be a JSON object/],
    ["boolean", true, /must be a JSON object/],
  ];
  for (const [label, value, message] of refused) {
    it(`refuses ${label}`, () => {
      expect(() => parseGateSpec(JSON.stringify(value))).toThrow(message);
    });
  }

  it("refuses text that is not JSON, and huge numbers that JSON turns into Infinity", () => {
    expect(() => parseGateSpec("force")).toThrow(/quality-gate is not valid JSON/);
    expect(() => parseGateSpec("")).toThrow(/quality-gate is not valid JSON/);
    expect(() => parseGateSpec('{"metrics":[{"name":"auc","direction":"max","threshold":-1e999}],"primaryMetric":"auc"}')).toThrow(
      /threshold=null|must be a finite number/,
    );
  });

  it("lists every problem at once", () => {
    try {
      parseGateSpec(JSON.stringify({ metrics: [{ name: "", direction: "up", threshold: "x" }], primaryMetric: 3, force: 1 }));
      expect.unreachable();
    } catch (e) {
      const m = (e as Error).message;
      for (const part of ["quality-gate.force", "metrics[0].name", "metrics[0].direction", "metrics[0].threshold", "primaryMetric"])
        expect(m).toContain(part);
    }
  });
});
