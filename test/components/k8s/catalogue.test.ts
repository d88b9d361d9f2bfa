/**
 * The catalogue of platform services is the one list everything else is derived from: the policy
 * pack's platform namespaces, the workload identities, the namespace contract. A new service is
 * one descriptor and one catalogue line; its namespace comes under the pack's pod rules without
 * any change in `policies/`.
 */
import { describe, expect, it } from "vitest";
import { NAMESPACES } from "../../../components/contracts";
import { CATALOGUE, catalogueProblems, enabledServices, platformNamespaces, serviceIdentitySpecs } from "../../../components/k8s/catalogue";
import { flows } from "../../../components/k8s/namespace";
import type { PlatformServiceDescriptor } from "../../../components/k8s/service";
import { PLATFORM_NAMESPACES } from "../../../contracts/platform-namespaces";
import { DEFAULT_PLATFORM_NAMESPACES, parsePackConfig } from "../../../policies/config";
import { allPolicies } from "../../../policies/rules";
import { checkPlan } from "../../../tools/lib/check";
import { plan, type Spec } from "../../policies/fixture";

/** A service that exists only in this test. */
const vectorDb: PlatformServiceDescriptor = {
  key: "vector-db",
  namespace: { name: "vectors" },
  charts: [],
  identity: {
    key: "vector-db",
    serviceAccounts: ["vector-db"],
    buckets: [{ purpose: "features", prefix: "vectors/", mode: "readwrite" }],
    readDataLakes: false,
    registry: "none",
    consumeDataEvents: false,
  },
  ingress: () => [flows.scrape()],
  egress: ({ networkCidr }) => [flows.apiServer(networkCidr)],
  quota: { cpu: 2, memoryGiB: 4 },
};

const privilegedPod = (namespace: string): Spec => ({
  type: "kubernetes:apps/v1:Deployment",
  name: "db",
  provider: "k8s",
  inputs: {
    metadata: { name: "db", namespace },
    spec: {
      template: {
        spec: {
          containers: [
            {
              name: "db",
              image: "quay.io/example/db:1.0.0",
              resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { memory: "1Gi" } },
              securityContext: { privileged: true },
            },
          ],
        },
      },
    },
  },
});

async function privilegedViolations(platformNamespaces: readonly string[], namespace: string) {
  const policy = allPolicies.find((p) => p.name === "kubernetes-core-pod-disallow-privileged");
  if (!policy) throw new Error("rule missing");
  const packConfig = parsePackConfig({ platformNamespaces: [...platformNamespaces] });
  const result = await checkPlan(plan([privilegedPod(namespace)]), { stack: "test", packConfig, policies: [policy] });
  return result.violations.filter((v) => /privileged/.test(v.message));
}

describe("catalogue of platform services", () => {
  it("is valid: unique keys, namespaces and identities; a reason for every namespace below restricted", () => {
    expect(catalogueProblems(CATALOGUE)).toEqual([]);
    const gpu = CATALOGUE.find((d) => d.namespace.name === NAMESPACES.gpu);
    expect(gpu?.namespace.podSecurity).toBe("privileged");
    expect(gpu?.namespace.reason).toMatch(/device plugin/);
  });

  it("refuses a namespace below restricted without a reason, and duplicates", () => {
    const loose: PlatformServiceDescriptor = { ...vectorDb, namespace: { name: "vectors", podSecurity: "privileged" } };
    expect(catalogueProblems([loose]).join("\n")).toMatch(/catalogue\[vector-db\]\.namespace\.reason: missing/);
    expect(catalogueProblems([vectorDb, { ...vectorDb, key: "other", identity: undefined }]).join("\n")).toMatch(
      /namespace "vectors" belongs to two services/,
    );
    expect(catalogueProblems([{ ...vectorDb, namespace: { name: "team-x" } }]).join("\n")).toMatch(/team prefix/);
  });

  it("owns every namespace of the namespace contract", () => {
    const names = CATALOGUE.map((d) => d.namespace.name);
    for (const ns of Object.values(NAMESPACES)) expect(names).toContain(ns);
  });

  it("the pack's default platform namespaces are the generated list, and the list is up to date", () => {
    expect(
      [...PLATFORM_NAMESPACES],
      "contracts/platform-namespaces.ts is stale: run npx tsx tools/generate-platform-namespaces.ts",
    ).toEqual(platformNamespaces(CATALOGUE));
    expect(DEFAULT_PLATFORM_NAMESPACES).toBe(PLATFORM_NAMESPACES);
    // Optional services count too: Dex's namespace is covered even in stacks without LDAP.
    expect(PLATFORM_NAMESPACES).toContain("dex");
    expect(PLATFORM_NAMESPACES).toContain("cert-manager");
  });

  it("a new catalogue entry's namespace is covered by the pod rules, with no change in policies/", async () => {
    const extended = [...CATALOGUE, vectorDb];
    expect(catalogueProblems(extended)).toEqual([]);
    const derived = platformNamespaces(extended);
    expect(derived).toContain("vectors");
    expect((await privilegedViolations(derived, "vectors")).length).toBeGreaterThan(0);
    // Control: outside the derived list the same pod is not judged, so the derivation is what covers it.
    expect(await privilegedViolations(platformNamespaces(CATALOGUE), "vectors")).toHaveLength(0);
  });

  it("a new catalogue entry's identity reaches the stack's workload identities, in its own namespace", () => {
    const specs = serviceIdentitySpecs([...CATALOGUE, vectorDb]);
    expect(specs.find((x) => x.key === "vector-db")).toMatchObject({ namespace: "vectors", serviceAccounts: ["vector-db"] });
    expect(serviceIdentitySpecs(CATALOGUE).map((x) => x.key)).toEqual([
      "mlflow",
      "argo-workflows",
      "argo-events",
      "feast",
      "serving",
      "pipelines",
    ]);
  });

  it("optional services are present only when the stack enables them (Dex with LDAP)", () => {
    const keys = (ldapHost?: string) =>
      enabledServices({ networkCidr: "10.0.0.0/16", ...(ldapHost ? { ldapHost } : {}) }).map((d) => d.key);
    expect(keys()).not.toContain("dex");
    expect(keys("ldap.corp.example:636")).toContain("dex");
  });
});
