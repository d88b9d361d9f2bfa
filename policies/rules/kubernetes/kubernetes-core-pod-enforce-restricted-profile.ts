import { inCheckedNamespace, WORKLOAD_TYPES, workloadOf } from "../../lib/kubernetes";
import { resourceRule } from "../../lib/rule";
import { list, num, obj, str } from "../../lib/values";
import { capabilityName } from "./kubernetes-core-pod-disallow-privileged";

const SECCOMP_OK = ["RuntimeDefault", "Localhost"];

const isFalse = (v: unknown) => v === false || v === "false";
const isTrueFlag = (v: unknown) => v === true || v === "true";

/** Pod Security Standards `restricted`: non-root, drop ALL, seccomp (every namespace unless exempted by name). */
export const kubernetesCorePodEnforceRestrictedProfile = resourceRule({
  name: "kubernetes-core-pod-enforce-restricted-profile",
  types: WORKLOAD_TYPES,
  check: ({ args, props, settings, report }) => {
    if (!inCheckedNamespace(props, settings)) return;
    const w = workloadOf(args.type, props);
    if (!w) return;
    for (const p of w.problems) report(p);
    for (const { path, spec } of w.podSpecs) {
      const sc = obj(spec.securityContext);
      if (num(sc.runAsUser) === 0) report(`${path} runs the pod as UID 0 (securityContext.runAsUser)`);
      if (isFalse(sc.runAsNonRoot)) report(`${path} sets securityContext.runAsNonRoot: false`);
      const seccomp = str(obj(sc.seccompProfile).type);
      if (seccomp !== undefined && !SECCOMP_OK.includes(seccomp)) report(`${path} uses seccomp profile "${seccomp}"`);
    }
    for (const { path, container, pod, partial } of w.containers) {
      const sc = obj(container.securityContext);
      const podSc = obj(pod.securityContext);
      const nonRoot = sc.runAsNonRoot !== undefined && sc.runAsNonRoot !== null ? sc.runAsNonRoot : podSc.runAsNonRoot;
      const uid = num(sc.runAsUser) ?? num(podSc.runAsUser);
      if (uid === 0) report(`${path} runs as UID 0`);
      if (isFalse(sc.runAsNonRoot)) report(`${path} sets runAsNonRoot: false`);
      else if (!partial && !isTrueFlag(nonRoot)) report(`${path} may run as root (runAsNonRoot: true)`);
      const drop = list(obj(sc.capabilities).drop).map(capabilityName);
      if (!partial && !drop.includes("ALL")) report(`${path} does not drop ALL capabilities`);
      const own = str(obj(sc.seccompProfile).type);
      const seccomp = own ?? str(obj(podSc.seccompProfile).type);
      if (own !== undefined && !SECCOMP_OK.includes(own)) report(`${path} uses seccomp profile "${own}"`);
      else if (!partial && (!seccomp || !SECCOMP_OK.includes(seccomp))) report(`${path} has no RuntimeDefault seccomp profile`);
    }
  },
});
