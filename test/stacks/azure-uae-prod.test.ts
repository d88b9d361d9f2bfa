/**
 * The Azure cloud layer of uae-prod-azure (enterprise profile): the baseline of every Azure stack
 * plus the enterprise sizes (three zones, ZRS, Standard tier, zone-redundant PostgreSQL, Premium
 * Redis with replicas, long retention) and data safety (protect, retainOnDelete, locks).
 */
import { expect, it } from "vitest";
import type { PlanResource } from "../../tools/lib/harness";
import { describeAzureLayerBaseline } from "./azure-layer-common";
import { input, named, ofType } from "./azure-plan-checks";

describeAzureLayerBaseline("uae-prod-azure", "uaenorth", (plan) => {
  it("spreads the cluster over three zones on the Standard tier with the enterprise VM sizes", () => {
    const aks = named(plan(), "azure-native:containerservice:ManagedCluster", "azure-cluster-aks");
    expect(input(aks, "sku.tier")).toBe("Standard");
    expect((aks.inputs.agentPoolProfiles as Record<string, unknown>[])[0]).toMatchObject({
      vmSize: "Standard_D8s_v5",
      minCount: 3,
      maxCount: 6,
      availabilityZones: ["1", "2", "3"],
    });
    const pools = Object.fromEntries(ofType(plan(), "azure-native:containerservice:AgentPool").map((p) => [p.inputs.agentPoolName, p]));
    expect(pools.gpuspot?.inputs).toMatchObject({ vmSize: "Standard_NC24ads_A100_v4", maxCount: 8, scaleSetPriority: "Spot" });
    expect(pools.gpu?.inputs).toMatchObject({ vmSize: "Standard_NC24ads_A100_v4", maxCount: 4, scaleSetPriority: "Regular" });
    for (const p of Object.values(pools) as PlanResource[]) expect(p.inputs.availabilityZones, String(p.name)).toEqual(["1", "2", "3"]);
    expect(
      input(named(plan(), "kubernetes:storage.k8s.io/v1:StorageClass", "azure-cluster-encrypted-storage-class"), "parameters.skuName"),
    ).toBe("Premium_ZRS");
  });

  it("makes enterprise data stores zone-redundant: ZRS storage, HA PostgreSQL with 35-day backups, Premium Redis with replicas", () => {
    expect(input(named(plan(), "azure-native:storage:StorageAccount", "azure-storage-account"), "sku.name")).toBe("Standard_ZRS");
    const server = named(plan(), "azure-native:dbforpostgresql:Server", "azure-postgres-server");
    expect(server.inputs).toMatchObject({
      sku: { tier: "GeneralPurpose" },
      highAvailability: { mode: "ZoneRedundant", standbyAvailabilityZone: "2" },
      availabilityZone: "1",
      backup: { backupRetentionDays: 35, geoRedundantBackup: "Disabled" },
    });
    const redis = named(plan(), "azure-native:redis:Redis", "azure-redis-redis");
    expect(redis.inputs).toMatchObject({ sku: { name: "Premium" }, replicasPerPrimary: 2, zones: ["1", "2", "3"] });
    expect(input(named(plan(), "azure-native:containerregistry:Registry", "azure-registry-registry"), "zoneRedundancy")).toBe("Enabled");
  });

  it("keeps enterprise evidence long: 365-day workspace, audit tables for 2555 days, point-in-time restore of blobs", () => {
    expect(named(plan(), "azure-native:operationalinsights:Workspace", "azure-monitoring-workspace").inputs.retentionInDays).toBe(365);
    for (const t of ofType(plan(), "azure-native:operationalinsights:Table")) expect(t.inputs.totalRetentionInDays, t.name).toBe(2555);
    const blob = named(plan(), "azure-native:storage:BlobServiceProperties", "azure-storage-blob-service");
    expect(blob.inputs).toMatchObject({ deleteRetentionPolicy: { days: 35 }, restorePolicy: { enabled: true, days: 34 } });
  });

  it("protects every stateful resource from delete and replace, and locks the vault, storage, registry, server and workspace", () => {
    const stateful = [
      ["azure-native:resources:ResourceGroup", "azure-rg-data"],
      ["azure-native:keyvault:Vault", "azure-keys-vault"],
      ["azure-native:keyvault:Key", "azure-keys-storage-key"],
      ["azure-native:compute:DiskEncryptionSet", "azure-keys-des"],
      ["azure-native:storage:StorageAccount", "azure-storage-account"],
      ["azure-native:storage:BlobContainer", "azure-storage-datasets"],
      ["azure-native:containerregistry:Registry", "azure-registry-registry"],
      ["azure-native:dbforpostgresql:Server", "azure-postgres-server"],
      ["azure-native:dbforpostgresql:Database", "azure-postgres-mlflow"],
      ["azure-native:operationalinsights:Workspace", "azure-monitoring-workspace"],
      ["azure-native:redis:Redis", "azure-redis-redis"],
      // Deleting AKS deletes its node resource group, retained volume disks included.
      ["azure-native:containerservice:ManagedCluster", "azure-cluster-aks"],
    ] as const;
    for (const [type, name] of stateful) {
      const r = named(plan(), type, name);
      expect(r.protect, name).toBe(true);
      expect(r.retainOnDelete, name).toBe(true);
    }
    const locks = ofType(plan(), "azure-native:authorization:ManagementLockByScope");
    for (const l of locks) expect(l.inputs.level).toBe("CanNotDelete");
    const locked = locks.map((l) => String(l.inputs.scope).split("/providers/")[1]?.split("/")[0]).sort();
    expect(locked).toEqual([
      "Microsoft.ContainerRegistry",
      "Microsoft.DBforPostgreSQL",
      "Microsoft.KeyVault",
      "Microsoft.OperationalInsights",
      "Microsoft.Storage",
    ]);
    expect(named(plan(), "kubernetes:storage.k8s.io/v1:StorageClass", "azure-cluster-encrypted-storage-class").inputs.reclaimPolicy).toBe(
      "Retain",
    );
  });

  it("gives both teams their own identity, and grants the shipped data lake on its own account only", () => {
    const ids = plan().outputs.identities as Record<string, unknown>;
    expect(Object.keys(ids)).toEqual(expect.arrayContaining(["team-fraud", "team-credit"]));
    // The stack file names the lake's storage account, so the platform grants it (azure-datalake.test.ts holds the grant).
    const lake = ofType(plan(), "azure-native:authorization:RoleAssignment").filter((a) => a.name.includes("-lake-"));
    expect(lake.length).toBeGreaterThan(0);
    for (const a of lake)
      expect(String(a.inputs.scope), a.name).toMatch(/\/storageAccounts\/examplecorebanking\/blobServices\/default\/containers\/curated$/);
  });
});
