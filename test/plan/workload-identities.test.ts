/**
 * One workload, one identity, in every shipped plan: in each pipeline namespace the user's
 * training code (`pipeline-train`), the data steps (`pipeline-data`) and the platform's
 * registration and promotion steps (`pipeline-register`, `pipeline-deploy`) assume three different
 * cloud identities. Read from the plan the cloud would receive: IAM trust policies and inline
 * policies on AWS, federated credentials and role assignments on Azure, and the service-account
 * annotations that pick the identity.
 */
import { describe, expect, it } from "vitest";
import { teamNamespace } from "../../contracts/endpoints";
import type { PlanResource } from "../../tools/lib/harness";
import { shippedPlan } from "../support/shipped-plan";

type Obj = Record<string, unknown>;
const meta = (r: PlanResource) => (r.inputs.metadata ?? {}) as { name?: string; namespace?: string; annotations?: Record<string, string> };

function accountsOf(plan: readonly PlanResource[], namespace: string): Map<string, Record<string, string>> {
  return new Map(
    plan
      .filter(
        (r) => r.type === "kubernetes:core/v1:ServiceAccount" && meta(r).namespace === namespace && meta(r).name?.startsWith("pipeline-"),
      )
      .map((r) => [meta(r).name as string, meta(r).annotations ?? {}]),
  );
}

/** Every string value under `v` (statement fields may be a string or a list). */
const strings = (v: unknown): string[] => (typeof v === "string" ? [v] : Array.isArray(v) ? v.flatMap(strings) : []);

describe.each(["dev", "uae-prod"])("AWS workload identities of the pipeline namespaces (%s)", (stack) => {
  const plan = shippedPlan(stack).resources;
  const roles = plan.filter((r) => r.type === "aws:iam/role:Role");
  const roleByArn = (arn: string) => roles.find((r) => r.outputs.arn === arn);
  const subjects = (role: PlanResource) => {
    const doc = JSON.parse(String(role.inputs.assumeRolePolicy)) as { Statement: { Condition?: Record<string, Obj> }[] };
    return doc.Statement.flatMap((s) =>
      Object.values(s.Condition ?? {}).flatMap((c) => Object.entries(c).flatMap(([k, v]) => (k.endsWith(":sub") ? strings(v) : []))),
    ).sort();
  };
  const statements = (role: PlanResource) =>
    plan
      .filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.inputs.role === role.outputs.name)
      .flatMap((r) => (JSON.parse(String(r.inputs.policy)) as { Statement: Obj[] }).Statement);
  const namespaces = [
    "ml-pipelines",
    ...new Set(
      plan
        .filter((r) => r.type === "kubernetes:core/v1:Namespace")
        .flatMap((r) => (meta(r).name?.startsWith(teamNamespace("")) ? [meta(r).name as string] : [])),
    ),
  ];

  it.each(namespaces)("%s: training, data steps and release steps assume three roles, each trusting only its accounts", (ns) => {
    const sa = accountsOf(plan, ns);
    const role = (account: string) => {
      const r = roleByArn(sa.get(account)?.["eks.amazonaws.com/role-arn"] ?? "");
      if (!r) throw new Error(`${ns}/${account}: no role`);
      return r;
    };
    const [data, train, register, deploy] = ["pipeline-data", "pipeline-train", "pipeline-register", "pipeline-deploy"].map(role);
    expect(new Set([data?.urn, train?.urn, register?.urn]).size).toBe(3);
    expect(deploy?.urn).toBe(register?.urn);
    expect(subjects(train as PlanResource)).toEqual([`system:serviceaccount:${ns}:pipeline-train`]);
    expect(subjects(data as PlanResource)).toEqual([`system:serviceaccount:${ns}:pipeline-data`]);
    expect(subjects(register as PlanResource)).toEqual([
      `system:serviceaccount:${ns}:pipeline-deploy`,
      `system:serviceaccount:${ns}:pipeline-register`,
    ]);

    // Training: reads its inputs, writes only its namespace's artifacts; no registry, queue or key beyond storage.
    const trainStatements = statements(train as PlanResource);
    const actions = trainStatements.flatMap((s) => strings(s.Action));
    expect(actions.some((a) => a.startsWith("ecr:") || a.startsWith("sqs:"))).toBe(false);
    const writes = trainStatements.filter((s) => strings(s.Action).some((a) => /^s3:(Put|Delete|AbortMultipart)/.test(a)));
    expect(writes.length).toBeGreaterThan(0);
    for (const w of writes) for (const r of strings(w.Resource)) expect(r, ns).toMatch(new RegExp(`-artifacts-[^/]+/pipelines/${ns}/\\*$`));

    // Release (registration, promotion): the namespace's artifacts only, nothing of the data.
    const releaseResources = statements(register as PlanResource).flatMap((s) => strings(s.Resource));
    expect(releaseResources.length).toBeGreaterThan(0);
    for (const r of releaseResources) expect(r, ns).not.toMatch(/-(datasets|features)-|:sqs:|:ecr:/);
  });
});

