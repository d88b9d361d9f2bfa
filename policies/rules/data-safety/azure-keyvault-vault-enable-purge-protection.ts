import { resourceRule } from "../../lib/rule";
import { obj } from "../../lib/values";

/** Production key vaults have soft delete and purge protection. */
export const azureKeyvaultVaultEnablePurgeProtection = resourceRule({
  name: "azure-keyvault-vault-enable-purge-protection",
  types: ["azure-native:keyvault:Vault"],
  scope: "production",
  check: ({ props, report }) => {
    const p = obj(props.properties);
    if (p.enablePurgeProtection !== true) report("purge protection is off (properties.enablePurgeProtection: true)");
    if (p.enableSoftDelete === false) report("soft delete is off (properties.enableSoftDelete: true)");
  },
});
