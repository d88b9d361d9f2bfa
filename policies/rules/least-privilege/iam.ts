/** Shared by the IAM rules: which resources carry identity policy documents. */
import { str } from "../../lib/values";

/** Types that carry an identity policy document in `policy`. */
export const IAM_POLICY_TYPES = [
  "aws:iam/policy:Policy",
  "aws:iam/rolePolicy:RolePolicy",
  "aws:iam/userPolicy:UserPolicy",
  "aws:iam/groupPolicy:GroupPolicy",
] as const;

/** The policy documents of an IAM resource (roles carry inline policies too). */
export function policyDocuments(type: string, props: Record<string, unknown>): { where: string; document: unknown }[] {
  if (type === "aws:iam/role:Role") {
    const inline = Array.isArray(props.inlinePolicies) ? props.inlinePolicies : [];
    return inline.map((p, i) => ({ where: `inlinePolicies[${i}]`, document: (p as Record<string, unknown>).policy }));
  }
  return [{ where: "policy", document: str(props.policy) ?? props.policy }];
}
