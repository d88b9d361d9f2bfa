/**
 * Every AWS component refuses bad arguments before creating anything, with one error that names
 * each argument, the value received and the fix.
 */
import { describe, expect, it } from "vitest";
import {
  Audit,
  Cache,
  Cluster,
  ClusterAutoscaler,
  Database,
  DatabaseInit,
  DataEvents,
  EncryptedBucket,
  Keys,
  Network,
  NodePool,
  type PoolSpec,
  Registry,
  WorkloadIdentities,
} from "../../../components/aws";
import type { WorkloadIdentitySpec } from "../../../components/contracts";
import { ComponentArgsError } from "../../../components/validate";

/**
 * Runs `build` and returns what its ComponentArgsError holds, one line per problem as
 * `<arg>: got <value>; <fix>` under a `<component> <name>` heading: the argument, the value received
 * and the fix are each checked, whatever the message's wording.
 */
function refusal(build: () => unknown): string {
  try {
    build();
  } catch (err) {
    expect(err).toBeInstanceOf(ComponentArgsError);
    const e = err as ComponentArgsError;
    const shown = (v: unknown) => (v === undefined ? "undefined" : JSON.stringify(v));
    return [
      `${e.component} ${e.resourceName}`,
      ...e.problems.map((p) => `${p.arg}: got ${shown(p.received)}; ${p.fix}`),
      ...e.described,
    ].join("\n");
  }
  throw new Error("the component accepted bad arguments");
}

const pool: PoolSpec = {
  name: "system",
  instanceTypes: ["m5.large"],
  minSize: 1,
  maxSize: 3,
  diskSizeGiB: 64,
  spot: false,
  labels: {},
  taints: [],
};

