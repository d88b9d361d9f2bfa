/**
 * Pure helpers of the Azure layer: names, VNet layout, NSG rules, ABAC conditions, data-lake
 * URIs, sizes, node-pool taints and labels, the autoscaler priorities and the kubeconfig.
 */

import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { clusterSecurityProfile } from "../../../components/azure/cluster";
import { aksKubeconfig, clusterAccessFromKubeconfig } from "../../../components/azure/kubeconfig";
import { dnsServiceIp, firewallSubnetLayout, subnetLayout, zonesFor } from "../../../components/azure/layout";
import { alphanumeric, GLOBAL_NAME_RULES, globalName, nameSuffix } from "../../../components/azure/naming";
import { nsgRules } from "../../../components/azure/network";
import { isGpuSize, type NodePoolSpec, poolLabels, poolTaints, priorityExpanderConfig } from "../../../components/azure/nodepool";
import { BUILTIN_ROLES, blobPrefixCondition, FORBIDDEN_ROLE_IDS, parseAbfss, roleDefinitionId } from "../../../components/azure/roles";
import { softDeleteDays, storageReplication, tableTotalRetentionDays, workspaceRetentionDays } from "../../../components/azure/sizing";
import { overlaps, parseCidr } from "../../../contracts/cidr";

describe("globally unique names", () => {
  it("fit each service's length and character rules, for long stack names too", () => {
    const suffix = nameSuffix("00000000-0000-0000-0000-000000000000", "uae-prod-azure");
    expect(suffix).toMatch(/^[0-9a-f]{6}$/);
    for (const base of ["mlops-dev-azure", "mlops-a-very-long-stack-name-for-a-business-unit"]) {
      expect(globalName("storageAccount", base, suffix)).toMatch(/^st[a-z0-9]{1,22}$/);
      expect(globalName("storageAccount", base, suffix).length).toBeLessThanOrEqual(GLOBAL_NAME_RULES.storageAccount.max);
      const kv = globalName("keyVault", base, suffix);
      expect(kv).toMatch(/^kv-[a-z0-9-]+[a-z0-9]$/);
      expect(kv.length).toBeLessThanOrEqual(24);
      expect(kv).not.toContain("--");
      expect(globalName("registry", base, suffix)).toMatch(/^acr[a-z0-9]{2,47}$/);
      expect(globalName("postgres", base, suffix).length).toBeLessThanOrEqual(63);
    }
    expect(globalName("storageAccount", "mlops-dev-azure", suffix)).toBe(`stmlopsdevazure${suffix}`);
  });

  it("are stable per subscription and stack and differ between stacks or subscriptions", () => {
    const a = nameSuffix("00000000-0000-0000-0000-000000000000", "dev-azure");
    expect(nameSuffix("00000000-0000-0000-0000-000000000000", "dev-azure")).toBe(a);
    expect(nameSuffix("00000000-0000-0000-0000-000000000000", "uae-prod-azure")).not.toBe(a);
    expect(nameSuffix("11111111-0000-0000-0000-000000000000", "dev-azure")).not.toBe(a);
    expect(alphanumeric("Mlops-Dev_Azure")).toBe("mlopsdevazure");
  });
});

