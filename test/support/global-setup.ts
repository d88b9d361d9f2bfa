/**
 * Plans every request in plan-requests.ts once, before the tests, in two child processes (the
 * reference machine has two cores); test files read the results with `planned()` or
 * `shippedPlan()` instead of planning the same stack again and again. The planners start Node as
 * `npm run plan` does (tools/lib/plan-node.ts).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { PLAN_NODE_OPTIONS } from "../../tools/lib/plan-node";
import { PLAN_REQUESTS, type PlanName } from "./plan-requests";

declare module "vitest" {
  export interface ProvidedContext {
    planCacheDir: string;
  }
}

const ROOT = resolve(__dirname, "../..");

function planBatch(names: readonly string[], out: string): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...PLAN_NODE_OPTIONS, "test/support/plan-batch.ts", "--out", out, ...names], {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("exit", (code) => (code === 0 ? done() : fail(new Error(`planning ${names.join(", ")} failed:\n${stderr}`))));
  });
}

/** Shares the requests between `n` planners, the costliest first, each to the least loaded. */
export function shareRequests(n: number): string[][] {
  const shares = Array.from({ length: n }, () => ({ cost: 0, names: [] as string[] }));
  const byCost = (Object.keys(PLAN_REQUESTS) as PlanName[]).sort((a, b) => PLAN_REQUESTS[b].cost - PLAN_REQUESTS[a].cost);
  for (const name of byCost) {
    const least = shares.reduce((a, b) => (b.cost < a.cost ? b : a));
    least.cost += PLAN_REQUESTS[name].cost;
    least.names.push(name);
  }
  return shares.map((s) => s.names);
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), "mlops-plans-"));
  await Promise.all(shareRequests(2).map((names) => planBatch(names, dir)));
  project.provide("planCacheDir", dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
