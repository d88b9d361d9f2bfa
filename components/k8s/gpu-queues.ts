/**
 * The GPU queues of a stack, derived from one place (the teams and the GPU pools) so that queue
 * names, quotas and flavors cannot drift apart. Pure: no Pulumi, read by the stack schema (to
 * refuse a quota the pools cannot hold) and by the Kueue component (to create the objects).
 *
 * The Kueue objects, all in one cohort ({@link GPU_COHORT}):
 * - a ResourceFlavor per GPU pool, whose node labels are the pool's name and capacity label, so a
 *   pod admitted on a flavor lands on that pool, and a pod that requires on-demand capacity (the
 *   spot fallback of the training step) is only admitted on an on-demand flavor;
 * - a ClusterQueue per team (`team-<name>`) whose nominal GPU quota is the team's `gpuQuota`,
 *   placed on the pools in their declared order (the presets list the spot pool first), and a
 *   ClusterQueue `platform` with no quota of its own for the platform's `ml-pipelines`;
 * - a ClusterQueue per GPU pool (`pool-<name>`) holding what no team was given, so the cohort's
 *   quota of every flavor is exactly the pool's capacity; no namespace submits to it, it only lends;
 * - a LocalQueue named {@link GPU_LOCAL_QUEUE} in every pipeline namespace, pointing at that
 *   namespace's ClusterQueue. The name is the same everywhere, so the one cluster-wide training
 *   template sends every team's GPU step to that team's queue.
 *
 * Kueue's quota lives on ClusterQueues (a LocalQueue has none), which is why a team's quota is on
 * its own ClusterQueue. Every queue may borrow any idle GPU of the cohort; a team reclaims its
 * nominal quota by preempting borrowers (`reclaimWithinCohort: Any`).
 */
import { NAMESPACES, TEAM_NAMESPACE_PREFIX, teamNamespace } from "../../contracts/endpoints";
import { GPU_RESOURCE, NODE_LABEL_KEYS } from "../../contracts/scheduling";

/** The cohort every GPU ClusterQueue belongs to: idle GPUs are lent within it. */
export const GPU_COHORT = "gpu-training";
/** The LocalQueue of every pipeline namespace (the `kueue.x-k8s.io/queue-name` of GPU steps). */
export const GPU_LOCAL_QUEUE = "gpu";
/** The pod label Kueue's pod integration reads. */
export const QUEUE_NAME_LABEL = "kueue.x-k8s.io/queue-name";
/** The ClusterQueue of the platform's own pipeline namespace (no quota of its own: it borrows). */
export const PLATFORM_CLUSTER_QUEUE = "platform";

/** What the queues need to know of a GPU pool. */
export interface GpuPoolCapacity {
  readonly name: string;
  readonly spot: boolean;
  /** The pool's maximum node count. */
  readonly maxNodes: number;
  /** GPUs of one node (the fewest of the pool's instance types). */
  readonly gpusPerNode: number;
}

/** What the queues need to know of a team. */
export interface QueueTeam {
  readonly name: string;
  readonly gpuQuota: number;
}

/** The GPUs a pool holds at its maximum size. */
export function poolGpuCapacity(pool: GpuPoolCapacity): number {
  return pool.maxNodes * pool.gpusPerNode;
}

/** The GPUs of every pool at maximum size. */
export function totalGpuCapacity(pools: readonly GpuPoolCapacity[]): number {
  return pools.reduce((sum, p) => sum + poolGpuCapacity(p), 0);
}

/** The names of a pipeline namespace's queues: the one function every layer derives them from. */
export function gpuQueueNames(team?: string): { readonly namespace: string; readonly clusterQueue: string; readonly localQueue: string } {
  return team === undefined
    ? { namespace: NAMESPACES.pipelines, clusterQueue: PLATFORM_CLUSTER_QUEUE, localQueue: GPU_LOCAL_QUEUE }
    : { namespace: teamNamespace(team), clusterQueue: `${TEAM_NAMESPACE_PREFIX}${team}`, localQueue: GPU_LOCAL_QUEUE };
}

/** The ResourceFlavor of a GPU pool. */
export function flavorName(pool: string): string {
  return `gpu-${pool}`;
}

/** The lending ClusterQueue of a GPU pool. */
export function poolClusterQueueName(pool: string): string {
  return `pool-${pool}`;
}

/** A problem with the teams' quotas, at its team's index. */
export interface QuotaProblem {
  readonly team: number;
  readonly message: string;
}

/**
 * Quotas the GPU pools cannot hold: a team's `gpuQuota` above the pools' capacity at maximum size
 * (max nodes × GPUs per node), or the teams' quotas together above it (nominal quotas are
 * guarantees: promising more GPUs than exist guarantees nothing).
 */
export function gpuQuotaProblems(teams: readonly QueueTeam[], pools: readonly GpuPoolCapacity[]): QuotaProblem[] {
  const capacity = totalGpuCapacity(pools);
  const spelled = pools.map((p) => `${p.name}: ${p.maxNodes} × ${p.gpusPerNode}`).join(", ") || "no GPU pool";
  const out: QuotaProblem[] = [];
  let sum = 0;
  teams.forEach((t, i) => {
    if (t.gpuQuota > capacity) {
      out.push({
        team: i,
        message: `is above the GPU pools' capacity of ${capacity} GPUs (max nodes × GPUs per node: ${spelled}): lower it to ${capacity} or less, or raise nodePools.gpu[].maxSize`,
      });
      return;
    }
    sum += t.gpuQuota;
    if (sum > capacity)
      out.push({
        team: i,
        message: `brings the teams' GPU quotas to ${sum}, above the GPU pools' capacity of ${capacity} GPUs (${spelled}): lower the teams' gpuQuota or raise nodePools.gpu[].maxSize`,
      });
  });
  return out;
}

