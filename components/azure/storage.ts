/**
 * The platform's storage account and its blob containers (artifacts, datasets, feature offline
 * store, logs).
 *
 * Fixed, not configurable: HTTPS only, TLS 1.2 minimum, no public blob access, shared-key (and
 * therefore SAS) access disabled, Entra-only data access, a deny-all firewall (private endpoints
 * for blob, dfs and queue; trusted Azure services with a managed identity only), customer-managed key with infrastructure (double)
 * encryption, versioning, change feed and soft delete, and replication that stays in the
 * location (LRS or ZRS: geo-replication would copy the data out of the UAE allow-list).
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as storage from "@pulumi/azure-native/storage";
import * as pulumi from "@pulumi/pulumi";
import { BUCKET_PURPOSES, type BucketPurpose } from "../contracts";
import { diagnosticSetting } from "./monitoring-settings";
import { PrivateEndpoint } from "./private-endpoint";
import { containerScope } from "./roles";
import { ArgsCheck } from "./validate";

/** In-region replication options. */
export const STORAGE_REPLICATION = ["Standard_LRS", "Standard_ZRS"] as const;

/** A blob container of the account. */
export interface ContainerRef {
  readonly name: pulumi.Output<string>;
  /** Resource id (role assignment scope). */
  readonly id: pulumi.Output<string>;
}

/** Arguments of {@link Storage}. */
export interface StorageArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  /** Globally unique account name (3-24 lowercase letters and digits). */
  readonly accountName: pulumi.Input<string>;
  /** `Standard_ZRS` with multi-AZ, `Standard_LRS` otherwise; geo-redundant SKUs are refused. */
  readonly replication: (typeof STORAGE_REPLICATION)[number];
  /** Customer-managed key: vault URI, key name and the user-assigned identity allowed to use it. */
  readonly cmk: {
    readonly vaultUri: pulumi.Input<string>;
    readonly keyName: pulumi.Input<string>;
    readonly identityId: pulumi.Input<string>;
    /** The role assignment giving the identity access to the key (created before the account). */
    readonly grant: pulumi.Resource;
  };
  /** Soft-delete retention of blobs and containers (7-365 days). */
  readonly softDeleteDays: number;
  /** Days before non-current blob versions are deleted. */
  readonly noncurrentVersionDays: number;
  /** Days before blobs in the `logs` container are deleted. */
  readonly logDays: number;
  readonly privateEndpoint: {
    readonly subnetId: pulumi.Input<string>;
    readonly privateDnsZoneIds: {
      readonly blob: pulumi.Input<string>;
      readonly dfs: pulumi.Input<string>;
      readonly queue: pulumi.Input<string>;
    };
  };
  readonly logAnalyticsWorkspaceId: pulumi.Input<string>;
  /** Protect account and containers from delete/replace, lock the account, enable point-in-time restore. */
  readonly protectData: boolean;
  /** Tags on every taggable resource. @default {} (none) */
  readonly tags?: Record<string, string>;
}

/** The storage account, containers, lifecycle rules, private endpoints and diagnostics. */
export class Storage extends pulumi.ComponentResource {
  public readonly accountId: pulumi.Output<string>;
  public readonly accountName: pulumi.Output<string>;
  /** Containers by purpose. */
  public readonly containers: Record<BucketPurpose, ContainerRef>;
  /** Blob endpoint host (`<account>.blob.core.windows.net`). */
  public readonly blobHost: pulumi.Output<string>;
  /** ADLS endpoint host (`<account>.dfs.core.windows.net`). */
  public readonly dfsHost: pulumi.Output<string>;

  constructor(name: string, args: StorageArgs, opts?: pulumi.ComponentResourceOptions) {
    new ArgsCheck("mlops-platform:azure:Storage", name)
      .location(args.location)
      .require(
        (STORAGE_REPLICATION as readonly string[]).includes(args.replication),
        "replication",
        args.replication,
        `must be ${STORAGE_REPLICATION.join(" or ")}: geo-redundant replication would copy data outside the UAE allow-list`,
      )
      .require(
        Number.isInteger(args.softDeleteDays) && args.softDeleteDays >= 7 && args.softDeleteDays <= 365,
        "softDeleteDays",
        args.softDeleteDays,
        "must be a whole number of days, 7-365",
      )
      .require(
        Number.isInteger(args.noncurrentVersionDays) && args.noncurrentVersionDays >= 1,
        "noncurrentVersionDays",
        args.noncurrentVersionDays,
        "must be a whole number of days, at least 1",
      )
      .require(Number.isInteger(args.logDays) && args.logDays >= 1, "logDays", args.logDays, "must be a whole number of days, at least 1")
      .done();
    super("mlops-platform:azure:Storage", name, {}, opts);
    const tags = args.tags ?? {};
    const stateful = { parent: this, protect: args.protectData, retainOnDelete: args.protectData };

    const account = new storage.StorageAccount(
      `${name}-account`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        accountName: args.accountName,
        kind: "StorageV2",
        sku: { name: args.replication },
        accessTier: "Hot",
        enableHttpsTrafficOnly: true,
        minimumTlsVersion: "TLS1_2",
        allowBlobPublicAccess: false,
        allowSharedKeyAccess: false,
        defaultToOAuthAuthentication: true,
        allowCrossTenantReplication: false,
        allowedCopyScope: "PrivateLink",
        isLocalUserEnabled: false,
        isSftpEnabled: false,
        // Deny-by-default firewall with no IP or VNet rule: only private endpoints and trusted Azure
        // services with a managed identity get in. "Disabled" would also shut out Event Grid's
        // delivery of data events through the trusted-services exception.
        publicNetworkAccess: "Enabled",
        networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices", ipRules: [], virtualNetworkRules: [] },
        identity: { type: "UserAssigned", userAssignedIdentities: [args.cmk.identityId] },
        encryption: {
          keySource: "Microsoft.Keyvault",
          keyVaultProperties: { keyVaultUri: args.cmk.vaultUri, keyName: args.cmk.keyName },
          encryptionIdentity: { encryptionUserAssignedIdentity: args.cmk.identityId },
          requireInfrastructureEncryption: true,
          services: {
            blob: { enabled: true, keyType: "Account" },
            file: { enabled: true, keyType: "Account" },
            queue: { enabled: true, keyType: "Account" },
            table: { enabled: true, keyType: "Account" },
          },
        },
        tags,
      },
      { ...stateful, dependsOn: [args.cmk.grant] },
    );
    this.accountId = account.id;
    this.accountName = account.name;
    this.blobHost = pulumi.interpolate`${account.name}.blob.core.windows.net`;
    this.dfsHost = pulumi.interpolate`${account.name}.dfs.core.windows.net`;
    if (args.protectData) {
      new authorization.ManagementLockByScope(
        `${name}-account-lock`,
        { scope: account.id, level: "CanNotDelete", notes: "Holds the platform's models, datasets, features and logs." },
        { parent: this },
      );
    }

