import { describe, expect, it } from "vitest";
import {
  bucketBaselineStatements,
  irsaTrustPolicy,
  keyPolicy,
  policyDocument,
  type WorkloadPolicyInput,
  wildcardProblems,
  workloadPolicy,
} from "../../../components/aws/policy";

const KEY = "arn:aws:kms:me-central-1:123456789012:key/11111111-2222-4333-a444-555555555555";
const ARTIFACTS = "arn:aws:s3:::mlops-dev-artifacts-abc";
const DATASETS = "arn:aws:s3:::mlops-dev-datasets-abc";

const base: WorkloadPolicyInput = {
  region: "me-central-1",
  buckets: [],
  storageKeyArn: KEY,
  dataLakes: [],
  registry: { mode: "none", repositoryArns: [] },
};

describe("workloadPolicy", () => {
  it("returns no document when the identity needs no AWS permission", () => {
    expect(workloadPolicy(base)).toBeUndefined();
  });

  it("scopes object actions to the prefix and listing to the prefix condition", () => {
    const doc = workloadPolicy({ ...base, buckets: [{ bucketArn: ARTIFACTS, prefix: "mlflow/", mode: "readwrite" }] });
    const byId = Object.fromEntries((doc?.Statement ?? []).map((s) => [s.Sid, s]));
    expect(byId.ListPlatformBucket1).toMatchObject({
      Resource: ARTIFACTS,
      Condition: { StringLike: { "s3:prefix": ["mlflow/", "mlflow/*"] } },
    });
    expect(byId.ReadPlatformObjects1?.Resource).toEqual([`${ARTIFACTS}/mlflow/*`]);
    expect(byId.WritePlatformObjects1?.Resource).toEqual([`${ARTIFACTS}/mlflow/*`]);
    expect(byId.UseStorageKeyThroughS3).toMatchObject({
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: KEY,
      Condition: { StringEquals: { "kms:ViaService": "s3.me-central-1.amazonaws.com" } },
    });
    expect(wildcardProblems(doc ?? policyDocument([]))).toEqual([]);
  });

  it("gives read-only grants no write action and only Decrypt on the key", () => {
    const doc = workloadPolicy({ ...base, buckets: [{ bucketArn: ARTIFACTS, prefix: "pipelines/", mode: "read" }] });
    const text = JSON.stringify(doc);
    expect(text).not.toContain("s3:PutObject");
    expect(text).not.toContain("s3:DeleteObject");
    expect(text).not.toContain("GenerateDataKey");
  });

  it("keeps read and write prefixes of one bucket apart", () => {
    const doc = workloadPolicy({
      ...base,
      buckets: [
        { bucketArn: DATASETS, prefix: "teams/fraud/", mode: "readwrite" },
        { bucketArn: DATASETS, prefix: "platform/", mode: "read" },
      ],
    });
    const write = doc?.Statement.find((s) => s.Sid === "WritePlatformObjects1");
    expect(write?.Resource).toEqual([`${DATASETS}/teams/fraud/*`]);
    const read = doc?.Statement.find((s) => s.Sid === "ReadPlatformObjects1");
    expect(read?.Resource).toEqual([`${DATASETS}/teams/fraud/*`, `${DATASETS}/platform/*`]);
  });

  it("reads data lakes without any write action", () => {
    const doc = workloadPolicy({ ...base, dataLakes: [{ bucketArn: "arn:aws:s3:::lake", prefix: "curated/" }] });
    expect(doc?.Statement.map((s) => s.Sid)).toEqual(["ListDataLake1", "ReadDataLake1"]);
    expect(doc?.Statement[1]?.Resource).toBe("arn:aws:s3:::lake/curated/*");
    expect(JSON.stringify(doc)).not.toMatch(/Put|Delete/);
  });

  it("decrypts an SSE-KMS lake with exactly its key, through S3 only", () => {
    const lakeKey = "arn:aws:kms:me-central-1:210987654321:key/99999999-8888-4777-a666-555555555555";
    const doc = workloadPolicy({ ...base, dataLakes: [{ bucketArn: "arn:aws:s3:::lake", prefix: "curated/", kmsKeyArn: lakeKey }] });
    expect(doc?.Statement[2]).toEqual({
      Sid: "DecryptDataLake1",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: lakeKey,
      Condition: { StringEquals: { "kms:ViaService": "s3.me-central-1.amazonaws.com" } },
    });
  });

  it("lists a whole-bucket lake without a prefix condition", () => {
    const doc = workloadPolicy({ ...base, dataLakes: [{ bucketArn: "arn:aws:s3:::lake", prefix: "" }] });
    expect(doc?.Statement[0]?.Condition).toBeUndefined();
    expect(doc?.Statement[1]?.Resource).toBe("arn:aws:s3:::lake/*");
  });

  it("grants registry pull on the exact repositories and login on * only", () => {
    const repos = ["arn:aws:ecr:me-central-1:123456789012:repository/p/serving"];
    const doc = workloadPolicy({ ...base, registry: { mode: "pull", repositoryArns: repos } });
    expect(doc?.Statement).toEqual([
      { Sid: "RegistryLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
      {
        Sid: "RegistryPull",
        Effect: "Allow",
        Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
        Resource: repos,
      },
    ]);
    expect(wildcardProblems(doc ?? policyDocument([]))).toEqual([]);
    const push = workloadPolicy({ ...base, registry: { mode: "push", repositoryArns: repos } });
    expect(JSON.stringify(push)).toContain("ecr:PutImage");
  });

  it("consumes the queue and decrypts its messages only through SQS", () => {
    const queue = { arn: "arn:aws:sqs:me-central-1:123456789012:events", keyArn: KEY };
    const doc = workloadPolicy({ ...base, queue });
    expect(doc?.Statement[0]?.Resource).toBe(queue.arn);
    expect(doc?.Statement[1]?.Condition).toEqual({ StringEquals: { "kms:ViaService": "sqs.me-central-1.amazonaws.com" } });
  });
});

describe("wildcardProblems", () => {
  it("flags wildcard actions and * resources on actions that have ARNs", () => {
    const problems = wildcardProblems(
      policyDocument([
        { Sid: "All", Effect: "Allow", Action: "*", Resource: ARTIFACTS },
        { Sid: "S3", Effect: "Allow", Action: ["s3:*"], Resource: ARTIFACTS },
        { Sid: "Star", Effect: "Allow", Action: "s3:GetObject", Resource: "*" },
        { Sid: "Deny", Effect: "Deny", Action: "s3:*", Resource: "*" },
        { Sid: "Login", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
      ]),
    );
    expect(problems).toEqual([
      "All grants the wildcard action *",
      "S3 grants the wildcard action s3:*",
      'Star grants s3:GetObject on Resource "*"',
    ]);
  });
});

describe("irsaTrustPolicy", () => {
  it("trusts only the listed subjects of one issuer for sts.amazonaws.com", () => {
    const doc = irsaTrustPolicy(
      "arn:aws:iam::123456789012:oidc-provider/oidc.eks.me-central-1.amazonaws.com/id/ABC",
      "oidc.eks.me-central-1.amazonaws.com/id/ABC",
      ["system:serviceaccount:argo:argo-server", "system:serviceaccount:argo:argo-workflow-controller"],
    );
    expect(doc.Statement[0]).toEqual({
      Sid: "ServiceAccountsOfThisCluster",
      Effect: "Allow",
      Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.me-central-1.amazonaws.com/id/ABC" },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: {
        StringEquals: {
          "oidc.eks.me-central-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com",
          "oidc.eks.me-central-1.amazonaws.com/id/ABC:sub": [
            "system:serviceaccount:argo:argo-server",
            "system:serviceaccount:argo:argo-workflow-controller",
          ],
        },
      },
    });
  });
});

describe("bucketBaselineStatements", () => {
  it("denies plain HTTP, TLS below 1.2 and requests through other regions", () => {
    const s = bucketBaselineStatements(ARTIFACTS, "me-central-1");
    expect(s.map((x) => [x.Sid, x.Effect])).toEqual([
      ["DenyInsecureTransport", "Deny"],
      ["DenyOutdatedTls", "Deny"],
      ["DenyRequestsOutsideRegion", "Deny"],
    ]);
    for (const x of s) expect(x.Resource).toEqual([ARTIFACTS, `${ARTIFACTS}/*`]);
    expect(s[2]?.Condition?.StringNotEquals).toEqual({ "aws:RequestedRegion": "me-central-1" });
  });
});

describe("keyPolicy", () => {
  const input = { partition: "aws", region: "me-central-1", account: "123456789012" } as const;
  it("lets the account administer every key without a kms:* grant or a wildcard principal", () => {
    for (const purpose of ["storage", "cluster", "logs", "database"] as const) {
      const doc = keyPolicy({ ...input, purpose });
      expect(doc.Statement[0]?.Principal).toEqual({ AWS: "arn:aws:iam::123456789012:root" });
      expect(JSON.stringify(doc)).not.toContain('"kms:*"');
      for (const s of doc.Statement) expect(s.Principal).not.toBe("*");
    }
  });

  it("admits CloudWatch Logs of this region and account, and CloudTrail of this account, on the logs key only", () => {
    const logs = keyPolicy({ ...input, purpose: "logs" });
    const cwl = logs.Statement.find((s) => s.Sid === "CloudWatchLogsOfThisAccount");
    expect(cwl?.Principal).toEqual({ Service: "logs.me-central-1.amazonaws.com" });
    expect(cwl?.Condition?.ArnLike).toEqual({ "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:me-central-1:123456789012:log-group:*" });
    expect(logs.Statement.find((s) => s.Sid === "CloudTrailOfThisAccount")?.Condition?.StringEquals).toEqual({
      "aws:SourceAccount": "123456789012",
    });
    const trail = logs.Statement.find((s) => s.Sid === "CloudTrailOfThisAccount");
    expect(trail?.Action).toBe("kms:GenerateDataKey*");
    expect(trail?.Condition?.StringLike).toEqual({
      "kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:123456789012:trail/*",
    });
    // DescribeKey has no encryption context: it needs its own statement or CloudTrail cannot use the key.
    expect(logs.Statement.find((s) => s.Sid === "CloudTrailDescribesKey")).toMatchObject({
      Action: "kms:DescribeKey",
      Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
    });
    expect(JSON.stringify(keyPolicy({ ...input, purpose: "cluster" }))).not.toContain("logs.");
  });

  it("lets Auto Scaling encrypt node volumes with the storage key", () => {
    const storage = keyPolicy({ ...input, purpose: "storage" });
    expect(storage.Statement.find((s) => s.Sid === "AutoScalingAttachesNodeVolumes")?.Condition).toEqual({
      Bool: { "kms:GrantIsForAWSResource": true },
    });
  });
});
