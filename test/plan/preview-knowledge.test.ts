/**
 * What a first preview knows (docs/offline-plan.md, "Placeholders" and "Known in a preview"):
 * every unknown input of a shipped plan is a single value that comes from another resource, never
 * an object a policy judges; and the plan invents no value beyond the documented identifiers.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { placeholderOutputs } from "../../tools/lib/placeholders";
import { UNKNOWN } from "../../tools/lib/values";
import { SHIPPED_STACKS } from "../support/plan-requests";
import { shippedPlan } from "../support/shipped-plan";

/** Every input that may be unknown in a shipped plan, by type, with where the value comes from. */
const UNKNOWN_INPUTS: Record<string, Record<string, string>> = {
  "aws:eks/nodeGroup:NodeGroup": { "launchTemplate.version": "the launch template's version number" },
  "aws:route53/record:Record": { zoneId: "the private hosted zone's id" },
  "azure-native:authorization:RoleAssignment": { principalId: "the AKS kubelet identity and Event Grid topic identity" },
  "azure-native:compute:DiskEncryptionSet": { "activeKey.keyUrl": "the key version" },
  "azure-native:containerservice:ManagedCluster": { "securityProfile.azureKeyVaultKms.keyId": "the KMS key version" },
  "azure-native:dbforpostgresql:Server": { administratorLoginPassword: "a generated password" },
  "azure-native:keyvault:Secret": { "properties.value": "a generated password" },
  "azure-native:managedidentity:FederatedIdentityCredential": { issuer: "the AKS OIDC issuer URL" },
  "kubernetes:batch/v1:Job": { "spec.template.spec.containers[].env[].value": "the database host" },
  "kubernetes:helm.sh/v3:Release": {
    "values.backendStore.postgres.host": "the database host",
    "values.controller.persistence.postgresql.host": "the database host",
  },
};

function unknownPaths(value: unknown, path = "", out: string[] = []): string[] {
  if (value === UNKNOWN) out.push(path);
  else if (Array.isArray(value)) for (const v of value) unknownPaths(v, `${path}[]`, out);
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) unknownPaths(v, path ? `${path}.${k}` : k, out);
  return out;
}

describe.each(SHIPPED_STACKS)("what a preview of %s knows", (stack) => {
  it("leaves unknown only single values that come from other resources", () => {
    const unexpected: string[] = [];
    for (const r of shippedPlan(stack).resources) {
      for (const path of unknownPaths(r.inputs)) if (!UNKNOWN_INPUTS[r.type]?.[path]) unexpected.push(`${r.urn} ${path}`);
    }
    expect(unexpected).toEqual([]);
  });

  it("invents no output beyond the cloud-assigned identifiers docs/offline-plan.md lists", () => {
    const doc = readFileSync(resolve(__dirname, "../../docs/offline-plan.md"), "utf8");
    const documented = new Map<string, string[]>();
    for (const m of doc.matchAll(/^\| `([a-z-]+:[^`]+)` \| ([^|]+) \|/gm))
      documented.set(
        m[1] as string,
        [...(m[2] as string).matchAll(/`([^`]+)`/g)].map((x) => x[1] as string),
      );
    const invented = new Set<string>();
    for (const r of shippedPlan(stack).resources) {
      const out = placeholderOutputs({ type: r.type, name: r.name, urn: r.urn, inputs: r.inputs, region: "me-central-1" });
      for (const key of Object.keys(out)) {
        // id, ARN and the generated name are the identifiers every resource gets.
        // Pulumi's auto-name: the logical name or the given `<key>Prefix`, then random characters.
        const prefix = r.inputs[`${key}Prefix`];
        const generatedName =
          typeof out[key] === "string" &&
          (String(out[key]).startsWith(r.name) || (typeof prefix === "string" && String(out[key]).startsWith(prefix)));
        if (key === "id" || key === "arn" || key === "name" || key in r.inputs || generatedName) continue;
        if (!documented.get(r.type)?.includes(key)) invented.add(`${r.type} ${key}`);
      }
    }
    expect([...invented]).toEqual([]);
  });
});

describe("AKS security profile in a preview", () => {
  it.each(["dev-azure", "uae-prod-azure"])("%s: workload identity, Defender and KMS are known; only the key version is not", (stack) => {
    const aks = shippedPlan(stack).resources.find((r) => r.type === "azure-native:containerservice:ManagedCluster");
    expect(aks?.inputs.oidcIssuerProfile).toEqual({ enabled: true });
    expect(aks?.inputs.securityProfile).toEqual({
      workloadIdentity: { enabled: true },
      defender: { logAnalyticsWorkspaceResourceId: expect.stringContaining("/workspaces/"), securityMonitoring: { enabled: true } },
      azureKeyVaultKms: {
        enabled: true,
        keyId: UNKNOWN,
        keyVaultNetworkAccess: "Private",
        keyVaultResourceId: expect.stringContaining("/providers/Microsoft.KeyVault/vaults/"),
      },
      imageCleaner: { enabled: true, intervalHours: 168 },
    });
  });
});
