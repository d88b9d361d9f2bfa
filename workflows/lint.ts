/**
 * The offline lint of every file in `workflows/` (run by `npm run workflows:lint`, see
 * `tools/workflows-lint.ts`):
 *
 * - the upstream schema (`@kubernetes-models/argo-workflows`), plus unknown keys anywhere in the
 *   object (the upstream validators accept them silently; a misspelt `retryStratgy` would be lost),
 *   found by walking the package's own type declarations;
 * - every referenced template, parameter, step output and template argument exists;
 * - GPU steps request `nvidia.com/gpu` limits, select the GPU pool, tolerate its taint and go
 *   through the namespace's GPU queue (label `kueue.x-k8s.io/queue-name: gpu`);
 * - images are pinned (fixed tag or digest, never `latest`); parameterised images default to a pinned one;
 * - service accounts are the platform's pipeline accounts (`PIPELINE_SERVICE_ACCOUNTS`);
 * - restricted security context, resources, retries, deadlines, pod GC, TTL and an exit handler;
 * - artifacts use workload identity and the namespace's default repository (no inline keys);
 * - approval (suspend) steps never resume by themselves; gate/registration/promotion steps are unconditional.
 *
 * Problems are one line each: `file: kind/name: where: what and the fix`.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { PIPELINE_SERVICE_ACCOUNTS } from "../components/contracts";
import type { AdmissionEnvironment } from "../components/k8s/admission-rules";
import { GPU_LOCAL_QUEUE, QUEUE_NAME_LABEL } from "../components/k8s/gpu-queues";
import { GPU_POOL_LABELS, GPU_RESOURCE, GPU_TAINT, NODE_LABEL_KEYS } from "../contracts/scheduling";
import { admissionLintProblems, defaultRegistryHosts } from "./admission-lint";
import { loadWorkflowDocuments, WORKFLOWS_DIR, type WorkflowDocument } from "./index";
import { TRAINING_ACCOUNT_EXPRESSION, TRAINING_ACCOUNT_PARAMETER } from "./steps/lib/built-training";
import { FEATURE_APPLY_SERVICE_ACCOUNT } from "./steps/lib/feature-repo";
import { imagePinProblem } from "./steps/lib/images";

/** Label and taint of the GPU node pools (`contracts/scheduling.ts`). */
export const GPU_POOL = {
  labelKey: NODE_LABEL_KEYS.pool,
  labelValue: GPU_POOL_LABELS[NODE_LABEL_KEYS.pool],
  taintKey: GPU_TAINT.key,
  taintValue: GPU_TAINT.value,
  taintEffect: GPU_TAINT.effect,
} as const;
/** The GPU extended resource (`contracts/scheduling.ts`). */
export { GPU_RESOURCE };
/** Steps whose outcome guards a release: they may not be conditional or allowed to fail. */
export const GUARD_STEPS = ["dist/gate.js", "dist/register.js", "dist/promote.js"] as const;

const KINDS = ["WorkflowTemplate", "CronWorkflow", "ClusterWorkflowTemplate"] as const;
const SERVICE_ACCOUNTS: readonly string[] = Object.values(PIPELINE_SERVICE_ACCOUNTS);
const WORKFLOW_VARIABLES = new Set([
  "name",
  "namespace",
  "uid",
  "status",
  "failures",
  "serviceAccountName",
  "duration",
  "priority",
  "mainEntrypoint",
  "scheduledTime",
  "creationTimestamp",
]);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === "string" ? v : "");

// ---------------------------------------------------------------------------------------------
// Unknown keys, from the upstream package's type declarations.

type TypeRef = { kind: "leaf" } | { kind: "array"; of: TypeRef } | { kind: "record"; of: TypeRef } | { kind: "object"; file: string };
const NODE_MODULES = join(__dirname, "..", "node_modules");
const ARGO_DIR = join(NODE_MODULES, "@kubernetes-models", "argo-workflows", "argoproj.io", "v1alpha1");
const shapeCache = new Map<string, Map<string, TypeRef> | null>();

function resolveModule(fromFile: string, spec: string): string {
  if (spec.startsWith(".")) return join(dirname(fromFile), spec.replace(/\.js$/, ".d.ts"));
  return join(NODE_MODULES, `${spec}.d.ts`);
}

function typeRef(expr: string, imports: Map<string, string>): TypeRef {
  const e = expr.trim();
  const a = /^Array<([\s\S]*)>$/.exec(e);
  if (a) return { kind: "array", of: typeRef(a[1] ?? "", imports) };
  const file = imports.get(e);
  if (file)
    return /ParallelSteps\.d\.ts$/.test(file)
      ? { kind: "array", of: { kind: "object", file: join(ARGO_DIR, "WorkflowStep.d.ts") } }
      : { kind: "object", file };
  return { kind: "leaf" };
}

