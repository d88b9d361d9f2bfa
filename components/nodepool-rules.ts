/**
 * The node-pool rules both clouds share, written once: name, size bounds, disk, what the system
 * pool may not be, and where the GPU taint may appear. Each cloud adds only what is its own
 * (EC2 instance families and AMIs, Azure VM sizes) and reports the problems through its
 * component's argument check, so every refusal happens before the first resource is registered.
 * Pure; imports only the leaf contracts.
 */
import { GPU_TAINT, type PoolKind, type Taint } from "../contracts/scheduling";

/** One problem with a pool: the argument (relative to the pool), the value received and the fix. */
export interface PoolProblem {
  readonly arg: string;
  readonly value: unknown;
  readonly fix: string;
}

/** The fields the shared rules read, whatever a cloud calls its size bounds. */
export interface PoolShape {
  readonly name: string;
  readonly kind: PoolKind;
  readonly min: number;
  readonly max: number;
  readonly diskSizeGiB: number;
  readonly spot: boolean;
  readonly taints: readonly Taint[];
}

/** The cloud's names of the size bounds (`minSize`/`maxSize` on EKS, `minCount`/`maxCount` on AKS). */
export interface BoundNames {
  readonly min: string;
  readonly max: string;
}

/** Largest node count of one pool the platform accepts (AKS's limit; EKS's default quota is lower). */
export const MAX_POOL_NODES = 1000;

/** Every problem of one pool under the shared rules (empty when valid). */
export function nodePoolProblems(p: PoolShape, bounds: BoundNames): PoolProblem[] {
  const out: PoolProblem[] = [];
  const add = (ok: boolean, arg: string, value: unknown, fix: string) => {
    if (!ok) out.push({ arg, value, fix });
  };
  add(
    /^[a-z][a-z0-9]{0,11}$/.test(p.name),
    "name",
    p.name,
    "use 1-12 lowercase letters and digits, starting with a letter (AKS limit, kept on both clouds)",
  );
  add(Number.isInteger(p.min) && p.min >= 0, bounds.min, p.min, "use a whole number, 0 or more");
  add(
    Number.isInteger(p.max) && p.max >= 1 && p.max <= MAX_POOL_NODES,
    bounds.max,
    p.max,
    `use a whole number from 1 to ${MAX_POOL_NODES}`,
  );
  add(!(p.min > p.max), bounds.min, p.min, `make ${bounds.min} at most ${bounds.max} (${p.max})`);
  add(
    Number.isInteger(p.diskSizeGiB) && p.diskSizeGiB >= 30 && p.diskSizeGiB <= 2048,
    "diskSizeGiB",
    p.diskSizeGiB,
    "use 30-2048 GiB (node images need about 20, image pulls need room)",
  );
  if (p.kind === "system") {
    add(!p.spot, "spot", p.spot, "run the system pool on on-demand capacity");
    add(p.min >= 1, bounds.min, p.min, "give the system pool at least one node (CoreDNS and add-ons run there)");
  }
  if (p.kind !== "gpu")
    add(!p.taints.some((t) => t.key === GPU_TAINT.key), "taints", p.taints, `only GPU pools carry the ${GPU_TAINT.key} taint; remove it`);
  return out;
}

/** What the spot-first GPU fallback reads of a pool. */
export interface PoolPriorityShape {
  readonly name: string;
  readonly kind: PoolKind;
  readonly spot: boolean;
}

/**
 * The cluster autoscaler's priority-expander table, the same on both clouds: spot GPU pools first
 * (30), on-demand GPU pools as the fallback when spot capacity cannot be had (20), every other
 * pool last (10). `groupPattern` turns a pool name into the regular expression that matches the
 * cloud's node-group id for that pool (an EKS autoscaling group `eks-<nodegroup>-<uuid>`, an AKS
 * scale set `aks-<pool>-<n>-vmss`); patterns are anchored so that `gpu` does not also match
 * `gpuspot`. Returns priority → patterns, highest first.
 */
export function spotFirstPriorities(
  pools: readonly PoolPriorityShape[],
  groupPattern: (poolName: string) => string,
): Record<number, string[]> {
  const byPriority = new Map<number, string[]>();
  for (const p of pools) {
    const priority = p.kind === "gpu" ? (p.spot ? 30 : 20) : 10;
    byPriority.set(priority, [...(byPriority.get(priority) ?? []), groupPattern(p.name)]);
  }
  if (!byPriority.has(10)) byPriority.set(10, [".*"]);
  return Object.fromEntries([...byPriority.entries()].sort(([a], [b]) => b - a));
}

/** The ConfigMap the cluster autoscaler's priority expander reads (name and namespace are the autoscaler's). */
export const PRIORITY_EXPANDER_CONFIGMAP = { name: "cluster-autoscaler-priority-expander", namespace: "kube-system" } as const;
