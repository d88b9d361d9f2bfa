/**
 * Journey: fork a stack exactly as README.md writes it ("Fork a stack"; the recipe is parsed from
 * the README, so README and test cannot drift). Every shipped stack × both profiles × both
 * environments resolves with nothing but its own stack file, and the gate judges it by the
 * environment that file declares. The README's own fork is planned and gated end to end here, in
 * a child process (`npm run forks`, which plans all sixteen in one process, is the full run, in
 * the PR workflow: about 4-5 s of CPU per fork).
 * A production fork that would weaken what production demands is refused, naming the key.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CONFIG_KEYS, ConfigError, resolveConfig } from "../../stacks/config";
import { stackEnvironment } from "../../tools/lib/check";
import { forkCases, forkRecipeFromReadme, forkStackText, productionNeeds, shippedStacks, writeFork } from "../../tools/lib/fork";
import { readStackConfig } from "../../tools/lib/stack-config";

const ROOT = resolve(__dirname, "../..");
const README = readFileSync(join(ROOT, "README.md"), "utf8");
const recipe = forkRecipeFromReadme(README);
const dir = mkdtempSync(join(tmpdir(), "fork-journey-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function resolveFork(stack: string, root = dir) {
  const { project, values } = readStackConfig(root, stack);
  const raw = Object.fromEntries(
    Object.entries(values)
      .filter(([k]) => k.startsWith(`${project}:`))
      .map(([k, v]) => [k.slice(project.length + 1), v]),
  );
  return resolveConfig(raw, project, stack);
}

describe("the README's fork recipe", () => {
  it("copies a shipped stack, sets profile, environment and network, and plans the copy", () => {
    expect(shippedStacks()).toContain(recipe.source);
    expect(recipe.planned).toBe(recipe.target);
    const edited = recipe.edits.map(([k]) => k);
    expect(edited).toEqual(expect.arrayContaining(["mlops-platform:profile", "mlops-platform:environment", "mlops-platform:network"]));
    // Every key it names is a key the program reads.
    for (const key of [...edited, ...recipe.untouched]) expect(CONFIG_KEYS, key).toContain(key.replace("mlops-platform:", ""));
    // The README's example is an SMB production stack.
    expect(Object.fromEntries(recipe.edits)).toMatchObject({ "mlops-platform:profile": "smb", "mlops-platform:environment": "production" });
  });

  it("is parsed from the README itself: a recipe without its cp line is refused", () => {
    expect(() => forkRecipeFromReadme(README.replace(/^cp Pulumi\..*$/m, ""))).toThrow(/no `cp Pulumi/);
  });

  const cases = forkCases(recipe);
  it("covers every shipped stack × both profiles × both environments", () => {
    expect(cases).toHaveLength(shippedStacks().length * 4);
    expect(new Set(cases.map((c) => c.stack)).size).toBe(cases.length);
  });

  it.each(cases.map((c) => [`${c.source} → ${c.stack} (${c.profile}, ${c.environment})`, c] as const))(
    "%s resolves and is judged by its own environment",
    (_label, c) => {
      writeFork(dir, recipe, c);
      const cfg = resolveFork(c.stack);
      expect(cfg.profile).toBe(c.profile);
      expect(cfg.environment).toBe(c.environment);
      expect(cfg.protectData).toBe(c.environment === "production");
      expect(cfg.network.cidr).toBe("10.70.0.0/16");
      // The gate reads the same file: no policy file, no pack configuration.
      const judged = stackEnvironment(c.stack, dir);
      expect(judged.environment).toBe(c.environment);
      expect(judged.problem).toBeUndefined();
      expect(judged.minimumBackupRetentionDays).toBe(cfg.retention.backupDays);
      expect(judged.minimumLogRetentionDays).toBe(cfg.retention.logDays);
    },
  );

  it.each([
    ["mlops-platform:protectData", { "mlops-platform:protectData": false }],
    ["mlops-platform:retention.backupDays", { "mlops-platform:retention": { backupDays: 7 } }],
    ["mlops-platform:retention.logDays", { "mlops-platform:retention": { logDays: 30 } }],
    [
      "mlops-platform:models[0].serving.image",
      {
        "mlops-platform:models": [
          {
            name: "fraud-scorer",
            team: "fraud",
            dataPrefix: "teams/fraud/transactions/",
            training: { repository: "https://git.example.ae/fraud/fraud-scorer.git" },
            serving: { version: 3, image: "repo/scorer:3.0" },
          },
        ],
      },
    ],
  ])("refuses a production fork that weakens production, naming %s", (key, extra) => {
    const c = { source: "dev", profile: "smb", environment: "production", stack: "dev-weak" } as const;
    writeFork(dir, recipe, c, extra);
    const err = (() => {
      try {
        resolveFork(c.stack);
      } catch (e) {
        return e;
      }
      throw new Error("the weakened fork was accepted");
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems.map((p) => p.key)).toContain(key);
    expect((err as ConfigError).message).toContain("Pulumi.dev-weak.yaml");
  });

  it("refuses a development stack forked into production until its OIDC secret, registry credentials and an alert receiver are set, naming the command", () => {
    const c = { source: "dev", profile: "smb", environment: "production", stack: "dev-bare-prod" } as const;
    // The fork as `cp` + the recipe's edits alone, without what the README says production adds.
    const source = readFileSync(join(ROOT, "Pulumi.dev.yaml"), "utf8");
    writeFileSync(join(dir, "Pulumi.dev-bare-prod.yaml"), forkStackText(recipe, c, source));
    copyFileSync(join(ROOT, "Pulumi.yaml"), join(dir, "Pulumi.yaml"));
    let err: unknown;
    try {
      resolveFork(c.stack);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    expect(problems.map((p) => p.key).sort()).toEqual([
      "mlops-platform:oidcClientSecret",
      "mlops-platform:registryCredentials.docker-hub",
      "mlops-platform:registryCredentials.ghcr",
      "mlops-platform:services.alerting.receivers",
    ]);
    expect((err as ConfigError).message).toContain(
      "pulumi config set --secret 'mlops-platform:oidcClientSecret' <client-secret> --stack dev-bare-prod",
    );
    // With them (what writeFork adds, as the README tells the operator), the same fork resolves.
    expect(Object.keys(productionNeeds(c, source)).sort()).toEqual([
      "mlops-platform:oidcClientSecret",
      "mlops-platform:registryCredentials",
      "mlops-platform:services",
    ]);
    expect(productionNeeds({ ...c, environment: "development" }, source)).toEqual({});
  });

  // One plan keeps the test run within its budget (about 5 s of CPU); the PR workflow runs all sixteen (`npm run forks`).
  it("plans and gates the README's own fork end to end: an SMB production stack with nothing but its stack file", () => {
    const only = ["uae-prod:smb:production"];
    const child = spawnSync(process.execPath, ["--import", "tsx", "tools/forks.ts", "--json", ...only.flatMap((o) => ["--only", o])], {
      cwd: ROOT,
      encoding: "utf8",
    });
    const results = JSON.parse(child.stdout.trim().split("\n").pop() ?? "[]") as {
      fork: string;
      environment: string;
      judgedAs: string;
      mandatory: number;
      failed: string[];
      resources: number;
      operatorActions: string[];
      error?: string;
    }[];
    expect(results.map((r) => r.fork)).toEqual([recipe.target]);
    for (const r of results) {
      expect(r.error, r.fork).toBeUndefined();
      expect(r.failed, r.fork).toEqual([]);
      expect(r.resources, r.fork).toBeGreaterThan(100);
      expect(r.judgedAs, r.fork).toBe(`production (from Pulumi.${r.fork}.yaml)`);
      // The plan ends with what the operator must still provide, e.g. the redirect URIs to register.
      expect(r.operatorActions, r.fork).toContain("oidc-redirect-uris");
    }
    expect(child.status, child.stderr).toBe(0);
  }, 180_000);
});
