import { resourceRule } from "../../lib/rule";
import { isTrue } from "../../lib/values";

/** RDS instances are not publicly accessible. */
export const awsRdsDatabaseDisallowPublicAccess = resourceRule({
  name: "aws-rds-database-disallow-public-access",
  types: ["aws:rds/instance:Instance", "aws:rds/clusterInstance:ClusterInstance"],
  check: ({ props, report }) => {
    if (isTrue(props.publiclyAccessible)) report("the database is publicly accessible (publiclyAccessible: false)");
  },
});
