import {
  APPROVAL_ADMISSION_POLICY,
  GUARDED_ADMISSION_POLICIES,
  guardOf,
  POD_ADMISSION_POLICIES,
  TEAM_ADMISSION_POLICY,
} from "../../lib/guarded-namespaces";
import { stackRule } from "../../lib/rule";
import { list, obj, read, str } from "../../lib/values";

const VAP = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy";
const BINDING = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding";

/**
 * The in-cluster admission policies exist and are bound to every pipeline, team and serving
 * namespace (by the immutable `kubernetes.io/metadata.name` label), denying in production: the
 * pod policies everywhere, the workflow-identity policy in team namespaces, and the approval
 * policy in every pipeline namespace (`ml-pipelines` and the teams). A namespace named `team-*` is
 * a team namespace with or without its label. A policy or binding declared under a platform
 * name (it replaces the platform's object in the cluster) keeps its teeth: a policy fails closed
 * (failurePolicy Fail), has no matchConditions and no exclusions; a binding points at the policy
 * of its name, selects by name only and still selects every namespace that policy guards.
 */
export const kubernetesAdmissionregistrationBindingEnforceGuardedNamespaces = stackRule({
  name: "kubernetes-admissionregistration-binding-enforce-guarded-namespaces",
  check: ({ resources, settings, report }) => {
    const namespaces = resources.filter((r) => r.type === "kubernetes:core/v1:Namespace");
    for (const p of resources.filter((r) => r.type === VAP)) {
      const v = read(() => {
        const name = str(obj(p.props.metadata).name) ?? "";
        if (!GUARDED_ADMISSION_POLICIES.includes(name)) return [];
        const spec = obj(p.props.spec);
        const out: string[] = [];
        const failure = str(spec.failurePolicy);
        if (failure !== undefined && failure !== "Fail") out.push(`failurePolicy ${failure} (it must fail closed: Fail)`);
        if (list(spec.matchConditions).length) out.push("matchConditions, which can exclude any request from the guardrail");
        const c = obj(spec.matchConstraints);
        for (const k of ["excludeResourceRules", "namespaceSelector", "objectSelector"])
          if (list(c[k]).length && (k === "excludeResourceRules" || Object.keys(obj(c[k])).length))
            out.push(`matchConstraints.${k}, which narrows the guardrail`);
        return out.map((o) => `the platform's admission policy ${name} is declared with ${o}`);
      });
      if (!v.known) report(p, `the admission policy's ${v.path} is unknown during preview: its guardrail cannot be verified`);
      else for (const m of v.value) report(p, m);
    }
    if (namespaces.length === 0) return;
    /** Guarded namespaces that need each policy. */
    const needs = new Map<string, string[]>();
    for (const ns of namespaces) {
      const g = read(() => guardOf(ns.props));
      if (!g.known || !g.value.guarded) continue;
      const needed = [
        ...POD_ADMISSION_POLICIES,
        ...(g.value.team ? [TEAM_ADMISSION_POLICY] : []),
        ...(g.value.pipelines ? [APPROVAL_ADMISSION_POLICY] : []),
      ];
      for (const p of needed) needs.set(p, [...(needs.get(p) ?? []), g.value.name]);
    }
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
      const own = read(() => {
        const name = str(obj(b.props.metadata).name) ?? "";
        const s = obj(b.props.spec);
        const mr = obj(s.matchResources);
        const selector = obj(mr.namespaceSelector);
        const narrowing = [
          ...Object.keys(obj(selector.matchLabels)).map((k) => `namespaceSelector.matchLabels ${k}`),
          ...list(selector.matchExpressions)
            .map(obj)
            .filter((e) => !(e.key === "kubernetes.io/metadata.name" && e.operator === "In"))
            .map((e) => `namespaceSelector expression ${str(e.key)} ${str(e.operator)}`),
          ...(Object.keys(obj(mr.objectSelector)).length ? ["objectSelector"] : []),
          ...(list(mr.excludeResourceRules).length ? ["excludeResourceRules"] : []),
        ];
        return { name, narrowing };
      });
      if (!own.known) {
        report(b, `the binding's ${own.path} is unknown during preview: which namespaces it guards cannot be verified`);
        continue;
      }
      if (GUARDED_ADMISSION_POLICIES.includes(own.value.name) && policy !== own.value.name)
        report(b, `the binding ${own.value.name} replaces the platform's binding of ${own.value.name} but binds ${policy || "no policy"}`);
      if (GUARDED_ADMISSION_POLICIES.includes(policy)) {
        for (const n of own.value.narrowing) report(b, `binding of ${policy} narrows what it guards with ${n}`);
        const missing = (needs.get(policy) ?? []).filter((ns) => !values.includes(ns));
        if (missing.length)
          report(b, `binding of ${policy} leaves out the guarded namespace(s) ${missing.join(", ")}: one binding selects them all`);
      }
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
