/**
 * The kubeconfig of an EKS cluster that authenticates with `aws eks get-token` (the caller's own
 * AWS identity, mapped by an access entry): no static token, no client certificate. Pure.
 */

/** Builds the kubeconfig document (JSON text, which every kubeconfig reader accepts). */
export function eksKubeconfig(clusterName: string, endpoint: string, caData: string, region: string): string {
  const name = `${clusterName}.${region}`;
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name, cluster: { server: endpoint, "certificate-authority-data": caData } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    "current-context": name,
    users: [
      {
        name,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: ["eks", "get-token", "--cluster-name", clusterName, "--region", region, "--output", "json"],
            interactiveMode: "Never",
          },
        },
      },
    ],
  });
}
