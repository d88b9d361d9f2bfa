import { bucketSettings, buckets } from "../../lib/aws";
import { stackRule } from "../../lib/rule";
import { isTrue, obj, read, str } from "../../lib/values";

const VERSIONING_TYPES = ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"];

/**
 * Production buckets are versioned: at least one versioning resource says "Enabled", and none says
 * otherwise (a second, Suspended one would win or race), nor does the bucket's inline `versioning`.
 */
export const awsS3BucketEnableVersioning = stackRule({
  name: "aws-s3-bucket-enable-versioning",
  scope: "production",
  check: ({ resources, report }) => {
    for (const bucket of buckets(resources)) {
      const versioning = VERSIONING_TYPES.flatMap((t) => bucketSettings(resources, bucket, t));
      const enabled = versioning.some((v) => str(obj(v.props.versioningConfiguration).status) === "Enabled");
      if (!enabled) report(bucket, `bucket ${bucket.name} has no BucketVersioning with status "Enabled"`);
      for (const v of versioning) {
        const status = read(() => str(obj(v.props.versioningConfiguration).status));
        if (status.known && status.value !== "Enabled")
          report(
            v,
            `versioning of bucket ${bucket.name} is "${status.value ?? "(unset)"}": every versioning resource of a bucket says "Enabled"`,
          );
      }
      const inline = read(() => obj(bucket.props.versioning).enabled);
      if (enabled && inline.known && inline.value !== undefined && !isTrue(inline.value))
        report(bucket, `bucket ${bucket.name} has inline versioning.enabled false, which conflicts with its BucketVersioning`);
    }
  },
});
