/**
 * The per-model drift CronWorkflows (`models[].drift`), installed in the platform's pipeline
 * namespace next to the capture they read; the logic is the shared `drift-monitor` template.
 * Each model's runs read its data with their own account (`drift-<model>`, bound to the model's
 * own cloud identity), so a run can read its model's capture and training data and nothing else.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DRIFT_ARTIFACT_REPOSITORIES, driftArtifactPrefix, driftCronWorkflow, driftServiceAccount } from "../../workflows/drift-crons";
import type { WorkloadIdentityRef } from "../contracts";
import type { ArgoWorkflows, ArtifactStore } from "./argo-workflows";
import { artifactRepositoriesData, modelAccountResources } from "./model-accounts";
import type { ServedModelSpec } from "./serving";

/** Arguments of {@link driftCronResources}. */
export interface DriftCronArgs {
  /** The pipeline namespace the CronWorkflows run in. */
  readonly namespace: pulumi.Input<string>;
  /** Its plain name (the RoleBinding's subjects). */
  readonly namespaceName: string;
  readonly models: readonly ServedModelSpec[];
  /** The capture location (`<artifacts>/capture/`); none: no capture, so no drift CronWorkflow. */
  readonly captureUri?: pulumi.Input<string>;
  /** The datasets bucket/container URI (retraining data: `<datasets>/<dataPrefix>`). */
  readonly datasetsUri: pulumi.Input<string>;
  /** Each model's drift identity, by model name (the cloud layer's `drift-<model>` identity). */
  readonly identities: Readonly<Record<string, WorkloadIdentityRef>>;
  /** The artifact store of the namespace, and its key prefix (`pipelines/<ns>/`). */
  readonly artifactStore: ArtifactStore;
  readonly artifactPrefix: string;
  readonly argo: ArgoWorkflows;
  readonly dependsOn: readonly pulumi.Resource[];
}

/** The models that get a drift CronWorkflow (every model with a `drift` entry, when the servers capture). */
export function driftModels(models: readonly ServedModelSpec[], captureUri: unknown): ServedModelSpec[] {
  return captureUri === undefined ? [] : models.filter((m) => m.drift !== undefined);
}

/**
 * One CronWorkflow and one service account per model with a `drift` entry, when the model servers
 * capture their inputs; plus, shared by all of them, the RoleBinding of Argo's executor rights and
 * the ConfigMap of their artifact repositories (one key per model).
 */
export function driftCronResources(name: string, args: DriftCronArgs, parent: pulumi.Resource): void {
  const models = driftModels(args.models, args.captureUri);
  if (models.length === 0 || args.captureUri === undefined) return;
  const missing = models.filter((m) => args.identities[m.name] === undefined).map((m) => m.name);
  if (missing.length > 0)
    throw new Error(
      `driftCronResources(${name}): identities: no drift identity for ${missing.join(", ")}; the cloud layer must bind one per model (stacks/identities.ts driftIdentitySpecs)`,
    );
  const accounts = modelAccountResources(
    name,
    {
      namespace: args.namespace,
      namespaceName: args.namespaceName,
      accounts: models.map((m) => ({
        model: m.name,
        serviceAccount: driftServiceAccount(m.name),
        identity: args.identities[m.name] as WorkloadIdentityRef,
      })),
      bindingName: "drift-executor",
      dependsOn: args.dependsOn,
    },
    parent,
  );
  const repositories = artifactRepositoriesData(args.artifactStore, ({ repository }) =>
    models.map((m) => [m.name, repository(driftArtifactPrefix(args.artifactPrefix, m.name))] as const),
  );
  const repositoryConfig = new k8s.core.v1.ConfigMap(
    `${name}-artifact-repositories`,
    { metadata: { name: DRIFT_ARTIFACT_REPOSITORIES, namespace: args.namespace }, data: repositories },
    { parent, dependsOn: [...args.dependsOn] },
  );
  for (const m of models) {
    const prefix = m.dataPrefix ?? `platform/${m.registeredModel}/`;
    const cron = driftCronWorkflow(
      { name: m.name, team: m.team, registeredModel: m.registeredModel, drift: m.drift as NonNullable<ServedModelSpec["drift"]> },
      {
        captureUri: args.captureUri,
        retrainDataUri: pulumi.output(args.datasetsUri).apply((u) => `${u.replace(/\/+$/, "")}/${prefix}`),
      },
      (args.identities[m.name] as WorkloadIdentityRef).podLabels,
    );
    const { apiVersion, kind, metadata, ...rest } = cron as { apiVersion: string; kind: string; metadata: Record<string, unknown> };
    new k8s.apiextensions.CustomResource(
      `${name}-${m.name}`,
      { ...rest, apiVersion, kind, metadata: { ...metadata, namespace: args.namespace } },
      { parent, dependsOn: [...args.dependsOn, args.argo.release, repositoryConfig, ...accounts] },
    );
  }
}
