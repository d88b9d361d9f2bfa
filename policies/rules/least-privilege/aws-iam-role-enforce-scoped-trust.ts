import { type IamStatement, iamStatements, isAllow, isGlob, strings } from "../../lib/iam";
import { principalsOf } from "../../lib/principals";
import { resourceRule } from "../../lib/rule";
import { obj } from "../../lib/values";

/** What a trust statement may let a principal do: assume the role (and tag or name the session). */
const TRUST_ACTIONS = new Set([
  "sts:assumerole",
  "sts:assumerolewithwebidentity",
  "sts:assumerolewithsaml",
  "sts:tagsession",
  "sts:setsourceidentity",
]);
const EXACT = /^(forallvalues:|foranyvalue:)?(stringequals|stringequalsignorecase|arnequals)$/i;

/** The values of condition keys ending in `suffix` under exact (non-glob) operators, and whether a glob operator also names them. */
function conditionValues(condition: unknown, suffix: string): { exact: string[]; loose: string[] } {
  const exact: string[] = [];
  const loose: string[] = [];
  for (const [op, block] of Object.entries(obj(condition))) {
    for (const [key, values] of Object.entries(obj(block))) {
      if (!key.toLowerCase().endsWith(suffix)) continue;
      (EXACT.test(op.trim()) ? exact : loose).push(...strings(values).map((v) => v.trim()));
    }
  }
  return { exact, loose };
}

function statementProblems(s: IamStatement, i: number): string[] {
  const at = `assumeRolePolicy Statement[${i}]`;
  const out: string[] = [];
  if (s.NotPrincipal !== undefined) out.push(`${at} allows everyone but NotPrincipal: name who may assume the role in Principal`);
  if (s.NotAction !== undefined) out.push(`${at} uses NotAction: list the sts:AssumeRole… actions it allows`);
  for (const a of strings(s.Action))
    if (!TRUST_ACTIONS.has(a.trim().toLowerCase()))
      out.push(
        `${at} allows ${JSON.stringify(a)}: a trust policy allows only sts:AssumeRole, sts:AssumeRoleWithWebIdentity, sts:AssumeRoleWithSAML, sts:TagSession or sts:SetSourceIdentity`,
      );
  for (const p of principalsOf(s)) {
    if (p.kind === "anyone") out.push(`${at} principal ${JSON.stringify(p.value)} lets anyone assume the role`);
    else if (p.kind === "account" && (/^\d{12}$/.test(p.value.trim()) || /:root$/.test(p.value.trim()))) {
      const arns = conditionValues(s.Condition, "aws:principalarn");
      if (arns.exact.length === 0 || arns.exact.some(isGlob))
        out.push(
          `${at} principal ${JSON.stringify(p.value)} trusts every identity of account ${p.account ?? "?"}: name the roles that may assume it (their ARNs, or an ArnEquals aws:PrincipalArn condition)`,
        );
    } else if (p.kind === "federated" && /:oidc-provider\//.test(p.value)) {
      const sub = conditionValues(s.Condition, ":sub");
      const aud = conditionValues(s.Condition, ":aud");
      if (sub.exact.length === 0 || sub.loose.length > 0 || sub.exact.some(isGlob))
        out.push(
          `${at} lets identities of ${p.value} in by a subject pattern: list each system:serviceaccount:<namespace>:<name> under StringEquals on its :sub claim`,
        );
      if (aud.exact.length === 0 || aud.exact.some((v) => v !== "sts.amazonaws.com"))
        out.push(`${at} does not pin the token audience: add StringEquals "<provider>:aud": "sts.amazonaws.com"`);
    }
  }
  return out;
}

/**
 * Who can assume a role is named exactly: no wildcard or NotPrincipal, no whole account (root or
 * account id) without naming the roles, workload identities (OIDC web identity) only for listed
 * service accounts with the STS audience, and only the STS actions a trust policy needs. Other
 * accounts are the business of aws-iam-resource-policy-disallow-external-principal.
 */
export const awsIamRoleEnforceScopedTrust = resourceRule({
  name: "aws-iam-role-enforce-scoped-trust",
  types: ["aws:iam/role:Role"],
  check: ({ props, report }) => {
    const statements = iamStatements(props.assumeRolePolicy);
    if (!statements) {
      report("assumeRolePolicy is not a valid JSON policy document, so who may assume the role cannot be verified");
      return;
    }
    if (statements.filter(isAllow).length === 0)
      report("assumeRolePolicy allows nobody: a role nobody can assume is a mistake or a placeholder");
    statements.forEach((s, i) => {
      if (isAllow(s)) for (const m of statementProblems(s, i)) report(m);
    });
  },
});
