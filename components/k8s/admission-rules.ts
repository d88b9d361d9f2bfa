/**
 * The admission rules of the team, pipeline and serving namespaces, as Kubernetes
 * ValidatingAdmissionPolicy specs written in CEL. Pure: no Pulumi, no I/O. The same definitions
 * are installed in the cluster (`./admission.ts`), evaluated by `npm run workflows:lint` on the
 * pods a template would produce (`workflows/admission-lint.ts`) and by the tests (with the CEL
 * implementation `@bufbuild/cel`), so what the lint refuses is what the cluster refuses.
 *
 * Only standard CEL is used (macros `all`/`exists`/`filter`/`map`, `has`, `matches`, `in`,
 * `startsWith`, `contains`, `dyn`) plus `join` from the strings extension, which Kubernetes
 * registers too. No optional syntax (`?.`): every field that may be absent is guarded by `has()`,
 * because Kubernetes, like the evaluator in the tests, fails on a missing field.
 */
import { SAFE_SYSCTLS } from "../../contracts/kubernetes";
import { GPU_RESOURCE } from "../../contracts/scheduling";
import { GPU_LOCAL_QUEUE, QUEUE_NAME_LABEL } from "./gpu-queues";

/** What the rules need to know about the stack. */
export interface AdmissionRuleSettings {
  /** Registry hosts images may come from (the stack's in-region registry, e.g. `<account>.dkr.ecr.me-central-1.amazonaws.com`). */
  readonly registryHosts: readonly string[];
  /**
   * Exact image references the platform itself runs (Argo's executor, the pipeline-step image,
   * the MLflow/serving image). They are allowed by their pinned reference even when they come
   * from another registry (Argo's executor) or are pinned by a tag the registry keeps immutable.
   */
  readonly platformImages: readonly string[];
  /** Production: every other image must be pinned by digest. */
  readonly requireDigest: boolean;
  /**
   * Every image, the platform's own pins included, must come from {@link registryHosts}: no
   * upstream exception (production; the upstream images come through the registry's cache).
   * @default requireDigest
   */
  readonly registryOnly?: boolean;
  /** Service accounts a pod of a pipeline namespace may run as (the platform's pipeline accounts). */
  readonly pipelineServiceAccounts: readonly string[];
  /**
   * The subset of {@link pipelineServiceAccounts} only the platform's own steps may use
   * (registration, promotion): a pod running as one of them must run platform images only, and a
   * team's Workflow, WorkflowTemplate or CronWorkflow may not name them.
   */
  readonly platformOnlyServiceAccounts: readonly string[];
  /** The serving namespace and the service accounts its pods may run as. */
  readonly serving: { readonly namespace: string; readonly serviceAccounts: readonly string[] };
  /**
   * Accounts that exist in one pipeline namespace only, each with the images only it may run there
   * besides the platform's own (the `feature-apply` account of `ml-pipelines` and the Feast image;
   * each model's `drift-<model>` account of `ml-pipelines`, with no image of its own; each built
   * model's `train-<model>` account of `ml-pipelines`, with its repository's images by digest, which
   * no other account of `ml-pipelines` may run).
   * Such an account runs nothing else, and its images are admitted for nobody else (by their pin:
   * in production, where every other image needs a digest, nowhere else at all); no team's
   * Workflow, WorkflowTemplate or CronWorkflow may name it.
   * @default []
   */
  readonly namespaceAccounts?: readonly NamespaceAccount[];
}

/** An account of one namespace and the exact images it alone may run there. */
export interface NamespaceAccount {
  readonly namespace: string;
  readonly serviceAccount: string;
  /** Exact image references (pinned). */
  readonly images: readonly string[];
  /**
   * Repositories (`<registry>/<team>/<model>`, no tag or digest) whose images this account runs by
   * digest, and no other account of its namespace runs at all (a built model's `train-<model>`
   * account and the repository the image builder pushes its pushed commits to).
   * @default []
   */
  readonly imageRepositories?: readonly string[];
}

/** One CEL validation of a policy. */
export interface CelValidation {
  /** True when the object is allowed. */
  readonly expression: string;
  /** Static message (always set, used when the message expression fails). */
  readonly message: string;
  /** A string expression naming what is wrong (e.g. the offending containers). */
  readonly messageExpression?: string;
  readonly reason: "Forbidden" | "Invalid";
}

/** A policy in the platform's own form (turned into a ValidatingAdmissionPolicy by `admissionPolicyManifests`). */
export interface AdmissionPolicyDefinition {
  /** Policy name (cluster-scoped), `mlops-<concern>`. */
  readonly name: string;
  /** What the policy protects, in one sentence (the policy's annotation and the docs). */
  readonly description: string;
  /** Which objects it matches. */
  readonly target: "pods" | "workflows";
  /** Namespaces it is bound to: all guarded ones, or only the team namespaces. */
  readonly scope: "guarded" | "teams";
  readonly variables: readonly { readonly name: string; readonly expression: string }[];
  readonly validations: readonly CelValidation[];
}

/** Volume types the restricted Pod Security Standard allows. */
export const RESTRICTED_VOLUME_TYPES = [
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "persistentVolumeClaim",
  "projected",
  "secret",
] as const;
/**
 * Every volume source of core/v1 Volume. CEL cannot iterate the fields of a typed object, so the
 * rule refuses every source outside the restricted list by name; the API server prunes unknown
 * fields, so this closed list is equivalent to an allow-list (a test checks it against the schema).
 */
export const ALL_VOLUME_SOURCES = [
  "awsElasticBlockStore",
  "azureDisk",
  "azureFile",
  "cephfs",
  "cinder",
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "fc",
  "flexVolume",
  "flocker",
  "gcePersistentDisk",
  "gitRepo",
  "glusterfs",
  "hostPath",
  "image",
  "iscsi",
  "nfs",
  "persistentVolumeClaim",
  "photonPersistentDisk",
  "portworxVolume",
  "projected",
  "quobyte",
  "rbd",
  "scaleIO",
  "secret",
  "storageos",
  "vsphereVolume",
] as const;
/** SELinux types the restricted profile allows. */
const SELINUX_TYPES = ["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"];

