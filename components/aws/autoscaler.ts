/**
 * The Kubernetes Cluster Autoscaler for the managed node groups: GPU pools start at zero nodes and
 * only the autoscaler brings them up when a training pod is pending (and back to zero when idle).
 * Its IRSA role may resize only this cluster's node groups (ASG name pattern + ownership tag) and
 * describe what it needs for discovery.
 */

import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { cachedImage, type ImageCache } from "../../contracts/image-cache";
import { CHARTS, CLUSTER_AUTOSCALER_IMAGE_TAGS, clusterAutoscalerImage } from "../../contracts/versions";
import { helmRelease } from "../k8s/helm";
import * as k8s from "../k8s/sdk";
import { type PoolPriorityShape, PRIORITY_EXPANDER_CONFIGMAP, spotFirstPriorities } from "../nodepool-rules";
import { irsaRole, type OidcIssuer } from "./irsa";
import * as aws from "./sdk";
import { ArgsCheck } from "./validate";

const SERVICE_ACCOUNT = "cluster-autoscaler";
const NAMESPACE = "kube-system";

/** Arguments of {@link ClusterAutoscaler}. */
export interface ClusterAutoscalerArgs {
  readonly clusterName: string;
  readonly kubernetesVersion: string;
  readonly region: string;
  readonly partition: pulumi.Input<string>;
  readonly accountId: pulumi.Input<string>;
  readonly oidc: OidcIssuer;
  /**
   * The EKS node groups' pools, by the name each group's name starts with (the autoscaling groups
   * are named `eks-<nodegroup>-<uuid>`), kind and capacity type: what the autoscaler may resize,
   * and the spot-first GPU fallback of its priority expander.
   */
  readonly pools: readonly PoolPriorityShape[];
  /** Node labels of the pool the autoscaler runs on. */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /**
   * The stack registry's pull-through cache (contracts/image-cache.ts): the autoscaler's image comes through it.
   * @default none (from registry.k8s.io)
   */
  readonly imageCache?: pulumi.Input<ImageCache>;
}

/** The autoscaler's IAM policy: discovery reads, and resizing of this cluster's node groups only. */
export function clusterAutoscalerPolicy(p: {
  partition: string;
  region: string;
  account: string;
  clusterName: string;
  nodeGroupNames: readonly string[];
}): object {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        // Describe calls have no resource-level permissions.
        Sid: "Discover",
        Effect: "Allow",
        Action: [
          "autoscaling:DescribeAutoScalingGroups",
          "autoscaling:DescribeAutoScalingInstances",
          "autoscaling:DescribeLaunchConfigurations",
          "autoscaling:DescribeScalingActivities",
          "autoscaling:DescribeTags",
          "ec2:DescribeImages",
          "ec2:DescribeInstanceTypes",
          "ec2:DescribeLaunchTemplateVersions",
        ],
        Resource: "*",
      },
      {
        Sid: "ReadNodeGroupTemplates",
        Effect: "Allow",
        Action: "eks:DescribeNodegroup",
        Resource: `arn:${p.partition}:eks:${p.region}:${p.account}:nodegroup/${p.clusterName}/*/*`,
      },
      {
        Sid: "ResizeOwnNodeGroups",
        Effect: "Allow",
        Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
        Resource: p.nodeGroupNames.map(
          (n) => `arn:${p.partition}:autoscaling:${p.region}:${p.account}:autoScalingGroup:*:autoScalingGroupName/eks-${n}-*`,
        ),
        Condition: { StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${p.clusterName}`]: "owned" } },
      },
    ],
  };
}

/** The Cluster Autoscaler and its IAM role. */
export class ClusterAutoscaler extends pulumi.ComponentResource {
  public readonly roleArn: pulumi.Output<string>;
  public readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: ClusterAutoscalerArgs, opts?: pulumi.ComponentResourceOptions) {
    const image = clusterAutoscalerImage(args.kubernetesVersion);
    new ArgsCheck("mlops-platform:aws:ClusterAutoscaler", name)
      .require(
        image !== undefined,
        "kubernetesVersion",
        args.kubernetesVersion,
        `use a version with a matching autoscaler release: ${Object.keys(CLUSTER_AUTOSCALER_IMAGE_TAGS).join(", ")}`,
      )
      .require(args.pools.length > 0, "pools", args.pools, "list the node groups the autoscaler may resize")
      .done();
    super("mlops-platform:aws:ClusterAutoscaler", name, {}, opts);

    const role = irsaRole(`${name}-role`, args.oidc, NAMESPACE, [SERVICE_ACCOUNT], "Cluster Autoscaler", { parent: this });
    const policy = new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: role.id,
        policy: pulumi.all([args.partition, args.accountId]).apply(([partition, account]) =>
          JSON.stringify(
            clusterAutoscalerPolicy({
              partition,
              region: args.region,
              account,
              clusterName: args.clusterName,
              nodeGroupNames: args.pools.map((p) => p.name),
            }),
          ),
        ),
      },
      { parent: this },
    );
    // Read by the priority expander; the same table as AKS's (components/nodepool-rules.ts).
    const priorities = new k8s.core.v1.ConfigMap(
      `${name}-priorities`,
      {
        metadata: { ...PRIORITY_EXPANDER_CONFIGMAP },
        data: { priorities: stringify(spotFirstPriorities(args.pools, (pool) => `^eks-${pool}-[0-9]+-`)) },
      },
      { parent: this },
    );
    // The same pinned-chart helper as every platform service (pins in contracts/versions.ts).
    this.release = helmRelease(
      `${name}-release`,
      {
        chart: CHARTS.clusterAutoscaler,
        releaseName: "cluster-autoscaler",
        namespace: NAMESPACE,
        values: {
          cloudProvider: "aws",
          awsRegion: args.region,
          fullnameOverride: "cluster-autoscaler",
          autoDiscovery: { clusterName: args.clusterName },
          image: {
            repository:
              args.imageCache === undefined
                ? (image as { repository: string }).repository
                : pulumi.output(args.imageCache).apply((c) => cachedImage((image as { repository: string }).repository, c)),
            tag: (image as { tag: string }).tag,
          },
          rbac: { serviceAccount: { create: true, name: SERVICE_ACCOUNT, annotations: { "eks.amazonaws.com/role-arn": role.arn } } },
          extraArgs: {
            "balance-similar-node-groups": true,
            // Spot GPU pools first, on-demand GPU pools when spot cannot be had, as on AKS; ties by least waste.
            expander: "priority,least-waste",
            "skip-nodes-with-local-storage": false,
            "scale-down-unneeded-time": "10m",
          },
          nodeSelector: { ...args.nodeSelector },
          securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: "RuntimeDefault" } },
          containerSecurityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
          resources: { requests: { cpu: "100m", memory: "300Mi" }, limits: { cpu: "500m", memory: "600Mi" } },
        },
      },
      { parent: this, dependsOn: [policy, priorities] },
    );
    this.roleArn = role.arn;
    this.registerOutputs({ roleArn: this.roleArn });
  }
}
