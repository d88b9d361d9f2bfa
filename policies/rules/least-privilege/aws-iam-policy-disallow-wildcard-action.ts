import { isGlob, strings } from "../../lib/iam";
import { resourceRule } from "../../lib/rule";
import { allowStatements, IAM_POLICY_TYPES } from "./iam";

/** No Allow statement with an action glob (`*`, `iam:*`, `s3:Get*`, `s3:*Object`, `*:*`) or NotAction. */
export const awsIamPolicyDisallowWildcardAction = resourceRule({
  name: "aws-iam-policy-disallow-wildcard-action",
  types: [...IAM_POLICY_TYPES, "aws:iam/role:Role"],
  check: ({ args, props, report }) => {
    const statements = allowStatements(args.type, props, (where) => report(`${where} is not a valid JSON policy document`));
    for (const { where, index, statement: s } of statements) {
      if (s.NotAction !== undefined) report(`${where} Statement[${index}] allows NotAction, which grants every other action`);
      for (const action of strings(s.Action)) {
        if (isGlob(action)) report(`${where} Statement[${index}] allows action "${action}", a wildcard; list the exact actions`);
      }
      if (s.Action === undefined && s.NotAction === undefined) report(`${where} Statement[${index}] has no Action`);
    }
  },
});
