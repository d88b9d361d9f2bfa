import { resourceRule } from "../../lib/rule";
import { list, num, obj, str } from "../../lib/values";

/**
 * In production, no lifecycle rule deletes current objects before the log-retention minimum, or
 * noncurrent versions before the backup-retention minimum (versioning is the backup of a bucket).
 */
export const awsS3BucketConfigureLifecycleRetention = resourceRule({
  name: "aws-s3-bucket-configure-lifecycle-retention",
  types: [
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
    "aws:s3/bucket:Bucket",
  ],
  scope: "production",
  check: ({ args, props, settings, report }) => {
    const rules = args.type === "aws:s3/bucket:Bucket" ? list(props.lifecycleRules) : list(props.rules);
    rules.forEach((r, i) => {
      const rule = obj(r);
      const status = str(rule.status);
      if ((status !== undefined && status !== "Enabled") || rule.enabled === false) return;
      for (const exp of list(rule.expiration).map(obj)) {
        if (str(exp.date)) report(`rules[${i}] deletes current objects on a fixed date (${str(exp.date)})`);
        const days = num(exp.days);
        if (days !== undefined && days < settings.minimumLogRetentionDays)
          report(`rules[${i}] deletes current objects after ${days} days, less than the minimum ${settings.minimumLogRetentionDays}`);
      }
      for (const nv of list(rule.noncurrentVersionExpiration).map(obj)) {
        const days = num(nv.noncurrentDays) ?? num(nv.days);
        if (days !== undefined && days < settings.minimumBackupRetentionDays)
          report(
            `rules[${i}] deletes noncurrent versions after ${days} days, less than the minimum ${settings.minimumBackupRetentionDays}`,
          );
      }
    });
  },
});
