/**
 * Command-line plumbing shared by every step: strict flag parsing (an unknown flag is an error,
 * never ignored), the exit codes Argo's retry strategies key on, and step outputs written to
 * files under a writable directory (the root filesystem is read-only).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Exit codes. Templates retry only {@link EXIT.TRANSIENT}; a refusal or bad input is final.
 */
export const EXIT = {
  OK: 0,
  /** The step ran and refused: gate closed, data invalid, residency violated, drift over threshold in strict mode. */
  REFUSED: 1,
  /** Bad invocation or input (sysexits EX_USAGE). Not retried. */
  USAGE: 64,
  /** A dependency was unreachable or answered 5xx/429 (sysexits EX_TEMPFAIL). Retried with backoff. */
  TRANSIENT: 75,
} as const;

/** An error that maps to an exit code. */
export class StepError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = "StepError";
  }
}

/** Bad input: names the argument, the value and the fix. */
export function usageError(message: string): StepError {
  return new StepError(message, EXIT.USAGE);
}

/** Declares the flags a step accepts. */
export interface FlagSpec {
  readonly [flag: string]: { readonly required: boolean; readonly description: string };
}

/**
 * Parses `--name value` / `--name=value` pairs. Every flag must be declared; unknown or repeated
 * flags and missing required ones are refused in one error listing all problems.
 */
export function parseFlags<S extends FlagSpec>(argv: readonly string[], spec: S): { [K in keyof S]: string | undefined } {
  const out: Record<string, string | undefined> = {};
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] ?? "";
    if (!token.startsWith("--")) {
      problems.push(`unexpected argument "${token}": every value must follow a --flag`);
      continue;
    }
    const eq = token.indexOf("=");
    const name = eq >= 0 ? token.slice(2, eq) : token.slice(2);
    if (!Object.hasOwn(spec, name)) {
      problems.push(
        `unknown flag --${name}: accepted flags are ${Object.keys(spec)
          .map((f) => `--${f}`)
          .join(", ")}`,
      );
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) {
      value = token.slice(eq + 1);
    } else {
      value = argv[i + 1];
      if (value === undefined || value.startsWith("--")) {
        problems.push(`--${name} needs a value (use --${name}=<value>)`);
        continue;
      }
      i++;
    }
    if (Object.hasOwn(out, name)) {
      problems.push(`--${name} given more than once`);
      continue;
    }
    out[name] = value;
  }
  for (const [name, def] of Object.entries(spec)) {
    if (def.required && (out[name] === undefined || out[name] === "")) problems.push(`--${name} is required (${def.description})`);
  }
  if (problems.length > 0) throw usageError(`invalid arguments:\n  - ${problems.join("\n  - ")}`);
  return out as { [K in keyof S]: string | undefined };
}

/** Writes a step output (an Argo output parameter or artifact file), creating its directory. */
export function writeOutput(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/** What a step's `main` receives: its arguments, environment and a log sink. Injected so tests can drive it. */
export interface StepContext {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly log: (line: string) => void;
}

/** A step's entry point: resolves to an exit code. */
export type StepMain = (ctx: StepContext) => Promise<number>;

/** Runs a step's `main` with errors mapped to exit codes (unexpected errors count as transient). */
export async function runStep(main: StepMain, ctx: StepContext): Promise<number> {
  try {
    return await main(ctx);
  } catch (err) {
    if (err instanceof StepError) {
      ctx.log(`error: ${err.message}`);
      return err.exitCode;
    }
    ctx.log(`error: unexpected failure: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return EXIT.TRANSIENT;
  }
}

/** The process entry point used by every `dist/<step>.js`. */
export function cli(main: StepMain): void {
  void runStep(main, { argv: process.argv.slice(2), env: process.env, log: (line) => process.stderr.write(`${line}\n`) }).then((code) => {
    process.exitCode = code;
  });
}
