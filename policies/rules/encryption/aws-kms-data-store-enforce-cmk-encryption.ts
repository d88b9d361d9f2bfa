import { awsKeyClassOf, describeKeyClass } from "../../lib/keys";
import { resourceRule } from "../../lib/rule";
import { isTrue, list, obj, str } from "../../lib/values";

type Props = Record<string, unknown>;
type Check = (p: Props, report: (m: string) => void) => void;

/** `field` of `holder` names a customer-managed key. */
function cmk(report: (m: string) => void, holder: Props, field: string, label = field): void {
  const key = awsKeyClassOf(() => holder[field]);
  if (key !== "customer-managed") report(describeKeyClass(key, label));
}

function flag(report: (m: string) => void, value: unknown, message: string): void {
  if (!isTrue(value)) report(message);
}

/** An EC2 block device (root or EBS) is encrypted with a customer-managed key. */
function blockDevice(r: (m: string) => void, device: Props, label: string): void {
  flag(r, device.encrypted, `${label} is not encrypted (encrypted: true)`);
  cmk(r, device, "kmsKeyId", `${label}.kmsKeyId`);
}

/**
 * Data-holding AWS types a platform team plausibly adds next (queues, topics, streams, file
 * systems, tables, secrets, parameters, caches, search, warehouses, backups, snapshots), each with
 * where its customer-managed key goes. Types already covered by their own rule (S3, RDS, EBS,
 * ECR, SQS, ElastiCache replication groups, CloudWatch logs) are not repeated here.
 */