const HOST = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$/;
const IMAGE = /^[a-z0-9][a-z0-9._/:@-]*$/i;
const K8S_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const REPOSITORY = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?(\/[a-z0-9]+([._-][a-z0-9]+)*)+$/;

/** Every problem with the settings (empty when valid): values are baked into CEL literals, so they must be plain. */
export function admissionSettingsProblems(s: AdmissionRuleSettings): string[] {
  const p: string[] = [];
  if (s.registryHosts.length === 0) p.push("registryHosts: [] must list the stack's registry host");
  for (const h of s.registryHosts)
    if (!HOST.test(h)) p.push(`registryHosts: "${h}" is not a registry host name (e.g. 123456789012.dkr.ecr.me-central-1.amazonaws.com)`);
  for (const i of s.platformImages)
    if (!IMAGE.test(i) || !/(:[\w.-]+|@sha256:[a-f0-9]{64})$/.test(i))
      p.push(`platformImages: "${i}" must be a pinned image reference (registry/repository:tag or @sha256:digest)`);
  if (s.registryOnly ?? s.requireDigest)
    for (const i of s.platformImages)
      if (!s.registryHosts.some((h) => i.startsWith(`${h}/`)))
        p.push(
          `platformImages: "${i}" is not in the stack's registry (${s.registryHosts.join(", ")}); production takes no upstream image: pull it through the registry's cache`,
        );
  for (const [key, list] of [
    ["pipelineServiceAccounts", s.pipelineServiceAccounts],
    ["platformOnlyServiceAccounts", s.platformOnlyServiceAccounts],
    ["serving.serviceAccounts", s.serving.serviceAccounts],
  ] as const) {
    for (const n of list) if (!K8S_NAME.test(n)) p.push(`${key}: "${n}" is not a Kubernetes name`);
  }
  if (s.pipelineServiceAccounts.length === 0) p.push("pipelineServiceAccounts: [] must list the pipeline accounts");
  for (const n of s.platformOnlyServiceAccounts)
    if (!s.pipelineServiceAccounts.includes(n))
      p.push(`platformOnlyServiceAccounts: "${n}" is not one of pipelineServiceAccounts (${s.pipelineServiceAccounts.join(", ")})`);
  if (!K8S_NAME.test(s.serving.namespace)) p.push(`serving.namespace: "${s.serving.namespace}" is not a namespace name`);
  if (s.serving.serviceAccounts.length === 0) p.push("serving.serviceAccounts: [] must list the serving account");
  (s.namespaceAccounts ?? []).forEach((a, i) => {
    if (!K8S_NAME.test(a.namespace)) p.push(`namespaceAccounts[${i}].namespace: "${a.namespace}" is not a namespace name`);
    if (!K8S_NAME.test(a.serviceAccount)) p.push(`namespaceAccounts[${i}].serviceAccount: "${a.serviceAccount}" is not a Kubernetes name`);
    if (s.pipelineServiceAccounts.includes(a.serviceAccount) || s.serving.serviceAccounts.includes(a.serviceAccount))
      p.push(
        `namespaceAccounts[${i}].serviceAccount: "${a.serviceAccount}" is already a pipeline or serving account; give a namespace's own account its own name`,
      );
    if (a.namespace === s.serving.namespace)
      p.push(`namespaceAccounts[${i}].namespace: "${a.namespace}" is the serving namespace; only pipeline namespaces take such accounts`);
    if (s.registryOnly ?? s.requireDigest)
      for (const img of a.images)
        if (!s.registryHosts.some((h) => img.startsWith(`${h}/`)))
          p.push(
            `namespaceAccounts[${i}].images: "${img}" is not in the stack's registry (${s.registryHosts.join(", ")}); pull it through the registry's cache`,
          );
    for (const r of a.imageRepositories ?? []) {
      if (!REPOSITORY.test(r))
        p.push(
          `namespaceAccounts[${i}].imageRepositories: "${r}" must be a repository without tag or digest (registry/team/model, lowercase)`,
        );
      else if (!s.registryHosts.some((h) => r.startsWith(`${h}/`)))
        p.push(`namespaceAccounts[${i}].imageRepositories: "${r}" is not in the stack's registry (${s.registryHosts.join(", ")})`);
      const owners = (s.namespaceAccounts ?? []).filter(
        (o) => o.namespace === a.namespace && o.serviceAccount !== a.serviceAccount && (o.imageRepositories ?? []).includes(r),
      );
      if (owners.length > 0)
        p.push(
          `namespaceAccounts[${i}].imageRepositories: "${r}" is also ${owners.map((o) => o.serviceAccount).join(", ")}'s; a repository's images run as one account`,
        );
    }
    for (const img of a.images)
      if (!IMAGE.test(img) || !/(:[\w.-]+|@sha256:[a-f0-9]{64})$/.test(img))
        p.push(`namespaceAccounts[${i}].images: "${img}" must be a pinned image reference (registry/repository:tag or @sha256:digest)`);
  });
  return p;
}

/** The pod's service account, as admission sees it. */
const POD_ACCOUNT = "(has(object.spec.serviceAccountName) ? object.spec.serviceAccountName : 'default')";

