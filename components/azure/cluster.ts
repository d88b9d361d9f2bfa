/**
 * The AKS cluster.
 *
 * Fixed: private API server (no public FQDN), Entra ID integration with Azure RBAC and local
 * accounts disabled (the kubeconfig authenticates with kubelogin only), workload identity and OIDC
 * issuer on, Cilium network policy, automatic patch upgrades and node-image updates, Azure
 * Policy add-on, Defender, KMS etcd encryption with a key in the private vault, customer-managed
 * disk encryption and host encryption on every node, audit logs (kube-audit-admin, guard, …) to
 * the in-region workspace. The system pool only runs critical add-ons.
 *
 * The cluster creates the Kubernetes provider every platform service uses and installs the
 * encrypted default StorageClass through it.
 */
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import { Provider as KubernetesProvider } from "@pulumi/kubernetes/provider";
import * as storagev1 from "@pulumi/kubernetes/storage/v1";
import * as pulumi from "@pulumi/pulumi";
import { cidrProblem } from "../../contracts/cidr";
import { afterCreate } from "./after-create";
import { keepKnownInPreview } from "./known-in-preview";
import { aksKubeconfig, clusterAccessFromKubeconfig } from "./kubeconfig";
import { dnsServiceIp } from "./layout";
import { diagnosticSetting } from "./monitoring-settings";
import { checkPool, type NodePoolSpec, poolLabels, poolTaints } from "./nodepool";
import { assignRole } from "./role-assignment";
import { ArgsCheck } from "./validate";

/** Control-plane log categories sent to Log Analytics (audit of admin actions and Entra authorization included). */
export const AKS_LOG_CATEGORIES = ["kube-audit-admin", "guard", "kube-apiserver", "kube-controller-manager", "cluster-autoscaler"] as const;

/** Name of the encrypted default StorageClass the cluster installs. */
export const ENCRYPTED_STORAGE_CLASS = "managed-csi-cmk";

/**
 * The security profile of the cluster: workload identity, Defender to the workspace, KMS etcd
 * encryption with a key in the private vault, image cleaner. Pure. The ids stay inputs in their
 * own leaves, so that in a preview only they are unknown and every switch the policies check
 * (workload identity, KMS enabled, private vault access) stays known.
 */
export function clusterSecurityProfile(
  workspaceId: pulumi.Input<string>,
  kmsKeyUriWithVersion: pulumi.Input<string>,
  vaultId: pulumi.Input<string>,
) {
  return {
    workloadIdentity: { enabled: true },
    defender: { logAnalyticsWorkspaceResourceId: workspaceId, securityMonitoring: { enabled: true } },
    azureKeyVaultKms: { enabled: true, keyId: kmsKeyUriWithVersion, keyVaultNetworkAccess: "Private", keyVaultResourceId: vaultId },
    imageCleaner: { enabled: true, intervalHours: 168 },
  };
}

/** Arguments of {@link Cluster}. */
export interface ClusterArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  /** AKS resource name (also the DNS prefix). */
  readonly clusterName: string;
  /** Name of the resource group AKS creates for the nodes (locked read-only by AKS). */
  readonly nodeResourceGroupName: string;
  /** Kubernetes minor version, e.g. "1.33" (patches follow the upgrade channel). */
  readonly kubernetesVersion: string;
  readonly tenantId: pulumi.Input<string>;
  readonly subscriptionId: pulumi.Input<string>;
  /** Entra group object ids with cluster-admin rights. */
  readonly adminGroupObjectIds: readonly string[];
  /**
   * Entra group object ids whose members fetch the cluster's user credentials as themselves
   * (`az aks get-credentials`, then kubelogin): the teams' and approvers' groups. Each gets the
   * "Azure Kubernetes Service Cluster User Role" on this cluster only; what they may do inside
   * is Kubernetes RBAC. @default [] — only the admins' groups can fetch credentials
   */
  readonly userGroupObjectIds?: readonly string[];
  /** The system pool (kind "system"). */
  readonly systemPool: NodePoolSpec;
  /** Availability zones of the system pool. @default [] (no zone pinning) */
  readonly zones?: readonly string[];
  /** Node subnets: the control-plane identity gets Network Contributor on these two only. */
  readonly subnetIds: { readonly system: pulumi.Input<string>; readonly user: pulumi.Input<string> };
  readonly serviceCidr: string;
  readonly podCidr: string;
  /**
   * How nodes reach the internet: `userDefinedRouting` when the node subnets route through the
   * egress firewall (Network.outboundType), `userAssignedNATGateway` when they use a NAT gateway.
   * @default "userAssignedNATGateway"
   */
  readonly outboundType?: "userDefinedRouting" | "userAssignedNATGateway";
  /**
   * Public CIDRs allowed to reach the API. Not supported: the API server is private only and is
   * reached from the VNet (VPN, ExpressRoute, Bastion or a self-hosted runner).
   * @default []
   */
  readonly apiAllowedCidrs?: readonly string[];
  readonly diskEncryptionSetId: pulumi.Input<string>;
  /** KMS etcd encryption: versioned key URI, the key's resource id and the vault id. */
  readonly kms: {
    readonly keyUriWithVersion: pulumi.Input<string>;
    readonly keyId: pulumi.Input<string>;
    readonly vaultId: pulumi.Input<string>;
  };
  readonly logAnalyticsWorkspaceId: pulumi.Input<string>;
  /** Registry the kubelet pulls images from (AcrPull on this registry only). */
  readonly registryId: pulumi.Input<string>;
  /** AKS tier: "Standard" (uptime SLA) for production, "Free" otherwise. */
  readonly tier: "Free" | "Standard";
  /** Disk SKU of the encrypted StorageClass. @default "Premium_LRS" */
  readonly storageSku?: "Premium_LRS" | "Premium_ZRS" | "StandardSSD_LRS" | "StandardSSD_ZRS";
  /** Keep persistent volumes when their claim is deleted (production data). */
  readonly retainVolumes: boolean;
  /**
   * Protect the cluster from delete/replace and keep it on `pulumi destroy`: deleting an AKS
   * cluster deletes its node resource group, including retained persistent-volume disks.
   */
  readonly protectCluster: boolean;
  /** Tags on every taggable resource. @default {} (none) */
  readonly tags?: Record<string, string>;
}

