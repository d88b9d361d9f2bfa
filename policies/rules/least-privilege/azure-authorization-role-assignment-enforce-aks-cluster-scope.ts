import { resourceRule } from "../../lib/rule";
import { str } from "../../lib/values";

/**
 * Built-in roles that open an AKS cluster to their holder (the same ids in every tenant): the
 * credential roles (`listClusterUserCredential`, `listClusterAdminCredential`) and the Azure RBAC
 * cluster-admin role for the Kubernetes API.
 */
export const AKS_ACCESS_ROLE_IDS: Readonly<Record<string, string>> = {
  "4abbcc35-e782-43d8-92c5-2d3f1bd2253f": "Azure Kubernetes Service Cluster User Role",
  "0ab0b1a8-8aac-4efd-b8c2-3ee1fb270be8": "Azure Kubernetes Service Cluster Admin Role",
  "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b": "Azure Kubernetes Service RBAC Cluster Admin",
};

/** One managed cluster (or a namespace of it, for the Azure RBAC roles). */
const CLUSTER_SCOPE =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ContainerService\/managedClusters\/[^/]+(\/namespaces\/[^/]+)?$/i;

/** A role that opens an AKS cluster is assigned on that cluster, never on a resource group or the subscription (every cluster in it). */
export const azureAuthorizationRoleAssignmentEnforceAksClusterScope = resourceRule({
  name: "azure-authorization-role-assignment-enforce-aks-cluster-scope",
  types: ["azure-native:authorization:RoleAssignment"],
  check: ({ props, report }) => {
    const roleId = (str(props.roleDefinitionId) ?? "").split("/").pop()?.toLowerCase() ?? "";
    const role = AKS_ACCESS_ROLE_IDS[roleId];
    if (!role) return;
    const scope = (str(props.scope) ?? "").replace(/\/+$/, "");
    if (!CLUSTER_SCOPE.test(scope))
      report(
        `assigns ${role} at scope "${scope}": assign it on the cluster itself (…/providers/Microsoft.ContainerService/managedClusters/<name>); on a resource group or the subscription it opens every cluster there`,
      );
  },
});
