import { resourceRule } from "../../lib/rule";
import { list, obj, str } from "../../lib/values";

/** Kubernetes' built-in roles that grant writes everywhere (or everything). */
const POWERFUL_ROLES = ["cluster-admin", "admin", "edit"];
/** Groups and users that stand for everyone (or every workload) in the cluster. */
const EVERYONE = ["system:authenticated", "system:unauthenticated", "system:serviceaccounts", "system:anonymous"];

/**
 * A cluster-wide binding reaches every namespace, so the platform's ClusterRoleBindings never grant
 * Kubernetes' built-in write roles and never bind anything to everyone (all authenticated users,
 * anonymous, every service account). A RoleBinding never grants cluster-admin (full control of
 * its namespace, its secrets and RBAC included), never binds anything to everyone, and never binds
 * admin or edit to a whole group of workloads (`system:serviceaccounts:<namespace>`).
 */
export const kubernetesRbacClusterrolebindingDisallowBroadGrant = resourceRule({
  name: "kubernetes-rbac-clusterrolebinding-disallow-broad-grant",
  types: (t) => /^kubernetes:rbac\.authorization\.k8s\.io\/[^:]+:(Cluster)?RoleBinding$/.test(t),
  check: ({ args, props, report }) => {
    const clusterWide = args.type.endsWith(":ClusterRoleBinding");
    const ref = obj(props.roleRef);
    const role = str(ref.name) ?? "";
    const builtIn = (str(ref.kind) ?? "ClusterRole") === "ClusterRole" && POWERFUL_ROLES.includes(role);
    if (builtIn && (clusterWide || role === "cluster-admin"))
      report(
        `binds the built-in ClusterRole "${role}"${clusterWide ? " cluster-wide" : " in its namespace"}: bind a platform role with the exact rights instead`,
      );
    list(props.subjects).forEach((s, i) => {
      const subject = obj(s);
      const name = str(subject.name) ?? "";
      const group = /^system:serviceaccounts(:|$)/.test(name);
      if (EVERYONE.includes(name) || (clusterWide && group))
        report(`subjects[${i}] "${name}" stands for every user or workload: bind named groups or service accounts`);
      else if (group && builtIn)
        report(`subjects[${i}] "${name}" gives "${role}" to every workload of the namespace: bind named service accounts`);
    });
  },
});
