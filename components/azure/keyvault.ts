/**
 * Key Vault and the customer-managed keys of the platform.
 *
 * One Premium vault (HSM-backed keys) with RBAC authorization, purge protection, soft delete and
 * no public network access (private endpoint only; trusted Azure services may reach it for CMK
 * unwrap). One RSA-HSM key per consumer, each with a rotation policy, and a user-assigned
 * identity per consumer holding "Key Vault Crypto Service Encryption User" on its key only.
 * The disk encryption set (OS and data disks of the cluster, persistent volumes) uses the
 * `disks` key.
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as compute from "@pulumi/azure-native/compute";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as pulumi from "@pulumi/pulumi";
import { diagnosticSetting } from "./monitoring-settings";
import { PrivateEndpoint } from "./private-endpoint";
import { assignRole } from "./role-assignment";
import { keyScope } from "./roles";
import { ArgsCheck } from "./validate";

/** The URI of a vault in the public Azure cloud. */
export function vaultUri(vaultName: string): string {
  return `https://${vaultName}.vault.azure.net/`;
}

/** The customer-managed keys, by consumer. */
export const KEY_PURPOSES = ["storage", "disks", "registry", "postgres", "kms"] as const;
/** One key consumer. */
export type KeyPurpose = (typeof KEY_PURPOSES)[number];

/** A key and what its consumer needs to use it. */
export interface KeyRef {
  readonly name: pulumi.Output<string>;
  /** Resource id of the key (role assignment scope). */
  readonly id: pulumi.Output<string>;
  /** Versionless key URI (services follow rotation). */
  readonly uri: pulumi.Output<string>;
  /** Current version URI (AKS KMS needs a version). */
  readonly uriWithVersion: pulumi.Output<string>;
}

/** A user-assigned identity allowed to wrap/unwrap with one key. */
export interface EncryptionIdentity {
  readonly id: pulumi.Output<string>;
  readonly principalId: pulumi.Output<string>;
  readonly clientId: pulumi.Output<string>;
  /** The role assignment on the key; consumers depend on it. */
  readonly grant: pulumi.Resource;
}

/** Arguments of {@link KeyVault}. */
export interface KeyVaultArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  /** Globally unique vault name (3-24 characters). */
  readonly vaultName: pulumi.Input<string>;
  readonly tenantId: pulumi.Input<string>;
  readonly subscriptionId: pulumi.Input<string>;
  /** Days after which a key gets a new version. @default 365 */
  readonly rotationDays?: number;
  /** Soft-delete retention (7-90 days). @default 90 */
  readonly softDeleteRetentionDays?: number;
  /** Private endpoint subnet and DNS zone. */
  readonly privateEndpoint: { readonly subnetId: pulumi.Input<string>; readonly privateDnsZoneId: pulumi.Input<string> };
  readonly logAnalyticsWorkspaceId: pulumi.Input<string>;
  /** Protect the vault and keys from delete/replace and lock the vault (CanNotDelete). */
  readonly protectData: boolean;
  /** Tags on every taggable resource. @default {} (none) */
  readonly tags?: Record<string, string>;
}

/** The vault, the keys, their encryption identities and the disk encryption set. */
export class KeyVault extends pulumi.ComponentResource {
  public readonly vaultId: pulumi.Output<string>;
  public readonly vaultName: pulumi.Output<string>;
  public readonly vaultUri: pulumi.Output<string>;
  /** Keys by consumer. */
  public readonly keys: Record<KeyPurpose, KeyRef>;
  /** Encryption identities of storage, registry, PostgreSQL and the disk encryption set. */
  public readonly encryptionIdentities: Record<"storage" | "registry" | "postgres" | "disks", EncryptionIdentity>;
  /** Disk encryption set for cluster disks and persistent volumes. */
  public readonly diskEncryptionSetId: pulumi.Output<string>;

