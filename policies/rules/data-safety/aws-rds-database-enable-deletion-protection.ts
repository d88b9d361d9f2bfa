import { resourceRule } from "../../lib/rule";
import { isTrue, num } from "../../lib/values";

/** Production databases are protected and backed up. */
export const awsRdsDatabaseEnableDeletionProtection = resourceRule({
  name: "aws-rds-database-enable-deletion-protection",
  types: ["aws:rds/instance:Instance", "aws:rds/cluster:Cluster"],
  scope: "production",
  check: ({ props, settings, report }) => {
    if (!isTrue(props.deletionProtection)) report("deletion protection is off (deletionProtection: true)");
    if (isTrue(props.skipFinalSnapshot)) report("no final snapshot is taken on delete (skipFinalSnapshot: false)");
    const days = num(props.backupRetentionPeriod) ?? 0;
    if (days < settings.minimumBackupRetentionDays)
      report(`backups are kept ${days} days, less than the minimum ${settings.minimumBackupRetentionDays}`);
  },
});
