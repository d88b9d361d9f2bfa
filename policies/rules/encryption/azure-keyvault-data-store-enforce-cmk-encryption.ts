import { isCustomerManagedAzureKey } from "../../lib/keys";
import { resourceRule } from "../../lib/rule";
import { list, obj, present, str } from "../../lib/values";

type Props = Record<string, unknown>;
type Check = (p: Props, report: (m: string) => void) => void;

/** Namespaces (Service Bus, Event Hubs) encrypt with a Key Vault key: keySource Microsoft.KeyVault and a named key. */
const namespace: Check = (p, r) => {
  const enc = obj(p.encryption);
  if ((str(enc.keySource) ?? "").toLowerCase() !== "microsoft.keyvault")
    r('the namespace uses Microsoft-managed keys; set encryption.keySource "Microsoft.KeyVault" with keyVaultProperties');
  else if (!list(enc.keyVaultProperties).some((k) => present(() => obj(k).keyName))) r("encryption.keyVaultProperties names no key");
};

/**
 * Data-holding Azure types a platform team plausibly adds next (queues and topics, event streams,
 * disks, document databases, MySQL, SQL, registries), each with where its customer-managed key
 * goes. Storage accounts (blobs, queues, tables, files), PostgreSQL and AKS have their own rules.
 */
export const AZURE_DATA_STORES: Readonly<Record<string, Check>> = {
  "azure-native:servicebus:Namespace": namespace,
  "azure-native:eventhub:Namespace": namespace,
  "azure-native:compute:Disk": (p, r) => {
    const enc = obj(p.encryption);
    const type = str(enc.type) ?? "EncryptionAtRestWithPlatformKey";
    if (!/CustomerKey/i.test(type))
      r(`the disk uses ${type} (Microsoft-managed); use EncryptionAtRestWithCustomerKey with a disk encryption set`);
    else if (!isCustomerManagedAzureKey(() => enc.diskEncryptionSetId)) r("encryption.diskEncryptionSetId names no disk encryption set");
  },
  "azure-native:compute:Snapshot": (p, r) => {
    const enc = obj(p.encryption);
    if (!/CustomerKey/i.test(str(enc.type) ?? "")) r("the snapshot uses Microsoft-managed keys; use a disk encryption set");
  },
  "azure-native:documentdb:DatabaseAccount": (p, r) => {
    if (!isCustomerManagedAzureKey(() => p.keyVaultKeyUri) || p.keyVaultKeyUri === undefined)
      r("the account uses Microsoft-managed keys (keyVaultKeyUri)");
  },
  "azure-native:cosmosdb:DatabaseAccount": (p, r) => {
    if (!isCustomerManagedAzureKey(() => p.keyVaultKeyUri) || p.keyVaultKeyUri === undefined)
      r("the account uses Microsoft-managed keys (keyVaultKeyUri)");
  },
  "azure-native:dbformysql:Server": (p, r) => {
    const enc = obj(p.dataEncryption);
    if (str(enc.type) !== "AzureKeyVault" || !isCustomerManagedAzureKey(() => enc.primaryKeyURI))
      r('data is not encrypted with a customer-managed key (dataEncryption.type "AzureKeyVault" with primaryKeyURI)');
  },
  "azure-native:sql:Server": (p, r) => {
    if (p.keyId === undefined || !isCustomerManagedAzureKey(() => p.keyId))
      r("transparent data encryption uses a service-managed key (keyId)");
  },
  "azure-native:sql:EncryptionProtector": (p, r) => {
    if ((str(p.serverKeyType) ?? "").toLowerCase() !== "azurekeyvault")
      r(`the TDE protector is ${str(p.serverKeyType) ?? "(unset)"}; set serverKeyType "AzureKeyVault" with a Key Vault key`);
  },
  "azure-native:sql:ManagedInstanceEncryptionProtector": (p, r) => {
    if ((str(p.serverKeyType) ?? "").toLowerCase() !== "azurekeyvault")
      r(`the TDE protector is ${str(p.serverKeyType) ?? "(unset)"}; set serverKeyType "AzureKeyVault" with a Key Vault key`);
  },
  "azure-native:storage:EncryptionScope": (p, r) => {
    if ((str(p.source) ?? "").toLowerCase() !== "microsoft.keyvault")
      r(
        `the encryption scope uses ${str(p.source) ?? "Microsoft.Storage"} keys; set source "Microsoft.KeyVault" with keyVaultProperties.keyUri`,
      );
    else if (!isCustomerManagedAzureKey(() => obj(p.keyVaultProperties).keyUri) || obj(p.keyVaultProperties).keyUri === undefined)
      r("keyVaultProperties.keyUri names no Key Vault key");
  },
  "azure-native:machinelearningservices:Workspace": (p, r) => {
    const enc = obj(p.encryption);
    const kid = obj(enc.keyVaultProperties).keyIdentifier;
    if ((str(enc.status) ?? "").toLowerCase() !== "enabled" || kid === undefined || !isCustomerManagedAzureKey(() => kid))
      r("the workspace is not encrypted with a customer-managed key (encryption.status Enabled, keyVaultProperties.keyIdentifier)");
  },
  "azure-native:search:Service": (p, r) => {
    if ((str(obj(p.encryptionWithCmk).enforcement) ?? "").toLowerCase() !== "enabled")
      r('customer-managed-key encryption is not enforced (encryptionWithCmk.enforcement "Enabled")');
  },
  "azure-native:redisenterprise:RedisEnterprise": (p, r) => {
    const url = obj(obj(p.encryption).customerManagedKeyEncryption).keyEncryptionKeyUrl;
    if (url === undefined || !isCustomerManagedAzureKey(() => url))
      r("the cache is not encrypted with a customer-managed key (encryption.customerManagedKeyEncryption.keyEncryptionKeyUrl)");
  },
  "azure-native:containerregistry:Registry": (p, r) => {
    const enc = obj(p.encryption);
    if ((str(enc.status) ?? "").toLowerCase() !== "enabled" || !isCustomerManagedAzureKey(() => obj(enc.keyVaultProperties).keyIdentifier))
      r("the registry is not encrypted with a customer-managed key (encryption.status enabled, keyVaultProperties.keyIdentifier)");
  },
};

/** Data stores of the types above use a customer-managed Key Vault key. */
export const azureKeyvaultDataStoreEnforceCmkEncryption = resourceRule({
  name: "azure-keyvault-data-store-enforce-cmk-encryption",
  types: Object.keys(AZURE_DATA_STORES),
  check: ({ args, props, report }) => {
    AZURE_DATA_STORES[args.type]?.(props, report);
  },
});
