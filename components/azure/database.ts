/**
 * PostgreSQL Flexible Server for MLflow, Feast and Argo (one database each on one server).
 *
 * Fixed: private access only (VNet-integrated in a delegated subnet, private DNS zone, public
 * network access disabled), customer-managed key, TLS enforced (`require_secure_transport=on`,
 * TLS 1.2 minimum), Entra ID authentication on, backups kept in the location (no geo-redundant
 * backup, which would copy them to the paired region outside the allow-list). The admin password
 * comes from `@pulumi/random`, is stored in Key Vault and only ever handled as a secret.
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as privatedns from "@pulumi/azure-native/privatedns";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { diagnosticSetting } from "./monitoring-settings";
import { POSTGRES_SIZES, type SizeClass } from "./sizing";
import { ArgsCheck } from "./validate";

/** Server parameters the platform pins (TLS and connection auditing). */
export const POSTGRES_PARAMETERS: Readonly<Record<string, string>> = {
  require_secure_transport: "on",
  ssl_min_protocol_version: "TLSv1.2",
  log_connections: "on",
  log_disconnections: "on",
  log_checkpoints: "on",
};

/** Arguments of {@link Database}. */
export interface DatabaseArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  /** Globally unique server name (3-63 lowercase letters, digits, hyphens). */
  readonly serverName: pulumi.Input<string>;
  /** PostgreSQL major version. @default "16" */
  readonly version?: "15" | "16" | "17";
  readonly size: SizeClass;
  /** Zone-redundant high availability (needs a General Purpose size: medium or large). */
  readonly highAvailability: boolean;
  /** Zones of the primary and standby when highly available. @default ["1", "2"] */
  readonly zones?: readonly string[];
  /** Backup retention (7-35 days). */
  readonly backupDays: number;
  readonly tenantId: pulumi.Input<string>;
  /** Subnet delegated to `Microsoft.DBforPostgreSQL/flexibleServers`. */
  readonly delegatedSubnetId: pulumi.Input<string>;
  /** VNet the private DNS zone is linked to. */
  readonly vnetId: pulumi.Input<string>;
  /** First label of the private DNS zone `<label>.private.postgres.database.azure.com`. */
  readonly privateDnsLabel: string;
  /** Customer-managed key (versionless URI) and its identity. */
  readonly cmk: { readonly keyUri: pulumi.Input<string>; readonly identityId: pulumi.Input<string>; readonly grant: pulumi.Resource };
  /** Vault that receives the admin password as a secret. */
  readonly passwordVault: { readonly resourceGroupName: pulumi.Input<string>; readonly vaultName: pulumi.Input<string> };
  /** Databases to create. */
  readonly databases: readonly string[];
  readonly logAnalyticsWorkspaceId: pulumi.Input<string>;
  /** Protect server and databases from delete/replace and lock the server. */
  readonly protectData: boolean;
  /** Tags on every taggable resource. @default {} (none) */
  readonly tags?: Record<string, string>;
}

/** The server, its parameters, databases, private DNS and diagnostics. */
export class Database extends pulumi.ComponentResource {
  public readonly serverId: pulumi.Output<string>;
  /** Private FQDN of the server. */
  public readonly host: pulumi.Output<string>;
  public readonly port: pulumi.Output<number>;
  /** Admin login name. */
  public readonly username: pulumi.Output<string>;
  /** Admin password (secret). */
  public readonly password: pulumi.Output<string>;
  /** Database names by requested name. */
  public readonly databaseNames: Record<string, pulumi.Output<string>>;
  /** Key Vault secret holding the admin password. */
  public readonly passwordSecretName: pulumi.Output<string>;

  constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    const zones = args.zones ?? ["1", "2"];
    const size = POSTGRES_SIZES[args.size];
    new ArgsCheck("mlops-platform:azure:Database", name)
      .location(args.location)
      .require(size !== undefined, "size", args.size, "must be small, medium or large")
      .require(
        !args.highAvailability || size?.tier !== "Burstable",
        "highAvailability",
        args.highAvailability,
        `needs a General Purpose size: size "${args.size}" is Burstable, use medium or large`,
      )
      .require(!args.highAvailability || zones.length >= 2, "zones", zones, "high availability needs two zones (primary, standby)")
      .require(
        Number.isInteger(args.backupDays) && args.backupDays >= 7 && args.backupDays <= 35,
        "backupDays",
        args.backupDays,
        "must be 7-35 days (Flexible Server limit)",
      )
      .require(args.databases.length > 0, "databases", args.databases, "list at least one database")
      .require(
        args.databases.every((d) => /^[a-z][a-z0-9_]{0,62}$/.test(d)),
        "databases",
        args.databases,
        "names must be lowercase letters, digits and '_', starting with a letter",
      )
      .require(
        /^[a-z][a-z0-9-]{0,40}$/.test(args.privateDnsLabel),
        "privateDnsLabel",
        args.privateDnsLabel,
        "must be a lowercase DNS label",
      )
      .done();
    super("mlops-platform:azure:Database", name, {}, opts);
    const tags = args.tags ?? {};
    const stateful = { parent: this, protect: args.protectData, retainOnDelete: args.protectData };

