/**
 * The Azure composition: builds the cloud layer of one stack on Azure from the validated config.
 *
 * Resource groups → audit workspace → network → keys → storage, data events, registry,
 * PostgreSQL, Redis → AKS and its node pools → workload identities → residency guardrails.
 * Every resource goes through the providers of `stacks/providers.ts` (pinned to `cfg.region`)
 * and gets `location: cfg.region` explicitly.
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";
import { Cache } from "../components/azure/cache";
import { Cluster } from "../components/azure/cluster";
import { Database } from "../components/azure/database";
import { DataEvents } from "../components/azure/events";
import { Guardrails } from "../components/azure/guardrails";
import { type DataLakeGrant, WorkloadIdentities } from "../components/azure/identity";
import { ImageCache } from "../components/azure/image-cache";
import { KeyVault } from "../components/azure/keyvault";
import { internalIngressIp, zonesFor } from "../components/azure/layout";
import { Monitoring } from "../components/azure/monitoring";
import { globalName, nameSuffix } from "../components/azure/naming";
import { Network } from "../components/azure/network";
import { type NodePoolSpec, NodePools, SPOT_TAINT } from "../components/azure/nodepool";
import { PrivateDns } from "../components/azure/private-dns";
import { PrivateEndpoint } from "../components/azure/private-endpoint";
import { Registry } from "../components/azure/registry";
import { RepositoryPushToken } from "../components/azure/repository-token";
import { ResourceGroups } from "../components/azure/resource-groups";
import { parseAbfss } from "../components/azure/roles";
import { softDeleteDays, storageReplication } from "../components/azure/sizing";
import { Storage } from "../components/azure/storage";
import {
  BUCKET_PURPOSES,
  type BucketPurpose,
  type BucketRef,
  type CloudLayer,
  DATABASE_CONSUMERS,
  type DatabaseConsumer,
  type DatabaseRef,
  type WorkloadIdentityRef,
  type WorkloadIdentitySpec,
} from "../components/contracts";
import { builderRegistryToken } from "../components/k8s/image-builds";
import { egressFirewallSetting } from "./egress";
import { teamImageRepositories } from "./image-builds";
import { cachedUpstreams, cacheRuleUpstreams } from "./image-cache";
import type { AzureProviders } from "./providers";
import type { NodePool, PlatformConfig } from "./schema";
import { readRegistryCredentials } from "./secrets";
import { ingressDomain } from "./services";

/** Repository keys every cloud layer offers (`CloudLayer.repositoryUrls`). */
export const AZURE_REPOSITORIES = ["pipelines", "serving", "steps"] as const;

/** Locations without availability zones: multi-AZ profiles cannot be placed there. */
const LOCATIONS_WITHOUT_ZONES = ["uaecentral"];

/** Short name prefix of the stack's resources: `mlops-<stack>`. */
export function azureNamePrefix(cfg: Pick<PlatformConfig, "stack">): string {
  return `mlops-${cfg.stack}`
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .slice(0, 40)
    .replace(/-+$/, "");
}

const ENTRA_OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The Entra groups whose members fetch the AKS credentials as themselves: every team's
 * `entraGroupIds`, and the approver groups (teams[].approverGroups, identity.approverGroups)
 * given as Entra object ids (with Entra ID as the issuer, group claims are object ids). An
 * approver group given by name (another issuer) names no Entra group and gets no role.
 */
export function aksUserGroupIds(cfg: Pick<PlatformConfig, "teams" | "identity">): string[] {
  const approvers = [...cfg.teams.flatMap((t) => t.approverGroups), ...cfg.identity.approverGroups].filter((g) => ENTRA_OBJECT_ID.test(g));
  return [...new Set([...cfg.teams.flatMap((t) => t.entraGroupIds), ...approvers].map((g) => g.toLowerCase()))];
}

/** A configured node pool as the Azure components take it. */
export function toPoolSpec(pool: NodePool, kind: NodePoolSpec["kind"]): NodePoolSpec {
  return {
    name: pool.name,
    kind,
    vmSize: pool.instanceTypes[0] ?? "",
    minCount: pool.minSize,
    maxCount: pool.maxSize,
    diskSizeGiB: pool.diskSizeGiB,
    spot: pool.spot,
    labels: pool.labels,
    taints: pool.taints.map((t) => ({ key: t.key, value: t.value, effect: t.effect })),
  };
}

