/**
 * Plans each shipped stack once, before the tests, in parallel child processes; test files read
 * the plans with `shippedPlan()` instead of planning the same stack again and again.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";

/** The stacks every test may read a plan of. */
export const SHIPPED_STACKS = ["dev", "uae-prod", "dev-azure", "uae-prod-azure"] as const;

declare module "vitest" {
  export interface ProvidedContext {
    planCacheDir: string;
  }
}

const ROOT = resolve(__dirname, "../..");

function planToFile(stack: string, out: string): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(resolve(ROOT, "node_modules/.bin/tsx"), ["test/support/plan-to-file.ts", "--stack", stack, "--out", out], {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("exit", (code) => (code === 0 ? done() : fail(new Error(`planning ${stack} failed:\n${stderr}`))));
  });
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), "mlops-plans-"));
  const queue = [...SHIPPED_STACKS];
  // Two at a time: the reference machine has two cores.
  const worker = async () => {
    for (let stack = queue.shift(); stack; stack = queue.shift()) await planToFile(stack, join(dir, `${stack}.json`));
  };
  await Promise.all([worker(), worker()]);
  project.provide("planCacheDir", dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
