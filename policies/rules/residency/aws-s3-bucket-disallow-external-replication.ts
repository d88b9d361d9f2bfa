import { bucketKeys, buckets } from "../../lib/aws";
import { stackRule } from "../../lib/rule";
import { list, obj, read, str } from "../../lib/values";

/** S3 replication only targets buckets declared in the same stack. */
export const awsS3BucketDisallowExternalReplication = stackRule({
  name: "aws-s3-bucket-disallow-external-replication",
  check: ({ resources, report }) => {
    const known = new Set<string>();
    for (const b of buckets(resources)) {
      for (const k of bucketKeys(b)) known.add(k);
    }
    for (const r of resources) {
      if (r.type !== "aws:s3/bucketReplicationConfig:BucketReplicationConfig") continue;
      list(r.props.rules).forEach((rule, i) => {
        const dest = read(() => str(obj(obj(rule).destination).bucket));
        if (!dest.known)
          report(
            r,
            `rules[${i}].destination.bucket is unknown during preview: the destination cannot be verified, so it is not assumed to be in the UAE`,
          );
        else if (!dest.value || !known.has(dest.value))
          report(
            r,
            `rules[${i}] replicates to "${dest.value ?? "(unset)"}", which is not a bucket of this stack (its region cannot be verified)`,
          );
      });
    }
  },
});
