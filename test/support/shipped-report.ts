/**
 * The compliance report of a shipped stack (`npm run report`'s content, with the stack's own pack
 * configuration), made once per test process and shared: making one runs every rule over the
 * whole plan, and several test files read the same four.
 */
import { type MadeReport, makeReport } from "../../tools/lib/report";
import { shippedPlan } from "./shipped-plan";

const reports = new Map<string, Promise<MadeReport>>();

/** The report of shipped stack `stack`, made with commit `test`. Do not change it: it is shared. */
export function shippedReport(stack: string): Promise<MadeReport> {
  let made = reports.get(stack);
  if (!made) {
    made = makeReport(shippedPlan(stack).deployment, { stack, commit: "test" });
    reports.set(stack, made);
  }
  return made;
}
