import type { PolicyResource } from "@pulumi/policy";
import { bucketKeys, bucketSettings, buckets } from "../../lib/aws";
import { actionMatches, type IamStatement, resourceMatches, strings } from "../../lib/iam";
import { principalsOf } from "../../lib/principals";
import { stackRule } from "../../lib/rule";
import { iamStatements, list, obj, str } from "../../lib/values";

/** S3 actions that a TLS deny must cover, from every kind of access (read, write, list, admin, and one AWS may add). */
const PROBE_ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:DeleteObject", "s3:PutBucketPolicy", "s3:Zz9FutureAction"];

/** The condition value `false` however it is written (`"false"`, `false`, `["false"]`, `"FALSE"`). */
function isFalse(value: unknown): boolean {
  const values = list(value);
  return values.length > 0 && values.every((v) => String(v).trim().toLowerCase() === "false");
}

/**
 * True when the statement denies every request made without TLS to the bucket and its objects,
 * by anyone: a Deny of every S3 action (`s3:*`, `*`, `S3:*`, any glob that covers them; not a
 * `NotAction` that leaves some out) on the bucket and every object, to every principal, under
 * `aws:SecureTransport` = false (`Bool` or `BoolIfExists`, keys compared case-insensitively), with
 * no other condition that narrows it.
 */
export function deniesInsecureTransport(s: IamStatement, bucketArn: string): boolean {
  if ((str(s.Effect) ?? "").toLowerCase() !== "deny") return false;
  if (s.NotAction !== undefined || s.NotResource !== undefined || s.NotPrincipal !== undefined) return false;
  const actions = strings(s.Action);
  if (!PROBE_ACTIONS.every((a) => actions.some((p) => actionMatches(p, a)))) return false;
  const resources = strings(s.Resource);
  for (const arn of [bucketArn, `${bucketArn}/any/object.parquet`]) if (!resources.some((p) => resourceMatches(p, arn))) return false;
  // Everyone: `"*"` or `{ "AWS": "*" }` (a deny to one account leaves every other caller free to use plain HTTP).
  if (!principalsOf(s).some((p) => p.kind === "anyone" && p.value.trim() === "*")) return false;
  const conditions = Object.entries(obj(s.Condition));
  if (conditions.length !== 1) return false;
  const [operator, keys] = conditions[0] as [string, unknown];
  if (!/^bool(ifexists)?$/i.test(operator)) return false;
  const entries = Object.entries(obj(keys));
  return entries.length === 1 && (entries[0]?.[0] ?? "").toLowerCase() === "aws:securetransport" && isFalse(entries[0]?.[1]);
}

/** The policy documents that apply to a bucket: its BucketPolicy resources and the bucket's own inline `policy`. */
function bucketPolicies(resources: readonly PolicyResource[], bucket: PolicyResource): unknown[] {
  const separate: PolicyResource[] = bucketSettings(resources, bucket, "aws:s3/bucketPolicy:BucketPolicy");
  return [...separate.map((p) => p.props.policy), ...(bucket.props.policy !== undefined ? [bucket.props.policy] : [])];
}

/** Every bucket's policy denies requests without TLS. */
export const awsS3BucketEnforceTlsOnly = stackRule({
  name: "aws-s3-bucket-enforce-tls-only",
  check: ({ resources, report }) => {
    for (const bucket of buckets(resources)) {
      const name = str(bucket.props.bucket) ?? [...bucketKeys(bucket)][0] ?? bucket.name;
      const arn = str(bucket.props.arn) ?? `arn:aws:s3:::${name}`;
      const denies = bucketPolicies(resources, bucket).some((doc) =>
        (iamStatements(str(doc) ?? doc) ?? []).some((s) => deniesInsecureTransport(s, arn)),
      );
      if (!denies)
        report(
          bucket,
          `bucket ${bucket.name} has no bucket policy denying, to every principal, every S3 action on the bucket and its objects where aws:SecureTransport is false`,
        );
    }
  },
});