describe("component argument validation", () => {
  it("Keys refuses a deletion window outside 7-30 days", () => {
    const m = refusal(
      () => new Keys("k", { accountId: "1", partition: "aws", region: "me-central-1", protect: false, deletionWindowDays: 3 }),
    );
    expect(m).toContain("mlops-platform:aws:Keys k");
    expect(m).toContain("deletionWindowDays: got 3; use a whole number of days from 7 to 30");
  });

  it("Network refuses a public or oversized CIDR, one zone, zones of another region and an invalid retention, all at once", () => {
    const m = refusal(
      () =>
        new Network("n", {
          cidr: "10.0.0.0/8",
          availabilityZones: ["eu-west-1a"],
          natPerZone: false,
          region: "me-central-1",
          accountId: "123456789012",
          logsKeyArn: "k",
          flowLogRetentionDays: 31,
          protect: false,
        }),
    );
    expect(m).toContain('cidr: got "10.0.0.0/8"; pass an RFC 1918 block from /16 to /20');
    expect(m).toContain('availabilityZones: got ["eu-west-1a"]; list two or three availability zones');
    expect(m).toContain("use zones of the region me-central-1");
    expect(m).toContain("flowLogRetentionDays: got 31; use a CloudWatch Logs retention value");
  });

  it("EncryptedBucket refuses a data bucket without KMS key or access logging, and replication out of the UAE", () => {
    const m = refusal(
      () =>
        new EncryptedBucket("b", {
          region: "me-central-1",
          kind: "data",
          noncurrentVersionDays: 0,
          allowedRegions: ["me-central-1"],
          replicateTo: [{ bucketArn: "arn:aws:s3:::x", region: "eu-west-1", kmsKeyArn: "k" }],
          protect: false,
        }),
    );
    expect(m).toContain("kmsKeyArn: got undefined; pass the storage KMS key ARN: data buckets are always SSE-KMS");
    expect(m).toContain("accessLogBucket: got undefined");
    expect(m).toContain("noncurrentVersionDays: got 0");
    expect(m).toContain('replicateTo[0].region: got "eu-west-1"; replicate only inside the allow-list (me-central-1)');
  });

  it("EncryptedBucket refuses an allow-list that widens the UAE's", () => {
    const m = refusal(
      () =>
        new EncryptedBucket("b", {
          region: "me-central-1",
          kind: "data",
          noncurrentVersionDays: 30,
          kmsKeyArn: "k",
          accessLogBucket: "logs",
          allowedRegions: ["me-central-1", "eu-west-1"],
          replicateTo: [{ bucketArn: "arn:aws:s3:::x", region: "eu-west-1", kmsKeyArn: "k" }],
          protect: false,
        } as never),
    );
    expect(m).toContain('allowedRegions[1]: got "eu-west-1"; list only UAE regions (me-central-1)');
  });

  it("Registry refuses no repositories, duplicates and bad names", () => {
    const m = refusal(
      () =>
        new Registry("r", {
          namePrefix: "Bad Prefix",
          repositories: [],
          kmsKeyArn: "k",
          accountId: "1",
          region: "me-central-1",
          protect: false,
        }),
    );
    expect(m).toContain("repositories: got []; list at least one repository key");
    expect(m).toContain('namePrefix: got "Bad Prefix"');
    const d = refusal(
      () =>
        new Registry("r", {
          namePrefix: "p",
          repositories: ["a", "a"],
          kmsKeyArn: "k",
          accountId: "1",
          region: "me-central-1",
          protect: false,
        }),
    );
    expect(d).toContain('repositories: got ["a","a"]; remove the duplicate keys');
  });

  it("Database refuses a public CIDR, one subnet, no backups and a reserved consumer name", () => {
    const m = refusal(
      () =>
        new Database("d", {
          identifier: "Bad--Id",
          vpcId: "vpc",
          subnetIds: ["s1"],
          allowedCidrs: ["0.0.0.0/0"],
          kmsKeyArn: "k",
          logsKeyArn: "k",
          logRetentionDays: 30,
          instanceClass: "m5.large",
          allocatedStorageGiB: 10,
          maxAllocatedStorageGiB: 5,
          multiAz: false,
          backupRetentionDays: 0,
          consumers: ["postgres"],
          protect: false,
        }),
    );
    for (const part of [
      'identifier: got "Bad--Id"',
      "subnetIds: got 1; pass data subnets in at least two availability zones",
      'allowedCidrs: got ["0.0.0.0/0"]; remove 0.0.0.0/0: the database is private',
      'instanceClass: got "m5.large"; use an RDS class such as db.m5.large',
      "allocatedStorageGiB: got 10",
      "maxAllocatedStorageGiB: got 5",
      "backupRetentionDays: got 0; use 1 to 35 days (0 would turn backups off)",
      'consumers: got "postgres"',
    ]) {
      expect(m).toContain(part);
    }
  });

  it("DatabaseInit refuses a mutable image tag and no consumers", () => {
    const m = refusal(
      () =>
        new DatabaseInit("i", {
          namespace: "kube-system",
          host: "h",
          port: 5432,
          masterUsername: "u",
          masterPassword: "p",
          adminDatabase: "platform",
          consumers: {},
          image: "postgres:latest",
        }),
    );
    expect(m).toContain("consumers: got []; pass at least one consumer");
    expect(m).toContain('image: got "postgres:latest"; pin the image to a tag or digest (not latest)');
  });

  it("Cache refuses Multi-AZ without replicas and too many replicas", () => {
    const args = {
      identifier: "c",
      vpcId: "v",
      subnetIds: ["a", "b"],
      allowedCidrs: ["10.0.0.0/19"],
      kmsKeyArn: "k",
      logsKeyArn: "k",
      logRetentionDays: 30,
      nodeType: "cache.t3.small",
      replicas: 0,
      multiAz: true,
      snapshotRetentionDays: 7,
      protect: false,
    };
    expect(refusal(() => new Cache("c", args))).toContain(
      "multiAz: got true; add at least one replica (replicas >= 1) or turn multiAz off",
    );
    expect(refusal(() => new Cache("c", { ...args, replicas: 9, multiAz: false }))).toContain("replicas: got 9; use 0 to 5 read replicas");
  });

  it("Audit refuses a retention under 90 days", () => {
    const m = refusal(
      () =>
        new Audit("a", {
          trailName: "t!",
          accountId: "1",
          partition: "aws",
          region: "me-central-1",
          allowedRegions: ["me-central-1"],
          logsKeyArn: "k",
          accessLogBucket: "b",
          auditLogDays: 30,
          noncurrentVersionDays: 30,
          protect: false,
        }),
    );
    expect(m).toContain("auditLogDays: got 30; keep audit records at least 90 days");
    expect(m).toContain('trailName: got "t!"');
  });

  it("NodePool refuses CPU types in GPU pools, GPU types elsewhere, spot or empty system pools and min > max", () => {
    const common = { clusterName: "c", nodeRoleArn: "r", subnetIds: ["s"], kmsKeyArn: "k" };
    const gpu = refusal(
      () => new NodePool("g", { ...common, role: "gpu", pool: { ...pool, name: "gpu", minSize: 0, instanceTypes: ["m5.large"] } }),
    );
    expect(gpu).toContain('pool.instanceTypes[0]: got "m5.large"; use an NVIDIA GPU type');
    const cpu = refusal(() => new NodePool("c", { ...common, role: "cpu", pool: { ...pool, instanceTypes: ["g5.xlarge"] } }));
    expect(cpu).toContain('pool.instanceTypes[0]: got "g5.xlarge"; move GPU types to a GPU pool');
    const sys = refusal(() => new NodePool("s", { ...common, role: "system", pool: { ...pool, spot: true, minSize: 4, maxSize: 2 } }));
    expect(sys).toContain("pool.spot: got true; run the system pool on on-demand capacity");
    expect(sys).toContain("pool.minSize: got 4; make minSize at most maxSize (2)");
  });

  it("Cluster refuses an unsupported version, no admins, a user ARN and an internet-wide API allow-list", () => {
    const m = refusal(
      () =>
        new Cluster("c", {
          clusterName: "c",
          kubernetesVersion: "1.28",
          region: "me-central-1",
          partition: "aws",
          vpcId: "v",
          vpcCidr: "10.40.0.0/16",
          privateSubnetIds: ["a", "b"],
          serviceCidr: "172.20.0.0/16",
          apiAllowedCidrs: ["0.0.0.0/0"],
          adminRoleArns: ["arn:aws:iam::123456789012:user/alice"],
          clusterKeyArn: "k",
          storageKeyArn: "k",
          logsKeyArn: "k",
          controlPlaneLogDays: 90,
          nodePools: { system: pool, cpu: [], gpu: [] },
          protect: false,
          accountId: "123456789012",
        }),
    );
    expect(m).toContain('kubernetesVersion: got "1.28"; use a supported version: 1.32, 1.33, 1.34, 1.35');
    expect(m).toContain('adminRoleArns[0]: got "arn:aws:iam::123456789012:user/alice"; use an IAM role ARN');
    expect(m).toContain('apiAllowedCidrs[0]: got "0.0.0.0/0"');
    const none = refusal(
      () =>
        new Cluster("c", {
          clusterName: "c",
          kubernetesVersion: "1.33",
          region: "me-central-1",
          partition: "aws",
          vpcId: "v",
          vpcCidr: "10.40.0.0/16",
          privateSubnetIds: ["a", "b"],
          serviceCidr: "172.20.0.0/16",
          adminRoleArns: [],
          clusterKeyArn: "k",
          storageKeyArn: "k",
          logsKeyArn: "k",
          controlPlaneLogDays: 90,
          nodePools: { system: pool, cpu: [], gpu: [] },
          protect: false,
          accountId: "123456789012",
        }),
    );
    expect(none).toContain("adminRoleArns: got []; list at least one IAM role ARN (identity.clusterAdmins)");
    const admin = "arn:aws:iam::123456789012:role/admin";
    const teams = refusal(
      () =>
        new Cluster("c", {
          clusterName: "c",
          kubernetesVersion: "1.33",
          region: "me-central-1",
          partition: "aws",
          vpcId: "v",
          vpcCidr: "10.40.0.0/16",
          privateSubnetIds: ["a", "b"],
          serviceCidr: "172.20.0.0/16",
          adminRoleArns: [admin],
          teamAccess: [
            { team: "fraud", principalArn: "arn:aws:iam::123456789012:user/ana", groups: ["team-fraud"] },
            { team: "fraud", principalArn: admin, groups: ["system:masters"] },
            { team: "credit", principalArn: "arn:aws:iam::123456789012:role/shared", groups: ["team-credit"] },
            { team: "risk", principalArn: "arn:aws:iam::123456789012:role/shared", groups: ["team-risk"] },
          ],
          clusterKeyArn: "k",
          storageKeyArn: "k",
          logsKeyArn: "k",
          controlPlaneLogDays: 90,
          nodePools: { system: pool, cpu: [], gpu: [] },
          protect: false,
          accountId: "123456789012",
        }),
    );
    expect(teams).toContain(
      'teamAccess[0].principalArn: got "arn:aws:iam::123456789012:user/ana"; use the IAM role ARN of the team\'s SSO permission set',
    );
    expect(teams).toContain("teamAccess[1].groups: got");
    expect(teams).toContain('teamAccess[1].principalArn: got "arn:aws:iam::123456789012:role/admin"; is also a cluster admin');
    expect(teams).toContain('teamAccess[3].principalArn: got "arn:aws:iam::123456789012:role/shared"; belongs to two teams');
    expect(teams).not.toContain("teamAccess[2]");
  });

  it("WorkloadIdentities refuses wildcard prefixes, duplicate keys and malformed data lakes", () => {
    const spec: WorkloadIdentitySpec = {
      key: "mlflow",
      namespace: "mlflow",
      serviceAccounts: ["mlflow"],
      buckets: [{ purpose: "artifacts", prefix: "*", mode: "read" }],
      readDataLakes: false,
      registry: "none",
      consumeDataEvents: false,
    };
    const m = refusal(
      () =>
        new WorkloadIdentities("w", {
          oidc: { providerArn: "p", url: "https://x" },
          specs: [spec, { ...spec, buckets: [] }],
          partition: "aws",
          region: "me-central-1",
          bucketArns: { artifacts: "a", datasets: "d", features: "f", logs: "l" },
          storageKeyArn: "k",
          repositoryArns: {},
          dataEventQueue: { arn: "q", keyArn: "k" },
          dataLakes: [{ name: "lake", uri: "s3://lake/data*" }],
        }),
    );
    expect(m).toContain('specs[0].buckets[0].prefix: got "*"; use a key prefix without leading slash or wildcard');
    expect(m).toContain('specs[1].key: got "mlflow"; make each key unique');
    expect(m).toContain('dataLakes[0].uri: got "s3://lake/data*"; use s3://bucket/prefix');
  });

  it("refuses a model repository that is not <team>/<model>, and a scoped spec without its repository's ARN", () => {
    const r = refusal(
      () =>
        new Registry("r", {
          namePrefix: "p",
          repositories: ["steps"],
          modelRepositories: ["fraud/*", "fraud/a", "fraud/a"],
          kmsKeyArn: "k",
          accountId: "1",
          region: "me-central-1",
          protect: false,
        }),
    );
    expect(r).toContain('modelRepositories: got "fraud/*"; use <team>/<model>, two DNS labels');
    expect(r).toContain('modelRepositories: got ["fraud/*","fraud/a","fraud/a"]; remove the duplicates');
    const builder: WorkloadIdentitySpec = {
      key: "image-builder",
      namespace: "ml-builds",
      serviceAccounts: ["image-builder"],
      buckets: [],
      readDataLakes: false,
      registry: "push",
      registryRepositories: ["fraud/scorer"],
      consumeDataEvents: false,
    };
    const w = refusal(
      () =>
        new WorkloadIdentities("w", {
          oidc: { providerArn: "p", url: "https://x" },
          specs: [builder, { ...builder, key: "b2", registryRepositories: [] }],
          partition: "aws",
          region: "me-central-1",
          bucketArns: { artifacts: "a", datasets: "d", features: "f", logs: "l" },
          storageKeyArn: "k",
          repositoryArns: { steps: "arn" },
          modelRepositoryArns: { "credit/risk": "arn" },
          dataEventQueue: { arn: "q", keyArn: "k" },
          baseImagePrefixes: ["docker-hub"],
        }),
    );
    expect(w).toContain('specs[0].registryRepositories[0]: got "fraud/scorer"; pass its ARN in modelRepositoryArns');
    expect(w).toContain("specs[1].registryRepositories: got []; list at least one repository");
    expect(w).toContain("accountId: got undefined; pass the registry's account id with baseImagePrefixes");
  });

  it("ClusterAutoscaler refuses a Kubernetes version without a matching autoscaler and no node groups", () => {
    const m = refusal(
      () =>
        new ClusterAutoscaler("a", {
          clusterName: "c",
          kubernetesVersion: "1.29",
          region: "me-central-1",
          partition: "aws",
          accountId: "1",
          oidc: { providerArn: "p", url: "https://x" },
          pools: [],
          nodeSelector: {},
        }),
    );
    expect(m).toContain('kubernetesVersion: got "1.29"; use a version with a matching autoscaler release: 1.32, 1.33, 1.34, 1.35');
    expect(m).toContain("pools: got []; list the node groups the autoscaler may resize");
  });

  it("DataEvents refuses a retention beyond the SQS limit", () => {
    const m = refusal(() => new DataEvents("e", { bucketName: "b", bucketArn: "a", accountId: "1", kmsKeyArn: "k", retentionHours: 1000 }));
    expect(m).toContain("retentionHours: got 1000; use 1 to 336 hours (the SQS limit is 14 days)");
  });

  it("words every problem the same way on both clouds: argument, fix, value received", () => {
    try {
      new Keys("k", { accountId: "1", partition: "aws", region: "me-central-1", protect: false, deletionWindowDays: 3 });
    } catch (err) {
      expect((err as Error).message).toBe(
        'Invalid arguments for mlops-platform:aws:Keys "k" (1 problem):\n  - deletionWindowDays: use a whole number of days from 7 to 30 (received: 3)',
      );
      return;
    }
    throw new Error("accepted a 3-day deletion window");
  });
});