/** CEL: the images only this pod's namespace account may run (empty for every other pod). */
function accountImagesExpression(s: AdmissionRuleSettings): string {
  return (s.namespaceAccounts ?? []).reduceRight(
    (rest, a) =>
      `(namespaceObject.metadata.name == ${lit(a.namespace)} && ${POD_ACCOUNT} == ${lit(a.serviceAccount)}) ? ${litList(a.images)} : ${rest}`,
    "[]",
  );
}
/** CEL: the repositories whose images (by digest) only this pod's namespace account may run (empty for every other pod). */
function accountRepositoriesExpression(s: AdmissionRuleSettings): string {
  return (s.namespaceAccounts ?? []).reduceRight(
    (rest, a) =>
      `(namespaceObject.metadata.name == ${lit(a.namespace)} && ${POD_ACCOUNT} == ${lit(a.serviceAccount)}) ? ${litList(a.imageRepositories ?? [])} : ${rest}`,
    "[]",
  );
}
/** CEL: every repository reserved to an account of this pod's namespace. */
function reservedRepositoriesExpression(s: AdmissionRuleSettings): string {
  const byNamespace = new Map<string, string[]>();
  for (const a of s.namespaceAccounts ?? [])
    byNamespace.set(a.namespace, [...(byNamespace.get(a.namespace) ?? []), ...(a.imageRepositories ?? [])]);
  return [...byNamespace.entries()]
    .filter(([, repos]) => repos.length > 0)
    .reduceRight((rest, [ns, repos]) => `(namespaceObject.metadata.name == ${lit(ns)} ? ${litList(repos)} : ${rest})`, "[]");
}
/** CEL (over `c` and `r`): the container's image is an image of repository `r`, by digest, tag or bare. */
const IMAGE_OF_REPOSITORY = "(c.image == r || c.image.startsWith(r + '@') || c.image.startsWith(r + ':'))";
/** CEL (over `c` and `r`): the container's image is `r@sha256:<64 hex>` exactly. */
const DIGEST_OF_REPOSITORY =
  "(c.image.startsWith(r + '@sha256:') && size(c.image) == size(r) + 72 && c.image.matches('@sha256:[a-f0-9]{64}$'))";

/** CEL: the pod runs as one of its namespace's own accounts. */
function isNamespaceAccountExpression(s: AdmissionRuleSettings): string {
  const accounts = s.namespaceAccounts ?? [];
  return accounts.length === 0
    ? "false"
    : accounts
        .map((a) => `(namespaceObject.metadata.name == ${lit(a.namespace)} && ${POD_ACCOUNT} == ${lit(a.serviceAccount)})`)
        .join(" || ");
}
/** CEL: the accounts of this pod's namespace beyond the pipeline accounts. */
function namespaceAccountsExpression(s: AdmissionRuleSettings): string {
  const byNamespace = new Map<string, string[]>();
  for (const a of s.namespaceAccounts ?? []) byNamespace.set(a.namespace, [...(byNamespace.get(a.namespace) ?? []), a.serviceAccount]);
  return [...byNamespace.entries()].reduceRight(
    (rest, [ns, accounts]) => `(namespaceObject.metadata.name == ${lit(ns)} ? ${litList(accounts)} : ${rest})`,
    "[]",
  );
}

/** A CEL string literal (values are validated above; quotes and backslashes are escaped anyway). */
function lit(s: string): string {
  return `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}
function litList(items: readonly string[]): string {
  return `[${items.map(lit).join(", ")}]`;
}

/** The three container lists of a pod, each possibly absent (ephemeral containers cannot declare ports or resources). */
const CONTAINER_LISTS = [
  { path: "object.spec.containers", optional: false, ephemeral: false },
  { path: "object.spec.initContainers", optional: true, ephemeral: false },
  { path: "object.spec.ephemeralContainers", optional: true, ephemeral: true },
] as const;

/** `pred` (over `c`) holds for every container of every list (or only the non-ephemeral ones). */
function everyContainer(pred: string, opts: { includeEphemeral?: boolean } = {}): string {
  return CONTAINER_LISTS.filter((l) => opts.includeEphemeral !== false || !l.ephemeral)
    .map((l) => (l.optional ? `(!has(${l.path}) || ${l.path}.all(c, ${pred}))` : `${l.path}.all(c, ${pred})`))
    .join(" && ");
}

/** A message expression listing the containers for which `pred` fails. */
function offenders(prefix: string, pred: string, opts: { includeEphemeral?: boolean } = {}): string {
  const parts = CONTAINER_LISTS.filter((l) => opts.includeEphemeral !== false || !l.ephemeral).map((l) => {
    const names = `${l.path}.filter(c, !(${pred})).map(c, c.name)`;
    return l.optional ? `(has(${l.path}) ? ${names} : [])` : names;
  });
  return `${lit(`${prefix}: `)} + (${parts.join(" + ")}).join(', ')`;
}

/** `has` chain: every segment of `path` below `root` is present. */
function hasPath(root: string, path: string): string {
  const segs = path.split(".");
  return segs.map((_, i) => `has(${root}.${segs.slice(0, i + 1).join(".")})`).join(" && ");
}
/** `root.path` is present and satisfies `cond` (written over `root.path`). */
function present(root: string, path: string, cond: (v: string) => string): string {
  return `(${hasPath(root, path)} && ${cond(`${root}.${path}`)})`;
}
/** `root.path` is absent or satisfies `cond`. */
function absentOr(root: string, path: string, cond: (v: string) => string): string {
  return `(!(${hasPath(root, path)}) || ${cond(`${root}.${path}`)})`;
}

function rule(expression: string, message: string, messageExpression?: string): CelValidation {
  return { expression, message, reason: "Forbidden", ...(messageExpression ? { messageExpression } : {}) };
}
function containerRule(pred: string, message: string, opts: { includeEphemeral?: boolean } = {}): CelValidation {
  return rule(everyContainer(pred, opts), message, offenders(message, pred, opts));
}

/** Images: only from the stack's registry (or the platform's exact pins); by digest in production. */
function imagePolicy(s: AdmissionRuleSettings): AdmissionPolicyDefinition {
  const fromRegistry = `(${s.registryHosts.map((h) => `c.image.startsWith(${lit(`${h}/`)})`).join(" || ")})`;
  const platform = `(c.image in variables.platformImages || c.image in variables.accountImages)`;
  // Production: the platform's pins are exempt from the digest rule only, never from the registry rule.
  const registryRule = (s.registryOnly ?? s.requireDigest) ? fromRegistry : `${platform} || ${fromRegistry}`;
  return {
    name: "mlops-images",
    description:
      "Pods in team, pipeline and serving namespaces run images of the stack's in-region registry (by digest in production) or the platform's own pinned images.",
    target: "pods",
    scope: "guarded",
    variables: [
      { name: "platformImages", expression: litList(s.platformImages) },
      { name: "accountImages", expression: accountImagesExpression(s) },
    ],
    validations: [
      containerRule(
        registryRule,
        `images must come from the stack's registry (${s.registryHosts.join(", ")}); containers with another registry`,
      ),
      ...(s.requireDigest
        ? [
            containerRule(
              `${platform} || c.image.matches('@sha256:[a-f0-9]{64}$')`,
              "production images must be pinned by digest; containers not pinned",
            ),
          ]
        : [
            containerRule(
              `${platform} || c.image.matches('(:[A-Za-z0-9_][A-Za-z0-9_.-]*|@sha256:[a-f0-9]{64})$') && !c.image.endsWith(':latest')`,
              "images must be pinned to a fixed tag or digest; containers not pinned",
            ),
          ]),
    ],
  };
}

