import { resourceRule } from "../../lib/rule";
import { obj, str } from "../../lib/values";

/** No anonymous, shared-key or public network access to storage. */
export const azureStorageAccountDisallowPublicAccess = resourceRule({
  name: "azure-storage-account-disallow-public-access",
  types: ["azure-native:storage:StorageAccount", "azure-native:storage:BlobContainer"],
  check: ({ args, props, report }) => {
    if (args.type === "azure-native:storage:BlobContainer") {
      const access = str(props.publicAccess);
      if (access && access !== "None") report(`the container allows anonymous ${access} access (publicAccess: "None")`);
      return;
    }
    if (props.allowBlobPublicAccess !== false) report("anonymous blob access is not disabled (allowBlobPublicAccess: false)");
    if (props.allowSharedKeyAccess !== false) report("shared-key (static key) access is not disabled (allowSharedKeyAccess: false)");
    const network = str(props.publicNetworkAccess);
    const defaultAction = str(obj(props.networkRuleSet).defaultAction);
    if (network !== "Disabled" && defaultAction !== "Deny")
      report('the account is reachable from public networks (publicNetworkAccess: "Disabled" or networkRuleSet.defaultAction: "Deny")');
  },
});
