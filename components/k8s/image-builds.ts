/**
 * In-cluster builds of a pushed commit's training image, in one narrow exception to the restricted
 * profile (decision recorded in docs/workflows.md, "Building the pushed commit").
 *
 * Rootless BuildKit needs seccomp and AppArmor `Unconfined`, which even the `baseline` Pod Security
 * Standard forbids. Kaniko runs as root with the container runtime's default capabilities and the
 * `RuntimeDefault` seccomp profile: that is `baseline`, never `privileged`. So builds run as
 * Kubernetes Jobs in their own namespace, `ml-builds`, enforced at `baseline`, and the platform's
 * admission policy `mlops-image-builds`, bound to that namespace only, admits exactly one shape of
 * pod there: one container, the builder image pinned by digest, the destination team's
 * `image-builder-<team>` service account (and on Azure only that team's registry secret),
 * `RuntimeDefault` seccomp, no privilege escalation, no capability beyond the ones Kaniko
 * needs to unpack and chown layers, no host namespace, port or path. Every other namespace keeps the
 * restricted rules, which refuse the builder (test/components/k8s/image-build-admission.test.ts).
 *
 * Pure: no Pulumi. The Job is created by the pipeline's `build-image` step, the policy by the
 * admission component.
 */
import { BUILD_NAMESPACE, BUILDER_CAPABILITIES, builderRegistrySecret, builderServiceAccount } from "../../workflows/steps/lib/image-build";
import { type AdmissionEnvironment, type AdmissionPolicyDefinition, admissionPolicyManifests } from "./admission-rules";
import { flows, type NetworkFlow } from "./namespace";
import type { CatalogueContext, PlatformServiceDescriptor } from "./service";

export {
  BUILD_LABEL,
  BUILD_NAMESPACE,
  BUILDER_CAPABILITIES,
  BUILDER_IMAGE,
  BUILDER_IMAGE_SETTING,
  type BuildRequest,
  builderIdentityKey,
  builderImageRef,
  builderJob,
  builderRegistrySecret,
  builderRegistryToken,
  builderServiceAccount,
  buildRequestProblems,
  builtImageRef,
} from "../../workflows/steps/lib/image-build";

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

/** What a build may read and write: the declared models' repositories and the stack registry. */
export interface ImageBuildScope {
  /** The stack's in-region registry host; builds push only to `<registryHost>/<team>/<model>`. */
  readonly registryHost: string;
  /** The declared models with a training repository (`models[]`): each may be built from its repository only. */
  readonly builds: readonly { readonly team: string; readonly model: string; readonly cloneUrl: string }[];
  /**
   * Azure: each team's build pod mounts its team's registry token secret ({@link builderRegistrySecret}),
   * and no other. AWS pushes with the team's IRSA role and mounts no secret.
   * @default false
   */
  readonly registrySecrets?: boolean;
}

/** The teams that own built models, sorted and unique. */
export function buildTeams(builds: ImageBuildScope["builds"]): string[] {
  return [...new Set(builds.map((b) => b.team))].sort();
}

/** The secrets a build pod of `team` may mount: its registry token's on Azure, none on AWS. */
export function teamBuildSecrets(scope: Pick<ImageBuildScope, "registrySecrets">, team: string): string[] {
  return scope.registrySecrets ? [builderRegistrySecret(team)] : [];
}

/** Flags the builder may be given; anything else (e.g. `--insecure`, `--registry-mirror`, `--skip-tls-verify`) is refused. */
const ALLOWED_FLAGS = ["--context=", "--dockerfile=", "--destination=", "--label=org.opencontainers.image."];
const EXACT_FLAGS = ["--digest-file=/dev/termination-log", "--reproducible", "--snapshot-mode=redo"];
const reEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

const lit = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
const litList = (items: readonly string[]) => `[${items.map(lit).join(", ")}]`;

/**
 * The admission policy of the build namespace: the one pod shape {@link builderJob} makes, nothing
 * else. Bound to {@link BUILD_NAMESPACE} only; the restricted policies stay on every other guarded namespace.
 */
