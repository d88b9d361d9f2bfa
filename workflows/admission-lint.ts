/**
 * The cluster's admission rules, applied offline by `npm run workflows:lint`: the lint builds the
 * pods Argo Workflows would create for each pod template of a file (Argo's `init` and `wait`
 * containers with the pinned executor image, the template's main container(s), init containers
 * and sidecars, the workflow's and the template's pod settings) and evaluates the same
 * ValidatingAdmissionPolicies (`components/k8s/admission-rules.ts`) with a real CEL evaluator.
 * For a team's files the workflow-identity policy also runs on the object itself. A team thus
 * sees the refusal before it submits.
 *
 * What the lint cannot know it leaves to the cluster, and says so: an image given only by a
 * parameter without default is checked at run time (preflight and admission), and `podSpecPatch`
 * is not applied here.
 */
import { PIPELINE_SERVICE_ACCOUNTS } from "../components/contracts";
import { type AdmissionEnvironment, admissionPolicies } from "../components/k8s/admission-rules";
import { resources, restrictedContainerSecurityContext } from "../components/k8s/security";
import { IMAGES, imageRef } from "../contracts/versions";
import { evaluatePolicies, verdictProblems } from "./admission-check";
import { STEPS_IMAGE_PLACEHOLDER } from "./index";
import { TRAINING_ACCOUNT_EXPRESSION, TRAINING_ACCOUNT_PARAMETER } from "./steps/lib/built-training";
import { FEAST_IMAGE_PLACEHOLDER, FEATURE_APPLY_SERVICE_ACCOUNT } from "./steps/lib/feature-repo";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === "string" ? v : "");

/** Hosts of the in-region registries the platform creates (ECR in the UAE region, ACR). */
const IN_REGION_REGISTRY = [/^\d{12}\.dkr\.ecr\.me-central-1\.amazonaws\.com$/, /^[a-z0-9]{5,50}\.azurecr\.io$/];
/** Stands for an image the lint cannot resolve (a parameter without default): judged by the cluster. */
export const UNRESOLVED_IMAGE = "unresolved.invalid/parameter:unresolved";
/** The namespace the lint pretends a team's pods run in (admission scopes team-only rules by namespace). */
const LINT_TEAM_NAMESPACE = "team-lint";

/** Options of {@link admissionLintProblems}. */
export interface AdmissionLintOptions {
  /**
   * The stack's registry host(s).
   * @default the in-region registry hosts named in the files themselves (ECR in me-central-1, ACR); any other host is refused
   */
  readonly registryHosts?: readonly string[];
  /** @default "production" (digests required, the strictest) */
  readonly environment?: AdmissionEnvironment;
  /** A team's files: the workflow-identity policy applies too. */
  readonly team: boolean;
  /** Exact images the platform runs besides Argo's executor and the step placeholder. @default none */
  readonly platformImages?: readonly string[];
  /** The installed Feast image of `feature-apply` (ml-pipelines' feature-apply account only). @default the placeholder */
  readonly feastImage?: string;
}

function hostOf(image: string): string | undefined {
  const slash = image.indexOf("/");
  if (slash < 0) return undefined;
  const first = image.slice(0, slash);
  return first.includes(".") || first.includes(":") ? first : undefined;
}

/** Resolves `{{workflow.parameters.x}}` / `{{inputs.parameters.x}}` in an image from their defaults. */
function resolveImage(image: string, spec: Obj, template: Obj): string {
  const m = /^\{\{\s*(workflow|inputs)\.parameters\.([^}\s]+)\s*\}\}$/.exec(image);
  if (!m) return image === STEPS_IMAGE_PLACEHOLDER ? image : image.includes("{{") ? UNRESOLVED_IMAGE : image;
  const params =
    m[1] === "workflow"
      ? isObj(spec.arguments)
        ? spec.arguments.parameters
        : []
      : isObj(template.inputs)
        ? template.inputs.parameters
        : [];
  const p = arr(params)
    .filter(isObj)
    .find((x) => str(x.name) === m[2]);
  const value = str(p?.value) || str(p?.default);
  return value && !value.includes("{{") ? value : UNRESOLVED_IMAGE;
}

/** `{{workflow.parameters.x}}` / `{{inputs.parameters.x}}` as its default (empty when it has none); any other value as is. */
function resolveParameter(value: string, spec: Obj, template: Obj): string {
  // The training step's clamp: judged, as the simple form, by the parameter's default.
  if (value === TRAINING_ACCOUNT_EXPRESSION) return resolveParameter(`{{inputs.parameters.${TRAINING_ACCOUNT_PARAMETER}}}`, spec, template);
  const m = /^\{\{\s*(workflow|inputs)\.parameters\.([^}\s]+)\s*\}\}$/.exec(value);
  if (!m) return value;
  const holder = m[1] === "workflow" ? spec.arguments : template.inputs;
  const p = arr(isObj(holder) ? holder.parameters : [])
    .filter(isObj)
    .find((x) => str(x.name) === m[2]);
  return str(p?.value) || str(p?.default);
}

/** The labels of a pod: the workflow's `podMetadata.labels` under the template's `metadata.labels`; undefined when none. */
function labelsOf(...metas: unknown[]): Obj | undefined {
  const labels = Object.assign({}, ...metas.map((m) => (isObj(m) && isObj(m.labels) ? m.labels : {}))) as Obj;
  return Object.keys(labels).length ? labels : undefined;
}

