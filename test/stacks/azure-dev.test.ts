/**
 * The Azure cloud layer of dev-azure (smb profile): the baseline of every Azure stack plus the
 * small-profile sizes: one zone, LRS, Free tier, Burstable PostgreSQL without HA, Standard Redis
 * without replicas, short retention, and nothing protected or locked.
 */
import { expect, it } from "vitest";
import type { PlanResource } from "../../tools/lib/harness";
import { describeAzureLayerBaseline } from "./azure-layer-common";
import { input, named, ofType } from "./azure-plan-checks";

describeAzureLayerBaseline("dev-azure", "uaenorth", (plan) => {
  it("sizes the cluster for smb: Free tier, no zones, the smb VM sizes and pool limits", () => {
    const aks = named(plan(), "azure-native:containerservice:ManagedCluster", "azure-cluster-aks");
    expect(input(aks, "sku.tier")).toBe("Free");
    const sys = (aks.inputs.agentPoolProfiles as Record<string, unknown>[])[0] as Record<string, unknown>;
    expect(sys).toMatchObject({ vmSize: "Standard_D4s_v5", minCount: 1, maxCount: 3 });
    expect(sys.availabilityZones).toBeUndefined();
    const pools = Object.fromEntries(ofType(plan(), "azure-native:containerservice:AgentPool").map((p) => [p.inputs.agentPoolName, p]));
    expect(pools.gpuspot?.inputs).toMatchObject({ vmSize: "Standard_NC4as_T4_v3", maxCount: 2, scaleSetPriority: "Spot" });
    expect(pools.gpu?.inputs).toMatchObject({ vmSize: "Standard_NC4as_T4_v3", maxCount: 1, scaleSetPriority: "Regular" });
    expect(pools.inference?.inputs).toMatchObject({ vmSize: "Standard_D8s_v5", minCount: 1, maxCount: 4 });
    for (const p of Object.values(pools) as PlanResource[]) expect(p.inputs.availabilityZones).toBeUndefined();
  });

  it("keeps smb data stores small and local: LRS, Burstable PostgreSQL without HA, 7-day backups, Standard Redis", () => {
    expect(input(named(plan(), "azure-native:storage:StorageAccount", "azure-storage-account"), "sku.name")).toBe("Standard_LRS");
    const server = named(plan(), "azure-native:dbforpostgresql:Server", "azure-postgres-server");
    expect(server.inputs).toMatchObject({
      sku: { tier: "Burstable", name: "Standard_B2ms" },
      highAvailability: { mode: "Disabled" },
      backup: { backupRetentionDays: 7 },
    });
    const redis = named(plan(), "azure-native:redis:Redis", "azure-redis-redis");
    expect(redis.inputs).toMatchObject({ sku: { name: "Standard", family: "C", capacity: 1 } });
    expect(redis.inputs.replicasPerPrimary).toBeUndefined();
    expect(redis.inputs.zones).toBeUndefined();
    expect(input(named(plan(), "azure-native:containerregistry:Registry", "azure-registry-registry"), "zoneRedundancy")).toBe("Disabled");
  });

  it("keeps smb retention short: 30-day workspace, 90-day audit tables, 30-day version expiry", () => {
    expect(named(plan(), "azure-native:operationalinsights:Workspace", "azure-monitoring-workspace").inputs.retentionInDays).toBe(30);
    for (const t of ofType(plan(), "azure-native:operationalinsights:Table")) expect(t.inputs.totalRetentionInDays, t.name).toBe(90);
    const policy = named(plan(), "azure-native:storage:ManagementPolicy", "azure-storage-lifecycle");
    expect(JSON.stringify(policy.inputs.policy)).toContain('"daysAfterCreationGreaterThan":30');
    expect(input(named(plan(), "azure-native:storage:BlobServiceProperties", "azure-storage-blob-service"), "restorePolicy.enabled")).toBe(
      false,
    );
  });

  it("does not protect or lock anything in smb (protectData is off), and volumes are deleted with their claims", () => {
    expect(plan().resources.filter((r) => r.protect)).toEqual([]);
    expect(ofType(plan(), "azure-native:authorization:ManagementLockByScope")).toEqual([]);
    expect(named(plan(), "kubernetes:storage.k8s.io/v1:StorageClass", "azure-cluster-encrypted-storage-class").inputs.reclaimPolicy).toBe(
      "Delete",
    );
  });

  it("creates one team identity for fraud with its own prefixes", () => {
    const team = ofType(plan(), "azure-native:authorization:RoleAssignment").filter((a) =>
      a.name.startsWith("azure-workload-identity-team-fraud-"),
    );
    const conditions = team.map((a) => String(a.inputs.condition ?? ""));
    expect(conditions.some((c) => c.includes("'teams/fraud/'"))).toBe(true);
    expect(conditions.some((c) => c.includes("'pipelines/team-fraud/'"))).toBe(true);
  });
});
