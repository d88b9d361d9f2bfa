import { isCustomerManagedAwsKey } from "../../lib/keys";
import { resourceRule } from "../../lib/rule";
import { isTrue, list, present, str } from "../../lib/values";

/** ElastiCache encrypts at rest (CMK) and in transit (TLS required), with authentication. */
export const awsElasticacheReplicationGroupEnforceEncryption = resourceRule({
  name: "aws-elasticache-replication-group-enforce-encryption",
  types: ["aws:elasticache/replicationGroup:ReplicationGroup", "aws:elasticache/serverlessCache:ServerlessCache"],
  check: ({ args, props, report }) => {
    if (!isCustomerManagedAwsKey(() => props.kmsKeyId)) report("data at rest does not use a customer-managed key (kmsKeyId)");
    if (args.type === "aws:elasticache/serverlessCache:ServerlessCache") return;
    if (!isTrue(props.atRestEncryptionEnabled)) report("encryption at rest is off (atRestEncryptionEnabled: true)");
    if (!isTrue(props.transitEncryptionEnabled)) report("encryption in transit is off (transitEncryptionEnabled: true)");
    const mode = str(props.transitEncryptionMode);
    if (mode !== undefined && mode !== "required")
      report(`transitEncryptionMode is "${mode}"; clients could connect without TLS (use "required")`);
    if (!present(() => props.authToken) && !present(() => list(props.userGroupIds)[0]))
      report("the cache has no authentication (authToken or userGroupIds)");
  },
});
