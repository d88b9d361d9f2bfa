/**
 * The Node arguments `npm run plan` starts with (package.json's `plan` script), so that the tests
 * that run the command start it as a user does (today with tools/ts-hook.cjs, not tsx).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

const script =
  (JSON.parse(readFileSync(join(__dirname, "../../package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.plan ?? "";
const [node, ...args] = script.split(/\s+/);
if (node !== "node") throw new Error(`package.json's plan script no longer starts Node directly: "${script}"`);

/** `["--max-semi-space-size=8", "--require", "./tools/ts-hook.cjs", "tools/plan.ts"]` or what the script now says; run with cwd at the project root. */
export const PLAN_COMMAND: readonly string[] = args;