/** Properties of the interface declared in a `.d.ts` file (null for type aliases: anything goes). */
function shape(file: string): Map<string, TypeRef> | null {
  if (shapeCache.has(file)) return shapeCache.get(file) ?? null;
  const text = readFileSync(file, "utf8");
  const imports = new Map<string, string>();
  for (const m of text.matchAll(/import \{ ([^}]+) \} from "([^"]+)";/g)) {
    for (const name of (m[1] ?? "").split(",").map((s) => s.trim())) imports.set(name, resolveModule(file, m[2] ?? ""));
  }
  const start = text.search(/export interface I\w+(?: extends [^{]+)? \{/);
  if (start < 0) {
    shapeCache.set(file, null);
    return null;
  }
  const body = text.slice(start, text.indexOf("\n}", start));
  const props = new Map<string, TypeRef>();
  // An interface that extends another (Argo's UserContainer extends core/v1 Container) has its fields too.
  const parents = /^export interface I\w+ extends ([^{]+) \{/.exec(body)?.[1] ?? "";
  for (const parent of parents.split(",").map((s) => s.trim())) {
    const parentFile = imports.get(parent);
    const inherited = parentFile && existsSync(parentFile) ? shape(parentFile) : null;
    for (const [k, v] of inherited ?? []) props.set(k, v);
  }
  const lines = body.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const m = /^ {4}"([^"]+)"\??: (.*)$/.exec(lines[i] ?? "");
    if (!m) continue;
    const type = m[2] ?? "";
    if (type === "{") {
      const v = /^\s+\[key: string\]: (.*);$/.exec(lines[i + 1] ?? "");
      props.set(m[1] ?? "", { kind: "record", of: v ? typeRef(v[1] ?? "", imports) : { kind: "leaf" } });
    } else props.set(m[1] ?? "", typeRef(type.replace(/;$/, ""), imports));
  }
  shapeCache.set(file, props);
  return props;
}

function unknownKeys(value: unknown, ref: TypeRef, path: string, out: string[]): void {
  if (ref.kind === "leaf") return;
  if (ref.kind === "array") {
    for (const [i, v] of arr(value).entries()) unknownKeys(v, ref.of, `${path}[${i}]`, out);
    return;
  }
  if (ref.kind === "record") {
    if (isObj(value)) for (const [k, v] of Object.entries(value)) unknownKeys(v, ref.of, `${path}.${k}`, out);
    return;
  }
  const props = shape(ref.file);
  if (!props || !isObj(value)) return;
  for (const [k, v] of Object.entries(value)) {
    const p = props.get(k);
    if (!p)
      out.push(
        `${path}.${k} is not a field of ${ref.file.split("/").pop()?.replace(".d.ts", "")}: remove it or fix the spelling (allowed: ${[...props.keys()].join(", ")})`,
      );
    else unknownKeys(v, p, `${path}.${k}`, out);
  }
}

// ---------------------------------------------------------------------------------------------
// The platform's ClusterWorkflowTemplates, which teams reference with templateRef (clusterScope).

let platformCache: Map<string, Obj> | undefined;
/** The platform's ClusterWorkflowTemplates of `workflows/`, by name. */
export function platformClusterTemplates(): Map<string, Obj> {
  if (!platformCache) {
    platformCache = new Map();
    for (const { object } of loadWorkflowDocuments(WORKFLOWS_DIR)) {
      if (object.kind === "ClusterWorkflowTemplate" && isObj(object.metadata)) platformCache.set(str(object.metadata.name), object);
    }
  }
  return platformCache;
}

/** The template `template` of the platform's ClusterWorkflowTemplate `name`, with the templates it calls (transitively). */
function platformTemplate(name: string, template: string): { template: Obj; closure: Obj[] } | undefined {
  const cwt = platformClusterTemplates().get(name);
  const spec = cwt && isObj(cwt.spec) ? cwt.spec : {};
  const all = new Map(
    arr(spec.templates)
      .filter(isObj)
      .map((t) => [str(t.name), t] as const),
  );
  const root = all.get(template);
  if (!root) return undefined;
  const closure: Obj[] = [];
  const seen = new Set<string>();
  const visit = (t: Obj) => {
    if (seen.has(str(t.name))) return;
    seen.add(str(t.name));
    closure.push(t);
    for (const group of templateSteps(t))
      for (const step of group) {
        const next = all.get(str(step.template));
        if (next) visit(next);
      }
  };
  visit(root);
  return { template: root, closure };
}

// ---------------------------------------------------------------------------------------------
// Semantic checks.

interface Ctx {
  readonly problems: string[];
  readonly where: string;
  /** A team's files: only the pipeline accounts, only the platform's object store. */
  readonly team: boolean;
}

/** The accounts a template may name: the pipeline accounts, and in the platform's own files the feast-apply account. */
function accountsFor(ctx: Ctx): readonly string[] {
  return ctx.team ? SERVICE_ACCOUNTS : [...SERVICE_ACCOUNTS, FEATURE_APPLY_SERVICE_ACCOUNT];
}

/**
 * The one git input artifact the platform's own files use (workflows/feature-apply.yaml): the
 * repository and revision are template inputs (checked by the step before it), submodules are off
 * and no credential is named. Teams' files take no git artifact at all.
 */
