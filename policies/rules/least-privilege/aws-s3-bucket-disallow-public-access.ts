import { bucketSettings, buckets } from "../../lib/aws";
import { stackRule } from "../../lib/rule";
import { iamStatements, isTrue, list, obj, str } from "../../lib/values";

const PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const SETTINGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];

function anonymous(principal: unknown): boolean {
  if (principal === "*") return true;
  return list(obj(principal).AWS).map(String).includes("*");
}

/** Every bucket blocks public access and no bucket policy allows anonymous principals. */
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
      for (const p of bucketSettings(resources, bucket, "aws:s3/bucketPolicy:BucketPolicy")) {
        (iamStatements(str(p.props.policy) ?? p.props.policy) ?? []).forEach((s, i) => {
          if (s.Effect === "Allow" && anonymous(s.Principal) && !s.Condition)
            report(p, `Statement[${i}] allows an anonymous principal ("*") without condition`);
        });
      }
      const acl = str(bucket.props.acl);
      if (acl?.startsWith("public")) report(bucket, `bucket ${bucket.name} has the canned ACL "${acl}"`);
    }
  },
});
