/**
 * The encrypted bucket every platform bucket is made with: SSE-KMS with bucket keys, versioning,
 * public access blocked, object ownership enforced (no ACLs), a TLS-only and in-region-only bucket
 * policy, server access logging, lifecycle rules, and replication only to allowed regions.
 */

import * as pulumi from "@pulumi/pulumi";
import { AWS_UAE_REGIONS } from "../../contracts/regions";
import { bucketBaselineStatements, policyDocument, type Statement } from "./policy";
import * as aws from "./sdk";
import { ArgsCheck } from "./validate";

/** A replication destination (same-region replication is the only kind the UAE allow-list permits on AWS today). */
export interface ReplicationDestination {
  readonly bucketArn: pulumi.Input<string>;
  /** Region of the destination bucket; must be in `allowedRegions`. */
  readonly region: string;
  /** KMS key of the destination bucket. */
  readonly kmsKeyArn: pulumi.Input<string>;
}

/** Arguments of {@link EncryptedBucket}. */
export interface EncryptedBucketArgs {
  /** Region the bucket lives in (the provider's region); requests through any other region are refused. */
  readonly region: string;
  /**
   * What the bucket holds. `access-logs` is the target of S3 server access logging, which S3 can
   * only deliver into SSE-S3 (AES-256) buckets; every other kind is SSE-KMS with `kmsKeyArn`.
   */
  readonly kind: "data" | "access-logs";
  /** KMS key for SSE-KMS; required unless `kind` is `access-logs`. */
  readonly kmsKeyArn?: pulumi.Input<string>;
  /** Server access logging target (bucket name). Required unless `kind` is `access-logs`. */
  readonly accessLogBucket?: pulumi.Input<string>;
  /** Days before non-current object versions expire. */
  readonly noncurrentVersionDays: number;
  /**
   * Days before current objects expire (logs buckets).
   * @default undefined - current objects never expire.
   */
  readonly expireAfterDays?: number;
  /**
   * Key prefixes whose current objects expire after some days (the served-data capture of the
   * artifacts bucket, kept for the log retention).
   * @default none
   */
  readonly expirePrefixes?: readonly { readonly prefix: string; readonly days: number }[];
  /**
   * Extra bucket-policy statements (service delivery, …), built from the bucket ARN.
   * @default none
   */
  readonly extraStatements?: (bucketArn: pulumi.Output<string>) => pulumi.Input<Statement[]>;
  /**
   * Replication destinations.
   * @default [] - no replication.
   */
  readonly replicateTo?: readonly ReplicationDestination[];
  /** Regions a replication destination may be in (the UAE allow-list). */
  readonly allowedRegions: readonly string[];
  /** Protect the bucket from delete/replace and keep its objects on `pulumi destroy`. */
  readonly protect: boolean;
}

/** One encrypted S3 bucket. */
export class EncryptedBucket extends pulumi.ComponentResource {
  public readonly bucket: aws.s3.Bucket;
  public readonly name: pulumi.Output<string>;
  public readonly arn: pulumi.Output<string>;
  /** Regional domain name (`<bucket>.s3.<region>.amazonaws.com`). */
  public readonly regionalDomainName: pulumi.Output<string>;

