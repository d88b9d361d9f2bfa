/**
 * A data lake encrypted with its own KMS key: the pipeline and team roles may decrypt with exactly
 * that key (through S3 in the region), read only the configured prefix, and nothing more.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../../stacks/config";
import type { PlanResult } from "../../tools/lib/harness";
import { LAKE_KEY } from "../support/plan-requests";
import { planned } from "../support/shipped-plan";
import { doc, one } from "./aws-plan-checks";

describe("AWS layer with an SSE-KMS data lake (dev stack)", () => {
  let plan: PlanResult;
  beforeAll(() => {
    plan = planned("aws-layer/dev+kms-data-lake");
  });

  it("grants read and decrypt on exactly the lake's prefix and key to pipelines and teams", () => {
    for (const key of ["pipelines", "team-fraud"]) {
      const policy = doc(one(plan, "aws:iam/rolePolicy:RolePolicy", `-identity-${key}`).inputs.policy);
      const byId = Object.fromEntries(policy.Statement.map((s) => [s.Sid, s]));
      expect(byId.ReadDataLake1?.Resource, key).toBe("arn:aws:s3:::example-claims-lake/gold/*");
      expect(byId.DecryptDataLake1, key).toEqual({
        Sid: "DecryptDataLake1",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: LAKE_KEY,
        Condition: { StringEquals: { "kms:ViaService": "s3.me-central-1.amazonaws.com" } },
      });
    }
    const mlflow = JSON.stringify(doc(one(plan, "aws:iam/rolePolicy:RolePolicy", "-identity-mlflow").inputs.policy));
    expect(mlflow).not.toContain(LAKE_KEY);
  });
});

describe("dataLakes[].kmsKeyArn validation", () => {
  const base = {
    cloud: "aws",
    region: "me-central-1",
    profile: "smb",
    environment: "development",
    identity: { oidcIssuerUrl: "https://sso.example.ae", oidcClientId: "c", adminGroups: ["a"], clusterAdmins: [] },
  };
  it("refuses a key outside the UAE, naming the key and the value", () => {
    const outside = "arn:aws:kms:eu-west-1:210987654321:key/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    expect(() =>
      resolveConfig({ ...base, dataLakes: [{ name: "l", uri: "s3://lake/x/", region: "me-central-1", kmsKeyArn: outside }] }, "p", "s"),
    ).toThrow(/dataLakes\[0\]\.kmsKeyArn: must be a key in me-central-1 \(received: "arn:aws:kms:eu-west-1:/);
  });
  it("refuses what is not a KMS key ARN", () => {
    expect(() =>
      resolveConfig(
        { ...base, dataLakes: [{ name: "l", uri: "s3://lake/x/", region: "me-central-1", kmsKeyArn: "alias/lake" }] },
        "p",
        "s",
      ),
    ).toThrow(/dataLakes\[0\]\.kmsKeyArn: must be a KMS key ARN: arn:aws:kms:<region>:<account>:key\/<key-id> \(received: "alias\/lake"\)/);
  });
});
