import type { PolicyResource } from "@pulumi/policy";
import { bucketSettings, buckets } from "../../lib/aws";
import { stackRule } from "../../lib/rule";
import { iamStatements, list, obj, str } from "../../lib/values";

/** True when the statement denies every non-TLS request. */
function deniesInsecureTransport(s: { Effect?: string; Action?: unknown; Condition?: unknown; Principal?: unknown }): boolean {
  if (s.Effect !== "Deny") return false;
  const actions = list(s.Action).map(String);
  if (!actions.some((a) => a === "s3:*" || a === "*")) return false;
  const cond = obj(obj(s.Condition).Bool);
  const value = cond["aws:SecureTransport"];
  return list(value).map(String).includes("false");
}

/** Every bucket's policy denies requests without TLS. */
export const awsS3BucketEnforceTlsOnly = stackRule({
  name: "aws-s3-bucket-enforce-tls-only",
  check: ({ resources, report }) => {
    for (const bucket of buckets(resources)) {
      const policies: PolicyResource[] = bucketSettings(resources, bucket, "aws:s3/bucketPolicy:BucketPolicy");
      const denies = policies.some((p) => (iamStatements(str(p.props.policy) ?? p.props.policy) ?? []).some(deniesInsecureTransport));
      if (!denies) report(bucket, `bucket ${bucket.name} has no bucket policy denying requests where aws:SecureTransport is false`);
    }
  },
});
