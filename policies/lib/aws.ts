/** Readers shared by the AWS rules that relate several resources (buckets and their settings). */
import type { PolicyResource } from "@pulumi/policy";
import { read, str } from "./values";

/** Pulumi types of the S3 bucket resources (7.x `Bucket`, and the deprecated `BucketV2`). */
export const S3_BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"] as const;

/** The known names a bucket is referred to by in other resources: its bucket name, id and ARN. */
export function bucketKeys(bucket: PolicyResource): Set<string> {
  const keys = new Set<string>();
  for (const k of ["bucket", "id", "arn"]) {
    const v = read(() => str(bucket.props[k]));
    if (v.known && v.value) keys.add(v.value);
  }
  return keys;
}

/** The S3 buckets of a stack. */
export function buckets(resources: readonly PolicyResource[]): PolicyResource[] {
  return resources.filter((r) => (S3_BUCKET_TYPES as readonly string[]).includes(r.type));
}

/**
 * Resources of `type` that configure `bucket`: their `bucket` property names it, or (when that
 * property is unknown during a preview) the `bucket` property depends on it.
 */
export function bucketSettings(resources: readonly PolicyResource[], bucket: PolicyResource, type: string): PolicyResource[] {
  const keys = bucketKeys(bucket);
  return resources.filter((r) => {
    if (r.type !== type) return false;
    const ref = read(() => str(r.props.bucket));
    if (ref.known) return ref.value !== undefined && keys.has(ref.value);
    const deps = r.propertyDependencies.bucket ?? r.dependencies;
    return deps.some((d) => d.urn === bucket.urn);
  });
}
