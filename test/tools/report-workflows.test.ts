/**
 * The pipelines keep the compliance report: the pull-request gate attaches the report of every
 * checked stack as a build artifact, the deploy workflow keeps the report of what was deployed,
 * and CI installs the browser the report's rendering test needs.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ACTIONS_DIR } from "../../tools/actions-lint";

type Obj = Record<string, unknown>;
const steps = (file: string, job: string) =>
  ((((parse(readFileSync(join(ACTIONS_DIR, file), "utf8")) as Obj).jobs as Obj)[job] as Obj).steps as Obj[]) ?? [];
const index = (all: Obj[], test: (s: Obj) => boolean) => all.findIndex(test);

describe("the compliance report in the pipelines", () => {
  it("pull-request: every checked stack's report is written and uploaded as an artifact", () => {
    const all = steps("pull-request.yml", "policy-check");
    const plan = index(all, (s) => String(s.run ?? "").includes("npm run plan"));
    const report = index(all, (s) => String(s.run ?? "").includes("npm run report -- --plan"));
    const upload = index(
      all,
      (s) => String(s.uses ?? "").startsWith("actions/upload-artifact") && String((s.with as Obj)?.name).startsWith("compliance-report-"),
    );
    expect(plan).toBeGreaterThanOrEqual(0);
    expect(report).toBeGreaterThan(plan);
    expect(upload).toBeGreaterThan(report);
    // A failed policy check must not hide the report: it is the evidence of what failed.
    expect(String(all[report]?.if)).toMatch(/always\(\)/);
    expect(String(((all[upload]?.with ?? {}) as Obj).path)).toContain("compliance-report");
  });

  it("deploy: the report of the deployed state is kept after pulumi up", () => {
    const all = steps("deploy-stack.yml", "deploy");
    const up = index(all, (s) => String(s.run ?? "").includes("pulumi up"));
    const report = index(all, (s) => /pulumi stack export[\s\S]*npm run report -- --plan/.test(String(s.run ?? "")));
    const upload = index(all, (s) => String((s.with as Obj | undefined)?.name ?? "").startsWith("deployed-compliance-report-"));
    expect(up).toBeGreaterThanOrEqual(0);
    expect(report).toBeGreaterThan(up);
    expect(upload).toBeGreaterThan(report);
  });

  it(".ci/run installs chromium when missing and then requires the browser test", () => {
    const run = readFileSync(join(__dirname, "../../.ci/run"), "utf8");
    expect(run).toMatch(/apt-get install -y[^\n]*chromium/);
    expect(run).toContain("export REPORT_BROWSER_REQUIRED=1");
    expect(run.indexOf("REPORT_BROWSER_REQUIRED")).toBeLessThan(run.indexOf("npm test"));
  });
});
