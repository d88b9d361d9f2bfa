/**
 * Readers over Kubernetes objects as the policies see them (`kubernetes:<group>/<version>:<Kind>`
 * resources and Argo custom resources), shared by the Kubernetes rules.
 */
import { list, matchesAny, obj, read, str } from "./values";

/** Workload kinds whose pod template the rules check, by Pulumi type. */
const POD_TEMPLATE_PATHS: Record<string, readonly string[]> = {
  "kubernetes:core/v1:Pod": ["spec"],
  "kubernetes:apps/v1:Deployment": ["spec", "template", "spec"],
  "kubernetes:apps/v1:StatefulSet": ["spec", "template", "spec"],
  "kubernetes:apps/v1:DaemonSet": ["spec", "template", "spec"],
  "kubernetes:apps/v1:ReplicaSet": ["spec", "template", "spec"],
  "kubernetes:batch/v1:Job": ["spec", "template", "spec"],
  "kubernetes:batch/v1:CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
  "kubernetes:argoproj.io/v1alpha1:Rollout": ["spec", "template", "spec"],
};

/** Argo workflow kinds whose templates run pods. */
const WORKFLOW_TYPES = new Set([
  "kubernetes:argoproj.io/v1alpha1:WorkflowTemplate",
  "kubernetes:argoproj.io/v1alpha1:ClusterWorkflowTemplate",
  "kubernetes:argoproj.io/v1alpha1:CronWorkflow",
  "kubernetes:argoproj.io/v1alpha1:Workflow",
]);

/** Every Pulumi type the pod rules look at. */
export const WORKLOAD_TYPES: readonly string[] = [...Object.keys(POD_TEMPLATE_PATHS), ...WORKFLOW_TYPES];

/** A container with where it sits in the object, for messages. */
export interface ContainerRef {
  readonly path: string;
  readonly container: Record<string, unknown>;
}

/** The pod-level view of a workload: pod spec fields and every container. */
export interface Workload {
  readonly podSpecs: readonly { path: string; spec: Record<string, unknown> }[];
  readonly containers: readonly ContainerRef[];
}

function at(root: Record<string, unknown>, path: readonly string[]): Record<string, unknown> {
  let cur: unknown = root;
  for (const p of path) cur = obj(cur)[p];
  return obj(cur);
}

function containersOf(spec: Record<string, unknown>, base: string): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const key of ["initContainers", "containers", "ephemeralContainers"]) {
    list(spec[key]).forEach((c, i) => {
      out.push({ path: `${base}.${key}[${i}]`, container: obj(c) });
    });
  }
  return out;
}

/** The workload view of `props`, or undefined for types that run no pods. */
export function workloadOf(type: string, props: Record<string, unknown>): Workload | undefined {
  const path = POD_TEMPLATE_PATHS[type];
  if (path) {
    const spec = at(props, path);
    const base = path.join(".");
    return { podSpecs: [{ path: base, spec }], containers: containersOf(spec, base) };
  }
  if (!WORKFLOW_TYPES.has(type)) return undefined;
  const root = type.endsWith(":CronWorkflow") ? at(props, ["spec", "workflowSpec"]) : at(props, ["spec"]);
  const base = type.endsWith(":CronWorkflow") ? "spec.workflowSpec" : "spec";
  const containers: ContainerRef[] = [];
  list(root.templates).forEach((t, i) => {
    const tpl = obj(t);
    const tbase = `${base}.templates[${i}]`;
    if (tpl.container) containers.push({ path: `${tbase}.container`, container: obj(tpl.container) });
    if (tpl.script) containers.push({ path: `${tbase}.script`, container: obj(tpl.script) });
    list(obj(tpl.containerSet).containers).forEach((c, j) => {
      containers.push({ path: `${tbase}.containerSet.containers[${j}]`, container: obj(c) });
    });
    list(tpl.initContainers).forEach((c, j) => {
      containers.push({ path: `${tbase}.initContainers[${j}]`, container: obj(c) });
    });
    list(tpl.sidecars).forEach((c, j) => {
      containers.push({ path: `${tbase}.sidecars[${j}]`, container: obj(c) });
    });
  });
  // The workflow-level securityContext, volumes and host settings apply to every pod it runs.
  return { podSpecs: [{ path: base, spec: root }], containers };
}

/** Namespace of a namespaced object (`default` when unset). */
export function namespaceOf(props: Record<string, unknown>): string {
  return str(obj(props.metadata).namespace) ?? "default";
}

/**
 * True when the object lives in one of the platform namespaces. A namespace that is unknown
 * during a preview (taken from a Namespace resource created in the same run) counts as a
 * platform namespace: the rule runs rather than being skipped.
 */
export function inPlatformNamespace(props: Record<string, unknown>, platformNamespaces: readonly string[]): boolean {
  const ns = read(() => namespaceOf(props));
  return !ns.known || matchesAny(ns.value, platformNamespaces);
}
