/**
 * Argument validation shared by the Azure components: every component checks its args before it
 * creates anything and throws one error that lists every problem (argument, value, fix).
 */
import { AZURE_UAE_LOCATIONS } from "../../contracts/regions";

/** One invalid argument. */
export interface ArgProblem {
  /** Argument path, e.g. `pools[1].minSize`. */
  readonly arg: string;
  /** The value received. */
  readonly received: unknown;
  /** What is allowed / how to fix it. */
  readonly fix: string;
}

/** Thrown by a component constructor when its args are invalid; lists every problem. */
export class ComponentArgsError extends Error {
  constructor(
    readonly component: string,
    readonly resourceName: string,
    readonly problems: readonly ArgProblem[],
  ) {
    const lines = problems.map((p) => `  - ${p.arg}: ${p.fix} (received: ${show(p.received)})`);
    super(
      `Invalid arguments for ${component} "${resourceName}" (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${lines.join("\n")}`,
    );
    this.name = "ComponentArgsError";
  }
}

function show(value: unknown): string {
  if (value === undefined) return "(missing)";
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text;
}

/** Collects problems, then throws them all at once. */
export class ArgsCheck {
  private readonly problems: ArgProblem[] = [];

  constructor(
    private readonly component: string,
    private readonly resourceName: string,
  ) {}

  /** Records a problem when `bad` is true. */
  require(ok: boolean, arg: string, received: unknown, fix: string): this {
    if (!ok) this.problems.push({ arg, received, fix });
    return this;
  }

  /** `location` must be a UAE Azure location. */
  location(location: unknown, arg = "location"): this {
    return this.require(
      typeof location === "string" && (AZURE_UAE_LOCATIONS as readonly string[]).includes(location),
      arg,
      location,
      `must be a UAE Azure location: one of ${AZURE_UAE_LOCATIONS.join(", ")}`,
    );
  }

  /** A non-empty plain string (names that become part of resource names). */
  nonEmpty(value: unknown, arg: string): this {
    return this.require(typeof value !== "string" || value.length > 0, arg, value, "must not be empty");
  }

  /** Throws a {@link ComponentArgsError} when any problem was recorded. */
  done(): void {
    if (this.problems.length > 0) throw new ComponentArgsError(this.component, this.resourceName, this.problems);
  }
}
