import { resourceRule } from "../../lib/rule";
import { present } from "../../lib/values";

/** CloudWatch log groups use a customer-managed KMS key. */
export const awsCloudwatchLogGroupEnforceKmsEncryption = resourceRule({
  name: "aws-cloudwatch-log-group-enforce-kms-encryption",
  types: ["aws:cloudwatch/logGroup:LogGroup"],
  check: ({ props, report }) => {
    if (!present(() => props.kmsKeyId)) report("the log group is not encrypted with a customer-managed KMS key (kmsKeyId)");
  },
});
