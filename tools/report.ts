/**
 * `npm run report -- --plan <file> [--stack <name>] [--out <dir>]`
 *
 * Writes the compliance evidence report of a plan (the offline plan's plan.json or a real
 * `pulumi stack export`): `<dir>/report.html` (one self-contained page, no network, prints to
 * PDF) and `<dir>/report.md` (the same content). `--out` defaults to the plan's folder.
 * Exit status: 0 when written (whatever the verdict: the report is the evidence), 2 on bad usage
 * or an unreadable plan.
 */
// First: defers modules the SDK loads eagerly but this tool never uses (see lazy-deps.ts).
import "./lib/lazy-deps";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { readPlanCommand } from "./lib/plan-command";
import { makeReport } from "./lib/report";

const USAGE = "usage: npm run report -- --plan <file> [--stack <name>] [--out <dir>]";

/** Runs the CLI with `argv` (without node and script); returns the exit status. */
export async function main(argv: readonly string[], out: (s: string) => void = (s) => process.stdout.write(s)): Promise<number> {
  const command = readPlanCommand<{ stack?: string; out?: string; commit?: string }>(
    argv,
    USAGE,
    {
      stack: { type: "string" },
      out: { type: "string" },
      // For CI runs on a checkout without history; defaults to `git rev-parse HEAD`.
      commit: { type: "string" },
    },
    out,
  );
  if ("exit" in command) return command.exit;
  const { values, plan } = command;
  try {
    const started = performance.now();
    const made = await makeReport(plan, {
      ...(values.stack ? { stack: values.stack } : {}),
      ...(values.commit ? { commit: values.commit } : {}),
    });
    const dir = values.out ?? dirname(values.plan);
    mkdirSync(dir, { recursive: true });
    const html = join(dir, "report.html");
    const md = join(dir, "report.md");
    writeFileSync(html, made.html);
    writeFileSync(md, made.markdown);
    const s = made.check.summary;
    out(
      `Compliance report for stack ${made.report.facts.stack}: ${s.passed ? "PASSED" : "FAILED"} (${s.mandatory} mandatory, ${s.advisory} advisory violations).\n` +
        `Wrote ${html} and ${md} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
    return 0;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
