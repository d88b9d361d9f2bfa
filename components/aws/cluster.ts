/**
 * The EKS cluster: private API endpoint (public only for an explicit allow-list), secrets
 * envelope-encrypted with the cluster key, every control-plane log type into a KMS-encrypted log
 * group kept for the audit retention, access entries for the configured admin roles (API
 * authentication mode, no aws-auth ConfigMap, no static kubeconfig users), IRSA, the managed
 * add-ons (VPC CNI, kube-proxy, CoreDNS, EBS CSI), the node pools, and the encrypted gp3 default
 * StorageClass. Exposes the Kubernetes provider every platform service uses.
 */

import * as pulumi from "@pulumi/pulumi";
import { parseCidr } from "../../contracts/cidr";
import type { ImageCache } from "../../contracts/image-cache";
import { isSupportedKubernetesVersion, SUPPORTED_KUBERNETES_VERSIONS } from "../../contracts/kubernetes";
import { NODE_LABEL_KEYS } from "../../contracts/scheduling";
import * as k8s from "../k8s/sdk";
import { ClusterAutoscaler } from "./autoscaler";
import { irsaRole, type OidcIssuer } from "./irsa";
import { eksKubeconfig } from "./kubeconfig";
import { LOG_RETENTION_DAYS } from "./network";
import { NodePool, type PoolSpec } from "./nodepool";
import { serviceTrustPolicy } from "./policy";
import * as aws from "./sdk";
import { ArgsCheck } from "./validate";

/** Every EKS control-plane log type. */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

/** Name of the encrypted default StorageClass. */
export const DEFAULT_STORAGE_CLASS = "gp3-encrypted";

/** Arguments of {@link Cluster}. */
export interface ClusterArgs {
  /**
   * The stack registry's pull-through cache (contracts/image-cache.ts): the autoscaler's image comes through it.
   * @default none (from registry.k8s.io)
   */
  readonly imageCache?: pulumi.Input<ImageCache>;
  readonly clusterName: string;
  readonly kubernetesVersion: string;
  readonly region: string;
  readonly partition: pulumi.Input<string>;
  readonly vpcId: pulumi.Input<string>;
  readonly vpcCidr: string;
  /** Private subnets of the control-plane ENIs and the nodes. */
  readonly privateSubnetIds: pulumi.Input<string>[];
  /** Kubernetes service CIDR. */
  readonly serviceCidr: string;
  /**
   * CIDRs allowed to reach a public API endpoint.
   * @default [] - the API endpoint is private only.
   */
  readonly apiAllowedCidrs?: readonly string[];
  /** IAM role ARNs granted cluster-admin through access entries. */
  readonly adminRoleArns: readonly string[];
  /**
   * People of each team, as themselves: every IAM role a team's SSO permission set creates gets an
   * access entry in the team's Kubernetes groups (bound in its namespace), with no access policy;
   * EKS names the user after the assumed role's session (the person).
   * @default []
   */
  readonly teamAccess?: readonly { readonly team: string; readonly principalArn: string; readonly groups: readonly string[] }[];
  /** KMS key that envelope-encrypts Kubernetes secrets. */
  readonly clusterKeyArn: pulumi.Input<string>;
  /** KMS key of node volumes and persistent volumes. */
  readonly storageKeyArn: pulumi.Input<string>;
  /** KMS key of the control-plane log group. */
  readonly logsKeyArn: pulumi.Input<string>;
  /** Retention of the control-plane (audit) logs, a CloudWatch Logs retention value. */
  readonly controlPlaneLogDays: number;
  readonly nodePools: { readonly system: PoolSpec; readonly cpu: readonly PoolSpec[]; readonly gpu: readonly PoolSpec[] };
  /** Deletion protection on the cluster, `protect` on the control-plane log group. */
  readonly protect: boolean;
  /** Account id (scopes the autoscaler's permissions). */
  readonly accountId: pulumi.Input<string>;
}

