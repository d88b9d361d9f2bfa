import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { expect, it } from "vitest";

const ROOT = resolve(__dirname, "../..");
const run = (...args: string[]) =>
  spawnSync(resolve(ROOT, "node_modules/.bin/tsx"), ["tools/plan.ts", ...args], { cwd: ROOT, encoding: "utf8" });

it("refuses a stack without a stack file, naming the file", () => {
  const r = run("--stack", "nope");
  expect(r.status).toBe(2);
  expect(r.stderr).toContain("Pulumi.nope.yaml");
});

it("refuses a missing --stack and a bad --format with the usage", () => {
  expect(run().stderr).toContain("--stack is required");
  const r = run("--stack", "dev", "--format", "xml");
  expect(r.status).toBe(2);
  expect(r.stderr).toContain('--format must be text or json, not "xml"');
});
