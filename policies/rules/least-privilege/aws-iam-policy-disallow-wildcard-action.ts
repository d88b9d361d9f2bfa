import { resourceRule } from "../../lib/rule";
import { iamStatements, list } from "../../lib/values";
import { IAM_POLICY_TYPES, policyDocuments } from "./iam";

/** No Allow statement with `*`, `service:*` or NotAction. */
export const awsIamPolicyDisallowWildcardAction = resourceRule({
  name: "aws-iam-policy-disallow-wildcard-action",
  types: [...IAM_POLICY_TYPES, "aws:iam/role:Role"],
  check: ({ args, props, report }) => {
    for (const { where, document } of policyDocuments(args.type, props)) {
      const statements = iamStatements(document);
      if (!statements) {
        report(`${where} is not a valid JSON policy document`);
        continue;
      }
      statements.forEach((s, i) => {
        if (s.Effect !== "Allow") return;
        if (s.NotAction !== undefined) report(`${where} Statement[${i}] allows NotAction, which grants every other action`);
        for (const action of list(s.Action).map(String)) {
          if (action === "*" || action.endsWith(":*")) report(`${where} Statement[${i}] allows action "${action}"; list the exact actions`);
        }
      });
    }
  },
});
