/**
 * IAM roles for Kubernetes service accounts (IRSA): a role whose trust policy admits only the
 * listed `namespace/serviceaccount` subjects of one cluster's OIDC issuer.
 */

import * as pulumi from "@pulumi/pulumi";
import { issuerHostPath, serviceAccountSubject } from "./arn";
import { iamRoleName } from "./naming";
import { irsaTrustPolicy } from "./policy";
import * as aws from "./sdk";

/** The cluster's OIDC identity provider, as IRSA trust policies need it. */
export interface OidcIssuer {
  /** ARN of the IAM OIDC identity provider. */
  readonly providerArn: pulumi.Input<string>;
  /** Issuer URL (`https://oidc.eks.<region>.amazonaws.com/id/<ID>`). */
  readonly url: pulumi.Input<string>;
}

/** Creates an IRSA role for the given service accounts of `namespace`. */
export function irsaRole(
  name: string,
  issuer: OidcIssuer,
  namespace: string,
  serviceAccounts: readonly string[],
  description: string,
  opts: pulumi.CustomResourceOptions,
): aws.iam.Role {
  const subjects = serviceAccounts.map((sa) => serviceAccountSubject(namespace, sa));
  const roleName = iamRoleName(name);
  return new aws.iam.Role(
    name,
    {
      // Long team or model names: an explicit name within IAM's 64 characters instead of the auto-name.
      ...(roleName === undefined ? {} : { name: roleName }),
      description,
      maxSessionDuration: 3600,
      assumeRolePolicy: pulumi
        .all([issuer.providerArn, issuer.url])
        .apply(([providerArn, url]) => JSON.stringify(irsaTrustPolicy(providerArn, issuerHostPath(url), subjects))),
      tags: { "mlops-platform:namespace": namespace },
    },
    opts,
  );
}
