import { resourceRule } from "../../lib/rule";

/** Long-lived IAM user credentials, by resource type. */
const STATIC_CREDENTIALS: Readonly<Record<string, string>> = {
  "aws:iam/accessKey:AccessKey": "a static IAM access key",
  "aws:iam/serviceSpecificCredential:ServiceSpecificCredential": "a service-specific password (CodeCommit, Keyspaces)",
  "aws:iam/userLoginProfile:UserLoginProfile": "a console password for an IAM user",
  "aws:iam/signingCertificate:SigningCertificate": "an IAM user signing certificate",
  "aws:iam/sshKey:SshKey": "an IAM user SSH key",
};

/** No long-lived IAM user credentials: people come through SSO, workloads through their identity. */
export const awsIamUserDisallowAccessKey = resourceRule({
  name: "aws-iam-user-disallow-access-key",
  types: Object.keys(STATIC_CREDENTIALS),
  check: ({ args, report }) =>
    report(
      `creates ${STATIC_CREDENTIALS[args.type]}, a static credential; use a workload identity (IRSA/Pod Identity), OIDC federation or SSO instead`,
    ),
});