    const zone = new privatedns.PrivateZone(
      `${name}-zone`,
      {
        resourceGroupName: args.resourceGroupName,
        privateZoneName: `${args.privateDnsLabel}.private.postgres.database.azure.com`,
        location: "global",
        tags,
      },
      { parent: this },
    );
    const link = new privatedns.VirtualNetworkLink(
      `${name}-zone-link`,
      {
        resourceGroupName: args.resourceGroupName,
        privateZoneName: zone.name,
        location: "global",
        virtualNetwork: { id: args.vnetId },
        registrationEnabled: false,
        tags,
      },
      { parent: this },
    );

    const password = new random.RandomPassword(
      `${name}-admin-password`,
      { length: 32, special: true, overrideSpecial: "-_.~", minLower: 2, minUpper: 2, minNumeric: 2, minSpecial: 1 },
      { parent: this, additionalSecretOutputs: ["result"] },
    );
    const adminLogin = "mlopsadmin";

    const server = new dbforpostgresql.Server(
      `${name}-server`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        serverName: args.serverName,
        version: args.version ?? "16",
        sku: { name: size.sku, tier: size.tier },
        storage: { storageSizeGB: size.storageGiB, autoGrow: "Enabled" },
        administratorLogin: adminLogin,
        administratorLoginPassword: password.result,
        authConfig: { activeDirectoryAuth: "Enabled", passwordAuth: "Enabled", tenantId: args.tenantId },
        network: {
          delegatedSubnetResourceId: args.delegatedSubnetId,
          privateDnsZoneArmResourceId: zone.id,
          publicNetworkAccess: "Disabled",
        },
        // The API keys this map by the identity id, so only the map (the id itself) can be unknown in a preview.
        identity: { type: "UserAssigned", userAssignedIdentities: pulumi.output(args.cmk.identityId).apply((id) => ({ [id]: {} })) },
        dataEncryption: { type: "AzureKeyVault", primaryKeyURI: args.cmk.keyUri, primaryUserAssignedIdentityId: args.cmk.identityId },
        backup: { backupRetentionDays: args.backupDays, geoRedundantBackup: "Disabled" },
        availabilityZone: args.highAvailability ? zones[0] : undefined,
        highAvailability: args.highAvailability ? { mode: "ZoneRedundant", standbyAvailabilityZone: zones[1] } : { mode: "Disabled" },
        maintenanceWindow: { customWindow: "Enabled", dayOfWeek: 0, startHour: 2, startMinute: 0 },
        tags,
      },
      { ...stateful, dependsOn: [args.cmk.grant, link], additionalSecretOutputs: ["administratorLoginPassword"] },
    );
    this.serverId = server.id;
    this.host = server.fullyQualifiedDomainName;
    this.port = pulumi.output(5432);
    this.username = pulumi.output(adminLogin);
    this.password = pulumi.secret(password.result);
    if (args.protectData) {
      new authorization.ManagementLockByScope(
        `${name}-server-lock`,
        { scope: server.id, level: "CanNotDelete", notes: "Holds the MLflow, Feast and Argo databases." },
        { parent: this },
      );
    }

    // The server accepts one operation at a time: parameters and databases go in sequence.
    let previous: pulumi.Resource = server;
    for (const [parameter, value] of Object.entries(POSTGRES_PARAMETERS)) {
      previous = new dbforpostgresql.Configuration(
        `${name}-${parameter.replace(/_/g, "-")}`,
        {
          resourceGroupName: args.resourceGroupName,
          serverName: server.name,
          configurationName: parameter,
          value,
          source: "user-override",
        },
        { parent: this, dependsOn: [previous] },
      );
    }
    const databaseNames: Record<string, pulumi.Output<string>> = {};
    for (const db of args.databases) {
      const database = new dbforpostgresql.Database(
        `${name}-${db}`,
        { resourceGroupName: args.resourceGroupName, serverName: server.name, databaseName: db, charset: "UTF8", collation: "en_US.utf8" },
        { ...stateful, dependsOn: [previous] },
      );
      previous = database;
      databaseNames[db] = database.name;
    }
    this.databaseNames = databaseNames;

    const secret = new keyvault.Secret(
      `${name}-admin-password-secret`,
      {
        resourceGroupName: args.passwordVault.resourceGroupName,
        vaultName: args.passwordVault.vaultName,
        secretName: "postgres-admin-password",
        properties: { value: password.result, contentType: "text/plain; postgres admin password" },
        tags,
      },
      { parent: this },
    );
    this.passwordSecretName = secret.name;

    diagnosticSetting(`${name}-server-diagnostics`, { resourceUri: server.id, workspaceId: args.logAnalyticsWorkspaceId }, this);

    this.registerOutputs({
      serverId: this.serverId,
      host: this.host,
      port: this.port,
      username: this.username,
      password: this.password,
      databaseNames: this.databaseNames,
      passwordSecretName: this.passwordSecretName,
    });
  }
}
