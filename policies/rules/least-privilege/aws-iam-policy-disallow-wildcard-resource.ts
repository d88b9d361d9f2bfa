import { resourceRule } from "../../lib/rule";
import { iamStatements, list } from "../../lib/values";
import { IAM_POLICY_TYPES, policyDocuments } from "./iam";

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

function unscopable(action: string): boolean {
  const name = action.split(":")[1] ?? "";
  return RESOURCE_WILDCARD_ACTIONS.includes(action) || name.startsWith("Describe") || name.startsWith("List");
}

/** No Allow on `*` resource for actions that support resource-level permissions. */
export const awsIamPolicyDisallowWildcardResource = resourceRule({
  name: "aws-iam-policy-disallow-wildcard-resource",
  types: [...IAM_POLICY_TYPES, "aws:iam/role:Role"],
  check: ({ args, props, report }) => {
    for (const { where, document } of policyDocuments(args.type, props)) {
      const statements = iamStatements(document);
      if (!statements) continue;
      statements.forEach((s, i) => {
        if (s.Effect !== "Allow") return;
        if (s.NotResource !== undefined) report(`${where} Statement[${i}] allows NotResource, which grants every other resource`);
        if (!list(s.Resource).map(String).includes("*")) return;
        const scopable = list(s.Action)
          .map(String)
          .filter((a) => !unscopable(a));
        if (scopable.length > 0)
          report(`${where} Statement[${i}] allows ${scopable.join(", ")} on resource "*"; scope it to the ARNs it needs`);
      });
    }
  },
});
