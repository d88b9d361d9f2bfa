import { resourceRule } from "../../lib/rule";
import { list, obj, str } from "../../lib/values";

/** PostgreSQL on RDS forces TLS through a custom parameter group. */
export const awsRdsDatabaseEnforceTls = resourceRule({
  name: "aws-rds-database-enforce-tls",
  types: ["aws:rds/instance:Instance", "aws:rds/parameterGroup:ParameterGroup", "aws:rds/clusterParameterGroup:ClusterParameterGroup"],
  check: ({ args, props, report }) => {
    if (args.type === "aws:rds/instance:Instance") {
      if (!(str(props.engine) ?? "").startsWith("postgres")) return;
      const group = str(props.parameterGroupName);
      if (!group || group.startsWith("default."))
        report(
          "the instance uses the default parameter group, which does not force TLS; reference a parameter group with rds.force_ssl = 1",
        );
      return;
    }
    if (!(str(props.family) ?? "").startsWith("postgres")) return;
    const force = list(props.parameters).find((p) => str(obj(p).name) === "rds.force_ssl");
    if (str(obj(force).value) !== "1") report("the PostgreSQL parameter group does not set rds.force_ssl = 1");
  },
});
