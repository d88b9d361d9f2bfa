import type { PolicyResource } from "@pulumi/policy";
import { stackAccounts } from "../../lib/accounts";
import { type IamStatement, iamStatements } from "../../lib/iam";
import { exposures } from "../../lib/principals";
import { stackRule } from "../../lib/rule";
import { str } from "../../lib/values";

/**
 * Fields that hold a resource-based or trust policy document, on any AWS resource: bucket
 * (`aws:s3/bucketPolicy`, the bucket's inline `policy`), queue, topic, key, registry and
 * repository, secret, file system, vault, domain, stream and table policies, and role trust.
 */
export const RESOURCE_POLICY_FIELDS = ["policy", "assumeRolePolicy", "accessPolicy", "accessPolicies", "policyDocument", "resourcePolicy"];

/** Identity policies hold no principals; their documents are for the IAM rules. */
const IDENTITY_TYPES = new Set([
  "aws:iam/policy:Policy",
  "aws:iam/rolePolicy:RolePolicy",
  "aws:iam/userPolicy:UserPolicy",
  "aws:iam/groupPolicy:GroupPolicy",
]);

/** ACLs that grant every AWS account (authenticated-read) or anyone (public-read…) access to an object. */
const PUBLIC_ACLS = new Set(["public-read", "public-read-write", "authenticated-read"]);
/** Object resources that carry a canned ACL. */
const OBJECT_TYPES = new Set(["aws:s3/bucketObject:BucketObject", "aws:s3/bucketObjectv2:BucketObjectv2", "aws:s3/objectCopy:ObjectCopy"]);

/** A one-statement document letting `principal` (an AWS account, ARN or `*`; `service` for a service principal) in. */
function grantTo(principal: unknown, service = false): { Statement: IamStatement[] } {
  return { Statement: [{ Effect: "Allow", Principal: service ? { Service: principal } : { AWS: principal } }] };
}

/**
 * Grants and shares that are resource policies in all but name: each is read as a one-statement
 * document, so that the same principal analysis applies (KMS grants, RAM principal associations,
 * snapshot volume and AMI launch permissions, Lambda function URLs without auth, object ACLs).
 */
function sharesOf(r: PolicyResource): { field: string; document: unknown; trust: boolean }[] {
  const p = r.props;
  const out: { field: string; document: unknown; trust: boolean }[] = [];
  const set = (v: unknown) => v !== undefined && v !== null && v !== "";
  switch (r.type) {
    case "aws:kms/grant:Grant":
      for (const field of ["granteePrincipal", "retiringPrincipal"]) {
        const v = str(p[field]);
        if (set(p[field])) out.push({ field, document: grantTo(p[field], !/^\d{12}$|^arn:|^\*$/.test(v ?? "")), trust: false });
      }
      break;
    case "aws:ram/principalAssociation:PrincipalAssociation":
      out.push({ field: "principal", document: grantTo(p.principal), trust: false });
      break;
    case "aws:ec2/snapshotCreateVolumePermission:SnapshotCreateVolumePermission":
      out.push({ field: "accountId", document: grantTo(p.accountId), trust: false });
      break;
    case "aws:ec2/amiLaunchPermission:AmiLaunchPermission":
      if (set(p.accountId)) out.push({ field: "accountId", document: grantTo(p.accountId), trust: false });
      if (str(p.group) === "all") out.push({ field: "group", document: grantTo("*"), trust: false });
      for (const field of ["organizationArn", "organizationalUnitArn"])
        if (set(p[field])) out.push({ field, document: grantTo(p[field]), trust: false });
      break;
    case "aws:lambda/functionUrl:FunctionUrl":
      if (str(p.authorizationType) === "NONE") out.push({ field: "authorizationType", document: grantTo("*"), trust: false });
      break;
    default:
      if (OBJECT_TYPES.has(r.type) && PUBLIC_ACLS.has(str(p.acl) ?? "")) out.push({ field: "acl", document: grantTo("*"), trust: false });
  }
  return out;
}

function documentsOf(r: PolicyResource): { field: string; document: unknown; trust: boolean }[] {
  const out: { field: string; document: unknown; trust: boolean }[] = [];
  if (!r.type.startsWith("aws:") || IDENTITY_TYPES.has(r.type)) return out;
  out.push(...sharesOf(r));
  for (const field of RESOURCE_POLICY_FIELDS) {
    const value = r.props[field];
    if (value === undefined || value === null || value === "") continue;
    out.push({ field, document: value, trust: field === "assumeRolePolicy" });
  }
  if (r.type === "aws:lambda/permission:Permission") {
    // A permission is a one-statement resource policy of the function.
    const statement: IamStatement = {
      Effect: "Allow",
      Principal: /^\d{12}$|^arn:|^\*$/.test(str(r.props.principal) ?? "") ? { AWS: r.props.principal } : { Service: r.props.principal },
      Condition: {
        StringEquals: { ...(r.props.sourceAccount ? { "aws:SourceAccount": r.props.sourceAccount } : {}) },
        ArnLike: { ...(r.props.sourceArn ? { "aws:SourceArn": r.props.sourceArn } : {}) },
      },
    };
    out.push({ field: "principal", document: { Statement: [statement] }, trust: false });
  }
  return out;
}

/** No resource or trust policy lets anyone, or an account that is not this stack's, in. */
export const awsIamResourcePolicyDisallowExternalPrincipal = stackRule({
  name: "aws-iam-resource-policy-disallow-external-principal",
  check: ({ resources, report }) => {
    const own = stackAccounts(resources);
    for (const r of resources) {
      for (const { field, document, trust } of documentsOf(r)) {
        const statements = iamStatements(document);
        if (!statements) {
          report(r, `${field} is not a valid JSON policy document, so who it lets in cannot be verified`);
          continue;
        }
        statements.forEach((s, i) => {
          for (const e of exposures(s, own, trust)) {
            const hint = own.size === 0 ? " (no account of this stack is known: set allowedAccountIds on the AWS provider)" : "";
            report(r, `${field} Statement[${i}] principal ${JSON.stringify(e.principal)} ${e.reason}${hint}`);
          }
        });
      }
    }
  },
});
