/**
 * The quality gate. Pure: the verdict depends only on the gate specification (thresholds), the
 * candidate's metrics and the champion's metrics, all read by the caller from MLflow itself.
 *
 * There is deliberately no way to open it by configuration: the specification has no "force",
 * "skip" or "allow regression" field (unknown fields are refused, not ignored), the comparison
 * with the champion is always made, a missing or non-finite metric closes the gate, and the
 * champion tolerance can only make the gate stricter. Once a champion exists, the gate it passed
 * applies as well, so the bar a run sets for itself can only add to production's.
 */
import { usageError } from "./cli";

/** One metric threshold. */
export interface MetricThreshold {
  readonly name: string;
  /** `max`: higher is better (value ≥ threshold). `min`: lower is better (value ≤ threshold). */
  readonly direction: "max" | "min";
  readonly threshold: number;
}

/** The gate specification (the `quality-gate` workflow parameter, JSON). */
export interface GateSpec {
  readonly metrics: readonly MetricThreshold[];
  /** The metric compared with the champion; one of `metrics`. */
  readonly primaryMetric: string;
  /** How much better than the champion the candidate must be on the primary metric (≥ 0). @default 0 */
  readonly minImprovement: number;
}

/** The champion (the version behind the `champion` alias), its metrics and the gate it passed. */
export interface Champion {
  readonly version: string;
  readonly metrics: Readonly<Record<string, number>>;
  /**
   * The gate the champion itself passed (recorded on its run), or `"invalid"` when the record
   * cannot be parsed. Missing or invalid closes the gate. A candidate must pass it too, so a run cannot loosen production's bar by
   * lowering thresholds, flipping a metric's direction or switching the primary metric.
   */
  readonly spec?: GateSpec | "invalid";
}

/** One check the gate made. */
export interface GateCheck {
  readonly check: string;
  readonly passed: boolean;
  readonly detail: string;
}

/** The verdict: `passed` only when every check passed and there was at least one. */
export interface GateVerdict {
  readonly passed: boolean;
  readonly checks: readonly GateCheck[];
  readonly champion: string | null;
}

const METRIC_NAME = /^[A-Za-z0-9_.\-/ ]{1,250}$/;
const SPEC_KEYS = ["metrics", "primaryMetric", "minImprovement"];
const METRIC_KEYS = ["name", "direction", "threshold"];

/**
 * Parses and validates the gate specification. Every problem is reported at once, naming the
 * key, the value and the fix. Unknown keys are refused, so a `"force": true` cannot be smuggled in.
 */
export function parseGateSpec(text: string): GateSpec {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw usageError(
      `quality-gate is not valid JSON (${(e as Error).message}): pass e.g. {"metrics":[{"name":"auc","direction":"max","threshold":0.8}],"primaryMetric":"auc"}`,
    );
  }
  const problems: string[] = [];
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw usageError(`quality-gate must be a JSON object, got ${JSON.stringify(raw)}`);
  const obj = raw as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!SPEC_KEYS.includes(key)) {
      problems.push(
        `quality-gate.${key} is not a gate setting (value ${JSON.stringify(obj[key])}): allowed keys are ${SPEC_KEYS.join(", ")}; the gate cannot be switched off`,
      );
    }
  }
  const metrics: MetricThreshold[] = [];
  if (!Array.isArray(obj.metrics) || obj.metrics.length === 0) {
    problems.push(`quality-gate.metrics=${JSON.stringify(obj.metrics)}: must be a non-empty list of {name, direction, threshold}`);
  } else {
    obj.metrics.forEach((m: unknown, i: number) => {
      const at = `quality-gate.metrics[${i}]`;
      if (typeof m !== "object" || m === null || Array.isArray(m)) {
        problems.push(`${at}=${JSON.stringify(m)}: must be an object {name, direction, threshold}`);
        return;
      }
      const r = m as Record<string, unknown>;
      for (const key of Object.keys(r)) {
        if (!METRIC_KEYS.includes(key))
          problems.push(
            `${at}.${key} is not a metric setting (value ${JSON.stringify(r[key])}): allowed keys are ${METRIC_KEYS.join(", ")}`,
          );
      }
      const ok = { name: true, direction: true, threshold: true };
      if (typeof r.name !== "string" || !METRIC_NAME.test(r.name)) {
        problems.push(`${at}.name=${JSON.stringify(r.name)}: must be the MLflow metric key logged by training`);
        ok.name = false;
      }
      if (r.direction !== "max" && r.direction !== "min") {
        problems.push(`${at}.direction=${JSON.stringify(r.direction)}: must be "max" (higher is better) or "min" (lower is better)`);
        ok.direction = false;
      }
      if (typeof r.threshold !== "number" || !Number.isFinite(r.threshold)) {
        problems.push(`${at}.threshold=${JSON.stringify(r.threshold)}: must be a finite number`);
        ok.threshold = false;
      }
      if (ok.name && metrics.some((x) => x.name === r.name))
        problems.push(`${at}.name="${String(r.name)}" is listed twice: give each metric once`);
      if (ok.name && ok.direction && ok.threshold) {
        metrics.push({ name: r.name as string, direction: r.direction as "max" | "min", threshold: r.threshold as number });
      }
    });
  }
  const primary = obj.primaryMetric;
  if (
    typeof primary !== "string" ||
    !Array.isArray(obj.metrics) ||
    !obj.metrics.some((m) => (m as { name?: unknown } | null)?.name === primary)
  ) {
    problems.push(
      `quality-gate.primaryMetric=${JSON.stringify(primary)}: must name one of the metrics, the one compared with the champion`,
    );
  }
  const minImprovement = obj.minImprovement ?? 0;
  if (typeof minImprovement !== "number" || !Number.isFinite(minImprovement) || minImprovement < 0) {
    problems.push(
      `quality-gate.minImprovement=${JSON.stringify(obj.minImprovement)}: must be a finite number ≥ 0 (a candidate may never be worse than the champion)`,
    );
  }
  if (problems.length > 0) throw usageError(`invalid quality-gate:\n  - ${problems.join("\n  - ")}`);
  return { metrics, primaryMetric: primary as string, minImprovement: minImprovement as number };
}

