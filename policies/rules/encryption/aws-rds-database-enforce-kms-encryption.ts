import { isCustomerManagedAwsKey } from "../../lib/keys";
import { resourceRule } from "../../lib/rule";
import { isTrue } from "../../lib/values";

/** RDS storage is encrypted with a customer-managed key. */
export const awsRdsDatabaseEnforceKmsEncryption = resourceRule({
  name: "aws-rds-database-enforce-kms-encryption",
  types: ["aws:rds/instance:Instance", "aws:rds/cluster:Cluster"],
  check: ({ props, report }) => {
    if (!isTrue(props.storageEncrypted)) report("storage is not encrypted (storageEncrypted: true)");
    if (!isCustomerManagedAwsKey(() => props.kmsKeyId)) report("storage does not use a customer-managed key (kmsKeyId)");
    if (isTrue(props.performanceInsightsEnabled) && !isCustomerManagedAwsKey(() => props.performanceInsightsKmsKeyId)) {
      report("Performance Insights data does not use a customer-managed key (performanceInsightsKmsKeyId)");
    }
  },
});
