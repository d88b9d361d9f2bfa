/**
 * The kubeconfig of an AKS cluster with Entra ID integration. Pure, tested without mocks.
 *
 * The cluster has local accounts disabled, so the only credential is an Entra token obtained by
 * `kubelogin` (exec plugin). The API server address and CA come from the cluster's user
 * credentials; nothing static is embedded.
 */
import { parse, stringify } from "yaml";

/** Entra application id of the AKS AAD server (the same in every tenant). */
export const AKS_AAD_SERVER_APP_ID = "6dae42f8-4368-4678-94ff-3960e28e3630";

/** Server address and CA of a cluster. */
export interface ClusterAccess {
  readonly server: string;
  readonly certificateAuthorityData: string;
}

/** Extracts the server and CA from a kubeconfig (YAML text) returned by AKS. */
export function clusterAccessFromKubeconfig(text: string): ClusterAccess {
  const doc = parse(text) as { clusters?: { cluster?: { server?: string; "certificate-authority-data"?: string } }[] } | null;
  const cluster = doc?.clusters?.[0]?.cluster;
  if (!cluster?.server || !cluster["certificate-authority-data"]) {
    throw new Error("the AKS user credentials hold no cluster server or certificate-authority-data");
  }
  return { server: cluster.server, certificateAuthorityData: cluster["certificate-authority-data"] };
}

/**
 * A kubeconfig that authenticates with `kubelogin get-token` (Azure CLI login by default; CI can
 * switch to workload identity with `kubelogin convert-kubeconfig -l workloadidentity`).
 */
export function aksKubeconfig(clusterName: string, access: ClusterAccess, loginMode: "azurecli" | "workloadidentity" = "azurecli"): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: clusterName, cluster: { server: access.server, "certificate-authority-data": access.certificateAuthorityData } }],
    contexts: [{ name: clusterName, context: { cluster: clusterName, user: `${clusterName}-entra` } }],
    "current-context": clusterName,
    users: [
      {
        name: `${clusterName}-entra`,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "kubelogin",
            args: ["get-token", "--login", loginMode, "--server-id", AKS_AAD_SERVER_APP_ID],
            interactiveMode: "IfAvailable",
            provideClusterInfo: false,
          },
        },
      },
    ],
  });
}