/**
 * The data lakes the pipelines may read, with the storage account each lives in. Lakes without
 * `storageAccountId` are returned in `ungranted` (their owner must grant access). Throws when a
 * lake's URI and account id disagree.
 */
export function azureDataLakes(cfg: Pick<PlatformConfig, "dataLakes">): { grants: DataLakeGrant[]; ungranted: string[] } {
  const grants: DataLakeGrant[] = [];
  const ungranted: string[] = [];
  const problems: string[] = [];
  cfg.dataLakes.forEach((lake, i) => {
    const loc = parseAbfss(lake.uri);
    if (!lake.storageAccountId) {
      ungranted.push(lake.name);
      return;
    }
    const account = lake.storageAccountId.split("/").pop();
    if (account !== loc.account) {
      problems.push(
        `mlops-platform:dataLakes[${i}].storageAccountId: names account "${account}" but the uri names "${loc.account}" (received: ${lake.storageAccountId}); use the id of the account in the uri`,
      );
      return;
    }
    grants.push({ name: lake.name, storageAccountId: lake.storageAccountId, container: loc.container, prefix: loc.prefix });
  });
  if (problems.length > 0) throw new Error(`Invalid data lakes:\n  - ${problems.join("\n  - ")}`);
  return { grants, ungranted };
}

/**
 * The firewall of the stack: Basic in the smb profile (the cheapest tier that filters by host
 * name), Standard in enterprise (threat-intelligence deny, autoscaling throughput); none for a
 * development stack that opted out.
 */
export function azureEgressFirewall(cfg: PlatformConfig): {
  egressFirewall?: { tier: "Basic" | "Standard"; allowedHosts: readonly string[] };
} {
  const setting = egressFirewallSetting(cfg);
  return setting
    ? { egressFirewall: { tier: cfg.profile === "enterprise" ? "Standard" : "Basic", allowedHosts: setting.allowedHosts } }
    : {};
}

