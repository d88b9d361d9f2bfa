import { awsKeyClassOf, describeKeyClass } from "../../lib/keys";
import { resourceRule } from "../../lib/rule";

/** SQS queues use a customer-managed KMS key (not SSE-SQS, not alias/aws/sqs). */
export const awsSqsQueueEnforceKmsEncryption = resourceRule({
  name: "aws-sqs-queue-enforce-kms-encryption",
  types: ["aws:sqs/queue:Queue"],
  check: ({ props, report }) => {
    const key = awsKeyClassOf(() => props.kmsMasterKeyId);
    if (key !== "customer-managed")
      report(`the queue is not encrypted with a customer-managed KMS key: ${describeKeyClass(key, "kmsMasterKeyId")}`);
  },
});
