/**
 * The command line both plan-reading commands share (`npm run check`, `npm run report`): parse
 * the options, answer `--help`, require `--plan` and read the plan file (the offline plan's
 * plan.json or a real `pulumi stack export`). Bad usage and an unreadable plan are exit status 2.
 */
import { readFileSync } from "node:fs";
import { type ParseArgsConfig, parseArgs } from "node:util";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** The parsed options and the plan, or the exit status when the command stops here. */
export type PlanCommand<V> = { readonly values: V & { plan: string }; readonly plan: unknown } | { readonly exit: number };

/** Parses `argv` with `options` (plus `--plan` and `--help`) and reads the plan. */
export function readPlanCommand<V extends Record<string, unknown>>(
  argv: readonly string[],
  usage: string,
  options: Options,
  out: (s: string) => void,
): PlanCommand<V> {
  let values: V & { plan?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { plan: { type: "string" }, ...options, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    }) as unknown as { values: V & { plan?: string; help?: boolean } });
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${usage}\n`);
    return { exit: 2 };
  }
  if (values.help) {
    out(`${usage}\n`);
    return { exit: 0 };
  }
  if (!values.plan) {
    process.stderr.write(
      `--plan is required (received nothing): pass the plan.json written by \`npm run plan\` or a \`pulumi stack export\` file.\n${usage}\n`,
    );
    return { exit: 2 };
  }
  try {
    return { values: values as V & { plan: string }, plan: JSON.parse(readFileSync(values.plan, "utf8")) };
  } catch (e) {
    process.stderr.write(`cannot read --plan ${values.plan}: ${(e as Error).message}\n`);
    return { exit: 2 };
  }
}
