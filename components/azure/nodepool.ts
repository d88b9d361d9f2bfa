/**
 * AKS user node pools (CPU inference and GPU training) and the pure helpers shared with the
 * system pool: taints, labels, spot settings and the cluster-autoscaler priority expander that
 * makes on-demand GPU pools the fallback when spot capacity is unavailable.
 */
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as corev1 from "@pulumi/kubernetes/core/v1";
import type { Provider as KubernetesProvider } from "@pulumi/kubernetes/provider";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { GPU_TAINT, platformPoolLabels, type Taint } from "../../contracts/scheduling";
import { nodePoolProblems, PRIORITY_EXPANDER_CONFIGMAP, spotFirstPriorities } from "../nodepool-rules";
import { ArgsCheck } from "./validate";

/** A Kubernetes taint (the shared scheduling contract's). */
export type { Taint };

/** One node pool, as the components take it. */
export interface NodePoolSpec {
  /** AKS pool name: 1-12 lowercase letters and digits, starting with a letter. */
  readonly name: string;
  readonly kind: "system" | "cpu" | "gpu";
  readonly vmSize: string;
  readonly minCount: number;
  readonly maxCount: number;
  readonly diskSizeGiB: number;
  /** Spot priority (evicted and deleted on reclaim); never for the system pool. */
  readonly spot: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
}

/** The taint every GPU pool carries (`contracts/scheduling.ts`). */
export { GPU_TAINT };
/** The taint of the system pool: only critical add-ons run there. */
export const SYSTEM_TAINT: Taint = { key: "CriticalAddonsOnly", value: "true", effect: "NoSchedule" };
/** The taint AKS puts on spot nodes; declaring it keeps Pulumi from fighting AKS. */
export const SPOT_TAINT: Taint = { key: "kubernetes.azure.com/scalesetpriority", value: "spot", effect: "NoSchedule" };

/** `key=value:Effect`, the form AKS takes. */
export function taintString(t: Taint): string {
  return `${t.key}=${t.value}:${t.effect}`;
}

/** The taints a pool gets: its own plus the mandatory ones of its kind, without duplicates. */
export function poolTaints(pool: NodePoolSpec): string[] {
  const all = [...pool.taints];
  if (pool.kind === "gpu") all.push(GPU_TAINT);
  if (pool.kind === "system") all.push(SYSTEM_TAINT);
  if (pool.spot) all.push(SPOT_TAINT);
  const seen = new Map<string, string>();
  for (const t of all) seen.set(`${t.key}:${t.effect}`, taintString(t));
  return [...seen.values()];
}

/** The labels a pool gets: its own plus the platform's pool labels. */
export function poolLabels(pool: NodePoolSpec): Record<string, string> {
  return { ...pool.labels, ...platformPoolLabels(pool.kind, pool) };
}

/** VM size families with NVIDIA GPUs (NC, ND, NV series). */
export function isGpuSize(vmSize: string): boolean {
  return /^Standard_N[CDV]/i.test(vmSize);
}

/** Problems of one pool, for the components' argument checks. */
export function checkPool(check: ArgsCheck, pool: NodePoolSpec, path: string): void {
  // The rules both clouds share (nodepool-rules.ts), then the Azure-specific ones.
  const shape = { ...pool, min: pool.minCount, max: pool.maxCount };
  for (const problem of nodePoolProblems(shape, { min: "minCount", max: "maxCount" }))
    check.require(false, `${path}.${problem.arg}`, problem.value, problem.fix);
  check.require(
    /^Standard_[A-Za-z0-9_]+$/.test(pool.vmSize),
    `${path}.vmSize`,
    pool.vmSize,
    "must be an Azure VM size such as Standard_D4s_v5",
  );
  if (pool.kind === "gpu") {
    check.require(isGpuSize(pool.vmSize), `${path}.vmSize`, pool.vmSize, "GPU pools need an NVIDIA GPU size (NC, ND or NV series)");
  }
}

/**
 * The cluster-autoscaler priority expander configuration (AKS scale sets are `aks-<pool>-<n>-vmss`):
 * spot GPU pools first, on-demand GPU pools as the fallback, everything else last (see
 * {@link spotFirstPriorities}, shared with AWS). Pure.
 */
