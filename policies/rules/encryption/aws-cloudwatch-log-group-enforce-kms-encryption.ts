import { isCustomerManagedAwsKey } from "../../lib/keys";
import { resourceRule } from "../../lib/rule";

/** CloudWatch log groups use a customer-managed KMS key. */
export const awsCloudwatchLogGroupEnforceKmsEncryption = resourceRule({
  name: "aws-cloudwatch-log-group-enforce-kms-encryption",
  types: ["aws:cloudwatch/logGroup:LogGroup"],
  check: ({ props, report }) => {
    if (!isCustomerManagedAwsKey(() => props.kmsKeyId)) report("the log group is not encrypted with a customer-managed KMS key (kmsKeyId)");
  },
});
