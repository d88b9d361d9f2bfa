import { internetSources } from "../../lib/cidr";
import { resourceRule } from "../../lib/rule";
import { list, obj, str } from "../../lib/values";

/** The AKS API is private or limited to ranges that do not reach the internet, and local accounts are off. */
export const azureAksClusterDisallowPublicEndpoint = resourceRule({
  name: "azure-aks-cluster-disallow-public-endpoint",
  types: ["azure-native:containerservice:ManagedCluster"],
  check: ({ props, report }) => {
    const access = obj(props.apiServerAccessProfile);
    if (access.enablePrivateCluster !== true) {
      const ranges = list(access.authorizedIPRanges).map((c) => str(c));
      const open = internetSources(ranges.length === 0 ? ["0.0.0.0/0"] : ranges);
      if (open.length > 0) report(`the API server is public: ${open.map((o) => o.reason).join("; ")}; enable a private cluster`);
    }
    if (props.disableLocalAccounts !== true)
      report("local accounts (static cluster-admin credentials) are enabled (disableLocalAccounts: true)");
  },
});
