import { inPlatformNamespace, WORKLOAD_TYPES, workloadOf } from "../../lib/kubernetes";
import { resourceRule } from "../../lib/rule";
import { list, num, obj, str } from "../../lib/values";

const SECCOMP_OK = ["RuntimeDefault", "Localhost"];

/** Pod Security Standards `restricted`: non-root, drop ALL, seccomp. */
export const kubernetesCorePodEnforceRestrictedProfile = resourceRule({
  name: "kubernetes-core-pod-enforce-restricted-profile",
  types: WORKLOAD_TYPES,
  check: ({ args, props, settings, report }) => {
    if (!inPlatformNamespace(props, settings.platformNamespaces)) return;
    const w = workloadOf(args.type, props);
    if (!w) return;
    const pod = obj(w.podSpecs[0]?.spec.securityContext);
    const podNonRoot = pod.runAsNonRoot === true;
    const podSeccomp = str(obj(pod.seccompProfile).type);
    if (num(pod.runAsUser) === 0) report("the pod runs as UID 0 (securityContext.runAsUser)");
    for (const { path, container } of w.containers) {
      const sc = obj(container.securityContext);
      if (!(sc.runAsNonRoot === true || (podNonRoot && sc.runAsNonRoot !== false))) report(`${path} may run as root (runAsNonRoot: true)`);
      if (num(sc.runAsUser) === 0) report(`${path} runs as UID 0`);
      if (!list(obj(sc.capabilities).drop).map(String).includes("ALL")) report(`${path} does not drop ALL capabilities`);
      const seccomp = str(obj(sc.seccompProfile).type) ?? podSeccomp;
      if (!seccomp || !SECCOMP_OK.includes(seccomp)) report(`${path} has no RuntimeDefault seccomp profile`);
    }
  },
});