function platformGitArtifactProblem(git: unknown): string | undefined {
  if (!isObj(git)) return "must be an object";
  if (!/^\{\{inputs\.parameters\.[A-Za-z0-9_-]+\}\}$/.test(str(git.repo))) return "git.repo must be exactly {{inputs.parameters.<name>}}";
  if (git.disableSubmodules !== true) return "git.disableSubmodules must be true (a submodule would clone another URL)";
  for (const k of ["usernameSecret", "passwordSecret", "sshPrivateKeySecret", "insecureSkipTLS", "insecureIgnoreHostKey"])
    if (git[k] !== undefined) return `git.${k} is not allowed`;
  return undefined;
}

function add(ctx: Ctx, at: string, message: string): void {
  ctx.problems.push(`${ctx.where}: ${at}: ${message}`);
}

function names(list: unknown): string[] {
  return arr(list)
    .filter(isObj)
    .map((p) => str(p.name));
}

function templateSteps(t: Obj): Obj[][] {
  return arr(t.steps).map((group) => arr(group).filter(isObj));
}

function stringsIn(value: unknown, path: string, out: { path: string; text: string }[]): void {
  if (typeof value === "string") out.push({ path, text: value });
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) stringsIn(v, `${path}[${i}]`, out);
  else if (isObj(value)) for (const [k, v] of Object.entries(value)) stringsIn(v, `${path}.${k}`, out);
}

function isPodTemplate(t: Obj): boolean {
  return isObj(t.container) || isObj(t.script) || isObj(t.containerSet) || isObj(t.resource);
}

function containersOf(t: Obj): Obj[] {
  const list: Obj[] = [];
  if (isObj(t.container)) list.push(t.container);
  if (isObj(t.script)) list.push(t.script);
  if (isObj(t.containerSet)) list.push(...arr(t.containerSet.containers).filter(isObj));
  list.push(...arr(t.initContainers).filter(isObj), ...arr(t.sidecars).filter(isObj));
  return list;
}