/** The pods Argo would create for the pod templates of one workflow spec (one per template). */
export function podsOf(spec: Obj): { template: string; pod: Obj }[] {
  const executor = (name: string): Obj => ({
    name,
    image: imageRef(IMAGES.argoExec),
    // As configured by the platform's Argo Helm values (executor.securityContext / resources).
    securityContext: restrictedContainerSecurityContext(8737),
    resources: resources("tiny"),
  });
  const out: { template: string; pod: Obj }[] = [];
  for (const t of arr(spec.templates).filter(isObj)) {
    const mains: Obj[] = [];
    if (isObj(t.container)) mains.push({ name: "main", ...t.container });
    if (isObj(t.script)) mains.push({ name: "main", ...t.script });
    if (isObj(t.containerSet)) mains.push(...arr(t.containerSet.containers).filter(isObj));
    if (mains.length === 0) continue;
    const fix = (c: Obj): Obj => {
      const { source: _source, ...rest } = c;
      return { ...rest, image: resolveImage(str(c.image), spec, t) };
    };
    const podSc = isObj(t.securityContext) ? t.securityContext : isObj(spec.securityContext) ? spec.securityContext : undefined;
    const pick = (k: string) => (t[k] !== undefined ? t[k] : spec[k]);
    const pod: Obj = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: str(t.name),
        // Argo labels the pod with the workflow's podMetadata and the template's own metadata.
        ...(labelsOf(spec.podMetadata, t.metadata) ? { labels: labelsOf(spec.podMetadata, t.metadata) } : {}),
        ...(isObj(t.metadata) && isObj(t.metadata.annotations) ? { annotations: t.metadata.annotations } : {}),
      },
      spec: {
        // An account given by a workflow parameter is judged with the parameter's default (training-pipeline's training-account).
        serviceAccountName: resolveParameter(str(t.serviceAccountName), spec, t) || str(spec.serviceAccountName) || "default",
        ...(podSc ? { securityContext: podSc } : {}),
        ...Object.fromEntries(["hostNetwork", "hostPID", "hostIPC"].filter((k) => pick(k) !== undefined).map((k) => [k, pick(k)])),
        initContainers: [executor("init"), ...arr(t.initContainers).filter(isObj).map(fix)],
        containers: [executor("wait"), ...mains.map(fix), ...arr(t.sidecars).filter(isObj).map(fix)],
        volumes: [{ name: "var-run-argo", emptyDir: {} }, ...arr(spec.volumes).filter(isObj), ...arr(t.volumes).filter(isObj)],
      },
    };
    out.push({ template: str(t.name), pod });
  }
  return out;
}

/** Every image named in the documents (for the default registry hosts). */
function imagesIn(value: unknown, out: string[]): void {
  if (Array.isArray(value)) for (const v of value) imagesIn(v, out);
  else if (isObj(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (k === "image" && typeof v === "string") out.push(v);
      else if (k === "value" && typeof v === "string" && hostOf(v) !== undefined) out.push(v);
      else imagesIn(v, out);
    }
  }
}

/** The registry hosts the lint accepts when none is given: the in-region registries the files name. */
export function defaultRegistryHosts(objects: readonly unknown[]): string[] {
  const images: string[] = [];
  for (const o of objects) imagesIn(o, images);
  const hosts = new Set(images.map(hostOf).filter((h): h is string => h !== undefined && IN_REGION_REGISTRY.some((r) => r.test(h))));
  // A host nobody uses keeps the rule well-formed when the files name no in-region image.
  return hosts.size > 0 ? [...hosts].sort() : ["registry.invalid"];
}

/** One line per refusal the cluster would give, for one Argo object (`where` prefixes each line). */
export function admissionLintProblems(
  object: Obj,
  options: AdmissionLintOptions & { readonly registryHosts: readonly string[] },
): string[] {
  const policies = admissionPolicies({
    registryHosts: options.registryHosts,
    platformImages: [imageRef(IMAGES.argoExec), STEPS_IMAGE_PLACEHOLDER, UNRESOLVED_IMAGE, ...(options.platformImages ?? [])],
    requireDigest: (options.environment ?? "production") === "production",
    // The platform's pins here are stand-ins (the executor upstream, placeholders for the steps):
    // the lint judges what a team writes; the cluster's own policy refuses upstream pins in production.
    registryOnly: false,
    pipelineServiceAccounts: Object.values(PIPELINE_SERVICE_ACCOUNTS),
    platformOnlyServiceAccounts: [PIPELINE_SERVICE_ACCOUNTS.register, PIPELINE_SERVICE_ACCOUNTS.deploy],
    // The lint judges pipeline namespaces only; serving pods come from the stack, not from files.
    serving: { namespace: "serving", serviceAccounts: ["model-server"] },
    // As the platform installs it: the Feast image for ml-pipelines' feature-apply account only.
    namespaceAccounts: [
      { namespace: "ml-pipelines", serviceAccount: FEATURE_APPLY_SERVICE_ACCOUNT, images: [options.feastImage ?? FEAST_IMAGE_PLACEHOLDER] },
    ],
  });
  const kind = str(object.kind);
  const spec = isObj(object.spec)
    ? kind === "CronWorkflow"
      ? isObj(object.spec.workflowSpec)
        ? object.spec.workflowSpec
        : {}
      : object.spec
    : {};
  const namespace = options.team ? LINT_TEAM_NAMESPACE : "ml-pipelines";
  const problems: string[] = [];
  if (options.team && kind !== "ClusterWorkflowTemplate") {
    for (const p of verdictProblems(evaluatePolicies(policies, { object, namespace, team: true })))
      problems.push(`admission (as the cluster judges the ${kind}): ${p}`);
  }
  for (const { template, pod } of podsOf(spec)) {
    for (const p of verdictProblems(evaluatePolicies(policies, { object: pod, namespace, team: options.team })))
      problems.push(`template ${template}: admission (as the cluster judges its pod): ${p}`);
  }
  return problems;
}
