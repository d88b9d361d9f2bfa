import { resourceRule } from "../../lib/rule";
import { str } from "../../lib/values";

/** Storage accounts accept HTTPS only, TLS 1.2+. */
export const azureStorageAccountEnforceTls = resourceRule({
  name: "azure-storage-account-enforce-tls",
  types: ["azure-native:storage:StorageAccount"],
  check: ({ props, report }) => {
    if (props.enableHttpsTrafficOnly === false) report("plain HTTP is allowed (enableHttpsTrafficOnly: true)");
    const tls = str(props.minimumTlsVersion);
    if (tls !== "TLS1_2" && tls !== "TLS1_3") report(`minimumTlsVersion is "${tls ?? "(unset)"}"; set TLS1_2 or later`);
  },
});
