import { resourceRule } from "../../lib/rule";

/** Types that hold data or keys and must not be deleted or replaced by accident in production. */
export const STATEFUL_TYPES: readonly string[] = [
  "aws:s3/bucket:Bucket",
  "aws:s3/bucketV2:BucketV2",
  "aws:rds/instance:Instance",
  "aws:rds/cluster:Cluster",
  "aws:elasticache/replicationGroup:ReplicationGroup",
  "aws:ecr/repository:Repository",
  "aws:kms/key:Key",
  "aws:eks/cluster:Cluster",
  "aws:dynamodb/table:Table",
  "aws:efs/fileSystem:FileSystem",
  "azure-native:storage:StorageAccount",
  "azure-native:dbforpostgresql:Server",
  "azure-native:redis:Redis",
  "azure-native:containerregistry:Registry",
  "azure-native:keyvault:Vault",
  "azure-native:keyvault:Key",
  "azure-native:containerservice:ManagedCluster",
];

/** Production stateful resources carry `protect`. */
export const pulumiStatefulResourceEnableProtect = resourceRule({
  name: "pulumi-stateful-resource-enable-protect",
  types: STATEFUL_TYPES,
  scope: "production",
  check: ({ args, report }) => {
    if (!args.opts.protect) report(`${args.type} is not protected against delete/replace (resource option protect: true)`);
  },
});
