import { resourceRule } from "../../lib/rule";
import { list, obj, str } from "../../lib/values";

/** Key Vaults are reached only through private endpoints: public network access off, deny by default, no IP or subnet rules. */
export const azureKeyvaultVaultDisallowPublicAccess = resourceRule({
  name: "azure-keyvault-vault-disallow-public-access",
  types: ["azure-native:keyvault:Vault"],
  check: ({ props, report }) => {
    const p = obj(props.properties);
    const acls = obj(p.networkAcls);
    if (str(p.publicNetworkAccess) !== "Disabled")
      report(
        `properties.publicNetworkAccess is ${str(p.publicNetworkAccess) ?? "unset (Enabled)"}: set Disabled and use the private endpoint`,
      );
    if (str(acls.defaultAction) !== "Deny")
      report(`properties.networkAcls.defaultAction is ${str(acls.defaultAction) ?? "unset (Allow)"}: set Deny`);
    if (list(acls.ipRules).length > 0) report("properties.networkAcls.ipRules opens the vault to public addresses: remove them");
  },
});
