/**
 * Plans one stack and writes the result as JSON (used by the test global setup, one child
 * process per stack, because Pulumi's runtime state is process-global).
 */
import "../../tools/lib/lazy-deps";
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { planStack } from "../../tools/lib/harness";

const { values } = parseArgs({ options: { stack: { type: "string" }, out: { type: "string" } }, strict: true });
if (!values.stack || !values.out) throw new Error("usage: plan-to-file --stack <name> --out <file>");
const out = values.out;
planStack(values.stack, { time: "2026-01-01T00:00:00.000Z" }).then(
  (plan) => writeFileSync(out, JSON.stringify(plan)),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  },
);