/** The restricted Pod Security Standard, plus "no added capabilities at all". */
function podSecurityPolicy(): AdmissionPolicyDefinition {
  const pod = "object.spec";
  const seccompOk = (v: string) => `${v} in ['RuntimeDefault', 'Localhost']`;
  return {
    name: "mlops-pod-security",
    description:
      "Pods in team, pipeline and serving namespaces meet the restricted Pod Security Standard, add no capability and use no host namespace, host path or host port.",
    target: "pods",
    scope: "guarded",
    variables: [],
    validations: [
      rule(
        `${absentOr(pod, "hostNetwork", (v) => `${v} == false`)} && ${absentOr(pod, "hostPID", (v) => `${v} == false`)} && ${absentOr(pod, "hostIPC", (v) => `${v} == false`)}`,
        "host namespaces (hostNetwork, hostPID, hostIPC) are not allowed",
      ),
      rule(
        `!has(object.spec.volumes) || object.spec.volumes.all(v, ${ALL_VOLUME_SOURCES.filter(
          (t) => !(RESTRICTED_VOLUME_TYPES as readonly string[]).includes(t),
        )
          .map((t) => `!has(v.${t})`)
          .join(" && ")})`,
        `volumes may only be of the restricted types (${RESTRICTED_VOLUME_TYPES.join(", ")}); hostPath and other node or network volumes are not allowed`,
        `'volumes of a forbidden type (restricted allows ${RESTRICTED_VOLUME_TYPES.join(", ")}): ' + object.spec.volumes.filter(v, ${ALL_VOLUME_SOURCES.filter(
          (t) => !(RESTRICTED_VOLUME_TYPES as readonly string[]).includes(t),
        )
          .map((t) => `has(v.${t})`)
          .join(" || ")}).map(v, v.name).join(', ')`,
      ),
      containerRule(`!(${present("c", "securityContext.privileged", (v) => `${v} == true`)})`, "privileged containers are not allowed"),
      containerRule(
        `!(${hasPath("c", "securityContext.capabilities.add")}) || size(c.securityContext.capabilities.add) == 0`,
        "containers may not add Linux capabilities",
      ),
      containerRule(
        present("c", "securityContext.capabilities.drop", (v) => `'ALL' in ${v}`),
        "containers must drop ALL capabilities (securityContext.capabilities.drop: [ALL])",
      ),
      containerRule(
        present("c", "securityContext.allowPrivilegeEscalation", (v) => `${v} == false`),
        "containers must set securityContext.allowPrivilegeEscalation: false",
      ),
      containerRule(
        `${present("c", "securityContext.runAsNonRoot", (v) => `${v} == true`)} || (${present(pod, "securityContext.runAsNonRoot", (v) => `${v} == true`)} && !(${present("c", "securityContext.runAsNonRoot", (v) => `${v} == false`)}))`,
        "containers must run as non-root (runAsNonRoot: true on the pod or the container, never false)",
      ),
      rule(
        `${absentOr(pod, "securityContext.runAsUser", (v) => `${v} != 0`)} && ${everyContainer(`!(${present("c", "securityContext.runAsUser", (v) => `${v} == 0`)})`)}`,
        "runAsUser must not be 0 (root)",
      ),
      containerRule(
        `${present("c", "securityContext.seccompProfile.type", seccompOk)} || (${present(pod, "securityContext.seccompProfile.type", seccompOk)} && ${absentOr("c", "securityContext.seccompProfile.type", seccompOk)})`,
        "seccompProfile.type must be RuntimeDefault or Localhost (pod or container) and never Unconfined",
      ),
      containerRule(`!has(c.ports) || c.ports.all(p, !has(p.hostPort) || p.hostPort == 0)`, "host ports are not allowed", {
        includeEphemeral: false,
      }),
      containerRule(
        absentOr("c", "securityContext.procMount", (v) => `${v} == 'Default'`),
        "procMount must be Default",
      ),
      rule(
        `${absentOr(pod, "securityContext.seLinuxOptions", (v) => `!has(${v}.user) && !has(${v}.role) && (!has(${v}.type) || ${v}.type in ${litList(SELINUX_TYPES)})`)} && ${everyContainer(absentOr("c", "securityContext.seLinuxOptions", (v) => `!has(${v}.user) && !has(${v}.role) && (!has(${v}.type) || ${v}.type in ${litList(SELINUX_TYPES)})`))}`,
        "SELinux options may not set user or role, and only the container types",
      ),
      rule(
        `${absentOr(pod, "securityContext.appArmorProfile.type", (v) => `${v} != 'Unconfined'`)} && ${everyContainer(absentOr("c", "securityContext.appArmorProfile.type", (v) => `${v} != 'Unconfined'`))} && (!has(object.metadata.annotations) || object.metadata.annotations.all(k, !k.startsWith('container.apparmor.security.beta.kubernetes.io/') || object.metadata.annotations[k] != 'unconfined'))`,
        "AppArmor may not be Unconfined",
      ),
      rule(
        absentOr(pod, "securityContext.sysctls", (v) => `${v}.all(x, x.name in ${litList(SAFE_SYSCTLS)})`),
        "only the safe sysctls of the Pod Security Standards are allowed",
      ),
      rule(
        `${absentOr(pod, "securityContext.windowsOptions.hostProcess", (v) => `${v} == false`)} && ${everyContainer(absentOr("c", "securityContext.windowsOptions.hostProcess", (v) => `${v} == false`))}`,
        "Windows host-process containers are not allowed",
      ),
    ],
  };
}

