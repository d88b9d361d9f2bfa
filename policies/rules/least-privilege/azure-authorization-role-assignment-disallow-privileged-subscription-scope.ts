import { resourceRule } from "../../lib/rule";
import { str } from "../../lib/values";

/** Built-in role definition ids (the same in every tenant). */
export const PRIVILEGED_ROLE_IDS: Readonly<Record<string, string>> = {
  "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
  "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
  "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": "User Access Administrator",
  // Assigns any role (conditions aside), so it is as strong as User Access Administrator.
  "f58310d9-a9f6-439a-9e8d-f62e7b41a168": "Role Based Access Control Administrator",
};

/** No Owner/Contributor/User Access Administrator/RBAC Administrator at subscription or management-group scope. */
export const azureAuthorizationRoleAssignmentDisallowPrivilegedSubscriptionScope = resourceRule({
  name: "azure-authorization-role-assignment-disallow-privileged-subscription-scope",
  types: ["azure-native:authorization:RoleAssignment"],
  check: ({ props, report }) => {
    const roleId = (str(props.roleDefinitionId) ?? "").split("/").pop()?.toLowerCase() ?? "";
    const role = PRIVILEGED_ROLE_IDS[roleId];
    if (!role) return;
    const scope = (str(props.scope) ?? "").replace(/\/$/, "");
    if (
      /^\/subscriptions\/[^/]+$/i.test(scope) ||
      /^\/providers\/Microsoft\.Management\/managementGroups\//i.test(scope) ||
      scope === "/"
    ) {
      report(`assigns ${role} at scope "${scope}"; use a narrower role at resource or resource-group scope`);
    }
  },
});
