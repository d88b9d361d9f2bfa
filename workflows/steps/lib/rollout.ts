/**
 * The serving contract with the platform's model-serving component: a Rollout in the serving
 * namespace whose pod template serves `models:/<model>/<version>` (the `-m` argument of
 * `mlflow models serve`, or a `MODEL_URI` env var). Promotion changes that one value (Argo Rollouts then runs the blue-green with pre-promotion
 * analysis and aborts on failure); pure helpers here, I/O in `promote.ts`.
 */
import type { JsonPatchOp } from "./kube";

/** Env var holding the served model URI (alternative to the `-m` argument of `mlflow models serve`). */
export const MODEL_URI_ENV = "MODEL_URI";
/** Pod-template label and annotation recording the served version (visible in `kubectl argo rollouts get`). */
export const MODEL_VERSION_KEY = "mlops.platform/model-version";

/** Where the model URI lives in a Rollout (a JSON pointer), and its current value. */
export interface ModelUriLocation {
  readonly path: string;
  readonly current: string;
}

type Rollout = {
  metadata?: { resourceVersion?: string; generation?: number };
  spec?: {
    template?: {
      metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
      spec?: { containers?: { name?: string; args?: string[]; env?: { name?: string; value?: string }[] }[] };
    };
  };
  status?: {
    phase?: string;
    abort?: boolean;
    observedGeneration?: string | number;
    stableRS?: string;
    currentPodHash?: string;
    message?: string;
  };
};

function pointer(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

/**
 * Finds the served model URI in the Rollout: the value after `-m`/`--model-uri` in a container's
 * args (the platform's `mlflow models serve` container) or a `MODEL_URI` env var. Returns a
 * problem string when the Rollout does not follow the contract or serves another model.
 */
export function findModelUri(rollout: unknown, model: string): ModelUriLocation | string {
  const r = rollout as Rollout;
  const containers = r.spec?.template?.spec?.containers;
  if (!containers)
    return "has no spec.template.spec.containers (workloadRef Rollouts are not supported): declare the pod template in the Rollout";
  for (let ci = 0; ci < containers.length; ci++) {
    const c = containers[ci] ?? {};
    let found: ModelUriLocation | undefined;
    const args = c.args ?? [];
    const ai = args.findIndex((a) => a === "-m" || a === "--model-uri");
    if (ai >= 0 && ai + 1 < args.length)
      found = { path: `/spec/template/spec/containers/${ci}/args/${ai + 1}`, current: args[ai + 1] ?? "" };
    const env = c.env ?? [];
    const ei = env.findIndex((e) => e.name === MODEL_URI_ENV);
    if (!found && ei >= 0) found = { path: `/spec/template/spec/containers/${ci}/env/${ei}/value`, current: env[ei]?.value ?? "" };
    if (!found) continue;
    if (!found.current.startsWith(`models:/${model}/`) && !found.current.startsWith(`models:/${model}@`)) {
      return `serves ${JSON.stringify(found.current)}, not model ${model}: a pipeline may only promote the model it trained`;
    }
    return found;
  }
  return `has no container serving models:/${model}/… (args "-m <uri>" or env ${MODEL_URI_ENV})`;
}

/** JSON Patch that points the Rollout at `uri`, guarded by the resourceVersion read. */
export function modelUriPatch(rollout: unknown, loc: ModelUriLocation, uri: string, version: string): JsonPatchOp[] {
  const r = rollout as Rollout;
  const ops: JsonPatchOp[] = [
    { op: "test", path: "/metadata/resourceVersion", value: r.metadata?.resourceVersion ?? "" },
    { op: "replace", path: loc.path, value: uri },
  ];
  const meta = r.spec?.template?.metadata;
  if (!meta) ops.push({ op: "add", path: "/spec/template/metadata", value: { annotations: { [MODEL_VERSION_KEY]: version } } });
  else if (!meta.annotations) ops.push({ op: "add", path: "/spec/template/metadata/annotations", value: { [MODEL_VERSION_KEY]: version } });
  else ops.push({ op: "add", path: `/spec/template/metadata/annotations/${pointer(MODEL_VERSION_KEY)}`, value: version });
  if (meta?.labels && Object.hasOwn(meta.labels, MODEL_VERSION_KEY)) {
    ops.push({ op: "replace", path: `/spec/template/metadata/labels/${pointer(MODEL_VERSION_KEY)}`, value: version });
  }
  return ops;
}

/** Progress of a Rollout after a change. */
export type RolloutState = "healthy" | "progressing" | "failed";

/** Classifies a Rollout's status after the patch that produced `generation`. */
export function rolloutState(rollout: unknown, generation: number | undefined): { state: RolloutState; detail: string } {
  const r = rollout as Rollout;
  const s = r.status ?? {};
  const detail = `phase=${s.phase ?? "?"} abort=${s.abort ?? false} stableRS=${s.stableRS ?? "?"} currentPodHash=${s.currentPodHash ?? "?"}${s.message ? ` message=${s.message}` : ""}`;
  if (s.abort === true || s.phase === "Degraded") return { state: "failed", detail };
  const observed = s.observedGeneration === undefined ? undefined : Number(s.observedGeneration);
  const caughtUp = generation === undefined || observed === undefined || Number.isNaN(observed) || observed >= generation;
  if (caughtUp && s.phase === "Healthy" && s.stableRS !== undefined && s.stableRS === s.currentPodHash) return { state: "healthy", detail };
  return { state: "progressing", detail };
}
