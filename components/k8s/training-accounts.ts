/**
 * The accounts the built images train as (`train-<model>` in the platform's pipeline namespace),
 * one per model built from its repository (`models[].training.repository`): each bound to the
 * model's own cloud identity (`stacks/identities.ts` `trainingIdentitySpecs`), holding no
 * Kubernetes right but Argo's executor role, with its own artifact repository key and checkpoint
 * location (`workflows/steps/lib/built-training.ts`). The retrain step submits a built run with
 * them; admission runs the model's built image only as its account (`./admission-rules.ts`).
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import {
  checkpointUriKey,
  TRAINING_ARTIFACT_REPOSITORIES,
  trainingArtifactPrefix,
  trainingServiceAccount,
} from "../../workflows/steps/lib/built-training";
import type { WorkloadIdentityRef } from "../contracts";
import type { ArtifactStore } from "./argo-workflows";
import { artifactRepositoriesData, modelAccountResources } from "./model-accounts";

/** Arguments of {@link trainingAccountResources}. */
export interface TrainingAccountArgs {
  /** The pipeline namespace the built runs train in. */
  readonly namespace: pulumi.Input<string>;
  /** Its plain name (the RoleBinding's subjects). */
  readonly namespaceName: string;
  /** The built models' names (`models[].name` of the models with a repository). */
  readonly models: readonly string[];
  /** Each built model's training identity, by model name (the cloud layer's `train-<model>` identity). */
  readonly identities: Readonly<Record<string, WorkloadIdentityRef>>;
  /** The artifact store of the namespace, and its key prefix (`pipelines/<ns>/`). */
  readonly artifactStore: ArtifactStore;
  readonly artifactPrefix: string;
  readonly dependsOn: readonly pulumi.Resource[];
}

/** Every problem with the args (empty when valid). */
export function trainingAccountProblems(name: string, args: Pick<TrainingAccountArgs, "models" | "identities">): string[] {
  const missing = args.models.filter((m) => args.identities[m] === undefined);
  return missing.length === 0
    ? []
    : [
        `trainingAccountResources(${name}): identities: no training identity for ${missing.join(", ")}; the cloud layer must bind one per built model (stacks/identities.ts trainingIdentitySpecs)`,
      ];
}

/** The checkpoint location of a built model's runs, in the form the checkpoint step's object client takes. */
function checkpointUri(store: ArtifactStore, bucket: string, accountName: string, prefix: string): string {
  return store.cloud === "aws"
    ? `s3://${bucket}/${prefix}checkpoints/`
    : `https://${accountName}.blob.core.windows.net/${bucket}/${prefix}checkpoints/`;
}

/**
 * One service account per built model, one RoleBinding of Argo's executor role listing them, and
 * one ConfigMap holding each account's artifact repository (key `<account>`) and checkpoint
 * location (key `<account>.checkpoint-uri`). Nothing when no model is built.
 */
export function trainingAccountResources(name: string, args: TrainingAccountArgs, parent: pulumi.Resource): void {
  if (args.models.length === 0) return;
  const problems = trainingAccountProblems(name, args);
  if (problems.length > 0) throw new Error(problems.join("\n"));
  modelAccountResources(
    name,
    {
      namespace: args.namespace,
      namespaceName: args.namespaceName,
      accounts: args.models.map((m) => ({
        model: m,
        serviceAccount: trainingServiceAccount(m),
        identity: args.identities[m] as WorkloadIdentityRef,
      })),
      bindingName: "training-executor",
      dependsOn: args.dependsOn,
    },
    parent,
  );
  const store = args.artifactStore;
  const data = artifactRepositoriesData(store, ({ bucket, accountName, repository }) =>
    args.models.flatMap((m) => {
      const prefix = trainingArtifactPrefix(args.artifactPrefix, m);
      return [
        [trainingServiceAccount(m), repository(prefix)],
        [checkpointUriKey(trainingServiceAccount(m)), checkpointUri(store, bucket, accountName, prefix)],
      ] as const;
    }),
  );
  new k8s.core.v1.ConfigMap(
    `${name}-artifact-repositories`,
    { metadata: { name: TRAINING_ARTIFACT_REPOSITORIES, namespace: args.namespace }, data },
    { parent, dependsOn: [...args.dependsOn] },
  );
}
