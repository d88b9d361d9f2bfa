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

  it("maps the team's approvers and the platform-wide ones onto their own Argo account", () => {
    const approver = find(plan, "kubernetes:core/v1:ServiceAccount", "argo-sso-approver", "team-fraud")[0];
    // The team's own approvers, then the platform-wide ones.
    expect(meta(approver as PlanResource).annotations?.["workflows.argoproj.io/rbac-rule"]).toBe(
      "'fraud-model-approvers' in groups || 'model-risk-approvers' in groups",
    );
    const team = find(plan, "kubernetes:core/v1:ServiceAccount", "argo-sso-team", "team-fraud")[0];
    expect(Number(meta(approver as PlanResource).annotations?.["workflows.argoproj.io/rbac-rule-precedence"])).toBeGreaterThan(
      Number(meta(team as PlanResource).annotations?.["workflows.argoproj.io/rbac-rule-precedence"]),
    );
    // team-credit names no approvers of its own: only the platform-wide ones (identity.approverGroups) approve there.
    const credit = find(plan, "kubernetes:core/v1:ServiceAccount", "argo-sso-approver", "team-credit")[0];
    expect(meta(credit as PlanResource).annotations?.["workflows.argoproj.io/rbac-rule"]).toBe("'model-risk-approvers' in groups");
    expect(meta(approver as PlanResource).annotations?.["workflows.argoproj.io/rbac-rule"]).not.toContain("team-fraud");
  });

  it("has an access entry for every team SSO role and the admins only: approvers approve through Argo's SSO account, with no cluster credentials of their own", () => {
    const entries = plan.filter((r) => r.type === "aws:eks/accessEntry:AccessEntry");
    const admin =
      "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/me-central-1/AWSReservedSSO_PlatformAdmin_0123456789abcdef";
    expect(entries.map((e) => e.inputs.principalArn).sort()).toEqual([admin, FRAUD_ROLE].sort());
    // A team without SSO roles (credit) gets none; its people use the Argo UI and CLI through SSO.
    expect(entries.every((e) => e.inputs.principalArn === admin || (e.inputs.kubernetesGroups as string[]).join() === "team-fraud")).toBe(
      true,
    );
  });
});