describe("VNet layout", () => {
  it("carves four non-overlapping subnets inside the address space, /16 to /20", () => {
    for (const cidr of ["10.40.0.0/16", "10.60.0.0/18", "172.16.16.0/20"]) {
      const layout = subnetLayout(cidr);
      const blocks = [...Object.values(layout), ...Object.values(firewallSubnetLayout(cidr))].map((c) => parseCidr(c));
      for (const fw of Object.values(firewallSubnetLayout(cidr))) expect(parseCidr(fw)?.prefix, `${cidr} firewall`).toBeLessThanOrEqual(26);
      for (const b of blocks) expect(b).toBeDefined();
      for (let i = 0; i < blocks.length; i++) {
        for (let j = i + 1; j < blocks.length; j++) expect(overlaps(blocks[i]!, blocks[j]!), `${cidr}: ${i}/${j}`).toBe(false);
      }
    }
    expect(subnetLayout("10.40.0.0/16")).toEqual({
      system: "10.40.0.0/18",
      endpoints: "10.40.64.0/20",
      database: "10.40.96.0/19",
      user: "10.40.128.0/17",
    });
  });

  it("refuses a block it cannot carve", () => {
    expect(() => subnetLayout("10.40.0.0/27")).toThrow(/between \/8 and \/24/);
    expect(() => subnetLayout("not-a-cidr")).toThrow(/not-a-cidr/);
  });

  it("puts the DNS service on the 10th address of the service CIDR and lists zones only when multi-AZ", () => {
    expect(dnsServiceIp("172.20.0.0/16")).toBe("172.20.0.10");
    expect(() => dnsServiceIp("172.20.0.0/30")).toThrow(/28/);
    expect(zonesFor(true, 3)).toEqual(["1", "2", "3"]);
    expect(zonesFor(false, 3)).toEqual([]);
  });
});

describe("NSG rules", () => {
  const layout = subnetLayout("10.40.0.0/16");
  it("end with explicit deny-all rules both ways and never allow internet inbound", () => {
    for (const role of ["system", "user", "endpoints", "database"] as const) {
      const rules = nsgRules(role, layout, "192.168.0.0/16", "uaenorth");
      expect(rules.find((r) => r.name === "deny-all-inbound")).toMatchObject({ access: "Deny", priority: 4096, direction: "Inbound" });
      expect(rules.find((r) => r.name === "deny-all-outbound")).toMatchObject({ access: "Deny", priority: 4096, direction: "Outbound" });
      const inboundAllows = rules.filter((r) => r.direction === "Inbound" && r.access === "Allow");
      for (const r of inboundAllows) expect(["*", "Internet"]).not.toContain(r.sourceAddressPrefix);
      const priorities = rules.map((r) => `${r.direction}${r.priority}`);
      expect(new Set(priorities).size, role).toBe(priorities.length);
    }
  });

  it("lets private endpoints and PostgreSQL receive only from the nodes and pods, and uses in-region service tags", () => {
    const endpoints = nsgRules("endpoints", layout, "192.168.0.0/16", "uaenorth");
    expect(endpoints.filter((r) => r.direction === "Outbound" && r.access === "Allow")).toEqual([]);
    // From the rest of the private network (VPN, peering): HTTPS only.
    expect(endpoints.filter((r) => r.sourceAddressPrefix === "VirtualNetwork")).toEqual([
      expect.objectContaining({ access: "Allow", destinationPortRange: "443", protocol: "Tcp" }),
    ]);
    const user = nsgRules("user", layout, "192.168.0.0/16", "uaenorth");
    expect(user.filter((r) => r.direction === "Inbound" && r.sourceAddressPrefix === "VirtualNetwork")).toEqual([
      expect.objectContaining({ access: "Allow", destinationPortRange: "443", protocol: "Tcp" }),
    ]);
    const db = nsgRules("database", layout, "192.168.0.0/16", "uaenorth");
    expect(db.find((r) => r.name === "allow-postgres-inbound")).toMatchObject({
      sourceAddressPrefixes: [layout.system, layout.user, "192.168.0.0/16"],
      destinationPortRange: "5432",
    });
    expect(db.map((r) => r.destinationAddressPrefix)).toEqual(expect.arrayContaining(["Storage.UAENorth", "AzureKeyVault.UAENorth"]));
  });
});