export const AWS_DATA_STORES: Readonly<Record<string, Check>> = {
  "aws:sns/topic:Topic": (p, r) => cmk(r, p, "kmsMasterKeyId"),
  "aws:kinesis/stream:Stream": (p, r) => {
    if (str(p.encryptionType) !== "KMS") r('the stream is not encrypted with KMS (encryptionType: "KMS")');
    cmk(r, p, "kmsKeyId");
  },
  "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": (p, r) => {
    const sse = obj(p.serverSideEncryption);
    flag(r, sse.enabled, "server-side encryption is off (serverSideEncryption.enabled)");
    if (str(sse.keyType) !== "CUSTOMER_MANAGED_CMK") r('serverSideEncryption.keyType is not "CUSTOMER_MANAGED_CMK"');
    cmk(r, sse, "keyArn", "serverSideEncryption.keyArn");
  },
  "aws:efs/fileSystem:FileSystem": (p, r) => {
    flag(r, p.encrypted, "the file system is not encrypted (encrypted: true)");
    cmk(r, p, "kmsKeyId");
  },
  "aws:fsx/lustreFileSystem:LustreFileSystem": (p, r) => cmk(r, p, "kmsKeyId"),
  "aws:fsx/openZfsFileSystem:OpenZfsFileSystem": (p, r) => cmk(r, p, "kmsKeyId"),
  "aws:fsx/windowsFileSystem:WindowsFileSystem": (p, r) => cmk(r, p, "kmsKeyId"),
  "aws:fsx/ontapFileSystem:OntapFileSystem": (p, r) => cmk(r, p, "kmsKeyId"),
  "aws:dynamodb/table:Table": (p, r) => {
    const sse = obj(p.serverSideEncryption);
    flag(r, sse.enabled, "the table uses the AWS-owned key (serverSideEncryption.enabled: true with kmsKeyArn)");
    cmk(r, sse, "kmsKeyArn", "serverSideEncryption.kmsKeyArn");
  },
  "aws:secretsmanager/secret:Secret": (p, r) => cmk(r, p, "kmsKeyId"),
  "aws:ssm/parameter:Parameter": (p, r) => {
    if (str(p.type) === "SecureString") cmk(r, p, "keyId");
  },
  "aws:memorydb/cluster:Cluster": (p, r) => cmk(r, p, "kmsKeyArn"),
  "aws:docdb/cluster:Cluster": (p, r) => {
    flag(r, p.storageEncrypted, "storage is not encrypted (storageEncrypted: true)");
    cmk(r, p, "kmsKeyId");
  },
  "aws:neptune/cluster:Cluster": (p, r) => {
    flag(r, p.storageEncrypted, "storage is not encrypted (storageEncrypted: true)");
    cmk(r, p, "kmsKeyArn");
  },
  "aws:redshift/cluster:Cluster": (p, r) => {
    flag(r, p.encrypted, "the cluster is not encrypted (encrypted: true)");
    cmk(r, p, "kmsKeyId");
  },
  "aws:opensearch/domain:Domain": (p, r) => {
    const rest = obj(p.encryptAtRest);
    flag(r, rest.enabled, "encryption at rest is off (encryptAtRest.enabled)");
    cmk(r, rest, "kmsKeyId", "encryptAtRest.kmsKeyId");
  },
  "aws:msk/cluster:Cluster": (p, r) =>
    cmk(r, obj(p.encryptionInfo), "encryptionAtRestKmsKeyArn", "encryptionInfo.encryptionAtRestKmsKeyArn"),
  "aws:backup/vault:Vault": (p, r) => cmk(r, p, "kmsKeyArn"),
  "aws:ebs/snapshotCopy:SnapshotCopy": (p, r) => {
    flag(r, p.encrypted, "the snapshot copy is not encrypted (encrypted: true)");
    cmk(r, p, "kmsKeyId");
  },
  "aws:elasticache/serverlessCache:ServerlessCache": (p, r) => cmk(r, p, "kmsKeyId"),
  "aws:sagemaker/domain:Domain": (p, r) => cmk(r, p, "kmsKeyId"),
  "aws:ec2/instance:Instance": (p, r) => {
    // Without rootBlockDevice the root volume's encryption is whatever the AMI and the account default say.
    if (p.rootBlockDevice === undefined || p.rootBlockDevice === null)
      r("rootBlockDevice is not set: the root volume's encryption is left to the AMI and account default; set encrypted and kmsKeyId");
    else blockDevice(r, obj(p.rootBlockDevice), "rootBlockDevice");
    list(p.ebsBlockDevices).forEach((d, i) => {
      blockDevice(r, obj(d), `ebsBlockDevices[${i}]`);
    });
  },
  "aws:sagemaker/notebookInstance:NotebookInstance": (p, r) => cmk(r, p, "kmsKeyId"),
  "aws:sagemaker/endpointConfiguration:EndpointConfiguration": (p, r) => cmk(r, p, "kmsKeyArn"),
  "aws:sagemaker/featureGroup:FeatureGroup": (p, r) => {
    if (p.offlineStoreConfig !== undefined && p.offlineStoreConfig !== null)
      cmk(r, obj(obj(p.offlineStoreConfig).s3StorageConfig), "kmsKeyId", "offlineStoreConfig.s3StorageConfig.kmsKeyId");
    const online = obj(p.onlineStoreConfig);
    if (isTrue(online.enableOnlineStore)) cmk(r, obj(online.securityConfig), "kmsKeyId", "onlineStoreConfig.securityConfig.kmsKeyId");
  },
  "aws:redshiftserverless/namespace:Namespace": (p, r) => cmk(r, p, "kmsKeyId"),
  "aws:athena/workgroup:Workgroup": (p, r) => {
    const enc = obj(obj(obj(p.configuration).resultConfiguration).encryptionConfiguration);
    const option = str(enc.encryptionOption);
    if (option !== "SSE_KMS" && option !== "CSE_KMS")
      r(
        `query results are ${option ? `encrypted with ${option}` : "not encrypted"}; set configuration.resultConfiguration.encryptionConfiguration.encryptionOption "SSE_KMS" (or "CSE_KMS") with kmsKeyArn`,
      );
    cmk(r, enc, "kmsKeyArn", "configuration.resultConfiguration.encryptionConfiguration.kmsKeyArn");
  },
};

/** Data stores of the types above use a customer-managed KMS key. */
export const awsKmsDataStoreEnforceCmkEncryption = resourceRule({
  name: "aws-kms-data-store-enforce-cmk-encryption",
  types: Object.keys(AWS_DATA_STORES),
  check: ({ args, props, report }) => {
    AWS_DATA_STORES[args.type]?.(props, report);
  },
});
