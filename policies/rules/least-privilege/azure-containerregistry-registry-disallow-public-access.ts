import { resourceRule } from "../../lib/rule";
import { str } from "../../lib/values";

/** No public network access, anonymous pull or admin user on registries. */
export const azureContainerregistryRegistryDisallowPublicAccess = resourceRule({
  name: "azure-containerregistry-registry-disallow-public-access",
  types: ["azure-native:containerregistry:Registry"],
  check: ({ props, report }) => {
    if (str(props.publicNetworkAccess) !== "Disabled")
      report('the registry is reachable from public networks (publicNetworkAccess: "Disabled")');
    if (props.anonymousPullEnabled === true) report("anonymous pull is enabled (anonymousPullEnabled: false)");
    if (props.adminUserEnabled === true) report("the admin user (a static credential) is enabled (adminUserEnabled: false)");
  },
});
