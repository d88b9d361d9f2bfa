import { resourceRule } from "../../lib/rule";
import { list, num, obj, str } from "../../lib/values";

const DAY_KEYS = [
  "daysAfterModificationGreaterThan",
  "daysAfterCreationGreaterThan",
  "daysAfterLastAccessTimeGreaterThan",
  "daysAfterLastTierChangeGreaterThan",
];

/**
 * In production, no management policy deletes blobs before the log-retention minimum, or versions
 * and snapshots before the backup-retention minimum; Log Analytics tables keep logs at least the minimum.
 */
export const azureStorageAccountConfigureLifecycleRetention = resourceRule({
  name: "azure-storage-account-configure-lifecycle-retention",
  types: ["azure-native:storage:ManagementPolicy", "azure-native:operationalinsights:Table"],
  scope: "production",
  check: ({ args, props, settings, report }) => {
    if (args.type === "azure-native:operationalinsights:Table") {
      const interactive = num(props.retentionInDays);
      const total = num(props.totalRetentionInDays);
      const kept = Math.max(interactive ?? -1, total ?? -1);
      if (kept !== -1 && kept < settings.minimumLogRetentionDays)
        report(`the table keeps logs ${kept} days, less than the minimum ${settings.minimumLogRetentionDays}`);
      return;
    }
    list(obj(props.policy).rules).forEach((r, i) => {
      const rule = obj(r);
      if (rule.enabled === false) return;
      const actions = obj(obj(rule.definition).actions);
      const check = (what: string, del: unknown, min: number) => {
        for (const key of DAY_KEYS) {
          const days = num(obj(del)[key]);
          if (days !== undefined && days < min)
            report(`rules[${i}] (${str(rule.name) ?? "?"}) deletes ${what} after ${days} days, less than the minimum ${min}`);
        }
      };
      check("blobs", obj(actions.baseBlob).delete, settings.minimumLogRetentionDays);
      check("versions", obj(actions.version).delete, settings.minimumBackupRetentionDays);
      check("snapshots", obj(actions.snapshot).delete, settings.minimumBackupRetentionDays);
    });
  },
});
