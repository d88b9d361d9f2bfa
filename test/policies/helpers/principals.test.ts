/** Principal analysis: anyone, another account, a service, this stack's account; narrowing conditions. */
import { describe, expect, it } from "vitest";
import { exposures, narrowedAccounts, principalsOf } from "../../../policies/lib/principals";

const OWN = new Set(["123456789012"]);
const allow = (Principal: unknown, Condition?: unknown) => ({ Effect: "Allow", Principal, Action: "s3:GetObject", Condition });

describe("principalsOf", () => {
  it.each([
    "*",
    { AWS: "*" },
    { AWS: ["*"] },
    { AWS: "arn:aws:iam::*:root" },
    { AWS: "arn:aws:iam::12345678901?:root" },
    { CanonicalUser: "*" },
    { Federated: "*" },
    { Federated: "accounts.google.com" },
    { Service: "*" },
  ])("%j is anyone", (p) => {
    expect(principalsOf({ Principal: p }).map((x) => x.kind)).toContain("anyone");
  });
  it("NotPrincipal in an Allow is anyone", () => {
    expect(principalsOf({ NotPrincipal: { AWS: "arn:aws:iam::123456789012:root" } })[0]?.kind).toBe("anyone");
  });
  it.each([
    ["123456789012", "123456789012"],
    [{ AWS: "arn:aws:iam::210987654321:root" }, "210987654321"],
    [{ AWS: ["arn:aws:iam::210987654321:role/x"] }, "210987654321"],
    [{ AWS: "arn:aws:sts::210987654321:assumed-role/r/s" }, "210987654321"],
  ])("%j is account %s", (p, account) => {
    expect(principalsOf({ Principal: p })[0]).toMatchObject({ kind: "account", account });
  });
  it("services and federated providers", () => {
    expect(principalsOf({ Principal: { Service: ["s3.amazonaws.com"] } })[0]?.kind).toBe("service");
    expect(principalsOf({ Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/x" } })[0]).toMatchObject({
      kind: "federated",
      account: "123456789012",
    });
  });
});

describe("narrowedAccounts", () => {
  it.each([
    [{ StringEquals: { "aws:PrincipalAccount": "123456789012" } }],
    [{ StringEquals: { "AWS:SourceAccount": ["123456789012"] } }],
    [{ ArnEquals: { "aws:SourceArn": "arn:aws:cloudtrail:me-central-1:123456789012:trail/t" } }],
    [{ StringEquals: { "kms:CallerAccount": "123456789012" } }],
  ])("%j narrows to this account", (c) => {
    expect(narrowedAccounts(c)).toEqual(["123456789012"]);
  });
  it.each([
    [{ StringNotEquals: { "aws:PrincipalAccount": "123456789012" } }],
    [{ StringEqualsIfExists: { "aws:PrincipalAccount": "123456789012" } }],
    [{ StringLike: { "aws:PrincipalAccount": "1234*" } }],
    [{ Bool: { "aws:SecureTransport": "true" } }],
    [{ ArnLike: { "aws:SourceArn": "arn:aws:s3:::b" } }],
  ])("%j does not narrow", (c) => {
    expect(narrowedAccounts(c)).toBeUndefined();
  });
});

describe("exposures", () => {
  it.each([
    allow("*"),
    allow({ AWS: ["*"] }),
    allow({ AWS: "arn:aws:iam::*:root" }),
    allow({ AWS: "arn:aws:iam::210987654321:root" }),
    allow("210987654321"),
    allow({ Service: "sns.amazonaws.com" }),
    allow("*", { StringEquals: { "aws:PrincipalAccount": "210987654321" } }),
    allow("*", { StringEqualsIfExists: { "aws:PrincipalAccount": "123456789012" } }),
    allow({ Federated: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }),
    allow({ Federated: "arn:aws:iam::123456789012:oidc-provider/x" }, { StringLike: { "x:sub": "*" } }),
    { Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "s3:*" },
  ])("%j exposes", (s) => {
    expect(exposures(s, OWN).length).toBeGreaterThan(0);
  });
  it.each([
    allow({ AWS: "arn:aws:iam::123456789012:root" }),
    allow({ AWS: "arn:aws:iam::123456789012:role/app" }),
    allow("*", { StringEquals: { "aws:PrincipalAccount": "123456789012" } }),
    allow({ Service: "s3.amazonaws.com" }, { StringEquals: { "aws:SourceAccount": "123456789012" } }),
    allow(
      { Service: "logs.me-central-1.amazonaws.com" },
      { ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:me-central-1:123456789012:log-group:*" } },
    ),
    allow({ Federated: "arn:aws:iam::123456789012:oidc-provider/x" }, { StringEquals: { "x:sub": "system:serviceaccount:a:b" } }),
    { Effect: "Deny", Principal: "*", Action: "s3:*" },
  ])("%j stays inside this account", (s) => {
    expect(exposures(s, OWN)).toEqual([]);
  });
  it("a service principal in a trust policy assumes for this account", () => {
    expect(exposures(allow({ Service: "eks.amazonaws.com" }), OWN, true)).toEqual([]);
  });
});
