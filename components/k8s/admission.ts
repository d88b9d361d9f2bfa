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
  /** The platform pipeline namespace's own accounts (each model's drift account). @default none */
  readonly platformPipeline?: AdmissionRuleSettings["platformPipeline"];
  /** Resources the policies wait for (the namespaces, the Argo CRDs). */
  readonly dependsOn?: readonly pulumi.Resource[];
}

/** Problems with the args that are known before deployment (empty when valid). */
export function admissionControlProblems(args: AdmissionControlArgs): string[] {
  const p: string[] = [];
  if (args.environment !== "development" && args.environment !== "production")
    p.push(`environment: "${String(args.environment)}" must be "development" or "production"`);
  if (args.guardedNamespaces.length === 0) p.push("guardedNamespaces: [] must list the pipeline, team and serving namespaces");
  for (const t of args.teamNamespaces)
    if (!args.guardedNamespaces.includes(t)) p.push(`teamNamespaces: "${t}" is not in guardedNamespaces; add it there too`);
  if (!args.guardedNamespaces.includes(args.serving.namespace))
    p.push(`serving.namespace: "${args.serving.namespace}" is not in guardedNamespaces`);
  if (args.platformPipeline !== undefined && !args.guardedNamespaces.includes(args.platformPipeline.namespace))
    p.push(`platformPipeline.namespace: "${args.platformPipeline.namespace}" is not in guardedNamespaces`);
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
      ...(args.platformPipeline ? { platformPipeline: args.platformPipeline } : {}),
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
    const settings = (registryHosts: string[], platformImages: string[]): AdmissionRuleSettings => ({
      registryHosts,
      platformImages,
      requireDigest: args.environment === "production",
      pipelineServiceAccounts: args.pipelineServiceAccounts,
      platformOnlyServiceAccounts: args.platformOnlyServiceAccounts,
      serving: args.serving,
      ...(args.platformPipeline ? { platformPipeline: args.platformPipeline } : {}),
    });
    const bind = { guarded: args.guardedNamespaces, teams: args.teamNamespaces, environment: args.environment };
    const shape = admissionPolicyManifests(admissionPolicies(settings(["registry.example"], [])), bind);
    const resolved = pulumi
      .all([pulumi.all([...args.registryHosts]), pulumi.all([...args.platformImages])])
      .apply(([hosts, images]) => admissionPolicyManifests(admissionPolicies(settings(hosts, images)), bind));

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
  /** The platform pipeline namespace's own accounts (each model's drift account). @default none */
  readonly platformPipeline?: AdmissionRuleSettings["platformPipeline"];
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
    ...(p.platformPipeline && p.platformPipeline.serviceAccounts.length > 0 ? { platformPipeline: p.platformPipeline } : {}),
    dependsOn: p.dependsOn,
  };
}
