/**
 * Assertions every shipped stack's offline plan must satisfy; each `<stack>.test.ts` file
 * (its own process) calls {@link describeShippedStack}.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { allowedRegions } from "../../contracts/regions";
import type { PlanResult } from "../../tools/lib/harness";
import { isSecret, UNKNOWN } from "../../tools/lib/values";
import { shippedPlan } from "../support/shipped-plan";

/** Registers the shared assertions for `stack` on `cloud`. */
export function describeShippedStack(stack: string, cloud: "aws" | "azure"): void {
  describe(`offline plan of ${stack}`, () => {
    let plan: PlanResult;
    beforeAll(async () => {
      plan = shippedPlan(stack);
    });

    it("is a pulumi stack export (version 3) rooted at the stack resource", () => {
      expect(plan.deployment.version).toBe(3);
      const resources = plan.deployment.deployment.resources;
      expect(resources[0]?.type).toBe("pulumi:pulumi:Stack");
      expect(resources[0]?.urn).toBe(`urn:pulumi:${stack}::mlops-platform::pulumi:pulumi:Stack::mlops-platform-${stack}`);
      for (const r of resources) {
        expect(r.urn).toMatch(new RegExp(`^urn:pulumi:${stack}::mlops-platform::`));
        expect(typeof r.custom).toBe("boolean");
        if (r.type !== "pulumi:pulumi:Stack") expect(r.parent, r.urn).toBeDefined();
        if (r.custom) expect(r.id, r.urn).toBeTruthy();
      }
      expect(resources.length).toBeGreaterThan(50);
    });

    it("lists parents, providers and dependencies before the resources that use them", () => {
      const seen = new Set<string>();
      for (const r of plan.resources) {
        if (r.parent) expect(seen.has(r.parent), `${r.urn} before its parent`).toBe(true);
        const providerUrn = r.provider?.split("::").slice(0, -1).join("::");
        if (providerUrn) expect(seen.has(providerUrn), `${r.urn} before its provider`).toBe(true);
        for (const d of r.dependencies) expect(seen.has(d), `${r.urn} before its dependency ${d}`).toBe(true);
        seen.add(r.urn);
      }
    });

    it("sends every custom resource through an explicit provider pinned to the UAE", () => {
      const providers = new Map(plan.resources.filter((r) => r.type.startsWith("pulumi:providers:")).map((r) => [`${r.urn}::${r.id}`, r]));
      const cloudProviders = [...providers.values()].filter(
        (p) => p.type === (cloud === "aws" ? "pulumi:providers:aws" : "pulumi:providers:azure-native"),
      );
      expect(cloudProviders.length).toBeGreaterThan(0);
      for (const p of cloudProviders) {
        const region = cloud === "aws" ? p.inputs.region : p.inputs.location;
        expect(allowedRegions(cloud), p.urn).toContain(region);
      }
      const other = cloud === "aws" ? "azure-native:" : "aws:";
      for (const r of plan.resources) {
        if (!r.custom || r.type.startsWith("pulumi:providers:")) continue;
        expect(r.provider, `${r.urn} has no explicit provider`).toBeDefined();
        const provider = providers.get(r.provider as string);
        expect(provider, `${r.urn} uses an unknown provider`).toBeDefined();
        const pkg = r.type.split(":")[0];
        expect(provider?.type, r.urn).toBe(`pulumi:providers:${pkg}`);
        expect(r.type.startsWith(other), `${r.urn} belongs to the other cloud`).toBe(false);
      }
    });

    it("keeps every explicit region or location in the UAE", () => {
      const allowed = [...allowedRegions(cloud), "global"];
      for (const r of plan.resources) {
        if (!r.custom) continue;
        const key = cloud === "aws" ? "region" : "location";
        const value = r.inputs[key];
        if (typeof value === "string" && value !== UNKNOWN)
          expect(allowed, `${r.urn} ${key}`).toContain(value.toLowerCase().replace(/\s/g, ""));
      }
    });

    it("exports the outputs a platform team needs, with the kubeconfig secret", () => {
      for (const key of [
        "cloud",
        "region",
        "profile",
        "clusterName",
        "clusterEndpoint",
        "kubeconfig",
        "buckets",
        "registryUrls",
        "urls",
        "modelEndpoints",
      ]) {
        expect(plan.outputs, key).toHaveProperty(key);
      }
      expect(plan.outputs.cloud).toBe(cloud);
      expect(isSecret(plan.outputs.kubeconfig)).toBe(true);
      expect(Object.keys(plan.outputs.buckets as object).sort()).toEqual(["artifacts", "datasets", "features", "logs"]);
      expect(Object.keys(plan.outputs.urls as object).sort()).toEqual(["argo", "featureServer", "grafana", "mlflow"]);
    });

    it("never writes a secret in clear", () => {
      const text = JSON.stringify(plan.deployment);
      expect(text).not.toMatch(/"(password|masterPassword|administratorLoginPassword|authToken|clientSecret)":\s*"(?!04da6b54)[^"]{6,}"/);
    });

    it("writes a manifest for each Kubernetes object", () => {
      const kubeObjects = plan.resources.filter((r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh/"));
      expect(plan.manifests.length).toBe(kubeObjects.length);
      expect(new Set(plan.manifests.map((m) => m.file)).size).toBe(plan.manifests.length);
    });
  });
}
