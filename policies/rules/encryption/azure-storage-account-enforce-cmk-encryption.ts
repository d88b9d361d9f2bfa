import { resourceRule } from "../../lib/rule";
import { obj, present, str } from "../../lib/values";

/** Storage accounts use a customer-managed key and infrastructure encryption. */
export const azureStorageAccountEnforceCmkEncryption = resourceRule({
  name: "azure-storage-account-enforce-cmk-encryption",
  types: ["azure-native:storage:StorageAccount"],
  check: ({ props, report }) => {
    const enc = obj(props.encryption);
    if ((str(enc.keySource) ?? "").toLowerCase() !== "microsoft.keyvault")
      report("the account uses Microsoft-managed keys; set encryption.keySource to Microsoft.Keyvault");
    else if (!present(() => obj(enc.keyVaultProperties).keyName)) report("encryption.keyVaultProperties names no key");
    if (enc.requireInfrastructureEncryption !== true)
      report("infrastructure (double) encryption is off (encryption.requireInfrastructureEncryption: true)");
  },
});
