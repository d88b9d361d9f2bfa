import { SAFE_SYSCTLS } from "../../../contracts/kubernetes";
import { inCheckedNamespace, WORKLOAD_TYPES, workloadOf } from "../../lib/kubernetes";
import { resourceRule } from "../../lib/rule";
import { isTrue, list, obj, read, str } from "../../lib/values";

const HELM = /^kubernetes:helm\.sh\/v\d+:(Release|Chart)$/;
const HOST_NAMESPACES = ["hostNetwork", "hostPID", "hostIPC"];

/**
 * Privileged settings in Helm values, by the chart conventions: `privileged` or
 * `allowPrivilegeEscalation` true inside any `*securityContext*` object, host namespaces true
 * anywhere. Values unknown during a preview are skipped (the registry rule reports them).
 */
export function helmValuesPrivileges(values: unknown): string[] {
  const out: string[] = [];
  const visit = (v: unknown, path: string, parentKey: string, depth: number) => {
    if (depth > 30 || v === null || typeof v !== "object") return;
    const keys = Array.isArray(v) ? v.map((_, i) => String(i)) : Object.keys(v);
    for (const k of keys) {
      const child = read(() => (v as Record<string, unknown>)[k]);
      if (!child.known) continue;
      const p = Array.isArray(v) ? `${path}[${k}]` : path ? `${path}.${k}` : k;
      const inSc = /securitycontext/i.test(parentKey);
      if (isTrue(child.value) && ((inSc && (k === "privileged" || k === "allowPrivilegeEscalation")) || HOST_NAMESPACES.includes(k)))
        out.push(`values.${p} is ${String(child.value)}`);
      if (inSc && k === "capabilities") {
        const added = list(obj(child.value).add)
          .map(capabilityName)
          .filter((c) => !ALLOWED_CAPABILITIES.includes(c));
        if (added.length) out.push(`values.${p}.add adds capabilities ${added.join(", ")}`);
      }
      visit(child.value, p, Array.isArray(v) ? parentKey : k, depth + 1);
    }
  };
  visit(values, "", "", 0);
  return out;
}

/** Capabilities a container may add (binding ports below 1024 only). */
const ALLOWED_CAPABILITIES = ["NET_BIND_SERVICE"];

/** `cap_sys_admin`, `CAP_SYS_ADMIN` and `SYS_ADMIN` are the same capability. */
export function capabilityName(value: unknown): string {
  return (str(value) ?? JSON.stringify(value)).trim().toUpperCase().replace(/^CAP_/, "");
}

/** SELinux types the baseline Pod Security Standard allows (empty = the runtime's default). */
export const SELINUX_TYPES = ["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"];

const APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/";

/** Baseline settings of one securityContext (pod or container): SELinux and AppArmor. */
function baselineFindings(sc: Record<string, unknown>): string[] {
  const out: string[] = [];
  const se = obj(sc.seLinuxOptions);
  const seType = str(se.type);
  if (seType !== undefined && !SELINUX_TYPES.includes(seType)) out.push(`uses SELinux type "${seType}"`);
  for (const k of ["user", "role"]) {
    const v = str(se[k]);
    if (v !== undefined && v !== "") out.push(`sets SELinux ${k} "${v}"`);
  }
  const apparmor = str(obj(sc.appArmorProfile).type);
  if (apparmor !== undefined && apparmor.toLowerCase() === "unconfined") out.push("runs without AppArmor (appArmorProfile Unconfined)");
  return out;
}

/** No privileged settings in any workload (every namespace unless exempted by name), nor hostPath persistent volumes. */
export const kubernetesCorePodDisallowPrivileged = resourceRule({
  name: "kubernetes-core-pod-disallow-privileged",
  types: (t) => WORKLOAD_TYPES(t) || HELM.test(t),
  check: ({ args, props, settings, report }) => {
    if (HELM.test(args.type)) {
      if (!inCheckedNamespace(props, settings)) return;
      const values = read(() => props.values);
      if (values.known) for (const f of helmValuesPrivileges(values.value)) report(f);
      return;
    }
    if (/^kubernetes:core\/[^:]+:PersistentVolume$/.test(args.type)) {
      // Cluster-scoped: any pod bound to it through a claim mounts the node's filesystem.
      const pv = obj(props.spec);
      if (pv.hostPath !== undefined && pv.hostPath !== null) report("spec.hostPath: the persistent volume exposes the node's filesystem");
      return;
    }
    if (!inCheckedNamespace(props, settings)) return;
    const w = workloadOf(args.type, props);
    if (!w) return;
    for (const p of w.problems) report(p);
    // Fail closed in production: what is fetched when applied cannot be shown to be unprivileged.
    if (settings.production) for (const e of w.external) report(e);
    for (const { path, spec, annotations } of w.podSpecs) {
      const podSc = obj(spec.securityContext);
      for (const f of baselineFindings(podSc)) report(`${path} ${f}`);
      list(podSc.sysctls).forEach((s, i) => {
        const name = str(obj(s).name) ?? "";
        if (!(SAFE_SYSCTLS as readonly string[]).includes(name.replace(/\//g, ".")))
          report(`${path}.securityContext.sysctls[${i}] sets the unsafe sysctl "${name}"`);
      });
      for (const [k, v] of Object.entries(annotations ?? {})) {
        if (k.startsWith(APPARMOR_ANNOTATION) && str(v)?.trim().toLowerCase() === "unconfined")
          report(`${path}: annotation ${k} runs the container without AppArmor`);
      }
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
      for (const f of baselineFindings(sc)) report(`${path} ${f}`);
      if (isTrue(obj(sc.windowsOptions).hostProcess)) report(`${path} runs as a Windows host process`);
      list(container.ports).forEach((p, i) => {
        const hostPort = obj(p).hostPort;
        if (hostPort !== undefined && hostPort !== null && hostPort !== 0 && hostPort !== "0")
          report(`${path}.ports[${i}] binds a hostPort`);
      });
    }
  },
});
