import type { PolicyResource } from "@pulumi/policy";
import { stackRule } from "../../lib/rule";
import { iamStatements, list, obj, read, str } from "../../lib/values";

const IRSA_ANNOTATION = "eks.amazonaws.com/role-arn";
const AZURE_ANNOTATION = "azure.workload.identity/client-id";

interface Binding {
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly source: PolicyResource;
  readonly annotation?: string;
}

function subjects(condition: unknown): string[] {
  const out: string[] = [];
  for (const op of Object.values(obj(condition))) {
    for (const [key, value] of Object.entries(obj(op))) {
      if (key.endsWith(":sub")) out.push(...list(value).map(String));
    }
  }
  return out;
}

function bindings(resources: readonly PolicyResource[]): Binding[] {
  const out: Binding[] = [];
  const add = (sub: string, source: PolicyResource, annotation?: string) => {
    const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(sub);
    if (m?.[1] && m[2] && !m[1].includes("*") && !m[2].includes("*"))
      out.push({ namespace: m[1], serviceAccount: m[2], source, annotation });
  };
  for (const r of resources) {
    if (r.type === "aws:iam/role:Role") {
      const doc = read(() => str(r.props.assumeRolePolicy) ?? r.props.assumeRolePolicy);
      if (!doc.known) continue;
      for (const s of iamStatements(doc.value) ?? []) {
        if (!list(s.Action).map(String).includes("sts:AssumeRoleWithWebIdentity")) continue;
        for (const sub of subjects(s.Condition)) add(sub, r, IRSA_ANNOTATION);
      }
    } else if (r.type === "aws:eks/podIdentityAssociation:PodIdentityAssociation") {
      const ns = read(() => str(r.props.namespace));
      const sa = read(() => str(r.props.serviceAccount));
      if (ns.known && sa.known && ns.value && sa.value) out.push({ namespace: ns.value, serviceAccount: sa.value, source: r });
    } else if (r.type === "azure-native:managedidentity:FederatedIdentityCredential") {
      const sub = read(() => str(r.props.subject));
      if (sub.known && sub.value) add(sub.value, r, AZURE_ANNOTATION);
    }
  }
  return out;
}

/** Service accounts trusted by a cloud identity carry that identity. */
export const kubernetesCoreServiceAccountEnforceWorkloadIdentity = stackRule({
  name: "kubernetes-core-service-account-enforce-workload-identity",
  check: ({ resources, report }) => {
    const accounts = new Map<string, PolicyResource>();
    for (const r of resources) {
      if (r.type !== "kubernetes:core/v1:ServiceAccount") continue;
      const meta = obj(r.props.metadata);
      const name = read(() => str(meta.name));
      const ns = read(() => str(meta.namespace) ?? "default");
      if (name.known && ns.known && name.value) accounts.set(`${ns.value}/${name.value}`, r);
    }
    if (accounts.size === 0) return;
    for (const b of bindings(resources)) {
      const sa = accounts.get(`${b.namespace}/${b.serviceAccount}`);
      // Service accounts created by Helm charts are not in the program; their chart values carry the annotation.
      if (!sa || !b.annotation) continue;
      const value = read(() => str(obj(obj(sa.props.metadata).annotations)[b.annotation as string]));
      if (value.known && !value.value) {
        report(
          sa,
          `service account ${b.namespace}/${b.serviceAccount} is trusted by ${b.source.name} but lacks the ${b.annotation} annotation, so pods would fall back to node credentials`,
        );
      }
    }
  },
});
