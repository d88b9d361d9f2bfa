/**
 * Argument validation of the Azure components: bad input is refused before anything is created,
 * with one error that names every argument, the value received and the fix.
 */
import type * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { Cache } from "../../../components/azure/cache";
import { Cluster, type ClusterArgs } from "../../../components/azure/cluster";
import { Database, type DatabaseArgs } from "../../../components/azure/database";
import { DataEvents } from "../../../components/azure/events";
import { Guardrails } from "../../../components/azure/guardrails";
import { WorkloadIdentities } from "../../../components/azure/identity";
import { KeyVault, type KeyVaultArgs } from "../../../components/azure/keyvault";
import { Monitoring } from "../../../components/azure/monitoring";
import { Network } from "../../../components/azure/network";
import { type NodePoolSpec, NodePools } from "../../../components/azure/nodepool";
import { Registry, type RegistryArgs } from "../../../components/azure/registry";
import { pushScopeActions, RepositoryPushToken } from "../../../components/azure/repository-token";
import { ResourceGroups } from "../../../components/azure/resource-groups";
import { Storage, type StorageArgs } from "../../../components/azure/storage";
import { ComponentArgsError } from "../../../components/azure/validate";

const fakeResource = {} as pulumi.Resource;
const pe = { subnetId: "/s", privateDnsZoneId: "/z" };

/** Runs `build` and returns the ComponentArgsError it throws. */
function refusal(build: () => unknown): ComponentArgsError {
  try {
    build();
  } catch (e) {
    expect(e).toBeInstanceOf(ComponentArgsError);
    return e as ComponentArgsError;
  }
  throw new Error("expected the component to refuse its arguments");
}

const gpuPool: NodePoolSpec = {
  name: "gpu",
  kind: "gpu",
  vmSize: "Standard_NC4as_T4_v3",
  minCount: 0,
  maxCount: 2,
  diskSizeGiB: 200,
  spot: false,
  labels: {},
  taints: [],
};

