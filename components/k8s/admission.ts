/**
 * In-cluster admission control for the team, pipeline and serving namespaces: Kubernetes'
 * native ValidatingAdmissionPolicy (GA since 1.30; CEL evaluated in the API server, no webhook
 * whose outage would block the cluster). The rules are in `./admission-rules.ts`, shared with
 * `npm run workflows:lint`; this component installs them and binds them to the guarded namespaces
 * by their immutable `kubernetes.io/metadata.name` label, warning and auditing in development and
 * denying in production.
 */

import * as pulumi from "@pulumi/pulumi";
import { ArgsCheck } from "../validate";
import {
  type AdmissionEnvironment,
  type AdmissionRuleSettings,
  admissionPolicies,
  admissionPolicyManifests,
  admissionSettingsProblems,
  type NamespaceAccount,
} from "./admission-rules";
import * as k8s from "./sdk";

/** Arguments of {@link AdmissionControl}. */
export interface AdmissionControlArgs {
  /** `production` denies; `development` warns and audits (the stack's environment). */
  readonly environment: AdmissionEnvironment;
  /** The stack's in-region registry host(s) (from the cloud layer). */
  readonly registryHosts: readonly pulumi.Input<string>[];
  /** Exact references of the images the platform runs itself (Argo executor, pipeline steps, MLflow/serving). */
  readonly platformImages: readonly pulumi.Input<string>[];
  /** Every namespace the pod policies guard (pipeline namespaces, team namespaces, serving). */
  readonly guardedNamespaces: readonly string[];
  /** The team namespaces (the workflow-identity policy guards only these). */
  readonly teamNamespaces: readonly string[];
  readonly pipelineServiceAccounts: readonly string[];
  readonly platformOnlyServiceAccounts: readonly string[];
  readonly serving: AdmissionRuleSettings["serving"];
  /**
   * Accounts of one pipeline namespace with the images only they run there (the Feast image of
   * `ml-pipelines`' `feature-apply` account).
   * @default []
   */
  readonly namespaceAccounts?: readonly AccountImagesInput[];
  /** Resources the policies wait for (the namespaces, the Argo CRDs). */
  readonly dependsOn?: readonly pulumi.Resource[];
}

/** A {@link NamespaceAccount} whose images may be outputs (the cached pin). */
export interface AccountImagesInput {
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly images: readonly pulumi.Input<string>[];
  /** Repositories whose images (by digest) only this account runs in its namespace (a built model's `train-<model>`). @default [] */
  readonly imageRepositories?: readonly pulumi.Input<string>[];
}

/** Problems with the args that are known before deployment (empty when valid). */
export function admissionControlProblems(args: AdmissionControlArgs): string[] {
  const p: string[] = [];
  if (args.environment !== "development" && args.environment !== "production")
    p.push(`environment: "${String(args.environment)}" must be "development" or "production"`);
  if (args.guardedNamespaces.length === 0) p.push("guardedNamespaces: [] must list the pipeline, team and serving namespaces");
  for (const a of args.namespaceAccounts ?? [])
    if (!args.guardedNamespaces.includes(a.namespace) || args.teamNamespaces.includes(a.namespace))
      p.push(`namespaceAccounts: "${a.namespace}" must be a guarded pipeline namespace that is not a team's`);
  for (const t of args.teamNamespaces)
    if (!args.guardedNamespaces.includes(t)) p.push(`teamNamespaces: "${t}" is not in guardedNamespaces; add it there too`);
  if (!args.guardedNamespaces.includes(args.serving.namespace))
    p.push(`serving.namespace: "${args.serving.namespace}" is not in guardedNamespaces`);
  if (args.registryHosts.length === 0) p.push("registryHosts: [] must name the stack's registry");
  // The plain-string settings are checked now; registry hosts and images that are outputs are checked when known.
  const known = {
    registryHosts: args.registryHosts.filter((h): h is string => typeof h === "string"),
    platformImages: args.platformImages.filter((i): i is string => typeof i === "string"),
  };
  p.push(
    ...admissionSettingsProblems({
      registryHosts: known.registryHosts.length ? known.registryHosts : ["placeholder.example"],
      platformImages: known.platformImages,
      requireDigest: args.environment === "production",
      // Whether the platform's pins are in the registry is known only with the registry host.
      registryOnly: args.environment === "production" && known.registryHosts.length === args.registryHosts.length,
      pipelineServiceAccounts: args.pipelineServiceAccounts,
      platformOnlyServiceAccounts: args.platformOnlyServiceAccounts,
      serving: args.serving,
      namespaceAccounts: (args.namespaceAccounts ?? []).map((a) => ({
        ...a,
        images: a.images.filter((i): i is string => typeof i === "string"),
        // Repositories named by an output are checked when known (they start with the registry host).
        imageRepositories:
          known.registryHosts.length === args.registryHosts.length
            ? (a.imageRepositories ?? []).filter((r): r is string => typeof r === "string")
            : [],
      })),
    }),
  );
  return p;
}