/** The platform's EKS cluster. */
export class Cluster extends pulumi.ComponentResource {
  public readonly cluster: aws.eks.Cluster;
  public readonly clusterName: pulumi.Output<string>;
  public readonly endpoint: pulumi.Output<string>;
  /** Kubeconfig using `aws eks get-token` (secret). */
  public readonly kubeconfig: pulumi.Output<string>;
  /** Kubernetes provider bound to this cluster. */
  public readonly provider: k8s.Provider;
  /** The cluster's OIDC issuer for IRSA. */
  public readonly oidc: OidcIssuer;
  public readonly nodeRoleArn: pulumi.Output<string>;
  public readonly storageClassName: string;
  /** Node groups and add-ons that workloads must wait for. */
  public readonly readyDependencies: pulumi.Resource[];

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    const allowed = args.apiAllowedCidrs ?? [];
    const vpc = parseCidr(args.vpcCidr);
    const check = new ArgsCheck("mlops-platform:aws:Cluster", name)
      .require(
        /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/.test(args.clusterName),
        "clusterName",
        args.clusterName,
        "use 1-100 letters, digits, '-' or '_', starting alphanumeric",
      )
      .require(
        isSupportedKubernetesVersion(args.kubernetesVersion),
        "kubernetesVersion",
        args.kubernetesVersion,
        `use a supported version: ${SUPPORTED_KUBERNETES_VERSIONS.join(", ")}`,
      )
      .require(vpc !== undefined, "vpcCidr", args.vpcCidr, "pass the VPC CIDR, e.g. 10.40.0.0/16")
      .require(parseCidr(args.serviceCidr) !== undefined, "serviceCidr", args.serviceCidr, "pass a CIDR block such as 172.20.0.0/16")
      .require(
        args.privateSubnetIds.length >= 2,
        "privateSubnetIds",
        args.privateSubnetIds.length,
        "pass private subnets in at least two zones (EKS requires two)",
      )
      .require(
        args.adminRoleArns.length > 0,
        "adminRoleArns",
        args.adminRoleArns,
        "list at least one IAM role ARN (identity.clusterAdmins), including the role that runs pulumi up: the creator gets no implicit admin",
      )
      .require(
        LOG_RETENTION_DAYS.includes(args.controlPlaneLogDays),
        "controlPlaneLogDays",
        args.controlPlaneLogDays,
        "use a CloudWatch Logs retention value (see logRetention())",
      );
    (args.teamAccess ?? []).forEach((t, i) => {
      check
        .require(
          /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(t.principalArn),
          `teamAccess[${i}].principalArn`,
          t.principalArn,
          "use the IAM role ARN of the team's SSO permission set (teams[].ssoRoleArns)",
        )
        .require(
          t.groups.length > 0 && t.groups.every((g) => g.length > 0 && !g.startsWith("system:")),
          `teamAccess[${i}].groups`,
          t.groups,
          "list the team's groups (EKS refuses Kubernetes groups that start with system:)",
        )
        .require(
          !args.adminRoleArns.includes(t.principalArn),
          `teamAccess[${i}].principalArn`,
          t.principalArn,
          "is also a cluster admin (identity.clusterAdmins): one IAM role has one access entry, so give the team its own role",
        )
        .require(
          (args.teamAccess ?? []).findIndex((x) => x.principalArn === t.principalArn) === i,
          `teamAccess[${i}].principalArn`,
          t.principalArn,
          "belongs to two teams: one IAM role has one access entry, so give each team its own SSO role",
        );
    });
    args.adminRoleArns.forEach((a, i) => {
      check.require(
        /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(a),
        `adminRoleArns[${i}]`,
        a,
        "use an IAM role ARN, arn:aws:iam::<account>:role/<path/name>; users and root are refused",
      );
    });
    allowed.forEach((c, i) => {
      const block = parseCidr(c);
      check.require(
        block !== undefined && block.prefix > 0,
        `apiAllowedCidrs[${i}]`,
        c,
        "list your own egress ranges; 0.0.0.0/0 would open the API to the internet",
      );
    });
    check.done();
    super("mlops-platform:aws:Cluster", name, {}, opts);

