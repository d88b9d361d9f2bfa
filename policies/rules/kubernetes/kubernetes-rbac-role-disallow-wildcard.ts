import { resourceRule } from "../../lib/rule";
import { list, obj } from "../../lib/values";

/** No wildcards in platform Roles and ClusterRoles. */
export const kubernetesRbacRoleDisallowWildcard = resourceRule({
  name: "kubernetes-rbac-role-disallow-wildcard",
  types: ["kubernetes:rbac.authorization.k8s.io/v1:Role", "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole"],
  check: ({ props, report }) => {
    list(props.rules).forEach((r, i) => {
      const rule = obj(r);
      for (const field of ["verbs", "resources", "apiGroups"]) {
        if (list(rule[field]).map(String).includes("*")) report(`rules[${i}].${field} contains "*"`);
      }
    });
  },
});
