/**
 * Kubernetes versions the platform supports on both clouds, and the default. The stack schema,
 * the presets and the cluster components read them; the AWS cluster autoscaler's image is
 * pinned per minor in `versions.ts` next to every other pin.
 */

/** Kubernetes minors the platform is tested against (EKS and AKS both offer them). */
export const SUPPORTED_KUBERNETES_VERSIONS = ["1.32", "1.33", "1.34", "1.35"] as const;
/** One supported minor. */
export type KubernetesVersion = (typeof SUPPORTED_KUBERNETES_VERSIONS)[number];
/** The minor the presets use when a stack sets none. */
export const DEFAULT_KUBERNETES_VERSION: KubernetesVersion = "1.33";

/** True when `v` is a supported minor. */
export function isSupportedKubernetesVersion(v: string): v is KubernetesVersion {
  return (SUPPORTED_KUBERNETES_VERSIONS as readonly string[]).includes(v);
}

/**
 * Sysctls the baseline (and restricted) Pod Security Standard allows: namespaced and isolated from
 * the node. `net.ipv4.tcp_rmem` and `tcp_wmem` joined the list in Kubernetes 1.32, the oldest
 * supported minor. The admission policies and the policy pack both read this list.
 */
export const SAFE_SYSCTLS = [
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
  "net.ipv4.tcp_rmem",
  "net.ipv4.tcp_wmem",
] as const;
