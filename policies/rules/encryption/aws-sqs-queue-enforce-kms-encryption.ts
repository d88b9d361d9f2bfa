import { resourceRule } from "../../lib/rule";
import { str } from "../../lib/values";

/** SQS queues use a customer-managed KMS key. */
export const awsSqsQueueEnforceKmsEncryption = resourceRule({
  name: "aws-sqs-queue-enforce-kms-encryption",
  types: ["aws:sqs/queue:Queue"],
  check: ({ props, report }) => {
    const key = str(props.kmsMasterKeyId);
    if (!key || key === "alias/aws/sqs") report("the queue is not encrypted with a customer-managed KMS key (kmsMasterKeyId)");
  },
});
