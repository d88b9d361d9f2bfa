import { bucketSettings, buckets } from "../../lib/aws";
import { iamStatements, isAllow } from "../../lib/iam";
import { narrowedAccounts, principalsOf } from "../../lib/principals";
import { stackRule } from "../../lib/rule";
import { isTrue, list, obj, str } from "../../lib/values";

const PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const ACL_TYPES = ["aws:s3/bucketAclV2:BucketAclV2", "aws:s3/bucketAcl:BucketAcl"];
const SETTINGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];
/** Canned ACLs that open a bucket to everyone or to every AWS account. */
const PUBLIC_ACLS = ["public-read", "public-read-write", "authenticated-read"];
/** Grantee groups that are everyone / every AWS account. */
const PUBLIC_GROUPS = /acs\.amazonaws\.com\/groups\/global\/(AllUsers|AuthenticatedUsers)/i;

function publicGrants(grants: unknown): string[] {
  return list(grants)
    .map((g) => obj(obj(g).grantee).uri ?? obj(g).uri)
    .map((u) => str(u) ?? "")
    .filter((u) => PUBLIC_GROUPS.test(u));
}

/** Every bucket blocks public access; no bucket policy, inline policy, ACL or grant opens it to anyone. */
export const awsS3BucketDisallowPublicAccess = stackRule({
  name: "aws-s3-bucket-disallow-public-access",
  check: ({ resources, report }) => {
    for (const bucket of buckets(resources)) {
      const blocks = bucketSettings(resources, bucket, PAB);
      if (blocks.length === 0) report(bucket, `bucket ${bucket.name} has no BucketPublicAccessBlock`);
      for (const b of blocks) {
        const off = SETTINGS.filter((s) => !isTrue(b.props[s]));
        if (off.length) report(b, `the public access block leaves ${off.join(", ")} off`);
      }
      const policies = [
        ...bucketSettings(resources, bucket, "aws:s3/bucketPolicy:BucketPolicy").map((p) => ({ r: p, doc: p.props.policy, where: "" })),
        ...(bucket.props.policy ? [{ r: bucket, doc: bucket.props.policy, where: "inline policy " }] : []),
      ];
      for (const { r, doc, where } of policies) {
        const statements = iamStatements(doc);
        if (!statements) {
          report(r, `the ${where}bucket policy is not a valid JSON policy document`);
          continue;
        }
        statements.forEach((s, i) => {
          if (!isAllow(s)) return;
          const anyone = principalsOf(s).find((p) => p.kind === "anyone");
          if (anyone && narrowedAccounts(s.Condition) === undefined)
            report(
              r,
              `${where}Statement[${i}] allows an anonymous principal (${anyone.value}) with no condition narrowing it to an account`,
            );
        });
      }
      const acl = str(bucket.props.acl)?.toLowerCase();
      if (acl && PUBLIC_ACLS.includes(acl)) report(bucket, `bucket ${bucket.name} has the canned ACL "${acl}"`);
      const inlineGrants = publicGrants(bucket.props.grants);
      if (inlineGrants.length) report(bucket, `bucket ${bucket.name} grants access to ${inlineGrants.join(", ")}`);
      for (const a of ACL_TYPES.flatMap((t) => bucketSettings(resources, bucket, t))) {
        const canned = str(a.props.acl)?.toLowerCase();
        if (canned && PUBLIC_ACLS.includes(canned)) report(a, `the bucket ACL is the canned ACL "${canned}"`);
        const grants = publicGrants(obj(a.props.accessControlPolicy).grants);
        if (grants.length) report(a, `the bucket ACL grants access to ${grants.join(", ")}`);
      }
    }
  },
});
