/**
 * The build namespace's guard in the cluster: the `mlops-image-builds` admission policy and its
 * binding (Deny in production, Warn and Audit in development, like every platform policy), one
 * builder service account per team that owns built models (`image-builder-<team>`, carrying only
 * that team's cloud identity), and the one Role that may create build Jobs there, bound to the
 * platform-only `pipeline-deploy` account of `ml-pipelines` (the account a team's workflow cannot
 * run as; docs/workflows.md, "Building the pushed commit"). No other subject gets any right in
 * `ml-builds`: the Job controller creates the pods, the policy admits only the builder's shape.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { NAMESPACES } from "../../contracts/endpoints";
import { PIPELINE_SERVICE_ACCOUNTS, type WorkloadIdentityRef } from "../contracts";
import type { AdmissionEnvironment } from "./admission-rules";
import { BUILD_NAMESPACE, builderServiceAccount, buildTeams, type ImageBuildScope, imageBuildAdmissionManifests } from "./image-builds";

/** Arguments of {@link ImageBuildControl}. */
export interface ImageBuildControlArgs {
  readonly environment: AdmissionEnvironment;
  /** The builder image by digest, as pods pull it (through the stack registry's cache). */
  readonly builderImage: pulumi.Input<string>;
  readonly registryHost: pulumi.Input<string>;
  readonly builds: ImageBuildScope["builds"];
  /**
   * Each team's builder cloud identity by team (AWS: its IRSA role, push to that team's built
   * models' repositories only); its annotations go on that team's builder service account.
   * @default {} (no builder has a cloud identity)
   */
  readonly identities?: Readonly<Record<string, WorkloadIdentityRef>>;
  /**
   * Azure: each team's build pod mounts its team's registry token secret
   * (`image-builder-registry-<team>`, created by the operator) and no other; AWS mounts none.
   * @default false
   */
  readonly registrySecrets?: boolean;
  /** The build namespace must exist first. */
  readonly dependsOn: readonly pulumi.Resource[];
}

/** The subject that may launch builds: the platform-only deploy account of the platform pipeline namespace. */
export const BUILD_LAUNCHER = { namespace: NAMESPACES.pipelines, serviceAccount: PIPELINE_SERVICE_ACCOUNTS.deploy } as const;

/** RBAC rules of the launcher in the build namespace: its Jobs, and reading their pods' status. */
export const BUILD_LAUNCHER_RULES = [
  { apiGroups: ["batch"], resources: ["jobs"], verbs: ["create", "get", "list", "watch", "delete"] },
  { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] },
] as const;

export class ImageBuildControl extends pulumi.ComponentResource {
  constructor(name: string, args: ImageBuildControlArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops-platform:k8s:ImageBuildControl", name, {}, opts);
    const child = { parent: this, dependsOn: [...args.dependsOn] };
    const manifests = (image: string, host: string) =>
      imageBuildAdmissionManifests(
        image,
        { registryHost: host, builds: args.builds, registrySecrets: args.registrySecrets ?? false },
        args.environment,
      );
    const shape = manifests("registry.example/builder@sha256:0", "registry.example");
    const resolved = pulumi.all([args.builderImage, args.registryHost]).apply(([image, host]) => manifests(image, host));
    const policy = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(
      `${name}-policy`,
      {
        metadata: shape.policies[0]?.metadata as k8s.types.input.meta.v1.ObjectMeta,
        spec: resolved.apply((r) => r.policies[0]?.spec as k8s.types.input.admissionregistration.v1.ValidatingAdmissionPolicySpec),
      },
      child,
    );
    for (const b of shape.bindings)
      new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(
        `${name}-binding`,
        {
          metadata: b.metadata as k8s.types.input.meta.v1.ObjectMeta,
          spec: b.spec as k8s.types.input.admissionregistration.v1.ValidatingAdmissionPolicyBindingSpec,
        },
        { parent: this, dependsOn: [policy] },
      );
    for (const team of buildTeams(args.builds)) {
      const identity = args.identities?.[team];
      new k8s.core.v1.ServiceAccount(
        `${name}-builder-${team}`,
        {
          metadata: {
            name: builderServiceAccount(team),
            namespace: BUILD_NAMESPACE,
            ...(identity ? { annotations: identity.serviceAccountAnnotations } : {}),
          },
          automountServiceAccountToken: false,
        },
        child,
      );
    }
    const rbac = "rbac.authorization.k8s.io";
    new k8s.rbac.v1.Role(
      `${name}-launcher`,
      {
        metadata: { name: "image-build-launcher", namespace: BUILD_NAMESPACE },
        rules: BUILD_LAUNCHER_RULES.map((r) => ({ apiGroups: [...r.apiGroups], resources: [...r.resources], verbs: [...r.verbs] })),
      },
      child,
    );
    new k8s.rbac.v1.RoleBinding(
      `${name}-launcher`,
      {
        metadata: { name: "image-build-launcher", namespace: BUILD_NAMESPACE },
        roleRef: { apiGroup: rbac, kind: "Role", name: "image-build-launcher" },
        subjects: [{ kind: "ServiceAccount", name: BUILD_LAUNCHER.serviceAccount, namespace: BUILD_LAUNCHER.namespace }],
      },
      child,
    );
    this.registerOutputs({});
  }
}
