/**
 * `npm run plan -- --stack <name> [--out <dir>] [--format text|json] [--skip-check]`
 *
 * Runs the real program offline under Pulumi's runtime mocks (no CLI, credentials or network)
 * and writes `<out>/plan.json` (a `pulumi stack export` v3 document) and `<out>/manifests/`.
 * Then runs the policy pack against the plan, as `npm run check` does, and ends with what an
 * operator must still provide before `pulumi up` (or that nothing is missing).
 * Exit status: 0 plan made and no mandatory violation; 1 mandatory violation; 2 the plan failed.
 */
// First: defers modules the SDK loads eagerly but this tool never uses (see lazy-deps.ts).
import "./lib/lazy-deps";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError } from "../stacks/config";
import { PlanError } from "./lib/harness";
import { formatOperatorActions, operatorActionsOf } from "./lib/operator-actions";
import { runPlan } from "./lib/run-plan";
import { formatSummary } from "./lib/summary";

const USAGE = "usage: npm run plan -- --stack <name> [--out <dir>] [--format text|json] [--skip-check]";

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

/** A bad command line: the message ends with the usage. */
export class UsageError extends Error {}

/** The command line of `npm run plan`; throws a {@link UsageError} naming what is wrong. */
export function planArgs(argv: readonly string[]): { stack: string; out?: string; format: "text" | "json"; skipCheck: boolean } {
  let values: { stack?: string; out?: string; format?: string; "skip-check"?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        stack: { type: "string" },
        out: { type: "string" },
        format: { type: "string", default: "text" },
        "skip-check": { type: "boolean", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${USAGE}`);
  }
  const { stack, format } = values;
  if (!stack) throw new UsageError(`--stack is required.\n${USAGE}`);
  if (format !== "text" && format !== "json") throw new UsageError(`--format must be text or json, not "${format}".\n${USAGE}`);
  return { stack, format, skipCheck: values["skip-check"] === true, ...(values.out ? { out: values.out } : {}) };
}

async function main(): Promise<void> {
  let values: ReturnType<typeof planArgs>;
  try {
    values = planArgs(process.argv.slice(2));
  } catch (err) {
    return fail((err as Error).message);
  }
  const { stack, format } = values;
  const outDir = resolve(values.out ?? join(".plan", stack));

  const started = Date.now();
  let lastProgress = started;
  const result = await runPlan({
    stack,
    outDir,
    skipCheck: values.skipCheck,
    onProgress: (n) => {
      const now = Date.now();
      if (now - lastProgress > 1000) {
        process.stderr.write(`… ${n} resources registered (${((now - started) / 1000).toFixed(1)} s)\n`);
        lastProgress = now;
      }
    },
  });
  const { plan, summary, verdict } = result;
  const actions = operatorActionsOf(plan.outputs);
  if (format === "json") {
    const json = {
      stack,
      out: outDir,
      summary,
      manifests: plan.manifests.length,
      outputs: plan.outputs,
      policy: verdict?.json ?? null,
      operatorActions: actions,
    };
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    process.stdout.write(`${formatSummary(stack, summary)}\n\n`);
    process.stdout.write(
      `Wrote ${join(outDir, "plan.json")} and ${plan.manifests.length} manifests in ${join(outDir, "manifests")} (plan ${result.planSeconds.toFixed(1)} s, policies ${result.checkSeconds.toFixed(1)} s)\n`,
    );
    process.stdout.write(verdict ? `\n${verdict.text}\n` : "\nPolicy check skipped (--skip-check).\n");
    process.stdout.write(`\n${formatOperatorActions(stack, actions)}\n`);
  }
  process.exitCode = verdict && verdict.mandatoryViolations > 0 ? 1 : 0;
}

if (require.main === module) {
  main().catch((err: unknown) => {
    if (err instanceof ConfigError || err instanceof PlanError) fail(err.message);
    fail(`plan failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  });
}
