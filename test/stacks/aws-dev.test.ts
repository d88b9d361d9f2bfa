import { expect, it } from "vitest";
import { describeAwsLayerBaseline } from "./aws-layer-common";
import { doc, ofType, one } from "./aws-plan-checks";

describeAwsLayerBaseline("dev", (plan) => {
  it("sizes for smb: two zones, one shared NAT and firewall endpoint, single-AZ database and cache, small classes", () => {
    // Private, public and data subnets per zone, plus one firewall subnet (one shared endpoint, the cheapest).
    expect(ofType(plan(), "aws:ec2/subnet:Subnet")).toHaveLength(7);
    expect(ofType(plan(), "aws:ec2/natGateway:NatGateway")).toHaveLength(1);
    const [db] = ofType(plan(), "aws:rds/instance:Instance");
    expect(db?.inputs).toMatchObject({ multiAz: false, backupRetentionPeriod: 7, instanceClass: "db.t3.medium" });
    const [rg] = ofType(plan(), "aws:elasticache/replicationGroup:ReplicationGroup");
    expect(rg?.inputs).toMatchObject({
      numCacheClusters: 1,
      automaticFailoverEnabled: false,
      multiAzEnabled: false,
      nodeType: "cache.t3.small",
    });
    const system = one(plan(), "aws:eks/nodeGroup:NodeGroup", "-eks-system");
    expect(system.inputs.scalingConfig).toEqual({ minSize: 1, maxSize: 3, desiredSize: 1 });
    expect(system.inputs.instanceTypes).toEqual(["m5.large"]);
    expect(one(plan(), "aws:cloudwatch/logGroup:LogGroup", "-eks-control-plane-logs").inputs.retentionInDays).toBe(90);
    expect(one(plan(), "aws:cloudwatch/logGroup:LogGroup", "-network-flow-logs").inputs.retentionInDays).toBe(30);
  });

  it("does not protect data in smb: no protect flags, no deletion protection, no final snapshot, volumes deleted with claims", () => {
    for (const r of plan().resources) {
      expect(r.protect ?? false, r.urn).toBe(false);
      expect(r.retainOnDelete ?? false, r.urn).toBe(false);
    }
    const [db] = ofType(plan(), "aws:rds/instance:Instance");
    expect(db?.inputs).toMatchObject({ deletionProtection: false, skipFinalSnapshot: true });
    expect(db?.inputs.finalSnapshotIdentifier).toBeUndefined();
    expect(ofType(plan(), "aws:eks/cluster:Cluster")[0]?.inputs.deletionProtection).toBe(false);
    expect(ofType(plan(), "kubernetes:storage.k8s.io/v1:StorageClass")[0]?.inputs.reclaimPolicy).toBe("Delete");
    for (const b of ofType(plan(), "aws:s3/bucket:Bucket")) expect(b.inputs.forceDestroy, b.name).toBe(true);
  });

  it("grants no data-lake access when none is configured", () => {
    const pipelines = JSON.stringify(doc(one(plan(), "aws:iam/rolePolicy:RolePolicy", "-identity-pipelines").inputs.policy));
    expect(pipelines).not.toContain("DataLake");
  });
});
