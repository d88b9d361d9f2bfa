import { describe, expect, it } from "vitest";
import {
  awsDomainTarget,
  egressAllowList,
  hostPatternProblem,
  managedKubernetesHosts,
  patternCovered,
  upstreamRegistryHosts,
} from "../../contracts/egress";

describe("egress allow-list patterns", () => {
  it("accepts host names and subdomain wildcards", () => {
    for (const ok of [
      "pypi.org",
      "files.pythonhosted.org",
      "*.pythonhosted.org",
      "github.com",
      "*.example.ae",
      "login.microsoftonline.com",
    ]) {
      expect(hostPatternProblem(ok), ok).toBeUndefined();
    }
  });

  it("refuses everything-patterns, top-level domains, public suffixes, schemes, ports, paths and upper case", () => {
    for (const bad of [
      "*",
      "*.com",
      "*.ae",
      "*.co.uk",
      "*.com.au",
      "https://github.com",
      "github.com:443",
      "github.com/org",
      "GitHub.com",
      "",
      "*github.com",
      "a.*.com",
      "localhost",
    ]) {
      expect(hostPatternProblem(bad), bad).toBeDefined();
    }
  });

  it("decides coverage by meaning: a wildcard covers deeper names and wildcards, not the apex or look-alikes", () => {
    expect(patternCovered("a.example.com", ["*.example.com"])).toBe(true);
    expect(patternCovered("*.a.example.com", ["*.example.com"])).toBe(true);
    expect(patternCovered("example.com", ["*.example.com"])).toBe(false);
    expect(patternCovered("badexample.com", ["*.example.com"])).toBe(false);
    expect(patternCovered("example.com.evil.io", ["example.com"])).toBe(false);
    expect(patternCovered("*.example.com", ["a.example.com"])).toBe(false);
  });

  it("spells wildcards the AWS Network Firewall way", () => {
    expect(awsDomainTarget("*.example.com")).toBe(".example.com");
    expect(awsDomainTarget("pypi.org")).toBe("pypi.org");
  });
});

describe("the platform's own allow-list", () => {
  it("holds the identity provider, the upstream registries of the pinned images (not those cached in region) and the AKS hosts", () => {
    const repos = ["quay.io/argoproj/argocli", "ghcr.io/dexidp/dex", "natsio/prometheus-nats-exporter"];
    expect(upstreamRegistryHosts(repos)).toEqual(expect.arrayContaining(["quay.io", "cdn.quay.io", "ghcr.io", "registry-1.docker.io"]));
    expect(upstreamRegistryHosts(repos, ["quay.io", "ghcr.io", "docker.io"])).toEqual([]);
    const azure = egressAllowList({
      cloud: "azure",
      region: "uaenorth",
      oidcIssuerUrl: "https://sso.example.ae/realms/mlops",
      imageRepositories: repos,
      extraHosts: ["github.com", "sub.data.mcr.microsoft.com"],
    });
    expect(azure).toEqual(expect.arrayContaining(["sso.example.ae", "login.microsoftonline.com", "mcr.microsoft.com", "github.com"]));
    // Entries a wildcard already covers are dropped; the list is sorted and without duplicates.
    expect(azure).not.toContain("sub.data.mcr.microsoft.com");
    expect([...azure].sort()).toEqual(azure);
    expect(new Set(azure).size).toBe(azure.length);
    expect(managedKubernetesHosts("aws", "me-central-1")).toEqual([]);
    expect(managedKubernetesHosts("azure", "uaenorth")).toContain("uaenorth.handler.control.monitor.azure.com");
  });
});
