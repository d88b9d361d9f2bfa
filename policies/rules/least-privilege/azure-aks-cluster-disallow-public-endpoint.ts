import { resourceRule } from "../../lib/rule";
import { list, obj } from "../../lib/values";

/** The AKS API is private or IP-restricted, and local accounts are off. */
export const azureAksClusterDisallowPublicEndpoint = resourceRule({
  name: "azure-aks-cluster-disallow-public-endpoint",
  types: ["azure-native:containerservice:ManagedCluster"],
  check: ({ props, report }) => {
    const access = obj(props.apiServerAccessProfile);
    if (access.enablePrivateCluster !== true) {
      const ranges = list(access.authorizedIPRanges).map(String);
      if (ranges.length === 0 || ranges.includes("0.0.0.0/0"))
        report("the API server is public to the internet; enable a private cluster or set apiServerAccessProfile.authorizedIPRanges");
    }
    if (props.disableLocalAccounts !== true)
      report("local accounts (static cluster-admin credentials) are enabled (disableLocalAccounts: true)");
  },
});