/** A container requests or limits GPUs (over `c`). */
const REQUESTS_GPU = `has(c.resources) && ((has(c.resources.requests) && ${lit(GPU_RESOURCE)} in c.resources.requests) || (has(c.resources.limits) && ${lit(GPU_RESOURCE)} in c.resources.limits))`;

/**
 * Requests and limits of CPU and memory on every container that can declare them; and GPUs only
 * through the namespace's GPU queue (Kueue admits the pod against the team's quota), so that no
 * pod takes GPUs around the queue.
 */
function resourcesPolicy(s: AdmissionRuleSettings): AdmissionPolicyDefinition {
  const queued = `has(object.metadata.labels) && ${lit(QUEUE_NAME_LABEL)} in object.metadata.labels && object.metadata.labels[${lit(QUEUE_NAME_LABEL)}] == ${lit(GPU_LOCAL_QUEUE)}`;
  const has2 = (kind: "requests" | "limits") =>
    `has(c.resources) && has(c.resources.${kind}) && 'cpu' in c.resources.${kind} && 'memory' in c.resources.${kind}`;
  return {
    name: "mlops-resources",
    description:
      "Every container and init container in team, pipeline and serving namespaces declares CPU and memory requests and limits (the namespace LimitRange fills in defaults before this check).",
    target: "pods",
    scope: "guarded",
    variables: [],
    validations: [
      containerRule(has2("requests"), "containers must request cpu and memory", { includeEphemeral: false }),
      containerRule(has2("limits"), "containers must set cpu and memory limits", { includeEphemeral: false }),
      rule(
        `namespaceObject.metadata.name == ${lit(s.serving.namespace)} || (${everyContainer(`!(${REQUESTS_GPU})`, { includeEphemeral: false })}) || (${queued})`,
        `pods that request ${GPU_RESOURCE} go through the namespace's GPU queue: label the pod (the Argo template's metadata.labels) ${QUEUE_NAME_LABEL}: ${GPU_LOCAL_QUEUE}`,
      ),
    ],
  };
}

/** Which service accounts pods may run as, and what the platform-only ones may run. */
function serviceAccountPolicy(s: AdmissionRuleSettings): AdmissionPolicyDefinition {
  const sa = POD_ACCOUNT;
  return {
    name: "mlops-service-accounts",
    description:
      "Pods run as one of the accounts the platform created for their namespace (never `default` or the SSO accounts), and the registration and promotion accounts run the platform's own images only.",
    target: "pods",
    scope: "guarded",
    variables: [
      { name: "serviceAccount", expression: sa },
      {
        name: "allowedAccounts",
        expression: `namespaceObject.metadata.name == ${lit(s.serving.namespace)} ? ${litList(s.serving.serviceAccounts)} : ${litList(s.pipelineServiceAccounts)} + ${namespaceAccountsExpression(s)}`,
      },
      { name: "platformImages", expression: litList(s.platformImages) },
      { name: "accountImages", expression: accountImagesExpression(s) },
      { name: "namespaceAccount", expression: isNamespaceAccountExpression(s) },
      { name: "accountRepositories", expression: accountRepositoriesExpression(s) },
      { name: "reservedRepositories", expression: reservedRepositoriesExpression(s) },
    ],
    validations: [
      rule(
        "variables.serviceAccount in variables.allowedAccounts",
        "pods must run as one of the service accounts the platform created for this namespace",
        "'service account ' + variables.serviceAccount + ' is not allowed here; use one of: ' + variables.allowedAccounts.join(', ')",
      ),
      {
        ...containerRule(
          `!(variables.serviceAccount in ${litList(s.platformOnlyServiceAccounts)}) || c.image in variables.platformImages`,
          `the accounts ${s.platformOnlyServiceAccounts.join(", ")} run only the platform's own images; containers with another image`,
        ),
      },
      ...((s.namespaceAccounts ?? []).length === 0
        ? []
        : [
            containerRule(
              `!variables.namespaceAccount || c.image in variables.platformImages || c.image in variables.accountImages || variables.accountRepositories.exists(r, ${DIGEST_OF_REPOSITORY})`,
              `the accounts ${(s.namespaceAccounts ?? []).map((a) => `${a.namespace}/${a.serviceAccount}`).join(", ")} run only the platform's images and their own; containers with another image`,
            ),
          ]),
      ...((s.namespaceAccounts ?? []).some((a) => (a.imageRepositories ?? []).length > 0)
        ? [
            containerRule(
              `variables.reservedRepositories.all(r, !${IMAGE_OF_REPOSITORY} || r in variables.accountRepositories)`,
              `a built model's images (${(s.namespaceAccounts ?? [])
                .filter((a) => (a.imageRepositories ?? []).length > 0)
                .map((a) => `${a.namespace}: ${(a.imageRepositories ?? []).join(", ")} as ${a.serviceAccount}`)
                .join("; ")}) run only as that model's account; containers with another model's image or account`,
            ),
          ]
        : []),
    ],
  };
}

/**
 * Team Workflows, WorkflowTemplates and CronWorkflows may not name the platform-only accounts
 * (as the workflow's, a template's or the executor's account), patch a pod's account, or set a
 * workflow-wide pod patch or template defaults (which Argo applies to every pod of the run, the
 * platform's steps included): the registration and promotion steps run under those accounts only
 * from the ClusterWorkflowTemplates, exactly as written there, and teams cannot change those.
 * Nor may they name another namespace's own accounts ({@link AdmissionRuleSettings.namespaceAccounts},
 * never a team's: each model's `drift-<model>`, `feature-apply`).
 */
