import { inCheckedNamespace, WORKLOAD_TYPES, workloadOf } from "../../lib/kubernetes";
import { resourceRule } from "../../lib/rule";
import { isTrue, list, obj, str } from "../../lib/values";

/** Capabilities a container may add (binding ports below 1024 only). */
const ALLOWED_CAPABILITIES = ["NET_BIND_SERVICE"];

/** `cap_sys_admin`, `CAP_SYS_ADMIN` and `SYS_ADMIN` are the same capability. */
export function capabilityName(value: unknown): string {
  return (str(value) ?? JSON.stringify(value)).trim().toUpperCase().replace(/^CAP_/, "");
}

/** No privileged settings in any workload (every namespace unless exempted by name). */
export const kubernetesCorePodDisallowPrivileged = resourceRule({
  name: "kubernetes-core-pod-disallow-privileged",
  types: WORKLOAD_TYPES,
  check: ({ args, props, settings, report }) => {
    if (!inCheckedNamespace(props, settings)) return;
    const w = workloadOf(args.type, props);
    if (!w) return;
    for (const p of w.problems) report(p);
    for (const { path, spec } of w.podSpecs) {
      for (const host of ["hostNetwork", "hostPID", "hostIPC", "hostUsers"]) {
        const v = spec[host];
        if (host === "hostUsers" ? v === false || v === "false" : isTrue(v)) report(`${path}.${host} is ${String(v)}`);
      }
      list(spec.volumes).forEach((v, i) => {
        if (obj(v).hostPath !== undefined && obj(v).hostPath !== null) report(`${path}.volumes[${i}] mounts a hostPath`);
      });
      if (isTrue(obj(obj(spec.securityContext).windowsOptions).hostProcess)) report(`${path} runs Windows host processes`);
    }
    for (const { path, container, partial } of w.containers) {
      const sc = obj(container.securityContext);
      if (isTrue(sc.privileged)) report(`${path} is privileged`);
      const escalation = sc.allowPrivilegeEscalation;
      if (partial ? isTrue(escalation) : !(escalation === false || escalation === "false"))
        report(`${path} does not set securityContext.allowPrivilegeEscalation: false`);
      const added = list(obj(sc.capabilities).add)
        .map(capabilityName)
        .filter((c) => !ALLOWED_CAPABILITIES.includes(c));
      if (added.length) report(`${path} adds capabilities ${added.join(", ")}`);
      if (str(sc.procMount) === "Unmasked") report(`${path} uses procMount Unmasked`);
      if (isTrue(obj(sc.windowsOptions).hostProcess)) report(`${path} runs as a Windows host process`);
      list(container.ports).forEach((p, i) => {
        const hostPort = obj(p).hostPort;
        if (hostPort !== undefined && hostPort !== null && hostPort !== 0 && hostPort !== "0")
          report(`${path}.ports[${i}] binds a hostPort`);
      });
    }
  },
});
