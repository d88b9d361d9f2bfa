import type { PolicyResource } from "@pulumi/policy";
import { stackRule } from "../../lib/rule";
import { num, obj, read, str } from "../../lib/values";

const PROPS = "azure-native:storage:BlobServiceProperties";

function belongsTo(props: PolicyResource, account: PolicyResource): boolean {
  const ref = read(() => str(props.props.accountName));
  const name = read(() => str(account.props.accountName) ?? str(account.props.name));
  if (ref.known && name.known) return ref.value !== undefined && ref.value === name.value;
  return (props.propertyDependencies.accountName ?? props.dependencies).some((d) => d.urn === account.urn);
}

/** Production storage accounts have blob/container soft delete and versioning. */
export const azureStorageAccountEnableSoftDelete = stackRule({
  name: "azure-storage-account-enable-soft-delete",
  scope: "production",
  check: ({ resources, settings, report }) => {
    const min = settings.minimumBackupRetentionDays;
    for (const account of resources.filter((r) => r.type === "azure-native:storage:StorageAccount")) {
      const services = resources.filter((r) => r.type === PROPS && belongsTo(r, account));
      if (services.length === 0) {
        report(account, `storage account ${account.name} has no BlobServiceProperties with soft delete and versioning`);
        continue;
      }
      for (const s of services) {
        for (const key of ["deleteRetentionPolicy", "containerDeleteRetentionPolicy"]) {
          const policy = obj(s.props[key]);
          const days = num(policy.days) ?? 0;
          if (policy.enabled !== true || days < min) report(s, `${key} is off or shorter than ${min} days`);
        }
        if (s.props.isVersioningEnabled !== true) report(s, "blob versioning is off (isVersioningEnabled: true)");
      }
    }
  },
});
