/**
 * Cluster admin on EKS goes only to the roles the stack names in `identity.clusterAdmins`, through
 * the platform's own cluster component. The rule used to trust the component's URN alone, so an
 * association planted under that component (a fork's own code can create one there) for any
 * principal passed. Uses the shared plan of uae-prod.
 */
import { describe, expect, it } from "vitest";
import { stackEnvironmentFromConfig } from "../../contracts/environment";
import { allPolicies } from "../../policies/rules";
import { checkPlan, type StateResource } from "../../tools/lib/check";
import { shippedPlan } from "../support/shipped-plan";

const RULE = allPolicies.filter((p) => p.name === "aws-iam-role-disallow-admin-policy");
const ASSOCIATION = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation";
const ADMIN = "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/me-central-1/AWSReservedSSO_PlatformAdmin_0123456789abcdef";
const TEAM_ROLE = "arn:aws:iam::123456789012:role/mlops-uae-prod-fraud-pipeline";

/** uae-prod with the platform's admin associations' principal changed to `principal`. */
function withPrincipal(principal: string): { plan: unknown; urns: string[] } {
  const plan = structuredClone(shippedPlan("uae-prod").deployment);
  const admins = (plan.deployment.resources as unknown as StateResource[]).filter(
    (r) => r.type === ASSOCIATION && String(r.inputs?.policyArn).endsWith("/AmazonEKSClusterAdminPolicy"),
  );
  for (const r of admins) (r.inputs as Record<string, unknown>).principalArn = principal;
  return { plan, urns: admins.map((r) => r.urn) };
}

const violationsOn = async (plan: unknown, urns: readonly string[], environment?: ReturnType<typeof stackEnvironmentFromConfig>) =>
  (await checkPlan(plan, { stack: "uae-prod", policies: RULE, ...(environment ? { environment } : {}) })).violations.filter((v) =>
    urns.includes(v.urn),
  );

describe("EKS cluster-admin associations", () => {
  it("pass for the roles uae-prod names in identity.clusterAdmins, as shipped", async () => {
    const { plan, urns } = withPrincipal(ADMIN);
    expect(urns.length).toBeGreaterThan(0);
    expect(urns.every((u) => u.includes("mlops-platform:aws:Cluster$"))).toBe(true);
    expect(await violationsOn(plan, urns)).toEqual([]);
  });

  it("fail under the platform's cluster component for a principal the stack does not name", async () => {
    for (const principal of [TEAM_ROLE, `${ADMIN}-lookalike`, "arn:aws:iam::999999999999:root"]) {
      const { plan, urns } = withPrincipal(principal);
      const found = await violationsOn(plan, urns);
      expect(found.length, principal).toBe(urns.length);
      expect(found[0]?.message).toMatch(/not one of the stack's identity\.clusterAdmins/);
    }
  });

  it("fail when the stack names no administrator at all, or names them in a shape the pack cannot read", async () => {
    const { plan, urns } = withPrincipal(ADMIN);
    for (const identity of [undefined, { clusterAdmins: [] }, { clusterAdmins: ADMIN }, JSON.stringify({ clusterAdmins: [42] })]) {
      const environment = stackEnvironmentFromConfig({ environment: "production", ...(identity ? { identity } : {}) }, "test");
      expect((await violationsOn(plan, urns, environment)).length, JSON.stringify(identity)).toBe(urns.length);
    }
    // As the CLI hands it over: identity as a JSON string.
    const cli = stackEnvironmentFromConfig({ environment: "production", identity: JSON.stringify({ clusterAdmins: [ADMIN] }) }, "cli");
    expect(await violationsOn(plan, urns, cli)).toEqual([]);
  });
});
