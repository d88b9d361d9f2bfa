import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { expect, it } from "vitest";

const ROOT = resolve(__dirname, "../..");

function plan(out: string): { plan: string; manifests: Record<string, string> } {
  const run = spawnSync(resolve(ROOT, "node_modules/.bin/tsx"), ["tools/plan.ts", "--stack", "dev", "--out", out, "--skip-check"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  expect(run.status, run.stderr).toBe(0);
  const withoutTimes = readFileSync(join(out, "plan.json"), "utf8").replace(/"(time|created|modified)": "[^"]+"/g, '"$1": "T"');
  const manifests = Object.fromEntries(
    readdirSync(join(out, "manifests")).map((f) => [f, readFileSync(join(out, "manifests", f), "utf8")]),
  );
  return { plan: withoutTimes, manifests };
}

it("gives the same plan twice, apart from timestamps", () => {
  const a = plan(mkdtempSync(join(tmpdir(), "plan-a-")));
  const b = plan(mkdtempSync(join(tmpdir(), "plan-b-")));
  expect(a.plan).toBe(b.plan);
  expect(a.manifests).toEqual(b.manifests);
  expect(Object.keys(a.manifests).length).toBeGreaterThan(0);
});
