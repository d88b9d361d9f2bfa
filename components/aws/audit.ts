/**
 * CloudTrail for the account with log-file validation, delivered into an encrypted, versioned,
 * in-region bucket and a KMS-encrypted CloudWatch log group, both kept for the profile's audit
 * retention.
 */

import * as pulumi from "@pulumi/pulumi";
import { arn } from "./arn";
import { EncryptedBucket } from "./bucket";
import { LOG_RETENTION_DAYS } from "./network";
import { cloudTrailDeliveryStatements, serviceTrustPolicy } from "./policy";
import * as aws from "./sdk";
import { ArgsCheck } from "./validate";

/** Arguments of {@link Audit}. */
export interface AuditArgs {
  /** Trail name. */
  readonly trailName: string;
  readonly accountId: pulumi.Input<string>;
  readonly partition: pulumi.Input<string>;
  readonly region: string;
  readonly allowedRegions: readonly string[];
  /** KMS key of the trail's files, bucket and log group. */
  readonly logsKeyArn: pulumi.Input<string>;
  /** Server access logging target of the trail bucket. */
  readonly accessLogBucket: pulumi.Input<string>;
  /** Days audit records are kept (bucket expiry and CloudWatch retention). */
  readonly auditLogDays: number;
  readonly noncurrentVersionDays: number;
  readonly protect: boolean;
}

/** The account's audit trail. */
export class Audit extends pulumi.ComponentResource {
  public readonly trailArn: pulumi.Output<string>;
  public readonly bucketName: pulumi.Output<string>;
  public readonly logGroupName: pulumi.Output<string>;

  constructor(name: string, args: AuditArgs, opts?: pulumi.ComponentResourceOptions) {
    new ArgsCheck("mlops-platform:aws:Audit", name)
      .require(
        /^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$/.test(args.trailName),
        "trailName",
        args.trailName,
        "use 3-128 letters, digits, '.', '_' or '-'",
      )
      .require(
        Number.isInteger(args.auditLogDays) && args.auditLogDays >= 90,
        "auditLogDays",
        args.auditLogDays,
        "keep audit records at least 90 days",
      )
      .require(
        LOG_RETENTION_DAYS.includes(args.auditLogDays),
        "auditLogDays",
        args.auditLogDays,
        "use a CloudWatch Logs retention value (see logRetention())",
      )
      .done();
    super("mlops-platform:aws:Audit", name, {}, opts);

    const trailArn = pulumi
      .all([args.partition, args.accountId])
      .apply(([partition, account]) => arn(partition, "cloudtrail", args.region, account, `trail/${args.trailName}`));
    const bucket = new EncryptedBucket(
      `${name}-trail`,
      {
        region: args.region,
        allowedRegions: args.allowedRegions,
        kind: "data",
        kmsKeyArn: args.logsKeyArn,
        accessLogBucket: args.accessLogBucket,
        noncurrentVersionDays: args.noncurrentVersionDays,
        expireAfterDays: args.auditLogDays,
        protect: args.protect,
        extraStatements: (bucketArn) =>
          pulumi.all([bucketArn, args.accountId, trailArn]).apply(([b, account, t]) => cloudTrailDeliveryStatements(b, account, t)),
      },
      { parent: this },
    );
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-trail-logs`,
      { name: `/mlops-platform/${args.trailName}/cloudtrail`, retentionInDays: args.auditLogDays, kmsKeyId: args.logsKeyArn },
      { parent: this, protect: args.protect, retainOnDelete: args.protect },
    );
    const role = new aws.iam.Role(
      `${name}-trail-logs`,
      {
        assumeRolePolicy: pulumi
          .output(args.accountId)
          .apply((account) => JSON.stringify(serviceTrustPolicy("cloudtrail.amazonaws.com", account))),
        description: "CloudTrail delivery into CloudWatch Logs",
      },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-trail-logs`,
      {
        role: role.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
              Resource: pulumi.interpolate`${logGroup.arn}:log-stream:*`,
            },
          ],
        }),
      },
      { parent: this },
    );
    const trail = new aws.cloudtrail.Trail(
      `${name}-trail`,
      {
        name: args.trailName,
        s3BucketName: bucket.name,
        kmsKeyId: args.logsKeyArn,
        enableLogFileValidation: true,
        enableLogging: true,
        // Records API activity of every region (so activity outside the UAE is visible); the records stay in this region.
        isMultiRegionTrail: true,
        includeGlobalServiceEvents: true,
        cloudWatchLogsGroupArn: pulumi.interpolate`${logGroup.arn}:*`,
        cloudWatchLogsRoleArn: role.arn,
      },
      { parent: this, dependsOn: [bucket], protect: args.protect, retainOnDelete: args.protect },
    );
    this.trailArn = trail.arn;
    this.bucketName = bucket.name;
    this.logGroupName = logGroup.name;
    this.registerOutputs({ trailArn: this.trailArn, bucketName: this.bucketName, logGroupName: this.logGroupName });
  }
}
