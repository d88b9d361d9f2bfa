/**
 * Which workload identity each platform service and team gets, and exactly what it may touch.
 * Pure: the cloud layers turn these specs into IAM roles / managed identities with grants
 * scoped to these bucket prefixes, and the platform services annotate these service accounts.
 */
import { NAMESPACES, PIPELINE_SERVICE_ACCOUNTS, teamNamespace, type WorkloadIdentitySpec } from "../components/contracts";
import type { PlatformConfig } from "./schema";

/** Service accounts of the platform services (names are set explicitly in each chart's values). */
export const SERVICE_ACCOUNTS = {
  mlflow: "mlflow",
  argoServer: "argo-server",
  argoController: "argo-workflow-controller",
  argoEvents: "argo-events-sa",
  feast: "feast",
  serving: "model-server",
} as const;

const pipelineAccounts = Object.values(PIPELINE_SERVICE_ACCOUNTS);

/** The artifact-bucket prefix of a pipeline namespace (Argo artifact repository key prefix). */
export function pipelineArtifactPrefix(namespace: string): string {
  return `pipelines/${namespace}/`;
}

/** Every workload identity the stack needs, in a stable order. */
export function workloadIdentitySpecs(cfg: PlatformConfig): WorkloadIdentitySpec[] {
  const specs: WorkloadIdentitySpec[] = [
    {
      key: "mlflow",
      namespace: NAMESPACES.mlflow,
      serviceAccounts: [SERVICE_ACCOUNTS.mlflow],
      // MLflow proxies artifact access (--serve-artifacts), so only it writes the model store.
      buckets: [{ purpose: "artifacts", prefix: "mlflow/", mode: "readwrite" }],
      readDataLakes: false,
      registry: "none",
      consumeDataEvents: false,
    },
    {
      key: "argo-workflows",
      namespace: NAMESPACES.argo,
      serviceAccounts: [SERVICE_ACCOUNTS.argoServer, SERVICE_ACCOUNTS.argoController],
      // The server shows step artifacts and logs; the controller archives logs. Read only.
      buckets: [{ purpose: "artifacts", prefix: "pipelines/", mode: "read" }],
      readDataLakes: false,
      registry: "none",
      consumeDataEvents: false,
    },
    {
      key: "argo-events",
      namespace: NAMESPACES.argoEvents,
      serviceAccounts: [SERVICE_ACCOUNTS.argoEvents],
      buckets: [],
      readDataLakes: false,
      registry: "none",
      consumeDataEvents: true,
    },
    {
      key: "feast",
      namespace: NAMESPACES.feast,
      serviceAccounts: [SERVICE_ACCOUNTS.feast],
      buckets: [{ purpose: "features", prefix: "feast/", mode: "readwrite" }],
      readDataLakes: false,
      registry: "none",
      consumeDataEvents: false,
    },
    {
      key: "serving",
      namespace: NAMESPACES.serving,
      serviceAccounts: [SERVICE_ACCOUNTS.serving],
      buckets: [{ purpose: "artifacts", prefix: "mlflow/", mode: "read" }],
      readDataLakes: false,
      registry: "pull",
      consumeDataEvents: false,
    },
    {
      key: "pipelines",
      namespace: NAMESPACES.pipelines,
      serviceAccounts: pipelineAccounts,
      buckets: [
        { purpose: "artifacts", prefix: pipelineArtifactPrefix(NAMESPACES.pipelines), mode: "readwrite" },
        { purpose: "datasets", prefix: "platform/", mode: "read" },
        { purpose: "features", prefix: "feast/", mode: "readwrite" },
      ],
      readDataLakes: true,
      registry: "pull",
      consumeDataEvents: false,
    },
  ];
  for (const team of cfg.teams) {
    const ns = teamNamespace(team.name);
    specs.push({
      key: `team-${team.name}`,
      namespace: ns,
      serviceAccounts: pipelineAccounts,
      buckets: [
        { purpose: "artifacts", prefix: pipelineArtifactPrefix(ns), mode: "readwrite" },
        { purpose: "datasets", prefix: `teams/${team.name}/`, mode: "readwrite" },
        { purpose: "features", prefix: `teams/${team.name}/`, mode: "read" },
      ],
      readDataLakes: true,
      registry: "pull",
      consumeDataEvents: false,
    });
  }
  return specs;
}
