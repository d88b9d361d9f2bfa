import { powerfulAggregation, rbacEscalations } from "../../lib/rbac";
import { resourceRule } from "../../lib/rule";
import { list, obj } from "../../lib/values";

/** Every verb the API server knows for resources: a rule listing all of them grants what `*` grants. */
const EVERY_VERB = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"];
/** Verbs that let the holder grant itself more than it has. */
const ESCALATING_VERBS = ["escalate", "bind", "impersonate"];

/**
 * No wildcards in platform Roles and ClusterRoles, whatever their spelling: `*` alone or inside an
 * entry (`pods/*`, `*.k8s.io`, `/api/*`), all eight resource verbs listed one by one, and the verbs
 * that escalate (escalate, bind, impersonate). Entries are compared as the API server does:
 * verbs and resources case-sensitively, after trimming. Escalations without any wildcard too
 * (policies/lib/rbac.ts): every secret of the cluster, nodes/proxy, serviceaccounts/token,
 * certificate approval and signing, exec/attach cluster-wide, writing admission policies or
 * webhooks, and an aggregationRule that pulls in the admin/edit roles.
 */
export const kubernetesRbacRoleDisallowWildcard = resourceRule({
  name: "kubernetes-rbac-role-disallow-wildcard",
  types: ["kubernetes:rbac.authorization.k8s.io/v1:Role", "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole"],
  check: ({ args, props, report }) => {
    const clusterRole = args.type.endsWith(":ClusterRole");
    for (const e of rbacEscalations(props.rules, clusterRole)) report(e);
    if (clusterRole) {
      const agg = powerfulAggregation(props.aggregationRule);
      if (agg) report(agg);
    }
    list(props.rules).forEach((r, i) => {
      const rule = obj(r);
      for (const field of ["verbs", "resources", "apiGroups", "nonResourceURLs"]) {
        for (const entry of list(rule[field]).map((v) => String(v).trim())) {
          if (entry.includes("*")) report(`rules[${i}].${field} contains the wildcard "${entry}"`);
        }
      }
      const verbs = new Set(list(rule.verbs).map((v) => String(v).trim().toLowerCase()));
      if (EVERY_VERB.every((v) => verbs.has(v))) report(`rules[${i}].verbs lists every verb (${EVERY_VERB.join(", ")}): that is "*"`);
      for (const v of ESCALATING_VERBS)
        if (verbs.has(v)) report(`rules[${i}].verbs grants "${v}", which lets the holder escalate its own rights`);
    });
  },
});
