/**
 * The image build of a pushed commit, shared by the platform (components/k8s/image-builds.ts: the
 * admission policy admits exactly this Job's pod) and the `build-image` step (which creates it).
 * Kaniko runs as root with a few baseline capabilities in the `ml-builds` namespace; see
 * docs/workflows.md, "Building the pushed commit". Pure: no I/O.
 */

/** The namespace where image builds run (Pod Security `baseline`). */
export const BUILD_NAMESPACE = "ml-builds";
/**
 * The settings key (in `ml-pipelines`' `mlops-pipeline-settings` ConfigMap) of the builder image the
 * `build-image` step runs: the pinned builder as the stack registry serves it, by digest.
 */
export const BUILDER_IMAGE_SETTING = "PLATFORM_BUILDER_IMAGE";
/**
 * One builder identity per team that owns built models. Kaniko runs a Dockerfile's `RUN` steps in
 * its own container, without isolation, so a `RUN` step reads whatever the build pod holds: the
 * mounted registry token (Azure), the projected web-identity token (AWS). Each team's build pod
 * therefore holds only its team's credential, which reaches only that team's `<team>/<model>`
 * repositories; the admission policy ties the pod's account and secret to the destination's team.
 */
/** Key of a team's builder cloud workload identity (AWS: push to that team's built models' repositories only). */
export function builderIdentityKey(team: string): string {
  return `builder-${team}`;
}
/** The only service account a team's build pod may run as (its identity may push to that team's repositories). */
export function builderServiceAccount(team: string): string {
  return `image-builder-${team}`;
}
/**
 * Azure: the Kubernetes secret (in {@link BUILD_NAMESPACE}) holding the docker config of the team's
 * registry token {@link builderRegistryToken}, mounted as Kaniko's `/kaniko/.docker/config.json`;
 * the only secret the team's build pod may mount. On AWS the team's IRSA role pushes, and no secret is mounted.
 */
export function builderRegistrySecret(team: string): string {
  return `image-builder-registry-${team}`;
}
/** Azure: the team's ACR token (and scope map), limited to that team's built models' repositories. */
export function builderRegistryToken(team: string): string {
  return `image-builder-${team}`;
}
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
  /**
   * Push with the team's registry token's docker config in {@link builderRegistrySecret} (Azure)
   * rather than the pod's workload identity (AWS: the team's IRSA role, through Kaniko's ECR credential helper).
   * @default false
   */
  readonly registrySecret?: boolean;
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
          serviceAccountName: builderServiceAccount(r.team),
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
              // Kaniko reads registry credentials from $DOCKER_CONFIG/config.json (/kaniko/.docker).
              ...(r.registrySecret ? { volumeMounts: [{ name: "registry-auth", mountPath: "/kaniko/.docker", readOnly: true }] } : {}),
            },
          ],
          ...(r.registrySecret
            ? {
                volumes: [
                  {
                    name: "registry-auth",
                    secret: { secretName: builderRegistrySecret(r.team), items: [{ key: ".dockerconfigjson", path: "config.json" }] },
                  },
                ],
              }
            : {}),
        },
      },
    },
  };
}
