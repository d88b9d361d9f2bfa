import { isCustomerManagedAzureKey } from "../../lib/keys";
import { resourceRule } from "../../lib/rule";
import { obj, str } from "../../lib/values";

/** PostgreSQL flexible servers use a customer-managed key. */
export const azurePostgresqlServerEnforceCmkEncryption = resourceRule({
  name: "azure-postgresql-server-enforce-cmk-encryption",
  types: ["azure-native:dbforpostgresql:Server"],
  check: ({ props, report }) => {
    const enc = obj(props.dataEncryption);
    if (str(enc.type) !== "AzureKeyVault" || !isCustomerManagedAzureKey(() => enc.primaryKeyURI))
      report('data is not encrypted with a customer-managed key (dataEncryption.type "AzureKeyVault" with primaryKeyURI)');
  },
});
