/**
 * The in-cluster names and ports the platform's services listen on and the pipeline steps call.
 * The platform services create exactly these Services (chart release names and values are set
 * from them), the pipeline-settings ConfigMap hands the resulting URLs to the steps, and the
 * steps' own fallbacks (`workflows/steps/lib/settings.ts`, built into a self-contained image)
 * are checked against them by a test.
 */

/** Kubernetes namespaces of the platform services. Names are a contract with the cloud layer. */
export const NAMESPACES = {
  argo: "argo",
  argoEvents: "argo-events",
  argoRollouts: "argo-rollouts",
  keda: "keda",
  mlflow: "mlflow",
  feast: "feast",
  serving: "serving",
  monitoring: "monitoring",
  ingress: "ingress",
  gpu: "gpu-operator",
  pipelines: "ml-pipelines",
  kueue: "kueue-system",
} as const;

/** Label every pipeline namespace carries (ml-pipelines and the teams); MLflow and Feast admit their pods by it. */
export const PIPELINE_NAMESPACE_LABEL = { "mlops.platform/pipelines": "true" } as const;

/** The prefix of every team namespace (`team-<name>`). */
export const TEAM_NAMESPACE_PREFIX = "team-";

/** The namespace of a team. */
export function teamNamespace(team: string): string {
  return `${TEAM_NAMESPACE_PREFIX}${team}`;
}

/** MLflow tracking server's Service (chart `mlflow`, release `mlflow`): port 80 in front of the container's 5000. */
export const MLFLOW_SERVICE = { name: "mlflow", port: 80, containerPort: 5000 } as const;
/**
 * The MLflow gate's Service (`components/k8s/mlflow.ts`): the authorizing proxy that is the only
 * path to MLflow. Port 80 (container 8080) takes workloads with their projected service-account
 * token; 8081 takes people, from oauth2-proxy only.
 */
export const MLFLOW_GATE_SERVICE = { name: "mlflow-gate", port: 80, containerPort: 8080, peoplePort: 8081 } as const;
/** Feast feature server's Service. */
export const FEAST_SERVICE = { name: "feast-feature-server", port: 6566 } as const;

/** `http://<service>.<namespace>.svc.cluster.local:<port>`. */
export function serviceUrl(service: { readonly name: string; readonly port: number }, namespace: string): string {
  return `http://${service.name}.${namespace}.svc.cluster.local:${service.port}`;
}

/** The MLflow URL the pipeline steps and model servers call: the gate, never MLflow itself. */
export const MLFLOW_URL = serviceUrl(MLFLOW_GATE_SERVICE, NAMESPACES.mlflow);
/** The Feast feature-server URL the pipeline steps call. */
export const FEAST_URL = serviceUrl(FEAST_SERVICE, NAMESPACES.feast);
