/**
 * How `npm run plan` starts Node, read from package.json's `plan` script, so that the benchmark
 * and the tests that run the command start it as a user does:
 *
 * - `--require ./tools/tiering.cjs`: V8 optimises later (it says why and by how much);
 * - `--require ./tools/ts-hook.cjs`: the TypeScript hook (it says why not tsx);
 * - `--max-semi-space-size=8`: a young generation of 8 MiB semi-spaces instead of V8's 16: a
 *   plan's peak is about 15 MiB lower (40 at 100 teams) for the same CPU time;
 * - `--expose-gc`: the plan collects the program's garbage before the policy gate
 *   (tools/lib/run-plan.ts says why).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

const script =
  (JSON.parse(readFileSync(join(__dirname, "../../package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.plan ?? "";
const [node, ...args] = script.split(/\s+/);
if (node !== "node" || args.at(-1) !== "tools/plan.ts")
  throw new Error(`package.json's plan script no longer starts Node directly on tools/plan.ts: "${script}"`);

/** The plan script's arguments, `tools/plan.ts` included (run with cwd at the project root). */
export const PLAN_COMMAND: readonly string[] = args;
/** The plan script's Node options alone, to start another tool the same way. */
export const PLAN_NODE_OPTIONS: readonly string[] = args.slice(0, -1);
