/**
 * External data lakes on Azure, as the shipped uae-prod-azure stack declares one (with the lake's
 * storage account id): the pipeline and team identities that read data (and only they) get
 * read-only access to the lake's container, limited to its path; the lake is reached through
 * private endpoints its owner approves; the account's location is confirmed by its owner (an
 * operator action) because the platform cannot read another subscription's account at plan time.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { BUILTIN_ROLES, blobPrefixCondition } from "../../components/azure/roles";
import { AZURE_LAKE_ACCOUNT_ID as ACCOUNT_ID } from "../support/plan-requests";
import { shippedPlan } from "../support/shipped-plan";
import { roleOf } from "./azure-layer-common";
import { ofType } from "./azure-plan-checks";

type Obj = Record<string, unknown>;

describe("Azure data-lake grant in the shipped uae-prod-azure stack", () => {
  const plan = shippedPlan("uae-prod-azure");
  const assignments = ofType(plan, "azure-native:authorization:RoleAssignment");

  it("declares the lake with the storage account its uri names, in the UAE", () => {
    const file = parse(readFileSync("Pulumi.uae-prod-azure.yaml", "utf8")) as { config: Obj };
    const [lake] = file.config["mlops-platform:dataLakes"] as { uri: string; region: string; storageAccountId?: string }[];
    expect(lake?.storageAccountId).toBe(ACCOUNT_ID);
    expect(lake?.uri).toMatch(/^abfss:\/\/curated@examplecorebanking\.dfs\.core\.windows\.net\//);
    expect(ACCOUNT_ID.endsWith("/storageAccounts/examplecorebanking")).toBe(true);
    expect(["uaenorth", "uaecentral"]).toContain(lake?.region);
  });

  it("grants Storage Blob Data Reader on the lake container, path-limited, to the data and training identities only", () => {
    const lake = assignments.filter((a) => String(a.inputs.scope).startsWith(ACCOUNT_ID));
    // Each pipeline namespace's data steps and training code read the lake; its registration and
    // promotion steps, the drift monitors and every service do not.
    expect(lake.map((a) => a.name).sort()).toEqual(
      ["pipelines", "team-credit", "team-fraud"]
        .flatMap((k) => [`azure-workload-identity-${k}-lake-core-banking`, `azure-workload-identity-${k}-train-lake-core-banking`])
        .sort(),
    );
    for (const a of lake) {
      expect(roleOf(a)).toBe(BUILTIN_ROLES.storageBlobDataReader);
      expect(a.inputs.scope).toBe(`${ACCOUNT_ID}/blobServices/default/containers/curated`);
      expect(a.inputs.condition).toBe(blobPrefixCondition("lake/", "read"));
      expect(a.inputs.conditionVersion).toBe("2.0");
      expect(String(a.inputs.condition)).not.toMatch(/blobs\/(write|delete|add)/);
      expect(a.inputs.principalType).toBe("ServicePrincipal");
    }
  });

  it("reaches the lake through dfs and blob private endpoints the lake's owner approves, in the platform's zones", () => {
    const endpoints = ofType(plan, "azure-native:network:PrivateEndpoint").filter((e) => e.name.startsWith("azure-lake-core-banking-"));
    expect(endpoints.map((e) => e.name).sort()).toEqual(["azure-lake-core-banking-blob-pe", "azure-lake-core-banking-dfs-pe"]);
    for (const e of endpoints) {
      expect(e.inputs.privateLinkServiceConnections).toBeUndefined();
      const [c] = e.inputs.manualPrivateLinkServiceConnections as Obj[];
      expect(c?.privateLinkServiceId).toBe(ACCOUNT_ID);
      expect(String(c?.requestMessage)).toContain('data lake "core-banking"');
      expect(e.inputs.location).toBe("uaenorth");
    }
    const groups = ofType(plan, "azure-native:network:PrivateDnsZoneGroup").filter((g) => g.name.startsWith("azure-lake-core-banking-"));
    expect(groups.map((g) => g.name).sort()).toEqual(["azure-lake-core-banking-blob-dns", "azure-lake-core-banking-dfs-dns"]);
  });

  it("asks the lake's owner to approve the endpoints and confirm the account is in the UAE", () => {
    const actions = plan.outputs.operatorActions as { id: string; steps: string[] }[];
    const action = actions.find((a) => a.id === "data-lake-core-banking");
    expect(action?.steps[0]).toBe(`az storage account show --ids ${ACCOUNT_ID} --query location   # must be uaenorth or uaecentral`);
    expect(action?.steps.join("\n")).toContain("private-endpoint-connection approve");
  });

  it("lets the residency check of the pipelines read the lake's location", () => {
    const settings = plan.resources.find(
      (r) =>
        r.type === "kubernetes:core/v1:ConfigMap" &&
        (r.inputs.metadata as Obj | undefined)?.namespace === "ml-pipelines" &&
        (r.inputs.data as Obj | undefined)?.PLATFORM_ALLOWED_DATA_PREFIXES !== undefined,
    );
    const allowed = String(((settings?.inputs.data ?? {}) as Obj).PLATFORM_ALLOWED_DATA_PREFIXES).split("\n");
    expect(allowed).toContain("abfss://curated@examplecorebanking.dfs.core.windows.net/lake");
  });
});
