/**
 * Drift statistics between a reference sample (the training data) and a current sample
 * (recent inference inputs): the Population Stability Index over reference-quantile bins and the
 * two-sample Kolmogorov–Smirnov statistic. Pure functions.
 */

/** Smallest bin share used in PSI so an empty bin does not make the index infinite. */
export const PSI_EPSILON = 1e-4;

function ascending(values: readonly number[]): number[] {
  return values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
}

/** Interior bin edges at the reference quantiles (deduplicated, so ties do not create empty bins). */
export function quantileEdges(reference: readonly number[], bins: number): number[] {
  const sorted = ascending(reference);
  if (sorted.length === 0) return [];
  const edges: number[] = [];
  for (let i = 1; i < bins; i++) {
    const pos = (i / bins) * (sorted.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    const v = (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
    if (edges.length === 0 || v > (edges[edges.length - 1] as number)) edges.push(v);
  }
  return edges;
}

function binShares(values: readonly number[], edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  let n = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    let lo = 0;
    let hi = edges.length;
    // First edge strictly greater than v: bins are (-inf, e0], (e0, e1], …, (e_last, inf).
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (v <= (edges[mid] as number)) hi = mid;
      else lo = mid + 1;
    }
    counts[lo] = (counts[lo] as number) + 1;
    n++;
  }
  return counts.map((c) => (n === 0 ? 0 : c / n));
}

function psiFromShares(expected: readonly number[], actual: readonly number[]): number {
  let psi = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(expected[i] as number, PSI_EPSILON);
    const a = Math.max(actual[i] as number, PSI_EPSILON);
    psi += (a - e) * Math.log(a / e);
  }
  return psi;
}

/** PSI of a numeric feature, with `bins` reference-quantile bins. */
export function psiNumeric(reference: readonly number[], current: readonly number[], bins = 10): number {
  if (!Number.isInteger(bins) || bins < 2) throw new Error(`bins=${bins}: must be an integer ≥ 2`);
  const edges = quantileEdges(reference, bins);
  return psiFromShares(binShares(reference, edges), binShares(current, edges));
}

/** PSI of a categorical feature (one bin per category seen in either sample). */
export function psiCategorical(reference: readonly string[], current: readonly string[]): number {
  const cats = [...new Set([...reference, ...current])].sort();
  const share = (xs: readonly string[]) => cats.map((c) => (xs.length === 0 ? 0 : xs.filter((x) => x === c).length / xs.length));
  return psiFromShares(share(reference), share(current));
}

/** Two-sample Kolmogorov–Smirnov statistic D = sup |F_ref(x) − F_cur(x)|. */
export function ksStatistic(reference: readonly number[], current: readonly number[]): number {
  const a = ascending(reference);
  const b = ascending(current);
  if (a.length === 0 || b.length === 0) return Number.NaN;
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < a.length && j < b.length) {
    const x = Math.min(a[i] as number, b[j] as number);
    while (i < a.length && (a[i] as number) <= x) i++;
    while (j < b.length && (b[j] as number) <= x) j++;
    d = Math.max(d, Math.abs(i / a.length - j / b.length));
  }
  return d;
}

/** Asymptotic p-value of the two-sample KS statistic (Kolmogorov distribution with Stephens' correction). */
export function ksPValue(d: number, n: number, m: number): number {
  if (!Number.isFinite(d) || n === 0 || m === 0) return Number.NaN;
  const en = Math.sqrt((n * m) / (n + m));
  const lambda = (en + 0.12 + 0.11 / en) * d;
  if (lambda < 1e-3) return 1;
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = 2 * (k % 2 === 1 ? 1 : -1) * Math.exp(-2 * k * k * lambda * lambda);
    sum += term;
    if (Math.abs(term) < 1e-12) break;
  }
  return Math.min(1, Math.max(0, sum));
}

/** Drift of one feature. */
export interface FeatureDrift {
  readonly feature: string;
  readonly kind: "numeric" | "categorical";
  readonly psi: number;
  /** KS statistic (numeric features only). */
  readonly ks?: number;
  readonly ksPValue?: number;
  readonly referenceCount: number;
  readonly currentCount: number;
  readonly drifted: boolean;
}

/** The drift report. */
export interface DriftReport {
  readonly threshold: number;
  readonly maxPsi: number;
  readonly drifted: boolean;
  readonly features: readonly FeatureDrift[];
}

function numericColumn(values: readonly unknown[]): number[] | null {
  const out: number[] = [];
  for (const v of values) {
    if (v === null || v === undefined || v === "") continue;
    const n = typeof v === "number" ? v : Number(v);
    if (!Number.isFinite(n)) return null;
    out.push(n);
  }
  return out;
}

/** Computes per-feature drift; a feature drifts when its PSI exceeds `threshold`. */
export function driftReport(
  reference: readonly Record<string, unknown>[],
  current: readonly Record<string, unknown>[],
  features: readonly string[],
  threshold: number,
  bins = 10,
): DriftReport {
  const out: FeatureDrift[] = [];
  for (const f of features) {
    const ref = reference.map((r) => r[f]);
    const cur = current.map((r) => r[f]);
    const refNum = numericColumn(ref);
    const curNum = numericColumn(cur);
    if (refNum && curNum) {
      const psi = psiNumeric(refNum, curNum, bins);
      const ks = ksStatistic(refNum, curNum);
      out.push({
        feature: f,
        kind: "numeric",
        psi,
        ks,
        ksPValue: ksPValue(ks, refNum.length, curNum.length),
        referenceCount: refNum.length,
        currentCount: curNum.length,
        drifted: psi > threshold,
      });
    } else {
      const refCat = ref.filter((v) => v !== null && v !== undefined && v !== "").map(String);
      const curCat = cur.filter((v) => v !== null && v !== undefined && v !== "").map(String);
      const psi = psiCategorical(refCat, curCat);
      out.push({
        feature: f,
        kind: "categorical",
        psi,
        referenceCount: refCat.length,
        currentCount: curCat.length,
        drifted: psi > threshold,
      });
    }
  }
  const maxPsi = out.reduce((m, x) => Math.max(m, x.psi), 0);
  return { threshold, maxPsi, drifted: out.some((x) => x.drifted), features: out };
}
