import { resourceRule } from "../../lib/rule";
import { iamStatements, list, str } from "../../lib/values";
import { IAM_POLICY_TYPES, policyDocuments } from "./iam";

const ADMIN_POLICIES = ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess"];

function isAdminArn(arn: string): boolean {
  return ADMIN_POLICIES.some((p) => arn.endsWith(`:policy/${p}`));
}

/** No admin managed policies and no `*:*` inline policies. */
export const awsIamRoleDisallowAdminPolicy = resourceRule({
  name: "aws-iam-role-disallow-admin-policy",
  types: [
    ...IAM_POLICY_TYPES,
    "aws:iam/role:Role",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
    "aws:iam/policyAttachment:PolicyAttachment",
    "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
  ],
  check: ({ args, props, report }) => {
    const arns = [str(props.policyArn), ...list(props.managedPolicyArns).map(str), ...list(props.policyArns).map(str)].filter(
      (a): a is string => a !== undefined,
    );
    for (const arn of arns) if (isAdminArn(arn)) report(`attaches the administrative managed policy ${arn}`);
    if (args.type.includes("Attachment")) return;
    for (const { where, document } of policyDocuments(args.type, props)) {
      (iamStatements(document) ?? []).forEach((s, i) => {
        const all = list(s.Action).map(String).includes("*") && list(s.Resource).map(String).includes("*");
        if (s.Effect === "Allow" && all) report(`${where} Statement[${i}] grants "*" on "*" (full administrator)`);
      });
    }
  },
});
