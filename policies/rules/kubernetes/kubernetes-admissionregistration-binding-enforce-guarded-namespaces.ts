import { APPROVAL_ADMISSION_POLICY, guardOf, POD_ADMISSION_POLICIES, TEAM_ADMISSION_POLICY } from "../../lib/guarded-namespaces";
import { stackRule } from "../../lib/rule";
import { list, obj, read, str } from "../../lib/values";

const VAP = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy";
const BINDING = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding";

/**
 * The in-cluster admission policies exist and are bound to every pipeline, team and serving
 * namespace (by the immutable `kubernetes.io/metadata.name` label), denying in production: the
 * pod policies everywhere, the workflow-identity policy in team namespaces, and the approval
 * policy in every pipeline namespace (`ml-pipelines` and the teams).
 */
export const kubernetesAdmissionregistrationBindingEnforceGuardedNamespaces = stackRule({
  name: "kubernetes-admissionregistration-binding-enforce-guarded-namespaces",
  check: ({ resources, settings, report }) => {
    const namespaces = resources.filter((r) => r.type === "kubernetes:core/v1:Namespace");
    if (namespaces.length === 0) return;
    const policies = new Set(resources.filter((r) => r.type === VAP).map((r) => str(obj(r.props.metadata).name) ?? ""));
    // policy name → namespaces its bindings cover (undefined: unknown during preview)
    const covered = new Map<string, Set<string> | undefined>();
    for (const b of resources.filter((r) => r.type === BINDING)) {
      const spec = read(() => {
        const s = obj(b.props.spec);
        const selector = obj(obj(s.matchResources).namespaceSelector);
        const values = list(selector.matchExpressions)
          .map(obj)
          .filter((e) => e.key === "kubernetes.io/metadata.name" && e.operator === "In")
          .flatMap((e) => list(e.values).map(String));
        return { policy: str(s.policyName) ?? "", values, actions: list(s.validationActions).map(String), other: Object.keys(selector) };
      });
      if (!spec.known) {
        report(b, `the binding's ${spec.path} is unknown during preview: which namespaces it guards cannot be verified`);
        continue;
      }
      const { policy, values, actions } = spec.value;
      if (settings.production && !actions.includes("Deny"))
        report(b, `binding of ${policy} only ${actions.join("+") || "does nothing"} in a production stack: add Deny`);
      if (actions.length === 0) report(b, `binding of ${policy} has no validationActions`);
      const set = covered.get(policy) ?? new Set<string>();
      for (const v of values) set.add(v);
      covered.set(policy, set);
    }
    for (const ns of namespaces) {
      const g = read(() => guardOf(ns.props));
      if (!g.known) {
        report(ns, `the namespace's ${g.path} is unknown during preview: whether admission must guard it cannot be verified`);
        continue;
      }
      if (!g.value.guarded) continue;
      const needed = [
        ...POD_ADMISSION_POLICIES,
        ...(g.value.team ? [TEAM_ADMISSION_POLICY] : []),
        ...(g.value.pipelines ? [APPROVAL_ADMISSION_POLICY] : []),
      ];
      for (const p of needed) {
        if (!policies.has(p)) report(ns, `namespace ${g.value.name} needs the admission policy ${p}, which the stack does not declare`);
        else if (!covered.get(p)?.has(g.value.name))
          report(
            ns,
            `namespace ${g.value.name} is not bound to the admission policy ${p} (no binding selects kubernetes.io/metadata.name=${g.value.name})`,
          );
      }
    }
  },
});
