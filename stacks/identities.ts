/**
 * Which workload identity each platform service and team gets, and exactly what it may touch.
 * Pure: the platform services' identities come from their catalogue descriptors
 * (`components/k8s/catalogue.ts`); the teams' are built here from the configuration. The cloud
 * layers turn these specs into IAM roles / managed identities with grants scoped to these bucket
 * prefixes, and the platform services annotate these service accounts.
 */
import {
  NAMESPACES,
  PIPELINE_SERVICE_ACCOUNTS,
  pipelineWorkloadSpecs,
  teamNamespace,
  type WorkloadIdentitySpec,
} from "../components/contracts";
import { ARGO_EVENTS_SERVICE_ACCOUNT } from "../components/k8s/argo-events";
import { ARGO_SERVICE_ACCOUNTS, pipelineArtifactPrefix } from "../components/k8s/argo-workflows";
import { CATALOGUE, serviceIdentitySpecs } from "../components/k8s/catalogue";
import { FEAST_SERVICE_ACCOUNT } from "../components/k8s/feast";
import { BUILD_NAMESPACE, builderIdentityKey, builderServiceAccount } from "../components/k8s/image-builds";
import { MLFLOW_SERVICE_ACCOUNT } from "../components/k8s/mlflow";
import { IDENTITY_KEYS } from "../components/k8s/platform";
import { CAPTURE_PREFIX, SERVING_SERVICE_ACCOUNT } from "../components/k8s/serving";
import { driftArtifactPrefix, driftServiceAccount } from "../workflows/drift-crons";
import { trainingArtifactPrefix, trainingServiceAccount } from "../workflows/steps/lib/built-training";
import { modelImageBuilds } from "./image-builds";
import type { PlatformConfig } from "./schema";

/** The artifact-bucket prefix of a pipeline namespace (owned by the Argo module). */
export { pipelineArtifactPrefix };

/** Service accounts of the platform services (declared by each service's module). */
export const SERVICE_ACCOUNTS = {
  mlflow: MLFLOW_SERVICE_ACCOUNT,
  argoServer: ARGO_SERVICE_ACCOUNTS.server,
  argoController: ARGO_SERVICE_ACCOUNTS.controller,
  argoEvents: ARGO_EVENTS_SERVICE_ACCOUNT,
  feast: FEAST_SERVICE_ACCOUNT,
  serving: SERVING_SERVICE_ACCOUNT,
} as const;

/** The grants of one team's pipeline namespace, before {@link pipelineWorkloadSpecs} splits them per kind of workload. */
export function teamIdentitySpec(team: string): WorkloadIdentitySpec {
  const ns = teamNamespace(team);
  return {
    key: `team-${team}`,
    namespace: ns,
    serviceAccounts: Object.values(PIPELINE_SERVICE_ACCOUNTS),
    buckets: [
      { purpose: "artifacts", prefix: pipelineArtifactPrefix(ns), mode: "readwrite" },
      { purpose: "datasets", prefix: `teams/${team}/`, mode: "readwrite" },
      { purpose: "features", prefix: `teams/${team}/`, mode: "read" },
    ],
    readDataLakes: true,
    registry: "pull",
    consumeDataEvents: false,
  };
}

/**
 * The datasets prefixes of the models (`models[].dataPrefix`) that the platform's own pipeline
 * namespace must read beyond `platform/`: the Sensor retrains each model there, on the batch that
 * landed under its prefix. Prefixes already inside `platform/` are not repeated.
 */
export function modelDataPrefixes(cfg: Pick<PlatformConfig, "models">): string[] {
  return [...new Set(cfg.models.map((m) => m.dataPrefix))].filter((p) => !p.startsWith("platform/")).sort();
}

/**
 * The platform pipeline namespace's grants plus read access to each model's data prefix
 * (`models[].dataPrefix`, e.g. `teams/fraud/transactions/`): the data-arrival Sensor retrains the
 * model there on the batch under that prefix, and nothing else of the team's prefix is readable.
 */
export function withModelData(spec: WorkloadIdentitySpec, prefixes: readonly string[]): WorkloadIdentitySpec {
  return {
    ...spec,
    buckets: [...spec.buckets, ...prefixes.map((prefix) => ({ purpose: "datasets" as const, prefix, mode: "read" as const }))],
  };
}

/**
 * The in-cluster image builders' identities (Kaniko in `ml-builds`), one per team that owns built
 * models: push to that team's `<team>/<model>` repositories, and nothing else (no bucket, data
 * lake, queue or other team's repository). One per team because a Dockerfile's `RUN` steps read
 * the build pod's credential (docs/workflows.md, "The image builder's identity"). AWS only: on
 * Azure each team pushes with its repository-scoped registry token (stacks/azure.ts), and a
 * managed identity would carry no grant. Empty when no model is built in the cluster.
 */
