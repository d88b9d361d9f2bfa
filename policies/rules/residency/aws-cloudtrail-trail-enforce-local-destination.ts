import { bucketKeys, buckets } from "../../lib/aws";
import { isCustomerManagedAwsKey } from "../../lib/keys";
import { stackRule } from "../../lib/rule";
import { arnRegion, isTrue, read, str } from "../../lib/values";

/** CloudTrail delivers to a bucket of this stack, encrypted with a CMK, with log file validation. */
export const awsCloudtrailTrailEnforceLocalDestination = stackRule({
  name: "aws-cloudtrail-trail-enforce-local-destination",
  check: ({ resources, settings, report }) => {
    const known = new Set<string>();
    for (const b of buckets(resources)) {
      for (const k of bucketKeys(b)) known.add(k);
    }
    for (const r of resources) {
      if (r.type !== "aws:cloudtrail/trail:Trail") continue;
      const bucket = read(() => str(r.props.s3BucketName));
      if (!bucket.known)
        report(r, "s3BucketName is unknown during preview: the destination cannot be verified, so it is not assumed to be in the UAE");
      else if (!bucket.value || !known.has(bucket.value))
        report(r, `the trail delivers to "${bucket.value ?? "(unset)"}", which is not a bucket of this stack`);
      const group = read(() => str(r.props.cloudWatchLogsGroupArn));
      if (!group.known) report(r, "cloudWatchLogsGroupArn is unknown during preview: not assumed to be in the UAE");
      else if (group.value) {
        const region = arnRegion(group.value);
        if (!region || !settings.allowedAwsRegions.includes(region))
          report(r, `cloudWatchLogsGroupArn is in region "${region}", outside ${settings.allowedAwsRegions.join(", ")}`);
      }
      if (!isCustomerManagedAwsKey(() => r.props.kmsKeyId))
        report(r, "the trail is not encrypted with a customer-managed KMS key (kmsKeyId)");
      if (!isTrue(r.props.enableLogFileValidation)) report(r, "log file validation is off (enableLogFileValidation)");
    }
  },
});
