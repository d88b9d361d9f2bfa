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

const cache = new Map<string, { plan?: PlanResult; error?: PlannedError }>();

/** Freezes `value` and everything in it: a test that changed a shared plan would change it for every other test. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * The plan of request `name` (planned with the timestamp 2026-01-01T00:00:00.000Z); throws the
 * error of a refused one. Read once per test process and shared, frozen: copy it
 * (`structuredClone`) to change it.
 */
export function planned(name: PlanName): PlanResult {
  let file = cache.get(name);
  if (!file) {
    file = deepFreeze(
      JSON.parse(readFileSync(join(inject("planCacheDir"), planFileName(name)), "utf8")) as { plan?: PlanResult; error?: PlannedError },
    );
    cache.set(name, file);
  }
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
