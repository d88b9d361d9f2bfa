/**
 * One EKS managed node group with its launch template: encrypted gp3 root volume, IMDSv2 only
 * (hop limit 1, so pods cannot reach the node's credentials), no SSH key, AL2023 AMIs (the NVIDIA
 * variant for GPU pools), labels and taints from the pool, and scaling bounds from the profile.
 */

import * as pulumi from "@pulumi/pulumi";
import { GPU_TAINT, hasGpuTaint, platformPoolLabels, type Taint } from "../../contracts/scheduling";
import { nodePoolProblems } from "../nodepool-rules";
import * as aws from "./sdk";
import { ArgsCheck } from "./validate";

/** A Kubernetes taint (the shared scheduling contract's). */
export type PoolTaint = Taint;

/** The size and placement of one pool (the shape of a configured node pool). */
export interface PoolSpec {
  /** Pool name, 1-12 lowercase letters and digits. */
  readonly name: string;
  readonly instanceTypes: readonly string[];
  readonly minSize: number;
  readonly maxSize: number;
  readonly diskSizeGiB: number;
  readonly spot: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly PoolTaint[];
}

/** Arguments of {@link NodePool}. */
export interface NodePoolArgs {
  readonly clusterName: pulumi.Input<string>;
  readonly nodeRoleArn: pulumi.Input<string>;
  /** Private subnets of the nodes. */
  readonly subnetIds: pulumi.Input<string>[];
  /** KMS key of the root volumes. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** What the pool runs: `system` add-ons, `cpu` inference, or `gpu` training. */
  readonly role: "system" | "cpu" | "gpu";
  readonly pool: PoolSpec;
}

/** The GPU taint every GPU pool carries (`contracts/scheduling.ts`). */
export { GPU_TAINT };

const TAINT_EFFECTS: Record<PoolTaint["effect"], string> = {
  NoSchedule: "NO_SCHEDULE",
  PreferNoSchedule: "PREFER_NO_SCHEDULE",
  NoExecute: "NO_EXECUTE",
};

/** True for NVIDIA GPU instance families (G and P). */
export function isGpuInstanceType(type: string): boolean {
  return /^(g[3-9][a-z]*|p[2-9][a-z]*|p\d+[a-z]*-[a-z0-9]+)\./.test(type) && !/^g\d+g\./.test(type) && !/^g4ad\./.test(type);
}

/** True for Graviton (arm64) instance types such as m6g, c7gn, r8g. */
export function isArmInstanceType(type: string): boolean {
  return /^[a-z]+\d+g[a-z]*\./.test(type);
}

/** The EKS AMI type of a pool. */
export function amiType(role: NodePoolArgs["role"], instanceTypes: readonly string[]): string {
  if (role === "gpu") return "AL2023_x86_64_NVIDIA";
  return instanceTypes.every(isArmInstanceType) ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD";
}

/** The labels a pool's nodes carry: the pool's own, then the platform's (which win). */
export function poolLabels(role: NodePoolArgs["role"], pool: PoolSpec): Record<string, string> {
  return { ...pool.labels, ...platformPoolLabels(role, pool) };
}

/** The taints of a pool: the pool's own, plus the GPU taint on GPU pools (always). */
export function poolTaints(role: NodePoolArgs["role"], pool: PoolSpec): PoolTaint[] {
  const taints = [...pool.taints];
  if (role === "gpu" && !hasGpuTaint(taints)) taints.push(GPU_TAINT);
  return taints;
}

/** One managed node group. */
export class NodePool extends pulumi.ComponentResource {
  public readonly nodeGroup: aws.eks.NodeGroup;
  public readonly nodeGroupName: pulumi.Output<string>;

  constructor(name: string, args: NodePoolArgs, opts?: pulumi.ComponentResourceOptions) {
    const p = args.pool;
    const check = new ArgsCheck("mlops-platform:aws:NodePool", name);
    // The rules both clouds share (nodepool-rules.ts), then the EC2-specific ones.
    const shape = { ...p, kind: args.role, min: p.minSize, max: p.maxSize };
    for (const problem of nodePoolProblems(shape, { min: "minSize", max: "maxSize" }))
      check.require(false, `pool.${problem.arg}`, problem.value, problem.fix);
    check
      .require(p.instanceTypes.length > 0, "pool.instanceTypes", p.instanceTypes, "list at least one EC2 instance type")
      .require(
        p.instanceTypes.every(isArmInstanceType) || !p.instanceTypes.some(isArmInstanceType),
        "pool.instanceTypes",
        p.instanceTypes,
        "do not mix Graviton (arm64) and x86 types in one pool: the AMI is per pool",
      );
    p.instanceTypes.forEach((t, i) => {
      if (args.role === "gpu") {
        check.require(isGpuInstanceType(t), `pool.instanceTypes[${i}]`, t, "use an NVIDIA GPU type (g5, g6, p4d, p5, …) in a GPU pool");
      } else {
        check.require(
          !isGpuInstanceType(t),
          `pool.instanceTypes[${i}]`,
          t,
          "move GPU types to a GPU pool, where they get the NVIDIA AMI and taint",
        );
      }
    });
    check.done();
    super("mlops-platform:aws:NodePool", name, {}, opts);

    const launchTemplate = new aws.ec2.LaunchTemplate(
      `${name}-lt`,
      {
        description: `Node template of the ${p.name} pool`,
        updateDefaultVersion: true,
        blockDeviceMappings: [
          {
            deviceName: "/dev/xvda",
            ebs: {
              volumeSize: p.diskSizeGiB,
              volumeType: "gp3",
              encrypted: "true",
              kmsKeyId: args.kmsKeyArn,
              deleteOnTermination: "true",
            },
          },
        ],
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" },
        monitoring: { enabled: true },
        tagSpecifications: [
          { resourceType: "instance", tags: { "mlops-platform:node-pool": p.name } },
          { resourceType: "volume", tags: { "mlops-platform:node-pool": p.name } },
        ],
      },
      { parent: this },
    );

    this.nodeGroup = new aws.eks.NodeGroup(
      `${name}`,
      {
        clusterName: args.clusterName,
        // A prefix, not a fixed name: changes that replace a node group (instance types, capacity
        // type, AMI type) create the new group before deleting the old one, which needs a new name.
        nodeGroupNamePrefix: `${p.name}-`,
        nodeRoleArn: args.nodeRoleArn,
        subnetIds: args.subnetIds,
        amiType: amiType(args.role, p.instanceTypes),
        capacityType: p.spot ? "SPOT" : "ON_DEMAND",
        instanceTypes: [...p.instanceTypes],
        scalingConfig: { minSize: p.minSize, maxSize: p.maxSize, desiredSize: p.minSize },
        updateConfig: { maxUnavailable: 1 },
        nodeRepairConfig: { enabled: true },
        labels: poolLabels(args.role, p),
        taints: poolTaints(args.role, p).map((t) => ({ key: t.key, value: t.value, effect: TAINT_EFFECTS[t.effect] })),
        launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) },
        tags: {
          "mlops-platform:node-pool": p.name,
          "k8s.io/cluster-autoscaler/enabled": "true",
        },
      },
      // The cluster autoscaler owns the current size once the pool exists.
      { parent: this, ignoreChanges: ["scalingConfig.desiredSize"] },
    );
    this.nodeGroupName = this.nodeGroup.nodeGroupName;
    this.registerOutputs({ nodeGroupName: this.nodeGroupName });
  }
}
