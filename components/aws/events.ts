/**
 * "New data arrived": an SQS queue (KMS-encrypted, with a dead-letter queue) fed by S3 event
 * notifications for the batch markers ({@link DATA_BATCH_MARKER}) created in the datasets bucket,
 * consumed by Argo Events' SQS source. A batch of many files raises one event, after its marker.
 * Only S3 notifications of that bucket in this account may send to the queue.
 */

import * as pulumi from "@pulumi/pulumi";
import { DATA_BATCH_MARKER } from "../contracts";
import * as aws from "./sdk";
import { ArgsCheck } from "./validate";

/** Arguments of {@link DataEvents}. */
export interface DataEventsArgs {
  /** The datasets bucket (name and ARN). */
  readonly bucketName: pulumi.Input<string>;
  readonly bucketArn: pulumi.Input<string>;
  readonly accountId: pulumi.Input<string>;
  /** KMS key of the queues (its key policy admits S3 notifications of this account). */
  readonly kmsKeyArn: pulumi.Input<string>;
  /**
   * Key prefixes whose new objects raise an event.
   * @default [""] - every new object.
   */
  readonly prefixes?: readonly string[];
  /**
   * Hours an unconsumed event is kept (1-336).
   * @default 96
   */
  readonly retentionHours?: number;
}

/** The data-arrival event source. */
export class DataEvents extends pulumi.ComponentResource {
  public readonly queueUrl: pulumi.Output<string>;
  public readonly queueArn: pulumi.Output<string>;
  public readonly deadLetterQueueArn: pulumi.Output<string>;

  constructor(name: string, args: DataEventsArgs, opts?: pulumi.ComponentResourceOptions) {
    const prefixes = args.prefixes ?? [""];
    const hours = args.retentionHours ?? 96;
    const check = new ArgsCheck("mlops-platform:aws:DataEvents", name)
      .require(prefixes.length > 0, "prefixes", prefixes, 'list at least one key prefix ("" for every object)')
      .require(
        Number.isInteger(hours) && hours >= 1 && hours <= 336,
        "retentionHours",
        hours,
        "use 1 to 336 hours (the SQS limit is 14 days)",
      );
    prefixes.forEach((p, i) => {
      check.require(!p.startsWith("/") && !p.includes("*"), `prefixes[${i}]`, p, "use a key prefix without leading slash or wildcard");
    });
    check.done();
    super("mlops-platform:aws:DataEvents", name, {}, opts);

    const dlq = new aws.sqs.Queue(
      `${name}-dlq`,
      { kmsMasterKeyId: args.kmsKeyArn, kmsDataKeyReusePeriodSeconds: 300, messageRetentionSeconds: 14 * 24 * 3600 },
      { parent: this },
    );
    const queue = new aws.sqs.Queue(
      `${name}-queue`,
      {
        kmsMasterKeyId: args.kmsKeyArn,
        kmsDataKeyReusePeriodSeconds: 300,
        messageRetentionSeconds: hours * 3600,
        visibilityTimeoutSeconds: 300,
        receiveWaitTimeSeconds: 20,
        redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 5 }),
      },
      { parent: this },
    );
    new aws.sqs.RedriveAllowPolicy(
      `${name}-dlq-source`,
      { queueUrl: dlq.id, redriveAllowPolicy: pulumi.jsonStringify({ redrivePermission: "byQueue", sourceQueueArns: [queue.arn] }) },
      { parent: this },
    );
    const queuePolicy = new aws.sqs.QueuePolicy(
      `${name}-queue-policy`,
      {
        queueUrl: queue.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "DatasetsBucketNotifications",
              Effect: "Allow",
              Principal: { Service: "s3.amazonaws.com" },
              Action: "sqs:SendMessage",
              Resource: queue.arn,
              Condition: { ArnEquals: { "aws:SourceArn": args.bucketArn }, StringEquals: { "aws:SourceAccount": args.accountId } },
            },
            {
              Sid: "DenyInsecureTransport",
              Effect: "Deny",
              Principal: "*",
              Action: "sqs:*",
              Resource: queue.arn,
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
          ],
        }),
      },
      { parent: this },
    );
    new aws.s3.BucketNotification(
      `${name}-notification`,
      {
        bucket: args.bucketName,
        queues: prefixes.map((prefix, i) => ({
          id: `new-data-${i}`,
          queueArn: queue.arn,
          events: ["s3:ObjectCreated:*"],
          ...(prefix !== "" ? { filterPrefix: prefix } : {}),
          // Debounce: only the marker that closes a batch, never each data file.
          filterSuffix: `/${DATA_BATCH_MARKER}`,
        })),
      },
      { parent: this, dependsOn: [queuePolicy] },
    );
    this.queueUrl = queue.url;
    this.queueArn = queue.arn;
    this.deadLetterQueueArn = dlq.arn;
    this.registerOutputs({ queueUrl: this.queueUrl, queueArn: this.queueArn, deadLetterQueueArn: this.deadLetterQueueArn });
  }
}
