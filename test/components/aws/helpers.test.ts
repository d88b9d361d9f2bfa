import { describe, expect, it } from "vitest";
import { parseS3Uri, s3BucketArn, s3ObjectsArn, serviceAccountSubject } from "../../../components/aws/arn";
import { eksKubeconfig } from "../../../components/aws/kubeconfig";
import { subnetLayout, zoneNames } from "../../../components/aws/layout";
import {
  cacheIdentifier,
  databaseIdentifier,
  iamRoleName,
  isValidCacheIdentifier,
  isValidDatabaseIdentifier,
  stackPrefix,
} from "../../../components/aws/naming";
import { logRetention } from "../../../components/aws/network";
import { amiType, GPU_TAINT, isArmInstanceType, isGpuInstanceType, poolLabels, poolTaints } from "../../../components/aws/nodepool";
import { contains, overlaps, parseCidr } from "../../../contracts/cidr";
import { AWS_INSTANCE_TYPES } from "../../../stacks/catalog/aws";

describe("parseS3Uri", () => {
  it("splits bucket and prefix and closes the prefix with a slash", () => {
    expect(parseS3Uri("s3://example-core-banking-lake/curated/")).toEqual({ bucket: "example-core-banking-lake", prefix: "curated/" });
    expect(parseS3Uri("s3://lake/curated")).toEqual({ bucket: "lake", prefix: "curated/" });
    expect(parseS3Uri("s3://lake")).toEqual({ bucket: "lake", prefix: "" });
  });
  it("refuses what is not an S3 URI, invalid bucket names and wildcards", () => {
    for (const bad of ["https://lake/x", "s3://UPPER/x", "s3://a/x", "s3://lake/x*", "s3://1.2.3.4/x", "s3://a..b/x"]) {
      expect(parseS3Uri(bad), bad).toBeUndefined();
    }
  });
  it("builds bucket and object ARNs", () => {
    expect(s3ObjectsArn(s3BucketArn("aws", "lake"), "curated/")).toBe("arn:aws:s3:::lake/curated/*");
    expect(serviceAccountSubject("mlflow", "mlflow")).toBe("system:serviceaccount:mlflow:mlflow");
  });
});

describe("subnetLayout", () => {
  it("carves non-overlapping private, public and data subnets inside the VPC", () => {
    for (const [cidr, zones] of [
      ["10.40.0.0/16", 2],
      ["10.60.0.0/16", 3],
      ["10.1.16.0/20", 3],
    ] as const) {
      const layout = subnetLayout(cidr, zoneNames("me-central-1", zones));
      const blocks = layout.flatMap((z) => [z.private, z.public, z.data, z.firewall]).map((b) => parseCidr(b));
      const vpc = parseCidr(cidr);
      for (const b of blocks) expect(b && vpc && contains(vpc, b)).toBe(true);
      for (let i = 0; i < blocks.length; i++)
        for (let j = i + 1; j < blocks.length; j++)
          expect(overlaps(blocks[i] as never, blocks[j] as never), `${cidr} ${i} ${j}`).toBe(false);
    }
    expect(subnetLayout("10.40.0.0/16", ["me-central-1a"])[0]).toEqual({
      zone: "me-central-1a",
      private: "10.40.0.0/19",
      public: "10.40.96.0/22",
      data: "10.40.112.0/22",
      firewall: "10.40.108.0/24",
    });
    // Network Firewall needs at least a /28 per endpoint subnet: a /20 VPC still gets one.
    expect(subnetLayout("10.1.16.0/20", zoneNames("me-central-1", 3)).map((z) => z.firewall)).toEqual([
      "10.1.22.192/28",
      "10.1.22.208/28",
      "10.1.22.224/28",
    ]);
  });
  it("refuses a VPC outside /16-/20 or a wrong zone count, naming the value", () => {
    expect(() => subnetLayout("10.0.0.0/24", ["a"])).toThrow(/10\.0\.0\.0\/24 must be between \/16 and \/20/);
    expect(() => subnetLayout("10.0.0.0/16", [])).toThrow(/got 0 zones/);
    expect(() => subnetLayout("nonsense", ["a"])).toThrow(/"nonsense" is not a CIDR block/);
  });
  it("names zones after the region", () => {
    expect(zoneNames("me-central-1", 3)).toEqual(["me-central-1a", "me-central-1b", "me-central-1c"]);
  });
});

