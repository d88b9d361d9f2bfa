import { isBroadResource, strings } from "../../lib/iam";
import { resourceRule } from "../../lib/rule";
import { allowStatements, IAM_POLICY_TYPES } from "./iam";

/**
 * Actions that do not support resource-level permissions, so `Resource: "*"` is the only option
 * (AWS Service Authorization Reference: no resource type for these actions).
 */
export const RESOURCE_WILDCARD_ACTIONS: readonly string[] = [
  "ecr:GetAuthorizationToken",
  "sts:GetCallerIdentity",
  "s3:ListAllMyBuckets",
  "kms:ListAliases",
  "kms:ListKeys",
  "autoscaling:SetDesiredCapacity",
  "autoscaling:TerminateInstanceInAutoScalingGroup",
  "ec2:CreateTags",
  "ec2:CreateSecurityGroup",
  "ec2:CreateVolume",
  "ec2:CreateSnapshot",
  "ec2:CreateNetworkInterface",
  "ec2:AttachNetworkInterface",
  "elasticloadbalancing:SetWebAcl",
  "iam:ListInstanceProfiles",
  "pricing:GetProducts",
  "cloudwatch:PutMetricData",
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
];

/** True when every action the pattern matches has no resource-level permissions (`ec2:Describe*`, `kms:ListKeys`). */
function unscopable(action: string): boolean {
  const a = action.trim();
  if (RESOURCE_WILDCARD_ACTIONS.some((x) => x.toLowerCase() === a.toLowerCase())) return true;
  const name = a.split(":")[1] ?? "";
  // The literal prefix before any glob decides what the pattern can match.
  const literal = name.split(/[*?]/)[0] ?? "";
  return /^(describe|list)/i.test(literal);
}

/** No Allow on a broad resource (`*`, `arn:aws:s3:::*`, `arn:aws:kms:*:*:key/*`, NotResource) for actions that support resource-level permissions. */
export const awsIamPolicyDisallowWildcardResource = resourceRule({
  name: "aws-iam-policy-disallow-wildcard-resource",
  types: [...IAM_POLICY_TYPES, "aws:iam/role:Role"],
  check: ({ args, props, report }) => {
    const statements = allowStatements(args.type, props, (where) => report(`${where} is not a valid JSON policy document`));
    for (const { where, index, statement: s } of statements) {
      if (s.NotResource !== undefined) report(`${where} Statement[${index}] allows NotResource, which grants every other resource`);
      const broad = strings(s.Resource).filter(isBroadResource);
      if (broad.length === 0) continue;
      const actions = s.NotAction !== undefined ? ["(every action but NotAction)"] : strings(s.Action);
      const scopable = actions.filter((a) => !unscopable(a));
      if (scopable.length > 0)
        report(
          `${where} Statement[${index}] allows ${scopable.join(", ")} on ${broad.map((r) => `"${r}"`).join(", ")}; scope it to the ARNs it needs`,
        );
    }
  },
});
