/**
 * Readers over Kubernetes objects as the policies see them (`kubernetes:<group>/<version>:<Kind>`
 * resources and Argo custom resources), shared by the Kubernetes rules: every place a pod can be
 * defined, in every namespace unless the namespace is exempted by name with a reason.
 *
 * Pods are found in: Pod, PodTemplate, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
 * CronJob (any API version); Argo Rollout, Experiment, AnalysisTemplate / ClusterAnalysisTemplate /
 * AnalysisRun job metrics; Argo Workflow, WorkflowTemplate, ClusterWorkflowTemplate, CronWorkflow
 * (workflow-level and template-level pod settings, `templateDefaults`, `podSpecPatch` of the
 * workflow and of each template, inline step/DAG templates, `resource` templates' manifests);
 * Argo Events Sensor and EventSource pod templates, Sensor trigger sources (embedded Workflows,
 * Jobs, Pods…), EventBus container templates; the manifests of Pulumi's yaml ConfigGroup /
 * ConfigFile; and any other Kubernetes object (custom resources: KEDA ScaledJob, JobSet, RayJob,
 * PyTorchJob, KServe InferenceService…), whose pod specs are found by shape.
 *
 * What is fetched when applied (a Sensor trigger from a URL, git or a ConfigMap, an Argo
 * `manifestFrom` artifact, a ConfigFile's file) cannot be read here: `external` lists it, and
 * production refuses it (kubernetes-core-pod-disallow-privileged).
 */
import { parseAllDocuments } from "yaml";
import type { RuleSettings } from "../config";
import { list, obj, read, str } from "./values";

/** A container with where it sits in the object, for messages. */
export interface ContainerRef {
  readonly path: string;
  readonly container: Record<string, unknown>;
  /** The pod-level settings that apply to this container (securityContext, volumes, host namespaces). */
  readonly pod: Record<string, unknown>;
  /** A patch (podSpecPatch): only the settings it sets are meaningful, absent ones come from elsewhere. */
  readonly partial: boolean;
  /** The image is set by a controller (Argo Events), not by this object. */
  readonly imageByController: boolean;
}

/** Pod-level settings with where they sit. */
export interface PodView {
  readonly path: string;
  readonly spec: Record<string, unknown>;
  readonly partial: boolean;
  /** Annotations of the pod (template) metadata, where the object has them (AppArmor's legacy form). */
  readonly annotations?: Record<string, unknown>;
}

/** The pod-level view of a workload: pod specs, every container, and what could not be read. */
export interface Workload {
  readonly podSpecs: readonly PodView[];
  readonly containers: readonly ContainerRef[];
  /** Places that define pods but could not be evaluated (unparseable patch or manifest). */
  readonly problems: readonly string[];
  /**
   * Objects fetched from elsewhere when applied (a URL, a git repository, a ConfigMap, a file):
   * the pack cannot see them, so production refuses them (fail closed).
   */
  readonly external: readonly string[];
}

interface Builder {
  podSpecs: PodView[];
  containers: ContainerRef[];
  problems: string[];
  external: string[];
}

/** Group and kind of a Pulumi Kubernetes type (`kubernetes:apps/v1:Deployment` → apps, Deployment). */
function groupKind(type: string): { group: string; kind: string } | undefined {
  const m = /^kubernetes:([^:]+):([^:]+)$/.exec(type);
  if (!m?.[1] || !m[2]) return undefined;
  const gv = m[1];
  const slash = gv.lastIndexOf("/");
  return { group: slash === -1 ? "core" : gv.slice(0, slash), kind: m[2] };
}