function workflowIdentityPolicy(s: AdmissionRuleSettings): AdmissionPolicyDefinition {
  const reserved = [...new Set([...s.platformOnlyServiceAccounts, ...(s.namespaceAccounts ?? []).map((a) => a.serviceAccount)])];
  const only = litList(reserved);
  const notOnly = (root: string, path: string) => absentOr(root, path, (v) => `!(${v} in ${only})`);
  const tmpl = (t: string) =>
    `(${notOnly(t, "serviceAccountName")}) && (${notOnly(t, "executor.serviceAccountName")}) && (${absentOr(t, "podSpecPatch", (v) => `!${v}.contains('serviceAccount')`)})`;
  return {
    name: "mlops-workflow-identities",
    description:
      "A team's Workflows, WorkflowTemplates and CronWorkflows never run their own code as the platform's registration or promotion accounts.",
    target: "workflows",
    scope: "teams",
    variables: [{ name: "spec", expression: "object.kind == 'CronWorkflow' ? dyn(object.spec.workflowSpec) : dyn(object.spec)" }],
    validations: [
      rule(
        "!has(variables.spec.podSpecPatch) && !has(variables.spec.templateDefaults)",
        "a team workflow may not set a workflow-wide podSpecPatch or templateDefaults: they would reach the platform's steps (their arguments, environment, sidecars); patch your own templates instead",
      ),
      rule(
        `${notOnly("variables.spec", "serviceAccountName")} && ${notOnly("variables.spec", "executor.serviceAccountName")}`,
        `the workflow's account and executor account may not be ${reserved.join(" or ")} (reserved to the platform's ClusterWorkflowTemplates)`,
      ),
      rule(
        `!has(variables.spec.templates) || variables.spec.templates.all(t, ${tmpl("t")})`,
        `templates may not run as ${reserved.join(", ")}: reference the platform's steps with templateRef (clusterScope: true) instead`,
        `'templates that use a reserved account: ' + variables.spec.templates.filter(t, !(${tmpl("t")})).map(t, t.name).join(', ')`,
      ),
    ],
  };
}

/** The Argo SSO account a namespace's approvers are mapped onto (components/k8s/team.ts). */
export const APPROVER_ACCOUNT = "argo-sso-approver";
/** The user Argo's server acts as for platform admins (the admin SSO account of the `argo` namespace). */
export const ADMIN_SSO_USER = "system:serviceaccount:argo:argo-sso-admin";
/** The workflow controller (components/k8s/argo-workflows.ts, ARGO_SERVICE_ACCOUNTS.controller): it ends a suspend node on its timeout. */
export const WORKFLOW_CONTROLLER_USER = "system:serviceaccount:argo:argo-workflow-controller";
/**
 * The spec fields of a submitted Workflow a member may still change: Argo's server writes
 * `shutdown` for a stop or terminate (a merge patch) and `suspend` for a suspend or a resume
 * (util.go `patchShutdownStrategy`, `SuspendWorkflow`, `ResumeWorkflow`).
 */
export const MEMBER_WORKFLOW_SPEC_FIELDS = ["shutdown", "suspend"] as const;
const MEMBER_SPEC_FIELDS = litList(MEMBER_WORKFLOW_SPEC_FIELDS);
/** Status fields Argo's retry rewrites (createNewRetryWorkflow); anything else must stay. */
const RETRY_STATUS_FIELDS = [
  "status.phase",
  "status.message",
  "status.startedAt",
  "status.finishedAt",
  "status.conditions",
  "status.persistentVolumeClaims",
  "status.nodes",
  "status.storedWorkflowTemplateSpec",
];
/** Node fields Argo's retry resets (resetNode, and the children of deleted nodes). */
const RETRY_NODE_FIELDS = ["phase", "message", "startedAt", "finishedAt", "children", "outboundNodes"];

/** CEL: `n` equals `o` except for the keys `except` (both maps). */
function sameExcept(n: string, o: string, except: readonly string[], v: string): string {
  const skip = litList(except);
  return `(size(${n}.filter(${v}, !(${v} in ${skip}) && (!(${v} in ${o}) || ${n}[${v}] != ${o}[${v}]))) == 0 && size(${o}.filter(${v}, !(${v} in ${skip}) && !(${v} in ${n}))) == 0)`;
}

/** CEL: the update is Argo's retry of a finished run whose nodes are visible (see the variable `retried`). */
function retryShape(): string {
  const n = "object.status.nodes[k]";
  const o = "oldObject.status.nodes[k]";
  const subset = (f: string) => `(!('${f}' in ${n}) || ${n}.${f}.all(c, '${f}' in ${o} && c in ${o}.${f}))`;
  const node = [
    sameExcept(n, o, RETRY_NODE_FIELDS, "f"),
    `(!('phase' in ${n}) || ('phase' in ${o} && ${n}.phase == ${o}.phase) || ${n}.phase == 'Running')`,
    subset("children"),
    subset("outboundNodes"),
  ].join(" && ");
  const stored = "object.status.storedWorkflowTemplateSpec";
  const oldStored = "oldObject.status.storedWorkflowTemplateSpec";
  return [
    "object.kind == 'Workflow' && oldObject != null && has(oldObject.status) && has(object.status)",
    "has(oldObject.status.phase) && oldObject.status.phase in ['Failed', 'Error']",
    "(!has(object.status.phase) || object.status.phase == '')",
    "!(has(oldObject.status.compressedNodes) && oldObject.status.compressedNodes != '') && !(has(oldObject.status.offloadNodeStatusVersion) && oldObject.status.offloadNodeStatusVersion != '')",
    `variables.rewritten.all(f, f in ${litList(RETRY_STATUS_FIELDS)})`,
    `(has(${stored}) == has(${oldStored})) && (!has(${stored}) || ${sameExcept(stored, oldStored, ["shutdown"], "f")})`,
    `(!has(object.status.nodes) || (has(oldObject.status.nodes) && object.status.nodes.all(k, k in oldObject.status.nodes && ${node})))`,
    // A granted approval is not carried into a retry: steps re-run before it (a new training, a
    // new registration) would be promoted under an approval given to another model. Argo's own
    // retry relabels the run, so promotion refuses it anyway; deleting the approval node asks again.
    `!(has(object.status.nodes) && has(oldObject.status.nodes) && object.status.nodes.exists(k, k in oldObject.status.nodes && 'type' in ${o} && ${o}.type == 'Suspend' && 'phase' in ${o} && ${o}.phase == 'Succeeded' && 'phase' in ${n} && ${n}.phase == 'Succeeded'))`,
  ].join(" && ");
}