describe.each(["dev-azure", "uae-prod-azure"])("Azure workload identities of the pipeline namespaces (%s)", (stack) => {
  const plan = shippedPlan(stack).resources;
  const identities = plan.filter((r) => r.type === "azure-native:managedidentity:UserAssignedIdentity");
  const byClientId = (id: string) => identities.find((r) => r.outputs.clientId === id);
  const credentials = (identity: PlanResource) =>
    plan
      .filter(
        (r) => r.type === "azure-native:managedidentity:FederatedIdentityCredential" && r.inputs.resourceName === identity.outputs.name,
      )
      .map((r) => String(r.inputs.subject))
      .sort();
  const grants = (identity: PlanResource) =>
    plan
      .filter((r) => r.type === "azure-native:authorization:RoleAssignment" && r.inputs.principalId === identity.outputs.principalId)
      .map((r) => String(r.inputs.description));
  const namespaces = [
    "ml-pipelines",
    ...plan
      .filter((r) => r.type === "kubernetes:core/v1:Namespace")
      .flatMap((r) => (meta(r).name?.startsWith(teamNamespace("")) ? [meta(r).name as string] : [])),
  ];

  it.each([...new Set(namespaces)])("%s: training, data steps and release steps are three managed identities", (ns) => {
    const sa = accountsOf(plan, ns);
    const identity = (account: string) => {
      const r = byClientId(sa.get(account)?.["azure.workload.identity/client-id"] ?? "");
      if (!r) throw new Error(`${ns}/${account}: no managed identity`);
      return r;
    };
    const [data, train, register, deploy] = ["pipeline-data", "pipeline-train", "pipeline-register", "pipeline-deploy"].map(identity);
    expect(new Set([data?.urn, train?.urn, register?.urn]).size).toBe(3);
    expect(deploy?.urn).toBe(register?.urn);
    expect(credentials(train as PlanResource)).toEqual([`system:serviceaccount:${ns}:pipeline-train`]);
    expect(credentials(register as PlanResource)).toEqual([
      `system:serviceaccount:${ns}:pipeline-deploy`,
      `system:serviceaccount:${ns}:pipeline-register`,
    ]);
    const trainGrants = grants(train as PlanResource);
    const ownArtifacts = new RegExp(`: readwrite artifacts/pipelines/${ns}/$`);
    expect(trainGrants.filter((d) => ownArtifacts.test(d))).toHaveLength(1);
    // Nothing the training code may write except its namespace's artifacts; the rest is read (no registry pull).
    for (const d of trainGrants) expect(d, ns).toMatch(new RegExp(`${ownArtifacts.source}|: read `));
    expect(grants(register as PlanResource).map((d) => ownArtifacts.test(d))).toEqual([true]);
  });
});