export function imageBuildPolicy(builderImage: string, scope: ImageBuildScope): AdmissionPolicyDefinition {
  const pairs = scope.builds.map(
    (b) =>
      `{'destination': ${lit(`^--destination=${reEscape(`${scope.registryHost}/${b.team}/${b.model}`)}:[a-f0-9]{40}$`)}, 'context': ${lit(
        `^--context=git://${reEscape(b.cloneUrl.replace(/^https:\/\//, ""))}#refs/(heads|tags)/[A-Za-z0-9._/-]+#[a-f0-9]{40}$`,
      )}}`,
  );
  const teams = buildTeams(scope.builds);
  const allSecrets = teams.flatMap((t) => teamBuildSecrets(scope, t));
  const accounts = teams.map(builderServiceAccount);
  // One entry per team: the destinations of its models, its account and (Azure) its secret. All
  // values are strings: the API server type-checks literals as homogeneous.
  const teamEntries = teams.map((t) => {
    const models = scope.builds.filter((b) => b.team === t).map((b) => reEscape(b.model));
    const destination = `^--destination=${reEscape(`${scope.registryHost}/${t}`)}/(?:${models.join("|")}):[a-f0-9]{40}$`;
    const secret = scope.registrySecrets ? `, 'secret': ${lit(builderRegistrySecret(t))}` : "";
    return `{'destination': ${lit(destination)}, 'account': ${lit(builderServiceAccount(t))}${secret}}`;
  });
  const teamSecrets = scope.registrySecrets ? "[t.secret]" : "[]";
  const sc = "object.spec.containers[0].securityContext";
  const c = "object.spec.containers[0]";
  /** Every secret the pod references (volumes, projected volumes, env, envFrom) is in the CEL list `list`. */
  const secretsWithin = (list: string) =>
    `(!has(object.spec.volumes) || object.spec.volumes.all(v, (!has(v.secret) || (has(v.secret.secretName) && v.secret.secretName in ${list})) && (!has(v.projected) || !has(v.projected.sources) || v.projected.sources.all(s, !has(s.secret) || (has(s.secret.name) && s.secret.name in ${list}))))) && (!has(${c}.env) || ${c}.env.all(e, !has(e.valueFrom) || !has(e.valueFrom.secretKeyRef) || e.valueFrom.secretKeyRef.name in ${list})) && (!has(${c}.envFrom) || ${c}.envFrom.all(e, !has(e.secretRef) || e.secretRef.name in ${list}))`;
  const rule = (expression: string, message: string) => ({ expression, message, reason: "Forbidden" as const });
  return {
    name: "mlops-image-builds",
    description: `Pods in ${BUILD_NAMESPACE} are image builds only: one container of the pinned builder image, as the destination team's image-builder-<team> account with only that team's credential, at the baseline profile without privilege, host access or extra capabilities.`,
    target: "pods",
    scope: "guarded",
    variables: [{ name: "builderImage", expression: lit(builderImage) }],
    validations: [
      rule(
        `has(object.spec.serviceAccountName) && object.spec.serviceAccountName in ${litList(accounts)}`,
        `build pods run as a team's image-builder-<team> service account only (${accounts.join(", ")})`,
      ),
      // Kaniko's RUN steps read everything the pod holds: the credential must be the destination team's.
      rule(
        `[${teamEntries.join(", ")}].all(t, !has(${c}.args) || !${c}.args.exists(a, a.matches(t.destination)) || (has(object.spec.serviceAccountName) && object.spec.serviceAccountName == t.account && ${secretsWithin(teamSecrets)}))`,
        "a build pod runs as its destination team's image-builder-<team> account and holds only that team's registry secret",
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
      rule(`!has(${c}.command)`, "the builder runs its own entrypoint (no command override)"),
      rule(
        `has(${c}.args) && ${c}.args.all(a, a in ${litList(EXACT_FLAGS)} || ${litList(ALLOWED_FLAGS)}.exists(f, a.startsWith(f)))`,
        `the builder takes only the flags ${[...ALLOWED_FLAGS, ...EXACT_FLAGS].join(" ")}`,
      ),
      rule(
        `has(${c}.args) && ${c}.args.filter(a, a.startsWith('--destination=')).size() == 1 && ${c}.args.filter(a, a.startsWith('--context=')).size() == 1 && [${pairs.join(", ")}].exists(b, ${c}.args.exists(a, a.matches(b.destination)) && ${c}.args.exists(a, a.matches(b.context)))`,
        `a build pushes one <registry>/<team>/<model>:<commit> of a declared model, built from that model's repository at a commit sha`,
      ),
      rule(secretsWithin(litList(allSecrets)), `a build pod reads only the secrets ${allSecrets.join(", ") || "(none)"}`),
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
 * The policy and its binding to the build namespace, as manifests: Deny (and Audit) in production,
 * Warn and Audit in development, like every platform policy. Even where it only warns, the
 * namespace enforces `baseline` and no subject but the platform's build step may create Jobs there.
 */
export function imageBuildAdmissionManifests(builderImage: string, scope: ImageBuildScope, environment: AdmissionEnvironment) {
  return admissionPolicyManifests([imageBuildPolicy(builderImage, scope)], { guarded: [BUILD_NAMESPACE], teams: [], environment });
}

/** The git hosts of the declared models' repositories (`host[:port]`), sorted and unique. */
export function buildSourceHosts(builds: CatalogueContext["imageBuilds"] = []): string[] {
  return [...new Set(builds.map((b) => new URL(b.cloneUrl).host))].sort();
}

/**
 * What a build pod may reach: the declared models' git hosts (through the egress firewall) and the
 * stack registry (its private endpoint, among the cloud APIs), plus DNS. Nothing else: not the API
 * server, not MLflow, not the databases.
 */
export function buildEgress(ctx: CatalogueContext): NetworkFlow[] {
  const hosts = buildSourceHosts(ctx.imageBuilds);
  return [
    // The stack registry's private endpoint (and the identity token endpoints no private endpoint serves).
    flows.cloudApis(ctx.internet?.cloudApiHosts),
    ...(hosts.length ? [flows.internet("git hosts of the declared models' repositories (models[].training.repository)", hosts)] : []),
  ];
}

/**
 * Catalogue entry: the build namespace. Present only when a declared model trains from a
 * repository. No inbound flow; the `mlops-image-builds` admission policy admits only the builder's pod.
 */
export const imageBuildsService: PlatformServiceDescriptor = {
  key: "image-builds",
  namespace: {
    name: BUILD_NAMESPACE,
    podSecurity: "baseline",
    reason:
      "Kaniko builds the pushed commit's training image as root with CHOWN, DAC_OVERRIDE, FOWNER, FSETID, SETGID and SETUID (baseline, never privileged); the mlops-image-builds admission policy admits only the pinned builder, its arguments, and the destination team's service account and secret",
  },
  charts: [],
  ingress: () => [],
  egress: buildEgress,
  // Two builds at the builder's limits (4 CPU, 8 GiB each).
  quota: { cpu: 8, memoryGiB: 16 },
  enabled: (ctx) => (ctx.imageBuilds?.length ?? 0) > 0,
};