function fmt(n: number | undefined): string {
  return n === undefined ? "missing" : String(n);
}

function value(metrics: Readonly<Record<string, number>>, name: string): number | undefined {
  const v = Object.hasOwn(metrics, name) ? metrics[name] : undefined;
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

function thresholdCheck(m: MetricThreshold, candidate: Readonly<Record<string, number>>, kind: string): GateCheck {
  const v = value(candidate, m.name);
  const ok = v !== undefined && (m.direction === "max" ? v >= m.threshold : v <= m.threshold);
  return {
    check: `${kind}:${m.name}`,
    passed: ok,
    detail: `${m.name} = ${fmt(v)}, required ${m.direction === "max" ? "≥" : "≤"} ${m.threshold}${v === undefined ? " (metric missing or not a finite number)" : ""}`,
  };
}

function championCheck(
  s: GateSpec,
  label: string,
  candidate: Readonly<Record<string, number>>,
  champion: Champion,
  minImprovement: number,
): GateCheck {
  const m = s.metrics.find((x) => x.name === s.primaryMetric);
  const c = value(champion.metrics, s.primaryMetric);
  const v = value(candidate, s.primaryMetric);
  const check = `champion:${s.primaryMetric}`;
  if (!m || c === undefined) {
    return {
      check,
      passed: false,
      detail: `champion version ${champion.version} has no finite ${s.primaryMetric} (${label}): cannot show the candidate is not worse; the gate stays closed`,
    };
  }
  if (v === undefined) return { check, passed: false, detail: `candidate ${s.primaryMetric} is missing or not a finite number (${label})` };
  const ok = m.direction === "max" ? v >= c + minImprovement : v <= c - minImprovement;
  const need = m.direction === "max" ? `≥ ${c} + ${minImprovement}` : `≤ ${c} - ${minImprovement}`;
  return {
    check,
    passed: ok,
    detail: `${s.primaryMetric} = ${v} vs champion version ${champion.version} = ${c}, required ${need} (${label})`,
  };
}

/** Evaluates the gate. Closed unless every threshold holds and the candidate is at least as good as the champion. */
export function evaluateGate(spec: GateSpec, candidate: Readonly<Record<string, number>>, champion: Champion | null): GateVerdict {
  const checks: GateCheck[] = spec.metrics.map((m) => thresholdCheck(m, candidate, "threshold"));
  if (champion) {
    const specs: [string, GateSpec][] = [["this run's gate", spec]];
    if (champion.spec === "invalid" || champion.spec === undefined) {
      checks.push({
        check: "champion-gate",
        passed: false,
        detail: `champion version ${champion.version} has ${champion.spec === "invalid" ? "an unreadable" : "no"} recorded gate (run tag mlops.platform/quality-gate), so the metric direction production was held to is unknown: the gate stays closed (a platform admin tags the champion's run with its gate JSON, or removes the alias)`,
      });
    } else {
      specs.push(["the champion's gate", champion.spec]);
      for (const m of champion.spec.metrics) checks.push(thresholdCheck(m, candidate, "champion-threshold"));
    }
    for (const [label, s] of specs) checks.push(championCheck(s, label, candidate, champion, spec.minImprovement));
  } else {
    checks.push({ check: "champion", passed: true, detail: "no champion yet: thresholds only" });
  }
  const thresholdChecks = checks.filter((c) => c.check.startsWith("threshold:"));
  return { passed: thresholdChecks.length > 0 && checks.every((c) => c.passed), checks, champion: champion?.version ?? null };
}

/** A readable report of a verdict. */
export function formatVerdict(verdict: GateVerdict): string {
  const lines = [`quality gate ${verdict.passed ? "PASSED" : "REFUSED"} (champion: ${verdict.champion ?? "none"})`];
  for (const c of verdict.checks) lines.push(`  [${c.passed ? "ok" : "FAIL"}] ${c.check}: ${c.detail}`);
  return lines.join("\n");
}
