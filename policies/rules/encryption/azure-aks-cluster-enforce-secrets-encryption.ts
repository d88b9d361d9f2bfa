import { isCustomerManagedAzureKey } from "../../lib/keys";
import { resourceRule } from "../../lib/rule";
import { obj } from "../../lib/values";

/** AKS encrypts secrets with Key Vault KMS and node disks with a disk encryption set. */
export const azureAksClusterEnforceSecretsEncryption = resourceRule({
  name: "azure-aks-cluster-enforce-secrets-encryption",
  types: ["azure-native:containerservice:ManagedCluster"],
  check: ({ props, report }) => {
    const kms = obj(obj(props.securityProfile).azureKeyVaultKms);
    if (kms.enabled !== true || !isCustomerManagedAzureKey(() => kms.keyId))
      report("secrets are not encrypted with a Key Vault key (securityProfile.azureKeyVaultKms.enabled and keyId)");
    if (!isCustomerManagedAzureKey(() => props.diskEncryptionSetID))
      report("node disks do not use a customer-managed key (diskEncryptionSetID)");
  },
});
