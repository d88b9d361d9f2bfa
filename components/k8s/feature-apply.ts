/**
 * The `feast apply` path of the declared feature repository (`services.feast.repository`): the
 * `feature-apply` account in `ml-pipelines`, what it may reach, and the Workflow a verified push
 * to the repository starts (docs/workflows.md, "Feature repository").
 *
 * The account has no cloud identity: it reads no bucket, so no training data. It writes the Feast
 * registry (and updates the online store's tables) through the platform's `feature_store.yaml`
 * Secret that the `feature-apply` ClusterWorkflowTemplate mounts; admission lets it run the pinned
 * Feast image in `ml-pipelines` and nothing else, and admits that image for no other account
 * (`namespaceAccounts` of the admission rules). Its pods reach the repository's git host through
 * the egress firewall, and the registry and online store inside the network, like every pipeline pod.
 */
import type * as pulumi from "@pulumi/pulumi";
import { ARGO_CLUSTER_ROLES } from "./argo-workflows";
import * as k8s from "./sdk";

export {
  CLONE_URL,
  FEAST_IMAGE_PLACEHOLDER,
  FEATURE_APPLY_POD_LABELS,
  FEATURE_APPLY_SERVICE_ACCOUNT,
  FEATURE_APPLY_TEMPLATE,
  FEATURE_REPOSITORY_SETTINGS,
  featureApplyProblems,
  featureRepositoryPath,
  featureRepositoryPathProblem,
} from "../../workflows/steps/lib/feature-repo";

import { FEATURE_APPLY_SERVICE_ACCOUNT, FEATURE_APPLY_TEMPLATE, FEATURE_REPOSITORY_SETTINGS } from "../../workflows/steps/lib/feature-repo";

/** The declared feature repository. */
export interface FeatureRepository {
  /** `https://` clone URL. */
  readonly cloneUrl: string;
  /** Folder of the definitions inside the repository. @default "." */
  readonly path?: string;
}

/** The settings of `ml-pipelines` that name the repository (the check step reads them, never a parameter). */
export function featureRepositorySettings(repo: FeatureRepository | undefined): Record<string, string> {
  return repo ? { [FEATURE_REPOSITORY_SETTINGS.url]: repo.cloneUrl, [FEATURE_REPOSITORY_SETTINGS.path]: repo.path ?? "." } : {};
}

/** The repository's git host (`host[:port]`), which the egress firewall must admit. */
export function featureRepositoryHosts(repo: FeatureRepository | undefined): string[] {
  return repo ? [new URL(repo.cloneUrl).host] : [];
}

/**
 * The Workflow a verified push to the feature repository creates in the pipelines namespace: the
 * `feature-apply` ClusterWorkflowTemplate with the pushed commit and ref (parameters 0 and 1, set
 * from the event). No URL: the check step reads the declared repository from the settings.
 */
export function featureApplyWorkflow(pipelinesNamespace: string): Record<string, unknown> {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Workflow",
    metadata: {
      generateName: `${FEATURE_APPLY_TEMPLATE}-`,
      namespace: pipelinesNamespace,
      labels: { "mlops.platform/trigger": "feature-push" },
    },
    spec: {
      workflowTemplateRef: { name: FEATURE_APPLY_TEMPLATE, clusterScope: true },
      arguments: {
        parameters: [
          { name: "commit", value: "" },
          { name: "ref", value: "" },
        ],
      },
    },
  };
}

/** Arguments of {@link featureApplyResources}. */
export interface FeatureApplyResourcesArgs {
  /** The pipelines namespace (output, to order after it). */
  readonly namespace: pulumi.Input<string>;
  readonly namespaceName: string;
  readonly dependsOn: readonly pulumi.Resource[];
}

/**
 * The `feature-apply` account of the pipelines namespace: no cloud identity (no annotations), and
 * the Argo executor's right to report its step results, nothing else in Kubernetes.
 */
export function featureApplyResources(name: string, args: FeatureApplyResourcesArgs, parent: pulumi.Resource): void {
  const sa = new k8s.core.v1.ServiceAccount(
    `${name}-sa`,
    {
      metadata: {
        name: FEATURE_APPLY_SERVICE_ACCOUNT,
        namespace: args.namespace,
        labels: { "app.kubernetes.io/part-of": "mlops-platform" },
      },
    },
    { parent, dependsOn: [...args.dependsOn] },
  );
  new k8s.rbac.v1.RoleBinding(
    `${name}-executor`,
    {
      metadata: { name: "feature-apply-executor", namespace: args.namespace },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: ARGO_CLUSTER_ROLES.executor },
      subjects: [{ kind: "ServiceAccount", name: FEATURE_APPLY_SERVICE_ACCOUNT, namespace: args.namespaceName }],
    },
    { parent, dependsOn: [...args.dependsOn, sa] },
  );
}