export function imageBuilderIdentitySpecs(cfg: Pick<PlatformConfig, "models" | "cloud">): WorkloadIdentitySpec[] {
  if (cfg.cloud === "azure") return [];
  const builds = modelImageBuilds(cfg);
  return [...new Set(builds.map((b) => b.team))].map((team) => ({
    key: builderIdentityKey(team),
    namespace: BUILD_NAMESPACE,
    serviceAccounts: [builderServiceAccount(team)],
    buckets: [],
    readDataLakes: false,
    registry: "push" as const,
    registryRepositories: [...new Set(builds.filter((b) => b.team === team).map((b) => `${b.team}/${b.model}`))],
    consumeDataEvents: false,
  }));
}

/**
 * One identity per model for the data steps of its drift runs (`drift-<model>` in the platform's
 * pipeline namespace), instead of the namespace's `pipeline-data`, which reads every model's data:
 * - read its own served-data capture (`capture/<model>/`, what its model servers wrote);
 * - read its own training data (`models[].dataPrefix`, where the lineage reference of its champion lies);
 * - write its own run's logs and drift report (`pipelines/ml-pipelines/drift/<model>/`, Argo's archive);
 * nothing else: no other model's capture or data, no data lake, registry or queue. Retraining is
 * not its right: the template's retrain step runs as `pipeline-deploy`, as before.
 */
export function driftIdentitySpecs(cfg: Pick<PlatformConfig, "models">): WorkloadIdentitySpec[] {
  return cfg.models.map((m) => ({
    key: driftServiceAccount(m.name),
    namespace: NAMESPACES.pipelines,
    serviceAccounts: [driftServiceAccount(m.name)],
    buckets: [
      { purpose: "artifacts", prefix: `${CAPTURE_PREFIX}${m.name}/`, mode: "read" },
      { purpose: "datasets", prefix: m.dataPrefix, mode: "read" },
      { purpose: "artifacts", prefix: driftArtifactPrefix(pipelineArtifactPrefix(NAMESPACES.pipelines), m.name), mode: "readwrite" },
    ],
    readDataLakes: false,
    registry: "none",
    consumeDataEvents: false,
  }));
}

/**
 * One identity per model built from its repository (`models[].training.repository`) for the
 * training step of its built image (`train-<model>` in the platform's pipeline namespace), instead
 * of the namespace's `pipeline-train`, which reads every model's data and writes the namespace's
 * whole artifact prefix. The pushed code is the team's own, unreviewed; it may:
 * - read its own model's training data (`models[].dataPrefix`), nothing else of the datasets;
 * - write its own runs' logs, artifacts and checkpoints (`pipelines/ml-pipelines/train/<model>/`);
 * nothing else: no other model's data or artifacts, no features, data lake, registry or queue.
 * Models trained from a pinned image need none (their image is the platform operator's choice).
 */
export function trainingIdentitySpecs(cfg: Pick<PlatformConfig, "models">): WorkloadIdentitySpec[] {
  return modelImageBuilds(cfg).flatMap((b) => {
    const m = cfg.models.find((x) => x.name === b.model);
    if (m === undefined) return [];
    return [
      {
        key: trainingServiceAccount(m.name),
        namespace: NAMESPACES.pipelines,
        serviceAccounts: [trainingServiceAccount(m.name)],
        buckets: [
          { purpose: "datasets" as const, prefix: m.dataPrefix, mode: "read" as const },
          {
            purpose: "artifacts" as const,
            prefix: trainingArtifactPrefix(pipelineArtifactPrefix(NAMESPACES.pipelines), m.name),
            mode: "readwrite" as const,
          },
        ],
        readDataLakes: false,
        registry: "none" as const,
        consumeDataEvents: false,
      },
    ];
  });
}

/**
 * Every workload identity the stack needs, in a stable order: the catalogue's services, the teams,
 * then one image builder per team whose models are built in the cluster (AWS), then each model's
 * drift identity, then each built model's training identity. Each pipeline namespace (`ml-pipelines`, every team's) gets three: its data steps', its
 * training code's and the platform's registration and promotion steps' ({@link pipelineWorkloadSpecs}).
 */
export function workloadIdentitySpecs(cfg: PlatformConfig): WorkloadIdentitySpec[] {
  return [
    ...serviceIdentitySpecs(CATALOGUE).flatMap((s) =>
      s.key === IDENTITY_KEYS.pipelines ? pipelineWorkloadSpecs(withModelData(s, modelDataPrefixes(cfg))) : [s],
    ),
    ...cfg.teams.flatMap((t) => pipelineWorkloadSpecs(teamIdentitySpec(t.name))),
    ...imageBuilderIdentitySpecs(cfg),
    ...driftIdentitySpecs(cfg),
    ...trainingIdentitySpecs(cfg),
  ];
}
