import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { expect, it } from "vitest";
import { manifestYaml } from "../../tools/lib/export";
import { PLAN_COMMAND } from "../support/plan-command";
import { shippedPlan } from "../support/shipped-plan";

const ROOT = resolve(__dirname, "../..");
const withoutTimes = (json: string) => json.replace(/"(time|created|modified)": ?"[^"]+"/g, '"$1":"T"');

it("gives the same plan in two runs, apart from timestamps", () => {
  // One run is the global setup's (another process, earlier); the other is the CLI's, now.
  const out = mkdtempSync(join(tmpdir(), "plan-det-"));
  const run = spawnSync(process.execPath, [...PLAN_COMMAND, "--stack", "dev", "--out", out, "--skip-check"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  expect(run.status, run.stderr).toBe(0);
  const cached = shippedPlan("dev");
  const cli = JSON.parse(readFileSync(join(out, "plan.json"), "utf8")) as unknown;
  expect(withoutTimes(JSON.stringify(cli))).toBe(withoutTimes(JSON.stringify(cached.deployment)));
  const files = readdirSync(join(out, "manifests")).sort();
  expect(files).toEqual(cached.manifests.map((m) => m.file).sort());
  for (const m of cached.manifests) expect(readFileSync(join(out, "manifests", m.file), "utf8")).toBe(manifestYaml(m));
  expect(files.length).toBeGreaterThan(50);
});