function checkReferences(spec: Obj, templates: Map<string, Obj>, ctx: Ctx): void {
  const workflowParams = new Set(names(isObj(spec.arguments) ? spec.arguments.parameters : []));
  for (const [name, t] of templates) {
    const at = `template ${name}`;
    const inputs = isObj(t.inputs) ? t.inputs : {};
    const inputParams = new Set(names(inputs.parameters));
    const inputArtifacts = new Set(names(inputs.artifacts));
    const outputs = isObj(t.outputs) ? t.outputs : {};
    const ownOutputs = new Set(names(outputs.parameters));
    const groups = templateSteps(t);
    const stepIndex = new Map<string, number>();
    groups.forEach((g, i) => {
      for (const s of g) stepIndex.set(str(s.name), i);
    });

    const checkStepRef = (stepName: string, kind: string, out: string, where: string, groupLimit: number) => {
      const gi = stepIndex.get(stepName);
      if (gi === undefined) return add(ctx, at, `${where} refers to step "${stepName}", which is not a step of this template`);
      if (gi >= groupLimit)
        return add(ctx, at, `${where} refers to step "${stepName}", which does not run before it: move it to an earlier step group`);
      const step = groups[gi]?.find((s) => str(s.name) === stepName);
      const callee = templates.get(str(step?.template));
      if (!callee || !out || out === "result" || out === "exitCode") return;
      const declared = names(isObj(callee.outputs) ? (kind === "parameters" ? callee.outputs.parameters : callee.outputs.artifacts) : []);
      if (!declared.includes(out))
        add(
          ctx,
          at,
          `${where} reads ${kind} "${out}" of step "${stepName}", but template ${str(step?.template)} declares no such output (it has: ${declared.join(", ") || "none"})`,
        );
    };

    const checkText = (text: string, where: string, groupLimit: number) => {
      for (const m of text.matchAll(/\{\{\s*([^}]+?)\s*\}\}/g)) {
        const expr = m[1] ?? "";
        const parts = expr.split(".");
        if (expr.startsWith("=")) {
          // An expression template ({{=…}}, expr-lang): the workflow parameters it reads must exist.
          for (const p of expr.matchAll(/workflow\.parameters(?:\['([^']+)'\]|\.([A-Za-z0-9_-]+))/g)) {
            const param = p[1] ?? p[2] ?? "";
            if (!workflowParams.has(param))
              add(
                ctx,
                at,
                `${where} uses workflow.parameters['${param}'] but the workflow declares no such parameter: add it to spec.arguments.parameters`,
              );
          }
        } else if (parts[0] === "workflow") {
          if (parts[1] === "parameters") {
            if (!workflowParams.has(parts.slice(2).join(".")))
              add(
                ctx,
                at,
                `${where} uses {{${expr}}} but the workflow declares no parameter "${parts.slice(2).join(".")}": add it to spec.arguments.parameters`,
              );
          } else if (parts[1] === "outputs" || parts[1] === "labels" || parts[1] === "annotations" || parts[1] === "creationTimestamp") {
            // Global outputs and metadata: resolved by the controller.
          } else if (!WORKFLOW_VARIABLES.has(parts[1] ?? "")) add(ctx, at, `${where} uses unknown variable {{${expr}}}`);
        } else if (parts[0] === "inputs") {
          const set = parts[1] === "parameters" ? inputParams : parts[1] === "artifacts" ? inputArtifacts : undefined;
          if (!set?.has(parts.slice(2).join("."))) add(ctx, at, `${where} uses {{${expr}}} but template ${name} declares no such input`);
        } else if (parts[0] === "outputs") {
          if (parts[1] === "parameters" && !ownOutputs.has(parts.slice(2).join(".")))
            add(ctx, at, `${where} uses {{${expr}}} but template ${name} declares no such output`);
        } else if (parts[0] === "steps") {
          checkStepRef(
            parts[1] ?? "",
            parts[3] ?? "",
            parts[3] === "parameters" || parts[3] === "artifacts" ? (parts[4] ?? "") : (parts[3] ?? ""),
            where,
            groupLimit,
          );
        } else if (!["pod", "item", "retries", "status", "duration", "exitCode", "lastRetry", "node", "tasks"].includes(parts[0] ?? "")) {
          add(ctx, at, `${where} uses unknown variable {{${expr}}}`);
        }
      }
    };

    // Strings of the template itself (container args, env, artifacts, metrics, …) but not its steps.
    const { steps: _steps, outputs: _outputs, ...own } = t;
    const texts: { path: string; text: string }[] = [];
    stringsIn(own, "", texts);
    stringsIn(isObj(outputs) ? { artifacts: outputs.artifacts } : {}, ".outputs", texts);
    for (const x of texts) checkText(x.text, x.path || "template", Number.POSITIVE_INFINITY);
    for (const p of arr(outputs.parameters).filter(isObj)) {
      const vf = isObj(p.valueFrom) ? p.valueFrom : {};
      checkText(JSON.stringify(vf), `outputs.parameters.${str(p.name)}`, Number.POSITIVE_INFINITY);
      for (const m of str(vf.expression).matchAll(/steps\[['"]([^'"]+)['"]\]\.outputs\.parameters\[['"]([^'"]+)['"]\]/g)) {
        checkStepRef(m[1] ?? "", "parameters", m[2] ?? "", `outputs.parameters.${str(p.name)} expression`, Number.POSITIVE_INFINITY);
      }
      for (const m of str(vf.expression).matchAll(/steps\[['"]([^'"]+)['"]\]/g))
        checkStepRef(m[1] ?? "", "", "", `outputs.parameters.${str(p.name)} expression`, Number.POSITIVE_INFINITY);
    }

    groups.forEach((group, gi) => {
      for (const step of group) {
        const sname = str(step.name);
        const where = `step ${sname}`;
        const stepTexts: { path: string; text: string }[] = [];
        stringsIn(step, where, stepTexts);
        for (const x of stepTexts) checkText(x.text, x.path, gi);
        let callee: Obj | undefined;
        if (step.templateRef !== undefined) {
          const ref = isObj(step.templateRef) ? step.templateRef : {};
          const platform = ref.clusterScope === true ? platformTemplate(str(ref.name), str(ref.template)) : undefined;
          if (!platform) {
            add(
              ctx,
              at,
              `${where} uses templateRef ${str(ref.name)}/${str(ref.template)}${ref.clusterScope === true ? "" : " without clusterScope: true"}: only the platform's ClusterWorkflowTemplates may be referenced (${[...platformClusterTemplates().keys()].join(", ")}), with clusterScope: true; keep your own templates in this file`,
            );
            continue;
          }
          callee = platform.template;
          // The platform's steps read the workflow's parameters and mount its volumes: the caller must declare them.
          const text = JSON.stringify(platform.closure);
          for (const m of text.matchAll(/\{\{\s*workflow\.parameters\.([A-Za-z0-9_.-]+)\s*\}\}/g))
            if (!workflowParams.has(m[1] ?? ""))
              add(
                ctx,
                at,
                `${where}: the platform template ${str(ref.name)}/${str(ref.template)} reads workflow parameter "${m[1]}": declare it in spec.arguments.parameters`,
              );
          const volumes = new Set(names(spec.volumes));
          for (const t of platform.closure)
            for (const c of containersOf(t))
              for (const vm of arr(c.volumeMounts).filter(isObj))
                if (!volumes.has(str(vm.name)))
                  add(
                    ctx,
                    at,
                    `${where}: the platform template ${str(ref.name)}/${str(t.name)} mounts volume "${str(vm.name)}": declare it in spec.volumes`,
                  );
        } else callee = templates.get(str(step.template));
        if (!callee) {
          add(ctx, at, `${where} calls template "${str(step.template)}", which does not exist`);
          continue;
        }
        const given = names(isObj(step.arguments) ? step.arguments.parameters : []);
        const calleeInputs = arr(isObj(callee.inputs) ? callee.inputs.parameters : []).filter(isObj);
        for (const g of given)
          if (!calleeInputs.some((p) => str(p.name) === g))
            add(ctx, at, `${where} passes parameter "${g}" but template ${str(step.template)} has no such input`);
        for (const p of calleeInputs) {
          const hasDefault = p.value !== undefined || p.default !== undefined || p.valueFrom !== undefined;
          if (!hasDefault && !given.includes(str(p.name)))
            add(ctx, at, `${where} does not pass required input "${str(p.name)}" of template ${str(step.template)}`);
        }
        const givenArtifacts = names(isObj(step.arguments) ? step.arguments.artifacts : []);
        const calleeArtifacts = arr(isObj(callee.inputs) ? callee.inputs.artifacts : []).filter(isObj);
        for (const a of calleeArtifacts) {
          const located = ["s3", "azure", "gcs", "http", "git", "raw", "artifactory", "hdfs", "oss", "from"].some(
            (k) => a[k] !== undefined,
          );
          if (!located && !givenArtifacts.includes(str(a.name)))
            add(ctx, at, `${where} does not pass input artifact "${str(a.name)}" of template ${str(step.template)}`);
        }
        const args0 = str(arr(isObj(callee.container) ? callee.container.args : [])[0]);
        if ((GUARD_STEPS as readonly string[]).includes(args0)) {
          if (step.when !== undefined)
            add(ctx, at, `${where} runs ${args0} under a "when" condition: release guards must always run, remove the condition`);
          if (step.continueOn !== undefined)
            add(ctx, at, `${where} runs ${args0} with continueOn: a refused gate must stop the workflow, remove continueOn`);
        }
      }
    });
  }
}

