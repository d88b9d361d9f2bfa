/**
 * Accounts of one pipeline namespace that belong to one model each (`drift-<model>`,
 * `train-<model>`): a service account bound to the model's own cloud identity, Argo's executor
 * role and nothing else, and each account's own artifact repository (a key of a ConfigMap that a
 * Workflow's `artifactRepositoryRef` names), so that a run archives only under its model's prefix.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { WorkloadIdentityRef } from "../contracts";
import { ARGO_CLUSTER_ROLES, type ArtifactStore, artifactRepositoryConfig } from "./argo-workflows";

/** One model's account. */
export interface ModelAccount {
  readonly model: string;
  readonly serviceAccount: string;
  readonly identity: WorkloadIdentityRef;
}

/** Arguments of {@link modelAccountResources}. */
export interface ModelAccountArgs {
  readonly namespace: pulumi.Input<string>;
  /** Its plain name (the RoleBinding's subjects). */
  readonly namespaceName: string;
  readonly accounts: readonly ModelAccount[];
  /** Name of the RoleBinding that gives them Argo's executor role. */
  readonly bindingName: string;
  readonly dependsOn: readonly pulumi.Resource[];
}

/** The service accounts (`<name>-<model>-account`) and one RoleBinding of Argo's executor role (`<name>-executor`) listing them. */
export function modelAccountResources(name: string, args: ModelAccountArgs, parent: pulumi.Resource): k8s.core.v1.ServiceAccount[] {
  const accounts = args.accounts.map(
    (a) =>
      new k8s.core.v1.ServiceAccount(
        `${name}-${a.model}-account`,
        {
          metadata: {
            name: a.serviceAccount,
            namespace: args.namespace,
            annotations: { ...a.identity.serviceAccountAnnotations },
            labels: { ...a.identity.podLabels, "mlops.platform/model": a.model },
          },
        },
        { parent, dependsOn: [...args.dependsOn] },
      ),
  );
  // Argo's executor (the pods' wait container) reports step results as the pod's account.
  new k8s.rbac.v1.RoleBinding(
    `${name}-executor`,
    {
      metadata: { name: args.bindingName, namespace: args.namespace },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: ARGO_CLUSTER_ROLES.executor },
      subjects: args.accounts.map((a) => ({ kind: "ServiceAccount", name: a.serviceAccount, namespace: args.namespaceName })),
    },
    { parent, dependsOn: [...args.dependsOn, ...accounts] },
  );
  return accounts;
}

/** Where a key prefix of the store lies, for the entries of {@link artifactRepositoriesData}. */
export interface StoreLocation {
  /** The bucket (AWS) or container (Azure). */
  readonly bucket: string;
  /** The storage account (Azure; empty on AWS). */
  readonly accountName: string;
  /** Argo's artifact repository configuration for a key prefix of the store. */
  readonly repository: (prefix: string) => string;
}

/** A ConfigMap's data from the store's resolved location: the entries `entries` gives. */
export function artifactRepositoriesData(
  store: ArtifactStore,
  entries: (at: StoreLocation) => readonly (readonly [string, string])[],
): pulumi.Output<Record<string, string>> {
  return pulumi
    .all([store.cloud === "aws" ? store.bucket : store.container, store.endpoint, store.cloud === "azure" ? store.accountName : ""])
    .apply(([bucket, endpoint, accountName]) =>
      Object.fromEntries(
        entries({
          bucket,
          accountName,
          repository: (prefix) =>
            artifactRepositoryConfig(
              store.cloud === "aws"
                ? { cloud: "aws", bucket, endpoint, region: store.region }
                : { cloud: "azure", container: bucket, accountName, endpoint },
              prefix,
            ),
        }),
      ),
    );
}
