/**
 * People act as themselves, read from the production plans: on EKS each team's SSO role has an
 * access entry in the team's Kubernetes groups (no cluster-wide access policy), on AKS the team's
 * Entra object ids are bound in its namespace and let through the SSO logins, and a team's
 * approvers get their own Argo SSO account, distinct from the members' shared one.
 */
import { describe, expect, it } from "vitest";
import type { PlanResource } from "../../tools/lib/harness";
import { shippedPlan } from "../support/shipped-plan";

type Obj = Record<string, unknown>;
const meta = (r: PlanResource) => (r.inputs.metadata ?? {}) as { name?: string; namespace?: string; annotations?: Record<string, string> };
const find = (plan: readonly PlanResource[], type: string, name: string, namespace?: string) =>
  plan.filter((r) => r.type === type && meta(r).name === name && (namespace === undefined || meta(r).namespace === namespace));
const FRAUD_ROLE = "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/me-central-1/AWSReservedSSO_MLTeamFraud_0123456789abcdef";

describe("EKS: each team's SSO role is mapped to the team's groups (uae-prod)", () => {
  const plan = shippedPlan("uae-prod").resources;
  it("has an access entry in the team's groups and no access policy for it", () => {
    const entries = plan.filter((r) => r.type === "aws:eks/accessEntry:AccessEntry" && r.inputs.principalArn === FRAUD_ROLE);
    expect(entries.map((e) => e.inputs.kubernetesGroups)).toEqual([["team-fraud"]]);
    expect(entries[0]?.inputs.type).toBe("STANDARD");
    // No user name is set: EKS names the person after the assumed role's session.
    expect(entries[0]?.inputs.userName).toBeUndefined();
    expect(
      plan.some((r) => r.type === "aws:eks/accessPolicyAssociation:AccessPolicyAssociation" && r.inputs.principalArn === FRAUD_ROLE),
    ).toBe(false);
    const members = find(plan, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "team-members", "team-fraud")[0];
    expect(members?.inputs.subjects).toContainEqual({ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "team-fraud" });
  });

  it("maps the team's approvers onto their own Argo account, and only where approvers are configured", () => {
    const approver = find(plan, "kubernetes:core/v1:ServiceAccount", "argo-sso-approver", "team-fraud")[0];
    expect(meta(approver as PlanResource).annotations?.["workflows.argoproj.io/rbac-rule"]).toBe("'fraud-model-approvers' in groups");
    const team = find(plan, "kubernetes:core/v1:ServiceAccount", "argo-sso-team", "team-fraud")[0];
    expect(Number(meta(approver as PlanResource).annotations?.["workflows.argoproj.io/rbac-rule-precedence"])).toBeGreaterThan(
      Number(meta(team as PlanResource).annotations?.["workflows.argoproj.io/rbac-rule-precedence"]),
    );
    expect(find(plan, "kubernetes:core/v1:ServiceAccount", "argo-sso-approver", "team-credit")).toEqual([]);
  });
});

describe("AKS: each team's Entra object ids come from config (uae-prod-azure)", () => {
  const plan = shippedPlan("uae-prod-azure").resources;
  it("binds the team's Entra group in its namespace and lets it through Argo's and MLflow's SSO", () => {
    const members = find(plan, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "team-members", "team-fraud")[0];
    const subjects = members?.inputs.subjects as Obj[];
    expect(subjects).toContainEqual({ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "00000000-0000-0000-0000-0000000000f1" });
    expect(subjects).toContainEqual({ kind: "ServiceAccount", name: "argo-sso-approver", namespace: "team-fraud" });
    const team = find(plan, "kubernetes:core/v1:ServiceAccount", "argo-sso-team", "team-fraud")[0];
    expect(meta(team as PlanResource).annotations?.["workflows.argoproj.io/rbac-rule"]).toContain(
      "'00000000-0000-0000-0000-0000000000f1' in groups",
    );
    const approver = find(plan, "kubernetes:core/v1:ServiceAccount", "argo-sso-approver", "team-fraud")[0];
    expect(meta(approver as PlanResource).annotations?.["workflows.argoproj.io/rbac-rule"]).toBe(
      "'00000000-0000-0000-0000-0000000000f2' in groups",
    );
    const auth = plan.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.name === "mlflow-auth");
    const args = ((auth?.inputs.values as Obj | undefined)?.extraArgs as string[] | undefined) ?? [];
    expect(args).toContain("--allowed-group=00000000-0000-0000-0000-0000000000f1");
    expect(args).toContain("--allowed-group=00000000-0000-0000-0000-0000000000f2");
  });
});
