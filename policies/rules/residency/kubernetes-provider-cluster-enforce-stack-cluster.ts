import type { PolicyResource } from "@pulumi/policy";
import { parse } from "yaml";
import { stackRule } from "../../lib/rule";
import { list, obj, read, str } from "../../lib/values";

/** Cluster types of this project's providers, and the outputs that carry their API endpoints. */
const CLUSTERS: Record<string, readonly string[]> = {
  "aws:eks/cluster:Cluster": ["endpoint"],
  "azure-native:containerservice:ManagedCluster": ["fqdn", "privateFQDN", "azurePortalFQDN"],
};

function endpointsOf(resources: readonly PolicyResource[]): Set<string> {
  const out = new Set<string>();
  for (const r of resources) {
    for (const key of CLUSTERS[r.type] ?? []) {
      const v = read(() => str(r.props[key]));
      if (v.known && v.value) out.add(host(v.value));
    }
  }
  return out;
}

function host(url: string): string {
  return url
    .trim()
    .replace(/^https?:\/\//i, "")
    .replace(/[:/].*$/, "")
    .toLowerCase();
}

/** Every Kubernetes provider targets a cluster this stack creates (never an ambient or foreign kubeconfig). */
export const kubernetesProviderClusterEnforceStackCluster = stackRule({
  name: "kubernetes-provider-cluster-enforce-stack-cluster",
  check: ({ resources, report }) => {
    const endpoints = endpointsOf(resources);
    // A provider no resource goes through deploys nothing; every provider a resource uses is checked.
    const used = new Set(resources.map((r) => r.provider?.urn).filter((u): u is string => u !== undefined));
    for (const p of resources) {
      if (p.type !== "pulumi:providers:kubernetes" || !used.has(p.urn)) continue;
      const fromCluster = (p.propertyDependencies.kubeconfig ?? []).some((d) => CLUSTERS[d.type] !== undefined);
      // The platform's cluster component creates the cluster and its provider side by side (AKS
      // credentials come from an invoke on the cluster, which carries no property dependency).
      const parent = p.parent?.urn;
      const sibling = parent !== undefined && resources.some((r) => r.parent?.urn === parent && CLUSTERS[r.type] !== undefined);
      if (fromCluster || (sibling && p.parent?.type.startsWith("mlops-platform:"))) continue;
      const kubeconfig = read(() => p.props.kubeconfig);
      if (!kubeconfig.known) {
        report(
          p,
          "kubeconfig is unknown during preview and does not come from a cluster of this stack: the target cluster cannot be verified",
        );
        continue;
      }
      const value = kubeconfig.value;
      if (value === undefined || value === null || value === "") {
        report(p, "the provider has no kubeconfig: it would use the ambient ~/.kube/config or KUBECONFIG, whatever cluster that is");
        continue;
      }
      let doc: Record<string, unknown>;
      try {
        doc = typeof value === "string" ? obj(parse(value)) : obj(value);
      } catch {
        report(p, "kubeconfig is neither taken from a cluster of this stack nor a readable kubeconfig document");
        continue;
      }
      const servers = list(doc.clusters).map((c) => str(obj(obj(c).cluster).server));
      if (servers.length === 0 || servers.some((s) => !s || !endpoints.has(host(s))))
        report(
          p,
          `kubeconfig targets ${servers.map((s) => s ?? "(no server)").join(", ") || "no cluster"}, not the API endpoint of a cluster of this stack`,
        );
    }
  },
});