describe("naming", () => {
  it("builds names that satisfy RDS and ElastiCache rules", () => {
    const prefix = stackPrefix("mlops-platform", "uae-prod");
    expect(prefix).toBe("mlops-platform-uae-prod");
    expect(isValidDatabaseIdentifier(databaseIdentifier(prefix))).toBe(true);
    expect(isValidCacheIdentifier(cacheIdentifier(prefix))).toBe(true);
    const long = stackPrefix("My_Project", "a-very-long-stack-name-for-testing-purposes");
    expect(long.length).toBeLessThanOrEqual(32);
    expect(isValidCacheIdentifier(cacheIdentifier(long))).toBe(true);
    expect(stackPrefix("9lives", "x")).toMatch(/^[a-z]/);
  });
});

describe("iamRoleName", () => {
  it("leaves a role to the provider's auto-name while that fits IAM's 64 characters, and names it explicitly past that", () => {
    expect(iamRoleName("a".repeat(56))).toBeUndefined();
    // The longest prefix (32) with a long team's release identity: over 64 as an auto-name.
    const logical = `${stackPrefix("mlops-platform", "uae-prod-retail-x")}-identity-team-fraud-detection-scoring-tm-release`;
    const name = iamRoleName(logical) as string;
    expect(name.length).toBeLessThanOrEqual(64);
    expect(name).toMatch(/^[\w+=,.@-]+$/);
    expect(name.startsWith(logical.slice(0, 40))).toBe(true);
    // Stable across runs, and distinct for names that share the first 55 characters.
    expect(iamRoleName(logical)).toBe(name);
    expect(iamRoleName(logical.replace(/release$/, "train"))).not.toBe(name);
  });
});

describe("node pools", () => {
  it("recognises GPU and Graviton types", () => {
    for (const t of ["g5.2xlarge", "g6.12xlarge", "p4d.24xlarge", "p5.48xlarge", "g6e.xlarge"]) expect(isGpuInstanceType(t), t).toBe(true);
    for (const t of ["m5.large", "c5.2xlarge", "g5g.xlarge", "m6g.large"]) expect(isGpuInstanceType(t), t).toBe(false);
    expect(isArmInstanceType("m6g.large")).toBe(true);
    expect(isArmInstanceType("m5.large")).toBe(false);
  });
  it("picks the NVIDIA AMI for GPU pools and the arm AMI for Graviton pools", () => {
    expect(amiType("gpu", ["g5.2xlarge"])).toBe("AL2023_x86_64_NVIDIA");
    expect(amiType("cpu", ["m6g.large"])).toBe("AL2023_ARM_64_STANDARD");
    expect(amiType("system", ["m5.large"])).toBe("AL2023_x86_64_STANDARD");
  });
  it("always taints GPU pools and labels pools so the platform's labels win", () => {
    const pool = {
      name: "gpu",
      instanceTypes: ["g5.2xlarge"],
      minSize: 0,
      maxSize: 1,
      diskSizeGiB: 100,
      spot: true,
      labels: { "mlops.platform/pool-kind": "x" },
      taints: [],
    };
    expect(poolTaints("gpu", pool)).toEqual([GPU_TAINT]);
    expect(poolTaints("cpu", { ...pool, instanceTypes: ["m5.large"] })).toEqual([]);
    expect(poolLabels("gpu", pool)).toMatchObject({
      "mlops.platform/pool-kind": "gpu",
      "mlops.platform/capacity": "spot",
      "nvidia.com/gpu.present": "true",
    });
  });
  it("uses catalog types that fit their pool role", () => {
    for (const profile of ["smb", "enterprise"] as const) {
      const c = AWS_INSTANCE_TYPES[profile];
      for (const t of [...c.system, ...c.cpu]) expect(isGpuInstanceType(t), t).toBe(false);
      for (const t of c.gpu) expect(isGpuInstanceType(t), t).toBe(true);
    }
  });
});

describe("eksKubeconfig", () => {
  it("authenticates with aws eks get-token and carries no static credential", () => {
    const cfg = JSON.parse(eksKubeconfig("c1", "https://x.eks.amazonaws.com", "Q0E=", "me-central-1"));
    const user = cfg.users[0].user;
    expect(Object.keys(user)).toEqual(["exec"]);
    expect(user.exec.command).toBe("aws");
    expect(user.exec.args).toEqual(["eks", "get-token", "--cluster-name", "c1", "--region", "me-central-1", "--output", "json"]);
    expect(cfg.clusters[0].cluster).toEqual({ server: "https://x.eks.amazonaws.com", "certificate-authority-data": "Q0E=" });
  });
});

describe("logRetention", () => {
  it("rounds up to a CloudWatch Logs retention value", () => {
    expect(logRetention(30)).toBe(30);
    expect(logRetention(2555)).toBe(2557);
    expect(logRetention(100)).toBe(120);
    expect(logRetention(9999)).toBe(3653);
  });
});
