import { resourceRule } from "../../lib/rule";
import { obj, str } from "../../lib/values";

/** PostgreSQL flexible servers are private. */
export const azurePostgresqlServerDisallowPublicAccess = resourceRule({
  name: "azure-postgresql-server-disallow-public-access",
  types: ["azure-native:dbforpostgresql:Server"],
  check: ({ props, report }) => {
    if (str(obj(props.network).publicNetworkAccess) !== "Disabled")
      report('the server is reachable from public networks (network.publicNetworkAccess: "Disabled")');
  },
});