/** The AKS cluster, its identities and role grants, kubeconfig, Kubernetes provider and StorageClass. */
export class Cluster extends pulumi.ComponentResource {
  public readonly clusterName: pulumi.Output<string>;
  public readonly clusterId: pulumi.Output<string>;
  /** Private API server FQDN. */
  public readonly privateFqdn: pulumi.Output<string>;
  /** OIDC issuer URL for federated credentials. */
  public readonly oidcIssuerUrl: pulumi.Output<string>;
  /** Kubeconfig using kubelogin (secret). */
  public readonly kubeconfig: pulumi.Output<string>;
  /** Kubernetes provider bound to the cluster. */
  public readonly provider: KubernetesProvider;
  /** Kubelet identity (image pulls). */
  public readonly kubeletObjectId: pulumi.Output<string>;
  /** Name of the encrypted default StorageClass. */
  public readonly storageClassName: string;
  /** The cluster resource, for `dependsOn`. */
  public readonly cluster: containerservice.ManagedCluster;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    const check = new ArgsCheck("mlops-platform:azure:Cluster", name).location(args.location);
    check.require(
      /^[a-z][a-z0-9-]{0,52}[a-z0-9]$/.test(args.clusterName),
      "clusterName",
      args.clusterName,
      "must be 2-54 lowercase letters, digits and '-'",
    );
    check.require(
      /^1\.\d{2}$/.test(args.kubernetesVersion),
      "kubernetesVersion",
      args.kubernetesVersion,
      'must be a minor version such as "1.33"',
    );
    check.require(
      args.adminGroupObjectIds.length > 0 &&
        args.adminGroupObjectIds.every((g) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(g)),
      "adminGroupObjectIds",
      args.adminGroupObjectIds,
      "list the Entra group object ids (GUIDs) of the cluster admins (identity.clusterAdmins): local accounts are disabled, so without one nobody can administer the cluster",
    );
    check.require(
      (args.userGroupObjectIds ?? []).every((g) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(g)),
      "userGroupObjectIds",
      args.userGroupObjectIds,
      "list Entra group object ids (GUIDs): teams[].entraGroupIds and approver groups given as object ids",
    );
    check.require(args.systemPool.kind === "system", "systemPool.kind", args.systemPool.kind, 'must be "system"');
    checkPool(check, args.systemPool, "systemPool");
    check.require(!cidrProblem(args.serviceCidr), "serviceCidr", args.serviceCidr, cidrProblem(args.serviceCidr) ?? "");
    check.require(!cidrProblem(args.podCidr), "podCidr", args.podCidr, cidrProblem(args.podCidr) ?? "");
    check.require(
      (args.apiAllowedCidrs ?? []).length === 0,
      "apiAllowedCidrs",
      args.apiAllowedCidrs,
      "AKS private clusters take no authorized IP ranges: the API is reachable only from the VNet (VPN, ExpressRoute, Bastion, self-hosted runner); remove network.apiAllowedCidrs",
    );
    check.require(["Free", "Standard"].includes(args.tier), "tier", args.tier, 'must be "Free" or "Standard"');
    check.done();
    super("mlops-platform:azure:Cluster", name, {}, opts);
    const tags = args.tags ?? {};
    const zones = args.zones && args.zones.length > 0 ? [...args.zones] : undefined;