    // Control plane ---------------------------------------------------------------------------
    const clusterRole = new aws.iam.Role(
      `${name}-cluster-role`,
      {
        description: `EKS control plane of ${args.clusterName}`,
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
        }),
      },
      { parent: this },
    );
    const clusterPolicy = new aws.iam.RolePolicyAttachment(
      `${name}-cluster-policy`,
      { role: clusterRole.name, policyArn: pulumi.interpolate`arn:${args.partition}:iam::aws:policy/AmazonEKSClusterPolicy` },
      { parent: this },
    );
    const clusterKms = new aws.iam.RolePolicy(
      `${name}-cluster-kms`,
      {
        role: clusterRole.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "EnvelopeEncryptSecrets",
              Effect: "Allow",
              Action: ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey", "kms:CreateGrant", "kms:ListGrants"],
              Resource: args.clusterKeyArn,
            },
          ],
        }),
      },
      { parent: this },
    );
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-control-plane-logs`,
      { name: `/aws/eks/${args.clusterName}/cluster`, retentionInDays: args.controlPlaneLogDays, kmsKeyId: args.logsKeyArn },
      { parent: this, protect: args.protect, retainOnDelete: args.protect },
    );
    const apiSg = new aws.ec2.SecurityGroup(
      `${name}-api`,
      {
        vpcId: args.vpcId,
        description: "Kubernetes API from inside the VPC (runners, VPN, peered networks route through it)",
        ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [args.vpcCidr], description: "Kubernetes API from the VPC" }],
        egress: [],
      },
      { parent: this },
    );

    const cluster = new aws.eks.Cluster(
      `${name}`,
      {
        name: args.clusterName,
        version: args.kubernetesVersion,
        roleArn: clusterRole.arn,
        vpcConfig: {
          subnetIds: args.privateSubnetIds,
          securityGroupIds: [apiSg.id],
          endpointPrivateAccess: true,
          endpointPublicAccess: allowed.length > 0,
          ...(allowed.length > 0 ? { publicAccessCidrs: [...allowed] } : {}),
        },
        kubernetesNetworkConfig: { serviceIpv4Cidr: args.serviceCidr, ipFamily: "ipv4" },
        encryptionConfig: { resources: ["secrets"], provider: { keyArn: args.clusterKeyArn } },
        enabledClusterLogTypes: [...CONTROL_PLANE_LOG_TYPES],
        accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
        bootstrapSelfManagedAddons: false,
        upgradePolicy: { supportType: "STANDARD" },
        deletionProtection: args.protect,
      },
      // Protected stacks cannot lose the cluster (and every PersistentVolume claim on it) to a replacing change.
      { parent: this, dependsOn: [logGroup, clusterPolicy, clusterKms], protect: args.protect },
    );

    const accessEntries: pulumi.Resource[] = [];
    args.adminRoleArns.forEach((principalArn, i) => {
      const entry = new aws.eks.AccessEntry(
        `${name}-admin-${i}`,
        { clusterName: cluster.name, principalArn, type: "STANDARD" },
        { parent: this },
      );
      accessEntries.push(
        new aws.eks.AccessPolicyAssociation(
          `${name}-admin-${i}`,
          {
            clusterName: cluster.name,
            principalArn,
            policyArn: pulumi.interpolate`arn:${args.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
            accessScope: { type: "cluster" },
          },
          { parent: this, dependsOn: [entry] },
        ),
      );
    });

    for (const t of args.teamAccess ?? []) {
      const i = (args.teamAccess ?? []).filter((x) => x.team === t.team).indexOf(t);
      accessEntries.push(
        new aws.eks.AccessEntry(
          `${name}-team-${t.team}-${i}`,
          { clusterName: cluster.name, principalArn: t.principalArn, type: "STANDARD", kubernetesGroups: [...t.groups] },
          { parent: this },
        ),
      );
    }

    // IRSA --------------------------------------------------------------------------------------
    const issuerUrl = cluster.identities.apply((ids) => ids?.[0]?.oidcs?.[0]?.issuer ?? "");
    const oidcProvider = new aws.iam.OpenIdConnectProvider(
      `${name}-oidc`,
      { url: issuerUrl, clientIdLists: ["sts.amazonaws.com"] },
      { parent: this },
    );
    const oidc: OidcIssuer = { providerArn: oidcProvider.arn, url: issuerUrl };

    // Nodes ---------------------------------------------------------------------------------------
    const nodeRole = new aws.iam.Role(
      `${name}-node-role`,
      { description: `Nodes of ${args.clusterName}`, assumeRolePolicy: JSON.stringify(serviceTrustPolicy("ec2.amazonaws.com")) },
      { parent: this },
    );
    // The CNI permissions go to the aws-node service account (IRSA), not to every pod on the node.
    const nodePolicies = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly"].map(
      (policy) =>
        new aws.iam.RolePolicyAttachment(
          `${name}-node-${policy}`,
          { role: nodeRole.name, policyArn: pulumi.interpolate`arn:${args.partition}:iam::aws:policy/${policy}` },
          { parent: this },
        ),
    );

    const cniRole = irsaRole(`${name}-vpc-cni`, oidc, "kube-system", ["aws-node"], "VPC CNI (aws-node)", { parent: this });
    new aws.iam.RolePolicyAttachment(
      `${name}-vpc-cni`,
      { role: cniRole.name, policyArn: pulumi.interpolate`arn:${args.partition}:iam::aws:policy/AmazonEKS_CNI_Policy` },
      { parent: this },
    );
    const ebsRole = irsaRole(`${name}-ebs-csi`, oidc, "kube-system", ["ebs-csi-controller-sa"], "EBS CSI controller", { parent: this });
    new aws.iam.RolePolicyAttachment(
      `${name}-ebs-csi`,
      { role: ebsRole.name, policyArn: pulumi.interpolate`arn:${args.partition}:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy` },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-ebs-csi-kms`,
      {
        role: ebsRole.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "EncryptVolumesWithStorageKey",
              Effect: "Allow",
              Action: [
                "kms:Encrypt",
                "kms:Decrypt",
                "kms:ReEncryptFrom",
                "kms:ReEncryptTo",
                "kms:GenerateDataKey",
                "kms:GenerateDataKeyWithoutPlaintext",
                "kms:DescribeKey",
              ],
              Resource: args.storageKeyArn,
            },
            {
              Sid: "GrantVolumeAttachments",
              Effect: "Allow",
              Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
              Resource: args.storageKeyArn,
              Condition: { Bool: { "kms:GrantIsForAWSResource": true } },
            },
          ],
        }),
      },
      { parent: this },
    );

    const addon = (addonName: string, extra: Partial<aws.eks.AddonArgs>, dependsOn: pulumi.Resource[]) =>
      new aws.eks.Addon(
        `${name}-${addonName}`,
        { clusterName: cluster.name, addonName, resolveConflictsOnCreate: "OVERWRITE", resolveConflictsOnUpdate: "PRESERVE", ...extra },
        { parent: this, dependsOn },
      );
    const vpcCni = addon(
      "vpc-cni",
      { serviceAccountRoleArn: cniRole.arn, configurationValues: JSON.stringify({ enableNetworkPolicy: "true" }) },
      [cluster],
    );
    const kubeProxy = addon("kube-proxy", {}, [cluster]);

    const pools: NodePool[] = [];
    const poolOpts = { parent: this, dependsOn: [vpcCni, kubeProxy, ...nodePolicies, ...accessEntries] };
    const common = {
      clusterName: cluster.name,
      nodeRoleArn: nodeRole.arn,
      subnetIds: args.privateSubnetIds,
      kmsKeyArn: args.storageKeyArn,
    };
    pools.push(new NodePool(`${name}-${args.nodePools.system.name}`, { ...common, role: "system", pool: args.nodePools.system }, poolOpts));
    for (const pool of args.nodePools.cpu) pools.push(new NodePool(`${name}-${pool.name}`, { ...common, role: "cpu", pool }, poolOpts));
    for (const pool of args.nodePools.gpu) pools.push(new NodePool(`${name}-${pool.name}`, { ...common, role: "gpu", pool }, poolOpts));
    const nodeGroups = pools.map((p) => p.nodeGroup);

    // CoreDNS and the EBS CSI controller need nodes to become active.
    const coreDns = addon("coredns", {}, nodeGroups);
    const ebsCsi = addon("aws-ebs-csi-driver", { serviceAccountRoleArn: ebsRole.arn }, nodeGroups);

    // Kubernetes --------------------------------------------------------------------------------
    const kubeconfig = pulumi
      .all([cluster.name, cluster.endpoint, cluster.certificateAuthority])
      .apply(([n, endpoint, ca]) => eksKubeconfig(n, endpoint, ca?.data ?? "", args.region));
    this.kubeconfig = pulumi.secret(kubeconfig);
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      { kubeconfig: this.kubeconfig, enableServerSideApply: true, deleteUnreachable: false },
      { parent: this, dependsOn: accessEntries },
    );
    const storageClass = new k8s.storage.v1.StorageClass(
      `${name}-${DEFAULT_STORAGE_CLASS}`,
      {
        metadata: { name: DEFAULT_STORAGE_CLASS, annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
        provisioner: "ebs.csi.aws.com",
        parameters: { type: "gp3", encrypted: "true", kmsKeyId: args.storageKeyArn, "csi.storage.k8s.io/fstype": "ext4" },
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
        // Protected stacks keep the EBS volume when a claim is deleted.
        reclaimPolicy: args.protect ? "Retain" : "Delete",
      },
      { parent: this, provider: this.provider, dependsOn: [ebsCsi] },
    );

    // GPU pools start at zero: the autoscaler adds nodes when GPU pods are pending and removes idle ones.
    const autoscaler = new ClusterAutoscaler(
      `${name}-autoscaler`,
      {
        clusterName: args.clusterName,
        kubernetesVersion: args.kubernetesVersion,
        region: args.region,
        partition: args.partition,
        accountId: args.accountId,
        oidc,
        ...(args.imageCache === undefined ? {} : { imageCache: args.imageCache }),
        pools: [
          { name: args.nodePools.system.name, kind: "system" as const, spot: args.nodePools.system.spot },
          ...args.nodePools.cpu.map((p) => ({ name: p.name, kind: "cpu" as const, spot: p.spot })),
          ...args.nodePools.gpu.map((p) => ({ name: p.name, kind: "gpu" as const, spot: p.spot })),
        ],
        nodeSelector: { [NODE_LABEL_KEYS.kind]: "system" },
      },
      { parent: this, providers: [this.provider], dependsOn: [coreDns, ...nodeGroups] },
    );

    this.cluster = cluster;
    this.clusterName = cluster.name;
    this.endpoint = cluster.endpoint;
    this.oidc = oidc;
    this.nodeRoleArn = nodeRole.arn;
    this.storageClassName = DEFAULT_STORAGE_CLASS;
    this.readyDependencies = [...nodeGroups, vpcCni, kubeProxy, coreDns, ebsCsi, storageClass, autoscaler.release];
    this.registerOutputs({
      clusterName: this.clusterName,
      endpoint: this.endpoint,
      kubeconfig: this.kubeconfig,
      nodeRoleArn: this.nodeRoleArn,
      storageClassName: this.storageClassName,
    });
  }
}
