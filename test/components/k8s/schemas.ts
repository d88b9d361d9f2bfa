/**
 * Validation of Kubernetes objects against their upstream JSON schemas, through the model
 * classes of `kubernetes-models` and `@kubernetes-models/*` (each class's `validate()` runs the
 * upstream OpenAPI / CRD schema with ajv and throws listing every violation).
 *
 * Argo Events has no published models package: its kinds are listed in
 * {@link NO_UPSTREAM_SCHEMA} and checked structurally by the tests instead.
 */

type ModelClass = new (data: Record<string, unknown>) => { validate(): void };
type ModelModule = Record<string, unknown>;

const ARGO_ROLLOUTS_KINDS = new Set(["Rollout", "AnalysisTemplate", "ClusterAnalysisTemplate", "AnalysisRun", "Experiment"]);
/** Kinds without a published upstream schema package. */
export const NO_UPSTREAM_SCHEMA = new Set([
  "argoproj.io/v1alpha1/EventBus",
  "argoproj.io/v1alpha1/EventSource",
  "argoproj.io/v1alpha1/Sensor",
]);

/**
 * The models describe an Argo step group (`ParallelSteps`) as `{steps: [...]}` although Argo's
 * JSON is a bare list (the package's own declaration says so), so step groups are wrapped first.
 */
function argoUpstreamForm(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(argoUpstreamForm);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      k === "steps" && Array.isArray(v) && v.every(Array.isArray)
        ? v.map((group) => ({ steps: argoUpstreamForm(group) }))
        : argoUpstreamForm(v);
  }
  return out;
}

async function moduleFor(apiVersion: string, kind: string): Promise<ModelModule | undefined> {
  switch (apiVersion) {
    case "v1":
      return import("kubernetes-models/v1");
    case "apps/v1":
      return import("kubernetes-models/apps/v1");
    case "batch/v1":
      return import("kubernetes-models/batch/v1");
    case "policy/v1":
      return import("kubernetes-models/policy/v1");
    case "networking.k8s.io/v1":
      return import("kubernetes-models/networking.k8s.io/v1");
    case "rbac.authorization.k8s.io/v1":
      return import("kubernetes-models/rbac.authorization.k8s.io/v1");
    case "admissionregistration.k8s.io/v1":
      return import("kubernetes-models/admissionregistration.k8s.io/v1");
    case "storage.k8s.io/v1":
      return import("kubernetes-models/storage.k8s.io/v1");
    case "cert-manager.io/v1":
      return import("@kubernetes-models/cert-manager/cert-manager.io/v1");
    case "monitoring.coreos.com/v1":
      return import("@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1");
    case "monitoring.coreos.com/v1alpha1":
      return import("@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1");
    case "keda.sh/v1alpha1":
      return import("@kubernetes-models/keda/keda.sh/v1alpha1");
    case "traefik.io/v1alpha1":
      return import("@kubernetes-models/traefik/traefik.io/v1alpha1");
    case "argoproj.io/v1alpha1":
      return ARGO_ROLLOUTS_KINDS.has(kind)
        ? import("@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1")
        : import("@kubernetes-models/argo-workflows/argoproj.io/v1alpha1");
    default:
      return undefined;
  }
}

/**
 * Validates `object` against the upstream schema of its apiVersion/kind. Returns the error
 * message, or `undefined` when valid. Throws when no schema is known for the kind (so a new kind
 * cannot slip through unvalidated), except for {@link NO_UPSTREAM_SCHEMA}.
 */
export async function schemaError(object: Record<string, unknown>): Promise<string | undefined> {
  const apiVersion = String(object.apiVersion);
  const kind = String(object.kind);
  if (NO_UPSTREAM_SCHEMA.has(`${apiVersion}/${kind}`)) return undefined;
  const mod = await moduleFor(apiVersion, kind);
  const Model = mod?.[kind] as ModelClass | undefined;
  if (!Model) throw new Error(`no upstream schema for ${apiVersion} ${kind}: add its models package to test/components/k8s/schemas.ts`);
  try {
    const data =
      apiVersion === "argoproj.io/v1alpha1" && !ARGO_ROLLOUTS_KINDS.has(kind)
        ? (argoUpstreamForm(object) as Record<string, unknown>)
        : object;
    new Model(data).validate();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
