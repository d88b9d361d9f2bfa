import { resourceRule } from "../../lib/rule";
import { num, obj } from "../../lib/values";

/** Production PostgreSQL keeps backups at least the minimum. */
export const azurePostgresqlServerEnforceBackupRetention = resourceRule({
  name: "azure-postgresql-server-enforce-backup-retention",
  types: ["azure-native:dbforpostgresql:Server"],
  scope: "production",
  check: ({ props, settings, report }) => {
    const days = num(obj(props.backup).backupRetentionDays) ?? 7;
    if (days < settings.minimumBackupRetentionDays)
      report(`backups are kept ${days} days, less than the minimum ${settings.minimumBackupRetentionDays}`);
  },
});
