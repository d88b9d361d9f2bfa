/** IAM action/resource matching with AWS's glob semantics: equivalent spellings match, look-alikes do not. */
import { describe, expect, it } from "vitest";
import {
  actionMatches,
  grantsAdministrator,
  grantsEveryAction,
  iamStatements,
  isBroadResource,
  resourceMatches,
  statementGrantsAction,
  statementHasBroadResource,
} from "../../../policies/lib/iam";

describe("actionMatches", () => {
  it.each([
    ["*", "iam:CreateUser"],
    ["iam:*", "iam:CreateUser"],
    ["IAM:*", "iam:createuser"],
    ["s3:Get*", "s3:GetObject"],
    ["s3:get*", "S3:GETOBJECT"],
    ["s3:*Object", "s3:PutObject"],
    ["s3:?etObject", "s3:GetObject"],
    ["*:*", "kms:Decrypt"],
    ["*:Decrypt", "kms:Decrypt"],
    [" kms:Decrypt ", "kms:Decrypt"],
  ])("%s matches %s", (pattern, action) => {
    expect(actionMatches(pattern, action)).toBe(true);
  });
  it.each([
    ["s3:Get*", "s3:PutObject"],
    ["s3:*Object", "s3:GetObjectAcl"],
    ["s3:?etObject", "s3:GettObject"],
    ["iam:*", "iamx:CreateUser"],
    ["s3.GetObject", "s3:GetObject"],
    ["s3:GetObject", "s3:GetObjectVersion"],
    ["s3:Get[O]bject", "s3:GetObject"],
  ])("%s does not match %s", (pattern, action) => {
    expect(actionMatches(pattern, action)).toBe(false);
  });
});

describe("resourceMatches (case-sensitive ARNs)", () => {
  it("matches globs inside ARNs and keeps case", () => {
    expect(resourceMatches("arn:aws:s3:::data-*/*", "arn:aws:s3:::data-bkt/k")).toBe(true);
    expect(resourceMatches("arn:aws:s3:::Data-*", "arn:aws:s3:::data-bkt")).toBe(false);
    expect(resourceMatches("arn:aws:kms:*:*:key/*", "arn:aws:kms:me-central-1:1:key/x")).toBe(true);
  });
});

describe("grantsEveryAction", () => {
  it.each([[["*"]], [["*:*"]], [["*:?*"]], [["**"]], [["?*"]], [["iam:*", "*"]]])("%j grants every action", (p) => {
    expect(grantsEveryAction(p)).toBe(true);
  });
  it.each([[["iam:*"]], [["s3:*", "kms:*"]], [["*:Get*"]], [[]]])("%j does not", (p) => {
    expect(grantsEveryAction(p)).toBe(false);
  });
});

describe("isBroadResource", () => {
  it.each([
    "*",
    "arn:*",
    "arn:aws:*:*:*:*",
    "arn:aws:s3:::*",
    "arn:aws:s3:::*/*",
    "arn:aws:kms:*:*:key/*",
    "arn:aws:kms:me-central-1:123456789012:key/*",
    "arn:aws:iam::*:role/x",
    "arn:aws:iam::123456789012:role/*",
    "arn:aws:logs:me-central-1:123456789012:log-group:*",
    "arn:*:s3:::*",
    "arn:aws:*:me-central-1:123456789012:*",
    "bucket-*",
  ])("%s is broad", (r) => {
    expect(isBroadResource(r)).toBe(true);
  });
  it.each([
    "arn:aws:s3:::data-bkt/mlflow/*",
    "arn:aws:s3:::data-bkt",
    "arn:aws:kms:me-central-1:123456789012:key/11111111-2222-3333-4444-555555555555",
    "arn:aws:autoscaling:me-central-1:123456789012:autoScalingGroup:*:autoScalingGroupName/eks-system-*",
    "arn:aws:eks:me-central-1:123456789012:nodegroup/cluster/*/*",
    "arn:aws:logs:me-central-1:123456789012:log-group:/app/x:log-stream:*",
    "arn:aws:iam::123456789012:role/app-*",
  ])("%s is scoped", (r) => {
    expect(isBroadResource(r)).toBe(false);
  });
});

describe("statements", () => {
  it("reads documents as JSON strings, objects, single statements; refuses non-documents", () => {
    const st = { Effect: "Allow", Action: "s3:GetObject", Resource: "*" };
    expect(iamStatements(JSON.stringify({ Statement: [st] }))).toHaveLength(1);
    expect(iamStatements({ Statement: st })).toHaveLength(1);
    expect(iamStatements(null)).toEqual([]);
    expect(iamStatements("{not json")).toBeUndefined();
    expect(iamStatements(42)).toBeUndefined();
  });
  it("NotAction grants everything it does not list; case of Effect does not matter", () => {
    expect(statementGrantsAction({ Effect: "allow", NotAction: "iam:*" }, "s3:DeleteBucket")).toBe(true);
    expect(statementGrantsAction({ Effect: "Allow", NotAction: "iam:*" }, "iam:CreateUser")).toBe(false);
    expect(statementGrantsAction({ Effect: "Deny", Action: "*" }, "iam:CreateUser")).toBe(false);
  });
  it("NotResource is broad", () => {
    expect(statementHasBroadResource({ Effect: "Allow", NotResource: "arn:aws:s3:::x" })).toBe(true);
    expect(statementHasBroadResource({ Effect: "Allow", Resource: ["arn:aws:s3:::x/*"] })).toBe(false);
  });
  it.each([
    { Effect: "Allow", Action: "*", Resource: "*" },
    { Effect: "Allow", Action: ["*:*"], Resource: ["arn:*"] },
    { Effect: "Allow", Action: "*", Resource: "arn:aws:*:*:*:*" },
    { Effect: "Allow", NotAction: "iam:DeleteAccountAlias", Resource: "*" },
    { Effect: "Allow", Action: "?*", NotResource: "arn:aws:s3:::x" },
  ])("%j is administrator", (s) => {
    expect(grantsAdministrator(s)).toBe(true);
  });
  it.each([
    { Effect: "Allow", Action: "s3:*", Resource: "*" },
    { Effect: "Deny", Action: "*", Resource: "*" },
    { Effect: "Allow", Action: "*", Resource: "arn:aws:s3:::x/*" },
    { Effect: "Allow", NotAction: "*", Resource: "*" },
  ])("%j is not administrator", (s) => {
    expect(grantsAdministrator(s)).toBe(false);
  });
});
