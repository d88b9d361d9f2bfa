/**
 * The Node arguments `npm run plan` starts with (package.json's `plan` script), so that the tests
 * that run the command start it as a user does (tools/lib/plan-node.ts reads them).
 */
export { PLAN_COMMAND } from "../../tools/lib/plan-node";