    // Control-plane identity and the narrow grants AKS needs before it can be created.
    const identity = new managedidentity.UserAssignedIdentity(
      `${name}-control-plane-identity`,
      { resourceGroupName: args.resourceGroupName, location: args.location, tags },
      { parent: this },
    );
    const grant = (role: string, r: Parameters<typeof assignRole>[1]["role"], scope: pulumi.Input<string>, description: string) =>
      assignRole(
        `${name}-control-plane-${role}`,
        { subscriptionId: args.subscriptionId, principalId: identity.principalId, role: r, scope, description },
        this,
      );
    const grants = [
      grant("system-subnet", "networkContributor", args.subnetIds.system, "Join nodes and internal load balancers to the system subnet."),
      grant("user-subnet", "networkContributor", args.subnetIds.user, "Join nodes and internal load balancers to the user subnet."),
      grant("kms-key", "keyVaultCryptoUser", args.kms.keyId, "KMS etcd encryption with the kms key only."),
      grant(
        "kms-vault",
        "keyVaultContributor",
        args.kms.vaultId,
        "KMS with a private vault: AKS manages the vault's private link (no data access).",
      ),
      grant("disk-encryption-set", "reader", args.diskEncryptionSetId, "Use the disk encryption set for OS and data disks."),
    ];

