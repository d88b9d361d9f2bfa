/** Shared by the IAM rules: which resources carry identity policy documents, read in any shape. */
import { type IamStatement, iamStatements } from "../../lib/iam";
import { list, obj, str } from "../../lib/values";

/** Types that carry an identity policy document in `policy` (or `inlinePolicy`). */
export const IAM_POLICY_TYPES = [
  "aws:iam/policy:Policy",
  "aws:iam/rolePolicy:RolePolicy",
  "aws:iam/userPolicy:UserPolicy",
  "aws:iam/groupPolicy:GroupPolicy",
  "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy",
] as const;

/** The identity policy documents of an IAM resource (roles carry inline policies too). */
export function policyDocuments(type: string, props: Record<string, unknown>): { where: string; document: unknown }[] {
  if (type === "aws:iam/role:Role") {
    return list(props.inlinePolicies).map((p, i) => ({ where: `inlinePolicies[${i}]`, document: obj(p).policy }));
  }
  if (type === "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy")
    return [{ where: "inlinePolicy", document: str(props.inlinePolicy) ?? props.inlinePolicy }];
  return [{ where: "policy", document: str(props.policy) ?? props.policy }];
}

/**
 * The Allow statements of every identity document of a resource; `onInvalid` is called for a
 * document that cannot be read (fail closed: the rule reports it).
 */
export function allowStatements(
  type: string,
  props: Record<string, unknown>,
  onInvalid: (where: string) => void,
): { where: string; index: number; statement: IamStatement }[] {
  const out: { where: string; index: number; statement: IamStatement }[] = [];
  for (const { where, document } of policyDocuments(type, props)) {
    const statements = iamStatements(document);
    if (!statements) {
      onInvalid(where);
      continue;
    }
    statements.forEach((statement, index) => {
      if ((str(statement.Effect) ?? "").toLowerCase() === "allow") out.push({ where, index, statement });
    });
  }
  return out;
}
