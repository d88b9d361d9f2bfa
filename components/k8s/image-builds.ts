/**
 * In-cluster builds of a pushed commit's training image, in one narrow exception to the restricted
 * profile (decision recorded in docs/workflows.md, "Building the pushed commit").
 *
 * Rootless BuildKit needs seccomp and AppArmor `Unconfined`, which even the `baseline` Pod Security
 * Standard forbids. Kaniko runs as root with the container runtime's default capabilities and the
 * `RuntimeDefault` seccomp profile: that is `baseline`, never `privileged`. So builds run as
 * Kubernetes Jobs in their own namespace, `ml-builds`, enforced at `baseline`, and the platform's
 * admission policy `mlops-image-builds`, bound to that namespace only, admits exactly one shape of
 * pod there: one container, the builder image pinned by digest, the `image-builder` service
 * account, `RuntimeDefault` seccomp, no privilege escalation, no capability beyond the ones Kaniko
 * needs to unpack and chown layers, no host namespace, port or path. Every other namespace keeps the
 * restricted rules, which refuse the builder (test/components/k8s/image-build-admission.test.ts).
 *
 * Pure: no Pulumi. The Job is created by the pipeline's `build-image` step, the policy by the
 * admission component.
 */
import { type AdmissionEnvironment, type AdmissionPolicyDefinition, admissionPolicyManifests } from "./admission-rules";

/** The namespace where image builds run (Pod Security `baseline`). */
export const BUILD_NAMESPACE = "ml-builds";
/** The only service account a build pod may run as (its identity may push to the stack's registry). */
export const BUILDER_SERVICE_ACCOUNT = "image-builder";
/** Label on build Jobs and their pods. */
export const BUILD_LABEL = "mlops.platform/image-build";

/**
 * The builder: Kaniko's executor, pinned by digest (the multi-arch index of v1.23.2). The Kaniko
 * project is archived upstream (2025); the pin does not move until the platform moves it, and the
 * stack's registry mirrors it like every third-party image.
 */
export const BUILDER_IMAGE = {
  repository: "gcr.io/kaniko-project/executor",
  tag: "v1.23.2",
  digest: "sha256:9e69fd4330ec887829c780f5126dd80edc663df6def362cd22e79bcdf00ac53f",
} as const;

/** The builder's image reference, by digest (`<repository>@<digest>`). */
export function builderImageRef(repository: string = BUILDER_IMAGE.repository): string {
  return `${repository}@${BUILDER_IMAGE.digest}`;
}

/**
 * Capabilities Kaniko keeps (it unpacks base layers as root: ownership, modes, set-id bits), all
 * within the `baseline` Pod Security Standard's allowed set; everything else is dropped.
 */
export const BUILDER_CAPABILITIES = ["CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "SETGID", "SETUID"] as const;

/** The `baseline` Pod Security Standard's addable capabilities (kubernetes.io/docs/concepts/security/pod-security-standards). */
const BASELINE_CAPABILITIES = [
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
];

/** Where a built image goes: `<registry>/<team>/<model>:<commit>` (the stack's in-region registry). */
export function builtImageRef(registryHost: string, team: string, model: string, commit: string): string {
  return `${registryHost}/${team}/${model}:${commit}`;
}

/** One build: the commit to build and where to push it. */
export interface BuildRequest {
  /** `https://` clone URL of the repository (`models[].training.repository`). */
  readonly cloneUrl: string;
  /** The pushed commit (40 hex digits). */
  readonly commit: string;
  /** The pushed ref, e.g. `refs/heads/main`. */
  readonly ref: string;
  readonly registryHost: string;
  readonly team: string;
  readonly model: string;
  /** The builder image by digest. @default {@link builderImageRef}() */
  readonly builderImage?: string;
  /** Dockerfile path inside the repository. @default "Dockerfile" */
  readonly dockerfile?: string;
}

/** Problems of a build request (empty when valid): each names the field, the value and the fix. */
export function buildRequestProblems(r: BuildRequest): string[] {
  const p: string[] = [];
  if (!/^https:\/\/[a-z0-9.-]+(:\d+)?\/[A-Za-z0-9._~/-]+$/.test(r.cloneUrl))
    p.push(`cloneUrl: ${JSON.stringify(r.cloneUrl)} must be an https:// clone URL, e.g. https://git.example.ae/fraud/fraud-scorer.git`);
  if (!/^[a-f0-9]{40}$/.test(r.commit)) p.push(`commit: ${JSON.stringify(r.commit)} must be a full commit SHA (40 hex digits)`);
  if (!/^refs\/(heads|tags)\/[A-Za-z0-9._/-]+$/.test(r.ref)) p.push(`ref: ${JSON.stringify(r.ref)} must be refs/heads/<branch>`);
  for (const [k, v] of [
    ["team", r.team],
    ["model", r.model],
  ] as const)
    if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(v)) p.push(`${k}: ${JSON.stringify(v)} must be a DNS label`);
  if (!/^[a-z0-9.-]+(:\d+)?$/.test(r.registryHost)) p.push(`registryHost: ${JSON.stringify(r.registryHost)} must be a registry host`);
  if (r.dockerfile !== undefined && (r.dockerfile.startsWith("/") || r.dockerfile.split("/").includes("..")))
    p.push(`dockerfile: ${JSON.stringify(r.dockerfile)} must be a path inside the repository`);
  return p;
}

