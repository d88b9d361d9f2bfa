/**
 * The capacity of a size profile, derived from its preset (stacks/profiles.ts), the instance
 * catalogue (stacks/catalog/instances.ts) and the stated assumptions below: how many GPU training
 * runs fit at once, how much inference the CPU pool carries at its maximum size, and what the node
 * pools cost idle and at full scale. docs/capacity.md shows these numbers; a test recomputes them
 * from here, so the document cannot drift from the profiles.
 */
import type { CloudName } from "../components/contracts";
import { istioCniValues, ztunnelValues } from "../components/k8s/mesh";
import { INSTANCE_SPECS } from "./catalog/instances";
import type { SizeProfileName } from "./catalog/types";
import { profilePreset } from "./profiles";
import type { NodePool } from "./schema";

/** Hours in the month used for monthly costs (365 × 24 / 12). */
export const HOURS_PER_MONTH = 730;

/**
 * What a node keeps for itself (kubelet and system reservations, eviction threshold, the node
 * agents: CNI, kube-proxy, node exporter, GPU device plugin and DCGM exporter on GPU nodes). An
 * approximation: EKS and AKS reserve about 0.1–0.2 vCPU and 1–2.5 GiB on these sizes, the agents a
 * few hundred millicores. The mesh's node agents come on top: {@link MESH_NODE_AGENTS}.
 */
export const NODE_RESERVE = { cpu: 0.5, memoryGiB: 2 } as const;

/** A Kubernetes CPU or memory quantity (`250m`, `1`, `512Mi`, `2Gi`) in cores or GiB. */
export function quantity(q: string): number {
  const m = /^([0-9.]+)(m|Mi|Gi)?$/.exec(q);
  if (!m) throw new Error(`quantity "${q}" is not in m, Mi or Gi`);
  const v = Number(m[1]);
  return m[2] === "m" ? v / 1000 : m[2] === "Mi" ? v / 1024 : v;
}

/** The requests of the chart values' `resources`. */
function requestsOf(values: Record<string, unknown>): { cpu: number; memoryGiB: number } {
  const r = (values.resources as { requests: { cpu: string; memory: string } }).requests;
  return { cpu: quantity(r.cpu), memoryGiB: quantity(r.memory) };
}

/**
 * What the mesh's two DaemonSets (ztunnel and the Istio CNI agent) request on every node, read from
 * the chart values the platform installs (components/k8s/mesh.ts), so it cannot drift.
 */
export const MESH_NODE_AGENTS = (() => {
  const z = requestsOf(ztunnelValues());
  const c = requestsOf(istioCniValues());
  return { cpu: z.cpu + c.cpu, memoryGiB: z.memoryGiB + c.memoryGiB };
})();

/** What a node has left for the platform's pods: its size less the reserve and the mesh agents. */
const PER_NODE_OVERHEAD = {
  cpu: NODE_RESERVE.cpu + MESH_NODE_AGENTS.cpu,
  memoryGiB: NODE_RESERVE.memoryGiB + MESH_NODE_AGENTS.memoryGiB,
};

/**
 * What one training run's pod requests at once (workflows/training-pipeline.yaml, template
 * `train`): the training container (4 CPU, 16 GiB), the checkpoint sidecar (100m, 128 MiB) and
 * Argo's wait container (25m, 64 MiB); one GPU at the default `gpu-count`.
 */
export const TRAINING_POD = { cpu: 3.125, memoryGiB: 16 + 0.125 + 0.0625, gpus: 1 } as const;

/** What one model-serving replica requests (components/k8s/serving.ts, `resources("large")`). */
export const SERVING_REPLICA = { cpu: 0.5, memoryGiB: 2 } as const;

/**
 * Assumed requests per second one serving replica answers: a small tabular model (gradient-boosted
 * trees, single-row JSON requests) on the MLflow scoring server. Not measured here.
 */
export const ASSUMED_RPS_PER_REPLICA = 30;

/** An hourly on-demand price and where it comes from. */
export interface Price {
  readonly usdPerHour: number;
  /** `sourced`: read from a stored table; `estimated`: derived, see {@link AWS_REGION_FACTOR}. */
  readonly kind: "sourced" | "estimated";
}

/**
 * me-central-1 over us-east-1 for the same instance, from the stored table that gives both
 * (tsaol/aws-gpu `data/g5_instances.js`, 2026-01-21: g5.2xlarge 1.48669 / 1.212, g5.12xlarge
 * 6.9575 / 5.672; both 1.22664).
 */
export const AWS_REGION_FACTOR = 1.48669 / 1.212;

