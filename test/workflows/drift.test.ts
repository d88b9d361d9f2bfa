import { describe, expect, it } from "vitest";
import { driftReport, ksPValue, ksStatistic, psiCategorical, psiNumeric, quantileEdges } from "../../workflows/steps/lib/drift";

/** Deterministic standard normal samples (LCG + Box–Muller), so the expected values are stable. */
function normal(n: number, seed: number, mean = 0, sd = 1): number[] {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  const out: number[] = [];
  while (out.length < n) {
    const u = next();
    const v = next();
    out.push(mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
  }
  return out;
}

describe("Kolmogorov–Smirnov statistic", () => {
  it("matches the hand-computed value", () => {
    // ECDFs of {1..5} and {3..7}: the largest gap is 0.4 (e.g. at x=2: 0.4 vs 0).
    expect(ksStatistic([1, 2, 3, 4, 5], [3, 4, 5, 6, 7])).toBeCloseTo(0.4, 12);
    // Interleaved samples: at x=1 the gap is 1/3 - 0 and never larger.
    expect(ksStatistic([1, 3, 5], [2, 4, 6])).toBeCloseTo(1 / 3, 12);
    expect(ksStatistic([1, 2, 3], [4, 5, 6])).toBe(1);
    expect(ksStatistic([1, 2, 2, 3], [1, 2, 2, 3])).toBe(0);
  });

  it("is small for two samples of one distribution and large for a shifted one", () => {
    const ref = normal(5000, 1);
    const same = normal(5000, 2);
    const shifted = normal(5000, 3, 1);
    const dSame = ksStatistic(ref, same);
    const dShift = ksStatistic(ref, shifted);
    expect(dSame).toBeLessThan(0.04);
    // Two unit normals one sd apart: sup |Φ(x) − Φ(x−1)| = 2Φ(0.5) − 1 ≈ 0.383.
    expect(dShift).toBeGreaterThan(0.35);
    expect(dShift).toBeLessThan(0.42);
    expect(ksPValue(dSame, 5000, 5000)).toBeGreaterThan(0.01);
    expect(ksPValue(dShift, 5000, 5000)).toBeLessThan(1e-12);
  });
});

describe("Population Stability Index", () => {
  it("matches the hand-computed value for a categorical feature", () => {
    const ref = [...Array(50).fill("a"), ...Array(50).fill("b")];
    const cur = [...Array(80).fill("a"), ...Array(20).fill("b")];
    // (0.8−0.5)·ln(0.8/0.5) + (0.2−0.5)·ln(0.2/0.5)
    const expected = 0.3 * Math.log(0.8 / 0.5) + -0.3 * Math.log(0.2 / 0.5);
    expect(psiCategorical(ref, cur)).toBeCloseTo(expected, 12);
    expect(expected).toBeCloseTo(0.415888, 5);
    expect(psiCategorical(ref, ref)).toBe(0);
  });

  it("uses reference-quantile bins", () => {
    const ref = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantileEdges(ref, 4)).toEqual([25.75, 50.5, 75.25]);
    expect(quantileEdges([5, 5, 5, 5], 4)).toEqual([5]); // ties collapse instead of making empty bins
  });

  it("is low for the same distribution and high for a shifted one", () => {
    const ref = normal(5000, 11);
    expect(psiNumeric(ref, normal(5000, 12))).toBeLessThan(0.02);
    expect(psiNumeric(ref, normal(5000, 13, 0.25))).toBeGreaterThan(0.04);
    expect(psiNumeric(ref, normal(5000, 14, 1))).toBeGreaterThan(0.5);
    expect(psiNumeric(ref, normal(5000, 15, 0, 2))).toBeGreaterThan(0.25);
  });

  it("refuses fewer than two bins", () => {
    expect(() => psiNumeric([1, 2], [1, 2], 1)).toThrow(/bins=1/);
  });
});

describe("drift report", () => {
  it("flags only the shifted feature and reports the maximum PSI", () => {
    const a = normal(3000, 21);
    const b = normal(3000, 22);
    const c = normal(3000, 23, 1.5);
    const reference = a.map((x, i) => ({ age: x, income: b[i], segment: i % 2 ? "x" : "y" }));
    const current = b.map((x, i) => ({ age: x, income: c[i], segment: i % 2 ? "y" : "x" }));
    const r = driftReport(reference, current, ["age", "income", "segment"], 0.2);
    expect(r.features.map((f) => [f.feature, f.kind, f.drifted])).toEqual([
      ["age", "numeric", false],
      ["income", "numeric", true],
      ["segment", "categorical", false],
    ]);
    expect(r.drifted).toBe(true);
    expect(r.maxPsi).toBe(r.features[1]?.psi);
    expect(r.features[1]?.ks).toBeGreaterThan(0.5);
  });
});
