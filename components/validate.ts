/**
 * Component argument validation, one idiom for every component on both clouds and in the
 * cluster: a component checks its args before it registers anything, collects every problem, and
 * throws one {@link ComponentArgsError} that names each argument, the value received and the fix.
 *
 *     new ArgsCheck("mlops-platform:aws:Network", name)
 *       .require(zones >= 2, "zoneCount", zones, "use two or three zones")
 *       .problems(sharedRules(args)) // rules kept as pure functions, also used by the stack's config checks
 *       .done();
 */

/** One invalid argument. */
export interface ArgProblem {
  /** Argument path, e.g. `pools[1].minSize`. */
  readonly arg: string;
  /** The value received. */
  readonly received: unknown;
  /** What is allowed, or how to fix it. */
  readonly fix: string;
}

/**
 * A problem found by a rule function (`xxxProblems(args): string[]`), already worded as
 * "<arg>: <what is wrong and the fix>".
 */
export type DescribedProblem = string;

/** Thrown by a component constructor when its args are invalid; lists every problem. */
export class ComponentArgsError extends Error {
  constructor(
    readonly component: string,
    readonly resourceName: string,
    readonly problems: readonly ArgProblem[],
    /** What rule functions found, already worded. */
    readonly described: readonly DescribedProblem[] = [],
  ) {
    const lines = [...problems.map((p) => `  - ${p.arg}: ${p.fix} (received: ${show(p.received)})`), ...described.map((d) => `  - ${d}`)];
    super(
      `Invalid arguments for ${component} "${resourceName}" (${lines.length} problem${lines.length === 1 ? "" : "s"}):\n${lines.join("\n")}`,
    );
    this.name = "ComponentArgsError";
  }
}

function show(value: unknown): string {
  if (value === undefined) return "(missing)";
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text;
  } catch {
    return String(value);
  }
}

/** Collects problems, then throws them all at once. */
export class ArgsCheck {
  private readonly found: ArgProblem[] = [];
  private readonly described: DescribedProblem[] = [];

  /**
   * @param component the component's type token, e.g. `mlops-platform:aws:Network`.
   * @param resourceName the component's name.
   */
  constructor(
    private readonly component: string,
    private readonly resourceName: string,
  ) {}

  /** Records a problem when `ok` is false. */
  require(ok: boolean, arg: string, received: unknown, fix: string): this {
    if (!ok) this.found.push({ arg, received, fix });
    return this;
  }

  /** A non-empty plain string (names that become part of resource names); an Output passes. */
  nonEmpty(value: unknown, arg: string): this {
    return this.require(typeof value !== "string" || value.length > 0, arg, value, "must not be empty");
  }

  /** `value` must be one of `allowed`. */
  oneOf(value: unknown, allowed: readonly string[], arg: string): this {
    return this.require(typeof value === "string" && allowed.includes(value), arg, value, `must be one of ${allowed.join(", ")}`);
  }

  /** Records what a rule function found. */
  problems(found: readonly DescribedProblem[]): this {
    this.described.push(...found);
    return this;
  }

  /** Throws a {@link ComponentArgsError} when any problem was recorded. */
  done(): void {
    if (this.found.length + this.described.length > 0)
      throw new ComponentArgsError(this.component, this.resourceName, this.found, this.described);
  }
}

/** True for a plain (already known) non-empty string. */
export function isNonEmpty(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}

/** True when `value` is a known string that is empty (an Output passes). */
export function isEmptyString(value: unknown): boolean {
  return typeof value === "string" && value.length === 0;
}