describe("ABAC blob path conditions", () => {
  it("limit reads and listings to the prefix", () => {
    const c = blobPrefixCondition("mlflow/", "read") as string;
    expect(c).toContain("@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringStartsWith 'mlflow/'");
    expect(c).toContain("@Request[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:prefix] StringStartsWith 'mlflow/'");
    expect(c).not.toContain("blobs/write");
  });

  it("cover writes, deletes and appends for read-write", () => {
    const c = blobPrefixCondition("teams/fraud/", "readwrite") as string;
    for (const action of ["blobs/write", "blobs/delete", "blobs/add/action"]) expect(c).toContain(action);
  });

  it("are omitted for the whole container and refuse prefixes that would escape or break the expression", () => {
    expect(blobPrefixCondition("", "read")).toBeUndefined();
    expect(() => blobPrefixCondition("/abs/", "read")).toThrow(/relative path ending in "\/"/);
    expect(() => blobPrefixCondition("mlflow", "read")).toThrow(/"mlflow"/);
    expect(() => blobPrefixCondition("a'b/", "read")).toThrow(/a'b\//);
  });

  it("role ids are the built-in GUIDs and exclude Owner, Contributor and User Access Administrator", () => {
    for (const id of Object.values(BUILTIN_ROLES)) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(FORBIDDEN_ROLE_IDS as readonly string[]).not.toContain(id);
    }
    expect(roleDefinitionId("sub", "acrPull")).toBe(
      "/subscriptions/sub/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d",
    );
  });
});

describe("abfss URIs", () => {
  it("split into container, account and a slash-terminated prefix", () => {
    expect(parseAbfss("abfss://curated@examplecorebanking.dfs.core.windows.net/lake")).toEqual({
      container: "curated",
      account: "examplecorebanking",
      prefix: "lake/",
    });
    expect(parseAbfss("abfss://curated@acct123.dfs.core.windows.net")).toEqual({ container: "curated", account: "acct123", prefix: "" });
    expect(parseAbfss("abfss://c-1@acct123.dfs.core.windows.net/a/b/")).toMatchObject({ prefix: "a/b/" });
  });
  it("refuse anything else, naming the expected form", () => {
    expect(() => parseAbfss("s3://bucket/x")).toThrow(/abfss:\/\/container@account\.dfs\.core\.windows\.net\/prefix/);
    expect(() => parseAbfss("abfss://curated@acct.blob.core.windows.net/x")).toThrow(/acct\.blob/);
  });
});

describe("sizes", () => {
  it("keep replication in-region and clamp retention to the service limits", () => {
    expect(storageReplication(true)).toBe("Standard_ZRS");
    expect(storageReplication(false)).toBe("Standard_LRS");
    expect(workspaceRetentionDays(7)).toBe(30);
    expect(workspaceRetentionDays(365)).toBe(365);
    expect(workspaceRetentionDays(3653)).toBe(730);
    expect(tableTotalRetentionDays(2555, 365)).toBe(2555);
    expect(tableTotalRetentionDays(90, 365)).toBe(365);
    expect(tableTotalRetentionDays(9999, 30)).toBe(4383);
    expect(softDeleteDays(1)).toBe(7);
    expect(softDeleteDays(35)).toBe(35);
  });
});

const pool = (p: Partial<NodePoolSpec>): NodePoolSpec => ({
  name: "p",
  kind: "cpu",
  vmSize: "Standard_D8s_v5",
  minCount: 0,
  maxCount: 2,
  diskSizeGiB: 100,
  spot: false,
  labels: {},
  taints: [],
  ...p,
});

