/**
 * Argo Rollouts' judgement of an analysis metric, to test the platform's AnalysisTemplates on the
 * exact condition strings they ship.
 *
 * Argo Rollouts evaluates `successCondition` / `failureCondition` with expr-lang (Go), and no
 * JavaScript port of expr-lang exists on npm, so this module evaluates the subset of the language
 * the conditions may use, with expr-lang's semantics where they matter:
 * - `&&` / `and`, `||` / `or` short-circuit (so `len(result) > 0 && result[0] …` never indexes an
 *   empty result);
 * - indexing past the end of `result` is a run-time error, which Argo Rollouts turns into an
 *   Error measurement (not a failure);
 * - comparisons with NaN are false (Go's float semantics, JavaScript's too);
 * - the functions Argo Rollouts adds to the environment that the conditions use: `len`, `isNaN`,
 *   `isInf`; any other identifier is a compile error, as in expr-lang with a typed environment.
 * Anything outside the subset throws, so a condition written beyond it fails its test rather than
 * being judged by guesswork.
 *
 * The phase logic (`EvaluateResult` in utils/evaluate/evaluate.go) and the metric's verdict from
 * its measurements (`assessMetricStatus` in analysis/analysis.go) follow argo-rollouts v1.9.
 */

type Value = number | boolean | number[];
type Token = { kind: "num"; value: number } | { kind: "id"; value: string } | { kind: "op"; value: string };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?/.exec(src.slice(i));
    if (num) {
      out.push({ kind: "num", value: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (id) {
      const w = id[0];
      if (w === "and" || w === "or" || w === "not") out.push({ kind: "op", value: w === "and" ? "&&" : w === "or" ? "||" : "!" });
      else out.push({ kind: "id", value: w });
      i += w.length;
      continue;
    }
    const op = /^(\|\||&&|==|!=|<=|>=|[<>!+\-*/()[\],])/.exec(src.slice(i));
    if (!op) throw new Error(`expr: unexpected character ${JSON.stringify(c)} at ${i} in ${src}`);
    out.push({ kind: "op", value: op[0] });
    i += op[0].length;
  }
  return out;
}

/** A parsed expression: a function of the environment. */
type Node = (env: { result: unknown }) => Value;

const FUNCTIONS: Record<string, (args: Value[]) => Value> = {
  len: ([a]) => {
    if (!Array.isArray(a)) throw new Error("expr: len() of a non-array");
    return a.length;
  },
  isNaN: ([a]) => {
    if (typeof a !== "number") throw new Error("expr: isNaN() of a non-number");
    return Number.isNaN(a);
  },
  isInf: ([a]) => {
    if (typeof a !== "number") throw new Error("expr: isInf() of a non-number");
    return a === Number.POSITIVE_INFINITY || a === Number.NEGATIVE_INFINITY;
  },
};

function parse(src: string): Node {
  const t = tokenize(src);
  let p = 0;
  const peek = (v: string) => t[p]?.kind === "op" && t[p]?.value === v;
  const expect = (v: string) => {
    if (!peek(v)) throw new Error(`expr: expected ${v} at token ${p} in ${src}`);
    p++;
  };
  const num = (v: Value): number => {
    if (typeof v !== "number") throw new Error(`expr: ${JSON.stringify(v)} is not a number`);
    return v;
  };
  const bool = (v: Value): boolean => {
    if (typeof v !== "boolean") throw new Error(`expr: ${JSON.stringify(v)} is not a boolean`);
    return v;
  };
  const binary =
    (next: () => Node, ops: Record<string, (a: Node, b: Node) => Node>): (() => Node) =>
    () => {
      let left = next();
      for (;;) {
        const op = Object.keys(ops).find(peek);
        if (!op) return left;
        p++;
        left = (ops[op] as (a: Node, b: Node) => Node)(left, next());
      }
    };
  const primary = (): Node => {
    const tok = t[p++];
    if (!tok) throw new Error(`expr: unexpected end of ${src}`);
    let node: Node;
    if (tok.kind === "num") {
      const v = tok.value;
      node = () => v;
    } else if (tok.kind === "id" && tok.value === "result") {
      node = (env) => env.result as Value;
    } else if (tok.kind === "id" && tok.value in FUNCTIONS && peek("(")) {
      p++;
      const args: Node[] = [];
      if (!peek(")")) {
        args.push(or());
        while (peek(",")) {
          p++;
          args.push(or());
        }
      }
      expect(")");
      const fn = FUNCTIONS[tok.value] as (a: Value[]) => Value;
      node = (env) => fn(args.map((a) => a(env)));
    } else if (tok.kind === "op" && tok.value === "(") {
      node = or();
      expect(")");
    } else throw new Error(`expr: unknown name or token ${JSON.stringify(tok.value)} in ${src}`);
    while (peek("[")) {
      p++;
      const index = or();
      expect("]");
      const base = node;
      node = (env) => {
        const arr = base(env);
        const i = num(index(env));
        if (!Array.isArray(arr)) throw new Error("expr: indexing a non-array");
        if (i < 0 || i >= arr.length) throw new Error(`runtime error: index out of range [${i}] with length ${arr.length}`);
        return arr[i] as number;
      };
    }
    return node;
  };
  const unary = (): Node => {
    if (peek("!")) {
      p++;
      const x = unary();
      return (env) => !bool(x(env));
    }
    if (peek("-")) {
      p++;
      const x = unary();
      return (env) => -num(x(env));
    }
    return primary();
  };
  const mul = binary(unary, {
    "*": (a, b) => (env) => num(a(env)) * num(b(env)),
    "/": (a, b) => (env) => num(a(env)) / num(b(env)),
  });
  const add = binary(mul, {
    "+": (a, b) => (env) => num(a(env)) + num(b(env)),
    "-": (a, b) => (env) => num(a(env)) - num(b(env)),
  });
  const cmp = binary(add, {
    "==": (a, b) => (env) => a(env) === b(env),
    "!=": (a, b) => (env) => a(env) !== b(env),
    "<=": (a, b) => (env) => num(a(env)) <= num(b(env)),
    ">=": (a, b) => (env) => num(a(env)) >= num(b(env)),
    "<": (a, b) => (env) => num(a(env)) < num(b(env)),
    ">": (a, b) => (env) => num(a(env)) > num(b(env)),
  });
  const and = binary(cmp, { "&&": (a, b) => (env) => bool(a(env)) && bool(b(env)) });
  const or = binary(and, { "||": (a, b) => (env) => bool(a(env)) || bool(b(env)) });
  const root = or();
  if (p !== t.length) throw new Error(`expr: unexpected ${JSON.stringify(t[p]?.value)} in ${src}`);
  return root;
}

/** Evaluates one condition on a result; throws on a compile or run-time error (Argo: an Error measurement). */
export function evalCondition(condition: string, result: number[] | number): boolean {
  const v = parse(condition)({ result });
  if (typeof v !== "boolean") throw new Error(`expr: ${condition} is not a boolean expression`);
  return v;
}

/** The phase of one measurement. */
export type MeasurementPhase = "Successful" | "Failed" | "Inconclusive" | "Error";

/** Argo Rollouts' `EvaluateResult`: the phase of one measurement from a metric's two conditions. */
export function measurementPhase(
  metric: { successCondition?: string; failureCondition?: string },
  result: number[] | number,
): MeasurementPhase {
  let success = false;
  let failure = false;
  try {
    if (metric.successCondition) success = evalCondition(metric.successCondition, result);
    if (metric.failureCondition) failure = evalCondition(metric.failureCondition, result);
  } catch {
    return "Error";
  }
  if (!metric.successCondition && !metric.failureCondition) return "Successful";
  if (metric.successCondition && !metric.failureCondition) failure = !success;
  if (!metric.successCondition && metric.failureCondition) success = !failure;
  if (failure) return "Failed";
  if (!success) return "Inconclusive";
  return "Successful";
}

/** Argo Rollouts' `assessMetricStatus` over a whole run: the metric's verdict from its results in order. */
export function metricVerdict(
  metric: {
    successCondition?: string;
    failureCondition?: string;
    count?: number;
    failureLimit?: number;
    inconclusiveLimit?: number;
    consecutiveErrorLimit?: number;
  },
  results: readonly (number[] | number)[],
): "Successful" | "Failed" | "Inconclusive" | "Error" | "Running" {
  const c = { failed: 0, inconclusive: 0, consecutiveError: 0, count: 0 };
  for (const r of results) {
    const phase = measurementPhase(metric, r);
    if (phase === "Error") c.consecutiveError++;
    else {
      c.consecutiveError = 0;
      c.count++;
      if (phase === "Failed") c.failed++;
      if (phase === "Inconclusive") c.inconclusive++;
    }
    if (c.failed > (metric.failureLimit ?? 0)) return "Failed";
    if (c.inconclusive > (metric.inconclusiveLimit ?? 0)) return "Inconclusive";
    if (c.consecutiveError > (metric.consecutiveErrorLimit ?? 4)) return "Error";
    if (metric.count !== undefined && c.count >= metric.count) return "Successful";
  }
  return "Running";
}
