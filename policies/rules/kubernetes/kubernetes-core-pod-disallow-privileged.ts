import { inPlatformNamespace, WORKLOAD_TYPES, workloadOf } from "../../lib/kubernetes";
import { resourceRule } from "../../lib/rule";
import { list, obj, str } from "../../lib/values";

/** No privileged settings in workloads of platform namespaces. */
export const kubernetesCorePodDisallowPrivileged = resourceRule({
  name: "kubernetes-core-pod-disallow-privileged",
  types: WORKLOAD_TYPES,
  check: ({ args, props, settings, report }) => {
    if (!inPlatformNamespace(props, settings.platformNamespaces)) return;
    const w = workloadOf(args.type, props);
    if (!w) return;
    for (const { path, spec } of w.podSpecs) {
      for (const host of ["hostNetwork", "hostPID", "hostIPC"]) if (spec[host] === true) report(`${path}.${host} is true`);
      list(spec.volumes).forEach((v, i) => {
        if (obj(v).hostPath !== undefined) report(`${path}.volumes[${i}] mounts a hostPath`);
      });
    }
    for (const { path, container } of w.containers) {
      const sc = obj(container.securityContext);
      if (sc.privileged === true) report(`${path} is privileged`);
      if (sc.allowPrivilegeEscalation !== false) report(`${path} does not set securityContext.allowPrivilegeEscalation: false`);
      const added = list(obj(sc.capabilities).add)
        .map((c) => str(c) ?? "")
        .filter((c) => c !== "NET_BIND_SERVICE");
      if (added.length) report(`${path} adds capabilities ${added.join(", ")}`);
      list(container.ports).forEach((p, i) => {
        if (obj(p).hostPort !== undefined && obj(p).hostPort !== 0) report(`${path}.ports[${i}] binds a hostPort`);
      });
    }
  },
});
