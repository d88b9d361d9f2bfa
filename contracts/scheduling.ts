/**
 * The node-pool scheduling contract, the same on both clouds: which labels a node pool's nodes
 * carry, which taint keeps ordinary pods off GPU nodes, and which labels and toleration a pod
 * uses to land on a GPU or CPU-inference pool. The cloud layers stamp these on their node pools,
 * the stack presets and schema require them, the platform services and the workflow lint select
 * and tolerate them. Spelled here once so that they cannot drift apart.
 */

/** A Kubernetes taint. */
export interface Taint {
  readonly key: string;
  readonly value: string;
  readonly effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

/** What a node pool runs: critical add-ons, CPU inference, or GPU training. */
export type PoolKind = "system" | "cpu" | "gpu";

/**
 * Label keys the platform puts on every node (both clouds). The pool's own labels come first;
 * these win, so a pool cannot pretend to be another kind.
 */
export const NODE_LABEL_KEYS = {
  /** `system`, `cpu` or `gpu` ({@link PoolKind}). */
  kind: "mlops.platform/pool-kind",
  /** The pool's name. */
  nodePool: "mlops.platform/node-pool",
  /** `spot` or `on-demand`. */
  capacity: "mlops.platform/capacity",
  /** `nvidia` on GPU pools. */
  accelerator: "mlops.platform/accelerator",
  /** The purpose label pods select on (`gpu-training`, `cpu-inference`); set by the presets. */
  pool: "mlops.platform/pool",
} as const;

/** The label key NVIDIA's own tooling (device plugin, GPU feature discovery) selects GPU nodes by. */
export const GPU_PRESENT_KEY = "nvidia.com/gpu.present";
/** The GPU-present label every GPU node carries. */
export const GPU_PRESENT_LABEL = { [GPU_PRESENT_KEY]: "true" } as const;
/** The extended resource a GPU container requests. */
export const GPU_RESOURCE = "nvidia.com/gpu";
/** The taint every GPU pool carries, so that only pods that tolerate it land there. */
export const GPU_TAINT: Taint = { key: GPU_RESOURCE, value: "present", effect: "NoSchedule" };
/** The toleration of {@link GPU_TAINT} (any value). */
export const GPU_TOLERATION = { key: GPU_TAINT.key, operator: "Exists", effect: GPU_TAINT.effect } as const;

/** The purpose label values of the presets' pools. */
export const POOL_PURPOSES = { gpu: "gpu-training", cpu: "cpu-inference" } as const;
/** The labels every GPU pool of the presets carries (the pods' GPU node selector). */
export const GPU_POOL_LABELS = { [NODE_LABEL_KEYS.pool]: POOL_PURPOSES.gpu, ...GPU_PRESENT_LABEL } as const;
/** The labels every CPU inference pool of the presets carries. */
export const CPU_POOL_LABELS = { [NODE_LABEL_KEYS.pool]: POOL_PURPOSES.cpu } as const;
/** Label keys whose common value across pools of a kind makes the pods' selector of that kind. */
export const GPU_SELECTOR_KEYS = [GPU_PRESENT_KEY, NODE_LABEL_KEYS.pool] as const;
/** Label keys of the CPU inference selector. */
export const CPU_SELECTOR_KEYS = [NODE_LABEL_KEYS.pool] as const;

/** The labels the platform stamps on a pool's nodes, after the pool's own. */
export function platformPoolLabels(kind: PoolKind, pool: { name: string; spot: boolean }): Record<string, string> {
  return {
    [NODE_LABEL_KEYS.nodePool]: pool.name,
    [NODE_LABEL_KEYS.kind]: kind,
    [NODE_LABEL_KEYS.capacity]: pool.spot ? "spot" : "on-demand",
    ...(kind === "gpu" ? { ...GPU_PRESENT_LABEL, [NODE_LABEL_KEYS.accelerator]: "nvidia" } : {}),
  };
}

/** True when `taints` include the GPU taint (key and effect; any value). */
export function hasGpuTaint(taints: readonly Taint[]): boolean {
  return taints.some((t) => t.key === GPU_TAINT.key && t.effect === GPU_TAINT.effect);
}
