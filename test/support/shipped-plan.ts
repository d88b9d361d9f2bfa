/**
 * The offline plans the tests read, made once per test run by the global setup
 * (test/support/plan-requests.ts lists them).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { inject } from "vitest";
import type { PlanResult } from "../../tools/lib/harness";
import { type PlanName, type PlannedError, planFileName } from "./plan-requests";

/** The error a refused plan stopped with, as the planner recorded it. */
export class RecordedPlanError extends Error {
  readonly registeredTypes: readonly string[] | undefined;
  constructor(recorded: PlannedError) {
    super(recorded.message);
    this.name = recorded.name;
    this.registeredTypes = recorded.registeredTypes;
  }
}

/** The plan of request `name` (planned with the timestamp 2026-01-01T00:00:00.000Z); throws the error of a refused one. */
export function planned(name: PlanName): PlanResult {
  const file = JSON.parse(readFileSync(join(inject("planCacheDir"), planFileName(name)), "utf8")) as {
    plan?: PlanResult;
    error?: PlannedError;
  };
  if (file.error) throw new RecordedPlanError(file.error);
  if (!file.plan) throw new Error(`no plan recorded for "${name}"`);
  return file.plan;
}

/** The error request `name` was refused with (fails when it was planned). */
export function plannedError(name: PlanName): RecordedPlanError {
  try {
    planned(name);
  } catch (err) {
    if (err instanceof RecordedPlanError) return err;
    throw err;
  }
  throw new Error(`"${name}" was planned, but the test expects it to be refused`);
}

/** The plan of a shipped stack, whole. */
export function shippedPlan(stack: "dev" | "uae-prod" | "dev-azure" | "uae-prod-azure" | (string & {})): PlanResult {
  return planned(stack as PlanName);
}