function checkPodTemplate(name: string, t: Obj, spec: Obj, ctx: Ctx): void {
  const at = `template ${name}`;
  const named = str(t.serviceAccountName);
  const accounts = accountsFor(ctx);
  // The platform's own training step takes its account from a parameter (training-account:
  // pipeline-train, or a built model's train-<model> set by the retrain step, held by admission): judged by its default.
  const param = ctx.team
    ? null
    : named === TRAINING_ACCOUNT_EXPRESSION
      ? (["", "inputs", TRAINING_ACCOUNT_PARAMETER] as const)
      : /^\{\{(workflow|inputs)\.parameters\.([A-Za-z0-9_-]+)\}\}$/.exec(named);
  const holder = param?.[1] === "workflow" ? spec.arguments : t.inputs;
  const sa = param
    ? str(
        arr(isObj(holder) ? holder.parameters : [])
          .filter(isObj)
          .find((p) => str(p.name) === param[2])?.value,
      ) || named
    : named;
  // A template without an account runs as the workflow's (spec.serviceAccountName, checked below):
  // the drift monitor's data steps do, so that each model's run reads its data as its own account.
  if (!sa && !str(spec.serviceAccountName))
    add(
      ctx,
      at,
      `has no serviceAccountName and the workflow sets none: set one of ${accounts.join(", ")} (one per kind of step, least privilege)`,
    );
  else if (sa && !accounts.includes(sa))
    add(ctx, at, `serviceAccountName "${sa}" is not created by the platform: use one of ${accounts.join(", ")}`);
  if (t.automountServiceAccountToken === true && sa !== PIPELINE_SERVICE_ACCOUNTS.deploy)
    add(ctx, at, "sets automountServiceAccountToken: true; leave the default");
  if (typeof t.activeDeadlineSeconds !== "number" && typeof t.activeDeadlineSeconds !== "string")
    add(ctx, at, "has no activeDeadlineSeconds: bound every step's run time");
  const retry = isObj(t.retryStrategy) ? t.retryStrategy : undefined;
  if (!retry || retry.limit === undefined)
    add(ctx, at, "has no retryStrategy with a limit: retry transient failures (retryPolicy OnError/Always with an exit-code expression)");
  else if (!isObj(retry.backoff) || retry.backoff.duration === undefined)
    add(ctx, at, "retryStrategy has no backoff.duration: retries must back off");
  const podSc = isObj(spec.securityContext) ? spec.securityContext : {};
  const tplSc = isObj(t.securityContext) ? t.securityContext : {};
  const podNonRoot = tplSc.runAsNonRoot === true || podSc.runAsNonRoot === true;
  for (const [i, c] of containersOf(t).entries()) {
    const cat = `${at} container ${str(c.name) || i}`;
    const image = str(c.image);
    const param = /^\{\{\s*workflow\.parameters\.([^}\s]+)\s*\}\}$/.exec(image);
    if (param) {
      const p = arr(isObj(spec.arguments) ? spec.arguments.parameters : [])
        .filter(isObj)
        .find((x) => str(x.name) === param[1]);
      if (!p) add(ctx, cat, `image ${image} refers to an undeclared workflow parameter`);
      else if (p.value !== undefined) {
        const problem = imagePinProblem(str(p.value));
        if (problem) add(ctx, cat, `default of parameter ${param[1]}: ${problem}`);
      }
    } else if (image.includes("{{"))
      add(
        ctx,
        cat,
        `image "${image}" is computed: use a pinned image or exactly {{workflow.parameters.<name>}} (checked at run time by preflight)`,
      );
    else {
      const problem = imagePinProblem(image);
      if (problem) add(ctx, cat, problem);
    }
    const sc = isObj(c.securityContext) ? c.securityContext : {};
    if (sc.allowPrivilegeEscalation !== false) add(ctx, cat, "securityContext.allowPrivilegeEscalation must be false");
    if (sc.readOnlyRootFilesystem !== true)
      add(ctx, cat, "securityContext.readOnlyRootFilesystem must be true (mount an emptyDir at /tmp for scratch space)");
    if (sc.privileged === true) add(ctx, cat, "securityContext.privileged must not be true");
    if (sc.runAsNonRoot !== true && !podNonRoot) add(ctx, cat, "runAsNonRoot must be true (container or pod securityContext)");
    if (sc.runAsUser === 0) add(ctx, cat, "securityContext.runAsUser must not be 0");
    const drop = arr(isObj(sc.capabilities) ? sc.capabilities.drop : []);
    if (!drop.includes("ALL")) add(ctx, cat, 'securityContext.capabilities.drop must include "ALL"');
    if (arr(isObj(sc.capabilities) ? sc.capabilities.add : []).length > 0) add(ctx, cat, "securityContext.capabilities.add must be empty");
    const res = isObj(c.resources) ? c.resources : {};
    const limits = isObj(res.limits) ? res.limits : {};
    const requests = isObj(res.requests) ? res.requests : {};
    if (limits.cpu === undefined || limits.memory === undefined) add(ctx, cat, "resources.limits needs cpu and memory");
    if (requests.cpu === undefined || requests.memory === undefined) add(ctx, cat, "resources.requests needs cpu and memory");
    for (const e of arr(c.env).filter(isObj)) {
      if (/(SECRET|PASSWORD|TOKEN|ACCESS_KEY)/i.test(str(e.name)) && e.value !== undefined)
        add(ctx, cat, `env ${str(e.name)} has an inline value: credentials come from workload identity, never from the template`);
    }
  }

  // GPU scheduling.
  const main = containersOf(t);
  const gpuRequested = main.some((c) => {
    const r = isObj(c.resources) ? c.resources : {};
    return (isObj(r.limits) && r.limits[GPU_RESOURCE] !== undefined) || (isObj(r.requests) && r.requests[GPU_RESOURCE] !== undefined);
  });
  const selector = isObj(t.nodeSelector) ? t.nodeSelector : {};
  const onGpuPool = selector[GPU_POOL.labelKey] === GPU_POOL.labelValue;
  const tolerates = arr(t.tolerations)
    .filter(isObj)
    .some(
      (x) =>
        str(x.key) === GPU_POOL.taintKey &&
        (x.effect === undefined || x.effect === GPU_POOL.taintEffect) &&
        (x.operator === "Exists" || str(x.value) === GPU_POOL.taintValue),
    );
  if (gpuRequested || onGpuPool || tolerates) {
    const gpuLimit = main.some((c) => isObj(c.resources) && isObj(c.resources.limits) && c.resources.limits[GPU_RESOURCE] !== undefined);
    if (!gpuLimit) add(ctx, at, `runs on the GPU pool but sets no resources.limits["${GPU_RESOURCE}"]: request the GPUs it needs`);
    if (!onGpuPool) add(ctx, at, `requests GPUs but has no nodeSelector ${GPU_POOL.labelKey}: ${GPU_POOL.labelValue}`);
    if (!tolerates)
      add(ctx, at, `requests GPUs but does not tolerate the taint ${GPU_POOL.taintKey}=${GPU_POOL.taintValue}:${GPU_POOL.taintEffect}`);
    // Argo labels the pod with the workflow's podMetadata and the template's metadata; Kueue queues it by this label.
    const labelOf = (m: unknown) => (isObj(m) && isObj(m.labels) ? m.labels[QUEUE_NAME_LABEL] : undefined);
    const queue = labelOf(t.metadata) ?? labelOf(spec.podMetadata);
    if (gpuRequested && queue !== GPU_LOCAL_QUEUE)
      add(
        ctx,
        at,
        `requests GPUs outside the GPU queue: set metadata.labels["${QUEUE_NAME_LABEL}"]: ${GPU_LOCAL_QUEUE} on the template (the namespace's queue, held to the team's gpuQuota)`,
      );
  }

  // Artifacts: workload identity, default repository.
  const inputs = isObj(t.inputs) ? t.inputs : {};
  for (const a of arr(inputs.artifacts).filter(isObj)) {
    for (const store of ["s3", "azure"]) {
      const loc = isObj(a[store]) ? (a[store] as Obj) : undefined;
      if (!loc) continue;
      if (loc.useSDKCreds !== true) add(ctx, at, `input artifact ${str(a.name)}: ${store}.useSDKCreds must be true (workload identity)`);
      for (const k of ["accessKeySecret", "secretKeySecret", "sessionTokenSecret", "accountKeySecret"]) {
        if (loc[k] !== undefined)
          add(ctx, at, `input artifact ${str(a.name)}: ${store}.${k} is an inline credential: remove it, use workload identity`);
      }
    }
    for (const store of ["gcs", "oss", "hdfs", "artifactory", "http", "git"]) {
      if (a[store] === undefined) continue;
      if (store === "git" && !ctx.team) {
        const problem = platformGitArtifactProblem(a.git);
        if (problem) add(ctx, at, `input artifact ${str(a.name)}: ${problem}`);
        continue;
      }
      add(ctx, at, `input artifact ${str(a.name)} reads from ${store}: only the platform's own object store is allowed`);
    }
  }
  const outputs = isObj(t.outputs) ? t.outputs : {};
  for (const a of arr(outputs.artifacts).filter(isObj)) {
    for (const store of ["s3", "azure", "gcs", "oss", "hdfs", "artifactory", "http", "git", "raw"]) {
      if (a[store] !== undefined)
        add(
          ctx,
          at,
          `output artifact ${str(a.name)} sets ${store}: leave the location out so it goes to the namespace's encrypted default artifact repository`,
        );
    }
  }
  for (const v of arr(t.volumes).filter(isObj))
    if (v.hostPath !== undefined) add(ctx, at, `volume ${str(v.name)} is a hostPath: not allowed under the restricted profile`);
}

