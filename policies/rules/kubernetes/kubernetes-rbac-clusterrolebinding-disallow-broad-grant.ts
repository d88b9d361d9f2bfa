import { resourceRule } from "../../lib/rule";
import { list, obj, str } from "../../lib/values";

/** Kubernetes' built-in roles that grant writes everywhere (or everything). */
const POWERFUL_ROLES = ["cluster-admin", "admin", "edit"];
/** Groups and users that stand for everyone (or every workload) in the cluster. */
const EVERYONE = ["system:authenticated", "system:unauthenticated", "system:serviceaccounts", "system:anonymous"];

/**
 * A cluster-wide binding reaches every namespace, so the platform's ClusterRoleBindings never grant
 * Kubernetes' built-in write roles and never bind anything to everyone (all authenticated users,
 * anonymous, every service account).
 */
export const kubernetesRbacClusterrolebindingDisallowBroadGrant = resourceRule({
  name: "kubernetes-rbac-clusterrolebinding-disallow-broad-grant",
  types: ["kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding"],
  check: ({ props, report }) => {
    const role = str(obj(props.roleRef).name) ?? "";
    if (POWERFUL_ROLES.includes(role))
      report(`binds the built-in ClusterRole "${role}" cluster-wide: bind a platform role with the exact rights instead`);
    list(props.subjects).forEach((s, i) => {
      const subject = obj(s);
      const name = str(subject.name) ?? "";
      if (EVERYONE.includes(name) || /^system:serviceaccounts(:|$)/.test(name))
        report(`subjects[${i}] "${name}" stands for every user or workload: bind named groups or service accounts`);
    });
  },
});
