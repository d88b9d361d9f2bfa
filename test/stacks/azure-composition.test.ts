/**
 * The Azure composition's own rules, without mocks: placement checks that run before any
 * resource is registered, data-lake grants, pool conversion and names.
 */
import { describe, expect, it } from "vitest";
import { aksUserGroupIds, azureDataLakes, azureNamePrefix, buildAzureCloud, toPoolSpec } from "../../stacks/azure";
import { AZURE_VM_SIZES } from "../../stacks/catalog/azure";
import { resolveConfig } from "../../stacks/config";
import type { AzureProviders } from "../../stacks/providers";

const identity = {
  oidcIssuerUrl: "https://sso.example.ae/realms/mlops",
  oidcClientId: "x",
  adminGroups: ["admins"],
  clusterAdmins: ["00000000-0000-0000-0000-0000000000a1"],
};
/** What production requires besides (an SSO client secret, the cache's registry credentials, someone alerts reach), set as a stack file would. */
const production = {
  oidcClientSecret: { secure: "v1:x" },
  registryCredentials: { "docker-hub": { secure: "v1:x" }, ghcr: { secure: "v1:x" } },
  services: {
    alerting: {
      receivers: [{ name: "ops", type: "email", to: "ops@example.ae", from: "am@example.ae", smarthost: "smtp.example.internal:587" }],
    },
  },
};
const cfg = (extra: Record<string, unknown> = {}) =>
  resolveConfig(
    { cloud: "azure", region: "uaenorth", profile: "enterprise", environment: "production", identity, ...production, ...extra },
    "mlops-platform",
    "test-azure",
  );
const account =
  "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-lake/providers/Microsoft.Storage/storageAccounts/lakeacct";

describe("Azure composition", () => {
  it("gives the AKS user-credential role to the teams' Entra groups and the approver groups that are Entra object ids, once each", () => {
    const c = cfg({
      identity: { ...identity, approverGroups: ["00000000-0000-0000-0000-0000000000A2", "model-risk-approvers"] },
      teams: [
        {
          name: "fraud",
          groups: ["team-fraud"],
          entraGroupIds: ["00000000-0000-0000-0000-0000000000f1"],
          approverGroups: ["00000000-0000-0000-0000-0000000000a2"],
        },
        { name: "credit", groups: ["team-credit"] },
      ],
    });
    // A group named rather than identified (another issuer) is no Entra group: no role for it.
    expect(aksUserGroupIds(c)).toEqual(["00000000-0000-0000-0000-0000000000f1", "00000000-0000-0000-0000-0000000000a2"]);
    expect(aksUserGroupIds(cfg())).toEqual([]);
  });

  it("refuses a multi-AZ profile in uaecentral (no availability zones) before creating anything", () => {
    const c = cfg({ region: "uaecentral" });
    expect(() => buildAzureCloud(c, {} as AzureProviders, [])).toThrow(
      "mlops-platform:availability.multiAz: uaecentral has no availability zones (received: true); use uaenorth for a multi-AZ profile or set availability.multiAz to false",
    );
  });

  it("grants lakes that name their storage account, lists the others, and refuses an account id that contradicts the uri", () => {
    const lakes = azureDataLakes(
      cfg({
        dataLakes: [
          { name: "a", uri: "abfss://curated@lakeacct.dfs.core.windows.net/x/y", region: "uaenorth", storageAccountId: account },
          { name: "b", uri: "abfss://raw@otheracct.dfs.core.windows.net", region: "uaenorth" },
        ],
      }),
    );
    expect(lakes).toEqual({ grants: [{ name: "a", storageAccountId: account, container: "curated", prefix: "x/y/" }], ungranted: ["b"] });
    const bad = cfg({
      dataLakes: [{ name: "c", uri: "abfss://curated@otheracct.dfs.core.windows.net", region: "uaenorth", storageAccountId: account }],
    });
    expect(() => azureDataLakes(bad)).toThrow(
      `mlops-platform:dataLakes[0].storageAccountId: names account "lakeacct" but the uri names "otheracct" (received: ${account}); use the id of the account in the uri`,
    );
  });

  it("refuses a malformed lake storage account id at configuration time", () => {
    expect(() =>
      cfg({
        dataLakes: [{ name: "c", uri: "abfss://curated@lakeacct.dfs.core.windows.net", region: "uaenorth", storageAccountId: "lakeacct" }],
      }),
    ).toThrow(/dataLakes\[0\]\.storageAccountId: must be a storage account resource id/);
  });

  it("turns the configured pools into AKS pool specs with the profile's VM sizes", () => {
    const c = cfg();
    expect(toPoolSpec(c.nodePools.system, "system")).toMatchObject({
      name: "system",
      kind: "system",
      vmSize: AZURE_VM_SIZES.enterprise.system,
      minCount: 3,
      maxCount: 6,
    });
    const gpu = c.nodePools.gpu.map((p) => toPoolSpec(p, "gpu"));
    expect(gpu.map((p) => [p.name, p.spot, p.vmSize])).toEqual([
      ["gpuspot", true, AZURE_VM_SIZES.enterprise.gpu],
      ["gpu", false, AZURE_VM_SIZES.enterprise.gpu],
    ]);
    expect(gpu[0]?.taints).toEqual([{ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" }]);
  });

  it("derives a DNS-safe name prefix from the stack", () => {
    expect(azureNamePrefix({ stack: "uae-prod-azure" })).toBe("mlops-uae-prod-azure");
    expect(azureNamePrefix({ stack: "Team_X.Dev" })).toBe("mlops-team-x-dev");
  });
});
