import type { PolicyResource } from "@pulumi/policy";
import { bucketKeys, buckets, S3_BUCKET_TYPES } from "../../lib/aws";
import { valuesAt } from "../../lib/paths";
import { stackRule } from "../../lib/rule";
import { read, str } from "../../lib/values";

/**
 * Where a resource writes data into an S3 bucket. A bucket name or `arn:aws:s3:::` ARN carries no
 * region, so the only way to know the data stays in the UAE is that the bucket is one of this
 * stack's (declared through a UAE provider, which the region rules check).
 * - `paths`: dotted paths; `[]` walks a list (a single object counts as a list of one), `**` finds
 *   the key at any depth.
 * - `s3Only`: the field always names a bucket. Otherwise (flow logs, query logs, WAF logs) it may
 *   name another service's ARN, and only S3 ARNs are judged here (the region rules judge the others).
 */
interface Destination {
  readonly paths: readonly string[];
  readonly s3Only: boolean;
}

export const AWS_S3_DESTINATIONS: Readonly<Record<string, Destination>> = {
  "aws:s3/bucket:Bucket": {
    paths: ["logging.targetBucket", "loggings[].targetBucket", "replicationConfiguration.rules[].destination.bucket"],
    s3Only: true,
  },
  "aws:s3/bucketV2:BucketV2": {
    paths: ["loggings[].targetBucket", "replicationConfigurations[].rules[].destinations[].bucket"],
    s3Only: true,
  },
  "aws:s3/bucketLogging:BucketLogging": { paths: ["targetBucket"], s3Only: true },
  "aws:s3/bucketLoggingV2:BucketLoggingV2": { paths: ["targetBucket"], s3Only: true },
  "aws:s3/inventory:Inventory": { paths: ["destination.bucket.bucketArn"], s3Only: true },
  "aws:s3/analyticsConfiguration:AnalyticsConfiguration": { paths: ["**.bucketArn"], s3Only: true },
  "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": { paths: ["**.bucketArn"], s3Only: true },
  "aws:lb/loadBalancer:LoadBalancer": { paths: ["accessLogs.bucket", "connectionLogs.bucket"], s3Only: true },
  "aws:alb/loadBalancer:LoadBalancer": { paths: ["accessLogs.bucket", "connectionLogs.bucket"], s3Only: true },
  "aws:elb/loadBalancer:LoadBalancer": { paths: ["accessLogs.bucket"], s3Only: true },
  "aws:msk/cluster:Cluster": { paths: ["loggingInfo.brokerLogs.s3.bucket"], s3Only: true },
  "aws:athena/workgroup:Workgroup": { paths: ["configuration.resultConfiguration.outputLocation"], s3Only: true },
  "aws:redshift/logging:Logging": { paths: ["bucketName"], s3Only: true },
  "aws:cur/reportDefinition:ReportDefinition": { paths: ["s3Bucket"], s3Only: true },
  "aws:networkfirewall/loggingConfiguration:LoggingConfiguration": {
    paths: ["loggingConfiguration.logDestinationConfigs[].logDestination.bucketName"],
    s3Only: true,
  },
  "aws:ec2/flowLog:FlowLog": { paths: ["logDestination"], s3Only: false },
  "aws:route53/resolverQueryLogConfig:ResolverQueryLogConfig": { paths: ["destinationArn"], s3Only: false },
  "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": { paths: ["logDestinationConfigs[]"], s3Only: false },
};

const S3_ARN = /^arn:aws[a-z-]*:s3:::/i;

/** The bucket name in a bucket name, S3 ARN or `s3://` URL; undefined for anything else. */
export function s3BucketName(value: string, s3Only: boolean): string | undefined {
  const v = value.trim();
  if (S3_ARN.test(v)) return v.replace(S3_ARN, "").split("/")[0];
  if (/^s3a?:\/\//i.test(v)) return v.replace(/^s3a?:\/\//i, "").split("/")[0];
  if (!s3Only || v.startsWith("arn:") || v.includes("://")) return undefined;
  return v.split("/")[0];
}

/**
 * Data written to an S3 bucket (server access logs, replication, inventory, analytics exports, flow
 * logs, DNS query logs, Firehose deliveries and backups, load balancer logs, Athena results…) only
 * goes to a bucket of this stack: a bucket name or S3 ARN has no region to check.
 */
export const awsS3BucketEnforceLocalDestination = stackRule({
  name: "aws-s3-bucket-enforce-local-destination",
  check: ({ resources, report }) => {
    const names = new Set<string>();
    for (const b of buckets(resources)) {
      for (const k of bucketKeys(b)) {
        names.add(k);
        const n = s3BucketName(k, true);
        if (n) names.add(n);
      }
    }
    const fromStackBucket = (r: PolicyResource, top: string, anyResource: boolean) =>
      (r.propertyDependencies[top] ?? []).some((d) => anyResource || (S3_BUCKET_TYPES as readonly string[]).includes(d.type));
    for (const r of resources) {
      const dest = AWS_S3_DESTINATIONS[r.type];
      if (!dest) continue;
      if (r.type === "aws:ec2/flowLog:FlowLog") {
        const t = read(() => str(r.props.logDestinationType));
        // Only S3 flow logs write to a bucket; a CloudWatch or Firehose destination is an ARN with a region.
        if (t.known && t.value !== undefined && t.value !== "s3") continue;
      }
      for (const path of dest.paths) {
        for (const f of valuesAt(r.props, path)) {
          if (!f.value.known) {
            if (!fromStackBucket(r, f.top, !dest.s3Only))
              report(
                r,
                `${f.path} is unknown during preview and does not come from a bucket of this stack: the destination is not assumed to be in the UAE`,
              );
            continue;
          }
          if (f.value.value === undefined || f.value.value.trim() === "") continue;
          const name = s3BucketName(f.value.value, dest.s3Only);
          if (name === undefined) continue;
          if (names.has(f.value.value) || names.has(name)) continue;
          report(
            r,
            `${f.path} writes to S3 bucket "${name}", which is not a bucket of this stack: a bucket name has no region, so the data may leave the UAE`,
          );
        }
      }
    }
  },
});