/** The ValidatingAdmissionPolicies and their bindings. */
export class AdmissionControl extends pulumi.ComponentResource {
  /** Names of the policies (each has a binding of the same name). */
  public readonly policyNames: string[];

  constructor(name: string, args: AdmissionControlArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops-platform:k8s:AdmissionControl", name, {}, opts);
    new ArgsCheck("mlops-platform:k8s:AdmissionControl", name).problems(admissionControlProblems(args)).done();

    // Build once with stand-ins to learn the names and shapes (known in a preview), then again
    // with the resolved registry host and images for the expressions.
    const settings = (registryHosts: string[], platformImages: string[], namespaceAccounts: NamespaceAccount[]): AdmissionRuleSettings => ({
      registryHosts,
      platformImages,
      requireDigest: args.environment === "production",
      pipelineServiceAccounts: args.pipelineServiceAccounts,
      platformOnlyServiceAccounts: args.platformOnlyServiceAccounts,
      serving: args.serving,
      namespaceAccounts,
    });
    const bind = { guarded: args.guardedNamespaces, teams: args.teamNamespaces, environment: args.environment };
    const accounts = args.namespaceAccounts ?? [];
    const shape = admissionPolicyManifests(
      admissionPolicies(
        settings(
          ["registry.example"],
          [],
          accounts.map((a, i) => ({
            namespace: a.namespace,
            serviceAccount: a.serviceAccount,
            images: [],
            imageRepositories: (a.imageRepositories ?? []).map((_r, j) => `registry.example/stand-in/a${i}r${j}`),
          })),
        ),
      ),
      bind,
    );
    const resolvedAccounts = pulumi.all(
      accounts.map((a) =>
        pulumi.all([pulumi.all([...a.images]), pulumi.all([...(a.imageRepositories ?? [])])]).apply(([images, imageRepositories]) => ({
          namespace: a.namespace,
          serviceAccount: a.serviceAccount,
          images,
          imageRepositories,
        })),
      ),
    );
    const resolved = pulumi
      .all([pulumi.all([...args.registryHosts]), pulumi.all([...args.platformImages]), resolvedAccounts])
      .apply(([hosts, images, namespaceAccounts]) =>
        admissionPolicyManifests(admissionPolicies(settings(hosts, images, namespaceAccounts)), bind),
      );

    this.policyNames = shape.policies.map((p) => (p.metadata as { name: string }).name);
    const policies = shape.policies.map((p, i) => {
      const policyName = (p.metadata as { name: string }).name;
      return new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(
        `${name}-${policyName}`,
        {
          metadata: p.metadata as k8s.types.input.meta.v1.ObjectMeta,
          spec: resolved.apply((r) => r.policies[i]?.spec as k8s.types.input.admissionregistration.v1.ValidatingAdmissionPolicySpec),
        },
        { parent: this, dependsOn: [...(args.dependsOn ?? [])] },
      );
    });
    for (const b of shape.bindings) {
      const bindingName = (b.metadata as { name: string }).name;
      const policy = policies[this.policyNames.indexOf(bindingName)];
      new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(
        `${name}-${bindingName}`,
        {
          metadata: b.metadata as k8s.types.input.meta.v1.ObjectMeta,
          spec: b.spec as k8s.types.input.admissionregistration.v1.ValidatingAdmissionPolicyBindingSpec,
        },
        { parent: this, dependsOn: policy ? [policy] : [] },
      );
    }
    this.registerOutputs({ policyNames: this.policyNames });
  }
}

/** What {@link platformAdmissionArgs} needs from the platform services. */
export interface PlatformAdmissionInput {
  readonly environment: AdmissionEnvironment;
  /** The stack's in-region registry host (cloud layer). */
  readonly registryHost: pulumi.Input<string>;
  /** Exact references of the images the platform runs itself. */
  readonly platformImages: readonly pulumi.Input<string>[];
  readonly pipelineNamespaces: readonly string[];
  readonly teamNamespaces: readonly string[];
  readonly serving: AdmissionRuleSettings["serving"];
  readonly pipelineServiceAccounts: readonly string[];
  readonly platformOnlyServiceAccounts: readonly string[];
  /** @default [] */
  readonly namespaceAccounts?: readonly AccountImagesInput[];
  readonly dependsOn: readonly pulumi.Resource[];
}

/** The admission arguments of the platform: every pipeline and team namespace and the serving namespace are guarded. */
export function platformAdmissionArgs(p: PlatformAdmissionInput): AdmissionControlArgs {
  return {
    environment: p.environment,
    registryHosts: [p.registryHost],
    platformImages: p.platformImages,
    guardedNamespaces: [...new Set([...p.pipelineNamespaces, ...p.teamNamespaces, p.serving.namespace])],
    teamNamespaces: p.teamNamespaces,
    pipelineServiceAccounts: p.pipelineServiceAccounts,
    platformOnlyServiceAccounts: p.platformOnlyServiceAccounts,
    serving: p.serving,
    ...(p.namespaceAccounts ? { namespaceAccounts: p.namespaceAccounts } : {}),
    dependsOn: p.dependsOn,
  };
}