  constructor(name: string, args: EncryptedBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    const check = new ArgsCheck("mlops-platform:aws:EncryptedBucket", name)
      .require(
        args.kind === "access-logs" || args.kmsKeyArn !== undefined,
        "kmsKeyArn",
        args.kmsKeyArn,
        "pass the storage KMS key ARN: data buckets are always SSE-KMS",
      )
      .require(
        args.kind === "access-logs" || args.accessLogBucket !== undefined,
        "accessLogBucket",
        args.accessLogBucket,
        "pass the access-log bucket name: every data bucket has server access logging",
      )
      .require(
        Number.isInteger(args.noncurrentVersionDays) && args.noncurrentVersionDays >= 1,
        "noncurrentVersionDays",
        args.noncurrentVersionDays,
        "use a whole number of days, at least 1",
      )
      .require(
        args.expireAfterDays === undefined || (Number.isInteger(args.expireAfterDays) && args.expireAfterDays >= 1),
        "expireAfterDays",
        args.expireAfterDays,
        "use a whole number of days, at least 1, or leave it unset to keep objects",
      )
      .require(
        args.allowedRegions.includes(args.region),
        "region",
        args.region,
        `use one of the allowed regions ${args.allowedRegions.join(", ")}`,
      );
    // The allow-list a caller passes may only narrow the UAE's, never widen it.
    args.allowedRegions.forEach((r, i) => {
      check.require(
        (AWS_UAE_REGIONS as readonly string[]).includes(r),
        `allowedRegions[${i}]`,
        r,
        `list only UAE regions (${AWS_UAE_REGIONS.join(", ")}): data must not leave the UAE`,
      );
    });
    (args.replicateTo ?? []).forEach((d, i) => {
      check.require(
        args.allowedRegions.includes(d.region),
        `replicateTo[${i}].region`,
        d.region,
        `replicate only inside the allow-list (${args.allowedRegions.join(", ")}): data must not leave the UAE`,
      );
    });
    check.done();
    super("mlops-platform:aws:EncryptedBucket", name, {}, opts);

    const stateful = { parent: this, protect: args.protect, retainOnDelete: args.protect };
    const bucket = new aws.s3.Bucket(
      `${name}`,
      { forceDestroy: !args.protect, objectLockEnabled: false, tags: { "mlops-platform:bucket": name } },
      stateful,
    );
    new aws.s3.BucketOwnershipControls(
      `${name}-ownership`,
      { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
      { parent: this },
    );
    const pab = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access`,
      { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      { parent: this },
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket: bucket.id,
        rules: [
          args.kind === "access-logs"
            ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }
            : { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn }, bucketKeyEnabled: true },
        ],
      },
      { parent: this },
    );
    const versioning = new aws.s3.BucketVersioning(
      `${name}-versioning`,
      { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
      { parent: this, protect: args.protect, retainOnDelete: args.protect },
    );
    if (args.accessLogBucket !== undefined) {
      new aws.s3.BucketLogging(
        `${name}-logging`,
        { bucket: bucket.id, targetBucket: args.accessLogBucket, targetPrefix: `s3/${name}/` },
        { parent: this },
      );
    }
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      {
        bucket: bucket.id,
        rules: [
          {
            id: "expire-noncurrent-versions",
            status: "Enabled",
            filter: {},
            noncurrentVersionExpiration: { noncurrentDays: args.noncurrentVersionDays },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
          },
          ...(args.expireAfterDays !== undefined
            ? [{ id: "expire-current-objects", status: "Enabled", filter: {}, expiration: { days: args.expireAfterDays } }]
            : []),
          ...(args.expirePrefixes ?? []).map((e) => ({
            id: `expire-${e.prefix.replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "")}`,
            status: "Enabled",
            filter: { prefix: e.prefix },
            expiration: { days: e.days },
          })),
        ],
      },
      { parent: this, dependsOn: [versioning] },
    );

    const extra = args.extraStatements ? pulumi.output(args.extraStatements(bucket.arn)) : pulumi.output([] as Statement[]);
    new aws.s3.BucketPolicy(
      `${name}-policy`,
      {
        bucket: bucket.id,
        policy: pulumi
          .all([bucket.arn, extra])
          .apply(([arn, more]) =>
            JSON.stringify(policyDocument([...bucketBaselineStatements(arn, args.region), ...(more as Statement[])])),
          ),
      },
      { parent: this, dependsOn: [pab] },
    );

    const destinations = args.replicateTo ?? [];
    if (destinations.length > 0) {
      const role = new aws.iam.Role(
        `${name}-replication`,
        {
          assumeRolePolicy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }],
          }),
        },
        { parent: this },
      );
      new aws.iam.RolePolicy(
        `${name}-replication`,
        {
          role: role.id,
          policy: pulumi.jsonStringify({
            Version: "2012-10-17",
            Statement: [
              { Effect: "Allow", Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"], Resource: bucket.arn },
              {
                Effect: "Allow",
                Action: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
                Resource: pulumi.interpolate`${bucket.arn}/*`,
              },
              {
                Effect: "Allow",
                Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
                Resource: destinations.map((d) => pulumi.interpolate`${d.bucketArn}/*`),
              },
              { Effect: "Allow", Action: ["kms:Decrypt"], Resource: args.kmsKeyArn ?? [] },
              { Effect: "Allow", Action: ["kms:Encrypt", "kms:GenerateDataKey"], Resource: destinations.map((d) => d.kmsKeyArn) },
            ],
          }),
        },
        { parent: this },
      );
      new aws.s3.BucketReplicationConfig(
        `${name}-replication`,
        {
          bucket: bucket.id,
          role: role.arn,
          rules: destinations.map((d, i) => ({
            id: `replica-${i}`,
            status: "Enabled",
            priority: i,
            filter: {},
            deleteMarkerReplication: { status: "Disabled" },
            sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
            destination: { bucket: d.bucketArn, encryptionConfiguration: { replicaKmsKeyId: d.kmsKeyArn } },
          })),
        },
        { parent: this, dependsOn: [versioning] },
      );
    }

    this.bucket = bucket;
    this.name = bucket.bucket;
    this.arn = bucket.arn;
    this.regionalDomainName = bucket.bucketRegionalDomainName;
    this.registerOutputs({ name: this.name, arn: this.arn, regionalDomainName: this.regionalDomainName });
  }
}