/** The labels Argo's server writes on a workflow to name the signed-in person behind an action. */
export const ARGO_ACTOR_LABEL_KEYS = [
  "workflows.argoproj.io/action",
  "workflows.argoproj.io/actor",
  "workflows.argoproj.io/actor-email",
  "workflows.argoproj.io/actor-preferred-username",
] as const;

/**
 * Only approvers approve, and the record names them: a workflow's actor labels (which promotion
 * reads as the approving person) are written only by Argo's server acting for a signed-in person
 * (an `argo-sso-*` account), and a `Resume` only through the namespace's approver account or an
 * admin's. A member resuming the approval step (UI, CLI or kubectl), forging the labels, or
 * creating a workflow that already claims a resume is refused.
 *
 * What runs after the approval is what the approver approved: a member may not change a
 * Workflow's status (at creation either: a stored platform template, node outputs, nodes), nor a
 * submitted run's spec beyond {@link MEMBER_WORKFLOW_SPEC_FIELDS}; only the workflow controller,
 * the namespace's approver account and the admins may. This holds for the whole life of a run, not
 * only while the approval waits: a stored template or a step's outputs rewritten before the wait
 * begins would run after it just the same.
 */
function approvalPolicy(): AdmissionPolicyDefinition {
  const label = (v: string, k: string) => `(${lit(k)} in ${v} ? ${v}[${lit(k)}] : '')`;
  return {
    name: "mlops-approvals",
    description:
      "Only approvers (their Argo SSO account) or admins resume a workflow, and only Argo's server writes the labels that name who did.",
    target: "workflows",
    scope: "guarded",
    variables: [
      { name: "labels", expression: "has(object.metadata.labels) ? object.metadata.labels : {}" },
      { name: "oldLabels", expression: "oldObject != null && has(oldObject.metadata.labels) ? oldObject.metadata.labels : {}" },
      {
        name: "actorChanged",
        expression: ARGO_ACTOR_LABEL_KEYS.map((k) => `${label("variables.labels", k)} != ${label("variables.oldLabels", k)}`).join(" || "),
      },
      { name: "resumed", expression: `variables.actorChanged && ${label("variables.labels", ARGO_ACTOR_LABEL_KEYS[0])} == 'Resume'` },
      { name: "user", expression: "has(request.userInfo) && has(request.userInfo.username) ? request.userInfo.username : ''" },
      // A waiting approval step: a Suspend node still Running in the old object.
      {
        name: "waiting",
        expression:
          "oldObject != null && has(oldObject.status) && has(oldObject.status.nodes) ? oldObject.status.nodes.filter(k, 'type' in oldObject.status.nodes[k] && oldObject.status.nodes[k].type == 'Suspend' && 'phase' in oldObject.status.nodes[k] && oldObject.status.nodes[k].phase == 'Running') : []",
      },
      // ...that this change ends (the node's phase moves on, or the node goes away): a resume written straight into the status.
      {
        name: "released",
        expression:
          "variables.waiting.exists(k, !has(object.status) || !has(object.status.nodes) || !(k in object.status.nodes) || !('phase' in object.status.nodes[k]) || object.status.nodes[k].phase != 'Running')",
      },
      // The accounts that may change a run beyond what a member's own actions write.
      {
        name: "trusted",
        expression: `variables.user == ${lit(WORKFLOW_CONTROLLER_USER)} || variables.user == 'system:serviceaccount:' + request.namespace + ':${APPROVER_ACCOUNT}' || variables.user == ${lit(ADMIN_SSO_USER)}`,
      },
      // What a change of a Workflow rewrites beyond a member's own actions (stop, terminate, suspend
      // through spec.shutdown and spec.suspend; labels and annotations): every other spec field of
      // a submitted run, and any status field (at creation too). Argo's Workflow CRD has no status
      // subresource, so the status (stored platform templates, node outputs, nodes, compressed or
      // offloaded nodes where CEL cannot see a waiting approval) is writable with a plain update.
      {
        name: "rewritten",
        expression: [
          "object.kind != 'Workflow' ? [] :",
          "(oldObject == null ? [] :",
          `  object.spec.filter(k, !(k in ${MEMBER_SPEC_FIELDS}) && (!(k in oldObject.spec) || object.spec[k] != oldObject.spec[k])).map(k, 'spec.' + k)`,
          `  + oldObject.spec.filter(k, !(k in ${MEMBER_SPEC_FIELDS}) && !(k in object.spec)).map(k, 'spec.' + k))`,
          "+ (has(object.status) ? object.status : {}).filter(k, oldObject == null || !has(oldObject.status) || !(k in oldObject.status) || object.status[k] != oldObject.status[k]).map(k, 'status.' + k)",
          "+ (oldObject != null && has(oldObject.status) ? oldObject.status : {}).filter(k, !has(object.status) || !(k in object.status)).map(k, 'status.' + k)",
        ].join(" "),
      },
      // Argo's retry of a Failed or Error run (util.go `FormulateRetryWorkflow`): the run goes back
      // to an unknown phase, nodes to retry are deleted and their ancestors reset (phase Running,
      // message and times cleared, deleted children dropped); nothing else of the status changes.
      // Every node left keeps its type, template, inputs and outputs, so the retried steps run as
      // the stored templates say, and an approval step reset this way waits for the approvers again.
      {
        name: "retried",
        expression: retryShape(),
      },
    ],
    validations: [
      rule(
        "!variables.actorChanged || variables.user.matches('^system:serviceaccount:[a-z0-9-]+:argo-sso-[a-z0-9-]+$')",
        "only Argo's server, acting for a signed-in person, writes the workflows.argoproj.io/action and actor labels",
        "'only the Argo server, acting for a signed-in person, writes the workflows.argoproj.io/action and actor labels (not ' + variables.user + ')'",
      ),
      rule(
        `!variables.resumed || variables.user == 'system:serviceaccount:' + object.metadata.namespace + ':${APPROVER_ACCOUNT}' || variables.user == ${lit(ADMIN_SSO_USER)}`,
        "only the namespace's approvers (or platform admins), signed in through SSO, resume a workflow",
        `'only the approvers of ' + object.metadata.namespace + ' (or platform admins), signed in through SSO, resume a workflow; ' + variables.user + ' may not'`,
      ),
      rule(
        `!variables.released || variables.user == ${lit(WORKFLOW_CONTROLLER_USER)} || variables.user == 'system:serviceaccount:' + object.metadata.namespace + ':${APPROVER_ACCOUNT}' || variables.user == ${lit(ADMIN_SSO_USER)}`,
        "a waiting approval step is ended only by the approvers through Argo's server, or by the workflow controller",
        "'a waiting approval (Suspend) step is ended only by the approvers of ' + object.metadata.namespace + ' through the Argo server, or by the workflow controller; ' + variables.user + ' may not end it'",
      ),
      // Argo's controller re-joins a run's stored spec from the referenced WorkflowTemplate as it is
      // NOW whenever spec.suspend or spec.shutdown differs from the stored copy (operator.go
      // setStoredWfSpec / needsStoredWfSpecUpdate). A team edits its own WorkflowTemplates, so a
      // member's suspend toggle on a started run that references one would swap what runs after
      // the approval. Stop and terminate end the run (only its exit handler, the team's own code
      // under the team's identity, could change): they stay. A ClusterWorkflowTemplate (the
      // platform's pipelines) cannot be edited by a team, so its runs keep the toggle.
      rule(
        "variables.trusted || object.kind != 'Workflow' || oldObject == null || !has(oldObject.status) || !has(object.spec.workflowTemplateRef) || (has(object.spec.workflowTemplateRef.clusterScope) && object.spec.workflowTemplateRef.clusterScope == true) || (('suspend' in object.spec ? object.spec.suspend : false) == ('suspend' in oldObject.spec ? oldObject.spec.suspend : false))",
        "a member may not suspend or unsuspend a started run that references a namespaced WorkflowTemplate: Argo would re-read the template as it is now, swapping what runs after the approval; stop or terminate it instead, or run a ClusterWorkflowTemplate",
      ),
      rule(
        "variables.trusted || size(variables.rewritten) == 0 || variables.retried",
        "the status of a Workflow, and the spec of a submitted run other than shutdown and suspend, are changed only by the workflow controller, the approvers of the namespace or the admins: a member may stop, terminate or suspend a run and change its labels and annotations",
        "'the status of a Workflow, and the spec of a submitted run other than shutdown and suspend (stop, terminate, suspend), are changed only by the workflow controller, the approvers of ' + request.namespace + ' or the admins (what runs after an approval is what the approver approved; compressed or offloaded nodes included); ' + variables.user + ' may not change ' + variables.rewritten.join(', ')",
      ),
    ],
  };
}