export function priorityExpanderConfig(pools: readonly NodePoolSpec[]): string {
  return stringify(spotFirstPriorities(pools, (pool) => `^aks-${pool}-[0-9]+-vmss$`));
}

/** Arguments of {@link NodePools}. */
export interface NodePoolsArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly clusterName: pulumi.Input<string>;
  readonly kubernetesVersion: string;
  /** CPU and GPU pools (the system pool belongs to the cluster). */
  readonly pools: readonly NodePoolSpec[];
  /** Subnet of the user pools. */
  readonly subnetId: pulumi.Input<string>;
  /** Zones to spread each pool over. @default [] */
  readonly zones?: readonly string[];
  /** Provider of the cluster, for the autoscaler priority ConfigMap. */
  readonly kubernetesProvider: KubernetesProvider;
  /** Tags on every taggable resource. @default {} (none) */
  readonly tags?: Record<string, string>;
}

/** The user node pools and the autoscaler priority expander configuration. */
export class NodePools extends pulumi.ComponentResource {
  /** Pools by name, for `dependsOn`. */
  public readonly pools: Record<string, containerservice.AgentPool>;

  constructor(name: string, args: NodePoolsArgs, opts?: pulumi.ComponentResourceOptions) {
    const check = new ArgsCheck("mlops-platform:azure:NodePools", name);
    const names = new Set<string>();
    args.pools.forEach((pool, i) => {
      checkPool(check, pool, `pools[${i}]`);
      check.require(
        pool.kind !== "system",
        `pools[${i}].kind`,
        pool.kind,
        "the system pool is part of the Cluster component; pass CPU and GPU pools here",
      );
      check.require(!names.has(pool.name), `pools[${i}].name`, pool.name, "duplicates another pool name");
      names.add(pool.name);
    });
    const gpu = args.pools.filter((p) => p.kind === "gpu");
    check.require(
      gpu.length === 0 || gpu.some((p) => !p.spot),
      "pools",
      gpu.map((p) => p.name),
      "GPU spot pools need an on-demand GPU pool as the fallback when spot capacity is unavailable",
    );
    check.done();
    super("mlops-platform:azure:NodePools", name, {}, opts);
    const zones = args.zones && args.zones.length > 0 ? [...args.zones] : undefined;

    const pools: Record<string, containerservice.AgentPool> = {};
    for (const pool of args.pools) {
      pools[pool.name] = new containerservice.AgentPool(
        `${name}-${pool.name}`,
        {
          resourceGroupName: args.resourceGroupName,
          resourceName: args.clusterName,
          agentPoolName: pool.name,
          mode: "User",
          type: "VirtualMachineScaleSets",
          vmSize: pool.vmSize,
          orchestratorVersion: args.kubernetesVersion,
          osType: "Linux",
          osSKU: "AzureLinux",
          osDiskType: "Managed",
          osDiskSizeGB: pool.diskSizeGiB,
          enableEncryptionAtHost: true,
          enableNodePublicIP: false,
          enableAutoScaling: true,
          minCount: pool.minCount,
          maxCount: pool.maxCount,
          count: pool.minCount,
          availabilityZones: zones,
          vnetSubnetID: args.subnetId,
          nodeLabels: poolLabels(pool),
          nodeTaints: poolTaints(pool),
          scaleSetPriority: pool.spot ? "Spot" : "Regular",
          scaleSetEvictionPolicy: pool.spot ? "Delete" : undefined,
          // Pay at most the on-demand price; eviction only on capacity.
          spotMaxPrice: pool.spot ? -1 : undefined,
          // AKS installs the NVIDIA driver; the platform services add the device plugin.
          gpuProfile: pool.kind === "gpu" ? { driver: "Install" } : undefined,
          upgradeSettings: pool.spot ? undefined : { maxSurge: "33%" },
          tags: args.tags ?? {},
        },
        { parent: this, ignoreChanges: ["count"] },
      );
    }
    this.pools = pools;

    new corev1.ConfigMap(
      `${name}-autoscaler-priority`,
      {
        metadata: { ...PRIORITY_EXPANDER_CONFIGMAP },
        data: { priorities: priorityExpanderConfig(args.pools) },
      },
      { parent: this, provider: args.kubernetesProvider },
    );

    this.registerOutputs({ pools: this.pools });
  }
}
