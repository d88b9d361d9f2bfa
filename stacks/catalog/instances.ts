/**
 * What one node of each instance type / VM size the profiles use holds: vCPUs, memory and GPUs.
 * The GPU count sizes the GPU queues (a pool's capacity is max nodes × GPUs per node) and
 * docs/capacity.md derives the profiles' capacity from the same figures.
 *
 * Sources: AWS "Amazon EC2 instance types" specifications (accelerated computing: G5, G6;
 * general purpose: M5; compute optimised: C5) and Microsoft Learn's VM size pages (Dv5,
 * NCasT4_v3, NC A100 v4).
 */

/** One node's resources. */
export interface InstanceSpec {
  readonly vcpu: number;
  readonly memoryGiB: number;
  /** NVIDIA GPUs of the node (0 for CPU types). */
  readonly gpus: number;
  readonly gpuModel?: string;
}

/** Instance types and VM sizes of the profiles (stacks/catalog/aws.ts, azure.ts). */
export const INSTANCE_SPECS: Readonly<Record<string, InstanceSpec>> = {
  "m5.large": { vcpu: 2, memoryGiB: 8, gpus: 0 },
  "m5.xlarge": { vcpu: 4, memoryGiB: 16, gpus: 0 },
  "m5.2xlarge": { vcpu: 8, memoryGiB: 32, gpus: 0 },
  "c5.2xlarge": { vcpu: 8, memoryGiB: 16, gpus: 0 },
  "g5.2xlarge": { vcpu: 8, memoryGiB: 32, gpus: 1, gpuModel: "NVIDIA A10G" },
  "g6.2xlarge": { vcpu: 8, memoryGiB: 32, gpus: 1, gpuModel: "NVIDIA L4" },
  "g5.12xlarge": { vcpu: 48, memoryGiB: 192, gpus: 4, gpuModel: "NVIDIA A10G" },
  "g6.12xlarge": { vcpu: 48, memoryGiB: 192, gpus: 4, gpuModel: "NVIDIA L4" },
  Standard_D4s_v5: { vcpu: 4, memoryGiB: 16, gpus: 0 },
  Standard_D8s_v5: { vcpu: 8, memoryGiB: 32, gpus: 0 },
  Standard_D16s_v5: { vcpu: 16, memoryGiB: 64, gpus: 0 },
  Standard_NC4as_T4_v3: { vcpu: 4, memoryGiB: 28, gpus: 1, gpuModel: "NVIDIA T4" },
  Standard_NC24ads_A100_v4: { vcpu: 24, memoryGiB: 220, gpus: 1, gpuModel: "NVIDIA A100 80GB" },
};

/**
 * GPUs per node of a pool: its `gpusPerNode` when set, otherwise the fewest GPUs among its
 * instance types (a pool that mixes sizes is counted at its smallest). `undefined` when an
 * instance type is not in {@link INSTANCE_SPECS} and the pool does not say.
 */
export function poolGpusPerNode(pool: {
  readonly instanceTypes: readonly string[];
  readonly gpusPerNode?: number | undefined;
}): number | undefined {
  if (pool.gpusPerNode !== undefined) return pool.gpusPerNode;
  const counts = pool.instanceTypes.map((t) => INSTANCE_SPECS[t]?.gpus);
  if (counts.length === 0 || counts.some((c) => c === undefined)) return undefined;
  return Math.min(...(counts as number[]));
}