/** Every policy, in a stable order. Throws on invalid settings. */
export function admissionPolicies(s: AdmissionRuleSettings): AdmissionPolicyDefinition[] {
  const problems = admissionSettingsProblems(s);
  if (problems.length) throw new Error(`admission rules have invalid settings:\n  - ${problems.join("\n  - ")}`);
  return [imagePolicy(s), podSecurityPolicy(), resourcesPolicy(s), serviceAccountPolicy(s), workflowIdentityPolicy(s), approvalPolicy()];
}

/** `development` warns and audits; `production` denies. */
export type AdmissionEnvironment = "development" | "production";

/** The binding's actions in an environment. */
export function validationActions(environment: AdmissionEnvironment): ("Deny" | "Warn" | "Audit")[] {
  return environment === "production" ? ["Deny", "Audit"] : ["Warn", "Audit"];
}

/** The label Kubernetes sets on every namespace to its own name (cannot be changed by a user). */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/** Plain manifests of the policies and their bindings (the component registers the same objects). */
export function admissionPolicyManifests(
  policies: readonly AdmissionPolicyDefinition[],
  bind: { readonly guarded: readonly string[]; readonly teams: readonly string[]; readonly environment: AdmissionEnvironment },
): { policies: Record<string, unknown>[]; bindings: Record<string, unknown>[] } {
  const rules = (target: AdmissionPolicyDefinition["target"]) =>
    target === "pods"
      ? [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["pods", "pods/ephemeralcontainers"] }]
      : [
          {
            apiGroups: ["argoproj.io"],
            apiVersions: ["v1alpha1"],
            operations: ["CREATE", "UPDATE"],
            resources: ["workflows", "workflowtemplates", "cronworkflows"],
          },
        ];
  return {
    policies: policies.map((p) => ({
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingAdmissionPolicy",
      metadata: { name: p.name, annotations: { "mlops.platform/description": p.description } },
      spec: {
        // An expression that cannot be evaluated counts as a failure, enforced as the binding says
        // (a warning in development, a refusal in production): never a silent pass.
        failurePolicy: "Fail",
        matchConstraints: { resourceRules: rules(p.target) },
        ...(p.variables.length ? { variables: p.variables.map((v) => ({ ...v })) } : {}),
        validations: p.validations.map((v) => ({ ...v })),
      },
    })),
    // A binding needs at least one namespace: with no team, the team-only policy stays unbound.
    bindings: policies
      .filter((p) => (p.scope === "teams" ? bind.teams : bind.guarded).length > 0)
      .map((p) => ({
        apiVersion: "admissionregistration.k8s.io/v1",
        kind: "ValidatingAdmissionPolicyBinding",
        metadata: { name: p.name },
        spec: {
          policyName: p.name,
          validationActions: validationActions(bind.environment),
          matchResources: {
            namespaceSelector: {
              matchExpressions: [
                { key: NAMESPACE_NAME_LABEL, operator: "In", values: [...(p.scope === "teams" ? bind.teams : bind.guarded)].sort() },
              ],
            },
          },
        },
      })),
  };
}
