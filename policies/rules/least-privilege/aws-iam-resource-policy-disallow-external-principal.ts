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

function documentsOf(r: PolicyResource): { field: string; document: unknown; trust: boolean }[] {
  const out: { field: string; document: unknown; trust: boolean }[] = [];
  if (!r.type.startsWith("aws:") || IDENTITY_TYPES.has(r.type)) return out;
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