/** Linux on-demand prices in me-central-1 (USD per hour). */
export const AWS_PRICES: Readonly<Record<string, Price>> = {
  // Sourced: tsaol/aws-gpu commit 7412fd256c5eda04a70a17742a68e8e44824b2cb (instances.vantage.sh, AWS Price List API), 2026-01-21.
  "g5.2xlarge": { usdPerHour: 1.48669, kind: "sourced" },
  "g6.2xlarge": { usdPerHour: 1.20043, kind: "sourced" },
  "g5.12xlarge": { usdPerHour: 6.9575, kind: "sourced" },
  "g6.12xlarge": { usdPerHour: 5.65045, kind: "sourced" },
  // Estimated: us-east-1 list price × AWS_REGION_FACTOR (no stored me-central-1 table for M5/C5).
  "m5.large": { usdPerHour: 0.096 * AWS_REGION_FACTOR, kind: "estimated" },
  "m5.xlarge": { usdPerHour: 0.192 * AWS_REGION_FACTOR, kind: "estimated" },
  "m5.2xlarge": { usdPerHour: 0.384 * AWS_REGION_FACTOR, kind: "estimated" },
  "c5.2xlarge": { usdPerHour: 0.34 * AWS_REGION_FACTOR, kind: "estimated" },
};

/** The figures of one profile on one cloud. */
export interface ProfileCapacity {
  readonly profile: SizeProfileName;
  readonly cloud: CloudName;
  /** Training runs (one GPU each) that fit at once with every GPU pool at its maximum size. */
  readonly maxTrainingRuns: number;
  readonly gpus: number;
  readonly cpuPoolMaxNodes: number;
  readonly replicasPerCpuNode: number;
  /** Requests per second of the CPU pool at maximum size, at {@link ASSUMED_RPS_PER_REPLICA}. */
  readonly inferenceRps: number;
  /** Node pools at their minimum with the GPU pools at zero; undefined without prices. */
  readonly idleMonthlyUsd?: number;
  /** Every node pool at its maximum size; undefined without prices. */
  readonly fullMonthlyUsd?: number;
}

/** Pods of `pod` that fit on one node of `type` (by CPU, memory and GPUs). */
export function podsPerNode(type: string, pod: { cpu: number; memoryGiB: number; gpus?: number }): number {
  const spec = INSTANCE_SPECS[type];
  if (!spec) throw new Error(`instance type ${type} is not in stacks/catalog/instances.ts`);
  const byCpu = Math.floor((spec.vcpu - PER_NODE_OVERHEAD.cpu) / pod.cpu);
  const byMemory = Math.floor((spec.memoryGiB - PER_NODE_OVERHEAD.memoryGiB) / pod.memoryGiB);
  const byGpu = pod.gpus ? Math.floor(spec.gpus / pod.gpus) : Number.POSITIVE_INFINITY;
  return Math.max(0, Math.min(byCpu, byMemory, byGpu));
}

/** A pool's hourly price per node: its first instance type (the one the node group prefers). Spot pools are priced on demand (an upper bound). */
function poolPrice(cloud: CloudName, pool: NodePool): number | undefined {
  const type = pool.instanceTypes[0] ?? "";
  return cloud === "aws" ? AWS_PRICES[type]?.usdPerHour : undefined;
}

/** The capacity figures of `profile` on `cloud`. */
export function profileCapacity(profile: SizeProfileName, cloud: CloudName): ProfileCapacity {
  const { nodePools } = profilePreset(profile, cloud);
  // A pool may be filled with any of its types: count each node as the smallest of them.
  const podsOnPool = (p: NodePool, pod: { cpu: number; memoryGiB: number; gpus?: number }) =>
    Math.min(...p.instanceTypes.map((t) => podsPerNode(t, pod)));
  const maxTrainingRuns = nodePools.gpu.reduce((sum, p) => sum + p.maxSize * podsOnPool(p, TRAINING_POD), 0);
  const gpus = nodePools.gpu.reduce((sum, p) => sum + p.maxSize * Math.min(...p.instanceTypes.map((t) => INSTANCE_SPECS[t]?.gpus ?? 0)), 0);
  const replicasPerCpuNode = Math.min(...nodePools.cpu.map((p) => podsOnPool(p, SERVING_REPLICA)));
  const cpuPoolMaxNodes = nodePools.cpu.reduce((sum, p) => sum + p.maxSize, 0);
  const inferenceRps = nodePools.cpu.reduce((sum, p) => sum + p.maxSize * podsOnPool(p, SERVING_REPLICA), 0) * ASSUMED_RPS_PER_REPLICA;
  const pools = [nodePools.system, ...nodePools.cpu, ...nodePools.gpu];
  const prices = pools.map((p) => poolPrice(cloud, p));
  const priced = prices.every((x) => x !== undefined);
  const monthly = (nodes: (p: NodePool) => number) =>
    pools.reduce((sum, p, i) => sum + nodes(p) * (prices[i] as number), 0) * HOURS_PER_MONTH;
  const gpuPools = new Set(nodePools.gpu);
  return {
    profile,
    cloud,
    maxTrainingRuns,
    gpus,
    cpuPoolMaxNodes,
    replicasPerCpuNode,
    inferenceRps,
    ...(priced ? { idleMonthlyUsd: monthly((p) => (gpuPools.has(p) ? 0 : p.minSize)), fullMonthlyUsd: monthly((p) => p.maxSize) } : {}),
  };
}
