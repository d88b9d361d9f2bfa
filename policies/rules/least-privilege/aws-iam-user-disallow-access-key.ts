import { resourceRule } from "../../lib/rule";

/** No static IAM access keys. */
export const awsIamUserDisallowAccessKey = resourceRule({
  name: "aws-iam-user-disallow-access-key",
  types: ["aws:iam/accessKey:AccessKey"],
  check: ({ report }) => report("creates a static IAM access key; use a workload identity (IRSA/Pod Identity) or OIDC federation instead"),
});