/** One ClusterQueue's nominal GPUs per pool. */
export interface QueueQuota {
  readonly name: string;
  /** `undefined` for a pool's lending queue (no namespace submits to it). */
  readonly namespace?: string;
  readonly gpusPerPool: Readonly<Record<string, number>>;
}

/** The whole queue layout: flavors, cluster queues with their nominal GPUs, local queues. */
export interface GpuQueuePlan {
  readonly flavors: readonly { readonly name: string; readonly pool: string; readonly nodeLabels: Readonly<Record<string, string>> }[];
  readonly clusterQueues: readonly QueueQuota[];
  readonly localQueues: readonly { readonly name: string; readonly namespace: string; readonly clusterQueue: string }[];
}

/**
 * The queue layout of `teams` on `pools`. Each team's quota fills the pools in their order; what
 * is left of a pool is its lending queue's. Throws when the quotas do not fit ({@link gpuQuotaProblems}
 * is what the stack schema reports first, naming the key).
 */
export function gpuQueuePlan(teams: readonly QueueTeam[], pools: readonly GpuPoolCapacity[]): GpuQueuePlan {
  const problems = gpuQuotaProblems(teams, pools);
  if (problems.length)
    throw new Error(problems.map((p) => `teams[${p.team}].gpuQuota (${teams[p.team]?.gpuQuota}) ${p.message}`).join("\n"));
  const left = new Map(pools.map((p) => [p.name, poolGpuCapacity(p)]));
  const teamQueues: QueueQuota[] = teams.map((t) => {
    let want = t.gpuQuota;
    const gpusPerPool: Record<string, number> = {};
    for (const p of pools) {
      const free = left.get(p.name) ?? 0;
      const take = Math.min(want, free);
      gpusPerPool[p.name] = take;
      left.set(p.name, free - take);
      want -= take;
    }
    const names = gpuQueueNames(t.name);
    return { name: names.clusterQueue, namespace: names.namespace, gpusPerPool };
  });
  const platform = gpuQueueNames();
  const zero = Object.fromEntries(pools.map((p) => [p.name, 0]));
  return {
    flavors: pools.map((p) => ({
      name: flavorName(p.name),
      pool: p.name,
      nodeLabels: { [NODE_LABEL_KEYS.nodePool]: p.name, [NODE_LABEL_KEYS.capacity]: p.spot ? "spot" : "on-demand" },
    })),
    clusterQueues: [
      ...teamQueues,
      { name: platform.clusterQueue, namespace: platform.namespace, gpusPerPool: zero },
      ...pools.map((p) => ({ name: poolClusterQueueName(p.name), gpusPerPool: { ...zero, [p.name]: left.get(p.name) ?? 0 } })),
    ],
    localQueues: [platform, ...teams.map((t) => gpuQueueNames(t.name))].map((n) => ({
      name: n.localQueue,
      namespace: n.namespace,
      clusterQueue: n.clusterQueue,
    })),
  };
}

/** The Kubernetes objects of a queue plan (`kueue.x-k8s.io/v1beta2`), cluster-scoped first. */
export function gpuQueueObjects(plan: GpuQueuePlan): Record<string, unknown>[] {
  const apiVersion = "kueue.x-k8s.io/v1beta2";
  const labels = { "app.kubernetes.io/part-of": "mlops-platform" };
  const flavors = plan.flavors.map((f) => ({
    apiVersion,
    kind: "ResourceFlavor",
    metadata: { name: f.name, labels },
    spec: { nodeLabels: { ...f.nodeLabels } },
  }));
  const clusterQueues = plan.clusterQueues.map((q) => ({
    apiVersion,
    kind: "ClusterQueue",
    metadata: { name: q.name, labels },
    spec: {
      cohortName: GPU_COHORT,
      // A lending queue selects no namespace (Kueue's nil selector); a team's only its namespace.
      ...(q.namespace === undefined ? {} : { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": q.namespace } } }),
      queueingStrategy: "BestEffortFIFO",
      resourceGroups: [
        {
          coveredResources: [GPU_RESOURCE],
          flavors: plan.flavors.map((f) => ({
            name: f.name,
            resources: [{ name: GPU_RESOURCE, nominalQuota: q.gpusPerPool[f.pool] ?? 0 }],
          })),
        },
      ],
      preemption: { reclaimWithinCohort: "Any", borrowWithinCohort: { policy: "Never" }, withinClusterQueue: "LowerPriority" },
    },
  }));
  const localQueues = plan.localQueues.map((l) => ({
    apiVersion,
    kind: "LocalQueue",
    metadata: { name: l.name, namespace: l.namespace, labels },
    spec: { clusterQueue: l.clusterQueue },
  }));
  return [...flavors, ...clusterQueues, ...localQueues];
}