/**
 * The Kubernetes Job that builds `commit` with Kaniko and pushes it: Kaniko clones the commit itself
 * (`git://<host>/<path>#<ref>#<commit>`, over https), builds without a daemon and writes the pushed
 * digest to the termination message, where the `build-image` step reads it.
 */
export function builderJob(r: BuildRequest, name: string): Record<string, unknown> {
  const problems = buildRequestProblems(r);
  if (problems.length) throw new Error(`image build refused:\n  - ${problems.join("\n  - ")}`);
  const labels = { [BUILD_LABEL]: r.model, "app.kubernetes.io/part-of": "mlops-platform" };
  const context = `git://${r.cloneUrl.replace(/^https:\/\//, "")}#${r.ref}#${r.commit}`;
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, namespace: BUILD_NAMESPACE, labels },
    spec: {
      backoffLimit: 1,
      activeDeadlineSeconds: 3600,
      ttlSecondsAfterFinished: 86400,
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: BUILDER_SERVICE_ACCOUNT,
          restartPolicy: "Never",
          securityContext: { seccompProfile: { type: "RuntimeDefault" } },
          containers: [
            {
              name: "build",
              image: r.builderImage ?? builderImageRef(),
              args: [
                `--context=${context}`,
                `--dockerfile=${r.dockerfile ?? "Dockerfile"}`,
                `--destination=${builtImageRef(r.registryHost, r.team, r.model, r.commit)}`,
                "--digest-file=/dev/termination-log",
                `--label=org.opencontainers.image.revision=${r.commit}`,
                `--label=org.opencontainers.image.source=${r.cloneUrl}`,
                "--reproducible",
                "--snapshot-mode=redo",
              ],
              terminationMessagePolicy: "File",
              securityContext: {
                // Kaniko unpacks the base image as root; baseline, never privileged.
                runAsUser: 0,
                runAsNonRoot: false,
                privileged: false,
                allowPrivilegeEscalation: false,
                capabilities: { drop: ["ALL"], add: [...BUILDER_CAPABILITIES] },
                seccompProfile: { type: "RuntimeDefault" },
              },
              resources: { requests: { cpu: "1", memory: "2Gi" }, limits: { cpu: "4", memory: "8Gi", "ephemeral-storage": "20Gi" } },
            },
          ],
        },
      },
    },
  };
}

const lit = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
const litList = (items: readonly string[]) => `[${items.map(lit).join(", ")}]`;

/**
 * The admission policy of the build namespace: the one pod shape {@link builderJob} makes, nothing
 * else. Bound to {@link BUILD_NAMESPACE} only; the restricted policies stay on every other guarded namespace.
 */