    const blobService = new storage.BlobServiceProperties(
      `${name}-blob-service`,
      {
        resourceGroupName: args.resourceGroupName,
        accountName: account.name,
        blobServicesName: "default",
        isVersioningEnabled: true,
        changeFeed: { enabled: true },
        deleteRetentionPolicy: { enabled: true, days: args.softDeleteDays, allowPermanentDelete: false },
        containerDeleteRetentionPolicy: { enabled: true, days: args.softDeleteDays },
        // Point-in-time restore must end before the soft-delete window does.
        restorePolicy: args.protectData ? { enabled: true, days: args.softDeleteDays - 1 } : { enabled: false },
      },
      { parent: this },
    );

    const containers = {} as Record<BucketPurpose, ContainerRef>;
    for (const purpose of BUCKET_PURPOSES) {
      const container = new storage.BlobContainer(
        `${name}-${purpose}`,
        { resourceGroupName: args.resourceGroupName, accountName: account.name, containerName: purpose, publicAccess: "None" },
        { ...stateful, dependsOn: [blobService] },
      );
      containers[purpose] = {
        name: container.name,
        id: pulumi.all([account.id, container.name]).apply(([id, c]) => containerScope(id, c)),
      };
    }
    this.containers = containers;

    new storage.ManagementPolicy(
      `${name}-lifecycle`,
      {
        resourceGroupName: args.resourceGroupName,
        accountName: account.name,
        managementPolicyName: "default",
        policy: {
          rules: [
            {
              name: "expire-noncurrent-versions",
              enabled: true,
              type: "Lifecycle",
              definition: {
                filters: { blobTypes: ["blockBlob"] },
                actions: { version: { delete: { daysAfterCreationGreaterThan: args.noncurrentVersionDays } } },
              },
            },
            {
              name: "expire-logs",
              enabled: true,
              type: "Lifecycle",
              definition: {
                filters: { blobTypes: ["blockBlob", "appendBlob"], prefixMatch: ["logs/"] },
                actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: args.logDays } } },
              },
            },
            {
              // The model servers' captured inputs and predictions (container artifacts, capture/), kept for the log retention.
              name: "expire-capture",
              enabled: true,
              type: "Lifecycle",
              definition: {
                filters: { blobTypes: ["blockBlob"], prefixMatch: ["artifacts/capture/"] },
                actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: args.logDays } } },
              },
            },
          ],
        },
      },
      { parent: this, dependsOn: [blobService] },
    );

    const endpoints = [
      ["blob", args.privateEndpoint.privateDnsZoneIds.blob],
      ["dfs", args.privateEndpoint.privateDnsZoneIds.dfs],
      ["queue", args.privateEndpoint.privateDnsZoneIds.queue],
    ] as const;
    for (const [groupId, zoneId] of endpoints) {
      new PrivateEndpoint(
        `${name}-${groupId}`,
        {
          resourceGroupName: args.resourceGroupName,
          location: args.location,
          subnetId: args.privateEndpoint.subnetId,
          targetResourceId: account.id,
          groupId,
          privateDnsZoneId: zoneId,
          tags,
        },
        { parent: this },
      );
    }

    const ws = args.logAnalyticsWorkspaceId;
    diagnosticSetting(`${name}-account-diagnostics`, { resourceUri: account.id, workspaceId: ws, categories: [] }, this);
    diagnosticSetting(
      `${name}-blob-diagnostics`,
      { resourceUri: pulumi.interpolate`${account.id}/blobServices/default`, workspaceId: ws },
      this,
    );
    diagnosticSetting(
      `${name}-queue-diagnostics`,
      { resourceUri: pulumi.interpolate`${account.id}/queueServices/default`, workspaceId: ws },
      this,
    );

    this.registerOutputs({
      accountId: this.accountId,
      accountName: this.accountName,
      containers: this.containers,
      blobHost: this.blobHost,
      dfsHost: this.dfsHost,
    });
  }
}
