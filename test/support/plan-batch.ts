/**
 * Plans a list of the requests in plan-requests.ts, one after the other in this process, and
 * writes each result (or the error it stopped with) to `<out>/<index>.json`. Started by the test
 * global setup, two at a time.
 *
 *   node <the plan script's Node options> test/support/plan-batch.ts --out <dir> <name>...
 */
import "../../tools/lib/lazy-deps";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { planStack } from "../../tools/lib/harness";
import { PLAN_REQUESTS, type PlanName, type PlannedError, type PlanRequest, planFileName } from "./plan-requests";

const ROOT = resolve(__dirname, "../..");
const PROGRAM_ROOTS = {
  project: ROOT,
  "aws-layer": join(ROOT, "test/stacks/aws-layer-program"),
  "azure-layer": join(ROOT, "test/stacks/azure-layer-program"),
};

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ options: { out: { type: "string" } }, allowPositionals: true, strict: true });
  if (!values.out || positionals.length === 0) throw new Error("usage: plan-batch --out <dir> <name>...");
  for (const name of positionals) {
    const request: PlanRequest | undefined = PLAN_REQUESTS[name as PlanName];
    if (!request) throw new Error(`no plan request "${name}" in test/support/plan-requests.ts`);
    const result = await planStack(request.stack, {
      root: PROGRAM_ROOTS[request.program ?? "project"],
      time: "2026-01-01T00:00:00.000Z",
      ...(request.config ? { config: request.config } : {}),
    }).then(
      (plan) => ({ plan }),
      (err: unknown) => {
        const e = err as Error & { registeredTypes?: string[] };
        const error: PlannedError = {
          name: e?.name ?? "Error",
          message: e?.message ?? String(err),
          ...(e?.registeredTypes ? { registeredTypes: e.registeredTypes } : {}),
        };
        return { error };
      },
    );
    writeFileSync(join(values.out, planFileName(name)), JSON.stringify(result));
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(2);
});
