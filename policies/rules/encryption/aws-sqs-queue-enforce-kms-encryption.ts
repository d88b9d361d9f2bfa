import { resourceRule } from "../../lib/rule";
import { read, str } from "../../lib/values";

/** SQS queues use a customer-managed KMS key. */
export const awsSqsQueueEnforceKmsEncryption = resourceRule({
  name: "aws-sqs-queue-enforce-kms-encryption",
  types: ["aws:sqs/queue:Queue"],
  check: ({ props, report }) => {
    const key = read(() => str(props.kmsMasterKeyId));
    if (key.known && (!key.value || key.value === "alias/aws/sqs"))
      report("the queue is not encrypted with a customer-managed KMS key (kmsMasterKeyId)");
  },
});
