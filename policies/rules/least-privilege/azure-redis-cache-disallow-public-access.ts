import { resourceRule } from "../../lib/rule";
import { str } from "../../lib/values";

/** Azure Cache for Redis is private. */
export const azureRedisCacheDisallowPublicAccess = resourceRule({
  name: "azure-redis-cache-disallow-public-access",
  types: ["azure-native:redis:Redis"],
  check: ({ props, report }) => {
    if (str(props.publicNetworkAccess) !== "Disabled")
      report('the cache is reachable from public networks (publicNetworkAccess: "Disabled")');
  },
});
