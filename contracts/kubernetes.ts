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
