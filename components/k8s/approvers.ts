/**
 * Approvers of production promotions: the Argo SSO account a pipeline namespace's approvers are
 * mapped onto (`argo-sso-approver`, the account the `mlops-approvals` admission policy lets resume
 * or end a waiting approval step), in a team namespace (teams[].approverGroups plus
 * identity.approverGroups) and in the platform's own `ml-pipelines` (identity.approverGroups).
 *
 * How Argo's server picks the account (server/auth/gatekeeper.go, v4.0.6, rbacAuthorization): it
 * first finds the person's account in its own namespace (`argo`: admin 20, viewer 10, default 0),
 * then, with SSO_DELEGATE_RBAC_TO_NAMESPACE, the first matching account of the namespace the
 * request is about, and uses the namespace's account only when its precedence is higher than the
 * login account's. The approver account therefore ranks above the viewers (a person in both
 * groups can still approve) and below the admins (who approve with their own account).
 */

import type * as pulumi from "@pulumi/pulumi";
import { APPROVER_ACCOUNT } from "./admission-rules";
import { ARGO_CLUSTER_ROLES, groupRule } from "./argo-workflows";
import * as k8s from "./sdk";

/** Precedence of the approver account: above the viewer (10) and team (5) accounts, below the admin (20). */
export const APPROVER_PRECEDENCE = 15;

/** Where and for whom an approver account is created. */
export interface ApproverAccountArgs {
  /** Namespace (output of the namespace, to order after it). */
  readonly namespace: pulumi.Input<string>;
  /** Identity-provider groups (or Entra object ids) whose members approve there. */
  readonly groups: readonly string[];
  readonly dependsOn: readonly pulumi.Resource[];
}

/**
 * The approver account and its token Secret (Argo's server acts with that token for the person),
 * as `${name}-argo-sso-approver` and `${name}-argo-sso-approver-token` under `parent`.
 */
export function approverAccount(name: string, args: ApproverAccountArgs, parent: pulumi.Resource): k8s.core.v1.ServiceAccount {
  const sa = new k8s.core.v1.ServiceAccount(
    `${name}-argo-sso-approver`,
    {
      metadata: {
        name: APPROVER_ACCOUNT,
        namespace: args.namespace,
        annotations: {
          "workflows.argoproj.io/rbac-rule": groupRule(args.groups),
          "workflows.argoproj.io/rbac-rule-precedence": String(APPROVER_PRECEDENCE),
        },
      },
      automountServiceAccountToken: false,
    },
    { parent, dependsOn: [...args.dependsOn] },
  );
  new k8s.core.v1.Secret(
    `${name}-argo-sso-approver-token`,
    {
      metadata: {
        name: `${APPROVER_ACCOUNT}.service-account-token`,
        namespace: args.namespace,
        annotations: { "kubernetes.io/service-account.name": APPROVER_ACCOUNT },
      },
      type: "kubernetes.io/service-account-token",
    },
    { parent, dependsOn: [...args.dependsOn] },
  );
  return sa;
}

/**
 * The platform namespace's approvers (identity.approverGroups): their account, bound in that
 * namespace only to the approver role (read workflows, and update or patch them, which is how
 * Argo's server writes a resume or a stop). They cannot create workflows in the platform's
 * namespace. Nothing is created without approver groups: the admins approve there, as before.
 */
export function platformApprovers(
  name: string,
  args: ApproverAccountArgs & { readonly namespaceName: string },
  parent: pulumi.Resource,
): k8s.core.v1.ServiceAccount | undefined {
  if (args.groups.length === 0) return undefined;
  const sa = approverAccount(name, args, parent);
  new k8s.rbac.v1.RoleBinding(
    `${name}-approvers`,
    {
      metadata: { name: "pipeline-approvers", namespace: args.namespace },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: ARGO_CLUSTER_ROLES.approver },
      subjects: [{ kind: "ServiceAccount", name: APPROVER_ACCOUNT, namespace: args.namespaceName }],
    },
    { parent, dependsOn: [...args.dependsOn, sa] },
  );
  return sa;
}