  constructor(name: string, args: KeyVaultArgs, opts?: pulumi.ComponentResourceOptions) {
    const rotationDays = args.rotationDays ?? 365;
    const softDeleteDays = args.softDeleteRetentionDays ?? 90;
    new ArgsCheck("mlops-platform:azure:KeyVault", name)
      .location(args.location)
      .require(
        Number.isInteger(rotationDays) && rotationDays >= 30 && rotationDays <= 730,
        "rotationDays",
        args.rotationDays,
        "must be a whole number of days between 30 and 730",
      )
      .require(
        Number.isInteger(softDeleteDays) && softDeleteDays >= 7 && softDeleteDays <= 90,
        "softDeleteRetentionDays",
        args.softDeleteRetentionDays,
        "must be between 7 and 90 days (Key Vault limit)",
      )
      .done();
    super("mlops-platform:azure:KeyVault", name, {}, opts);
    const tags = args.tags ?? {};
    const stateful = { parent: this, protect: args.protectData, retainOnDelete: args.protectData };

    const vault = new keyvault.Vault(
      `${name}-vault`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        vaultName: args.vaultName,
        properties: {
          tenantId: args.tenantId,
          sku: { family: "A", name: "premium" },
          enableRbacAuthorization: true,
          enableSoftDelete: true,
          softDeleteRetentionInDays: softDeleteDays,
          // Irreversible: deleted keys cannot be purged before the retention ends.
          enablePurgeProtection: true,
          enabledForDeployment: false,
          enabledForTemplateDeployment: false,
          enabledForDiskEncryption: false,
          publicNetworkAccess: "Disabled",
          networkAcls: { defaultAction: "Deny", bypass: "AzureServices", ipRules: [], virtualNetworkRules: [] },
        },
        tags,
      },
      stateful,
    );
    this.vaultId = vault.id;
    this.vaultName = vault.name;
    // The vault URI follows from its name (public cloud), so dependants know it before creation.
    this.vaultUri = pulumi.all([vault.name, args.vaultName]).apply(([, n]) => vaultUri(n));
    if (args.protectData) {
      new authorization.ManagementLockByScope(
        `${name}-vault-lock`,
        {
          scope: vault.id,
          level: "CanNotDelete",
          notes: "Holds the customer-managed keys of the platform's data: deleting it makes the data unreadable.",
        },
        { parent: this },
      );
    }

    new PrivateEndpoint(
      `${name}-vault`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        subnetId: args.privateEndpoint.subnetId,
        targetResourceId: vault.id,
        groupId: "vault",
        privateDnsZoneId: args.privateEndpoint.privateDnsZoneId,
        tags,
      },
      { parent: this },
    );
    diagnosticSetting(`${name}-vault-diagnostics`, { resourceUri: vault.id, workspaceId: args.logAnalyticsWorkspaceId }, this);

    const keys = {} as Record<KeyPurpose, KeyRef>;
    for (const purpose of KEY_PURPOSES) {
      const key = new keyvault.Key(
        `${name}-${purpose}-key`,
        {
          resourceGroupName: args.resourceGroupName,
          vaultName: vault.name,
          keyName: `${purpose}-cmk`,
          properties: {
            kty: "RSA-HSM",
            keySize: 3072,
            keyOps: ["wrapKey", "unwrapKey", "encrypt", "decrypt"],
            attributes: { enabled: true },
            rotationPolicy: {
              attributes: { expiryTime: `P${rotationDays * 2}D` },
              lifetimeActions: [
                { action: { type: "rotate" }, trigger: { timeAfterCreate: `P${rotationDays}D` } },
                { action: { type: "notify" }, trigger: { timeBeforeExpiry: "P30D" } },
              ],
            },
          },
          tags,
        },
        stateful,
      );
      keys[purpose] = {
        name: key.name,
        id: pulumi.interpolate`${vault.id}/keys/${key.name}`,
        uri: pulumi.all([this.vaultUri, key.name]).apply(([v, k]) => `${v}keys/${k}`),
        uriWithVersion: key.keyUriWithVersion,
      };
    }
    this.keys = keys;

    const identities = {} as Record<"storage" | "registry" | "postgres" | "disks", EncryptionIdentity>;
    for (const purpose of ["storage", "registry", "postgres", "disks"] as const) {
      const identity = new managedidentity.UserAssignedIdentity(
        `${name}-${purpose}-cmk-identity`,
        { resourceGroupName: args.resourceGroupName, location: args.location, tags },
        { parent: this },
      );
      const grant = assignRole(
        `${name}-${purpose}-cmk-grant`,
        {
          subscriptionId: args.subscriptionId,
          principalId: identity.principalId,
          role: "keyVaultCryptoServiceEncryptionUser",
          scope: pulumi.all([vault.id, keys[purpose].name]).apply(([id, key]) => keyScope(id, key)),
          description: `Wrap/unwrap with the ${purpose} customer-managed key only.`,
        },
        this,
      );
      identities[purpose] = { id: identity.id, principalId: identity.principalId, clientId: identity.clientId, grant };
    }
    this.encryptionIdentities = identities;

    const des = new compute.DiskEncryptionSet(
      `${name}-des`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        encryptionType: "EncryptionAtRestWithCustomerKey",
        identity: { type: "UserAssigned", userAssignedIdentities: [identities.disks.id] },
        activeKey: { keyUrl: keys.disks.uriWithVersion, sourceVault: { id: vault.id } },
        rotationToLatestKeyVersionEnabled: true,
        tags,
      },
      { ...stateful, dependsOn: [identities.disks.grant] },
    );
    this.diskEncryptionSetId = des.id;

    this.registerOutputs({
      vaultId: this.vaultId,
      vaultName: this.vaultName,
      vaultUri: this.vaultUri,
      keys: this.keys,
      diskEncryptionSetId: this.diskEncryptionSetId,
    });
  }
}
