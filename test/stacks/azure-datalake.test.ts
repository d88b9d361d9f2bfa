/**
 * External data lakes on Azure: with the lake's storage account id, the pipeline and team
 * identities (and only they) get read-only access to the lake's container, limited to its path.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { BUILTIN_ROLES } from "../../components/azure/roles";
import type { PlanResult } from "../../tools/lib/harness";
import { AZURE_LAKE_ACCOUNT_ID as ACCOUNT_ID } from "../support/plan-requests";
import { planned } from "../support/shipped-plan";
import { roleOf } from "./azure-layer-common";
import { ofType } from "./azure-plan-checks";

describe("Azure data-lake grants (uae-prod-azure with the lake's account id)", () => {
  let plan: PlanResult;
  beforeAll(() => {
    plan = planned("azure-layer/uae-prod-azure+data-lake");
  });

  it("grants Storage Blob Data Reader on the lake container, path-limited, to the pipeline identities only", () => {
    const lake = ofType(plan, "azure-native:authorization:RoleAssignment").filter((a) => a.name.endsWith("-lake-core-banking"));
    expect(lake.map((a) => a.name).sort()).toEqual(
      [
        "azure-workload-identity-pipelines-lake-core-banking",
        "azure-workload-identity-team-credit-lake-core-banking",
        "azure-workload-identity-team-fraud-lake-core-banking",
      ].sort(),
    );
    for (const a of lake) {
      expect(roleOf(a)).toBe(BUILTIN_ROLES.storageBlobDataReader);
      expect(a.inputs.scope).toBe(`${ACCOUNT_ID}/blobServices/default/containers/curated`);
      expect(String(a.inputs.condition)).toContain("StringStartsWith 'lake/'");
      expect(String(a.inputs.condition)).not.toContain("blobs/write");
    }
  });

  it("reaches the lake through dfs and blob private endpoints the lake's owner approves, in the platform's zones", () => {
    const endpoints = ofType(plan, "azure-native:network:PrivateEndpoint").filter((e) => e.name.startsWith("azure-lake-core-banking-"));
    expect(endpoints.map((e) => e.name).sort()).toEqual(["azure-lake-core-banking-blob-pe", "azure-lake-core-banking-dfs-pe"]);
    for (const e of endpoints) {
      expect(e.inputs.privateLinkServiceConnections).toBeUndefined();
      const [c] = e.inputs.manualPrivateLinkServiceConnections as Record<string, unknown>[];
      expect(c?.privateLinkServiceId).toBe(ACCOUNT_ID);
      expect(String(c?.requestMessage)).toContain('data lake "core-banking"');
      expect(e.inputs.location).toBe("uaenorth");
    }
    const groups = ofType(plan, "azure-native:network:PrivateDnsZoneGroup").filter((g) => g.name.startsWith("azure-lake-core-banking-"));
    expect(groups.map((g) => g.name).sort()).toEqual(["azure-lake-core-banking-blob-dns", "azure-lake-core-banking-dfs-dns"]);
  });
});
