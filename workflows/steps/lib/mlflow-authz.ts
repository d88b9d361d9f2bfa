/**
 * Who may do what in the MLflow model registry: the decision an authorizing proxy in front of
 * MLflow makes for each request, once it knows the caller (a person through SSO, with groups; a
 * workload by its Kubernetes service account, from a TokenReview of its projected token). Pure.
 *
 * - Reads (tracking and registry) need an identity; anonymous requests are refused.
 * - Runs and experiments (tracking writes): pipeline workloads and people.
 * - Registry writes are refused by default (unknown endpoints included). The platform's
 *   registration step (`pipeline-register`) creates models and versions and tags them; only the
 *   platform's promotion step (`pipeline-deploy`) sets or moves an alias (the production alias
 *   included). Both run the platform's image only, from the platform's ClusterWorkflowTemplates
 *   (admission: `mlops-service-accounts`, `mlops-workflow-identities`).
 * - A model that serves production (`models[].serving`) is written only by the platform
 *   namespace's steps, not by a team's.
 * - Platform admins (SSO groups) may do everything, as themselves.
 *
 * Enforced by the MLflow gate (`./mlflow-gate.ts`, Deployment `mlflow-gate` in the `mlflow`
 * namespace), the only path to MLflow that the NetworkPolicies leave open.
 */

/** Who calls. */
export type MlflowCaller =
  | { readonly kind: "anonymous" }
  | { readonly kind: "person"; readonly user: string; readonly groups: readonly string[] }
  | { readonly kind: "workload"; readonly namespace: string; readonly serviceAccount: string };

/** One request to MLflow's REST API. */
export interface MlflowRequest {
  readonly method: string;
  /** Path as sent (`/api/2.0/mlflow/...`, `/ajax-api/2.0/mlflow/...`, with or without `preview/`). */
  readonly path: string;
  /** The registered model the request names (`name` of the body or query), when it names one. */
  readonly model?: string;
}

/** What the authorizer knows about the platform. */
export interface MlflowAuthzSettings {
  /** Namespaces whose workloads are pipelines (`ml-pipelines` and the team namespaces). */
  readonly pipelineNamespaces: readonly string[];
  /** The platform's own pipeline namespace (`ml-pipelines`). */
  readonly platformNamespace: string;
  /** Registered models that serve production. */
  readonly servingModels: readonly string[];
  /** SSO groups of the platform admins. */
  readonly adminGroups: readonly string[];
  /** The registration and promotion step accounts. */
  readonly registerAccount: string;
  readonly promoteAccount: string;
}

/** The decision, with the reason (logged by the proxy, shown to the caller on refusal). */
export interface MlflowDecision {
  readonly allow: boolean;
  readonly reason: string;
}

/** Registry endpoints that only read, although some are POSTs. */
const REGISTRY_READS = new Set([
  "registered-models/get",
  "registered-models/search",
  "registered-models/list",
  "registered-models/get-latest-versions",
  "registered-models/alias:GET",
  "model-versions/get",
  "model-versions/search",
  "model-versions/get-download-uri",
]);
/** Registry writes of the registration step. */
const REGISTER_WRITES = new Set([
  "registered-models/create",
  "registered-models/set-tag",
  "model-versions/create",
  "model-versions/set-tag",
  "model-versions/update",
]);
/** Registry writes of the promotion step (the alias moves the production version). */
const PROMOTE_WRITES = new Set(["registered-models/alias:POST", "registered-models/alias:DELETE", "model-versions/set-tag"]);

/**
 * True for a request target the gate can judge as MLflow will read it: an absolute path with no
 * dot segment, no percent-encoding, no empty segment (`//`, which `new URL` would also read as
 * another host), no backslash and no `;` parameter. Anything else is refused, never normalised:
 * `mlflow/x/../registered-models/alias` must not pass as a tracking path and then reach the registry.
 */
export function isCanonicalRequestPath(target: string): boolean {
  const path = target.split("?")[0] ?? "";
  if (!path.startsWith("/") || /%|\\|;|\/\//.test(path)) return false;
  return !path.split("/").some((segment) => segment === "." || segment === "..");
}

/** `/ajax-api/2.0/preview/mlflow/x/y` → `mlflow/x/y` (the forms MLflow serves alike). */
export function normalizeMlflowPath(path: string): string {
  const p = (path.split("?")[0] ?? "").replace(/\/+/g, "/").replace(/\/$/, "");
  const m = /^\/(?:ajax-)?api\/2\.0\/(?:preview\/)?(mlflow\/.*)$/.exec(p);
  return m ? (m[1] ?? "") : p;
}

/** Decides one request. */
export function authorizeMlflow(settings: MlflowAuthzSettings, caller: MlflowCaller, req: MlflowRequest): MlflowDecision {
  if (caller.kind === "anonymous")
    return { allow: false, reason: "no identity: sign in through SSO or call with the pod's service-account token" };
  if (caller.kind === "person" && caller.groups.some((g) => settings.adminGroups.includes(g)))
    return { allow: true, reason: `platform admin ${caller.user}` };
  if (!isCanonicalRequestPath(req.path))
    return { allow: false, reason: `${req.path} is not a plain path (dot segments, percent-encoding, // or ; are refused)` };
  const path = normalizeMlflowPath(req.path);
  const method = req.method.toUpperCase();
  const registry = /^mlflow\/(registered-models|model-versions)\//.exec(path);
  if (!registry) {
    if (!path.startsWith("mlflow/") && !path.startsWith("mlflow-artifacts/"))
      return { allow: false, reason: `${path} is not an MLflow API path` };
    // Tracking: people and pipeline workloads; other workloads (serving) read only.
    if (method === "GET" || /\/(search|get)$/.test(path)) return { allow: true, reason: "tracking read" };
    if (caller.kind === "person" || settings.pipelineNamespaces.includes(caller.namespace))
      return { allow: true, reason: "tracking write" };
    return { allow: false, reason: `workloads of ${caller.namespace} only read the tracking server` };
  }
  const endpoint = path.slice("mlflow/".length);
  if (REGISTRY_READS.has(endpoint) || REGISTRY_READS.has(`${endpoint}:${method}`)) return { allow: true, reason: "registry read" };
  if (caller.kind === "person")
    return {
      allow: false,
      reason: `${caller.user} may read the registry; versions and aliases are written by the platform's pipeline steps`,
    };
  const { namespace, serviceAccount } = caller;
  if (!settings.pipelineNamespaces.includes(namespace)) return { allow: false, reason: `workloads of ${namespace} only read the registry` };
  const serving = req.model !== undefined && settings.servingModels.includes(req.model);
  if (serving && namespace !== settings.platformNamespace)
    return {
      allow: false,
      reason: `${req.model} serves production: only the platform's steps in ${settings.platformNamespace} write it (not ${namespace})`,
    };
  const key = `${endpoint}:${method}`;
  if (serviceAccount === settings.registerAccount && REGISTER_WRITES.has(endpoint))
    return { allow: true, reason: `registration step of ${namespace}` };
  if (serviceAccount === settings.promoteAccount && (PROMOTE_WRITES.has(key) || PROMOTE_WRITES.has(endpoint)))
    return { allow: true, reason: `promotion step of ${namespace}` };
  return {
    allow: false,
    reason: `${namespace}/${serviceAccount} may not ${method} ${endpoint}: only the platform's registration (${settings.registerAccount}) and promotion (${settings.promoteAccount}) steps write the registry`,
  };
}