function checkWorkflowSpec(spec: Obj, ctx: Ctx): void {
  const templates = new Map<string, Obj>();
  for (const t of arr(spec.templates).filter(isObj)) {
    const n = str(t.name);
    if (templates.has(n)) add(ctx, "spec.templates", `template "${n}" is defined twice`);
    templates.set(n, t);
  }
  const entry = str(spec.entrypoint);
  if (!templates.has(entry)) add(ctx, "spec.entrypoint", `"${entry}" is not a template of this workflow`);
  const onExit = str(spec.onExit);
  if (!onExit) add(ctx, "spec.onExit", "missing: set an exit handler that records failures");
  else if (!templates.has(onExit)) add(ctx, "spec.onExit", `"${onExit}" is not a template of this workflow`);
  if (spec.activeDeadlineSeconds === undefined) add(ctx, "spec.activeDeadlineSeconds", "missing: bound the whole run");
  if (!isObj(spec.podGC) || !spec.podGC.strategy)
    add(ctx, "spec.podGC", "missing: set podGC.strategy (e.g. OnPodSuccess) so finished pods are removed");
  const ttl = isObj(spec.ttlStrategy) ? spec.ttlStrategy : undefined;
  if (
    !ttl ||
    (ttl.secondsAfterCompletion === undefined && ttl.secondsAfterSuccess === undefined && ttl.secondsAfterFailure === undefined)
  ) {
    add(ctx, "spec.ttlStrategy", "missing: set ttlStrategy so finished workflows are deleted (the archive keeps history)");
  }
  const sa = str(spec.serviceAccountName);
  if (!SERVICE_ACCOUNTS.includes(sa))
    add(ctx, "spec.serviceAccountName", `"${sa}" is not a platform pipeline account: use one of ${SERVICE_ACCOUNTS.join(", ")}`);
  const sc = isObj(spec.securityContext) ? spec.securityContext : {};
  if (sc.runAsNonRoot !== true) add(ctx, "spec.securityContext.runAsNonRoot", "must be true");
  if (!isObj(sc.seccompProfile) || sc.seccompProfile.type !== "RuntimeDefault")
    add(ctx, "spec.securityContext.seccompProfile.type", "must be RuntimeDefault");
  if (sc.runAsUser === 0) add(ctx, "spec.securityContext.runAsUser", "must not be 0");
  if (spec.hostNetwork === true) add(ctx, "spec.hostNetwork", "must not be true");
  if (spec.artifactRepositoryRef !== undefined)
    add(
      ctx,
      "spec.artifactRepositoryRef",
      "remove it: artifacts go to the namespace's encrypted default repository configured by the platform",
    );
  for (const v of arr(spec.volumes).filter(isObj))
    if (v.hostPath !== undefined) add(ctx, "spec.volumes", `volume ${str(v.name)} is a hostPath: not allowed`);
  for (const [name, t] of templates) {
    if (isPodTemplate(t)) checkPodTemplate(name, t, spec, ctx);
    if (isObj(t.suspend) && t.suspend.duration !== undefined)
      add(ctx, `template ${name}`, "suspend.duration resumes the workflow by itself: an approval must wait for a person (remove duration)");
    if (isObj(t.resource))
      add(
        ctx,
        `template ${name}`,
        "resource templates are not used by the platform's pipelines: use a step that calls the Kubernetes API with least RBAC",
      );
  }
  checkReferences(spec, templates, ctx);
}

