/**
 * The plan of a shipped stack, made once per test run by the global setup.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { inject } from "vitest";
import type { PlanResult } from "../../tools/lib/harness";

/** The offline plan of `stack` (planned with the timestamp 2026-01-01T00:00:00.000Z). */
export function shippedPlan(stack: string): PlanResult {
  return JSON.parse(readFileSync(join(inject("planCacheDir"), `${stack}.json`), "utf8")) as PlanResult;
}