describe("ml-pipelines: the platform-wide approvers approve the platform's own promotions (uae-prod)", () => {
  const plan = shippedPlan("uae-prod").resources;
  const sso = (name: string, namespace: string) =>
    meta(find(plan, "kubernetes:core/v1:ServiceAccount", name, namespace)[0] as PlanResource).annotations ?? {};
  const precedence = (name: string, namespace: string) => Number(sso(name, namespace)["workflows.argoproj.io/rbac-rule-precedence"]);

  it("maps identity.approverGroups onto an approver account in ml-pipelines, with its token for Argo's server", () => {
    expect(sso("argo-sso-approver", "ml-pipelines")["workflows.argoproj.io/rbac-rule"]).toBe("'model-risk-approvers' in groups");
    const token = find(plan, "kubernetes:core/v1:Secret", "argo-sso-approver.service-account-token", "ml-pipelines")[0];
    expect(token?.inputs.type).toBe("kubernetes.io/service-account-token");
  });

  it("ranks the approver account above the viewers and below the admins (Argo's gatekeeper takes the namespace account only when it ranks higher)", () => {
    for (const ns of ["ml-pipelines", "team-fraud"]) {
      expect(precedence("argo-sso-approver", ns)).toBeGreaterThan(precedence("argo-sso-viewer", "argo"));
      expect(precedence("argo-sso-approver", ns)).toBeLessThan(precedence("argo-sso-admin", "argo"));
    }
  });

  it("binds it in ml-pipelines only, to a role that reads and resumes workflows but cannot create them", () => {
    const bindings = plan.filter(
      (r) =>
        r.type.startsWith("kubernetes:rbac.authorization.k8s.io/v1:") &&
        r.type.endsWith("Binding") &&
        ((r.inputs.subjects as Obj[] | undefined) ?? []).some((s) => s.name === "argo-sso-approver" && s.namespace === "ml-pipelines"),
    );
    expect(bindings.map((b) => [b.type.split(":").pop(), meta(b).namespace, (b.inputs.roleRef as Obj).name])).toEqual([
      ["RoleBinding", "ml-pipelines", "mlops-argo-approver"],
    ]);
    const role = find(plan, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "mlops-argo-approver")[0];
    const rules = (role?.inputs.rules ?? []) as { apiGroups: string[]; resources: string[]; verbs: string[] }[];
    const workflows = rules.filter((r) => r.apiGroups.includes("argoproj.io") && r.resources.includes("workflows"));
    // ResumeWorkflow and a node stop are an update, a whole-workflow stop/terminate a merge patch (workflow/util/util.go, v4.0.6).
    expect(workflows.flatMap((r) => r.verbs).sort()).toEqual(["get", "list", "patch", "update", "watch"]);
    expect(rules.some((r) => r.verbs.includes("create") || r.verbs.includes("delete") || r.verbs.includes("*"))).toBe(false);
  });

  it("creates no approver account in ml-pipelines without platform-wide approvers (dev): the admins approve", () => {
    expect(find(shippedPlan("dev").resources, "kubernetes:core/v1:ServiceAccount", "argo-sso-approver", "ml-pipelines")).toEqual([]);
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
    // The team's own approvers, and the platform-wide ones (identity.approverGroups).
    expect(meta(approver as PlanResource).annotations?.["workflows.argoproj.io/rbac-rule"]).toBe(
      "'00000000-0000-0000-0000-0000000000f2' in groups || '00000000-0000-0000-0000-0000000000a2' in groups",
    );
    const auth = plan.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.name === "mlflow-auth");
    const args = ((auth?.inputs.values as Obj | undefined)?.extraArgs as string[] | undefined) ?? [];
    expect(args).toContain("--allowed-group=00000000-0000-0000-0000-0000000000f1");
    expect(args).toContain("--allowed-group=00000000-0000-0000-0000-0000000000f2");
  });
});

describe("AKS: team members and approvers fetch the cluster's credentials as themselves (uae-prod-azure)", () => {
  const plan = shippedPlan("uae-prod-azure").resources;
  const CLUSTER_USER = "4abbcc35-e782-43d8-92c5-2d3f1bd2253f";
  const assignments = plan.filter(
    (r) => r.type === "azure-native:authorization:RoleAssignment" && String(r.inputs.roleDefinitionId).endsWith(`/${CLUSTER_USER}`),
  );
  const cluster = plan.find((r) => r.type === "azure-native:containerservice:ManagedCluster");

  it("assigns the Azure Kubernetes Service Cluster User Role to every team and approver Entra group, once each", () => {
    expect(assignments.map((a) => a.inputs.principalId).sort()).toEqual([
      "00000000-0000-0000-0000-0000000000a2", // identity.approverGroups
      "00000000-0000-0000-0000-0000000000f1", // teams[fraud].entraGroupIds
      "00000000-0000-0000-0000-0000000000f2", // teams[fraud].approverGroups
    ]);
    for (const a of assignments) expect(a.inputs.principalType).toBe("Group");
  });

  it("scopes each assignment to the cluster itself, not its resource group or the subscription", () => {
    expect(cluster?.id).toMatch(/\/providers\/Microsoft\.ContainerService\/managedClusters\/[^/]+$/);
    for (const a of assignments) expect(a.inputs.scope).toBe(cluster?.id);
  });

  it("gives no other role to people's groups", () => {
    const groups = plan.filter((r) => r.type === "azure-native:authorization:RoleAssignment" && r.inputs.principalType === "Group");
    expect(groups).toEqual(assignments);
  });
});
