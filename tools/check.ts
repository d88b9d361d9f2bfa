/**
 * `npm run check -- --plan <file> [--stack <name>] [--format text|json|sarif] [--out <file>]`
 *
 * Runs every rule of the policy pack against a plan file (the offline plan's plan.json or a
 * real `pulumi stack export`). Exit status: 0 when no mandatory violation, 1 when any, 2 on
 * bad usage or an unreadable plan.
 *
 * `--emit-policy-config <file>` also writes the stack's pack configuration in the format of
 * `pulumi preview --policy-pack policies --policy-pack-config <file>`.
 */
// First: defers modules the SDK loads eagerly but this tool never uses (see lazy-deps.ts).
import "./lib/lazy-deps";
import { writeFileSync } from "node:fs";
import { loadPackConfig, toPolicyPackConfig } from "../policies/config";
import { allPolicies } from "../policies/rules";
import { checkPlan, formatJson, formatText, resourcesOf, stackOf } from "./lib/check";
import { readPlanCommand } from "./lib/plan-command";
import { toSarif } from "./lib/sarif";

const USAGE =
  "usage: npm run check -- --plan <file> [--stack <name>] [--format text|json|sarif] [--out <file>] [--emit-policy-config <file>]";
const FORMATS = ["text", "json", "sarif"] as const;

/** Runs the CLI with `argv` (without node and script); returns the exit status. */
export async function main(argv: readonly string[], out: (s: string) => void = (s) => process.stdout.write(s)): Promise<number> {
  const command = readPlanCommand<{ stack?: string; format?: string; out?: string; "emit-policy-config"?: string }>(
    argv,
    USAGE,
    {
      stack: { type: "string" },
      format: { type: "string", default: "text" },
      out: { type: "string" },
      "emit-policy-config": { type: "string" },
    },
    out,
  );
  if ("exit" in command) return command.exit;
  const { values, plan } = command;
  const format = values.format as (typeof FORMATS)[number];
  if (!FORMATS.includes(format)) {
    process.stderr.write(`--format must be one of ${FORMATS.join(", ")} (received "${values.format}").\n${USAGE}\n`);
    return 2;
  }
  try {
    const stack = values.stack ?? stackOf(resourcesOf(plan));
    const packConfig = loadPackConfig(
      stack,
      allPolicies.map((p) => p.name),
    );
    if (values["emit-policy-config"]) {
      writeFileSync(values["emit-policy-config"], `${JSON.stringify(toPolicyPackConfig(packConfig, allPolicies), null, 2)}\n`);
    }
    const result = await checkPlan(plan, { stack, packConfig });
    const text =
      format === "json"
        ? formatJson(result)
        : format === "sarif"
          ? `${JSON.stringify(toSarif(result), null, 2)}\n`
          : `${formatText(result)}\n`;
    if (values.out) {
      writeFileSync(values.out, text);
      out(`${formatText(result).split("\n")[0]}\nWrote ${values.out}\n`);
    } else out(text);
    return result.summary.passed ? 0 : 1;
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
