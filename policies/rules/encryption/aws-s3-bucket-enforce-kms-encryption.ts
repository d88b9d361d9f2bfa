import type { PolicyResource } from "@pulumi/policy";
import { bucketKeys, bucketSettings, buckets } from "../../lib/aws";
import { awsKeyClassOf, describeKeyClass } from "../../lib/keys";
import { stackRule } from "../../lib/rule";
import { list, obj, read, str } from "../../lib/values";

const SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
const SSE_V2 = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2";
/** The platform's bucket component: it creates SSE-S3 only for a bucket it makes as an access-log target. */
const PLATFORM_BUCKET = "mlops-platform:aws:EncryptedBucket";

/**
 * True when SSE-S3 (AES256) is acceptable for `bucket`: S3 server access logging only delivers to
 * SSE-S3 buckets (AWS limitation), so the platform's own access-log bucket uses it. That follows
 * from the platform's component (the bucket and its encryption configuration are children of an
 * EncryptedBucket, which only allows AES256 for `kind: "access-logs"`) and the bucket is a logging
 * target; or the bucket is named in an exemption of this rule. Adding a BucketLogging that targets
 * some other bucket unlocks nothing.
 */
function sseS3Allowed(
  bucket: PolicyResource,
  config: PolicyResource,
  logTargets: ReadonlySet<string>,
  exempt: (name: string) => boolean,
): boolean {
  if (exempt(bucket.name)) return true;
  const parent = bucket.parent;
  if (!parent || parent.type !== PLATFORM_BUCKET || config.parent?.urn !== parent.urn) return false;
  return [...bucketKeys(bucket)].some((k) => logTargets.has(k));
}

/** Every bucket has SSE-KMS with a customer-managed key (the platform's access-log bucket excepted, see above). */
export const awsS3BucketEnforceKmsEncryption = stackRule({
  name: "aws-s3-bucket-enforce-kms-encryption",
  check: ({ resources, settings, report }) => {
    const logTargets = new Set<string>();
    for (const r of resources) {
      if (r.type !== "aws:s3/bucketLogging:BucketLogging" && r.type !== "aws:s3/bucketLoggingV2:BucketLoggingV2") continue;
      const target = read(() => str(r.props.targetBucket));
      if (target.known && target.value) logTargets.add(target.value);
    }
    const exempt = (name: string) => settings.exemptions.some((e) => e.resource === name);
    for (const bucket of buckets(resources)) {
      const configs = [...bucketSettings(resources, bucket, SSE), ...bucketSettings(resources, bucket, SSE_V2)];
      // The bucket's own (deprecated) inline configuration counts as one more configuration.
      const inline = obj(bucket.props.serverSideEncryptionConfiguration);
      const sources: { r: PolicyResource; rules: unknown[]; where: string }[] = configs.map((c) => ({
        r: c,
        rules: list(c.props.rules),
        where: "",
      }));
      if (Object.keys(inline).length)
        sources.push({ r: bucket, rules: list(inline.rule ?? inline.rules), where: "serverSideEncryptionConfiguration " });
      if (sources.length === 0) {
        report(bucket, `bucket ${bucket.name} has no BucketServerSideEncryptionConfiguration with a customer-managed KMS key`);
        continue;
      }
      for (const { r, rules, where } of sources) {
        if (rules.length === 0) report(r, `the ${where}encryption configuration has no rule`);
        rules.forEach((rule, i) => {
          const d = obj(obj(rule).applyServerSideEncryptionByDefault);
          const algorithm = str(d.sseAlgorithm);
          if (algorithm === "AES256" && sseS3Allowed(bucket, r, logTargets, exempt)) return;
          if (algorithm !== "aws:kms" && algorithm !== "aws:kms:dsse") {
            const hint =
              algorithm === "AES256" ? " (SSE-S3 is accepted only for the platform's access-log bucket or a named exemption)" : "";
            report(r, `${where}rules[${i}] uses sseAlgorithm "${algorithm ?? "(unset)"}"; use aws:kms with a customer-managed key${hint}`);
            return;
          }
          const key = awsKeyClassOf(() => d.kmsMasterKeyId);
          if (key !== "customer-managed")
            report(r, `${where}rules[${i}]: ${describeKeyClass(key, "kmsMasterKeyId")} (none means the AWS-managed aws/s3 key)`);
        });
      }
    }
  },
});
