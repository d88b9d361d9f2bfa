import { globRegExp } from "../../lib/iam";
import { resourceRule } from "../../lib/rule";
import { list, obj, str } from "../../lib/values";

/** Built-in role definition ids (the same in every tenant). */
export const PRIVILEGED_ROLE_IDS: Readonly<Record<string, string>> = {
  "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
  "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
  "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": "User Access Administrator",
  // Assigns any role (conditions aside), so it is as strong as User Access Administrator.
  "f58310d9-a9f6-439a-9e8d-f62e7b41a168": "Role Based Access Control Administrator",
  // Data-plane owners and administrators: at subscription scope, every account's blobs and every vault's keys and secrets.
  "b7e6dc6d-f1e8-4753-8033-0f276bb0955b": "Storage Blob Data Owner",
  "00482a5a-887f-4fb3-b363-3b7fe8e74483": "Key Vault Administrator",
  "b86a8fe4-44ce-4948-aee5-eccb2c155cd7": "Key Vault Secrets Officer",
  "14b46e9e-c2b7-41b4-b07b-48a6ebf60603": "Key Vault Crypto Officer",
  "8b54135c-b56d-4d72-a534-26097cfdc8d8": "Key Vault Data Access Administrator",
};

/** Roles that can assign roles (Owner, User Access Administrator, RBAC Administrator): refused on a whole resource group too. */
const ROLE_GRANTING = new Set([
  "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
  "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
  "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
]);

/** Scope ids above a resource group: a subscription, a management group, the tenant root. */
export function isAboveResourceGroup(scope: string): boolean {
  const s = scope.trim().replace(/\/+$/, "");
  return /^\/subscriptions\/[^/]+$/i.test(s) || /^\/providers\/Microsoft\.Management\/managementGroups\//i.test(s) || s === "";
}

/** Actions a custom role must not grant (by Azure's glob semantics): write anything, or assign roles. */
const BROAD_PROBES = [
  "Microsoft.Authorization/roleAssignments/write",
  "Microsoft.Storage/storageAccounts/write",
  "Microsoft.Compute/virtualMachines/write",
  "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
];

/** The probes `actions` minus `notActions` grant. */
function broadGrants(actions: string[], notActions: string[]): string[] {
  const m = (patterns: string[], a: string) => patterns.some((p) => globRegExp(p, true).test(a));
  return BROAD_PROBES.filter((a) => m(actions, a) && !m(notActions, a));
}

/** No Owner/Contributor/User Access Administrator/RBAC Administrator at subscription or management-group scope. */
export const azureAuthorizationRoleAssignmentDisallowPrivilegedSubscriptionScope = resourceRule({
  name: "azure-authorization-role-assignment-disallow-privileged-subscription-scope",
  types: ["azure-native:authorization:RoleAssignment", "azure-native:authorization:RoleDefinition"],
  check: ({ args, props, report }) => {
    if (args.type === "azure-native:authorization:RoleDefinition") {
      const scopes = list(props.assignableScopes).map((x) => str(x) ?? "");
      const high = [str(props.scope) ?? "", ...scopes].filter((x) => x && isAboveResourceGroup(x));
      if (high.length === 0) return;
      list(props.permissions).forEach((perm, i) => {
        const p = obj(perm);
        const grants = broadGrants(
          list(p.actions).map((x) => str(x) ?? ""),
          list(p.notActions).map((x) => str(x) ?? ""),
        );
        const data = broadGrants(
          list(p.dataActions).map((x) => str(x) ?? ""),
          list(p.notDataActions).map((x) => str(x) ?? ""),
        );
        if (grants.length || data.length)
          report(
            `permissions[${i}] grants ${[...grants, ...data].join(", ")} (a wildcard) and the role is assignable at "${high[0]}"; list the actions it needs and keep it assignable at resource-group scope or below`,
          );
      });
      return;
    }
    // Trailing slashes and case do not change the id Azure resolves.
    const roleId = (str(props.roleDefinitionId) ?? "").replace(/\/+$/, "").split("/").pop()?.toLowerCase() ?? "";
    const role = PRIVILEGED_ROLE_IDS[roleId];
    if (!role) return;
    const scope = (str(props.scope) ?? "").replace(/\/+$/, "");
    if (isAboveResourceGroup(scope) || scope === "/") {
      report(`assigns ${role} at scope "${scope || "/"}"; use a narrower role at resource or resource-group scope`);
    } else if (ROLE_GRANTING.has(roleId) && /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+$/i.test(scope)) {
      // A role that can assign roles, on a whole resource group, can grant itself anything in it (the stack's data included).
      report(
        `assigns ${role} on the resource group "${scope}": it can grant any role there; assign a narrower role on the resources needed`,
      );
    }
  },
});
