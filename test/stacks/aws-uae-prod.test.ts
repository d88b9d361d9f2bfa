import { expect, it } from "vitest";
import { describeAwsLayerBaseline } from "./aws-layer-common";
import { doc, ofType, one } from "./aws-plan-checks";

describeAwsLayerBaseline("uae-prod", (plan) => {
  it("sizes for enterprise: three zones, a NAT and a firewall endpoint per zone, Multi-AZ database, replicated cache, larger classes", () => {
    expect(ofType(plan(), "aws:ec2/subnet:Subnet")).toHaveLength(12);
    expect(ofType(plan(), "aws:ec2/natGateway:NatGateway")).toHaveLength(3);
    const [db] = ofType(plan(), "aws:rds/instance:Instance");
    expect(db?.inputs).toMatchObject({ multiAz: true, backupRetentionPeriod: 35, instanceClass: "db.m5.large" });
    const [rg] = ofType(plan(), "aws:elasticache/replicationGroup:ReplicationGroup");
    expect(rg?.inputs).toMatchObject({
      numCacheClusters: 3,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      nodeType: "cache.m5.large",
    });
    const system = one(plan(), "aws:eks/nodeGroup:NodeGroup", "-eks-system");
    expect(system.inputs.scalingConfig).toEqual({ minSize: 3, maxSize: 6, desiredSize: 3 });
    expect(one(plan(), "aws:eks/nodeGroup:NodeGroup", "-eks-gpuspot").inputs.instanceTypes).toEqual(["g5.12xlarge", "g6.12xlarge"]);
    // 2555 days of audit (7 years) rounds up to CloudWatch's 2557.
    expect(one(plan(), "aws:cloudwatch/logGroup:LogGroup", "-eks-control-plane-logs").inputs.retentionInDays).toBe(2557);
    expect(one(plan(), "aws:cloudwatch/logGroup:LogGroup", "-audit-trail-logs").inputs.retentionInDays).toBe(2557);
  });

  it("protects every stateful resource against delete and replace", () => {
    const stateful = [
      ...ofType(plan(), "aws:s3/bucket:Bucket"),
      ...ofType(plan(), "aws:kms/key:Key"),
      ...ofType(plan(), "aws:rds/instance:Instance"),
      ...ofType(plan(), "aws:cloudwatch/logGroup:LogGroup").filter((l) => !l.name.endsWith("-slow-log")),
      ...ofType(plan(), "aws:ecr/repository:Repository"),
      ...ofType(plan(), "aws:secretsmanager/secret:Secret"),
      ...ofType(plan(), "aws:elasticache/replicationGroup:ReplicationGroup"),
      ...ofType(plan(), "aws:cloudtrail/trail:Trail"),
    ];
    expect(stateful.length).toBeGreaterThan(15);
    for (const r of stateful) {
      expect(r.protect, r.urn).toBe(true);
      expect(r.retainOnDelete, r.urn).toBe(true);
    }
    const [db] = ofType(plan(), "aws:rds/instance:Instance");
    expect(db?.inputs).toMatchObject({
      deletionProtection: true,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: "mlops-platform-uae-prod-pg-final",
    });
    expect(ofType(plan(), "aws:elasticache/replicationGroup:ReplicationGroup")[0]?.inputs.finalSnapshotIdentifier).toBe(
      "mlops-platform-uae-prod-redis-final",
    );
    const [cluster] = ofType(plan(), "aws:eks/cluster:Cluster");
    expect(cluster?.inputs.deletionProtection).toBe(true);
    expect(cluster?.protect).toBe(true);
    expect(ofType(plan(), "kubernetes:storage.k8s.io/v1:StorageClass")[0]?.inputs.reclaimPolicy).toBe("Retain");
    for (const b of ofType(plan(), "aws:s3/bucket:Bucket")) expect(b.inputs.forceDestroy, b.name).toBe(false);
    for (const r of ofType(plan(), "aws:ecr/repository:Repository")) expect(r.inputs.forceDelete, r.name).toBe(false);
  });

  it("grants pipelines and teams read-only access to exactly the configured data-lake prefix, and nobody else", () => {
    for (const key of ["pipelines", "team-fraud", "team-credit"]) {
      const policy = doc(one(plan(), "aws:iam/rolePolicy:RolePolicy", `-identity-${key}`).inputs.policy);
      const read = policy.Statement.find((s) => s.Sid === "ReadDataLake1");
      expect(read?.Resource, key).toBe("arn:aws:s3:::example-core-banking-lake/curated/*");
      expect(read?.Action, key).toEqual(["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging"]);
      const list = policy.Statement.find((s) => s.Sid === "ListDataLake1");
      expect(list?.Condition?.StringLike?.["s3:prefix"], key).toEqual(["curated/", "curated/*"]);
      const lakeWrites = policy.Statement.filter(
        (s) => JSON.stringify(s.Resource).includes("core-banking") && JSON.stringify(s.Action).includes("Put"),
      );
      expect(lakeWrites, key).toEqual([]);
    }
    for (const key of ["mlflow", "serving", "feast", "argo-workflows"]) {
      expect(JSON.stringify(doc(one(plan(), "aws:iam/rolePolicy:RolePolicy", `-identity-${key}`).inputs.policy)), key).not.toContain(
        "core-banking",
      );
    }
    // Each team is confined to its own prefixes.
    const fraud = JSON.stringify(doc(one(plan(), "aws:iam/rolePolicy:RolePolicy", "-identity-team-fraud").inputs.policy));
    expect(fraud).toContain("teams/fraud/");
    expect(fraud).not.toContain("teams/credit/");
  });
});