/**
 * The object in the form the upstream models validate: they describe a step group
 * (`ParallelSteps`) as `{steps: [...]}` although Argo's JSON is a bare list (the package's own
 * declaration says so: "There isn't actually a steps key in the JSON serialization").
 */
export function upstreamForm(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(upstreamForm);
  if (!isObj(value)) return value;
  const out: Obj = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      k === "steps" && Array.isArray(v) && v.every(Array.isArray) ? v.map((group) => ({ steps: upstreamForm(group) })) : upstreamForm(v);
  }
  return out;
}

/** Options of {@link lintWorkflowDocuments}. */
export interface LintOptions {
  /** The files are a team's (the workflow-identity admission policy applies). @default false */
  readonly team?: boolean;
  /** The stack's registry host(s). @default the in-region registries the files name (see `admission-lint.ts`) */
  readonly registryHosts?: readonly string[];
  /** Admission as in this environment. @default "production" */
  readonly environment?: AdmissionEnvironment;
  /** Exact images the platform itself runs besides the step placeholder (the installed step image). @default none */
  readonly platformImages?: readonly string[];
  /** The installed Feast image of `feature-apply`. @default the placeholder */
  readonly feastImage?: string;
}

/** Lints parsed documents; returns one line per problem (empty when clean). */
export async function lintWorkflowDocuments(docs: readonly WorkflowDocument[], options: LintOptions = {}): Promise<string[]> {
  const problems: string[] = [];
  const registryHosts = options.registryHosts ?? defaultRegistryHosts(docs.map((d) => d.object));
  const models = (await import("@kubernetes-models/argo-workflows")).argoprojIo.v1alpha1;
  const seen = new Set<string>();
  for (const { file, object } of docs) {
    const kind = str(object.kind);
    const meta = isObj(object.metadata) ? object.metadata : {};
    const ctx: Ctx = { problems, where: `${file}: ${kind || "?"}/${str(meta.name) || "?"}`, team: options.team === true };
    if (!(KINDS as readonly string[]).includes(kind)) {
      add(ctx, "kind", `"${kind}" is not installed by the platform: use one of ${KINDS.join(", ")}`);
      continue;
    }
    if (object.apiVersion !== "argoproj.io/v1alpha1") add(ctx, "apiVersion", `"${str(object.apiVersion)}" must be argoproj.io/v1alpha1`);
    if (!str(meta.name)) add(ctx, "metadata.name", "missing");
    if (meta.namespace !== undefined)
      add(ctx, "metadata.namespace", "remove it: the platform installs each template in every pipeline namespace");
    const key = `${kind}/${str(meta.name)}`;
    if (seen.has(key)) add(ctx, "metadata.name", `${key} is defined twice in workflows/`);
    seen.add(key);
    const Model = models[kind as (typeof KINDS)[number]] as unknown as new (d: unknown) => { validate(): void };
    try {
      new Model(upstreamForm(object)).validate();
    } catch (e) {
      add(ctx, "schema", `${(e as Error).message} (upstream schema @kubernetes-models/argo-workflows)`);
    }
    const fields: string[] = [];
    unknownKeys(object, { kind: "object", file: join(ARGO_DIR, `${kind}.d.ts`) }, "", fields);
    for (const f of fields) add(ctx, "schema", f.replace(/^\./, ""));
    const spec = isObj(object.spec) ? object.spec : {};
    if (kind === "CronWorkflow") {
      if (!spec.concurrencyPolicy) add(ctx, "spec.concurrencyPolicy", "missing: set Forbid (or Replace) so runs never pile up");
      if (spec.startingDeadlineSeconds === undefined)
        add(ctx, "spec.startingDeadlineSeconds", "missing: bound how late a missed run may start");
      checkWorkflowSpec(isObj(spec.workflowSpec) ? spec.workflowSpec : {}, ctx);
    } else checkWorkflowSpec(spec, ctx);
    for (const p of admissionLintProblems(object, {
      registryHosts,
      team: options.team === true,
      ...(options.platformImages ? { platformImages: options.platformImages } : {}),
      ...(options.feastImage ? { feastImage: options.feastImage } : {}),
      ...(options.environment ? { environment: options.environment } : {}),
    }))
      problems.push(`${ctx.where}: ${p}`);
  }
  return problems;
}

/** Lints every file of `dir` (default `workflows/`); returns the problems and how many objects were read. */
export async function lintWorkflowsDir(
  dir: string = WORKFLOWS_DIR,
  options: LintOptions = {},
): Promise<{ problems: string[]; objects: number; files: number }> {
  let docs: WorkflowDocument[];
  try {
    docs = loadWorkflowDocuments(dir);
  } catch (e) {
    return { problems: [(e as Error).message], objects: 0, files: 0 };
  }
  // Any directory but the platform's own holds a team's files.
  const team = options.team ?? resolve(dir) !== resolve(WORKFLOWS_DIR);
  return {
    problems: await lintWorkflowDocuments(docs, { ...options, team }),
    objects: docs.length,
    files: new Set(docs.map((d) => d.file)).size,
  };
}