export function imageBuildPolicy(builderImage: string): AdmissionPolicyDefinition {
  const sc = "object.spec.containers[0].securityContext";
  const c = "object.spec.containers[0]";
  const rule = (expression: string, message: string) => ({ expression, message, reason: "Forbidden" as const });
  return {
    name: "mlops-image-builds",
    description: `Pods in ${BUILD_NAMESPACE} are image builds only: one container of the pinned builder image, as ${BUILDER_SERVICE_ACCOUNT}, at the baseline profile without privilege, host access or extra capabilities.`,
    target: "pods",
    scope: "guarded",
    variables: [{ name: "builderImage", expression: lit(builderImage) }],
    validations: [
      rule(
        `has(object.spec.serviceAccountName) && object.spec.serviceAccountName == ${lit(BUILDER_SERVICE_ACCOUNT)}`,
        `build pods run as the ${BUILDER_SERVICE_ACCOUNT} service account only`,
      ),
      rule(
        "size(object.spec.containers) == 1 && !has(object.spec.initContainers) && !has(object.spec.ephemeralContainers)",
        "a build pod has exactly one container and no init or ephemeral containers",
      ),
      rule(`${c}.image == variables.builderImage`, `a build pod runs only the builder image ${builderImage}`),
      rule(
        `(!has(object.spec.hostNetwork) || !object.spec.hostNetwork) && (!has(object.spec.hostPID) || !object.spec.hostPID) && (!has(object.spec.hostIPC) || !object.spec.hostIPC)`,
        "host namespaces are not allowed",
      ),
      rule(
        "!has(object.spec.volumes) || object.spec.volumes.all(v, has(v.emptyDir) || has(v.projected) || has(v.secret) || has(v.configMap))",
        "build pods use only emptyDir, projected, secret and configMap volumes (no hostPath)",
      ),
      rule(`has(${c}.securityContext) && (!has(${sc}.privileged) || ${sc}.privileged == false)`, "privileged containers are not allowed"),
      rule(
        `has(${c}.securityContext) && has(${sc}.allowPrivilegeEscalation) && ${sc}.allowPrivilegeEscalation == false`,
        "the builder must set allowPrivilegeEscalation: false",
      ),
      rule(
        `has(${c}.securityContext) && has(${sc}.capabilities) && has(${sc}.capabilities.drop) && 'ALL' in ${sc}.capabilities.drop && (!has(${sc}.capabilities.add) || ${sc}.capabilities.add.all(x, x in ${litList(BUILDER_CAPABILITIES)}))`,
        `the builder drops ALL capabilities and adds at most ${BUILDER_CAPABILITIES.join(", ")}`,
      ),
      rule(
        `(has(${c}.securityContext) && has(${sc}.seccompProfile) && ${sc}.seccompProfile.type == 'RuntimeDefault') || (has(object.spec.securityContext) && has(object.spec.securityContext.seccompProfile) && object.spec.securityContext.seccompProfile.type == 'RuntimeDefault' && (!has(${c}.securityContext) || !has(${sc}.seccompProfile)))`,
        "the builder runs with the RuntimeDefault seccomp profile",
      ),
      rule(
        `(!has(${c}.securityContext) || !has(${sc}.appArmorProfile) || ${sc}.appArmorProfile.type != 'Unconfined') && (!has(object.spec.securityContext) || !has(object.spec.securityContext.appArmorProfile) || object.spec.securityContext.appArmorProfile.type != 'Unconfined') && (!has(object.metadata.annotations) || object.metadata.annotations.all(k, !k.startsWith('container.apparmor.security.beta.kubernetes.io/') || object.metadata.annotations[k] != 'unconfined'))`,
        "AppArmor may not be Unconfined",
      ),
      rule(`!has(${c}.ports) || ${c}.ports.all(p, !has(p.hostPort) || p.hostPort == 0)`, "host ports are not allowed"),
      rule(
        `has(${c}.resources) && has(${c}.resources.limits) && 'cpu' in ${c}.resources.limits && 'memory' in ${c}.resources.limits`,
        "the builder sets cpu and memory limits",
      ),
    ],
  };
}

/** The capability set the policy allows, checked against `baseline` (exported for tests). */
export const BUILDER_CAPABILITIES_WITHIN_BASELINE = BUILDER_CAPABILITIES.every((c) => BASELINE_CAPABILITIES.includes(c));

/**
 * The policy and its binding to the build namespace, as manifests. The binding denies in every
 * environment (`_environment` is accepted for symmetry): the exception exists only with its guard,
 * a development stack would otherwise admit any baseline pod there with a warning.
 */
export function imageBuildAdmissionManifests(builderImage: string, _environment: AdmissionEnvironment) {
  return admissionPolicyManifests([imageBuildPolicy(builderImage)], { guarded: [BUILD_NAMESPACE], teams: [], environment: "production" });
}