describe("node pools", () => {
  it("always taint GPU pools with nvidia.com/gpu, the system pool with CriticalAddonsOnly, spot pools with the AKS spot taint", () => {
    expect(poolTaints(pool({ kind: "gpu", vmSize: "Standard_NC4as_T4_v3" }))).toEqual(["nvidia.com/gpu=present:NoSchedule"]);
    expect(poolTaints(pool({ kind: "system" }))).toEqual(["CriticalAddonsOnly=true:NoSchedule"]);
    expect(
      poolTaints(pool({ kind: "gpu", spot: true, taints: [{ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" }] })),
    ).toEqual(["nvidia.com/gpu=present:NoSchedule", "kubernetes.azure.com/scalesetpriority=spot:NoSchedule"]);
    expect(poolTaints(pool({}))).toEqual([]);
  });

  it("label GPU pools and the capacity type", () => {
    expect(poolLabels(pool({ kind: "gpu", spot: true, labels: { team: "x" } }))).toEqual({
      team: "x",
      "mlops.platform/node-pool": "p",
      "mlops.platform/pool-kind": "gpu",
      "nvidia.com/gpu.present": "true",
      "mlops.platform/accelerator": "nvidia",
      "mlops.platform/capacity": "spot",
    });
    expect(poolLabels(pool({}))["mlops.platform/capacity"]).toBe("on-demand");
    expect(isGpuSize("Standard_NC24ads_A100_v4")).toBe(true);
    expect(isGpuSize("Standard_ND96isr_H100_v5")).toBe(true);
    expect(isGpuSize("Standard_D8s_v5")).toBe(false);
  });

  it("prefer spot GPU pools, then on-demand GPU pools, then the rest", () => {
    const config = parse(
      priorityExpanderConfig([
        pool({ name: "inference" }),
        pool({ name: "gpuspot", kind: "gpu", spot: true }),
        pool({ name: "gpu", kind: "gpu" }),
      ]),
    ) as Record<string, string[]>;
    expect(config).toEqual({ 30: ["^aks-gpuspot-[0-9]+-vmss$"], 20: ["^aks-gpu-[0-9]+-vmss$"], 10: ["^aks-inference-[0-9]+-vmss$"] });
    // Anchored: the on-demand pool's pattern does not also claim the spot pool's scale set.
    expect(new RegExp(config[20]?.[0] ?? "").test("aks-gpuspot-12345678-vmss")).toBe(false);
    expect(new RegExp(config[30]?.[0] ?? "").test("aks-gpuspot-12345678-vmss")).toBe(true);
  });
});

describe("cluster security profile", () => {
  it("turns on workload identity, Defender, private-vault KMS and the image cleaner", () => {
    expect(clusterSecurityProfile("/ws", "https://kv.vault.azure.net/keys/kms-cmk/abc", "/vault")).toEqual({
      workloadIdentity: { enabled: true },
      defender: { logAnalyticsWorkspaceResourceId: "/ws", securityMonitoring: { enabled: true } },
      azureKeyVaultKms: {
        enabled: true,
        keyId: "https://kv.vault.azure.net/keys/kms-cmk/abc",
        keyVaultNetworkAccess: "Private",
        keyVaultResourceId: "/vault",
      },
      imageCleaner: { enabled: true, intervalHours: 168 },
    });
  });
});

describe("kubeconfig", () => {
  const aks = [
    "apiVersion: v1",
    "clusters:",
    "- cluster:",
    "    certificate-authority-data: Q0EtREFUQQ==",
    "    server: https://mlops-dev-azure-aks-abc.privatelink.uaenorth.azmk8s.io:443",
    "  name: mlops-dev-azure-aks",
    "users:",
    "- name: clusterUser",
    "  user:",
    "    token: should-not-be-copied",
  ].join("\n");

  it("keeps only the server and CA of the AKS credentials and authenticates with kubelogin", () => {
    const access = clusterAccessFromKubeconfig(aks);
    expect(access).toEqual({
      server: "https://mlops-dev-azure-aks-abc.privatelink.uaenorth.azmk8s.io:443",
      certificateAuthorityData: "Q0EtREFUQQ==",
    });
    const text = aksKubeconfig("mlops-dev-azure-aks", access);
    expect(text).not.toContain("should-not-be-copied");
    const doc = parse(text) as { users: { user: { exec: { command: string; args: string[] } } }[] };
    expect(doc.users[0]?.user.exec.command).toBe("kubelogin");
    expect(doc.users[0]?.user.exec.args).toEqual([
      "get-token",
      "--login",
      "azurecli",
      "--server-id",
      "6dae42f8-4368-4678-94ff-3960e28e3630",
    ]);
  });

  it("refuses credentials without server or CA", () => {
    expect(() => clusterAccessFromKubeconfig("clusters: []")).toThrow(/no cluster server/);
  });
});
