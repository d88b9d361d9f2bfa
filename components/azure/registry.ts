/**
 * The container registry: ACR Premium with a customer-managed key, no admin user, no anonymous
 * pull, no public network access (private endpoint, dedicated data endpoints), export disabled,
 * content trust on and untagged manifests cleaned up.
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as pulumi from "@pulumi/pulumi";
import { diagnosticSetting } from "./monitoring-settings";
import { PrivateEndpoint } from "./private-endpoint";
import { ArgsCheck } from "./validate";

/** Arguments of {@link Registry}. */
export interface RegistryArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  /** Globally unique registry name (5-50 letters and digits). */
  readonly registryName: pulumi.Input<string>;
  /** Customer-managed key (versionless URI, so ACR follows rotation) and its identity. */
  readonly cmk: {
    readonly keyUri: pulumi.Input<string>;
    readonly identityId: pulumi.Input<string>;
    readonly identityClientId: pulumi.Input<string>;
    readonly grant: pulumi.Resource;
  };
  /** Zone-redundant registry (multi-AZ profiles). */
  readonly zoneRedundant: boolean;
  /** Days before untagged manifests are deleted (0-365). @default 7 */
  readonly untaggedRetentionDays?: number;
  readonly privateEndpoint: { readonly subnetId: pulumi.Input<string>; readonly privateDnsZoneId: pulumi.Input<string> };
  readonly logAnalyticsWorkspaceId: pulumi.Input<string>;
  /** Protect from delete/replace and lock the registry. */
  readonly protectData: boolean;
  /** Tags on every taggable resource. @default {} (none) */
  readonly tags?: Record<string, string>;
}

/** ACR Premium, private endpoint and diagnostics. */
export class Registry extends pulumi.ComponentResource {
  public readonly registryId: pulumi.Output<string>;
  public readonly registryName: pulumi.Output<string>;
  /** `<name>.azurecr.io`. */
  public readonly loginServer: pulumi.Output<string>;

  constructor(name: string, args: RegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    const retention = args.untaggedRetentionDays ?? 7;
    new ArgsCheck("mlops-platform:azure:Registry", name)
      .location(args.location)
      .require(
        Number.isInteger(retention) && retention >= 0 && retention <= 365,
        "untaggedRetentionDays",
        args.untaggedRetentionDays,
        "must be 0-365 days",
      )
      .done();
    super("mlops-platform:azure:Registry", name, {}, opts);
    const tags = args.tags ?? {};
    const stateful = { parent: this, protect: args.protectData, retainOnDelete: args.protectData };

    const registry = new containerregistry.Registry(
      `${name}-registry`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        registryName: args.registryName,
        sku: { name: "Premium" },
        adminUserEnabled: false,
        anonymousPullEnabled: false,
        publicNetworkAccess: "Disabled",
        // Trusted Azure services only (Defender image scanning); everything else through the private endpoint.
        networkRuleBypassOptions: "AzureServices",
        dataEndpointEnabled: true,
        zoneRedundancy: args.zoneRedundant ? "Enabled" : "Disabled",
        // The API keys this map by the identity id, so only the map (the id itself) can be unknown in a preview.
        identity: { type: "UserAssigned", userAssignedIdentities: pulumi.output(args.cmk.identityId).apply((id) => ({ [id]: {} })) },
        encryption: {
          status: "enabled",
          keyVaultProperties: { keyIdentifier: args.cmk.keyUri, identity: args.cmk.identityClientId },
        },
        policies: {
          // Content trust: signed images are verifiable by clients (`DOCKER_CONTENT_TRUST=1`).
          trustPolicy: { type: "Notary", status: "enabled" },
          retentionPolicy: { days: retention, status: "enabled" },
          // Images cannot be exported out of the registry (and thus out of the UAE).
          exportPolicy: { status: "disabled" },
          // ARM-audience tokens refused: only ACR-audience Entra tokens.
          azureADAuthenticationAsArmPolicy: { status: "disabled" },
          // Quarantine stays off: with it on, every pushed image is unpullable until an external
          // scanner releases it, and the platform ships no such release workflow (docs/azure.md).
          quarantinePolicy: { status: "disabled" },
        },
        tags,
      },
      { ...stateful, dependsOn: [args.cmk.grant] },
    );
    this.registryId = registry.id;
    this.registryName = registry.name;
    // ACR's login server is its name in lower case under azurecr.io; derived from the name (known
    // in a preview) rather than read back, so image references are known before the registry exists.
    this.loginServer = pulumi.all([registry.urn, args.registryName]).apply(([, n]) => `${n.toLowerCase()}.azurecr.io`);
    if (args.protectData) {
      new authorization.ManagementLockByScope(
        `${name}-registry-lock`,
        { scope: registry.id, level: "CanNotDelete", notes: "Holds the platform's pipeline and serving images." },
        { parent: this },
      );
    }

    new PrivateEndpoint(
      `${name}-registry`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        subnetId: args.privateEndpoint.subnetId,
        targetResourceId: registry.id,
        groupId: "registry",
        privateDnsZoneId: args.privateEndpoint.privateDnsZoneId,
        tags,
      },
      { parent: this },
    );
    diagnosticSetting(`${name}-registry-diagnostics`, { resourceUri: registry.id, workspaceId: args.logAnalyticsWorkspaceId }, this);

    this.registerOutputs({ registryId: this.registryId, registryName: this.registryName, loginServer: this.loginServer });
  }
}
