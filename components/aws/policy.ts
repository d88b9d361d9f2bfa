/**
 * IAM, KMS and S3 policy documents, built as plain JSON from exact ARNs. Pure functions, tested
 * without mocks; the components serialize them with `pulumi.jsonStringify` once the ARNs resolve.
 */
import { s3ObjectsArn } from "./arn";

/** An IAM condition block: operator → key → value(s). */
export type Condition = Record<string, Record<string, string | string[] | boolean>>;

/** One policy statement. */
export interface Statement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: "*" | Record<string, string | string[]>;
  readonly Action: string | string[];
  readonly Resource?: string | string[];
  readonly Condition?: Condition;
}

/** An IAM / resource policy document. */
export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: Statement[];
}

/** Wraps statements in a document. */
export function policyDocument(statements: Statement[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

/**
 * Actions that IAM only accepts with `Resource: "*"` because they act on no resource: the only
 * ones the platform's workload policies may grant on `*`.
 */
export const RESOURCELESS_ACTIONS: readonly string[] = ["ecr:GetAuthorizationToken"];

const READ_OBJECT = ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging"];
const WRITE_OBJECT = ["s3:PutObject", "s3:PutObjectTagging", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"];
const ECR_PULL = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"];
const ECR_PUSH = ["ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage"];
const SQS_CONSUME = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"];

/** Access to one prefix of one bucket. */
export interface BucketAccess {
  readonly bucketArn: string;
  /** Key prefix without leading slash; empty means the whole bucket. */
  readonly prefix: string;
  readonly mode: "read" | "readwrite";
}

/** Everything a workload policy is built from, as resolved ARNs. */
export interface WorkloadPolicyInput {
  readonly region: string;
  /** The platform buckets' grants. */
  readonly buckets: readonly BucketAccess[];
  /** The KMS key of the platform buckets (needed for SSE-KMS objects). */
  readonly storageKeyArn: string;
  /** External data lakes, read-only; `kmsKeyArn` when the lake's objects are SSE-KMS. */
  readonly dataLakes: readonly { readonly bucketArn: string; readonly prefix: string; readonly kmsKeyArn?: string }[];
  readonly registry: { readonly mode: "none" | "pull" | "push"; readonly repositoryArns: readonly string[] };
  /** The data-arrival queue to consume, with the key that encrypts it. */
  readonly queue?: { readonly arn: string; readonly keyArn: string };
}

/**
 * The least-privilege policy of one workload identity: object actions on `bucket/prefix*` only,
 * listing limited to the prefix, KMS use only through S3/SQS in the region, registry actions on
 * the exact repositories. Returns undefined when the identity needs no AWS permission.
 */
export function workloadPolicy(input: WorkloadPolicyInput): PolicyDocument | undefined {
  const statements: Statement[] = [];
  const byBucket = new Map<string, BucketAccess[]>();
  for (const b of input.buckets) byBucket.set(b.bucketArn, [...(byBucket.get(b.bucketArn) ?? []), b]);

  let n = 0;
  for (const [bucketArn, grants] of byBucket) {
    n++;
    statements.push(
      listStatement(
        `ListPlatformBucket${n}`,
        bucketArn,
        grants.map((g) => g.prefix),
      ),
    );
    const reads = grants.filter((g) => g.mode === "read").map((g) => s3ObjectsArn(bucketArn, g.prefix));
    const writes = grants.filter((g) => g.mode === "readwrite").map((g) => s3ObjectsArn(bucketArn, g.prefix));
    if (reads.length + writes.length > 0) {
      statements.push({ Sid: `ReadPlatformObjects${n}`, Effect: "Allow", Action: READ_OBJECT, Resource: [...writes, ...reads] });
    }
    if (writes.length > 0) statements.push({ Sid: `WritePlatformObjects${n}`, Effect: "Allow", Action: WRITE_OBJECT, Resource: writes });
  }
  if (input.buckets.length > 0) {
    const writes = input.buckets.some((b) => b.mode === "readwrite");
    statements.push({
      Sid: "UseStorageKeyThroughS3",
      Effect: "Allow",
      Action: writes ? ["kms:Decrypt", "kms:GenerateDataKey"] : ["kms:Decrypt"],
      Resource: input.storageKeyArn,
      Condition: { StringEquals: { "kms:ViaService": `s3.${input.region}.amazonaws.com` } },
    });
  }

  input.dataLakes.forEach((lake, i) => {
    statements.push(listStatement(`ListDataLake${i + 1}`, lake.bucketArn, [lake.prefix]));
    statements.push({
      Sid: `ReadDataLake${i + 1}`,
      Effect: "Allow",
      Action: READ_OBJECT,
      Resource: s3ObjectsArn(lake.bucketArn, lake.prefix),
    });
    if (lake.kmsKeyArn) {
      statements.push({
        Sid: `DecryptDataLake${i + 1}`,
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: lake.kmsKeyArn,
        Condition: { StringEquals: { "kms:ViaService": `s3.${input.region}.amazonaws.com` } },
      });
    }
  });

  if (input.registry.mode !== "none" && input.registry.repositoryArns.length > 0) {
    statements.push({ Sid: "RegistryLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" });
    statements.push({
      Sid: input.registry.mode === "push" ? "RegistryPullPush" : "RegistryPull",
      Effect: "Allow",
      Action: input.registry.mode === "push" ? [...ECR_PULL, ...ECR_PUSH] : ECR_PULL,
      Resource: [...input.registry.repositoryArns],
    });
  }

  if (input.queue) {
    statements.push({ Sid: "ConsumeDataEvents", Effect: "Allow", Action: SQS_CONSUME, Resource: input.queue.arn });
    statements.push({
      Sid: "DecryptDataEvents",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: input.queue.keyArn,
      Condition: { StringEquals: { "kms:ViaService": `sqs.${input.region}.amazonaws.com` } },
    });
  }
  return statements.length > 0 ? policyDocument(statements) : undefined;
}

function listStatement(sid: string, bucketArn: string, prefixes: readonly string[]): Statement {
  const whole = prefixes.some((p) => p === "");
  return {
    Sid: sid,
    Effect: "Allow",
    Action: ["s3:ListBucket", "s3:ListBucketVersions"],
    Resource: bucketArn,
    ...(whole ? {} : { Condition: { StringLike: { "s3:prefix": [...new Set(prefixes.flatMap((p) => [p, `${p}*`]))] } } }),
  };
}

/** Trust policy of an IRSA role: only the listed service accounts of this cluster's issuer. */
export function irsaTrustPolicy(oidcProviderArn: string, issuerHostPath: string, subjects: readonly string[]): PolicyDocument {
  return policyDocument([
    {
      Sid: "ServiceAccountsOfThisCluster",
      Effect: "Allow",
      Principal: { Federated: oidcProviderArn },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: {
        StringEquals: {
          [`${issuerHostPath}:aud`]: "sts.amazonaws.com",
          [`${issuerHostPath}:sub`]: subjects.length === 1 ? (subjects[0] as string) : [...subjects],
        },
      },
    },
  ]);
}

/** Trust policy for an AWS service principal, optionally pinned to this account (confused-deputy guard). */
export function serviceTrustPolicy(service: string, sourceAccount?: string): PolicyDocument {
  return policyDocument([
    {
      Effect: "Allow",
      Principal: { Service: service },
      Action: "sts:AssumeRole",
      ...(sourceAccount ? { Condition: { StringEquals: { "aws:SourceAccount": sourceAccount } } } : {}),
    },
  ]);
}

/**
 * The statements every platform bucket carries: refuse plain HTTP and TLS below 1.2, and refuse
 * requests made through any region but the platform's (service principals such as S3 log
 * delivery and CloudTrail are exempt from the region rule; their own statements pin them).
 */
export function bucketBaselineStatements(bucketArn: string, region: string): Statement[] {
  const resources = [bucketArn, `${bucketArn}/*`];
  return [
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: resources,
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
    {
      Sid: "DenyOutdatedTls",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: resources,
      Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
    },
    {
      Sid: "DenyRequestsOutsideRegion",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: resources,
      Condition: { StringNotEquals: { "aws:RequestedRegion": region }, BoolIfExists: { "aws:PrincipalIsAWSService": "false" } },
    },
  ];
}

/** Statements that let S3 server access logging write into a log bucket, for this account's buckets only. */
export function accessLogDeliveryStatements(logBucketArn: string, account: string): Statement[] {
  return [
    {
      Sid: "S3ServerAccessLogDelivery",
      Effect: "Allow",
      Principal: { Service: "logging.s3.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: `${logBucketArn}/*`,
      Condition: { StringEquals: { "aws:SourceAccount": account } },
    },
  ];
}

/** Statements that let one CloudTrail trail deliver into its bucket. */
export function cloudTrailDeliveryStatements(bucketArn: string, account: string, trailArn: string): Statement[] {
  return [
    {
      Sid: "CloudTrailAclCheck",
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: "s3:GetBucketAcl",
      Resource: bucketArn,
      Condition: { StringEquals: { "aws:SourceArn": trailArn } },
    },
    {
      Sid: "CloudTrailWrite",
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: `${bucketArn}/AWSLogs/${account}/*`,
      Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trailArn } },
    },
  ];
}

/** Purposes of the customer-managed KMS keys. */
export type KeyPurpose = "storage" | "cluster" | "logs" | "database";

/** What a key policy is built from. */
export interface KeyPolicyInput {
  readonly purpose: KeyPurpose;
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

const KEY_ADMIN_ACTIONS = [
  "kms:Create*",
  "kms:Describe*",
  "kms:Enable*",
  "kms:List*",
  "kms:Put*",
  "kms:Update*",
  "kms:Revoke*",
  "kms:Disable*",
  "kms:Get*",
  "kms:Delete*",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:ScheduleKeyDeletion",
  "kms:CancelKeyDeletion",
  "kms:RotateKeyOnDemand",
];
const KEY_USE_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"];

/**
 * The key policy of one purpose: the account administers the key and may delegate use through
 * IAM policies (which the platform scopes per workload); AWS services get exactly what they need
 * for that purpose, pinned to this account and region.
 */
export function keyPolicy(k: KeyPolicyInput): PolicyDocument {
  const root = `arn:${k.partition}:iam::${k.account}:root`;
  const statements: Statement[] = [
    {
      Sid: "AccountAdministersKeyAndDelegatesThroughIam",
      Effect: "Allow",
      Principal: { AWS: root },
      Action: [...KEY_ADMIN_ACTIONS, ...KEY_USE_ACTIONS, "kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
      Resource: "*",
    },
  ];
  if (k.purpose === "logs") {
    statements.push(
      {
        Sid: "CloudWatchLogsOfThisAccount",
        Effect: "Allow",
        Principal: { Service: `logs.${k.region}.amazonaws.com` },
        Action: KEY_USE_ACTIONS,
        Resource: "*",
        Condition: {
          ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:${k.partition}:logs:${k.region}:${k.account}:log-group:*` },
        },
      },
      {
        Sid: "CloudTrailOfThisAccount",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "kms:GenerateDataKey*",
        Resource: "*",
        Condition: {
          StringEquals: { "aws:SourceAccount": k.account },
          StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": `arn:${k.partition}:cloudtrail:*:${k.account}:trail/*` },
        },
      },
      {
        // DescribeKey carries no encryption context, so it cannot share the statement above.
        Sid: "CloudTrailDescribesKey",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "kms:DescribeKey",
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": k.account } },
      },
    );
  }
  if (k.purpose === "storage") {
    const asg = `arn:${k.partition}:iam::${k.account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
    statements.push(
      {
        // Managed node groups launch encrypted root volumes through the Auto Scaling service role.
        Sid: "AutoScalingEncryptsNodeVolumes",
        Effect: "Allow",
        Principal: { AWS: asg },
        Action: KEY_USE_ACTIONS,
        Resource: "*",
      },
      {
        Sid: "AutoScalingAttachesNodeVolumes",
        Effect: "Allow",
        Principal: { AWS: asg },
        Action: "kms:CreateGrant",
        Resource: "*",
        Condition: { Bool: { "kms:GrantIsForAWSResource": true } },
      },
      {
        // S3 event notifications into the KMS-encrypted data-arrival queue.
        Sid: "S3NotificationsIntoEncryptedQueue",
        Effect: "Allow",
        Principal: { Service: "s3.amazonaws.com" },
        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": k.account } },
      },
    );
  }
  return policyDocument(statements);
}

/**
 * Wildcard problems of an identity policy: `*` or `service:*` actions, and `*` resources on
 * actions that have resource ARNs. Empty when the document is least-privilege in that sense.
 */
export function wildcardProblems(doc: PolicyDocument): string[] {
  const problems: string[] = [];
  doc.Statement.forEach((s, i) => {
    if (s.Effect !== "Allow") return;
    const label = s.Sid ?? `Statement[${i}]`;
    const actions = ([] as string[]).concat(s.Action);
    for (const a of actions) {
      if (a === "*" || /^[a-z0-9-]+:\*$/i.test(a)) problems.push(`${label} grants the wildcard action ${a}`);
    }
    const resources = ([] as string[]).concat(s.Resource ?? []);
    if (resources.includes("*") && !actions.every((a) => RESOURCELESS_ACTIONS.includes(a))) {
      problems.push(`${label} grants ${actions.join(", ")} on Resource "*"`);
    }
  });
  return problems;
}
