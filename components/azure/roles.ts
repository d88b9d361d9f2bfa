/**
 * Built-in Azure role and policy definitions the platform assigns, scopes and ABAC conditions.
 * Pure, tested without mocks. Role ids are the global GUIDs of the built-in roles; the platform
 * never assigns Owner, Contributor or User Access Administrator.
 */

/** Built-in role definition GUIDs. */
export const BUILTIN_ROLES = {
  storageBlobDataReader: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
  storageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
  storageQueueDataMessageProcessor: "8a0f0c08-91a1-4084-bc3d-661d67233fed",
  storageQueueDataMessageSender: "c6a89b2d-59bc-44d0-9896-0f6e12d7b80a",
  acrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
  acrPush: "8311e382-0749-4cb8-b61a-304f252e45ec",
  keyVaultCryptoServiceEncryptionUser: "e147488a-f6f5-4113-8e2d-b22465e65bf6",
  keyVaultCryptoUser: "12338af0-0e69-4776-bea7-57ae8d297424",
  keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
  /** Needed by AKS for KMS with a private key vault (it creates the private link); scoped to the vault only. */
  keyVaultContributor: "f25e0fa2-a7c8-4377-a976-54943a77a395",
  /** Needed by the AKS control-plane identity on its own subnets (bring-your-own VNet); scoped to each subnet. */
  networkContributor: "4d97b98b-1d4f-4787-a291-c67834d212e7",
  reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
  /**
   * "Azure Kubernetes Service Cluster User Role": only `listClusterUserCredential` (download the
   * kubeconfig that signs in with the person's own Entra identity through kubelogin). What the
   * person may then do is decided inside the cluster (Kubernetes RBAC on their Entra groups).
   * Assigned to the teams' and approvers' Entra groups, scoped to the cluster only.
   */
  aksClusterUser: "4abbcc35-e782-43d8-92c5-2d3f1bd2253f",
} as const;
/** A built-in role the platform uses. */
export type BuiltinRole = keyof typeof BUILTIN_ROLES;

/** Role GUIDs that must never be assigned by the platform (Owner, Contributor, User Access Administrator). */
export const FORBIDDEN_ROLE_IDS = [
  "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
  "b24988ac-6180-42a0-ab88-20f7382dd24c",
  "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
] as const;

/** Full role definition id in a subscription. */
export function roleDefinitionId(subscriptionId: string, role: BuiltinRole): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${BUILTIN_ROLES[role]}`;
}

/** Built-in policy definitions (global ids). */
export const BUILTIN_POLICIES = {
  allowedLocations: "/providers/Microsoft.Authorization/policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c",
  allowedResourceGroupLocations: "/providers/Microsoft.Authorization/policyDefinitions/e765b5de-1225-4ba3-bd56-1ac6695af988",
} as const;

/** Resource id of a blob container. */
export function containerScope(storageAccountId: string, container: string): string {
  return `${storageAccountId}/blobServices/default/containers/${container}`;
}

/** Resource id of a storage queue. */
export function queueScope(storageAccountId: string, queue: string): string {
  return `${storageAccountId}/queueServices/default/queues/${queue}`;
}

/** Resource id of a key in a vault. */
export function keyScope(vaultId: string, key: string): string {
  return `${vaultId}/keys/${key}`;
}

/** Resource id of a storage account from subscription, resource group and name. */
export function storageAccountId(subscriptionId: string, resourceGroup: string, account: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Storage/storageAccounts/${account}`;
}

const BLOB = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs";

/**
 * ABAC condition (version 2.0) limiting a blob data role, assigned at container scope, to the
 * blobs under `prefix`: reads and listings (and, for `readwrite`, writes and deletes) outside the prefix are refused. An empty prefix means the whole container: no condition.
 */
export function blobPrefixCondition(prefix: string, mode: "read" | "readwrite"): string | undefined {
  if (prefix === "") return undefined;
  if (!/^[A-Za-z0-9._/-]+\/$/.test(prefix) || prefix.startsWith("/") || prefix.includes("'")) {
    throw new Error(
      `blobPrefixCondition(): prefix "${prefix}" must be a relative path ending in "/" (letters, digits, . _ - /), e.g. "mlflow/"`,
    );
  }
  const pathActions = [`${BLOB}/read`];
  if (mode === "readwrite") {
    pathActions.push(`${BLOB}/write`, `${BLOB}/delete`, `${BLOB}/add/action`);
  }
  const actionMatches = pathActions
    .map((a) => (a === `${BLOB}/read` ? `(ActionMatches{'${a}'} AND NOT SubOperationMatches{'Blob.List'})` : `ActionMatches{'${a}'}`))
    .join(" OR ");
  const onPath = `@Resource[${BLOB}:path] StringStartsWith '${prefix}'`;
  const listing = `(ActionMatches{'${BLOB}/read'} AND SubOperationMatches{'Blob.List'})`;
  const onListPrefix = `@Request[${BLOB}:prefix] StringStartsWith '${prefix}'`;
  return `((!(${actionMatches})) OR (${onPath})) AND ((!(${listing})) OR (${onListPrefix}))`;
}

/** A parsed `abfss://container@account.dfs.core.windows.net/prefix` URI. */
export interface AbfssLocation {
  readonly container: string;
  readonly account: string;
  /** Path inside the container, without leading slash; "" for the whole container, otherwise ending in "/". */
  readonly prefix: string;
}

/** Parses an ADLS Gen2 URI; throws with the expected form when it does not match. */
export function parseAbfss(uri: string): AbfssLocation {
  const m = /^abfss:\/\/([a-z0-9-]{3,63})@([a-z0-9]{3,24})\.dfs\.core\.windows\.net(?:\/(.*))?$/.exec(uri);
  if (!m) throw new Error(`"${uri}" is not an ADLS Gen2 URI like abfss://container@account.dfs.core.windows.net/prefix`);
  const path = (m[3] ?? "").replace(/^\/+/, "");
  return { container: m[1] as string, account: m[2] as string, prefix: path === "" || path.endsWith("/") ? path : `${path}/` };
}