/** Builds the Azure cloud layer. */
export function buildAzureCloud(cfg: PlatformConfig, providers: AzureProviders, identities: readonly WorkloadIdentitySpec[]): CloudLayer {
  if (cfg.availability.multiAz && LOCATIONS_WITHOUT_ZONES.includes(cfg.region)) {
    throw new Error(
      `mlops-platform:availability.multiAz: ${cfg.region} has no availability zones (received: true); use uaenorth for a multi-AZ profile or set availability.multiAz to false`,
    );
  }
  const lakes = azureDataLakes(cfg);
  for (const lake of lakes.ungranted) {
    pulumi.log.warn(
      `data lake "${lake}" has no storageAccountId: the platform cannot grant the pipelines read access; add the account's resource id or have its owner grant "Storage Blob Data Reader" on the container`,
    );
  }

  const location = cfg.region;
  const prefix = azureNamePrefix(cfg);
  const tags = cfg.tags;
  const protectData = cfg.protectData;
  const opts: pulumi.ComponentResourceOptions = { providers: [providers.azure, providers.random] };
  const client = authorization.getClientConfigOutput({ provider: providers.azure });
  const subscriptionId = client.subscriptionId;
  const tenantId = client.tenantId;
  const zones = zonesFor(cfg.availability.multiAz, cfg.availability.zoneCount);

  // Suffix of the globally unique names (storage, vault, registry, server, cache): derived from
  // the subscription and stack, so names are known at preview and stable across runs.
  const unique = (kind: Parameters<typeof globalName>[0]) =>
    subscriptionId.apply((sub) => globalName(kind, prefix, nameSuffix(sub, cfg.stack)));

  const groups = new ResourceGroups("azure-rg", { location, prefix, protectData, tags }, opts);
  const monitoring = new Monitoring(
    "azure-monitoring",
    {
      resourceGroupName: groups.names.data,
      location,
      subscriptionId,
      logDays: cfg.retention.logDays,
      auditLogDays: cfg.retention.auditLogDays,
      activityLogExportName: `${prefix}-activity-log`,
      protectData,
      tags,
    },
    opts,
  );
  const workspaceId = monitoring.workspaceId;

  const network = new Network(
    "azure-network",
    {
      resourceGroupName: groups.names.core,
      location,
      addressSpace: cfg.network.cidr,
      podCidr: cfg.network.podCidr,
      zones,
      logAnalyticsWorkspaceId: workspaceId,
      tags,
      ...azureEgressFirewall(cfg),
    },
    opts,
  );
  const endpointSubnet = network.subnetIds.endpoints;
  const ingressIp = internalIngressIp(network.subnetPrefixes.user);
  const zoneIds = network.privateDnsZoneIds;

  const keys = new KeyVault(
    "azure-keys",
    {
      resourceGroupName: groups.names.data,
      location,
      vaultName: unique("keyVault"),
      tenantId,
      subscriptionId,
      softDeleteRetentionDays: 90,
      privateEndpoint: { subnetId: endpointSubnet, privateDnsZoneId: zoneIds.vault },
      logAnalyticsWorkspaceId: workspaceId,
      protectData,
      tags,
    },
    opts,
  );

  const store = new Storage(
    "azure-storage",
    {
      resourceGroupName: groups.names.data,
      location,
      accountName: unique("storageAccount"),
      replication: storageReplication(cfg.availability.multiAz),
      cmk: {
        vaultUri: keys.vaultUri,
        keyName: keys.keys.storage.name,
        identityId: keys.encryptionIdentities.storage.id,
        grant: keys.encryptionIdentities.storage.grant,
      },
      softDeleteDays: softDeleteDays(cfg.retention.backupDays),
      noncurrentVersionDays: cfg.retention.noncurrentVersionDays,
      logDays: cfg.retention.logDays,
      privateEndpoint: { subnetId: endpointSubnet, privateDnsZoneIds: { blob: zoneIds.blob, dfs: zoneIds.dfs, queue: zoneIds.queue } },
      logAnalyticsWorkspaceId: workspaceId,
      protectData,
      tags,
    },
    opts,
  );

  const events = new DataEvents(
    "azure-data-events",
    {
      resourceGroupName: groups.names.data,
      location,
      subscriptionId,
      storageAccountId: store.accountId,
      storageAccountName: store.accountName,
      container: "datasets",
      logAnalyticsWorkspaceId: workspaceId,
      tags,
    },
    opts,
  );

  // Existing data lakes are reached privately: a dfs and a blob endpoint per granted lake, in the
  // platform's endpoint subnet and private DNS zones, pending until the lake's owner approves them.
  for (const lake of lakes.grants)
    for (const groupId of ["dfs", "blob"] as const)
      new PrivateEndpoint(
        `azure-lake-${lake.name}-${groupId}`,
        {
          resourceGroupName: groups.names.data,
          location,
          subnetId: endpointSubnet,
          targetResourceId: lake.storageAccountId,
          groupId,
          privateDnsZoneId: zoneIds[groupId],
          manualApprovalMessage: `MLOps platform ${cfg.stack} (${location}): read-only access of the ML pipelines to data lake "${lake.name}"`,
          tags,
        },
        opts,
      );

  const registry = new Registry(
    "azure-registry",
    {
      resourceGroupName: groups.names.data,
      location,
      registryName: unique("registry"),
      cmk: {
        keyUri: keys.keys.registry.uri,
        identityId: keys.encryptionIdentities.registry.id,
        identityClientId: keys.encryptionIdentities.registry.clientId,
        grant: keys.encryptionIdentities.registry.grant,
      },
      zoneRedundant: cfg.availability.multiAz,
      privateEndpoint: { subnetId: endpointSubnet, privateDnsZoneId: zoneIds.registry },
      logAnalyticsWorkspaceId: workspaceId,
      protectData,
      tags,
    },
    opts,
  );

  new ImageCache(
    "azure-image-cache",
    {
      resourceGroupName: groups.names.data,
      registryName: registry.registryName,
      upstreams: cacheRuleUpstreams(cfg),
      credentials: readRegistryCredentials(cfg),
      vault: { resourceGroupName: groups.names.data, vaultName: keys.vaultName, vaultId: keys.vaultId },
      subscriptionId,
      tags,
    },
    opts,
  );

  const database = new Database(
    "azure-postgres",
    {
      resourceGroupName: groups.names.data,
      location,
      serverName: unique("postgres"),
      size: cfg.availability.databaseSize,
      highAvailability: cfg.availability.databaseHighAvailability,
      zones: zones.length >= 2 ? zones.slice(0, 2) : undefined,
      backupDays: Math.max(cfg.retention.backupDays, 7),
      tenantId,
      delegatedSubnetId: network.subnetIds.database,
      vnetId: network.vnetId,
      privateDnsLabel: prefix,
      cmk: {
        keyUri: keys.keys.postgres.uri,
        identityId: keys.encryptionIdentities.postgres.id,
        grant: keys.encryptionIdentities.postgres.grant,
      },
      passwordVault: { resourceGroupName: groups.names.data, vaultName: keys.vaultName },
      databases: [...DATABASE_CONSUMERS],
      logAnalyticsWorkspaceId: workspaceId,
      protectData,
      tags,
    },
    opts,
  );

  const cache = new Cache(
    "azure-redis",
    {
      resourceGroupName: groups.names.data,
      location,
      cacheName: unique("redis"),
      size: cfg.availability.cacheSize,
      replicas: cfg.availability.cacheReplicas,
      zones: cfg.availability.multiAz ? zones : [],
      privateEndpoint: { subnetId: endpointSubnet, privateDnsZoneId: zoneIds.redis },
      logAnalyticsWorkspaceId: workspaceId,
      protectData,
      tags,
    },
    opts,
  );

  const clusterName = `${prefix}-aks`;
  const nodeResourceGroupName = `rg-${prefix}-nodes`;
  const cluster = new Cluster(
    "azure-cluster",
    {
      resourceGroupName: groups.names.core,
      location,
      clusterName,
      nodeResourceGroupName,
      kubernetesVersion: cfg.kubernetesVersion,
      tenantId,
      subscriptionId,
      adminGroupObjectIds: cfg.identity.clusterAdmins,
      userGroupObjectIds: aksUserGroupIds(cfg),
      systemPool: toPoolSpec(cfg.nodePools.system, "system"),
      zones,
      subnetIds: { system: network.subnetIds.system, user: network.subnetIds.user },
      serviceCidr: cfg.network.serviceCidr,
      outboundType: network.outboundType,
      podCidr: cfg.network.podCidr,
      apiAllowedCidrs: cfg.network.apiAllowedCidrs,
      diskEncryptionSetId: keys.diskEncryptionSetId,
      kms: { keyUriWithVersion: keys.keys.kms.uriWithVersion, keyId: keys.keys.kms.id, vaultId: keys.vaultId },
      logAnalyticsWorkspaceId: workspaceId,
      registryId: registry.registryId,
      tier: cfg.availability.multiAz ? "Standard" : "Free",
      storageSku: cfg.availability.multiAz ? "Premium_ZRS" : "Premium_LRS",
      retainVolumes: protectData,
      protectCluster: protectData,
      tags,
    },
    opts,
  );

  const nodePools = new NodePools(
    "azure-node-pools",
    {
      resourceGroupName: groups.names.core,
      clusterName: cluster.clusterName,
      kubernetesVersion: cfg.kubernetesVersion,
      pools: [...cfg.nodePools.cpu.map((p) => toPoolSpec(p, "cpu")), ...cfg.nodePools.gpu.map((p) => toPoolSpec(p, "gpu"))],
      subnetId: network.subnetIds.user,
      zones,
      kubernetesProvider: cluster.provider,
      tags,
    },
    { ...opts, dependsOn: [cluster] },
  );

  const containerIds = Object.fromEntries(BUCKET_PURPOSES.map((p) => [p, store.containers[p].id])) as Record<
    BucketPurpose,
    pulumi.Output<string>
  >;
  const workload = new WorkloadIdentities(
    "azure-workload-identity",
    {
      resourceGroupName: groups.names.core,
      location,
      subscriptionId,
      oidcIssuerUrl: cluster.oidcIssuerUrl,
      specs: identities,
      containerIds,
      registryId: registry.registryId,
      dataEventQueueId: events.queueId,
      dataLakes: lakes.grants,
      tags,
    },
    opts,
  );

  // Each team's image builder pushes with a token on that team's built models' repositories only
  // (no registry-wide role): a Dockerfile's RUN steps can read the token (docs/workflows.md).
  for (const [team, repositories] of Object.entries(teamImageRepositories(cfg)))
    new RepositoryPushToken(
      `azure-image-builder-token-${team}`,
      {
        resourceGroupName: groups.names.data,
        registryName: registry.registryName,
        tokenName: builderRegistryToken(team),
        repositories,
        // Base images through the registry's cache (the namespace reaches no other registry).
        readPrefixes: cacheRuleUpstreams(cfg).map((u) => u.prefix),
      },
      opts,
    );

  // The AKS node resource group is left out: AKS creates its resources in the cluster's location
  // and its ReadOnly restriction denies every other write there, policy assignments included.
  new Guardrails(
    "azure-guardrails",
    {
      location,
      resourceGroupScopes: { core: groups.ids.core, data: groups.ids.data },
      subscriptionId,
      assignmentPrefix: prefix.slice(0, 31).replace(/-+$/, ""),
    },
    opts,
  );

  const buckets = Object.fromEntries(
    BUCKET_PURPOSES.map((purpose): [BucketPurpose, BucketRef] => {
      const container = store.containers[purpose];
      return [
        purpose,
        {
          name: container.name,
          accountName: store.accountName,
          uri: pulumi.interpolate`abfss://${container.name}@${store.dfsHost}`,
          endpoint: store.blobHost,
          resourceId: container.id,
        },
      ];
    }),
  ) as Record<BucketPurpose, BucketRef>;

  const databases = Object.fromEntries(
    DATABASE_CONSUMERS.map((consumer): [DatabaseConsumer, DatabaseRef] => [
      consumer,
      {
        host: database.host,
        port: database.port,
        database: database.databaseNames[consumer] ?? pulumi.output(consumer),
        username: database.username,
        password: database.password,
        // The server refuses non-TLS connections (require_secure_transport=on).
        sslMode: "require",
      },
    ]),
  ) as Record<DatabaseConsumer, DatabaseRef>;

  const identityRefs: Record<string, WorkloadIdentityRef> = {};
  for (const [key, id] of Object.entries(workload.identities)) {
    identityRefs[key] = {
      serviceAccountAnnotations: { "azure.workload.identity/client-id": id.clientId },
      podLabels: { "azure.workload.identity/use": "true" },
      principal: id.clientId,
    };
  }

  return {
    cloud: "azure",
    region: cfg.region,
    clusterName: cluster.clusterName,
    clusterEndpoint: pulumi.interpolate`https://${cluster.privateFqdn}:443`,
    kubeconfig: cluster.kubeconfig,
    kubernetesProvider: cluster.provider,
    storageClassName: cluster.storageClassName,
    buckets,
    registryHost: registry.loginServer,
    imageCacheUpstreams: cachedUpstreams(cfg),
    repositoryUrls: Object.fromEntries(AZURE_REPOSITORIES.map((r) => [r, pulumi.interpolate`${registry.loginServer}/${r}`])),
    databases,
    cache: { host: cache.host, port: cache.port, password: cache.password, tls: true },
    identities: identityRefs,
    dataEvents: { kind: "azure-storage-queue", storageAccountName: events.storageAccountName, queueName: events.queueName },
    internalLoadBalancerAnnotations: {
      "service.beta.kubernetes.io/azure-load-balancer-internal": "true",
      "service.beta.kubernetes.io/azure-load-balancer-internal-subnet": "user",
      // A fixed address, so the private DNS records can point at it.
      "service.beta.kubernetes.io/azure-load-balancer-ipv4": ingressIp,
    },
    internalDns: (ingress) => {
      new PrivateDns(
        "azure-dns",
        {
          domain: ingressDomain(cfg),
          hosts: ingress.hosts,
          resourceGroupName: groups.names.core,
          vnetId: network.vnetId,
          address: ingressIp,
          ...(cfg.services.dns.existingZoneId === undefined ? {} : { existingZoneId: cfg.services.dns.existingZoneId }),
          tags,
        },
        { ...opts, dependsOn: [ingress.controller] },
      );
    },
    readyDependencies: [cluster.cluster, ...Object.values(nodePools.pools)],
    spotTolerations: [{ key: SPOT_TAINT.key, operator: "Exists", effect: "NoSchedule" }],
  };
}
