/** RBAC grants read for what they grant: escalations without wildcards, and their look-alikes that must not match. */
import { describe, expect, it } from "vitest";
import { powerfulAggregation, rbacEscalations } from "../../../policies/lib/rbac";

const rule = (apiGroups: string[], resources: string[], verbs: string[], extra: Record<string, unknown> = {}) => [
  { apiGroups, resources, verbs, ...extra },
];

describe("rbacEscalations", () => {
  it.each([
    ["list every secret (ClusterRole)", rule([""], ["secrets"], ["list"]), true, /every secret/],
    ["watch every secret (ClusterRole)", rule([""], ["configmaps", "secrets"], ["watch"]), true, /every secret/],
    ["nodes/proxy get", rule([""], ["nodes/proxy"], ["get"]), false, /kubelet/],
    ["serviceaccounts/token create in a Role", rule([""], ["serviceaccounts/token"], ["create"]), false, /mints tokens/],
    ["pods/attach create (ClusterRole)", rule([""], ["pods/attach"], ["create"]), true, /runs commands/],
    ["CSR approval update", rule(["certificates.k8s.io"], ["certificatesigningrequests/approval"], ["update"]), false, /approves/],
    ["signers sign", rule(["certificates.k8s.io"], ["signers"], ["sign"]), false, /signs/],
    [
      "webhook configurations delete",
      rule(["admissionregistration.k8s.io"], ["mutatingwebhookconfigurations"], ["delete"]),
      false,
      /admission/,
    ],
    ["binding patch", rule(["admissionregistration.k8s.io"], ["validatingadmissionpolicybindings"], ["patch"]), false, /admission/],
    ["verbs in upper case", rule([""], ["nodes/proxy"], ["GET"]), false, /kubelet/],
  ])("%s is an escalation", (_why, rules, clusterRole, message) => {
    expect(rbacEscalations(rules, clusterRole).join("\n")).toMatch(message);
  });
  it.each([
    ["secrets in a namespaced Role", rule([""], ["secrets"], ["get", "list"]), false],
    ["one named secret (resourceNames)", rule([""], ["secrets"], ["get"], { resourceNames: ["db"] }), true],
    ["secrets create only", rule([""], ["secrets"], ["create"]), true],
    ["secrets in another API group", rule(["example.com"], ["secrets"], ["list"]), true],
    ["nodes (not nodes/proxy) get", rule([""], ["nodes"], ["get"]), true],
    ["pods/log get", rule([""], ["pods", "pods/log"], ["get", "list"]), true],
    ["pods/exec in a namespaced Role", rule([""], ["pods/exec"], ["create"]), false],
    [
      "CSR create (a node asking for its certificate)",
      rule(["certificates.k8s.io"], ["certificatesigningrequests"], ["create", "get"]),
      true,
    ],
    ["admission policies read", rule(["admissionregistration.k8s.io"], ["validatingadmissionpolicies"], ["get", "list", "watch"]), true],
    ["tokenreviews create", rule(["authentication.k8s.io"], ["tokenreviews"], ["create"]), true],
  ])("%s is not", (_why, rules, clusterRole) => {
    expect(rbacEscalations(rules, clusterRole)).toEqual([]);
  });
  it("reads odd shapes without throwing", () => {
    expect(rbacEscalations(undefined, true)).toEqual([]);
    expect(rbacEscalations({ apiGroups: "", resources: "nodes/proxy", verbs: "get" }, true)).toHaveLength(1);
  });
});

describe("powerfulAggregation", () => {
  it.each([
    [{ clusterRoleSelectors: [{ matchLabels: { "rbac.authorization.k8s.io/aggregate-to-admin": "true" } }] }, /aggregate-to-admin/],
    [{ clusterRoleSelectors: [{ matchLabels: { "rbac.authorization.k8s.io/aggregate-to-edit": "true" } }] }, /aggregate-to-edit/],
    [
      { clusterRoleSelectors: [{ matchExpressions: [{ key: "rbac.authorization.k8s.io/aggregate-to-admin", operator: "Exists" }] }] },
      /admin/,
    ],
    [{ clusterRoleSelectors: [{}] }, /every ClusterRole/],
  ])("%j pulls in powerful roles", (agg, message) => {
    expect(powerfulAggregation(agg)).toMatch(message);
  });
  it.each([
    undefined,
    { clusterRoleSelectors: [] },
    { clusterRoleSelectors: [{ matchLabels: { "rbac.authorization.k8s.io/aggregate-to-view": "true" } }] },
    { clusterRoleSelectors: [{ matchLabels: { "mlops.platform/aggregate-to-argo-team": "true" } }] },
    { clusterRoleSelectors: [{ matchExpressions: [{ key: "rbac.authorization.k8s.io/aggregate-to-admin", operator: "DoesNotExist" }] }] },
  ])("%j does not", (agg) => {
    expect(powerfulAggregation(agg)).toBeUndefined();
  });
});