describe("Azure component argument validation", () => {
  it("refuses a location outside the UAE in every component that places resources", () => {
    const builds: [string, () => unknown][] = [
      ["ResourceGroups", () => new ResourceGroups("rg", { location: "westeurope", prefix: "mlops-x", protectData: false })],
      [
        "Network",
        () =>
          new Network("n", {
            resourceGroupName: "rg",
            location: "westeurope",
            addressSpace: "10.40.0.0/16",
            podCidr: "192.168.0.0/16",
            logAnalyticsWorkspaceId: "/ws",
          }),
      ],
      [
        "Guardrails",
        () =>
          new Guardrails("g", { location: "eastus", resourceGroupScopes: { core: "/rg" }, subscriptionId: "s", assignmentPrefix: "mlops" }),
      ],
    ];
    for (const [component, build] of builds) {
      const e = refusal(build);
      expect(e.message, component).toMatch(
        /location: must be a UAE Azure location: one of uaenorth, uaecentral \(received: "(westeurope|eastus)"\)/,
      );
    }
  });

  it("refuses geo-redundant storage, naming the residency reason, together with every other storage problem", () => {
    const args = {
      resourceGroupName: "rg",
      location: "uaenorth",
      accountName: "st",
      replication: "Standard_GRS",
      cmk: { vaultUri: "https://kv/", keyName: "k", identityId: "/id", grant: fakeResource },
      softDeleteDays: 3,
      noncurrentVersionDays: 0,
      logDays: 30,
      privateEndpoint: { subnetId: "/s", privateDnsZoneIds: { blob: "/b", dfs: "/d", queue: "/q" } },
      logAnalyticsWorkspaceId: "/ws",
      protectData: false,
    } as unknown as StorageArgs;
    const e = refusal(() => new Storage("st", args));
    expect(e.problems.map((p) => p.arg)).toEqual(["replication", "softDeleteDays", "noncurrentVersionDays"]);
    expect(e.message).toContain(
      'replication: must be Standard_LRS or Standard_ZRS: geo-redundant replication would copy data outside the UAE allow-list (received: "Standard_GRS")',
    );
    expect(e.message).toContain('Invalid arguments for mlops-platform:azure:Storage "st" (3 problems)');
  });

  it("refuses PostgreSQL HA on a Burstable size and backups beyond the service limit", () => {
    const args: DatabaseArgs = {
      resourceGroupName: "rg",
      location: "uaenorth",
      serverName: "psql",
      size: "small",
      highAvailability: true,
      backupDays: 60,
      tenantId: "t",
      delegatedSubnetId: "/s",
      vnetId: "/v",
      privateDnsLabel: "mlops-dev",
      cmk: { keyUri: "https://k", identityId: "/id", grant: fakeResource },
      passwordVault: { resourceGroupName: "rg", vaultName: "kv" },
      databases: ["mlflow", "Bad-Name"],
      logAnalyticsWorkspaceId: "/ws",
      protectData: false,
    };
    const e = refusal(() => new Database("db", args));
    expect(e.message).toContain(
      'highAvailability: needs a General Purpose size: size "small" is Burstable, use medium or large (received: true)',
    );
    expect(e.message).toContain("backupDays: must be 7-35 days (Flexible Server limit) (received: 60)");
    expect(e.message).toContain("databases: names must be lowercase letters");
  });

  it("refuses Redis replicas and zones on a Standard cache", () => {
    const e = refusal(
      () =>
        new Cache("c", {
          resourceGroupName: "rg",
          location: "uaenorth",
          cacheName: "r",
          size: "small",
          replicas: 2,
          zones: ["1", "2"],
          privateEndpoint: pe,
          logAnalyticsWorkspaceId: "/ws",
          protectData: false,
        }),
    );
    expect(e.message).toContain('replicas: replicas need a Premium cache: size "small" is Standard, use medium or large (received: 2)');
    expect(e.message).toContain('zones: zone placement needs a Premium cache (medium or large) (received: ["1","2"])');
  });

  it("refuses authorized API ranges (private cluster only), missing admin groups, a people group that is no Entra object id and a spot system pool", () => {
    const args: ClusterArgs = {
      resourceGroupName: "rg",
      location: "uaenorth",
      clusterName: "mlops-dev-aks",
      nodeResourceGroupName: "rg-nodes",
      kubernetesVersion: "1.33",
      tenantId: "t",
      subscriptionId: "s",
      adminGroupObjectIds: [],
      userGroupObjectIds: ["00000000-0000-0000-0000-0000000000f1", "team-fraud"],
      systemPool: { ...gpuPool, name: "system", kind: "system", vmSize: "Standard_D4s_v5", minCount: 1, spot: true },
      subnetIds: { system: "/s", user: "/u" },
      serviceCidr: "172.20.0.0/16",
      podCidr: "192.168.0.0/16",
      apiAllowedCidrs: ["203.0.113.0/24"],
      diskEncryptionSetId: "/des",
      kms: { keyUriWithVersion: "https://k/1", keyId: "/k", vaultId: "/v" },
      logAnalyticsWorkspaceId: "/ws",
      registryId: "/acr",
      tier: "Free",
      retainVolumes: false,
      protectCluster: false,
    };
    const e = refusal(() => new Cluster("aks", args));
    expect(e.problems.map((p) => p.arg)).toEqual(["adminGroupObjectIds", "userGroupObjectIds", "systemPool.spot", "apiAllowedCidrs"]);
    expect(e.message).toContain("userGroupObjectIds: list Entra group object ids (GUIDs)");
    expect(e.message).toContain("apiAllowedCidrs: AKS private clusters take no authorized IP ranges");
    expect(e.message).toContain('(received: ["203.0.113.0/24"])');
    expect(e.message).toContain("adminGroupObjectIds: list the Entra group object ids");
  });

  it("refuses GPU pools on non-GPU sizes, min above max, and spot GPU pools without an on-demand fallback", () => {
    const pools: NodePoolSpec[] = [
      { ...gpuPool, name: "gpuspot", spot: true, vmSize: "Standard_D8s_v5" },
      { ...gpuPool, name: "gpuspot2", spot: true, minCount: 5, maxCount: 2 },
    ];
    const e = refusal(
      () =>
        new NodePools("pools", {
          resourceGroupName: "rg",
          clusterName: "aks",
          kubernetesVersion: "1.33",
          pools,
          subnetId: "/u",
          kubernetesProvider: {} as never,
        }),
    );
    expect(e.message).toContain('pools[0].vmSize: GPU pools need an NVIDIA GPU size (NC, ND or NV series) (received: "Standard_D8s_v5")');
    expect(e.message).toContain("pools[1].minCount: make minCount at most maxCount (2) (received: 5)");
    expect(e.message).toContain("pools: GPU spot pools need an on-demand GPU pool as the fallback");
  });

  it("refuses out-of-range key rotation, registry retention, monitoring retention and event settings", () => {
    const kv = {
      resourceGroupName: "rg",
      location: "uaenorth",
      vaultName: "kv",
      tenantId: "t",
      subscriptionId: "s",
      rotationDays: 5,
      softDeleteRetentionDays: 120,
      privateEndpoint: pe,
      logAnalyticsWorkspaceId: "/ws",
      protectData: true,
    } as KeyVaultArgs;
    expect(refusal(() => new KeyVault("kv", kv)).problems.map((p) => p.arg)).toEqual(["rotationDays", "softDeleteRetentionDays"]);
    const acr = {
      resourceGroupName: "rg",
      location: "uaenorth",
      registryName: "acr",
      cmk: { keyUri: "k", identityId: "i", identityClientId: "c", grant: fakeResource },
      zoneRedundant: false,
      untaggedRetentionDays: 400,
      privateEndpoint: pe,
      logAnalyticsWorkspaceId: "/ws",
      protectData: false,
    } as RegistryArgs;
    expect(refusal(() => new Registry("acr", acr)).message).toContain("untaggedRetentionDays: must be 0-365 days (received: 400)");
    const mon = refusal(
      () =>
        new Monitoring("m", {
          resourceGroupName: "rg",
          location: "uaenorth",
          subscriptionId: "s",
          logDays: 30,
          auditLogDays: 30,
          activityLogExportName: "x",
          protectData: false,
        }),
    );
    expect(mon.message).toContain(
      "auditLogDays: must be a whole number of days, 90-4383 (audit evidence is kept at least 90 days) (received: 30)",
    );
    const ev = refusal(
      () =>
        new DataEvents("e", {
          resourceGroupName: "rg",
          location: "uaenorth",
          subscriptionId: "s",
          storageAccountId: "/st",
          storageAccountName: "st",
          queueName: "Bad_Queue",
          messageTtlHours: 500,
          logAnalyticsWorkspaceId: "/ws",
        }),
    );
    expect(ev.problems.map((p) => p.arg)).toEqual(["queueName", "messageTtlHours"]);
  });

  it("refuses a network block the layout cannot carve", () => {
    const e = refusal(
      () =>
        new Network("n", {
          resourceGroupName: "rg",
          location: "uaenorth",
          addressSpace: "10.40.0.0/24",
          podCidr: "192.168.0.1/16",
          logAnalyticsWorkspaceId: "/ws",
        }),
    );
    expect(e.message).toContain('addressSpace: must be between /16 and /20 so that every subnet fits (received: "10.40.0.0/24")');
    expect(e.message).toContain("podCidr: has host bits set");
  });

  it("refuses identity specs with duplicate keys or unsafe prefixes, and allowed locations outside the UAE", () => {
    const spec = {
      key: "mlflow",
      namespace: "mlflow",
      serviceAccounts: ["mlflow"],
      buckets: [{ purpose: "artifacts", prefix: "/mlflow", mode: "readwrite" }],
      readDataLakes: false,
      registry: "none",
      consumeDataEvents: false,
    } as const;
    const e = refusal(
      () =>
        new WorkloadIdentities("wi", {
          resourceGroupName: "rg",
          location: "uaenorth",
          subscriptionId: "s",
          oidcIssuerUrl: "https://issuer",
          specs: [spec, { ...spec, buckets: [] }],
          containerIds: { artifacts: "/a", datasets: "/d", features: "/f", logs: "/l" },
          registryId: "/acr",
          dataEventQueueId: "/q",
          dataLakes: [{ name: "lake", storageAccountId: "/not/an/id", container: "c", prefix: "" }],
        }),
    );
    expect(e.problems.map((p) => p.arg)).toEqual(["specs[0].buckets[0].prefix", "specs[1].key", "dataLakes[0].storageAccountId"]);
    expect(e.message).toContain('specs[0].buckets[0].prefix: prefix "/mlflow" must be a relative path ending in "/"');
    const g = refusal(
      () =>
        new Guardrails("g", {
          location: "uaenorth",
          allowedLocations: ["uaenorth", "westeurope"],
          resourceGroupScopes: { core: "/rg" },
          subscriptionId: "s",
          assignmentPrefix: "mlops",
        }),
    );
    expect(g.message).toContain(
      'allowedLocations: may only contain UAE locations: uaenorth, uaecentral (received: ["uaenorth","westeurope"])',
    );
  });

  it("RepositoryPushToken refuses a wildcard or foreign repository, none at all, and a bad token name", () => {
    const e = refusal(
      () =>
        new RepositoryPushToken("t", {
          resourceGroupName: "rg",
          registryName: "acr",
          tokenName: "ib",
          repositories: ["fraud/*", "Fraud/x"],
        }),
    );
    expect(e.problems.map((p) => p.arg)).toEqual(["tokenName", "repositories", "repositories"]);
    expect(e.message).toContain("use <team>/<model>, two DNS labels (no wildcard)");
    const none = refusal(
      () => new RepositoryPushToken("t", { resourceGroupName: "rg", registryName: "acr", tokenName: "image-builder", repositories: [] }),
    );
    expect(none.problems.map((p) => p.arg)).toEqual(["repositories"]);
    expect(pushScopeActions(["fraud/scorer"])).toEqual([
      "repositories/fraud/scorer/content/read",
      "repositories/fraud/scorer/content/write",
      "repositories/fraud/scorer/metadata/read",
    ]);
    // Cache prefixes: read only, under a trailing wildcard.
    expect(pushScopeActions(["fraud/scorer"], ["docker-hub"]).slice(3)).toEqual([
      "repositories/docker-hub/*/content/read",
      "repositories/docker-hub/*/metadata/read",
    ]);
    const badPrefix = refusal(
      () =>
        new RepositoryPushToken("t", {
          resourceGroupName: "rg",
          registryName: "acr",
          tokenName: "image-builder",
          repositories: ["fraud/scorer"],
          readPrefixes: ["docker-hub/*"],
        }),
    );
    expect(badPrefix.problems.map((p) => p.arg)).toEqual(["readPrefixes"]);
  });
});
