import { grantsAdministrator } from "../../lib/iam";
import { resourceRule } from "../../lib/rule";
import { list, obj, str } from "../../lib/values";
import { allowStatements, IAM_POLICY_TYPES } from "./iam";

/**
 * AWS managed policies that grant administrative or IAM-administrative power (or enough to grant
 * it to oneself): every `AdministratorAccess*` variant (AdministratorAccess-Amplify,
 * -AWSElasticBeanstalk…), PowerUserAccess, IAMFullAccess, Organizations and IAM Identity Center
 * administration, and the SystemAdministrator job function.
 */
const ADMIN_POLICIES: readonly RegExp[] = [
  /^AdministratorAccess(-.+)?$/i,
  /^PowerUserAccess$/i,
  /^IAMFullAccess$/i,
  /^AWSOrganizationsFullAccess$/i,
  /^AWSSSO(MasterAccount|MemberAccount|Directory)Administrator$/i,
  /^SystemAdministrator$/i,
];

/** True for the ARN of an administrative managed policy, whatever its path (`policy/job-function/…`). */
export function isAdminArn(arn: string): boolean {
  const m = /^arn:aws[a-z-]*:iam::[^:]*:policy\/(.+)$/.exec(arn.trim());
  if (!m?.[1]) return false;
  const name = m[1].split("/").pop() ?? "";
  return ADMIN_POLICIES.some((p) => p.test(name));
}

const EKS_ASSOCIATION = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation";
/** URN part of the admin associations the platform's own EKS cluster component makes (from the stack's adminRoleArns). */
const PLATFORM_ADMIN_ASSOCIATION = "::mlops-platform:aws:Cluster$aws:eks/accessPolicyAssociation:AccessPolicyAssociation::";

/** No admin managed policies and no inline grant of every action on every resource. */
export const awsIamRoleDisallowAdminPolicy = resourceRule({
  name: "aws-iam-role-disallow-admin-policy",
  types: [
    ...IAM_POLICY_TYPES,
    "aws:iam/role:Role",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
    "aws:iam/policyAttachment:PolicyAttachment",
    "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
    "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment",
    EKS_ASSOCIATION,
  ],
  check: ({ args, props, settings, report }) => {
    if (args.type === EKS_ASSOCIATION) {
      const policy = str(props.policyArn) ?? "";
      const scope = str(obj(props.accessScope).type) ?? "cluster";
      const admin =
        /:cluster-access-policy\/AmazonEKSClusterAdminPolicy$/.test(policy) ||
        (/:cluster-access-policy\/AmazonEKSAdminPolicy$/.test(policy) && scope === "cluster");
      // Only the platform's own cluster component, and only for a role the stack names in
      // identity.clusterAdmins: a component's name is not proof enough, the principal must match.
      const principal = str(props.principalArn);
      const configured = principal !== undefined && settings.clusterAdmins.includes(principal);
      if (admin && !(args.urn.includes(PLATFORM_ADMIN_ASSOCIATION) && configured))
        report(
          `associates ${policy.split("/").pop()} (cluster-wide Kubernetes admin) with ${principal ?? "a principal"}${args.urn.includes(PLATFORM_ADMIN_ASSOCIATION) ? ", which is not one of the stack's identity.clusterAdmins" : ""}; grant teams Kubernetes groups through an access entry, and list administrators in the stack's mlops-platform:identity.clusterAdmins`,
        );
      return;
    }
    const arns = [
      str(props.policyArn),
      str(props.managedPolicyArn),
      ...list(props.managedPolicyArns).map(str),
      ...list(props.policyArns).map(str),
    ];
    for (const arn of arns) if (arn !== undefined && isAdminArn(arn)) report(`attaches the administrative managed policy ${arn}`);
    if (args.type.includes("Attachment")) return;
    for (const { where, index, statement } of allowStatements(args.type, props, () => undefined)) {
      if (grantsAdministrator(statement)) report(`${where} Statement[${index}] grants every action on every resource (full administrator)`);
    }
  },
});