    const sys = args.systemPool;
    const securityProfile = clusterSecurityProfile(args.logAnalyticsWorkspaceId, args.kms.keyUriWithVersion, args.kms.vaultId);
    const cluster = new containerservice.ManagedCluster(
      `${name}-aks`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        resourceName: args.clusterName,
        dnsPrefix: args.clusterName,
        kubernetesVersion: args.kubernetesVersion,
        nodeResourceGroup: args.nodeResourceGroupName,
        nodeResourceGroupProfile: { restrictionLevel: "ReadOnly" },
        sku: { name: "Base", tier: args.tier },
        supportPlan: "KubernetesOfficial",
        identity: { type: "UserAssigned", userAssignedIdentities: [identity.id] },
        enableRBAC: true,
        disableLocalAccounts: true,
        aadProfile: { managed: true, enableAzureRBAC: true, tenantID: args.tenantId, adminGroupObjectIDs: [...args.adminGroupObjectIds] },
        apiServerAccessProfile: {
          enablePrivateCluster: true,
          enablePrivateClusterPublicFQDN: false,
          privateDNSZone: "system",
          disableRunCommand: true,
        },
        publicNetworkAccess: "Disabled",
        oidcIssuerProfile: { enabled: true },
        // Registered as an object of inputs (see the transformation below): a preview knows every
        // switch and only the key version, created in the same run, stays unknown.
        securityProfile,
        addonProfiles: {
          azurepolicy: { enabled: true, config: { version: "v2" } },
          azureKeyvaultSecretsProvider: { enabled: true, config: { enableSecretRotation: "true", rotationPollInterval: "2m" } },
        },
        autoUpgradeProfile: { upgradeChannel: "patch", nodeOSUpgradeChannel: "NodeImage" },
        networkProfile: {
          networkPlugin: "azure",
          networkPluginMode: "overlay",
          networkDataplane: "cilium",
          networkPolicy: "cilium",
          podCidr: args.podCidr,
          serviceCidr: args.serviceCidr,
          dnsServiceIP: dnsServiceIp(args.serviceCidr),
          outboundType: args.outboundType ?? "userAssignedNATGateway",
          loadBalancerSku: "standard",
        },
        autoScalerProfile: { expander: "priority", maxNodeProvisionTime: "10m", balanceSimilarNodeGroups: "true" },
        storageProfile: { diskCSIDriver: { enabled: true }, snapshotController: { enabled: true } },
        diskEncryptionSetID: args.diskEncryptionSetId,
        agentPoolProfiles: [
          {
            name: sys.name,
            mode: "System",
            type: "VirtualMachineScaleSets",
            vmSize: sys.vmSize,
            orchestratorVersion: args.kubernetesVersion,
            osType: "Linux",
            osSKU: "AzureLinux",
            osDiskType: "Managed",
            osDiskSizeGB: sys.diskSizeGiB,
            enableEncryptionAtHost: true,
            enableNodePublicIP: false,
            enableAutoScaling: true,
            minCount: sys.minCount,
            maxCount: sys.maxCount,
            count: sys.minCount,
            availabilityZones: zones,
            vnetSubnetID: args.subnetIds.system,
            nodeLabels: poolLabels(sys),
            nodeTaints: poolTaints(sys),
            upgradeSettings: { maxSurge: "33%" },
          },
        ],
        tags,
      },
      {
        parent: this,
        dependsOn: grants,
        protect: args.protectCluster,
        retainOnDelete: args.protectCluster,
        ignoreChanges: ["agentPoolProfiles[0].count"],
        // The SDK wraps securityProfile in an apply (to default keyVaultNetworkAccess, which is set
        // here), which would make the whole object unknown until the key version exists.
        transformations: [keepKnownInPreview("securityProfile", securityProfile)],
      },
    );
    this.cluster = cluster;
    this.clusterName = cluster.name;
    this.clusterId = cluster.id;
    this.privateFqdn = cluster.privateFQDN;
    // Known once the cluster exists (a preview of a new cluster leaves it unknown); never empty.
    this.oidcIssuerUrl = pulumi.all([cluster.oidcIssuerProfile, cluster.privateFQDN]).apply(([profile]) => {
      if (!profile?.issuerURL)
        throw new Error(`AKS cluster ${args.clusterName} reports no OIDC issuer URL: workload identity cannot be federated`);
      return profile.issuerURL;
    });
    this.kubeletObjectId = pulumi.all([cluster.identityProfile, cluster.privateFQDN]).apply(([profile]) => {
      const id = profile?.kubeletidentity?.objectId;
      if (!id) throw new Error(`AKS cluster ${args.clusterName} reports no kubelet identity: nodes could not pull from the registry`);
      return id;
    });

    assignRole(
      `${name}-kubelet-acr-pull`,
      {
        subscriptionId: args.subscriptionId,
        principalId: this.kubeletObjectId,
        role: "acrPull",
        scope: args.registryId,
        description: "Nodes pull images from the platform registry only.",
      },
      this,
    );

    // People fetch the kubeconfig as themselves: the user-credential role on this cluster, not on
    // its resource group or the subscription (the pack checks the scope).
    for (const groupId of new Set((args.userGroupObjectIds ?? []).map((g) => g.toLowerCase()))) {
      assignRole(
        `${name}-cluster-user-${groupId}`,
        {
          subscriptionId: args.subscriptionId,
          principalId: groupId,
          principalType: "Group",
          role: "aksClusterUser",
          scope: cluster.id,
          description: "Members fetch this cluster's user kubeconfig and sign in as themselves (Entra ID, kubelogin).",
        },
        this,
      );
    }

    diagnosticSetting(
      `${name}-aks-diagnostics`,
      { resourceUri: cluster.id, workspaceId: args.logAnalyticsWorkspaceId, categories: [...AKS_LOG_CATEGORIES] },
      this,
    );

    // Server address and CA from the user credentials (read once the cluster exists), wrapped
    // in a kubeconfig that authenticates with kubelogin: no static credentials anywhere.
    const credentials = containerservice.listManagedClusterUserCredentialsOutput(
      { resourceGroupName: args.resourceGroupName, resourceName: afterCreate(cluster.name, cluster.privateFQDN), format: "azure" },
      { parent: this },
    );
    this.kubeconfig = pulumi.secret(
      credentials.kubeconfigs.apply((configs) => {
        const first = configs[0];
        if (!first) throw new Error(`AKS returned no user kubeconfig for cluster ${args.clusterName}`);
        const access = clusterAccessFromKubeconfig(Buffer.from(first.value, "base64").toString("utf8"));
        return aksKubeconfig(args.clusterName, access);
      }),
    );
    this.provider = new KubernetesProvider(`${name}-k8s`, { kubeconfig: this.kubeconfig, enableServerSideApply: true }, { parent: this });

    this.storageClassName = ENCRYPTED_STORAGE_CLASS;
    new storagev1.StorageClass(
      `${name}-encrypted-storage-class`,
      {
        metadata: { name: ENCRYPTED_STORAGE_CLASS, annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
        provisioner: "disk.csi.azure.com",
        parameters: {
          skuName: args.storageSku ?? "Premium_LRS",
          diskEncryptionSetID: pulumi.output(args.diskEncryptionSetId) as unknown as string,
          diskEncryptionType: "EncryptionAtRestWithCustomerKey",
          networkAccessPolicy: "DenyAll",
          publicNetworkAccess: "Disabled",
        },
        reclaimPolicy: args.retainVolumes ? "Retain" : "Delete",
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
      },
      { parent: this, provider: this.provider },
    );

    this.registerOutputs({
      clusterName: this.clusterName,
      clusterId: this.clusterId,
      privateFqdn: this.privateFqdn,
      oidcIssuerUrl: this.oidcIssuerUrl,
      kubeconfig: this.kubeconfig,
      kubeletObjectId: this.kubeletObjectId,
      storageClassName: this.storageClassName,
    });
  }
}
