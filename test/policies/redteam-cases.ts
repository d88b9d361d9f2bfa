/**
 * Red-team cases (issue 17): misconfigurations a careless or clever team engineer would write,
 * each planted into a shipped plan and expected to be a mandatory violation on its own planted
 * resources, by a rule about that concern (`rule`). Every planted resource is otherwise compliant
 * (protected, pinned images, limits, …) so that a catch is the rule's, not an incidental one.
 */
import type { Spec } from "./fixture";

export type RedStack = "uae-prod" | "uae-prod-azure";

export interface RedCase {
  /** Unique id, also the prefix of its resources' names. */
  readonly id: string;
  readonly group: string;
  readonly stack: RedStack;
  /** Rule names (substring match) that count as catching the case. */
  readonly rule: RegExp;
  readonly why: string;
  readonly specs: readonly Spec[];
  /** A compliant control: no mandatory violation at all on its resources (guards the helpers the cases build on). */
  readonly clean?: boolean;
}

const ACCOUNT = "123456789012";
const FOREIGN = "999999999999";
const KEY = `arn:aws:kms:me-central-1:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
const KV_KEY = "https://kv-mlops-prod.vault.azure.net/keys/data/0123456789abcdef0123456789abcdef";
const SUB = "/subscriptions/00000000-0000-0000-0000-000000000000";
const RG = `${SUB}/resourceGroups/rg-mlops-uae-prod-azure-data`;
/** Resources of the shipped plans the cases point at (names as planned). */
const DATA_BUCKET = "mlops-platform-uae-prod-features-449c212";
const DATA_BUCKET_URN =
  "urn:pulumi:uae-prod::mlops-platform::mlops-platform:aws:EncryptedBucket$aws:s3/bucket:Bucket::mlops-platform-uae-prod-features";
const AUDIT_BUCKET = "mlops-platform-uae-prod-audit-trail-81781c3";
const AUDIT_BUCKET_URN =
  "urn:pulumi:uae-prod::mlops-platform::mlops-platform:aws:Audit$mlops-platform:aws:EncryptedBucket$aws:s3/bucket:Bucket::mlops-platform-uae-prod-audit-trail";
const onData = { dependsOn: { bucket: [DATA_BUCKET_URN] } };
const onAudit = { dependsOn: { bucket: [AUDIT_BUCKET_URN] } };
const trailOnAudit = { dependsOn: { s3BucketName: [AUDIT_BUCKET_URN] } };
const ACCOUNT_NAME = "stmlopsuaeprodazur526b96";
const WORKSPACE = `${RG}/providers/Microsoft.OperationalInsights/workspaces/azure-monitoring-workspace-9f233d3`;
const doc = (...Statement: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const sp = (type: string, name: string, inputs: Record<string, unknown>, extra: Partial<Spec> = {}): Spec => ({
  type,
  name,
  inputs,
  ...extra,
});

export const CASES: RedCase[] = [];
let current: { group: string; stack: RedStack; rule: RegExp } = { group: "", stack: "uae-prod", rule: /./ };
function group(name: string, stack: RedStack, rule: RegExp): void {
  current = { group: name, stack, rule };
}
/** Adds a case; `make` gets the case id to name its resources with. */
function add(why: string, make: (id: string) => Spec[], rule?: RegExp): void {
  const id = `rt${CASES.length}`;
  CASES.push({ id, group: current.group, stack: current.stack, rule: rule ?? current.rule, why, specs: make(id) });
}
/** Adds a compliant control. */
function control(why: string, make: (id: string) => Spec[]): void {
  const id = `rt${CASES.length}`;
  CASES.push({ id, group: current.group, stack: current.stack, rule: /^$/, why, specs: make(id), clean: true });
}

// ---------------------------------------------------------------- IAM identity policies
group("iam-identity", "uae-prod", /aws-iam-/);
const rp = (why: string, ...st: unknown[]) =>
  add(why, (id) => [sp("aws:iam/rolePolicy:RolePolicy", id, { role: "team-role", policy: doc(...st) })]);
rp("s3:Get* on every bucket and object (arn:aws:s3:::*)", { Effect: "Allow", Action: "s3:Get*", Resource: "arn:aws:s3:::*" });
rp("iam:Pass* on *", { Effect: "Allow", Action: "iam:Pass*", Resource: "*" });
rp("*:* on *", { Effect: "Allow", Action: "*:*", Resource: "*" });
rp("iam:*Policy* glob", { Effect: "Allow", Action: ["iam:*Policy*"], Resource: `arn:aws:iam::${ACCOUNT}:role/team-*` });
rp("s?:* glob matching s3:*", { Effect: "Allow", Action: "s?:*", Resource: "arn:aws:s3:::team-data/*" });
rp("NotAction iam:* (everything but IAM)", { Effect: "Allow", NotAction: ["iam:*", "organizations:*"], Resource: "*" });
rp("NotResource with s3:GetObject", { Effect: "Allow", Action: "s3:GetObject", NotResource: "arn:aws:s3:::secret-bucket/*" });
rp("kms:Decrypt on every key in every region (arn:aws:kms:*:*:key/*)", {
  Effect: "Allow",
  Action: "kms:Decrypt",
  Resource: "arn:aws:kms:*:*:key/*",
});
rp("secretsmanager:GetSecretValue on arn:*:*:*:*:*", {
  Effect: "Allow",
  Action: "secretsmanager:GetSecretValue",
  Resource: "arn:*:*:*:*:*",
});
rp("iam:PassRole on every role of the account", { Effect: "Allow", Action: "iam:PassRole", Resource: `arn:aws:iam::${ACCOUNT}:role/*` });
rp("s3:* spelled S3:* in upper case", { Effect: "Allow", Action: ["S3:*"], Resource: "arn:aws:s3:::team-data/*" });
rp("single statement object instead of a list, action *", { Effect: "Allow", Action: "*", Resource: "*" });
rp("iam:Put*Policy on *", { Effect: "Allow", Action: "iam:Put*Policy", Resource: "*" });
rp("s3:PutObject on arn:aws:s3:::*/*", { Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::*/*" });
rp("dynamodb:* on the tables of the account", {
  Effect: "Allow",
  Action: "dynamodb:*",
  Resource: `arn:aws:dynamodb:me-central-1:${ACCOUNT}:table/*`,
});
rp("sts:AssumeRole on any role of any account", { Effect: "Allow", Action: "sts:AssumeRole", Resource: "arn:aws:iam::*:role/*" });
rp("ec2:* written as ec2:*Instance* plus ec2:*Volume* on *", {
  Effect: "Allow",
  Action: ["ec2:*Instance*", "ec2:*Volume*"],
  Resource: "*",
});
add("admin user policy (aws:iam/userPolicy)", (id) => [
  sp("aws:iam/userPolicy:UserPolicy", id, { user: "ci", policy: doc({ Effect: "Allow", Action: "*", Resource: "*" }) }),
]);
add("admin group policy (aws:iam/groupPolicy)", (id) => [
  sp("aws:iam/groupPolicy:GroupPolicy", id, { group: "devs", policy: doc({ Effect: "Allow", Action: ["iam:*"], Resource: "*" }) }),
]);
add("managed policy with a wildcard action, attached nowhere yet", (id) => [
  sp("aws:iam/policy:Policy", id, { policy: doc({ Effect: "Allow", Action: "secretsmanager:*", Resource: "*" }) }),
]);
add("role inlinePolicies with *:*", (id) => [
  sp("aws:iam/role:Role", id, {
    assumeRolePolicy: doc({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }),
    inlinePolicies: [{ name: "all", policy: doc({ Effect: "Allow", Action: "*:*", Resource: "*" }) }],
  }),
]);
add("policy given as an object, not a JSON string", (id) => [
  sp("aws:iam/rolePolicy:RolePolicy", id, {
    role: "team-role",
    policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
  }),
]);
add("AdministratorAccess attached to a user", (id) => [
  sp("aws:iam/userPolicyAttachment:UserPolicyAttachment", id, { user: "ci", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }),
]);
add("PowerUserAccess through aws:iam/policyAttachment", (id) => [
  sp("aws:iam/policyAttachment:PolicyAttachment", id, { roles: ["team-role"], policyArn: "arn:aws:iam::aws:policy/PowerUserAccess" }),
]);
add("AdministratorAccess through RolePolicyAttachmentsExclusive", (id) => [
  sp("aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", id, {
    roleName: "team-role",
    policyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"],
  }),
]);
add("IAMFullAccess attached to a group", (id) => [
  sp("aws:iam/groupPolicyAttachment:GroupPolicyAttachment", id, { group: "devs", policyArn: "arn:aws:iam::aws:policy/IAMFullAccess" }),
]);
add("AdministratorAccess via role managedPolicyArns", (id) => [
  sp("aws:iam/role:Role", id, {
    assumeRolePolicy: doc({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }),
    managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"],
  }),
]);
add("job-function SystemAdministrator attached to a role", (id) => [
  sp("aws:iam/rolePolicyAttachment:RolePolicyAttachment", id, {
    role: "team-role",
    policyArn: "arn:aws:iam::aws:policy/job-function/SystemAdministrator",
  }),
]);
add("AdministratorAccess-Amplify (admin by another ARN)", (id) => [
  sp("aws:iam/rolePolicyAttachment:RolePolicyAttachment", id, {
    role: "team-role",
    policyArn: "arn:aws:iam::aws:policy/AdministratorAccess-Amplify",
  }),
]);
add("EKS cluster-admin access policy for a team role", (id) => [
  sp("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", id, {
    clusterName: "mlops-prod",
    principalArn: `arn:aws:iam::${ACCOUNT}:role/team-role`,
    policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
    accessScope: { type: "cluster" },
  }),
]);

