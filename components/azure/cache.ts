/**
 * Azure Cache for Redis, the Feast online store.
 *
 * Fixed: TLS only (non-TLS port closed, TLS 1.2 minimum), no public network access (private
 * endpoint), Entra authentication enabled. Access keys stay enabled because the Feast Redis
 * client authenticates with a password; the key is read after creation and only ever handled as
 * a secret.
 */
import * as redis from "@pulumi/azure-native/redis";
import * as pulumi from "@pulumi/pulumi";
import { afterCreate } from "./after-create";
import { diagnosticSetting } from "./monitoring-settings";
import { PrivateEndpoint } from "./private-endpoint";
import { REDIS_SIZES, type SizeClass } from "./sizing";
import { ArgsCheck } from "./validate";

/** Arguments of {@link Cache}. */
export interface CacheArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  /** Globally unique cache name. */
  readonly cacheName: pulumi.Input<string>;
  readonly size: SizeClass;
  /** Replicas per primary (0-3); more than 0 needs a Premium size (medium or large). */
  readonly replicas: number;
  /** Zones to spread primary and replicas over (Premium only). @default [] */
  readonly zones?: readonly string[];
  readonly privateEndpoint: { readonly subnetId: pulumi.Input<string>; readonly privateDnsZoneId: pulumi.Input<string> };
  readonly logAnalyticsWorkspaceId: pulumi.Input<string>;
  /** Protect the cache (the online store) from delete/replace: rebuilding it means re-materializing every feature view. */
  readonly protectData: boolean;
  /** Tags on every taggable resource. @default {} (none) */
  readonly tags?: Record<string, string>;
}

/** The cache, its private endpoint and diagnostics. */
export class Cache extends pulumi.ComponentResource {
  public readonly cacheId: pulumi.Output<string>;
  /** `<name>.redis.cache.windows.net`. */
  public readonly host: pulumi.Output<string>;
  /** TLS port (6380). */
  public readonly port: pulumi.Output<number>;
  /** Primary access key (secret). */
  public readonly password: pulumi.Output<string>;

  constructor(name: string, args: CacheArgs, opts?: pulumi.ComponentResourceOptions) {
    const sku = REDIS_SIZES[args.size];
    const zones = args.zones ?? [];
    new ArgsCheck("mlops-platform:azure:Cache", name)
      .location(args.location)
      .require(sku !== undefined, "size", args.size, "must be small, medium or large")
      .require(Number.isInteger(args.replicas) && args.replicas >= 0 && args.replicas <= 3, "replicas", args.replicas, "must be 0-3")
      .require(
        args.replicas === 0 || sku?.name === "Premium",
        "replicas",
        args.replicas,
        `replicas need a Premium cache: size "${args.size}" is ${sku?.name ?? "unknown"}, use medium or large`,
      )
      .require(zones.length === 0 || sku?.name === "Premium", "zones", zones, "zone placement needs a Premium cache (medium or large)")
      .done();
    super("mlops-platform:azure:Cache", name, {}, opts);
    const tags = args.tags ?? {};

    const cache = new redis.Redis(
      `${name}-redis`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        name: args.cacheName,
        sku: { name: sku.name, family: sku.family, capacity: sku.capacity },
        redisVersion: "6",
        enableNonSslPort: false,
        minimumTlsVersion: "1.2",
        publicNetworkAccess: "Disabled",
        replicasPerPrimary: sku.name === "Premium" ? args.replicas : undefined,
        zones: zones.length > 0 ? [...zones] : undefined,
        redisConfiguration: { aadEnabled: "true", maxmemoryPolicy: "allkeys-lru" },
        updateChannel: "Stable",
        tags,
      },
      { parent: this, protect: args.protectData, retainOnDelete: args.protectData },
    );
    this.cacheId = cache.id;
    this.host = cache.hostName;
    this.port = cache.sslPort;
    const keys = redis.listRedisKeysOutput(
      { resourceGroupName: args.resourceGroupName, name: afterCreate(cache.name, cache.hostName) },
      { parent: this },
    );
    this.password = pulumi.secret(keys.primaryKey);

    new PrivateEndpoint(
      `${name}-redis`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        subnetId: args.privateEndpoint.subnetId,
        targetResourceId: cache.id,
        groupId: "redisCache",
        privateDnsZoneId: args.privateEndpoint.privateDnsZoneId,
        tags,
      },
      { parent: this },
    );
    diagnosticSetting(`${name}-redis-diagnostics`, { resourceUri: cache.id, workspaceId: args.logAnalyticsWorkspaceId }, this);

    this.registerOutputs({ cacheId: this.cacheId, host: this.host, port: this.port, password: this.password });
  }
}
