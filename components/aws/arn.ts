/**
 * ARN builders and the `s3://bucket/prefix` parser. Pure functions, tested without mocks; the
 * components call them inside `pulumi.all(...).apply(...)` so that policies name exact ARNs.
 */

/** Builds `arn:<partition>:<service>:<region>:<account>:<resource>`. */
export function arn(partition: string, service: string, region: string, account: string, resource: string): string {
  return `arn:${partition}:${service}:${region}:${account}:${resource}`;
}

/** ARN of an S3 bucket (S3 bucket ARNs carry neither region nor account). */
export function s3BucketArn(partition: string, bucket: string): string {
  return `arn:${partition}:s3:::${bucket}`;
}

/** ARN pattern of the objects under `prefix` (empty prefix: every object) in a bucket. */
export function s3ObjectsArn(bucketArn: string, prefix: string): string {
  return `${bucketArn}/${prefix}*`;
}

/** An S3 location split into bucket and key prefix. */
export interface S3Location {
  readonly bucket: string;
  /** Key prefix without leading slash; empty for the whole bucket; ends with `/` when not empty. */
  readonly prefix: string;
}

/**
 * Parses `s3://bucket[/prefix]`. Returns undefined when the text is not an S3 URI with a valid
 * bucket name. A prefix that does not end with `/` gets one, so a grant on `curated` cannot
 * reach `curated-private/`.
 */
export function parseS3Uri(uri: string): S3Location | undefined {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(\/(.*))?$/.exec(uri);
  if (!m) return undefined;
  const bucket = m[1] as string;
  if (bucket.includes("..") || /^\d+\.\d+\.\d+\.\d+$/.test(bucket)) return undefined;
  let prefix = (m[3] ?? "").replace(/^\/+/, "");
  if (prefix.includes("*") || prefix.includes("?")) return undefined;
  if (prefix !== "" && !prefix.endsWith("/")) prefix = `${prefix}/`;
  return { bucket, prefix };
}

/** The `system:serviceaccount:<ns>:<sa>` subject of a Kubernetes service-account token. */
export function serviceAccountSubject(namespace: string, serviceAccount: string): string {
  return `system:serviceaccount:${namespace}:${serviceAccount}`;
}

/** The issuer host+path used as IRSA condition key prefix (`oidc.eks.<region>.amazonaws.com/id/<ID>`). */
export function issuerHostPath(issuerUrl: string): string {
  return issuerUrl.replace(/^https:\/\//, "");
}
