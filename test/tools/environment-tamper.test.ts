/**
 * A production stack cannot be judged as development by accident or on purpose: not by a pack
 * configuration, not by resources that claim development, not by a stack file without an
 * environment. Uses the shared plan of uae-prod.
 */
import type { ResourceValidationArgs } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { stackEnvironmentFromConfig } from "../../contracts/environment";
import { withStackEnvironment } from "../../policies/environment";
import { allPolicies } from "../../policies/rules";
import { awsRdsDatabaseEnableDeletionProtection } from "../../policies/rules/data-safety/aws-rds-database-enable-deletion-protection";
import { checkPlan, type StateResource } from "../../tools/lib/check";
import { shippedPlan } from "../support/shipped-plan";

const RULE = "pulumi-stack-environment-enforce-consistency";
const consistency = allPolicies.filter((p) => p.name === RULE);

function tampered(change: (r: StateResource) => void, pick: (r: StateResource) => boolean) {
  const plan = structuredClone(shippedPlan("uae-prod").deployment);
  const targets = (plan.deployment.resources as unknown as StateResource[]).filter(pick);
  expect(targets.length).toBeGreaterThan(0);
  for (const r of targets) {
    change(r);
  }
  return plan;
}

describe("a production stack cannot be downgraded silently", () => {
  it("its resources claim production: the program stamps the environment on tags, providers, pipeline settings and the stack output", async () => {
    const r = await checkPlan(shippedPlan("uae-prod").deployment, { stack: "uae-prod", policies: consistency });
    expect(r.summary.environment).toMatchObject({ name: "production", source: "Pulumi.uae-prod.yaml" });
    expect(r.violations).toEqual([]);
    // The same plan judged as development (as if its configuration said so) disagrees with every claim.
    const dev = await checkPlan(shippedPlan("uae-prod").deployment, {
      environment: stackEnvironmentFromConfig({ environment: "development" }, "test"),
      policies: consistency,
    });
    const where = new Set(dev.violations.map((v) => (v.message.split("\n").pop() ?? "").split(" says ")[0]));
    expect([...where].sort()).toEqual(
      [
        "data.PLATFORM_ENVIRONMENT",
        "defaultTags mlops-platform:environment",
        "stack output environment",
        "tag mlops-platform:environment",
      ].sort(),
    );
  });

  it.each([
    [
      "the pipeline settings say development (the steps would skip approval and digests)",
      (r: StateResource) => {
        for (const state of [r.inputs, r.outputs]) (state as { data: Record<string, string> }).data.PLATFORM_ENVIRONMENT = "development";
      },
      (r: StateResource) => r.type === "kubernetes:core/v1:ConfigMap" && "PLATFORM_ENVIRONMENT" in ((r.inputs?.data as object) ?? {}),
    ],
    [
      "the AWS provider tags everything development",
      (r: StateResource) => {
        r.inputs = { ...r.inputs, defaultTags: r.inputs?.defaultTags?.toString().replace('"production"', '"development"') };
        r.outputs = r.inputs;
      },
      (r: StateResource) => r.type === "pulumi:providers:aws",
    ],
  ])("is reported when %s", async (_why, change, pick) => {
    const plan = tampered(change, pick);
    const r = await checkPlan(plan, { stack: "uae-prod", policies: consistency });
    expect(r.summary.passed).toBe(false);
    expect(r.violations[0]?.message).toContain("declares production");
  });

  it("ignores a production switch or retention minimum given as pack configuration (--policy-pack-config)", () => {
    const reports: string[] = [];
    const args = {
      type: "aws:rds/instance:Instance",
      name: "db",
      urn: "urn:pulumi:uae-prod::mlops-platform::aws:rds/instance:Instance::db",
      props: { deletionProtection: false, backupRetentionPeriod: 1 },
      opts: { protect: true },
      getConfig: () => ({ production: false, minimumBackupRetentionDays: 1 }),
      notApplicable: () => {
        throw new Error("not applicable");
      },
    } as unknown as ResourceValidationArgs;
    const validate = awsRdsDatabaseEnableDeletionProtection.validateResource as (a: ResourceValidationArgs, r: (m: string) => void) => void;
    withStackEnvironment(stackEnvironmentFromConfig({ environment: "production" }, "Pulumi.uae-prod.yaml"), () =>
      validate(args, (m) => reports.push(m)),
    );
    expect(reports.join("\n")).toContain("less than the minimum 35");
  });

  it("judges a stack whose configuration declares no environment as production, and says so", () => {
    const env = stackEnvironmentFromConfig({ retention: '{"backupDays": 1, "logDays": 1}' }, "Pulumi.x.yaml");
    expect(env).toMatchObject({ environment: "production", minimumBackupRetentionDays: 35, minimumLogRetentionDays: 365 });
    expect(env.problem).toBe("Pulumi.x.yaml declares no environment: judged as production");
    expect(stackEnvironmentFromConfig({ environment: "prod" }, "f").problem).toContain('declares environment "prod", which is not one of');
  });
});