// ---------------------------------------------------------------- role trust
group("iam-trust", "uae-prod", /aws-iam-/);
const trust = (why: string, ...st: unknown[]) => add(why, (id) => [sp("aws:iam/role:Role", id, { assumeRolePolicy: doc(...st) })]);
trust("another account's root without ExternalId", {
  Effect: "Allow",
  Principal: { AWS: `arn:aws:iam::${FOREIGN}:root` },
  Action: "sts:AssumeRole",
});
trust("GitHub OIDC with a repo:org/* subject under StringLike", {
  Effect: "Allow",
  Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` },
  Action: "sts:AssumeRoleWithWebIdentity",
  Condition: {
    StringLike: { "token.actions.githubusercontent.com:sub": "repo:*" },
    StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
  },
});
trust("Principal * narrowed by a PrincipalArn glob that matches all", {
  Effect: "Allow",
  Principal: "*",
  Action: "sts:AssumeRole",
  Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/*" } },
});
trust("Cognito identity pool federation without aud condition", {
  Effect: "Allow",
  Principal: { Federated: "cognito-identity.amazonaws.com" },
  Action: "sts:AssumeRoleWithWebIdentity",
});
trust("a foreign account id as bare number", {
  Effect: "Allow",
  Principal: { AWS: FOREIGN },
  Action: ["sts:AssumeRole", "sts:TagSession"],
});

// ---------------------------------------------------------------- resource policies
group("resource-policy", "uae-prod", /aws-iam-resource-policy|aws-s3-bucket-disallow-public|external/);
const anyone = (action: string) => ({ Effect: "Allow", Principal: "*", Action: action, Resource: "*" });
const foreign = (action: string) => ({
  Effect: "Allow",
  Principal: { AWS: `arn:aws:iam::${FOREIGN}:root` },
  Action: action,
  Resource: "*",
});
add("SNS TopicPolicy open to anyone", (id) => [
  sp("aws:sns/topicPolicy:TopicPolicy", id, { arn: `arn:aws:sns:me-central-1:${ACCOUNT}:t`, policy: doc(anyone("sns:Publish")) }),
]);
add("SNS topic inline policy for another account", (id) => [
  sp("aws:sns/topic:Topic", id, { kmsMasterKeyId: KEY, policy: doc(foreign("sns:Subscribe")) }),
]);
add("SNS topic policy to a service (s3) without SourceArn/SourceAccount", (id) => [
  sp("aws:sns/topicPolicy:TopicPolicy", id, {
    arn: `arn:aws:sns:me-central-1:${ACCOUNT}:t2`,
    policy: doc({ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sns:Publish", Resource: "*" }),
  }),
]);
add("SQS queue inline policy {AWS: *}", (id) => [
  sp("aws:sqs/queue:Queue", id, {
    kmsMasterKeyId: KEY,
    policy: doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sqs:*", Resource: "*" }),
  }),
]);
add("SQS QueuePolicy for another account", (id) => [
  sp("aws:sqs/queuePolicy:QueuePolicy", id, { queueUrl: "https://sqs/q", policy: doc(foreign("sqs:ReceiveMessage")) }),
]);
add("SQS QueuePolicy for sns.amazonaws.com without SourceArn", (id) => [
  sp("aws:sqs/queuePolicy:QueuePolicy", id, {
    queueUrl: "https://sqs/q2",
    policy: doc({ Effect: "Allow", Principal: { Service: "sns.amazonaws.com" }, Action: "sqs:SendMessage", Resource: "*" }),
  }),
]);
add("KMS key inline policy: kms:Decrypt for anyone", (id) => [
  sp("aws:kms/key:Key", id, { enableKeyRotation: true, policy: doc(anyone("kms:Decrypt")) }, { protect: true }),
]);
add("KMS KeyPolicy for another account", (id) => [sp("aws:kms/keyPolicy:KeyPolicy", id, { keyId: KEY, policy: doc(foreign("kms:*")) })]);
add("KMS grant to another account's role", (id) => [
  sp("aws:kms/grant:Grant", id, {
    keyId: KEY,
    granteePrincipal: `arn:aws:iam::${FOREIGN}:role/x`,
    operations: ["Decrypt", "GenerateDataKey"],
  }),
]);
add("ECR repository policy: anyone may pull", (id) => [
  sp("aws:ecr/repositoryPolicy:RepositoryPolicy", id, { repository: "models", policy: doc(anyone("ecr:BatchGetImage")) }),
]);
add("ECR registry policy: another account may replicate", (id) => [
  sp("aws:ecr/registryPolicy:RegistryPolicy", id, { policy: doc(foreign("ecr:ReplicateImage")) }),
]);
add("Secrets Manager SecretPolicy for another account", (id) => [
  sp("aws:secretsmanager/secretPolicy:SecretPolicy", id, {
    secretArn: `arn:aws:secretsmanager:me-central-1:${ACCOUNT}:secret:x`,
    policy: doc(foreign("secretsmanager:GetSecretValue")),
  }),
]);
add("Secrets Manager secret inline policy for anyone", (id) => [
  sp("aws:secretsmanager/secret:Secret", id, { kmsKeyId: KEY, policy: doc(anyone("secretsmanager:GetSecretValue")) }),
]);
add("Lambda permission principal *", (id) => [
  sp("aws:lambda/permission:Permission", id, { action: "lambda:InvokeFunction", function: "scorer", principal: "*" }),
]);
add("Lambda permission for another account id", (id) => [
  sp("aws:lambda/permission:Permission", id, { action: "lambda:InvokeFunction", function: "scorer", principal: FOREIGN }),
]);
add("Lambda permission for s3.amazonaws.com without sourceArn/sourceAccount", (id) => [
  sp("aws:lambda/permission:Permission", id, { action: "lambda:InvokeFunction", function: "scorer", principal: "s3.amazonaws.com" }),
]);
add("Lambda function URL with authorizationType NONE", (id) => [
  sp("aws:lambda/functionUrl:FunctionUrl", id, { functionName: "scorer", authorizationType: "NONE" }),
]);
add("S3 bucket policy for another account", (id) => [
  sp(
    "aws:s3/bucketPolicy:BucketPolicy",
    id,
    { bucket: DATA_BUCKET, policy: doc({ ...foreign("s3:GetObject"), Resource: `arn:aws:s3:::${DATA_BUCKET}/*` }) },
    onData,
  ),
]);
add("S3 bucket policy: anyone, 'restricted' by aws:SourceIp 0.0.0.0/0", (id) => [
  sp("aws:s3/bucketPolicy:BucketPolicy", id, {
    bucket: DATA_BUCKET,
    policy: doc({
      ...anyone("s3:GetObject"),
      Resource: `arn:aws:s3:::${DATA_BUCKET}/*`,
      Condition: { IpAddress: { "aws:SourceIp": "0.0.0.0/0" } },
    }),
  }),
]);
add("S3 bucket policy: anyone, PrincipalAccount StringLike *", (id) => [
  sp("aws:s3/bucketPolicy:BucketPolicy", id, {
    bucket: DATA_BUCKET,
    policy: doc({
      ...anyone("s3:GetObject"),
      Resource: `arn:aws:s3:::${DATA_BUCKET}/*`,
      Condition: { StringLike: { "aws:PrincipalAccount": "*" } },
    }),
  }),
]);
add("S3 BucketAcl public-read", (id) => [sp("aws:s3/bucketAcl:BucketAcl", id, { bucket: DATA_BUCKET, acl: "public-read" }, onData)]);
add("S3 BucketAcl grant to AllUsers group URI", (id) => [
  sp("aws:s3/bucketAcl:BucketAcl", id, {
    bucket: DATA_BUCKET,
    accessControlPolicy: {
      owner: { id: "abc" },
      grants: [{ grantee: { type: "Group", uri: "http://acs.amazonaws.com/groups/global/AllUsers" }, permission: "READ" }],
    },
  }),
]);
add("S3 BucketAcl authenticated-read", (id) => [
  sp("aws:s3/bucketAcl:BucketAcl", id, { bucket: DATA_BUCKET, acl: "authenticated-read" }, onData),
]);
add("S3 object with acl public-read", (id) => [
  sp("aws:s3/bucketObjectv2:BucketObjectv2", id, { bucket: DATA_BUCKET, key: "model.pkl", acl: "public-read", kmsKeyId: KEY }, onData),
]);
add("EFS file system policy for anyone", (id) => [
  sp("aws:efs/fileSystemPolicy:FileSystemPolicy", id, { fileSystemId: "fs-1", policy: doc(anyone("elasticfilesystem:ClientMount")) }),
]);
add("OpenSearch domain access policy for anyone", (id) => [
  sp("aws:opensearch/domainPolicy:DomainPolicy", id, { domainName: "search", accessPolicies: doc(anyone("es:*")) }),
]);
add("CloudWatch Logs resource policy for anyone", (id) => [
  sp("aws:cloudwatch/logResourcePolicy:LogResourcePolicy", id, { policyName: "p", policyDocument: doc(anyone("logs:PutLogEvents")) }),
]);
add("Backup vault policy for another account", (id) => [
  sp("aws:backup/vaultPolicy:VaultPolicy", id, { backupVaultName: "v", policy: doc(foreign("backup:CopyIntoBackupVault")) }),
]);
add("RAM share with another account", (id) => [
  sp("aws:ram/principalAssociation:PrincipalAssociation", id, {
    principal: FOREIGN,
    resourceShareArn: `arn:aws:ram:me-central-1:${ACCOUNT}:resource-share/x`,
  }),
]);
add("EBS snapshot volume permission for another account", (id) => [
  sp("aws:ec2/snapshotCreateVolumePermission:SnapshotCreateVolumePermission", id, { snapshotId: "snap-1", accountId: FOREIGN }),
]);
add("AMI launch permission for everyone (group all)", (id) => [
  sp("aws:ec2/amiLaunchPermission:AmiLaunchPermission", id, { imageId: "ami-1", group: "all" }),
]);
add("S3 public access block with blockPublicPolicy false on the data bucket", (id) => [
  sp(
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    id,
    { bucket: DATA_BUCKET, blockPublicAcls: true, blockPublicPolicy: false, ignorePublicAcls: true, restrictPublicBuckets: false },
    onData,
  ),
]);

// ---------------------------------------------------------------- network reach from the internet
group("network-aws", "uae-prod", /security-group|public|network|endpoint|private/);
const sg = (why: string, ingress: Record<string, unknown>) =>
  add(why, (id) => [
    sp("aws:ec2/securityGroup:SecurityGroup", id, { vpcId: "vpc-1", ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, ...ingress }] }),
  ]);
sg("IPv4 split into two /1s", { cidrBlocks: ["0.0.0.0/1", "128.0.0.0/1"] });
sg("IPv6 global unicast 2000::/3", { ipv6CidrBlocks: ["2000::/3"] });
sg("IPv4-mapped IPv6 ::ffff:0:0/96", { ipv6CidrBlocks: ["::ffff:0:0/96"] });
sg("four /2s", { cidrBlocks: ["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/2"] });
sg("protocol -1 from a public /8", {
  protocol: "-1",
  fromPort: 0,
  toPort: 0,
  cidrBlocks: ["1.0.0.0/8", "2.0.0.0/7", "4.0.0.0/6", "8.0.0.0/5", "16.0.0.0/4", "32.0.0.0/3", "64.0.0.0/2", "128.0.0.0/1"],
});
add("vpc SecurityGroupIngressRule cidrIpv4 0.0.0.0/0 SSH", (id) => [
  sp("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", id, {
    securityGroupId: "sg-1",
    cidrIpv4: "0.0.0.0/0",
    ipProtocol: "tcp",
    fromPort: 22,
    toPort: 22,
  }),
]);
add("vpc SecurityGroupIngressRule cidrIpv6 ::/0 all traffic", (id) => [
  sp("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", id, { securityGroupId: "sg-1", cidrIpv6: "::/0", ipProtocol: "-1" }),
]);
add("ec2 SecurityGroupRule ingress split ranges", (id) => [
  sp("aws:ec2/securityGroupRule:SecurityGroupRule", id, {
    type: "ingress",
    securityGroupId: "sg-1",
    protocol: "tcp",
    fromPort: 5432,
    toPort: 5432,
    cidrBlocks: ["0.0.0.0/1", "128.0.0.0/1"],
  }),
]);
add("NACL rule allowing SSH from anywhere", (id) => [
  sp("aws:ec2/networkAclRule:NetworkAclRule", id, {
    networkAclId: "acl-1",
    ruleNumber: 100,
    egress: false,
    protocol: "tcp",
    ruleAction: "allow",
    cidrBlock: "0.0.0.0/0",
    fromPort: 22,
    toPort: 22,
  }),
]);
add("RDS cluster instance publiclyAccessible", (id) => [
  sp(
    "aws:rds/clusterInstance:ClusterInstance",
    id,
    {
      clusterIdentifier: "c",
      instanceClass: "db.r6g.large",
      engine: "aurora-postgresql",
      publiclyAccessible: true,
      performanceInsightsEnabled: false,
    },
    { protect: true },
  ),
]);
add("Redshift cluster publiclyAccessible", (id) => [
  sp(
    "aws:redshift/cluster:Cluster",
    id,
    {
      clusterIdentifier: "wh",
      nodeType: "ra3.xlplus",
      masterUsername: "u",
      manageMasterPassword: true,
      publiclyAccessible: true,
      encrypted: true,
      kmsKeyId: KEY,
    },
    { protect: true },
  ),
]);
add("internet-facing ALB not listed in publicLoadBalancers", (id) => [
  sp("aws:lb/loadBalancer:LoadBalancer", id, {
    internal: false,
    loadBalancerType: "application",
    subnets: ["subnet-1"],
    securityGroups: ["sg-1"],
  }),
]);
add("EC2 instance with a public IP", (id) => [
  sp("aws:ec2/instance:Instance", id, {
    ami: "ami-1",
    instanceType: "t3.micro",
    associatePublicIpAddress: true,
    metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 },
    rootBlockDevice: { encrypted: true, kmsKeyId: KEY },
  }),
]);
add("OpenSearch domain outside the VPC", (id) => [
  sp(
    "aws:opensearch/domain:Domain",
    id,
    {
      domainName: "search",
      engineVersion: "OpenSearch_2.13",
      encryptAtRest: { enabled: true, kmsKeyId: KEY },
      nodeToNodeEncryption: { enabled: true },
      domainEndpointOptions: { enforceHttps: true },
    },
    { protect: true },
  ),
]);
add("MSK cluster with public access", (id) => [
  sp(
    "aws:msk/cluster:Cluster",
    id,
    {
      clusterName: "events",
      kafkaVersion: "3.6.0",
      numberOfBrokerNodes: 3,
      brokerNodeGroupInfo: {
        instanceType: "kafka.m5.large",
        clientSubnets: ["a", "b", "c"],
        connectivityInfo: { publicAccess: { type: "SERVICE_PROVIDED_EIPS" } },
      },
      encryptionInfo: { encryptionAtRestKmsKeyArn: KEY, encryptionInTransit: { clientBroker: "TLS", inCluster: true } },
    },
    { protect: true },
  ),
]);

// ---------------------------------------------------------------- residency (AWS)
group("residency-aws", "uae-prod", /region|replication|residen|local-destination|peering|multi-region|external|allowlist/);
add("DynamoDB table replica in eu-west-1", (id) => [
  sp(
    "aws:dynamodb/table:Table",
    id,
    {
      hashKey: "id",
      attributes: [{ name: "id", type: "S" }],
      billingMode: "PAY_PER_REQUEST",
      serverSideEncryption: { enabled: true, kmsKeyArn: KEY },
      streamEnabled: true,
      streamViewType: "NEW_AND_OLD_IMAGES",
      replicas: [{ regionName: "eu-west-1" }],
    },
    { protect: true },
  ),
]);
add("Secrets Manager secret replicated to us-east-1", (id) => [
  sp("aws:secretsmanager/secret:Secret", id, { kmsKeyId: KEY, replicas: [{ region: "us-east-1" }] }),
]);
add("Backup plan copy action to a vault in eu-central-1", (id) => [
  sp("aws:backup/plan:Plan", id, {
    name: "daily",
    rules: [
      {
        ruleName: "d",
        targetVaultName: "v",
        schedule: "cron(0 1 * * ? *)",
        copyActions: [{ destinationVaultArn: `arn:aws:backup:eu-central-1:${ACCOUNT}:backup-vault:dr` }],
      },
    ],
  }),
]);
add("S3 replication to a bucket in another account", (id) => [
  sp(
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
    id,
    {
      bucket: DATA_BUCKET,
      role: `arn:aws:iam::${ACCOUNT}:role/repl`,
      rules: [{ id: "all", status: "Enabled", destination: { bucket: "arn:aws:s3:::partner-dr-bucket", account: FOREIGN } }],
    },
    onData,
  ),
]);
add("S3 bucket with region eu-west-1 (provider 7 per-resource region)", (id) => [
  sp("aws:s3/bucket:Bucket", id, { bucket: `${id}-b`, region: "eu-west-1" }, { protect: true }),
]);
add("log subscription filter to a Firehose in eu-west-1", (id) => [
  sp("aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter", id, {
    logGroup: "/aws/eks/mlops",
    filterPattern: "",
    destinationArn: `arn:aws:firehose:eu-west-1:${ACCOUNT}:deliverystream/x`,
    roleArn: `arn:aws:iam::${ACCOUNT}:role/r`,
  }),
]);
add("Firehose delivering to a bucket outside the stack", (id) => [
  sp("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", id, {
    destination: "extended_s3",
    serverSideEncryption: { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn: KEY },
    extendedS3Configuration: { bucketArn: "arn:aws:s3:::vendor-analytics-eu", roleArn: `arn:aws:iam::${ACCOUNT}:role/r`, kmsKeyArn: KEY },
  }),
]);
add("EventBridge target: event bus in eu-west-1", (id) => [
  sp("aws:cloudwatch/eventTarget:EventTarget", id, {
    rule: "r",
    arn: `arn:aws:events:eu-west-1:${ACCOUNT}:event-bus/default`,
    roleArn: `arn:aws:iam::${ACCOUNT}:role/r`,
  }),
]);
add("SNS subscription to an SQS queue in eu-west-1", (id) => [
  sp("aws:sns/topicSubscription:TopicSubscription", id, {
    topic: `arn:aws:sns:me-central-1:${ACCOUNT}:t`,
    protocol: "sqs",
    endpoint: `arn:aws:sqs:eu-west-1:${ACCOUNT}:q`,
  }),
]);
add("VPC flow logs to a bucket outside the stack", (id) => [
  sp("aws:ec2/flowLog:FlowLog", id, {
    vpcId: "vpc-1",
    trafficType: "ALL",
    logDestinationType: "s3",
    logDestination: "arn:aws:s3:::central-logs-eu",
  }),
]);
add("VPC flow logs to a log group in eu-west-1", (id) => [
  sp("aws:ec2/flowLog:FlowLog", id, {
    vpcId: "vpc-1",
    trafficType: "ALL",
    logDestinationType: "cloud-watch-logs",
    logDestination: `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:flows`,
    iamRoleArn: `arn:aws:iam::${ACCOUNT}:role/r`,
  }),
]);
add("S3 server access logging to a bucket outside the stack", (id) => [
  sp("aws:s3/bucketLogging:BucketLogging", id, { bucket: DATA_BUCKET, targetBucket: "central-logs-eu", targetPrefix: "x/" }, onData),
]);
add("Transit gateway peering to us-east-1", (id) => [
  sp("aws:ec2transitgateway/peeringAttachment:PeeringAttachment", id, {
    transitGatewayId: "tgw-1",
    peerTransitGatewayId: "tgw-2",
    peerRegion: "us-east-1",
    peerAccountId: ACCOUNT,
  }),
]);
add("ECR replication to another account's registry", (id) => [
  sp("aws:ecr/replicationConfiguration:ReplicationConfiguration", id, {
    replicationConfiguration: { rules: [{ destinations: [{ region: "me-central-1", registryId: FOREIGN }] }] },
  }),
]);
add("DynamoDB Kinesis streaming destination in eu-west-1", (id) => [
  sp("aws:dynamodb/kinesisStreamingDestination:KinesisStreamingDestination", id, {
    tableName: "features",
    streamArn: `arn:aws:kinesis:eu-west-1:${ACCOUNT}:stream/x`,
  }),
]);
add("CloudFront distribution (global edge caches) in front of the data bucket", (id) => [
  sp("aws:cloudfront/distribution:Distribution", id, {
    enabled: true,
    origins: [{ domainName: `${DATA_BUCKET}.s3.me-central-1.amazonaws.com`, originId: "s3" }],
    defaultCacheBehavior: {
      targetOriginId: "s3",
      viewerProtocolPolicy: "https-only",
      allowedMethods: ["GET", "HEAD"],
      cachedMethods: ["GET", "HEAD"],
    },
    restrictions: { geoRestriction: { restrictionType: "none" } },
    viewerCertificate: { cloudfrontDefaultCertificate: true },
  }),
]);
add("DynamoDB global table replica resource with region us-east-1", (id) => [
  sp("aws:dynamodb/tableReplica:TableReplica", id, {
    globalTableArn: `arn:aws:dynamodb:me-central-1:${ACCOUNT}:table/features`,
    region: "us-east-1",
    kmsKeyArn: KEY,
  }),
]);
add("ElastiCache global datastore", (id) => [
  sp("aws:elasticache/globalReplicationGroup:GlobalReplicationGroup", id, {
    globalReplicationGroupIdSuffix: "g",
    primaryReplicationGroupId: "cache",
  }),
]);
add("RDS cluster replicating from eu-west-1 source", (id) => [
  sp(
    "aws:rds/cluster:Cluster",
    id,
    {
      engine: "aurora-postgresql",
      replicationSourceIdentifier: `arn:aws:rds:eu-west-1:${ACCOUNT}:cluster:src`,
      storageEncrypted: true,
      kmsKeyId: KEY,
      deletionProtection: true,
      backupRetentionPeriod: 35,
      skipFinalSnapshot: false,
    },
    { protect: true },
  ),
]);
add("S3 Multi-Region Access Point over a bucket", (id) => [
  sp(
    "aws:s3control/multiRegionAccessPoint:MultiRegionAccessPoint",
    id,
    { details: { name: "mrap", regions: [{ bucket: DATA_BUCKET }, { bucket: "eu-copy-bucket" }] } },
    onData,
  ),
]);
add("Route 53 resolver query logs to a bucket outside the stack", (id) => [
  sp("aws:route53/resolverQueryLogConfig:ResolverQueryLogConfig", id, { name: "q", destinationArn: "arn:aws:s3:::central-dns-logs" }),
]);

// ---------------------------------------------------------------- residency (Azure)
group("residency-azure", "uae-prod-azure", /location|geo|residen|local-destination|allowlist|replication/);
add("Cosmos DB with a second location in West Europe", (id) => [
  sp(
    "azure-native:cosmosdb:DatabaseAccount",
    id,
    {
      accountName: `${id}cosmos`,
      resourceGroupName: "rg-mlops-uae-prod-azure-data",
      location: "uaenorth",
      databaseAccountOfferType: "Standard",
      keyVaultKeyUri: KV_KEY,
      publicNetworkAccess: "Disabled",
      disableLocalAuth: true,
      locations: [
        { locationName: "uaenorth", failoverPriority: 0 },
        { locationName: "West Europe", failoverPriority: 1 },
      ],
    },
    { protect: true },
  ),
]);
add("SQL failover group to a partner server outside the stack", (id) => [
  sp("azure-native:sql:FailoverGroup", id, {
    resourceGroupName: "rg-mlops-uae-prod-azure-data",
    serverName: "sql-prod",
    failoverGroupName: "fg",
    partnerServers: [{ id: `${SUB}/resourceGroups/rg-dr/providers/Microsoft.Sql/servers/sql-dr-westeurope` }],
    readWriteEndpoint: { failoverPolicy: "Automatic", failoverWithDataLossGracePeriodMinutes: 60 },
  }),
]);
add("Redis linked server in West Europe (geo-replication)", (id) => [
  sp("azure-native:redis:LinkedServer", id, {
    name: "redis-prod",
    resourceGroupName: "rg-mlops-uae-prod-azure-data",
    linkedRedisCacheId: `${SUB}/resourceGroups/rg-dr/providers/Microsoft.Cache/Redis/redis-eu`,
    linkedRedisCacheLocation: "westeurope",
    serverRole: "Secondary",
  }),
]);
add("Event Hubs geo-DR pairing to a namespace outside the stack", (id) => [
  sp("azure-native:eventhub:DisasterRecoveryConfig", id, {
    namespaceName: "eh-prod",
    resourceGroupName: "rg-mlops-uae-prod-azure-data",
    alias: "dr",
    partnerNamespace: `${SUB}/resourceGroups/rg-dr/providers/Microsoft.EventHub/namespaces/eh-westeurope`,
  }),
]);
add("Service Bus geo-DR pairing to a namespace outside the stack", (id) => [
  sp("azure-native:servicebus:DisasterRecoveryConfig", id, {
    namespaceName: "sb-prod",
    resourceGroupName: "rg-mlops-uae-prod-azure-data",
    alias: "dr",
    partnerNamespace: `${SUB}/resourceGroups/rg-dr/providers/Microsoft.ServiceBus/namespaces/sb-westeurope`,
  }),
]);
add("Storage object replication to an account outside the stack", (id) => [
  sp("azure-native:storage:ObjectReplicationPolicy", id, {
    accountName: ACCOUNT_NAME,
    resourceGroupName: "rg-mlops-uae-prod-azure-data",
    objectReplicationPolicyId: "default",
    sourceAccount: ACCOUNT_NAME,
    destinationAccount: `${SUB}/resourceGroups/rg-dr/providers/Microsoft.Storage/storageAccounts/stpartnerweu`,
    rules: [{ sourceContainer: "data", destinationContainer: "data" }],
  }),
]);
add("ACR replication to West Europe", (id) => [
  sp("azure-native:containerregistry:Replication", id, {
    registryName: "acrmlopsprod",
    resourceGroupName: "rg-mlops-uae-prod-azure-data",
    location: "westeurope",
    regionEndpointEnabled: true,
  }),
]);
add("Diagnostic setting to a workspace outside the stack", (id) => [
  sp("azure-native:monitor:DiagnosticSetting", id, {
    resourceUri: `${RG}/providers/Microsoft.KeyVault/vaults/kv`,
    workspaceId: `${SUB}/resourceGroups/rg-central/providers/Microsoft.OperationalInsights/workspaces/central-weu`,
    logs: [{ categoryGroup: "allLogs", enabled: true }],
  }),
]);
add("Front Door profile (global) in front of the storage account", (id) => [
  sp("azure-native:cdn:Profile", id, {
    profileName: "afd",
    resourceGroupName: "rg-mlops-uae-prod-azure-data",
    location: "global",
    sku: { name: "Standard_AzureFrontDoor" },
  }),
]);
add("SQL database in a secondary (geo) copy in West Europe", (id) => [
  sp(
    "azure-native:sql:Database",
    id,
    {
      databaseName: "features",
      serverName: "sql-eu",
      resourceGroupName: "rg-mlops-uae-prod-azure-data",
      location: "westeurope",
      createMode: "Secondary",
      sourceDatabaseId: `${RG}/providers/Microsoft.Sql/servers/sql-prod/databases/features`,
    },
    { protect: true },
  ),
]);
add("Storage account location spelled 'West Europe'", (id) => [
  sp(
    "azure-native:storage:StorageAccount",
    id,
    {
      accountName: `${id}st`,
      resourceGroupName: "rg-mlops-uae-prod-azure-data",
      location: "West Europe",
      kind: "StorageV2",
      sku: { name: "Standard_LRS" },
    },
    { protect: true },
  ),
]);
add("Storage account GRS in germanywestcentral", (id) => [
  sp(
    "azure-native:storage:StorageAccount",
    id,
    {
      accountName: `${id}st`,
      resourceGroupName: "rg-mlops-uae-prod-azure-data",
      location: "germanywestcentral",
      kind: "StorageV2",
      sku: { name: "Standard_GRS" },
    },
    { protect: true },
  ),
]);
add("Activity log export to an event hub", (id) => [
  sp("azure-native:monitor:SubscriptionDiagnosticSetting", id, {
    name: "export",
    eventHubAuthorizationRuleId: `${SUB}/resourceGroups/rg-siem/providers/Microsoft.EventHub/namespaces/siem/authorizationRules/send`,
    eventHubName: "activity",
    logs: [{ category: "Administrative", enabled: true }],
  }),
]);

// ---------------------------------------------------------------- customer-managed keys (AWS)
group("cmk-aws", "uae-prod", /kms|encrypt|cmk/);
add("SNS topic with the AWS-managed alias/aws/sns", (id) => [sp("aws:sns/topic:Topic", id, { kmsMasterKeyId: "alias/aws/sns" })]);
add("SNS topic with the AWS-managed alias as a full ARN", (id) => [
  sp("aws:sns/topic:Topic", id, { kmsMasterKeyId: `arn:aws:kms:me-central-1:${ACCOUNT}:alias/aws/sns` }),
]);
add("SNS topic without a key", (id) => [sp("aws:sns/topic:Topic", id, { name: "alerts" })]);
add("Kinesis stream encryptionType NONE", (id) => [sp("aws:kinesis/stream:Stream", id, { shardCount: 1, encryptionType: "NONE" })]);
add("Kinesis stream KMS with alias/aws/kinesis", (id) => [
  sp("aws:kinesis/stream:Stream", id, { shardCount: 1, encryptionType: "KMS", kmsKeyId: "alias/aws/kinesis" }),
]);
add("Firehose with an AWS-owned key", (id) => [
  sp("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", id, {
    destination: "extended_s3",
    serverSideEncryption: { enabled: true, keyType: "AWS_OWNED_CMK" },
    extendedS3Configuration: { bucketArn: `arn:aws:s3:::${DATA_BUCKET}`, roleArn: `arn:aws:iam::${ACCOUNT}:role/r`, kmsKeyArn: KEY },
  }),
]);
add("DynamoDB table with default (AWS-owned) encryption", (id) => [
  sp(
    "aws:dynamodb/table:Table",
    id,
    { hashKey: "id", attributes: [{ name: "id", type: "S" }], billingMode: "PAY_PER_REQUEST", serverSideEncryption: { enabled: false } },
    { protect: true },
  ),
]);
add(
  "DynamoDB table with a key in eu-west-1",
  (id) => [
    sp(
      "aws:dynamodb/table:Table",
      id,
      {
        hashKey: "id",
        attributes: [{ name: "id", type: "S" }],
        billingMode: "PAY_PER_REQUEST",
        serverSideEncryption: { enabled: true, kmsKeyArn: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555` },
      },
      { protect: true },
    ),
  ],
  /kms|encrypt|cmk|region/,
);
add("EFS encrypted with the default key", (id) => [sp("aws:efs/fileSystem:FileSystem", id, { encrypted: true }, { protect: true })]);
add("EFS not encrypted", (id) => [sp("aws:efs/fileSystem:FileSystem", id, { encrypted: false }, { protect: true })]);
add("FSx Lustre without a key", (id) => [
  sp(
    "aws:fsx/lustreFileSystem:LustreFileSystem",
    id,
    { storageCapacity: 1200, subnetIds: ["subnet-1"], deploymentType: "PERSISTENT_2", perUnitStorageThroughput: 125 },
    { protect: true },
  ),
]);
add("FSx OpenZFS without a key", (id) => [
  sp(
    "aws:fsx/openZfsFileSystem:OpenZfsFileSystem",
    id,
    { storageCapacity: 64, subnetIds: ["subnet-1"], deploymentType: "SINGLE_AZ_1", throughputCapacity: 64 },
    { protect: true },
  ),
]);
add("OpenSearch encrypt at rest without a key", (id) => [
  sp(
    "aws:opensearch/domain:Domain",
    id,
    {
      domainName: "s2",
      vpcOptions: { subnetIds: ["subnet-1"], securityGroupIds: ["sg-1"] },
      encryptAtRest: { enabled: true },
      nodeToNodeEncryption: { enabled: true },
      domainEndpointOptions: { enforceHttps: true },
    },
    { protect: true },
  ),
]);
add("MSK without encryptionAtRestKmsKeyArn", (id) => [
  sp(
    "aws:msk/cluster:Cluster",
    id,
    {
      clusterName: "ev2",
      kafkaVersion: "3.6.0",
      numberOfBrokerNodes: 3,
      brokerNodeGroupInfo: { instanceType: "kafka.m5.large", clientSubnets: ["a", "b", "c"] },
      encryptionInfo: { encryptionInTransit: { clientBroker: "TLS", inCluster: true } },
    },
    { protect: true },
  ),
]);
add("Secrets Manager secret without a key", (id) => [sp("aws:secretsmanager/secret:Secret", id, { name: "db-password" })]);
add("Secrets Manager secret with alias/aws/secretsmanager", (id) => [
  sp("aws:secretsmanager/secret:Secret", id, { kmsKeyId: "alias/aws/secretsmanager" }),
]);
add("SSM SecureString without keyId", (id) => [sp("aws:ssm/parameter:Parameter", id, { type: "SecureString", value: "x" })]);
add("SSM SecureString with alias/aws/ssm", (id) => [
  sp("aws:ssm/parameter:Parameter", id, { type: "SecureString", value: "x", keyId: "alias/aws/ssm" }),
]);
add("EBS snapshot copy without a key", (id) => [
  sp("aws:ebs/snapshotCopy:SnapshotCopy", id, { sourceSnapshotId: "snap-1", sourceRegion: "me-central-1", encrypted: true }),
]);
add("EBS volume with alias/aws/ebs", (id) => [
  sp("aws:ebs/volume:Volume", id, { availabilityZone: "me-central-1a", size: 10, encrypted: true, kmsKeyId: "alias/aws/ebs" }),
]);
add("EC2 instance root volume unencrypted", (id) => [
  sp("aws:ec2/instance:Instance", id, {
    ami: "ami-1",
    instanceType: "t3.micro",
    subnetId: "subnet-1",
    metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 },
    rootBlockDevice: { encrypted: false },
  }),
]);
add("SageMaker notebook instance without a key", (id) => [
  sp("aws:sagemaker/notebookInstance:NotebookInstance", id, {
    instanceType: "ml.t3.medium",
    roleArn: `arn:aws:iam::${ACCOUNT}:role/r`,
    subnetId: "subnet-1",
    securityGroups: ["sg-1"],
    directInternetAccess: "Disabled",
  }),
]);
add("SageMaker feature group offline store without a key", (id) => [
  sp("aws:sagemaker/featureGroup:FeatureGroup", id, {
    featureGroupName: "fg",
    recordIdentifierFeatureName: "id",
    eventTimeFeatureName: "ts",
    roleArn: `arn:aws:iam::${ACCOUNT}:role/r`,
    featureDefinitions: [
      { featureName: "id", featureType: "String" },
      { featureName: "ts", featureType: "String" },
    ],
    offlineStoreConfig: { s3StorageConfig: { s3Uri: `s3://${DATA_BUCKET}/fs` } },
    onlineStoreConfig: { enableOnlineStore: true },
  }),
]);
add("SageMaker endpoint configuration without a key", (id) => [
  sp("aws:sagemaker/endpointConfiguration:EndpointConfiguration", id, {
    productionVariants: [{ variantName: "a", modelName: "m", initialInstanceCount: 1, instanceType: "ml.m5.large" }],
  }),
]);
add("ElastiCache serverless without a key", (id) => [
  sp(
    "aws:elasticache/serverlessCache:ServerlessCache",
    id,
    { engine: "valkey", name: "sc", subnetIds: ["subnet-1"], securityGroupIds: ["sg-1"] },
    { protect: true },
  ),
]);
add("Backup vault without a key", (id) => [sp("aws:backup/vault:Vault", id, { name: "v" })]);
add("ECR repository AES256", (id) => [
  sp(
    "aws:ecr/repository:Repository",
    id,
    { encryptionConfigurations: [{ encryptionType: "AES256" }], imageTagMutability: "IMMUTABLE" },
    { protect: true },
  ),
]);
add("SQS queue with SQS-managed SSE", (id) => [sp("aws:sqs/queue:Queue", id, { sqsManagedSseEnabled: true })]);
add("SQS queue with alias/aws/sqs", (id) => [sp("aws:sqs/queue:Queue", id, { kmsMasterKeyId: "alias/aws/sqs" })]);
add("DocumentDB cluster not encrypted", (id) => [
  sp(
    "aws:docdb/cluster:Cluster",
    id,
    { masterUsername: "u", manageMasterUserPassword: true, storageEncrypted: false, deletionProtection: true },
    { protect: true },
  ),
]);
add("Redshift Serverless namespace without a key", (id) => [
  sp("aws:redshiftserverless/namespace:Namespace", id, { namespaceName: "ns" }, { protect: true }),
]);
add("Athena workgroup results with SSE_S3", (id) => [
  sp("aws:athena/workgroup:Workgroup", id, {
    configuration: {
      enforceWorkgroupConfiguration: true,
      resultConfiguration: { outputLocation: `s3://${DATA_BUCKET}/athena/`, encryptionConfiguration: { encryptionOption: "SSE_S3" } },
    },
  }),
]);
add("CloudWatch log group without a key", (id) => [sp("aws:cloudwatch/logGroup:LogGroup", id, { retentionInDays: 400 })]);
add("S3 bucket SSE aws:kms with no key (aws/s3)", (id) => [
  sp("aws:s3/bucket:Bucket", id, { bucket: `${id}-data` }, { protect: true }),
  sp(
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    `${id}-sse`,
    { bucket: `${id}-data`, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" }, bucketKeyEnabled: true }] },
    { dependsOn: { bucket: [id] } },
  ),
]);
add("S3 bucket SSE with alias/aws/s3", (id) => [
  sp("aws:s3/bucket:Bucket", id, { bucket: `${id}-data` }, { protect: true }),
  sp(
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    `${id}-sse`,
    { bucket: `${id}-data`, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "alias/aws/s3" } }] },
    { dependsOn: { bucket: [id] } },
  ),
]);
add("S3 data bucket on SSE-S3 made a 'log target' by a decoy BucketLogging", (id) => [
  sp("aws:s3/bucket:Bucket", id, { bucket: `${id}-features` }, { protect: true }),
  sp(
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    `${id}-sse`,
    { bucket: `${id}-features`, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
    { dependsOn: { bucket: [id] } },
  ),
  sp("aws:s3/bucket:Bucket", `${id}-decoy`, { bucket: `${id}-decoy` }, { protect: true }),
  sp(
    "aws:s3/bucketLogging:BucketLogging",
    `${id}-log`,
    { bucket: `${id}-decoy`, targetBucket: `${id}-features`, targetPrefix: "l/" },
    { dependsOn: { bucket: [`${id}-decoy`], targetBucket: [id] } },
  ),
]);

// ---------------------------------------------------------------- customer-managed keys (Azure)
group("cmk-azure", "uae-prod-azure", /cmk|encrypt|key/);
const az = (type: string, name: string, inputs: Record<string, unknown>, protect = true) =>
  sp(type, name, { resourceGroupName: "rg-mlops-uae-prod-azure-data", location: "uaenorth", ...inputs }, { protect });
add("Service Bus Premium namespace without CMK", (id) => [
  az("azure-native:servicebus:Namespace", id, {
    namespaceName: `${id}sb`,
    sku: { name: "Premium", tier: "Premium" },
    publicNetworkAccess: "Disabled",
    disableLocalAuth: true,
  }),
]);
add("Event Hubs namespace with keySource Microsoft.KeyVault but no key", (id) => [
  az("azure-native:eventhub:Namespace", id, {
    namespaceName: `${id}eh`,
    sku: { name: "Premium", tier: "Premium" },
    encryption: { keySource: "Microsoft.KeyVault", keyVaultProperties: [] },
    publicNetworkAccess: "Disabled",
    disableLocalAuth: true,
  }),
]);
add("Managed disk with platform key", (id) => [
  az("azure-native:compute:Disk", id, {
    diskName: `${id}d`,
    creationData: { createOption: "Empty" },
    diskSizeGB: 64,
    encryption: { type: "EncryptionAtRestWithPlatformKey" },
    networkAccessPolicy: "DenyAll",
    publicNetworkAccess: "Disabled",
  }),
]);
add("Snapshot with no encryption block", (id) => [
  az("azure-native:compute:Snapshot", id, {
    snapshotName: `${id}s`,
    creationData: { createOption: "Copy", sourceResourceId: `${RG}/providers/Microsoft.Compute/disks/d` },
    networkAccessPolicy: "DenyAll",
    publicNetworkAccess: "Disabled",
  }),
]);
add("Cosmos DB without keyVaultKeyUri", (id) => [
  az("azure-native:cosmosdb:DatabaseAccount", id, {
    accountName: `${id}c`,
    databaseAccountOfferType: "Standard",
    publicNetworkAccess: "Disabled",
    disableLocalAuth: true,
    locations: [{ locationName: "uaenorth", failoverPriority: 0 }],
  }),
]);
add("Cosmos DB with an empty keyVaultKeyUri", (id) => [
  az("azure-native:cosmosdb:DatabaseAccount", id, {
    accountName: `${id}c`,
    databaseAccountOfferType: "Standard",
    keyVaultKeyUri: "",
    publicNetworkAccess: "Disabled",
    disableLocalAuth: true,
    locations: [{ locationName: "uaenorth", failoverPriority: 0 }],
  }),
]);
add("SQL TDE protector ServiceManaged", (id) => [
  sp("azure-native:sql:EncryptionProtector", id, {
    resourceGroupName: "rg-mlops-uae-prod-azure-data",
    serverName: "sql-prod",
    encryptionProtectorName: "current",
    serverKeyType: "ServiceManaged",
  }),
]);
add("SQL server without a key", (id) => [
  az("azure-native:sql:Server", id, {
    serverName: `${id}sql`,
    administrators: { azureADOnlyAuthentication: true, login: "a", sid: "00000000-0000-0000-0000-000000000000" },
    publicNetworkAccess: "Disabled",
    minimalTlsVersion: "1.2",
  }),
]);
add("MySQL flexible server with SystemManaged data encryption", (id) => [
  az("azure-native:dbformysql:Server", id, {
    serverName: `${id}my`,
    dataEncryption: { type: "SystemManaged" },
    network: { publicNetworkAccess: "Disabled" },
  }),
]);
add("Container registry with encryption disabled", (id) => [
  az("azure-native:containerregistry:Registry", id, {
    registryName: `${id}acr`,
    sku: { name: "Premium" },
    encryption: { status: "disabled" },
    publicNetworkAccess: "Disabled",
    adminUserEnabled: false,
    anonymousPullEnabled: false,
  }),
]);
add("Storage encryption scope with Microsoft.Storage keys", (id) => [
  sp("azure-native:storage:EncryptionScope", id, {
    accountName: ACCOUNT_NAME,
    resourceGroupName: "rg-mlops-uae-prod-azure-data",
    encryptionScopeName: "data",
    source: "Microsoft.Storage",
    requireInfrastructureEncryption: true,
  }),
]);
add("Azure ML workspace without CMK", (id) => [
  az("azure-native:machinelearningservices:Workspace", id, {
    workspaceName: `${id}ml`,
    publicNetworkAccess: "Disabled",
    storageAccount: `${RG}/providers/Microsoft.Storage/storageAccounts/stmlopsprod`,
    keyVault: `${RG}/providers/Microsoft.KeyVault/vaults/kv`,
    identity: { type: "SystemAssigned" },
  }),
]);
add("AI Search service without CMK enforcement", (id) => [
  az("azure-native:search:Service", id, {
    searchServiceName: `${id}srch`,
    sku: { name: "standard" },
    publicNetworkAccess: "disabled",
    encryptionWithCmk: { enforcement: "Unspecified" },
  }),
]);
add("Redis Enterprise without CMK", (id) => [
  az("azure-native:redisenterprise:RedisEnterprise", id, {
    clusterName: `${id}re`,
    sku: { name: "Enterprise_E10" },
    minimumTlsVersion: "1.2",
  }),
]);

// ---------------------------------------------------------------- Azure network / access
group("network-azure", "uae-prod-azure", /network-security|public|private|role-assignment|firewall|endpoint/);
const nsgRule = (why: string, inputs: Record<string, unknown>) =>
  add(why, (id) => [
    sp("azure-native:network:SecurityRule", id, {
      resourceGroupName: "rg-mlops-uae-prod-azure-data",
      networkSecurityGroupName: "nsg",
      protocol: "Tcp",
      sourcePortRange: "*",
      destinationAddressPrefix: "*",
      destinationPortRange: "22",
      priority: 200,
      direction: "Inbound",
      access: "Allow",
      ...inputs,
    }),
  ]);
nsgRule("sourceAddressPrefixes split /1s", { sourceAddressPrefixes: ["0.0.0.0/1", "128.0.0.0/1"] });
nsgRule("sourceAddressPrefix 'internet' lower case", { sourceAddressPrefix: "internet" });
nsgRule("sourceAddressPrefix ::/0", { sourceAddressPrefix: "::/0" });
nsgRule("direction 'inbound' lower case, source *", { direction: "inbound", sourceAddressPrefix: "*" });
nsgRule("source 0.0.0.0/0 on a port range 1-65535", { sourceAddressPrefix: "0.0.0.0/0", destinationPortRange: "1-65535" });
add("NSG with inline rule from Internet on 3389 (destinationPortRanges)", (id) => [
  az(
    "azure-native:network:NetworkSecurityGroup",
    id,
    {
      networkSecurityGroupName: `${id}nsg`,
      securityRules: [
        {
          name: "rdp",
          protocol: "*",
          sourcePortRange: "*",
          sourceAddressPrefix: "Internet",
          destinationAddressPrefix: "*",
          destinationPortRanges: ["3389", "22"],
          priority: 100,
          direction: "Inbound",
          access: "Allow",
        },
      ],
    },
    false,
  ),
]);
add("PostgreSQL firewall rule 0.0.0.0-255.255.255.255", (id) => [
  sp("azure-native:dbforpostgresql:FirewallRule", id, {
    resourceGroupName: "rg-mlops-uae-prod-azure-data",
    serverName: "pg-prod",
    firewallRuleName: "all",
    startIpAddress: "0.0.0.0",
    endIpAddress: "255.255.255.255",
  }),
]);
add("SQL firewall rule allowing all Azure (0.0.0.0-0.0.0.0)", (id) => [
  sp("azure-native:sql:FirewallRule", id, {
    resourceGroupName: "rg-mlops-uae-prod-azure-data",
    serverName: "sql-prod",
    firewallRuleName: "AllowAllWindowsAzureIps",
    startIpAddress: "0.0.0.0",
    endIpAddress: "0.0.0.0",
  }),
]);
add("Redis firewall rule the whole internet", (id) => [
  sp("azure-native:redis:FirewallRule", id, {
    cacheName: "redis-prod",
    resourceGroupName: "rg-mlops-uae-prod-azure-data",
    ruleName: "all",
    startIP: "0.0.0.0",
    endIP: "255.255.255.255",
  }),
]);
add("Cosmos DB public with ipRules 0.0.0.0/1 and 128.0.0.0/1", (id) => [
  az("azure-native:cosmosdb:DatabaseAccount", id, {
    accountName: `${id}c`,
    databaseAccountOfferType: "Standard",
    keyVaultKeyUri: KV_KEY,
    publicNetworkAccess: "Enabled",
    ipRules: [{ ipAddressOrRange: "0.0.0.0/1" }, { ipAddressOrRange: "128.0.0.0/1" }],
    disableLocalAuth: true,
    locations: [{ locationName: "uaenorth", failoverPriority: 0 }],
  }),
]);
add("Key Vault public with network ACL default Allow", (id) => [
  az("azure-native:keyvault:Vault", id, {
    vaultName: `${id}kv`,
    properties: {
      tenantId: "00000000-0000-0000-0000-000000000000",
      sku: { family: "A", name: "premium" },
      enableRbacAuthorization: true,
      enableSoftDelete: true,
      enablePurgeProtection: true,
      publicNetworkAccess: "Enabled",
      networkAcls: { defaultAction: "Allow", bypass: "AzureServices" },
    },
  }),
]);
add("Owner role at subscription scope with a trailing slash", (id) => [
  sp("azure-native:authorization:RoleAssignment", id, {
    scope: `${SUB}/`,
    principalId: "11111111-1111-1111-1111-111111111111",
    principalType: "Group",
    roleDefinitionId: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635`,
  }),
]);
add("User Access Administrator at subscription scope in upper case", (id) => [
  sp("azure-native:authorization:RoleAssignment", id, {
    scope: SUB.toUpperCase(),
    principalId: "11111111-1111-1111-1111-111111111111",
    principalType: "User",
    roleDefinitionId: "/providers/Microsoft.Authorization/roleDefinitions/18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
  }),
]);
add("Custom role with actions * assignable at the subscription", (id) => [
  sp("azure-native:authorization:RoleDefinition", id, {
    scope: SUB,
    roleName: "team-admin",
    permissions: [{ actions: ["*"], notActions: [] }],
    assignableScopes: [SUB],
  }),
]);
add("Storage Blob Data Owner for a team at subscription scope", (id) => [
  sp("azure-native:authorization:RoleAssignment", id, {
    scope: SUB,
    principalId: "11111111-1111-1111-1111-111111111111",
    principalType: "Group",
    roleDefinitionId: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/b7e6dc6d-f1e8-4753-8033-0f276bb0955b`,
  }),
]);
add("Owner on the resource group (same blast radius as the stack)", (id) => [
  sp("azure-native:authorization:RoleAssignment", id, {
    scope: RG,
    principalId: "11111111-1111-1111-1111-111111111111",
    principalType: "User",
    roleDefinitionId: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635`,
  }),
]);
add("ML workspace with public network access", (id) => [
  az("azure-native:machinelearningservices:Workspace", id, {
    workspaceName: `${id}ml`,
    publicNetworkAccess: "Enabled",
    encryption: {
      status: "Enabled",
      keyVaultProperties: { keyIdentifier: KV_KEY, keyVaultArmId: `${RG}/providers/Microsoft.KeyVault/vaults/kv` },
    },
  }),
]);
add("SQL server publicNetworkAccess Enabled", (id) => [
  az("azure-native:sql:Server", id, {
    serverName: `${id}sql`,
    publicNetworkAccess: "Enabled",
    minimalTlsVersion: "1.2",
    keyId: KV_KEY,
    administrators: { azureADOnlyAuthentication: true, login: "a", sid: "00000000-0000-0000-0000-000000000000" },
  }),
]);

// ---------------------------------------------------------------- pods
const sc = {
  allowPrivilegeEscalation: false,
  runAsNonRoot: true,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};
const psc = { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } };
const res = { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } };
// From the stack's registry (the pull-through cache path of quay.io): production takes no upstream image,
// so a case is judged on its own concern, not on where its image comes from.
const IMG = "123456789012.dkr.ecr.me-central-1.amazonaws.com/quay/argoproj/argocli:v3.6.4";
const ok = (extra: Record<string, unknown> = {}) => ({ name: "c", image: IMG, resources: res, securityContext: sc, ...extra });
const meta = (name: string, namespace: string) => ({ name, namespace });
const podSpec = (container: Record<string, unknown>, pod: Record<string, unknown> = {}) => ({
  securityContext: psc,
  containers: [container],
  ...pod,
});
type Workload = (id: string, ns: string, spec: Record<string, unknown>) => Spec;
const W: Record<string, Workload> = {
  Deployment: (id, ns, spec) =>
    sp("kubernetes:apps/v1:Deployment", id, {
      metadata: meta(id, ns),
      spec: { selector: { matchLabels: { a: id } }, template: { metadata: { labels: { a: id } }, spec } },
    }),
  StatefulSet: (id, ns, spec) =>
    sp("kubernetes:apps/v1:StatefulSet", id, {
      metadata: meta(id, ns),
      spec: { serviceName: id, selector: { matchLabels: { a: id } }, template: { metadata: { labels: { a: id } }, spec } },
    }),
  DaemonSet: (id, ns, spec) =>
    sp("kubernetes:apps/v1:DaemonSet", id, {
      metadata: meta(id, ns),
      spec: { selector: { matchLabels: { a: id } }, template: { metadata: { labels: { a: id } }, spec } },
    }),
  ReplicaSet: (id, ns, spec) =>
    sp("kubernetes:apps/v1:ReplicaSet", id, {
      metadata: meta(id, ns),
      spec: { selector: { matchLabels: { a: id } }, template: { metadata: { labels: { a: id } }, spec } },
    }),
  ReplicationController: (id, ns, spec) =>
    sp("kubernetes:core/v1:ReplicationController", id, {
      metadata: meta(id, ns),
      spec: { selector: { a: id }, template: { metadata: { labels: { a: id } }, spec } },
    }),
  Job: (id, ns, spec) =>
    sp("kubernetes:batch/v1:Job", id, { metadata: meta(id, ns), spec: { template: { spec: { restartPolicy: "Never", ...spec } } } }),
  CronJob: (id, ns, spec) =>
    sp("kubernetes:batch/v1:CronJob", id, {
      metadata: meta(id, ns),
      spec: { schedule: "0 * * * *", jobTemplate: { spec: { template: { spec: { restartPolicy: "Never", ...spec } } } } },
    }),
  Pod: (id, ns, spec) => sp("kubernetes:core/v1:Pod", id, { metadata: meta(id, ns), spec }),
  PodTemplate: (id, ns, spec) => sp("kubernetes:core/v1:PodTemplate", id, { metadata: meta(id, ns), template: { spec } }),
  Rollout: (id, ns, spec) =>
    sp("kubernetes:argoproj.io/v1alpha1:Rollout", id, {
      metadata: meta(id, ns),
      spec: { selector: { matchLabels: { a: id } }, template: { metadata: { labels: { a: id } }, spec }, strategy: { canary: {} } },
    }),
  ScaledJob: (id, ns, spec) =>
    sp("kubernetes:keda.sh/v1alpha1:ScaledJob", id, {
      metadata: meta(id, ns),
      spec: {
        jobTargetRef: { template: { spec: { restartPolicy: "Never", ...spec } } },
        triggers: [{ type: "cron", metadata: { timezone: "UTC", start: "0 * * * *", end: "5 * * * *", desiredReplicas: "1" } }],
      },
    }),
  JobSet: (id, ns, spec) =>
    sp("kubernetes:jobset.x-k8s.io/v1alpha2:JobSet", id, {
      metadata: meta(id, ns),
      spec: {
        replicatedJobs: [{ name: "w", replicas: 1, template: { spec: { template: { spec: { restartPolicy: "Never", ...spec } } } } }],
      },
    }),
  RayJob: (id, ns, spec) =>
    sp("kubernetes:ray.io/v1:RayJob", id, {
      metadata: meta(id, ns),
      spec: { entrypoint: "python train.py", rayClusterSpec: { headGroupSpec: { rayStartParams: {}, template: { spec } } } },
    }),
  PyTorchJob: (id, ns, spec) =>
    sp("kubernetes:kubeflow.org/v1:PyTorchJob", id, {
      metadata: meta(id, ns),
      spec: { pytorchReplicaSpecs: { Master: { replicas: 1, restartPolicy: "OnFailure", template: { spec } } } },
    }),
  InferenceService: (id, ns, spec) =>
    sp("kubernetes:serving.kserve.io/v1beta1:InferenceService", id, { metadata: meta(id, ns), spec: { predictor: spec } }),
};
group("pods-privileged", "uae-prod", /privileged|restricted|host/);
const pod = (
  why: string,
  kind: string,
  ns: string,
  container: Record<string, unknown>,
  extra: Record<string, unknown> = {},
  rule?: RegExp,
) => add(`${kind} in ${ns}: ${why}`, (id) => [(W[kind] as Workload)(id, ns, podSpec(container, extra))], rule);
pod("privileged container", "Deployment", "default", ok({ securityContext: { ...sc, privileged: true } }));
pod("hostPath volume", "StatefulSet", "team-fraud", ok({ volumeMounts: [{ name: "h", mountPath: "/host" }] }), {
  volumes: [{ name: "h", hostPath: { path: "/" } }],
});
pod("hostNetwork", "DaemonSet", "kube-system", ok(), { hostNetwork: true });
pod("hostPID", "CronJob", "ml-pipelines", ok(), { hostPID: true });
pod("hostIPC", "Pod", "sandbox", ok(), { hostIPC: true });
pod(
  "capability SYS_ADMIN added",
  "ReplicaSet",
  "serving",
  ok({ securityContext: { ...sc, capabilities: { drop: ["ALL"], add: ["SYS_ADMIN"] } } }),
);
pod("privileged initContainer", "Job", "kube-system", ok(), {
  initContainers: [ok({ name: "init", securityContext: { ...sc, privileged: true } })],
});
pod("privileged, ReplicationController", "ReplicationController", "default", ok({ securityContext: { ...sc, privileged: true } }));
pod("hostPath in a PodTemplate", "PodTemplate", "team-credit", ok(), {
  volumes: [{ name: "h", hostPath: { path: "/var/run/docker.sock" } }],
});
pod("privileged, Argo Rollout", "Rollout", "serving", ok({ securityContext: { ...sc, privileged: true } }));
pod("privileged, KEDA ScaledJob", "ScaledJob", "team-fraud", ok({ securityContext: { ...sc, privileged: true } }));
pod("hostNetwork, JobSet", "JobSet", "team-fraud", ok(), { hostNetwork: true });
pod("privileged, RayJob head", "RayJob", "team-credit", ok({ securityContext: { ...sc, privileged: true } }));
pod("hostPath, PyTorchJob", "PyTorchJob", "team-fraud", ok(), { volumes: [{ name: "h", hostPath: { path: "/" } }] });
pod("privileged, KServe InferenceService predictor", "InferenceService", "serving", ok({ securityContext: { ...sc, privileged: true } }));
pod(
  "runAsUser 0 with runAsNonRoot unset",
  "Deployment",
  "team-fraud",
  ok({
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
      runAsUser: 0,
    },
  }),
  { securityContext: { seccompProfile: { type: "RuntimeDefault" } } },
);
pod("hostPort 22", "Deployment", "kube-system", ok({ ports: [{ containerPort: 22, hostPort: 22 }] }));
pod("allowPrivilegeEscalation true", "Job", "default", ok({ securityContext: { ...sc, allowPrivilegeEscalation: true } }));
pod("seccomp Unconfined", "StatefulSet", "ml-pipelines", ok({ securityContext: { ...sc, seccompProfile: { type: "Unconfined" } } }));
pod("procMount Unmasked", "Deployment", "team-credit", ok({ securityContext: { ...sc, procMount: "Unmasked" } }));
pod("capability add ALL", "Deployment", "mlflow", ok({ securityContext: { ...sc, capabilities: { drop: ["ALL"], add: ["ALL"] } } }));
pod(
  "capability 'CAP_SYS_ADMIN' spelled with prefix",
  "DaemonSet",
  "monitoring",
  ok({ securityContext: { ...sc, capabilities: { drop: ["ALL"], add: ["CAP_SYS_ADMIN"] } } }),
);

// Argo Workflows
group("pods-argo", "uae-prod", /privileged|restricted|registry|unpinned/);
const AW = {
  Workflow: "kubernetes:argoproj.io/v1alpha1:Workflow",
  WorkflowTemplate: "kubernetes:argoproj.io/v1alpha1:WorkflowTemplate",
  ClusterWorkflowTemplate: "kubernetes:argoproj.io/v1alpha1:ClusterWorkflowTemplate",
};
const argo = (why: string, kind: keyof typeof AW, ns: string, spec: Record<string, unknown>) =>
  add(`${kind}: ${why}`, (id) => [
    sp(AW[kind], id, {
      metadata: kind === "ClusterWorkflowTemplate" ? { name: id } : meta(id, ns),
      spec: { entrypoint: "main", securityContext: psc, ...spec },
    }),
  ]);
const tpl = (extra: Record<string, unknown>) => ({ name: "main", ...extra });
argo("privileged container template", "Workflow", "ml-pipelines", {
  templates: [tpl({ container: ok({ securityContext: { ...sc, privileged: true } }) })],
});
argo("script template as root", "WorkflowTemplate", "team-fraud", {
  templates: [
    tpl({ script: { ...ok({ securityContext: { ...sc, runAsNonRoot: false, runAsUser: 0 } }), source: "echo hi", command: ["sh"] } }),
  ],
});
argo("privileged sidecar", "WorkflowTemplate", "team-credit", {
  templates: [tpl({ container: ok(), sidecars: [ok({ name: "dind", securityContext: { privileged: true } })] })],
});
argo("privileged initContainer", "ClusterWorkflowTemplate", "", {
  templates: [tpl({ container: ok(), initContainers: [ok({ name: "i", securityContext: { ...sc, privileged: true } })] })],
});
argo("containerSet container privileged", "WorkflowTemplate", "ml-pipelines", {
  templates: [tpl({ containerSet: { containers: [ok({ name: "a", securityContext: { ...sc, privileged: true } })] } })],
});
argo("podSpecPatch string with privileged", "Workflow", "team-fraud", {
  podSpecPatch: '{"containers":[{"name":"main","securityContext":{"privileged":true}}]}',
  templates: [tpl({ container: ok() })],
});
argo("template podSpecPatch YAML with hostNetwork", "WorkflowTemplate", "team-fraud", {
  templates: [tpl({ container: ok(), podSpecPatch: "hostNetwork: true\n" })],
});
argo("templateDefaults with privileged container", "WorkflowTemplate", "team-credit", {
  templateDefaults: { container: { securityContext: { privileged: true } } },
  templates: [tpl({ container: ok() })],
});
argo("spec.hostNetwork true", "Workflow", "ml-pipelines", { hostNetwork: true, templates: [tpl({ container: ok() })] });
argo("spec.volumes hostPath", "WorkflowTemplate", "ml-pipelines", {
  volumes: [{ name: "h", hostPath: { path: "/" } }],
  templates: [tpl({ container: ok({ volumeMounts: [{ name: "h", mountPath: "/h" }] }) })],
});
argo("template volumes hostPath", "WorkflowTemplate", "team-fraud", {
  templates: [tpl({ container: ok(), volumes: [{ name: "h", hostPath: { path: "/var/lib/kubelet" } }] })],
});
argo("spec.securityContext runAsUser 0", "WorkflowTemplate", "team-credit", {
  securityContext: { runAsUser: 0, runAsNonRoot: false },
  templates: [
    tpl({
      container: {
        name: "c",
        image: IMG,
        resources: res,
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } },
      },
    }),
  ],
});
argo("template-level securityContext runAsNonRoot false", "Workflow", "team-fraud", {
  templates: [
    tpl({
      securityContext: { runAsNonRoot: false, runAsUser: 0 },
      container: {
        name: "c",
        image: IMG,
        resources: res,
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
      },
    }),
  ],
});
argo("resource template creating a privileged Pod", "WorkflowTemplate", "ml-pipelines", {
  templates: [
    tpl({
      resource: {
        action: "create",
        manifest:
          "apiVersion: v1\nkind: Pod\nmetadata:\n  generateName: x-\nspec:\n  containers:\n  - name: c\n    image: quay.io/argoproj/argocli:v3.6.4\n    securityContext:\n      privileged: true\n",
      },
    }),
  ],
});
argo("Docker Hub image in a script template", "WorkflowTemplate", "team-fraud", {
  templates: [tpl({ script: { ...ok({ image: "python:3.12" }), source: "print(1)", command: ["python"] } })],
});
argo("latest image in a sidecar", "Workflow", "ml-pipelines", {
  templates: [tpl({ container: ok(), sidecars: [ok({ name: "s", image: "quay.io/minio/minio:latest" })] })],
});
argo("untagged image in an initContainer", "ClusterWorkflowTemplate", "", {
  templates: [tpl({ container: ok(), initContainers: [ok({ name: "i", image: "quay.io/argoproj/argoexec" })] })],
});
argo("hostPID in podSpecPatch of the workflow", "WorkflowTemplate", "team-credit", {
  podSpecPatch: "hostPID: true",
  templates: [tpl({ container: ok() })],
});
argo("executor with privileged securityContext", "WorkflowTemplate", "team-fraud", {
  templates: [tpl({ container: ok(), executor: { serviceAccountName: "default" } })],
  podSpecPatch: '{"initContainers":[{"name":"init","securityContext":{"privileged":true}}]}',
});
add("CronWorkflow: privileged container in workflowSpec", (id) => [
  sp("kubernetes:argoproj.io/v1alpha1:CronWorkflow", id, {
    metadata: meta(id, "ml-pipelines"),
    spec: {
      schedules: ["0 * * * *"],
      workflowSpec: {
        entrypoint: "main",
        securityContext: psc,
        templates: [tpl({ container: ok({ securityContext: { ...sc, privileged: true } }) })],
      },
    },
  }),
]);
add("CronWorkflow: hostNetwork in workflowSpec", (id) => [
  sp("kubernetes:argoproj.io/v1alpha1:CronWorkflow", id, {
    metadata: meta(id, "team-fraud"),
    spec: {
      schedule: "0 * * * *",
      workflowSpec: { entrypoint: "main", hostNetwork: true, securityContext: psc, templates: [tpl({ container: ok() })] },
    },
  }),
]);

// Argo Events
group("pods-argo-events", "uae-prod", /privileged|restricted|registry|unpinned/);
add("Sensor template container privileged", (id) => [
  sp("kubernetes:argoproj.io/v1alpha1:Sensor", id, {
    metadata: meta(id, "argo-events"),
    spec: {
      template: { securityContext: psc, container: { resources: res, securityContext: { ...sc, privileged: true } } },
      dependencies: [{ name: "d", eventSourceName: "s", eventName: "e" }],
      triggers: [{ template: { name: "log", log: {} } }],
    },
  }),
]);
add("Sensor template hostPath volume", (id) => [
  sp("kubernetes:argoproj.io/v1alpha1:Sensor", id, {
    metadata: meta(id, "argo-events"),
    spec: {
      template: { securityContext: psc, volumes: [{ name: "h", hostPath: { path: "/" } }] },
      dependencies: [{ name: "d", eventSourceName: "s", eventName: "e" }],
      triggers: [{ template: { name: "log", log: {} } }],
    },
  }),
]);
add("Sensor k8s trigger creating a privileged Pod", (id) => [
  sp("kubernetes:argoproj.io/v1alpha1:Sensor", id, {
    metadata: meta(id, "argo-events"),
    spec: {
      template: { securityContext: psc, container: { resources: res, securityContext: sc } },
      dependencies: [{ name: "d", eventSourceName: "s", eventName: "e" }],
      triggers: [
        {
          template: {
            name: "pod",
            k8s: {
              operation: "create",
              source: {
                resource: {
                  apiVersion: "v1",
                  kind: "Pod",
                  metadata: { generateName: "x-", namespace: "team-fraud" },
                  spec: { containers: [{ name: "c", image: IMG, securityContext: { privileged: true } }] },
                },
              },
            },
          },
        },
      ],
    },
  }),
]);
add("Sensor argoWorkflow trigger with a Docker Hub image", (id) => [
  sp("kubernetes:argoproj.io/v1alpha1:Sensor", id, {
    metadata: meta(id, "argo-events"),
    spec: {
      template: { securityContext: psc, container: { resources: res, securityContext: sc } },
      dependencies: [{ name: "d", eventSourceName: "s", eventName: "e" }],
      triggers: [
        {
          template: {
            name: "wf",
            argoWorkflow: {
              operation: "submit",
              source: {
                resource: {
                  apiVersion: "argoproj.io/v1alpha1",
                  kind: "Workflow",
                  metadata: { generateName: "t-", namespace: "ml-pipelines" },
                  spec: {
                    entrypoint: "m",
                    templates: [
                      { name: "m", container: { image: "docker.io/library/python:3.12", securityContext: { privileged: true } } },
                    ],
                  },
                },
              },
            },
          },
        },
      ],
    },
  }),
]);
add("EventSource template running as root with a privileged container", (id) => [
  sp("kubernetes:argoproj.io/v1alpha1:EventSource", id, {
    metadata: meta(id, "argo-events"),
    spec: {
      template: { securityContext: { runAsUser: 0 }, container: { resources: res, securityContext: { privileged: true } } },
      webhook: { ex: { port: "12000", endpoint: "/x", method: "POST" } },
    },
  }),
]);
add("EventSource template hostPath volume", (id) => [
  sp("kubernetes:argoproj.io/v1alpha1:EventSource", id, {
    metadata: meta(id, "argo-events"),
    spec: {
      template: { securityContext: psc, volumes: [{ name: "h", hostPath: { path: "/etc" } }] },
      calendar: { ex: { interval: "1h" } },
    },
  }),
]);

// Images
group("pods-images", "uae-prod", /registry|unpinned/);
const img = (why: string, kind: string, ns: string, image: string) =>
  add(`${kind} in ${ns}: ${why} (${image})`, (id) => [(W[kind] as Workload)(id, ns, podSpec(ok({ image })))]);
img("Docker Hub short name", "Deployment", "default", "nginx:1.27");
img("Docker Hub explicit", "StatefulSet", "team-fraud", "docker.io/bitnami/redis:7.2");
img("Docker Hub index host", "Job", "kube-system", "index.docker.io/library/busybox:1.36");
img("allowed host as a prefix of another host", "Deployment", "serving", "quay.io.evil-mirror.net/argoproj/argocli:v3.6.4");
img("ECR of another region", "CronJob", "ml-pipelines", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/train:1.0.0");
img("ECR of another account (me-central-1)", "Deployment", "team-credit", "999999999999.dkr.ecr.me-central-1.amazonaws.com/train:1.0.0");
img("registry with a port", "Deployment", "team-fraud", "registry.internal:5000/train:1.0.0");
img("latest tag", "DaemonSet", "kube-system", "registry.k8s.io/pause:latest");
img("untagged", "Pod", "default", "quay.io/argoproj/argocli");
img("floating tag 'main'", "Deployment", "mlflow", "ghcr.io/mlflow/mlflow:main");
img("floating tag 'nightly'", "Job", "team-credit", "nvcr.io/nvidia/pytorch:nightly");
img("Docker Hub in a Rollout", "Rollout", "serving", "tensorflow/serving:2.15.0");
img("Docker Hub in a KServe predictor", "InferenceService", "serving", "pytorch/torchserve:0.11.0");
img("Docker Hub in a RayJob head", "RayJob", "team-fraud", "rayproject/ray:2.9.0");
img("latest in a JobSet", "JobSet", "team-credit", "nvcr.io/nvidia/pytorch:latest");
img("Docker Hub in a ScaledJob", "ScaledJob", "team-fraud", "python:3.12-slim");

// ---------------------------------------------------------------- Kubernetes RBAC, network policy, services
group("k8s-rbac", "uae-prod", /rbac/);
const cr = (why: string, rules: unknown[], extra: Record<string, unknown> = {}) =>
  add(why, (id) => [sp("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", id, { metadata: { name: id }, rules, ...extra })]);
cr("nonResourceURLs *", [{ nonResourceURLs: ["*"], verbs: ["get"] }]);
cr("escalate and bind on roles", [
  { apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles", "clusterrolebindings"], verbs: ["escalate", "bind", "create"] },
]);
cr("impersonate users and groups", [{ apiGroups: [""], resources: ["users", "groups", "serviceaccounts"], verbs: ["impersonate"] }]);
cr("read every secret cluster-wide", [{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "list", "watch"] }]);
cr("aggregationRule pulling in admin", [], {
  aggregationRule: { clusterRoleSelectors: [{ matchLabels: { "rbac.authorization.k8s.io/aggregate-to-admin": "true" } }] },
});
cr("nodes/proxy get (kubelet API = exec anywhere)", [{ apiGroups: [""], resources: ["nodes/proxy"], verbs: ["get", "create"] }]);
cr("create serviceaccounts/token cluster-wide", [{ apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"] }]);
cr("approve CSRs and sign", [
  { apiGroups: ["certificates.k8s.io"], resources: ["certificatesigningrequests/approval", "signers"], verbs: ["update", "approve"] },
]);
cr("patch validatingadmissionpolicybindings (disable guardrails)", [
  {
    apiGroups: ["admissionregistration.k8s.io"],
    resources: ["validatingadmissionpolicybindings", "validatingadmissionpolicies"],
    verbs: ["update", "patch", "delete"],
  },
]);
cr("pods/exec create cluster-wide", [{ apiGroups: [""], resources: ["pods/exec", "pods/attach"], verbs: ["create", "get"] }]);
cr("all verbs enumerated on everything in core", [
  {
    apiGroups: [""],
    resources: ["pods", "secrets", "configmaps", "services"],
    verbs: ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"],
  },
]);
add("RoleBinding of cluster-admin in kube-system", (id) => [
  sp("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", id, {
    metadata: meta(id, "kube-system"),
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
    subjects: [{ kind: "Group", name: "team-fraud", apiGroup: "rbac.authorization.k8s.io" }],
  }),
]);
add("RoleBinding of admin to all service accounts of a namespace", (id) => [
  sp("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", id, {
    metadata: meta(id, "team-fraud"),
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" },
    subjects: [{ kind: "Group", name: "system:serviceaccounts:team-fraud", apiGroup: "rbac.authorization.k8s.io" }],
  }),
]);
add("ClusterRoleBinding of view to system:authenticated", (id) => [
  sp("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", id, {
    metadata: { name: id },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
    subjects: [{ kind: "Group", name: "system:authenticated", apiGroup: "rbac.authorization.k8s.io" }],
  }),
]);
add("ClusterRoleBinding of cluster-admin to a namespace's default SA", (id) => [
  sp("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", id, {
    metadata: { name: id },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
    subjects: [{ kind: "ServiceAccount", name: "default", namespace: "team-fraud" }],
  }),
]);
add("ClusterRoleBinding of edit to User system:anonymous", (id) => [
  sp("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", id, {
    metadata: { name: id },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:aggregate-to-edit" },
    subjects: [{ kind: "User", name: "system:anonymous", apiGroup: "rbac.authorization.k8s.io" }],
  }),
]);

group("k8s-netpol", "uae-prod", /network-policy|egress/);
const np = (why: string, egress: unknown[], ns = "team-fraud", annotations: Record<string, string> = {}) =>
  add(why, (id) => [
    sp("kubernetes:networking.k8s.io/v1:NetworkPolicy", id, {
      metadata: { name: id, namespace: ns, annotations },
      spec: { podSelector: {}, policyTypes: ["Egress"], egress },
    }),
  ]);
np("egress [{}] (allow all)", [{}]);
np("egress rule with ports only, no to", [{ ports: [{ port: 443, protocol: "TCP" }] }]);
np("ipBlock split into /1s", [{ to: [{ ipBlock: { cidr: "0.0.0.0/1" } }, { ipBlock: { cidr: "128.0.0.0/1" } }] }], "ml-pipelines");
np("ipBlock ::/0", [{ to: [{ ipBlock: { cidr: "::/0" } }] }], "kube-system");
np(
  "ipBlock 0.0.0.0/0 except private, any port",
  [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] } }] }],
  "default",
);
np("empty to list", [{ to: [] }], "serving");
np("public /8 on port 22 without egress-hosts annotation", [
  { to: [{ ipBlock: { cidr: "52.0.0.0/8" } }], ports: [{ port: 22, protocol: "TCP" }] },
]);
np("to: [{}] (an empty peer)", [{ to: [{}] }], "team-credit");

group("k8s-service", "uae-prod", /load-balancer|public|service/);
const svc = (why: string, spec: Record<string, unknown>, annotations: Record<string, string> = {}, ns = "serving") =>
  add(why, (id) => [
    sp("kubernetes:core/v1:Service", id, {
      metadata: { name: id, namespace: ns, annotations },
      spec: { selector: { a: "b" }, ports: [{ port: 443, targetPort: 8443 }], ...spec },
    }),
  ]);
svc(
  "LoadBalancer with aws-load-balancer-internal false",
  { type: "LoadBalancer" },
  { "service.beta.kubernetes.io/aws-load-balancer-internal": "false" },
);
svc(
  "LoadBalancer with aws-load-balancer-scheme internet-facing",
  { type: "LoadBalancer" },
  {
    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
    "service.beta.kubernetes.io/aws-load-balancer-type": "external",
  },
);
svc("LoadBalancer in kube-system without annotation", { type: "LoadBalancer" }, {}, "kube-system");
svc("NodePort service", { type: "NodePort", ports: [{ port: 443, targetPort: 8443, nodePort: 30443 }] });
svc("externalIPs on a ClusterIP service", { externalIPs: ["203.0.113.10"] });
svc(
  "internal annotation plus both annotations conflicting (scheme internet-facing wins with LBC)",
  { type: "LoadBalancer" },
  {
    "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
  },
);
add("Ingress with ALB scheme internet-facing", (id) => [
  sp("kubernetes:networking.k8s.io/v1:Ingress", id, {
    metadata: { name: id, namespace: "serving", annotations: { "alb.ingress.kubernetes.io/scheme": "internet-facing" } },
    spec: {
      ingressClassName: "alb",
      rules: [{ http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "s", port: { number: 443 } } } }] } }],
    },
  }),
]);

// ---------------------------------------------------------------- run-time guardrails
group("guardrails-aws", "uae-prod", /cloudtrail|retention|lifecycle|audit|versioning/);
add("CloudTrail trail with logging off", (id) => [
  sp(
    "aws:cloudtrail/trail:Trail",
    id,
    {
      s3BucketName: AUDIT_BUCKET,
      kmsKeyId: KEY,
      enableLogFileValidation: true,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogging: false,
    },
    trailOnAudit,
  ),
]);
add("CloudTrail trail with write-only management events", (id) => [
  sp(
    "aws:cloudtrail/trail:Trail",
    id,
    {
      s3BucketName: AUDIT_BUCKET,
      kmsKeyId: KEY,
      enableLogFileValidation: true,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      eventSelectors: [{ readWriteType: "WriteOnly", includeManagementEvents: true }],
    },
    trailOnAudit,
  ),
]);
add("CloudTrail advanced selectors excluding KMS events", (id) => [
  sp(
    "aws:cloudtrail/trail:Trail",
    id,
    {
      s3BucketName: AUDIT_BUCKET,
      kmsKeyId: KEY,
      enableLogFileValidation: true,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      advancedEventSelectors: [
        {
          name: "mgmt",
          fieldSelectors: [
            { field: "eventCategory", equals: ["Management"] },
            { field: "eventSource", notEquals: ["kms.amazonaws.com"] },
          ],
        },
      ],
    },
    trailOnAudit,
  ),
]);
add("Log group retention 7 days", (id) => [sp("aws:cloudwatch/logGroup:LogGroup", id, { retentionInDays: 7, kmsKeyId: KEY })]);
add("Log group retention 30 days, Infrequent Access class", (id) => [
  sp("aws:cloudwatch/logGroup:LogGroup", id, { retentionInDays: 30, kmsKeyId: KEY, logGroupClass: "INFREQUENT_ACCESS" }),
]);
add("S3 lifecycle expiring the audit bucket after 30 days", (id) => [
  sp(
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    id,
    { bucket: AUDIT_BUCKET, rules: [{ id: "x", status: "Enabled", filter: {}, expiration: { days: 30 } }] },
    onAudit,
  ),
]);
add("S3 lifecycle deleting noncurrent versions after 1 day", (id) => [
  sp(
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    id,
    {
      bucket: DATA_BUCKET,
      rules: [{ id: "x", status: "Enabled", filter: { prefix: "" }, noncurrentVersionExpiration: { noncurrentDays: 1 } }],
    },
    onData,
  ),
]);
add("S3 versioning suspended on the data bucket", (id) => [
  sp("aws:s3/bucketVersioning:BucketVersioning", id, { bucket: DATA_BUCKET, versioningConfiguration: { status: "Suspended" } }, onData),
]);
add("GuardDuty detector disabled", (id) => [sp("aws:guardduty/detector:Detector", id, { enable: false })], /guardduty|audit|detector/);
add(
  "Config recorder stopped",
  (id) => [sp("aws:cfg/recorderStatus:RecorderStatus", id, { name: "default", isEnabled: false })],
  /config|audit|recorder/,
);
add(
  "RDS instance with backupRetentionPeriod 1 and no deletion protection",
  (id) => [
    sp(
      "aws:rds/instance:Instance",
      id,
      {
        engine: "postgres",
        instanceClass: "db.t4g.micro",
        allocatedStorage: 20,
        storageEncrypted: true,
        kmsKeyId: KEY,
        parameterGroupName: "pg-force-ssl",
        backupRetentionPeriod: 1,
        deletionProtection: false,
        skipFinalSnapshot: true,
        dbSubnetGroupName: "db",
        vpcSecurityGroupIds: ["sg-1"],
      },
      { protect: true },
    ),
  ],
  /deletion|backup|retention/,
);

group("guardrails-azure", "uae-prod-azure", /policy-assignment|audit|retention|soft-delete|lifecycle|purge/);
add("Allowed locations assignment with DoNotEnforce", (id) => [
  sp("azure-native:authorization:PolicyAssignment", id, {
    scope: SUB,
    policyAssignmentName: "allowed-locations-2",
    policyDefinitionId: "/providers/Microsoft.Authorization/policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c",
    enforcementMode: "DoNotEnforce",
    parameters: { listOfAllowedLocations: { value: ["uaenorth", "uaecentral"] } },
  }),
]);
add("Allowed locations assignment listing westeurope too", (id) => [
  sp("azure-native:authorization:PolicyAssignment", id, {
    scope: RG,
    policyAssignmentName: "allowed-locations-rg",
    policyDefinitionId: "/providers/Microsoft.Authorization/policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c",
    enforcementMode: "Default",
    parameters: { listOfAllowedLocations: { value: ["uaenorth", "uaecentral", "westeurope"] } },
  }),
]);
add("Policy exemption waiving the allowed-locations assignment", (id) => [
  sp("azure-native:authorization:PolicyExemption", id, {
    scope: RG,
    policyExemptionName: "waive",
    policyAssignmentId: `${SUB}/providers/Microsoft.Authorization/policyAssignments/allowed-locations`,
    exemptionCategory: "Waiver",
  }),
]);
add("Subscription activity log setting with Security off", (id) => [
  sp("azure-native:monitor:SubscriptionDiagnosticSetting", id, {
    name: "partial",
    workspaceId: WORKSPACE,
    logs: [
      { category: "Administrative", enabled: true },
      { category: "Security", enabled: false },
    ],
  }),
]);
add("Resource diagnostic setting with audit category disabled", (id) => [
  sp("azure-native:monitor:DiagnosticSetting", id, {
    resourceUri: `${RG}/providers/Microsoft.KeyVault/vaults/kv`,
    workspaceId: WORKSPACE,
    logs: [{ category: "AuditEvent", enabled: false }],
  }),
]);
add("Log Analytics workspace retention 30 days", (id) => [
  sp("azure-native:operationalinsights:Workspace", id, {
    resourceGroupName: "rg-mlops-uae-prod-azure-data",
    location: "uaenorth",
    workspaceName: `${id}ws`,
    retentionInDays: 30,
    sku: { name: "PerGB2018" },
  }),
]);
add("Log Analytics table totalRetentionInDays 30", (id) => [
  sp("azure-native:operationalinsights:Table", id, {
    resourceGroupName: "rg-mlops-uae-prod-azure-data",
    workspaceName: "azure-monitoring-workspace-9f233d3",
    tableName: "AzureActivity",
    retentionInDays: 30,
    totalRetentionInDays: 30,
  }),
]);
add("Storage management policy deleting blobs after 7 days", (id) => [
  sp("azure-native:storage:ManagementPolicy", id, {
    accountName: ACCOUNT_NAME,
    resourceGroupName: "rg-mlops-uae-prod-azure-data",
    managementPolicyName: "default",
    policy: {
      rules: [
        {
          name: "purge",
          enabled: true,
          type: "Lifecycle",
          definition: { filters: { blobTypes: ["blockBlob"] }, actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: 7 } } } },
        },
      ],
    },
  }),
]);
add("Blob service with soft delete off", (id) => [
  sp("azure-native:storage:BlobServiceProperties", id, {
    accountName: ACCOUNT_NAME,
    resourceGroupName: "rg-mlops-uae-prod-azure-data",
    blobServicesName: "default",
    deleteRetentionPolicy: { enabled: false },
    isVersioningEnabled: false,
  }),
]);
add("Key Vault without purge protection", (id) => [
  az("azure-native:keyvault:Vault", id, {
    vaultName: `${id}kv`,
    properties: {
      tenantId: "00000000-0000-0000-0000-000000000000",
      sku: { family: "A", name: "premium" },
      enableRbacAuthorization: true,
      enableSoftDelete: true,
      enablePurgeProtection: false,
      publicNetworkAccess: "Disabled",
      networkAcls: { defaultAction: "Deny" },
    },
  }),
]);
add(
  "Defender for Cloud pricing tier Free",
  (id) => [sp("azure-native:security:Pricing", id, { pricingName: "VirtualMachines", pricingTier: "Free", scopeId: SUB })],
  /defender|pricing|audit/,
);

group("guardrails-k8s", "uae-prod", /admission|guarded|pod-security|namespace/);
add("the platform's mlops-pod-security policy redeclared with failurePolicy Ignore", (id) => [
  sp("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy", id, {
    metadata: { name: "mlops-pod-security" },
    spec: {
      failurePolicy: "Ignore",
      matchConstraints: { resourceRules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["pods"] }] },
      validations: [{ expression: "true" }],
    },
  }),
]);
add("Binding with validationActions [Warn] for ml-pipelines", (id) => [
  sp("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding", id, {
    metadata: { name: id },
    spec: {
      policyName: "mlops-pod-security",
      validationActions: ["Warn", "Audit"],
      matchResources: { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ml-pipelines" } } },
    },
  }),
]);
add("New team namespace enforcing privileged", (id) => [
  sp("kubernetes:core/v1:Namespace", id, {
    metadata: {
      name: "team-risk",
      labels: {
        "mlops.platform/team": "risk",
        "mlops.platform/pipelines": "true",
        "pod-security.kubernetes.io/enforce": "privileged",
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/audit": "restricted",
      },
    },
  }),
]);
add("team-* namespace (no team label) enforcing baseline", (id) => [
  sp("kubernetes:core/v1:Namespace", id, {
    metadata: {
      name: "team-ops",
      labels: {
        "pod-security.kubernetes.io/enforce": "baseline",
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/audit": "restricted",
      },
    },
  }),
]);
add("Namespace with no pod-security labels", (id) => [sp("kubernetes:core/v1:Namespace", id, { metadata: { name: "scratch" } })]);

// ---------------------------------------------------------------- more forms, second pass
group("iam-identity-2", "uae-prod", /aws-iam-/);
rp("iam:CreateAccessKey on every user", { Effect: "Allow", Action: "iam:CreateAccessKey", Resource: `arn:aws:iam::${ACCOUNT}:user/*` });
rp("ssm:GetParameter* on every parameter, Resource given as a list", { Effect: "Allow", Action: "ssm:GetParameter*", Resource: ["*"] });
rp("* restricted only by aws:RequestedRegion", {
  Effect: "Allow",
  Action: "*",
  Resource: "*",
  Condition: { StringEquals: { "aws:RequestedRegion": "me-central-1" } },
});
rp("Effect spelled 'allow', Action 'S3:*'", { Effect: "allow", Action: "S3:*", Resource: "*" });
rp("NotAction with a single denied read", { Effect: "Allow", NotAction: "s3:DeleteObject", Resource: `arn:aws:s3:::${DATA_BUCKET}/*` });
add("aws:iam/accessKey for a CI user", (id) => [sp("aws:iam/accessKey:AccessKey", id, { user: "ci" })]);
add("aws:iam/userLoginProfile (console password)", (id) => [
  sp("aws:iam/userLoginProfile:UserLoginProfile", id, { user: "ci", passwordResetRequired: true }),
]);
add(
  "launch template with IMDSv1 allowed",
  (id) => [
    sp("aws:ec2/launchTemplate:LaunchTemplate", id, {
      metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 1, httpEndpoint: "enabled" },
    }),
  ],
  /imds/,
);
add(
  "launch template IMDSv2 with hop limit 2 (pods reach the node role)",
  (id) => [
    sp("aws:ec2/launchTemplate:LaunchTemplate", id, {
      metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2, httpEndpoint: "enabled" },
    }),
  ],
  /imds/,
);
add(
  "EC2 instance with IMDSv1 allowed",
  (id) => [
    sp("aws:ec2/instance:Instance", id, {
      ami: "ami-1",
      instanceType: "t3.micro",
      subnetId: "subnet-1",
      metadataOptions: { httpTokens: "optional" },
      rootBlockDevice: { encrypted: true, kmsKeyId: KEY },
    }),
  ],
  /imds/,
);

group("network-2", "uae-prod", /public-endpoint|security-group|public-access|tls/);
add("EKS public endpoint open to two /1s", (id) => [
  sp(
    "aws:eks/cluster:Cluster",
    id,
    {
      roleArn: `arn:aws:iam::${ACCOUNT}:role/eks`,
      vpcConfig: {
        subnetIds: ["a", "b"],
        endpointPrivateAccess: true,
        endpointPublicAccess: true,
        publicAccessCidrs: ["0.0.0.0/1", "128.0.0.0/1"],
      },
      encryptionConfig: { provider: { keyArn: KEY }, resources: ["secrets"] },
    },
    { protect: true },
  ),
]);
add("RDS parameter group with rds.force_ssl 0", (id) => [
  sp("aws:rds/parameterGroup:ParameterGroup", id, { family: "postgres16", parameters: [{ name: "rds.force_ssl", value: "0" }] }),
]);
add("security group egress-style rule declared as ingress from 0.0.0.0/0 on 443 to a non-listed LB", (id) => [
  sp("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", id, {
    securityGroupId: "sg-1",
    cidrIpv4: "0.0.0.0/0",
    ipProtocol: "tcp",
    fromPort: 443,
    toPort: 443,
  }),
]);

group("network-azure-2", "uae-prod-azure", /public|tls|network-security/);
add("AKS authorized IP ranges split into /1s", (id) => [
  az("azure-native:containerservice:ManagedCluster", id, {
    resourceName: `${id}aks`,
    dnsPrefix: "x",
    apiServerAccessProfile: { authorizedIPRanges: ["0.0.0.0/1", "128.0.0.0/1"] },
    disableLocalAccounts: true,
  }),
]);
add("Redis with the non-TLS port and TLS 1.0", (id) => [
  az("azure-native:redis:Redis", id, {
    name: `${id}redis`,
    sku: { name: "Premium", family: "P", capacity: 1 },
    enableNonSslPort: true,
    minimumTlsVersion: "1.0",
    publicNetworkAccess: "Disabled",
  }),
]);
add("PostgreSQL require_secure_transport off", (id) => [
  sp("azure-native:dbforpostgresql:Configuration", id, {
    resourceGroupName: "rg-mlops-uae-prod-azure-data",
    serverName: "pg",
    configurationName: "require_secure_transport",
    value: "OFF",
    source: "user-override",
  }),
]);
add("Storage account with TLS 1.0 and HTTP allowed", (id) => [
  az("azure-native:storage:StorageAccount", id, {
    accountName: `${id}st`,
    kind: "StorageV2",
    sku: { name: "Standard_ZRS" },
    minimumTlsVersion: "TLS1_0",
    enableHttpsTrafficOnly: false,
    publicNetworkAccess: "Disabled",
    allowBlobPublicAccess: false,
    allowSharedKeyAccess: false,
  }),
]);
add("NSG rule with Internet inside sourceAddressPrefixes", (id) => [
  sp("azure-native:network:SecurityRule", id, {
    resourceGroupName: "rg-mlops-uae-prod-azure-data",
    networkSecurityGroupName: "nsg",
    protocol: "*",
    sourcePortRange: "*",
    sourceAddressPrefixes: ["10.0.0.0/8", "Internet"],
    destinationAddressPrefix: "*",
    destinationPortRange: "*",
    priority: 300,
    direction: "Inbound",
    access: "allow",
  }),
]);
add(
  "Service LoadBalancer with azure-load-balancer-internal false",
  (id) => [
    sp("kubernetes:core/v1:Service", id, {
      metadata: { name: id, namespace: "serving", annotations: { "service.beta.kubernetes.io/azure-load-balancer-internal": "false" } },
      spec: { type: "LoadBalancer", selector: { a: "b" }, ports: [{ port: 443 }] },
    }),
  ],
  /load-balancer/,
);

group("residency-aws-2", "uae-prod", /region|replication|residen|local-destination|peering|external|allowlist/);
add("RDS automated backups replicated to eu-west-1", (id) => [
  sp("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication", id, {
    sourceDbInstanceArn: `arn:aws:rds:me-central-1:${ACCOUNT}:db:mlflow`,
    kmsKeyId: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/abc`,
    retentionPeriod: 14,
  }),
]);
add("RDS global cluster", (id) => [
  sp("aws:rds/globalCluster:GlobalCluster", id, {
    globalClusterIdentifier: "g",
    sourceDbClusterIdentifier: `arn:aws:rds:me-central-1:${ACCOUNT}:cluster:c`,
    forceDestroy: false,
  }),
]);
add("Firehose to a SaaS HTTP endpoint abroad", (id) => [
  sp("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", id, {
    destination: "http_endpoint",
    serverSideEncryption: { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn: KEY },
    httpEndpointConfiguration: {
      url: "https://aws-kinesis-http-intake.logs.datadoghq.eu/v1/input",
      name: "dd",
      roleArn: `arn:aws:iam::${ACCOUNT}:role/r`,
      s3Configuration: { bucketArn: `arn:aws:s3:::${DATA_BUCKET}`, roleArn: `arn:aws:iam::${ACCOUNT}:role/r` },
    },
  }),
]);
add("SNS subscription delivering to an external HTTPS endpoint", (id) => [
  sp("aws:sns/topicSubscription:TopicSubscription", id, {
    topic: `arn:aws:sns:me-central-1:${ACCOUNT}:t`,
    protocol: "https",
    endpoint: "https://hooks.example-saas.com/ingest",
  }),
]);
add("AWS provider without a region (ambient AWS_REGION)", (id) => [
  sp("pulumi:providers:aws", `${id}-prov`, { skipCredentialsValidation: "true" }),
  sp("aws:sqs/queue:Queue", id, { kmsMasterKeyId: KEY }, { providerSpec: `${id}-prov` }),
]);
add("AWS provider in eu-west-1 for one queue", (id) => [
  sp("pulumi:providers:aws", `${id}-prov`, { region: "eu-west-1" }),
  sp("aws:sqs/queue:Queue", id, { kmsMasterKeyId: KEY }, { providerSpec: `${id}-prov` }),
]);
add(
  "Kubernetes provider pointing at a foreign cluster",
  (id) => [
    sp("pulumi:providers:kubernetes", `${id}-prov`, {
      kubeconfig: JSON.stringify({
        apiVersion: "v1",
        clusters: [{ name: "eu", cluster: { server: "https://ABCDEF.gr7.eu-west-1.eks.amazonaws.com" } }],
        contexts: [{ name: "eu", context: { cluster: "eu", user: "u" } }],
        "current-context": "eu",
        users: [{ name: "u", user: {} }],
      }),
    }),
    sp(
      "kubernetes:core/v1:ConfigMap",
      id,
      { metadata: { name: id, namespace: "default" }, data: { a: "b" } },
      { providerSpec: `${id}-prov` },
    ),
  ],
  /provider|cluster/,
);
add(
  "Kubernetes provider from the ambient kubeconfig",
  (id) => [
    sp("pulumi:providers:kubernetes", `${id}-prov`, { context: "prod-eu" }),
    sp(
      "kubernetes:core/v1:ConfigMap",
      id,
      { metadata: { name: id, namespace: "default" }, data: { a: "b" } },
      { providerSpec: `${id}-prov` },
    ),
  ],
  /provider|cluster/,
);
for (const [type, inputs] of [
  ["gcp:storage/bucket:Bucket", { location: "EU", name: "ml-exports" }],
  ["aws-native:s3:Bucket", { bucketName: "ml-exports" }],
  [
    "azure:storage/account:Account",
    { location: "westeurope", accountTier: "Standard", accountReplicationType: "GRS", resourceGroupName: "rg" },
  ],
  ["cloudflare:index/r2Bucket:R2Bucket", { accountId: "x", name: "ml-exports" }],
  ["command:local:Command", { create: "aws s3 sync s3://data s3://eu-copy --region eu-west-1" }],
] as const) {
  add(
    `a resource of another provider package (${type})`,
    (id) => [sp(type, id, { ...inputs }, { provider: "none" })],
    /package|provider|region/,
  );
}

group("residency-azure-2", "uae-prod-azure", /location|local-destination|residen|allowlist/);
add("Diagnostic setting to a partner solution", (id) => [
  sp("azure-native:monitor:DiagnosticSetting", id, {
    resourceUri: `${RG}/providers/Microsoft.KeyVault/vaults/kv`,
    marketplacePartnerId: `${SUB}/resourceGroups/rg/providers/Microsoft.Datadog/monitors/dd`,
    logs: [{ categoryGroup: "allLogs", enabled: true }],
  }),
]);
add("Diagnostic setting to a storage account outside the stack", (id) => [
  sp("azure-native:monitor:DiagnosticSetting", id, {
    resourceUri: `${RG}/providers/Microsoft.KeyVault/vaults/kv`,
    storageAccountId: `${SUB}/resourceGroups/rg-siem/providers/Microsoft.Storage/storageAccounts/siemweu`,
    logs: [{ categoryGroup: "audit", enabled: true }],
  }),
]);
add("Event Grid subscription to an external webhook", (id) => [
  sp("azure-native:eventgrid:EventSubscription", id, {
    eventSubscriptionName: "e",
    scope: `${RG}/providers/Microsoft.Storage/storageAccounts/${ACCOUNT_NAME}`,
    destination: { endpointType: "WebHook", endpointUrl: "https://hooks.example-saas.com/ingest" },
  }),
]);
add("Azure provider in westeurope", (id) => [
  sp("pulumi:providers:azure-native", `${id}-prov`, { location: "westeurope" }),
  sp("azure-native:resources:ResourceGroup", id, { resourceGroupName: `${id}-rg` }, { providerSpec: `${id}-prov` }),
]);

group("pods-2", "uae-prod", /privileged|restricted|registry|unpinned|helm/);
pod(
  "Windows hostProcess container",
  "Deployment",
  "team-fraud",
  ok({ securityContext: { ...sc, windowsOptions: { hostProcess: true } } }),
  { hostNetwork: false },
);
pod(
  "SELinux type spc_t (super-privileged)",
  "Deployment",
  "team-credit",
  ok({ securityContext: { ...sc, seLinuxOptions: { type: "spc_t" } } }),
);
pod("AppArmor Unconfined", "StatefulSet", "serving", ok({ securityContext: { ...sc, appArmorProfile: { type: "Unconfined" } } }));
pod("unsafe sysctl kernel.msgmax", "Job", "ml-pipelines", ok(), {
  securityContext: { ...psc, sysctls: [{ name: "kernel.msgmax", value: "65536" }] },
});
pod("runAsNonRoot false at pod and container", "Deployment", "argo", ok({ securityContext: { ...sc, runAsNonRoot: false } }), {
  securityContext: { runAsNonRoot: false, seccompProfile: { type: "RuntimeDefault" } },
});
pod(
  "capability NET_RAW added",
  "DaemonSet",
  "monitoring",
  ok({ securityContext: { ...sc, capabilities: { drop: ["ALL"], add: ["NET_RAW"] } } }),
);
pod(
  "capability add sys_ptrace lower case",
  "Deployment",
  "default",
  ok({ securityContext: { ...sc, capabilities: { drop: ["ALL"], add: ["sys_ptrace"] } } }),
);
pod(
  "no capabilities drop",
  "Deployment",
  "kube-system",
  ok({ securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } } }),
);
add("PersistentVolume with hostPath /", (id) => [
  sp("kubernetes:core/v1:PersistentVolume", id, {
    metadata: { name: id },
    spec: { capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"], hostPath: { path: "/" }, storageClassName: "manual" },
  }),
]);
img("Docker Hub registry-1 host", "Deployment", "team-fraud", "registry-1.docker.io/library/nginx:1.27");
img("Docker Hub through mirror.gcr.io", "Deployment", "team-credit", "mirror.gcr.io/library/nginx:1.27");
img("floating tag latest-gpu", "Deployment", "serving", "ghcr.io/acme/model-server:latest-gpu");
add("Helm release values pulling a Docker Hub image with tag latest", (id) => [
  sp("kubernetes:helm.sh/v3:Release", id, {
    chart: "redis",
    version: "19.6.4",
    namespace: "team-fraud",
    repositoryOpts: { repo: "https://charts.bitnami.com/bitnami" },
    values: { image: { registry: "docker.io", repository: "bitnami/redis", tag: "latest" } },
  }),
]);
add("Helm release values with a privileged sidecar", (id) => [
  sp("kubernetes:helm.sh/v3:Release", id, {
    chart: "app",
    version: "1.2.3",
    namespace: "serving",
    repositoryOpts: { repo: "oci://ghcr.io/acme/charts" },
    values: { securityContext: { privileged: true }, podSecurityContext: { runAsUser: 0 } },
  }),
]);

group("k8s-2", "uae-prod", /network-policy|egress|rbac|secret|credential/);
np(
  "0.0.0.0/0 on 443 without the egress-hosts annotation",
  [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ port: 443, protocol: "TCP" }] }],
  "team-credit",
);
np(
  "namespaceSelector {} plus 0.0.0.0/0 any port",
  [{ to: [{ namespaceSelector: {} }, { ipBlock: { cidr: "0.0.0.0/0" } }] }],
  "ml-pipelines",
);
add("CiliumNetworkPolicy egress toEntities world", (id) => [
  sp("kubernetes:cilium.io/v2:CiliumNetworkPolicy", id, {
    metadata: { name: id, namespace: "team-fraud" },
    spec: { endpointSelector: {}, egress: [{ toEntities: ["world"] }] },
  }),
]);
add("Role with verbs * in kube-system", (id) => [
  sp("kubernetes:rbac.authorization.k8s.io/v1:Role", id, {
    metadata: meta(id, "kube-system"),
    rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["*"] }],
  }),
]);
add("Secret with service principal JSON under a neutral key", (id) => [
  sp("kubernetes:core/v1:Secret", id, {
    metadata: meta(id, "team-fraud"),
    stringData: {
      "config.json": JSON.stringify({
        clientId: "11111111-1111-1111-1111-111111111111",
        clientSecret: "abc~DEF123456789012345678901234567890",
        tenantId: "22222222-2222-2222-2222-222222222222",
      }),
    },
  }),
]);
add("Secret with a storage connection string", (id) => [
  sp("kubernetes:core/v1:Secret", id, {
    metadata: meta(id, "ml-pipelines"),
    stringData: {
      conn: "DefaultEndpointsProtocol=https;AccountName=st;AccountKey=YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXo=;EndpointSuffix=core.windows.net",
    },
  }),
]);
add("Secret with an AWS credentials file base64 in data", (id) => [
  sp("kubernetes:core/v1:Secret", id, {
    metadata: meta(id, "default"),
    data: {
      credentials: Buffer.from(
        "[default]\naws_access_key_id = AKIAABCDEFGHIJKLMNOP\naws_secret_access_key = abcdEFGHijklMNOPqrstUVWXyz0123456789ABCD\n",
      ).toString("base64"),
    },
  }),
]);

group("guardrails-2", "uae-prod", /cloudtrail|retention|lifecycle|admission|guarded|audit/);
add("CloudTrail single-region trail", (id) => [
  sp(
    "aws:cloudtrail/trail:Trail",
    id,
    {
      s3BucketName: AUDIT_BUCKET,
      kmsKeyId: KEY,
      enableLogFileValidation: true,
      isMultiRegionTrail: false,
      includeGlobalServiceEvents: true,
    },
    trailOnAudit,
  ),
]);
add("CloudTrail without global service events", (id) => [
  sp(
    "aws:cloudtrail/trail:Trail",
    id,
    {
      s3BucketName: AUDIT_BUCKET,
      kmsKeyId: KEY,
      enableLogFileValidation: true,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: false,
    },
    trailOnAudit,
  ),
]);
add("Log group retention 0 (unmanaged)", (id) => [sp("aws:cloudwatch/logGroup:LogGroup", id, { retentionInDays: 0, kmsKeyId: KEY })]);
add("S3 lifecycle expiring objects on a fixed date", (id) => [
  sp(
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    id,
    { bucket: DATA_BUCKET, rules: [{ id: "x", status: "Enabled", filter: {}, expiration: { date: "2027-01-01T00:00:00Z" } }] },
    onData,
  ),
]);
add("mlops-pod-security binding redeclared with validationActions [Audit]", (id) => [
  sp("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding", id, {
    metadata: { name: "mlops-pod-security" },
    spec: {
      policyName: "mlops-pod-security",
      validationActions: ["Audit"],
      matchResources: {
        namespaceSelector: {
          matchExpressions: [
            { key: "kubernetes.io/metadata.name", operator: "In", values: ["ml-pipelines", "serving", "team-credit", "team-fraud"] },
          ],
        },
      },
    },
  }),
]);
add("mlops-images binding redeclared for ml-pipelines only", (id) => [
  sp("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding", id, {
    metadata: { name: "mlops-images" },
    spec: {
      policyName: "mlops-images",
      validationActions: ["Deny", "Audit"],
      matchResources: {
        namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["ml-pipelines"] }] },
      },
    },
  }),
]);
add("mlops-resources policy redeclared with a matchCondition that never matches", (id) => [
  sp("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy", id, {
    metadata: { name: "mlops-resources" },
    spec: {
      failurePolicy: "Fail",
      matchConstraints: {
        resourceRules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["pods"] }],
      },
      matchConditions: [{ name: "never", expression: "false" }],
      validations: [{ expression: "true" }],
    },
  }),
]);

group("guardrails-azure-2", "uae-prod-azure", /policy-assignment|retention|lifecycle|audit/);
add("Allowed locations assignment with notScopes on the data group", (id) => [
  sp("azure-native:authorization:PolicyAssignment", id, {
    scope: SUB,
    policyAssignmentName: "allowed-locations-sub",
    policyDefinitionId: "/providers/Microsoft.Authorization/policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c",
    enforcementMode: "Default",
    notScopes: [RG],
    parameters: { listOfAllowedLocations: { value: ["uaenorth", "uaecentral"] } },
  }),
]);
add("Allowed locations assignment with an override to Audit", (id) => [
  sp("azure-native:authorization:PolicyAssignment", id, {
    scope: RG,
    policyAssignmentName: "allowed-locations-audit",
    policyDefinitionId: "/providers/Microsoft.Authorization/policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c",
    enforcementMode: "Default",
    overrides: [{ kind: "policyEffect", value: "Audit" }],
    parameters: { listOfAllowedLocations: { value: ["uaenorth", "uaecentral"] } },
  }),
]);
add("Management policy deleting blob versions after 1 day", (id) => [
  sp("azure-native:storage:ManagementPolicy", id, {
    accountName: ACCOUNT_NAME,
    resourceGroupName: "rg-mlops-uae-prod-azure-data",
    managementPolicyName: "default",
    policy: {
      rules: [
        {
          name: "v",
          enabled: true,
          type: "Lifecycle",
          definition: { filters: { blobTypes: ["blockBlob"] }, actions: { version: { delete: { daysAfterCreationGreaterThan: 1 } } } },
        },
      ],
    },
  }),
]);

// ---------------------------------------------------------------- S3 bucket inline forms (an otherwise compliant bucket)
group("s3-inline", "uae-prod", /s3|external|region|residen/);
/** A bucket with its public access block, versioning, SSE-KMS and TLS-only policy, plus `inline` on the bucket itself. */
function bucket(id: string, inline: Record<string, unknown>, omit: readonly string[] = []): Spec[] {
  const name = `${id}-bkt`;
  const on = { dependsOn: { bucket: [id] } };
  const specs: Spec[] = [sp("aws:s3/bucket:Bucket", id, { bucket: name, ...inline }, { protect: true })];
  if (!omit.includes("pab"))
    specs.push(
      sp(
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        `${id}-pab`,
        { bucket: name, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
        on,
      ),
    );
  if (!omit.includes("versioning"))
    specs.push(
      sp("aws:s3/bucketVersioning:BucketVersioning", `${id}-ver`, { bucket: name, versioningConfiguration: { status: "Enabled" } }, on),
    );
  if (!omit.includes("sse"))
    specs.push(
      sp(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        `${id}-sse`,
        {
          bucket: name,
          rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY }, bucketKeyEnabled: true }],
        },
        on,
      ),
    );
  if (!omit.includes("policy"))
    specs.push(
      sp(
        "aws:s3/bucketPolicy:BucketPolicy",
        `${id}-pol`,
        {
          bucket: name,
          policy: doc({
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [`arn:aws:s3:::${name}`, `arn:aws:s3:::${name}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          }),
        },
        on,
      ),
    );
  return specs;
}
control("control: the compliant bucket the inline cases start from", (id) => bucket(id, {}));
add("bucket inline replicationConfiguration to a bucket outside the stack", (id) =>
  bucket(id, {
    replicationConfiguration: {
      role: `arn:aws:iam::${ACCOUNT}:role/repl`,
      rules: [{ id: "all", status: "Enabled", destination: { bucket: "arn:aws:s3:::partner-eu-bucket", storageClass: "STANDARD" } }],
    },
  }),
);
add("bucket inline acl public-read", (id) => bucket(id, { acl: "public-read" }));
add("bucket inline grants READ to AllUsers", (id) =>
  bucket(id, { grants: [{ type: "Group", uri: "http://acs.amazonaws.com/groups/global/AllUsers", permissions: ["READ"] }] }),
);
add("bucket inline SSE with alias/aws/s3 and no SSE resource", (id) =>
  bucket(
    id,
    {
      serverSideEncryptionConfiguration: {
        rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "alias/aws/s3" } },
      },
    },
    ["sse"],
  ),
);
add("bucket inline logging to a bucket outside the stack", (id) =>
  bucket(id, { logging: { targetBucket: "central-logs-eu", targetPrefix: "x/" } }),
);
add("bucket inline lifecycle expiring objects after 1 day", (id) =>
  bucket(id, { lifecycleRules: [{ id: "x", enabled: true, expiration: { days: 1 } }] }),
);
add("bucket inline versioning disabled and no BucketVersioning", (id) => bucket(id, { versioning: { enabled: false } }, ["versioning"]));
add("bucket inline website hosting", (id) => bucket(id, { website: { indexDocument: "index.html" } }), /public/);
add("bucket inline policy letting anyone read", (id) =>
  bucket(id, { policy: doc({ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${id}-bkt/*` }) }),
);
add("bucket public access block with restrictPublicBuckets false", (id) => [
  ...bucket(id, {}, ["pab"]),
  sp(
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    `${id}-pab2`,
    { bucket: `${id}-bkt`, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: false },
    { dependsOn: { bucket: [id] } },
  ),
]);
add("bucket ownership controls allowing ACLs plus a public-read BucketAcl", (id) => [
  ...bucket(id, {}),
  sp(
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    `${id}-own`,
    { bucket: `${id}-bkt`, rule: { objectOwnership: "ObjectWriter" } },
    { dependsOn: { bucket: [id] } },
  ),
  sp("aws:s3/bucketAcl:BucketAcl", `${id}-acl`, { bucket: `${id}-bkt`, acl: "public-read-write" }, { dependsOn: { bucket: [id] } }),
]);
add("bucket SSE-S3 with a decoy logging resource from an existing bucket", (id) => [
  ...bucket(id, {}, ["sse"]),
  sp(
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    `${id}-sse3`,
    { bucket: `${id}-bkt`, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
    { dependsOn: { bucket: [id] } },
  ),
  sp(
    "aws:s3/bucketLogging:BucketLogging",
    `${id}-decoy`,
    { bucket: DATA_BUCKET, targetBucket: `${id}-bkt`, targetPrefix: "d/" },
    { dependsOn: { bucket: [DATA_BUCKET_URN], targetBucket: [id] } },
  ),
]);

group("controls", "uae-prod", /^$/);
control("control: the hardened container in a Deployment in team-fraud", (id) => [
  (W.Deployment as Workload)(id, "team-fraud", podSpec(ok())),
]);
control("control: the hardened container in a WorkflowTemplate", (id) => [
  sp(AW.WorkflowTemplate, id, {
    metadata: meta(id, "ml-pipelines"),
    spec: { entrypoint: "main", securityContext: psc, templates: [tpl({ container: ok() })] },
  }),
]);
control("control: the hardened container in custom resources (ScaledJob, JobSet, RayJob, PyTorchJob, InferenceService)", (id) =>
  ["ScaledJob", "JobSet", "RayJob", "PyTorchJob", "InferenceService"].map((kind) =>
    (W[kind] as Workload)(`${id}-${kind}`, "team-fraud", podSpec(ok())),
  ),
);
control("control: a ClusterRole reading pods and a Cilium policy to named hosts on 443", (id) => [
  sp("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", `${id}-cr`, {
    metadata: { name: `${id}-cr` },
    rules: [{ apiGroups: [""], resources: ["pods", "pods/log"], verbs: ["get", "list", "watch"] }],
  }),
  sp("kubernetes:cilium.io/v2:CiliumNetworkPolicy", `${id}-cnp`, {
    metadata: { name: `${id}-cnp`, namespace: "team-fraud" },
    spec: {
      endpointSelector: {},
      egress: [{ toFQDNs: [{ matchName: "pypi.org" }], toPorts: [{ ports: [{ port: "443", protocol: "TCP" }] }] }],
    },
  }),
]);

// ---------------------------------------------------------------- third pass: pods outside the usual places, more guardrails
group("pods-3", "uae-prod", /privileged|restricted|registry|unpinned|fail|evaluat/);
argo("inline template of a steps step, privileged", "WorkflowTemplate", "team-fraud", {
  templates: [tpl({ steps: [[{ name: "s", inline: { container: ok({ securityContext: { ...sc, privileged: true } }) } }]] })],
});
argo("inline template of a DAG task, Docker Hub image", "WorkflowTemplate", "ml-pipelines", {
  templates: [tpl({ dag: { tasks: [{ name: "t", inline: { container: ok({ image: "python:3.12" }) } }] } })],
});
argo("resource template creating a Deployment with a hostPath volume", "WorkflowTemplate", "team-credit", {
  templates: [
    tpl({
      resource: {
        action: "apply",
        manifest: JSON.stringify({
          apiVersion: "apps/v1",
          kind: "Deployment",
          metadata: { name: "d" },
          spec: {
            selector: { matchLabels: { a: "b" } },
            template: { metadata: { labels: { a: "b" } }, spec: { containers: [ok()], volumes: [{ name: "h", hostPath: { path: "/" } }] } },
          },
        }),
      },
    }),
  ],
});
add("Sensor k8s trigger whose manifest is fetched from a URL (cannot be judged)", (id) => [
  sp("kubernetes:argoproj.io/v1alpha1:Sensor", id, {
    metadata: meta(id, "argo-events"),
    spec: {
      template: { securityContext: psc, container: { resources: res, securityContext: sc } },
      dependencies: [{ name: "d", eventSourceName: "s", eventName: "e" }],
      triggers: [
        {
          template: {
            name: "pod",
            k8s: {
              operation: "create",
              source: { url: { path: "https://raw.githubusercontent.com/acme/x/main/pod.yaml", verifyCert: true } },
            },
          },
        },
      ],
    },
  }),
]);
add("yaml/v2 ConfigGroup carrying a privileged Pod", (id) => [
  sp("kubernetes:yaml/v2:ConfigGroup", id, {
    yaml: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\n  namespace: kube-system\nspec:\n  hostPID: true\n  containers:\n  - name: c\n    image: busybox\n    securityContext:\n      privileged: true\n",
  }),
]);
add("ECS task definition with a privileged Docker Hub container", (id) => [
  sp("aws:ecs/taskDefinition:TaskDefinition", id, {
    family: "batch",
    requiresCompatibilities: ["EC2"],
    containerDefinitions: JSON.stringify([{ name: "c", image: "python:3.12", privileged: true, memory: 512 }]),
  }),
]);
add(
  "SageMaker notebook with direct internet access and root",
  (id) => [
    sp("aws:sagemaker/notebookInstance:NotebookInstance", id, {
      instanceType: "ml.t3.medium",
      roleArn: `arn:aws:iam::${ACCOUNT}:role/r`,
      kmsKeyId: KEY,
      directInternetAccess: "Enabled",
      rootAccess: "Enabled",
    }),
  ],
  /public|internet|network|privileged/,
);

group("guardrails-3", "uae-prod", /kms|rotation|multi-region|residen|region|external|local-destination/);
add("KMS key without rotation", (id) => [sp("aws:kms/key:Key", id, { enableKeyRotation: false }, { protect: true })]);
add("KMS key multi-Region primary", (id) => [sp("aws:kms/key:Key", id, { enableKeyRotation: true, multiRegion: true }, { protect: true })]);
add("S3 inventory of the data bucket delivered to a vendor bucket", (id) => [
  sp(
    "aws:s3/inventory:Inventory",
    id,
    {
      bucket: DATA_BUCKET,
      name: "all",
      includedObjectVersions: "All",
      schedule: { frequency: "Daily" },
      destination: { bucket: { format: "CSV", bucketArn: "arn:aws:s3:::vendor-inventory-eu", accountId: FOREIGN } },
    },
    onData,
  ),
]);

group("guardrails-azure-3", "uae-prod-azure", /audit|public|rotation|key|access/);
add("SQL server auditing disabled", (id) => [
  sp("azure-native:sql:ServerBlobAuditingPolicy", id, {
    resourceGroupName: "rg-mlops-uae-prod-azure-data",
    serverName: "sql-prod",
    blobAuditingPolicyName: "default",
    state: "Disabled",
  }),
]);
add("Blob container with anonymous Container access", (id) => [
  sp("azure-native:storage:BlobContainer", id, {
    accountName: ACCOUNT_NAME,
    resourceGroupName: "rg-mlops-uae-prod-azure-data",
    containerName: "public-models",
    publicAccess: "Container",
  }),
]);
add("Key Vault key without a rotation policy", (id) => [
  sp(
    "azure-native:keyvault:Key",
    id,
    { resourceGroupName: "rg-mlops-uae-prod-azure-data", vaultName: "kv", keyName: `${id}k`, properties: { kty: "RSA", keySize: 3072 } },
    { protect: true },
  ),
]);
add("Container registry with anonymous pull and the admin user", (id) => [
  az("azure-native:containerregistry:Registry", id, {
    registryName: `${id}acr`,
    sku: { name: "Premium" },
    anonymousPullEnabled: true,
    adminUserEnabled: true,
    publicNetworkAccess: "Disabled",
  }),
]);
add(
  "Azure container group with a public IP and a Docker Hub image",
  (id) => [
    sp("azure-native:containerinstance:ContainerGroup", id, {
      resourceGroupName: "rg-mlops-uae-prod-azure-data",
      location: "uaenorth",
      osType: "Linux",
      ipAddress: { type: "Public", ports: [{ port: 80, protocol: "TCP" }] },
      containers: [{ name: "c", image: "nginx:latest", resources: { requests: { cpu: 1, memoryInGB: 1 } }, ports: [{ port: 80 }] }],
    }),
  ],
  /public|registry|unpinned|network|container/,
);
