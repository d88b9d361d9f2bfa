/**
 * The GitHub Actions workflows: actionlint finds no problem, and the pipeline does what the
 * platform promises (offline plan + policy check of every stack with SARIF upload on every PR,
 * previews only through OIDC, no stored keys, every deployment behind its environment).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ACTIONS_DIR, lintActionsWorkflow, lintActionsWorkflows } from "../../tools/actions-lint";

type Obj = Record<string, unknown>;
const load = (f: string) => parse(readFileSync(join(ACTIONS_DIR, f), "utf8")) as Obj;
const text = (f: string) => readFileSync(join(ACTIONS_DIR, f), "utf8");
const jobs = (wf: Obj) => wf.jobs as Record<string, Obj>;
const steps = (job: Obj) => (job.steps as Obj[]) ?? [];
const STACKS = readdirSync(join(__dirname, "../.."))
  .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
  .filter((s): s is string => s !== undefined)
  .sort();

describe("GitHub Actions workflows", () => {
  it("pass actionlint", async () => {
    expect(await lintActionsWorkflows()).toEqual([]);
  }, 60_000);

  it("actionlint reports a broken workflow (the lint can fail)", async () => {
    const expression = ["$", "{{ matrix.nope }}"].join("");
    const broken = `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${expression}\n`;
    const problems = await lintActionsWorkflow(broken, "broken.yml");
    expect(problems.map((p) => p.message).join("\n")).toMatch(/nope/);
  }, 60_000);

  it("store no keys: no secrets are read, cloud access is OIDC (id-token) only", () => {
    for (const f of readdirSync(ACTIONS_DIR)) {
      expect(text(f), f).not.toMatch(/secrets\./);
      expect(text(f), f).not.toMatch(/aws-access-key-id|aws-secret-access-key|ARM_CLIENT_SECRET|client-secret|PULUMI_ACCESS_TOKEN/);
    }
  });

  describe("pull-request", () => {
    const wf = load("pull-request.yml");

    it("runs on every pull request with read-only default permissions", () => {
      expect(Object.keys(wf.on as Obj)).toContain("pull_request");
      expect(wf.permissions).toEqual({ contents: "read" });
    });

    it("installs and runs the tests", () => {
      const runs = steps(jobs(wf).test as Obj).map((s) => s.run);
      expect(runs).toEqual(expect.arrayContaining(["npm ci --no-audit --no-fund", "npm test"]));
    });

    it("plans and checks every shipped stack offline and uploads the SARIF", () => {
      const job = jobs(wf)["policy-check"] as Obj;
      expect(((job.strategy as Obj).matrix as Obj).stack).toEqual(expect.arrayContaining(STACKS));
      expect((job.permissions as Obj)["security-events"]).toBe("write");
      const body = JSON.stringify(steps(job));
      expect(body).toContain("npm run plan -- --stack");
      expect(body).toContain("--format sarif");
      const upload = steps(job).find((s) => String(s.uses).startsWith("github/codeql-action/upload-sarif"));
      expect(upload?.if).toMatch(/always\(\)/);
    });

    it("previews with the policy pack only where OIDC is configured", () => {
      for (const name of ["preview-aws", "preview-azure"]) {
        const job = jobs(wf)[name] as Obj;
        expect(job.if, name).toMatch(/vars\.(AWS|AZURE)_PREVIEW_(ROLE_ARN|CLIENT_ID) != ''/);
        expect((job.permissions as Obj)["id-token"], name).toBe("write");
        expect(JSON.stringify(steps(job)), name).toContain("pulumi preview");
        expect(JSON.stringify(steps(job)), name).toContain("--policy-pack policies");
      }
      const previewed = ["preview-aws", "preview-azure"].flatMap(
        (n) => (((jobs(wf)[n] as Obj).strategy as Obj).matrix as Obj).stack as string[],
      );
      expect(previewed.sort()).toEqual(STACKS);
    });
  });

  describe("deploy", () => {
    const wf = load("deploy.yml");
    const reusable = load("deploy-stack.yml");

    it("deploys every stack through the reusable workflow, production after development", () => {
      const byStack = Object.fromEntries(Object.values(jobs(wf)).map((j) => [(j.with as Obj).stack, j]));
      expect(Object.keys(byStack).sort()).toEqual(STACKS);
      for (const j of Object.values(jobs(wf))) expect(j.uses).toBe("./.github/workflows/deploy-stack.yml");
      expect((byStack["uae-prod"] as Obj).needs).toBe("dev");
      expect((byStack["uae-prod-azure"] as Obj).needs).toBe("dev-azure");
    });

    it("runs each deployment inside its GitHub environment (approval) after the offline policy gate", () => {
      const job = jobs(reusable).deploy as Obj;
      expect(job.environment).toBe(["$", "{{ inputs.environment }}"].join(""));
      const runs = steps(job).map((s) => String(s.run ?? ""));
      const gate = runs.findIndex((r) => r.includes("npm run check"));
      const up = runs.findIndex((r) => r.includes("pulumi up"));
      expect(gate).toBeGreaterThanOrEqual(0);
      expect(up).toBeGreaterThan(gate);
      expect(runs[up]).toContain("--policy-pack policies");
      expect((job.concurrency as Obj)["cancel-in-progress"]).toBe(false);
    });
  });
});
