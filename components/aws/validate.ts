/**
 * Argument validation shared by the AWS components: collect every problem, then throw one error
 * that names the argument, the value received and the fix.
 */

/** One problem with a component argument. */
export interface ArgProblem {
  /** Argument path, e.g. `zoneCount` or `pools[1].maxSize`. */
  readonly arg: string;
  /** The value received. */
  readonly value: unknown;
  /** What to do instead. */
  readonly fix: string;
}

/** Collects argument problems for one component and throws them together. */
export class ArgChecker {
  private readonly problems: ArgProblem[] = [];

  /** @param component the component type and name, used as the error's heading. */
  constructor(private readonly component: string) {}

  /** Records a problem when `ok` is false. */
  check(ok: boolean, arg: string, value: unknown, fix: string): this {
    if (!ok) this.problems.push({ arg, value, fix });
    return this;
  }

  /** Throws one error listing every recorded problem; does nothing when there is none. */
  throwIfAny(): void {
    if (this.problems.length === 0) return;
    const lines = this.problems.map((p) => `  - ${p.arg}: got ${show(p.value)}; ${p.fix}`);
    throw new Error(`${this.component}: invalid arguments\n${lines.join("\n")}`);
  }
}

function show(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "string") return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** True for a plain (already known) non-empty string. */
export function isNonEmpty(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}

/** True when `value` is a known string that is not a non-empty string (an Output passes). */
export function isEmptyString(value: unknown): boolean {
  return typeof value === "string" && value.length === 0;
}
