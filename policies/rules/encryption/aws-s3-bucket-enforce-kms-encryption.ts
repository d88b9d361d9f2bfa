import { bucketKeys, bucketSettings, buckets } from "../../lib/aws";
import { stackRule } from "../../lib/rule";
import { list, obj, present, read, str } from "../../lib/values";

const SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";

/** Every bucket has SSE-KMS with a customer-managed key. */
export const awsS3BucketEnforceKmsEncryption = stackRule({
  name: "aws-s3-bucket-enforce-kms-encryption",
  check: ({ resources, report }) => {
    // S3 server access logging only delivers to buckets encrypted with SSE-S3 (AWS limitation),
    // so a bucket that is the target of a BucketLogging may use AES256 instead of SSE-KMS.
    const logTargets = new Set<string>();
    for (const r of resources) {
      if (r.type !== "aws:s3/bucketLogging:BucketLogging") continue;
      const target = read(() => str(r.props.targetBucket));
      if (target.known && target.value) logTargets.add(target.value);
    }
    for (const bucket of buckets(resources)) {
      const isLogTarget = [...bucketKeys(bucket)].some((k) => logTargets.has(k));
      const configs = bucketSettings(resources, bucket, SSE);
      if (configs.length === 0) {
        report(bucket, `bucket ${bucket.name} has no BucketServerSideEncryptionConfiguration with a customer-managed KMS key`);
        continue;
      }
      for (const cfg of configs) {
        const rules = list(cfg.props.rules);
        if (rules.length === 0) report(cfg, "the encryption configuration has no rule");
        rules.forEach((rule, i) => {
          const d = obj(obj(rule).applyServerSideEncryptionByDefault);
          const algorithm = str(d.sseAlgorithm);
          if (isLogTarget && algorithm === "AES256") return;
          if (algorithm !== "aws:kms" && algorithm !== "aws:kms:dsse")
            report(cfg, `rules[${i}] uses sseAlgorithm "${algorithm ?? "(unset)"}"; use aws:kms with a customer-managed key`);
          else if (!present(() => d.kmsMasterKeyId))
            report(cfg, `rules[${i}] uses the AWS-managed aws/s3 key; set kmsMasterKeyId to a customer-managed key`);
        });
      }
    }
  },
});