/** Pulumi type of a manifest (`apiVersion`, `kind`). */
export function typeOfManifest(manifest: Record<string, unknown>): string | undefined {
  const apiVersion = str(manifest.apiVersion);
  const kind = str(manifest.kind);
  if (!apiVersion || !kind) return undefined;
  return `kubernetes:${apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`}:${kind}`;
}

const POD_PATHS: Record<string, Record<string, readonly string[]>> = {
  core: { Pod: ["spec"], PodTemplate: ["template", "spec"], ReplicationController: ["spec", "template", "spec"] },
  apps: {
    Deployment: ["spec", "template", "spec"],
    StatefulSet: ["spec", "template", "spec"],
    DaemonSet: ["spec", "template", "spec"],
    ReplicaSet: ["spec", "template", "spec"],
  },
  extensions: {
    Deployment: ["spec", "template", "spec"],
    DaemonSet: ["spec", "template", "spec"],
    ReplicaSet: ["spec", "template", "spec"],
  },
  batch: { Job: ["spec", "template", "spec"], CronJob: ["spec", "jobTemplate", "spec", "template", "spec"] },
  "argoproj.io": { Rollout: ["spec", "template", "spec"] },
};
const WORKFLOW_KINDS = ["Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow"];
const ARGO_KINDS = [
  ...WORKFLOW_KINDS,
  "Sensor",
  "EventSource",
  "EventBus",
  "AnalysisTemplate",
  "ClusterAnalysisTemplate",
  "AnalysisRun",
  "Experiment",
];

/**
 * Pulumi's own Kubernetes types that are not API objects (Helm releases, which the registry rule
 * reads through their values; yaml/kustomize groups, which fail closed in their own rule), and
 * core kinds that hold only data.
 */
const NOT_API_OBJECTS = /^kubernetes:(helm\.sh|kustomize)(\/|:)/;
/** Pulumi's manifest groups (`kubernetes:yaml/v2:ConfigGroup`, `kubernetes:yaml:ConfigFile`…): their manifests are read. */
const MANIFEST_GROUP = /^kubernetes:yaml(\/v\d+)?:(ConfigGroup|ConfigFile)$/;
const DATA_KINDS = new Set(["ConfigMap", "Secret", "Namespace", "ServiceAccount", "Event"]);

/** True when `type` is a Kubernetes kind the pack reads by its own schema (built-in workloads, Argo). */
function knownPodKind(gk: { group: string; kind: string }): boolean {
  if (POD_PATHS[gk.group]?.[gk.kind]) return true;
  return gk.group === "argoproj.io" && ARGO_KINDS.includes(gk.kind);
}

/**
 * True when objects of `type` may define pods: the kinds above, and any other Kubernetes API
 * object (custom resources such as KEDA ScaledJob, JobSet, RayJob, PyTorchJob, KServe
 * InferenceService), whose pod specs are found by shape (see {@link genericPodSpecs}).
 */
export function definesPods(type: string): boolean {
  if (MANIFEST_GROUP.test(type)) return true;
  const gk = groupKind(type);
  if (!gk || NOT_API_OBJECTS.test(type)) return false;
  if (knownPodKind(gk)) return true;
  return !(gk.group === "core" && DATA_KINDS.has(gk.kind));
}

/** Every Pulumi type the pod rules look at (a predicate: any API version of the kinds above). */
export const WORKLOAD_TYPES = (type: string): boolean => definesPods(type);

function at(root: Record<string, unknown>, path: readonly string[]): Record<string, unknown> {
  let cur: unknown = root;
  for (const p of path) cur = obj(cur)[p];
  return obj(cur);
}

function addPod(
  b: Builder,
  spec: Record<string, unknown>,
  base: string,
  partial = false,
  imageByController = false,
  annotations?: Record<string, unknown>,
) {
  b.podSpecs.push({ path: base, spec, partial, annotations });
  for (const key of ["initContainers", "containers", "ephemeralContainers"]) {
    list(spec[key]).forEach((c, i) => {
      b.containers.push({ path: `${base}.${key}[${i}]`, container: obj(c), pod: spec, partial, imageByController });
    });
  }
}

/** Parses a document that may be given as an object, a JSON string or a YAML string. */
function parseDocuments(value: unknown): Record<string, unknown>[] | undefined {
  if (value === undefined || value === null) return [];
  if (typeof value === "object") return list(value).map(obj);
  if (typeof value !== "string") return undefined;
  try {
    const docs = parseAllDocuments(value);
    if (docs.some((d) => d.errors.length > 0)) return undefined;
    return docs.map((d) => obj(d.toJS())).filter((d) => Object.keys(d).length > 0);
  } catch {
    return undefined;
  }
}

function addPatch(b: Builder, patch: unknown, base: string, pod: Record<string, unknown>) {
  if (patch === undefined || patch === null || patch === "") return;
  const docs = parseDocuments(patch);
  if (docs?.length !== 1) {
    b.problems.push(`${base} is not a pod spec patch the pack can read; its settings cannot be verified`);
    return;
  }
  const spec = docs[0] as Record<string, unknown>;
  const merged = { ...pod, ...spec, securityContext: spec.securityContext ?? pod.securityContext };
  addPod(b, merged, base, true);
}

function addManifest(b: Builder, manifest: Record<string, unknown>, base: string, depth: number) {
  const type = typeOfManifest(manifest);
  if (!type || !definesPods(type)) return;
  const inner = build(type, manifest, depth + 1);
  for (const p of inner.podSpecs) b.podSpecs.push({ ...p, path: `${base}.${p.path}` });
  for (const c of inner.containers) b.containers.push({ ...c, path: `${base}.${c.path}` });
  for (const p of inner.problems) b.problems.push(`${base}: ${p}`);
  for (const p of inner.external) b.external.push(`${base}: ${p}`);
}

function addManifests(b: Builder, source: unknown, base: string, depth: number) {
  const docs = parseDocuments(source);
  if (!docs) {
    b.problems.push(`${base} is a manifest the pack cannot parse; the pods it may create cannot be verified`);
    return;
  }
  docs.forEach((d, i) => {
    addManifest(b, d, docs.length > 1 ? `${base}[${i}]` : base, depth);
  });
}

function addTemplate(b: Builder, t: unknown, base: string, root: Record<string, unknown>, depth: number) {
  const tpl = obj(t);
  if (Object.keys(tpl).length === 0) return;
  // Template-level pod settings override the workflow's (Argo merges them per pod).
  const pod: Record<string, unknown> = {
    ...root,
    securityContext: tpl.securityContext ?? root.securityContext,
    volumes: [...list(root.volumes), ...list(tpl.volumes)],
  };
  b.podSpecs.push({
    path: base,
    spec: { securityContext: tpl.securityContext, volumes: tpl.volumes, hostNetwork: tpl.hostNetwork },
    partial: true,
  });
  const add = (c: unknown, path: string) => {
    b.containers.push({ path, container: obj(c), pod, partial: false, imageByController: false });
  };
  if (tpl.container) add(tpl.container, `${base}.container`);
  if (tpl.script) add(tpl.script, `${base}.script`);
  list(obj(tpl.containerSet).containers).forEach((c, j) => {
    add(c, `${base}.containerSet.containers[${j}]`);
  });
  list(tpl.initContainers).forEach((c, j) => {
    add(c, `${base}.initContainers[${j}]`);
  });
  list(tpl.sidecars).forEach((c, j) => {
    add(c, `${base}.sidecars[${j}]`);
  });
  addPatch(b, tpl.podSpecPatch, `${base}.podSpecPatch`, pod);
  const resource = obj(tpl.resource);
  if (resource.manifest !== undefined) addManifests(b, resource.manifest, `${base}.resource.manifest`, depth);
  if (resource.manifestFrom !== undefined && resource.manifestFrom !== null)
    b.external.push(`${base}.resource.manifestFrom: the manifest comes from an artifact at run time and cannot be verified`);
  list(tpl.steps).forEach((group, i) => {
    list(group).forEach((step, j) => {
      if (obj(step).inline) addTemplate(b, obj(step).inline, `${base}.steps[${i}][${j}].inline`, root, depth);
    });
  });
  list(obj(tpl.dag).tasks).forEach((task, i) => {
    if (obj(task).inline) addTemplate(b, obj(task).inline, `${base}.dag.tasks[${i}].inline`, root, depth);
  });
}

function addWorkflow(b: Builder, root: Record<string, unknown>, base: string, depth: number) {
  b.podSpecs.push({ path: base, spec: root, partial: true });
  list(root.templates).forEach((t, i) => {
    addTemplate(b, t, `${base}.templates[${i}]`, root, depth);
  });
  if (root.templateDefaults) addTemplate(b, root.templateDefaults, `${base}.templateDefaults`, root, depth);
  addPatch(b, root.podSpecPatch, `${base}.podSpecPatch`, root);
}

/** Argo Events pod template (`spec.template`): container, securityContext, volumes. */
function addEventsTemplate(b: Builder, template: Record<string, unknown>, base: string) {
  if (Object.keys(template).length === 0) return;
  b.podSpecs.push({ path: base, spec: template, partial: false });
  const container = obj(template.container);
  b.containers.push({ path: `${base}.container`, container, pod: template, partial: false, imageByController: true });
}

/** True when `v` is a container list: a non-empty array of objects, one of them with an image. */
function isContainerList(v: unknown): boolean {
  if (!Array.isArray(v) || v.length === 0) return false;
  const items = v.map((c) => read(() => c));
  if (!items.every((c) => c.known && c.value !== null && typeof c.value === "object" && !Array.isArray(c.value))) return false;
  return items.some((c) => {
    if (!c.known) return false;
    const image = read(() => (c.value as Record<string, unknown>).image);
    return !image.known || typeof image.value === "string";
  });
}

/** Keys that mark an object with an `image` as a container. */
const CONTAINER_KEYS = ["securityContext", "resources", "command", "args", "env", "ports", "volumeMounts", "imagePullPolicy"];

/**
 * True for an object shaped like a single container: an `image` beside container fields, or a
 * `securityContext` beside container fields (a model container whose image the serving runtime
 * sets: `storageUri` marks it).
 */
function containerShaped(o: Record<string, unknown>): boolean {
  const image = read(() => o.image);
  if (image.known && typeof image.value === "string" && CONTAINER_KEYS.some((k) => k in o)) return true;
  const sc = read(() => o.securityContext);
  return (
    sc.known &&
    sc.value !== null &&
    typeof sc.value === "object" &&
    [...CONTAINER_KEYS, "storageUri"].some((k) => k !== "securityContext" && k in o)
  );
}

/**
 * Pod specs of an object the pack has no schema for, found by shape: every nested object with a
 * `containers` list of objects with an `image` (a PodSpec, or a pod-like spec such as a KServe
 * predictor) is a pod spec, with its initContainers, ephemeralContainers and pod-level settings.
 * A lone container-shaped object (an `image` beside container fields) is judged on what it states.
 * `metadata` and `status` are not read; values unknown during a preview are skipped.
 */
function genericPodSpecs(b: Builder, props: Record<string, unknown>) {
  const visit = (v: unknown, path: string, depth: number, parent: Record<string, unknown>) => {
    if (depth > 20 || v === null || typeof v !== "object") return;
    if (Array.isArray(v)) {
      v.forEach((_, i) => {
        const child = read(() => v[i]);
        if (child.known) visit(child.value, `${path}[${i}]`, depth + 1, {});
      });
      return;
    }
    const o = v as Record<string, unknown>;
    const containers = read(() => o.containers);
    if (containers.known && isContainerList(containers.value)) {
      const annotations = read(() => obj(obj(parent.metadata).annotations));
      addPod(b, o, path || "(root)", false, false, annotations.known ? annotations.value : undefined);
      return;
    }
    if (depth > 0 && containerShaped(o)) {
      // A single container outside a container list (a KServe predictor's `model`, a framework
      // container): only the settings it states are judged (partial), the rest is the controller's.
      b.containers.push({ path, container: o, pod: parent, partial: true, imageByController: false });
      return;
    }
    for (const k of Object.keys(o)) {
      if (depth === 0 && (k === "metadata" || k === "status" || k === "apiVersion" || k === "kind")) continue;
      const child = read(() => o[k]);
      if (child.known) visit(child.value, path ? `${path}.${k}` : k, depth + 1, o);
    }
  };
  visit(props, "", 0, {});
}

function build(type: string, props: Record<string, unknown>, depth = 0): Workload {
  const b: Builder = { podSpecs: [], containers: [], problems: [], external: [] };
  if (depth > 5) return b;
  if (MANIFEST_GROUP.test(type)) {
    // yaml/v2 ConfigGroup: `yaml` (one string or a list) and `objs`; v1: `yaml` and `objs` too.
    list(props.yaml).forEach((y, i) => {
      addManifests(b, y, Array.isArray(props.yaml) ? `yaml[${i}]` : "yaml", depth);
    });
    list(props.objs).forEach((o, i) => {
      addManifest(b, obj(o), `objs[${i}]`, depth);
    });
    for (const key of ["file", "files"]) {
      list(props[key]).forEach((f) => {
        b.external.push(
          `${key} "${str(f) ?? "?"}" is read when the program runs (a path, glob or URL): its objects cannot be verified here`,
        );
      });
    }
    return b;
  }
  const gk = groupKind(type);
  if (!gk) return b;
  const path = POD_PATHS[gk.group]?.[gk.kind];
  if (path) {
    const annotations = read(() => obj(at(props, [...path.slice(0, -1), "metadata"]).annotations));
    addPod(b, at(props, path), path.join("."), false, false, annotations.known ? annotations.value : undefined);
    return b;
  }
  if (!knownPodKind(gk)) {
    genericPodSpecs(b, props);
    return b;
  }
  const spec = obj(props.spec);
  switch (gk.kind) {
    case "CronWorkflow":
      addWorkflow(b, obj(spec.workflowSpec), "spec.workflowSpec", depth);
      break;
    case "Workflow":
    case "WorkflowTemplate":
    case "ClusterWorkflowTemplate":
      addWorkflow(b, spec, "spec", depth);
      break;
    case "Sensor":
      addEventsTemplate(b, obj(spec.template), "spec.template");
      list(spec.triggers).forEach((t, i) => {
        const tpl = obj(obj(t).template);
        for (const kind of ["k8s", "argoWorkflow"]) {
          const source = obj(obj(tpl[kind]).source);
          const base = `spec.triggers[${i}].template.${kind}.source`;
          if (source.resource !== undefined) addManifests(b, source.resource, `${base}.resource`, depth);
          if (source.inline !== undefined) addManifests(b, source.inline, `${base}.inline`, depth);
          for (const fetched of ["url", "git", "configmap", "s3", "file"]) {
            if (source[fetched] !== undefined && source[fetched] !== null)
              b.external.push(`${base}.${fetched}: the object it creates is fetched when the trigger fires and cannot be verified`);
          }
        }
      });
      break;
    case "EventSource":
      addEventsTemplate(b, obj(spec.template), "spec.template");
      break;
    case "EventBus":
      for (const flavour of ["jetstream", "nats"]) {
        const cfg = flavour === "nats" ? obj(obj(spec.nats).native) : obj(spec.jetstream);
        if (Object.keys(cfg).length === 0) continue;
        const base = flavour === "nats" ? "spec.nats.native" : "spec.jetstream";
        b.podSpecs.push({ path: base, spec: cfg, partial: false });
        for (const key of ["containerTemplate", "reloaderContainerTemplate", "metricsContainerTemplate"]) {
          if (cfg[key] === undefined) continue;
          b.containers.push({ path: `${base}.${key}`, container: obj(cfg[key]), pod: cfg, partial: false, imageByController: true });
        }
      }
      break;
    case "AnalysisTemplate":
    case "ClusterAnalysisTemplate":
    case "AnalysisRun":
      list(spec.metrics).forEach((m, i) => {
        const job = obj(obj(obj(m).provider).job);
        if (Object.keys(job).length) addPod(b, at(job, ["spec", "template", "spec"]), `spec.metrics[${i}].provider.job.spec.template.spec`);
      });
      break;
    case "Experiment":
      list(spec.templates).forEach((t, i) => {
        addPod(b, at(obj(t), ["template", "spec"]), `spec.templates[${i}].template.spec`);
      });
      break;
  }
  return b;
}

/**
 * Workloads already built, per props object and type. Six pod rules read the workload of the same
 * resource; the offline check hands every rule the same props object of a resource
 * (tools/lib/check.ts), so it is built once there. Under the Pulumi CLI each rule gets props of
 * its own and nothing is shared. A workload is read-only and depends on nothing but `type` and
 * `props`.
 */
const builtWorkloads = new WeakMap<object, Map<string, Workload>>();

/** The workload view of `props`, or undefined for types that run no pods. */
export function workloadOf(type: string, props: Record<string, unknown>): Workload | undefined {
  if (!definesPods(type)) return undefined;
  let byType = builtWorkloads.get(props);
  if (byType === undefined) {
    byType = new Map();
    builtWorkloads.set(props, byType);
  }
  let workload = byType.get(type);
  if (workload === undefined) {
    workload = build(type, props);
    byType.set(type, workload);
  }
  return workload;
}

/** Namespace of a namespaced object (`default` when unset); Helm releases carry it in `namespace`. */
export function namespaceOf(props: Record<string, unknown>): string {
  return str(obj(props.metadata).namespace) ?? str(props.namespace) ?? "default";
}

/**
 * True when the Kubernetes rules check objects of this namespace: every namespace, unless it is
 * exempted by name (`namespaceExemptions`, each with a reason). A namespace that is unknown during
 * a preview is checked.
 */
export function inCheckedNamespace(props: Record<string, unknown>, settings: Pick<RuleSettings, "namespaceExemptions">): boolean {
  const ns = read(() => namespaceOf(props));
  if (!ns.known) return true;
  return !settings.namespaceExemptions.some((e) => e.namespace === ns.value);
}

/** An image set in Helm values, with its path. */
export interface ValuesImage {
  readonly path: string;
  readonly image: string;
}

/**
 * Images set in Helm release values, in every shape charts use (tested in
 * test/policies/helpers/helm-values-images.test.ts):
 * - `…image: "<ref>"` strings (any key ending in `image`, in maps and lists);
 * - image objects `{ registry?, repository, tag?, digest?, sha? }` under an `image`-like key, or
 *   nested one level deeper (`image.keda.repository`);
 * - objects naming the image by `name` with a registry around it (`image: { name }` under
 *   `imageRegistry` + `imageNamespace`, cert-manager's convention);
 * - registry settings that apply to a whole subtree: `global.imageRegistry`,
 *   `global.image.registry`, any `imageRegistry` key. A registry setting is reported itself too
 *   (as `<registry>/<path>:pinned`), so a registry redirect is judged even where no image names it.
 */
export function helmValuesImages(values: unknown): { images: ValuesImage[]; unknown: string[] } {
  const out: ValuesImage[] = [];
  const unknown: string[] = [];
  const get = (o: unknown, k: string | number): { known: boolean; value?: unknown } => {
    const r = read(() => (o as Record<string | number, unknown>)[k]);
    return r.known ? { known: true, value: r.value } : { known: false };
  };
  const imageKey = (k: string) => /image|repository|registry|^tag$|^digest$/i.test(k);
  const isHostPath = (r: string) => /^[^/]+[.:][^/]*\//.test(r) || r.startsWith("localhost/");
  const root = obj(values);
  const global = get(root, "global");
  const globalObj = global.known ? obj(global.value) : {};
  const globalImage = obj(get(globalObj, "image").value);
  const rootRegistry = str(get(globalObj, "imageRegistry").value) || str(get(globalImage, "registry").value) || undefined;
  const join = (registry: string | undefined, ns: string | undefined, repo: string) =>
    [
      registry && !isHostPath(repo) ? registry.replace(/\/$/, "") : undefined,
      ns && !isHostPath(repo) ? ns.replace(/^\/|\/$/g, "") : undefined,
      repo,
    ]
      .filter((p): p is string => p !== undefined && p !== "")
      .join("/");
  const version = (o: Record<string, unknown>) => {
    const tag = str(o.tag);
    const digest = str(o.digest) || str(o.sha);
    return `${tag ? `:${tag}` : ""}${digest ? `@${digest.startsWith("sha256:") ? digest : `sha256:${digest}`}` : ""}`;
  };
  /** Registry settings in force: the chart-wide one, then the nearest `imageRegistry`/`imageNamespace`. */
  interface Scope {
    readonly registry: string | undefined;
    readonly namespace: string | undefined;
    readonly inImage: boolean;
  }
  const visit = (v: unknown, path: string, key: string, depth: number, scope: Scope) => {
    if (depth > 30) return;
    if (typeof v === "string") {
      if (/image$/i.test(key) && /[/:]/.test(v) && !/\s/.test(v)) out.push({ path, image: v });
      return;
    }
    if (v === null || typeof v !== "object") return;
    const entries: [string, string][] = Array.isArray(v)
      ? v.map((_, i) => [String(i), `${path}[${i}]`] as [string, string])
      : Object.keys(v).map((k) => [k, path ? `${path}.${k}` : k] as [string, string]);
    const known: Record<string, unknown> = {};
    for (const [k, p] of entries) {
      const child = get(v, k);
      if (!child.known) {
        if (imageKey(k) || /image/i.test(key) || scope.inImage) unknown.push(p);
        continue;
      }
      known[k] = child.value;
    }
    // A subtree's own registry settings (`imageRegistry`, `imageNamespace`; global's at the root).
    const ownRegistry = Array.isArray(v) ? undefined : str(known.imageRegistry) || undefined;
    const ownNamespace = Array.isArray(v) ? undefined : str(known.imageNamespace) || undefined;
    if (ownRegistry && path !== "global")
      out.push({
        path: path ? `${path}.imageRegistry` : "imageRegistry",
        image: `${join(ownRegistry, ownNamespace, "image-registry")}:pinned`,
      });
    const here: Scope = { registry: ownRegistry ?? scope.registry, namespace: ownNamespace ?? scope.namespace, inImage: scope.inImage };
    const imageLike = /image/i.test(key) || scope.inImage;
    const repository = str(known.repository);
    const name = str(known.name);
    if (!Array.isArray(v) && imageLike && repository && !/\s/.test(repository)) {
      const registry = str(known.registry) || here.registry;
      out.push({ path, image: `${join(registry, str(known.registry) ? undefined : here.namespace, repository)}${version(known)}` });
      return;
    }
    if (!Array.isArray(v) && /image/i.test(key) && !repository && name && !/\s/.test(name) && (str(known.registry) || here.registry)) {
      const registry = str(known.registry) || here.registry;
      out.push({ path, image: `${join(registry, str(known.registry) ? undefined : here.namespace, name)}${version(known)}` });
      return;
    }
    // `registry` beside an image given as a plain name (`{ image: "traefik", registry: "docker.io/library" }`).
    const registryBeside = Array.isArray(v) ? undefined : str(known.registry);
    for (const [k, p] of entries) {
      if (!(k in known)) continue;
      const child = known[k];
      if (typeof child === "string" && /image$/i.test(k) && registryBeside && !/[/:]/.test(child) && !/\s/.test(child)) {
        out.push({ path: p, image: `${join(registryBeside, undefined, child)}${str(known.tag) ? `:${str(known.tag)}` : ""}` });
        continue;
      }
      const childKey = Array.isArray(v) ? key : k;
      visit(child, p, childKey, depth + 1, { ...here, inImage: here.inImage || (/^image$/i.test(key) && !Array.isArray(v)) });
    }
  };
  if (rootRegistry) out.push({ path: "global.imageRegistry", image: `${rootRegistry.replace(/\/$/, "")}/global-image-registry:pinned` });
  visit(values, "", "", 0, { registry: rootRegistry, namespace: undefined, inImage: false });
  return { images: out, unknown };
}
