/** `k8s.helm.v3`: only Release (see ./index.ts). */
export { Release, type ReleaseArgs } from "@pulumi/kubernetes/helm/v3/release";
