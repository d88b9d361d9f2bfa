import { bucketSettings, buckets } from "../../lib/aws";
import { stackRule } from "../../lib/rule";
import { obj, str } from "../../lib/values";

/** Production buckets are versioned. */
export const awsS3BucketEnableVersioning = stackRule({
  name: "aws-s3-bucket-enable-versioning",
  scope: "production",
  check: ({ resources, report }) => {
    for (const bucket of buckets(resources)) {
      const versioning = bucketSettings(resources, bucket, "aws:s3/bucketVersioning:BucketVersioning");
      const enabled = versioning.some((v) => str(obj(v.props.versioningConfiguration).status) === "Enabled");
      if (!enabled) report(bucket, `bucket ${bucket.name} has no BucketVersioning with status "Enabled"`);
    }
  },
});
