import { resourceRule } from "../../lib/rule";
import { arnRegion, read, str } from "../../lib/values";

/** No RDS replication or backup copy to/from a region outside the allow-list. */
export const awsRdsDatabaseDisallowCrossRegionReplication = resourceRule({
  name: "aws-rds-database-disallow-cross-region-replication",
  types: [
    "aws:rds/instance:Instance",
    "aws:rds/cluster:Cluster",
    "aws:rds/globalCluster:GlobalCluster",
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
  ],
  check: ({ args, props, settings, report }) => {
    if (args.type === "aws:rds/globalCluster:GlobalCluster")
      return report("a global cluster replicates the database to other regions; remove it");
    if (args.type === "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication") {
      return report("automated backups replication copies backups to another region; remove it");
    }
    const checkSource = (key: string) => {
      const v = read(() => str(props[key]));
      if (!v.known)
        return report(`${key} is unknown during preview: the replication source cannot be verified, so it is not assumed to be in the UAE`);
      if (!v.value) return;
      const region = arnRegion(v.value);
      if (region && !settings.allowedAwsRegions.includes(region))
        report(`${key} replicates from region "${region}", outside ${settings.allowedAwsRegions.join(", ")}`);
    };
    if (args.type === "aws:rds/instance:Instance") checkSource("replicateSourceDb");
    else {
      checkSource("replicationSourceIdentifier");
      const global = read(() => str(props.globalClusterIdentifier));
      if (!global.known || global.value) report("the cluster joins a global cluster, which replicates data to other regions");
    }
  },
});
