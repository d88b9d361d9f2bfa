/**
 * The GitHub Actions workflows: actionlint finds no problem, and the pipeline does what the
 * platform promises (offline plan + policy check of every stack with SARIF upload on every PR,
 * previews only through OIDC, no stored keys, every deployment behind its environment).
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ACTIONS_DIR, lintActionsWorkflow, lintActionsWorkflows } from "../../tools/actions-lint";
import { stackMatrix, verifyStackEnvironment } from "../../tools/stacks";

type Obj = Record<string, unknown>;
const load = (f: string) => parse(readFileSync(join(ACTIONS_DIR, f), "utf8")) as Obj;
const text = (f: string) => readFileSync(join(ACTIONS_DIR, f), "utf8");
const jobs = (wf: Obj) => wf.jobs as Record<string, Obj>;
const steps = (job: Obj) => (job.steps as Obj[]) ?? [];
const ROOT = resolve(__dirname, "../..");
const expr = (e: string) => ["$", `{{ ${e} }}`].join("");
const STACKS = readdirSync(ROOT)
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

  it("pin every third-party action by full commit SHA, with its release tag as a comment", () => {
    const uses = readdirSync(ACTIONS_DIR).flatMap((f) =>
      [...text(f).matchAll(/^\s*(?:-\s*)?uses:\s*(\S+)(.*)$/gm)].map((m) => ({ file: f, ref: m[1] as string, rest: m[2] as string })),
    );
    expect(uses.length).toBeGreaterThan(10);
    const bad = uses.filter(
      ({ ref, rest }) =>
        !ref.startsWith("./") && !(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(ref) && /^\s+#\s*v\d+\.\d+\.\d+\s*$/.test(rest)),
    );
    expect(bad).toEqual([]);
    // The check can fail: a tag, a short SHA and a branch are refused.
    for (const ref of ["actions/checkout@v4", "actions/checkout@11d5960", "actions/checkout@main"])
      expect(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(ref), ref).toBe(false);
  });

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

    it("discovers the stacks from the Pulumi.<stack>.yaml files, with the cloud and environment each declares", () => {
      const job = jobs(wf).stacks as Obj;
      const run = steps(job)
        .map((s) => String(s.run ?? ""))
        .join("\n");
      expect(run).toContain("npm run --silent stacks");
      expect(stackMatrix().map((m) => m.stack)).toEqual(STACKS);
      expect(stackMatrix().find((m) => m.stack === "uae-prod")).toEqual({ stack: "uae-prod", cloud: "aws", environment: "production" });
    });

    it("checks a forked stack as soon as its file exists, and refuses a stack file without an environment", () => {
      const dir = mkdtempSync(join(tmpdir(), "stacks-"));
      try {
        copyFileSync(join(ROOT, "Pulumi.yaml"), join(dir, "Pulumi.yaml"));
        copyFileSync(join(ROOT, "Pulumi.uae-prod.yaml"), join(dir, "Pulumi.uae-prod.yaml"));
        writeFileSync(join(dir, "Pulumi.retail.yaml"), readFileSync(join(ROOT, "Pulumi.dev.yaml"), "utf8"));
        expect(stackMatrix(dir).map((m) => m.stack)).toEqual(["retail", "uae-prod"]);
        writeFileSync(join(dir, "Pulumi.broken.yaml"), "config:\n  mlops-platform:cloud: aws\n");
        expect(() => stackMatrix(dir)).toThrow(
          /Pulumi\.broken\.yaml: mlops-platform:environment must be development or production \(received undefined\)/,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("plans and checks every discovered stack offline and uploads the SARIF", () => {
      const job = jobs(wf)["policy-check"] as Obj;
      expect(job.needs).toBe("stacks");
      expect(((job.strategy as Obj).matrix as Obj).include).toBe(expr("fromJSON(needs.stacks.outputs.all)"));
      expect((job.permissions as Obj)["security-events"]).toBe("write");
      const body = JSON.stringify(steps(job));
      expect(body).toContain("npm run plan -- --stack");
      expect(body).toContain("--format sarif");
      const upload = steps(job).find((s) => String(s.uses).startsWith("github/codeql-action/upload-sarif"));
      expect(upload?.if).toMatch(/always\(\)/);
    });

    it("follows the README's fork recipe for every stack, profile and environment", () => {
      expect(steps(jobs(wf).forks as Obj).map((s) => s.run)).toContain("npm run forks");
    });

    it("tests on the Node LTS lines the project supports", () => {
      expect(((jobs(wf).test as Obj).strategy as Obj).matrix).toEqual({ node: [22, 24] });
      for (const f of readdirSync(ACTIONS_DIR)) expect(text(f), f).not.toMatch(/node-version: 20/);
    });

    it("builds the pipeline step image on a supported Node LTS, pinned by digest, compiled against that major's types", () => {
      const dockerfile = readFileSync("workflows/steps/Dockerfile", "utf8");
      const base = /^ARG NODE_IMAGE=node:(\d+)\.\d+\.\d+-alpine@sha256:[a-f0-9]{64}$/m.exec(dockerfile);
      expect(base, "ARG NODE_IMAGE=node:<x.y.z>-alpine@sha256:<digest>").not.toBeNull();
      const major = Number(base?.[1]);
      // Even majors are the LTS lines; 20 reached end of life in April 2026.
      expect(major % 2).toBe(0);
      expect(major).toBeGreaterThanOrEqual(22);
      expect(/@types\/node@(\d+)\./.exec(dockerfile)?.[1]).toBe(String(major));
      // The repository's own engines floor is a supported line too, and its types are not newer than it.
      const pkg = JSON.parse(readFileSync("package.json", "utf8")) as {
        engines: { node: string };
        devDependencies: Record<string, string>;
      };
      expect(pkg.engines.node).toBe(">=22");
      expect(pkg.devDependencies["@types/node"]).toMatch(/^\^22\./);
    });

    it("previews with the policy pack only where OIDC is configured, with nothing but the stack's own configuration", () => {
      for (const [name, cloud] of [
        ["preview-aws", "aws"],
        ["preview-azure", "azure"],
      ] as const) {
        const job = jobs(wf)[name] as Obj;
        expect(job.if, name).toMatch(/vars\.(AWS|AZURE)_PREVIEW_(ROLE_ARN|CLIENT_ID) != ''/);
        expect((job.permissions as Obj)["id-token"], name).toBe("write");
        expect(((job.strategy as Obj).matrix as Obj).include, name).toBe(expr(`fromJSON(needs.stacks.outputs.${cloud})`));
        const body = JSON.stringify(steps(job));
        expect(body, name).toContain("pulumi preview");
        expect(body, name).toContain("--policy-pack policies");
        expect(body, name).not.toContain("--policy-pack-config");
      }
      const run = steps(jobs(wf).stacks as Obj)
        .map((s) => String(s.run ?? ""))
        .join("\n");
      expect(run).toContain("stacks -- --cloud aws");
      expect(run).toContain("stacks -- --cloud azure");
    });
  });

  describe("deploy", () => {
    const wf = load("deploy.yml");
    const reusable = load("deploy-stack.yml");

    it("deploys every discovered stack through the reusable workflow, production after development", () => {
      const run = steps(jobs(wf).stacks as Obj)
        .map((s) => String(s.run ?? ""))
        .join("\n");
      expect(run).toContain("stacks -- --environment development");
      expect(run).toContain("stacks -- --environment production");
      for (const env of ["development", "production"]) {
        const j = jobs(wf)[env] as Obj;
        expect(j.uses, env).toBe("./.github/workflows/deploy-stack.yml");
        expect(((j.strategy as Obj).matrix as Obj).include, env).toBe(expr(`fromJSON(needs.stacks.outputs.${env})`));
        // The GitHub environment is the stack file's own environment.
        expect((j.with as Obj).environment, env).toBe(expr("matrix.environment"));
      }
      expect((jobs(wf).production as Obj).needs).toEqual(["stacks", "development"]);
      expect(String((jobs(wf).production as Obj).if)).toContain("needs.development.result");
      const environments = new Set(stackMatrix().map((m) => m.environment));
      expect([...environments].sort()).toEqual(["development", "production"]);
    });

    it("refuses to deploy a stack in a GitHub environment other than the one its file declares", () => {
      const job = jobs(reusable).deploy as Obj;
      const runs = steps(job).map((s) => String(s.run ?? ""));
      const verify = runs.findIndex((r) => r.includes("stacks -- --verify"));
      const up = runs.findIndex((r) => r.includes("pulumi up"));
      expect(verify).toBeGreaterThanOrEqual(0);
      expect(up).toBeGreaterThan(verify);
      expect(verifyStackEnvironment(stackMatrix(), "uae-prod", "development")).toBe(
        'Pulumi.uae-prod.yaml declares environment production, not development: deploy it in the "production" GitHub environment',
      );
      expect(verifyStackEnvironment(stackMatrix(), "uae-prod", "production")).toBeUndefined();
      expect(verifyStackEnvironment(stackMatrix(), "nope", "production")).toBe("no Pulumi.nope.yaml");
    });

    it("runs each deployment inside its GitHub environment (approval) after the offline policy gate", () => {
      const job = jobs(reusable).deploy as Obj;
      expect(job.environment).toBe(["$", "{{ inputs.environment }}"].join(""));
      const runs = steps(job).map((s) => String(s.run ?? ""));
      // `npm run plan` without --skip-check is the plan and the policy gate in one (exit 1 on a mandatory violation).
      const gate = runs.findIndex((r) => r.includes("npm run plan") && !r.includes("--skip-check"));
      const up = runs.findIndex((r) => r.includes("pulumi up"));
      expect(gate).toBeGreaterThanOrEqual(0);
      expect(up).toBeGreaterThan(gate);
      expect(runs[up]).toContain("--policy-pack policies");
      expect(runs[up]).not.toContain("--policy-pack-config");
      expect((job.concurrency as Obj)["cancel-in-progress"]).toBe(false);
    });
  });
});
