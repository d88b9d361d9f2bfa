/**
 * Validation of Kubernetes objects against their upstream JSON schemas, through the model
 * classes of `kubernetes-models` and `@kubernetes-models/*` (each class's `validate()` runs the
 * upstream OpenAPI / CRD schema with ajv and throws listing every violation).
 *
 * Argo Events has no published models package: its kinds are listed in
 * {@link NO_UPSTREAM_SCHEMA} and checked structurally by the tests instead.
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv";

type ModelClass = new (data: Record<string, unknown>) => { validate(): void };

/**
 * Kinds without a models package whose upstream CRD schema is kept under `test/fixtures/crds/`
 * (see each folder's SOURCE.md): Kueue's queue objects, Istio's PeerAuthentication and AuthorizationPolicy.
 */
const CRD_FIXTURES: Readonly<Record<string, string>> = {
  "kueue.x-k8s.io/v1beta2/ResourceFlavor": "kueue/v0.19.2/ResourceFlavor.json",
  "kueue.x-k8s.io/v1beta2/ClusterQueue": "kueue/v0.19.2/ClusterQueue.json",
  "kueue.x-k8s.io/v1beta2/LocalQueue": "kueue/v0.19.2/LocalQueue.json",
  "security.istio.io/v1/AuthorizationPolicy": "istio/1.30.3/AuthorizationPolicy.json",
  "security.istio.io/v1/PeerAuthentication": "istio/1.30.3/PeerAuthentication.json",
};
const crdAjv = new Ajv({ strict: false, allErrors: true, validateFormats: false });

function crdFixtureError(file: string, object: Record<string, unknown>): string | undefined {
  const fixture = JSON.parse(readFileSync(join(__dirname, "..", "..", "fixtures", "crds", file), "utf8")) as { schema: object };
  if (!crdAjv.getSchema(file)) crdAjv.addSchema(fixture.schema, file);
  const validate = crdAjv.getSchema(file);
  if (!validate) throw new Error(`cannot compile ${file}`);
  const kind = String(object.kind);
  if (validate(object as unknown)) return undefined;
  return crdAjv.errorsText(validate.errors, { dataVar: kind });
}

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
  const crdFile = CRD_FIXTURES[`${apiVersion}/${kind}`];
  if (crdFile) return crdFixtureError(crdFile, object);
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
