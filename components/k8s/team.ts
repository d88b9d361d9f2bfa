/**
 * A tenant team: its namespace with the baseline and its GPU/CPU/memory quota, RBAC bound to
 * the team's identity-provider groups (kubectl and the Argo UI through SSO namespace
 * delegation), and the pipeline service accounts bound to the team's workload identity, whose
 * grants stop at the team's bucket prefixes. Only what must be per team: the team runs the
 * platform's templates from their cluster-wide copies and its roles are cluster-wide, so the
 * plan stays nearly flat as teams grow.
 */

import * as pulumi from "@pulumi/pulumi";
import { type PipelineIdentityRefs, teamNamespace } from "../contracts";
import { ArgsCheck } from "../validate";
import { APPROVER_ACCOUNT } from "./admission-rules";
import { approverAccount } from "./approvers";
import { ARGO_CLUSTER_ROLES, type ArgoWorkflows, type ArtifactStore, groupRule, pipelineNamespaceResources } from "./argo-workflows";
import { flows, type NetworkFlow, PlatformNamespace } from "./namespace";
import * as k8s from "./sdk";

/** The Argo SSO account approvers of a team's production promotions are mapped onto (admission names it too). */
export const TEAM_APPROVER_ACCOUNT = APPROVER_ACCOUNT;

/** A team (from `cfg.teams`). */
export interface TeamSpec {
  readonly name: string;
  readonly groups: readonly string[];
  readonly gpuQuota: number;
  readonly cpuQuota: number;
  readonly memoryQuotaGiB: number;
  /** Groups whose members approve this team's production promotions. @default [] */
  readonly approverGroups?: readonly string[];
  /** Entra object ids of the team's groups (AKS names groups by object id); bound like `groups`. @default [] */
  readonly entraGroupIds?: readonly string[];
}

/** Arguments of {@link Team}. */
export interface TeamArgs {
  readonly team: TeamSpec;
  /**
   * GPUs the namespace's ResourceQuota allows. With the GPU queue (Kueue) the team's `gpuQuota` is
   * its nominal quota in the queue and the team may borrow idle GPUs above it, so the namespace
   * quota is the GPU pools' capacity, not `gpuQuota` (a ResourceQuota refuses a pod; a queue waits).
   * @default team.gpuQuota — the namespace quota is the team's quota (no borrowing)
   */
  readonly gpuCeiling?: number;
  /** The team's workload identities (`team-<name>`, `team-<name>-train`, `team-<name>-release`). */
  readonly identities: PipelineIdentityRefs;
  /** Platform-wide approvers, who approve this team's production promotions too. @default [] */
  readonly platformApproverGroups?: readonly string[];
  readonly artifactStore: ArtifactStore;
  readonly artifactPrefix: string;
  readonly argo: ArgoWorkflows;
  /** Flows every pipeline namespace needs (API server, MLflow, Feast, cloud APIs, …). */
  readonly ingress: readonly NetworkFlow[];
  readonly egress: readonly NetworkFlow[];
  /** Keep the namespace on delete (protected stacks). @default false */
  readonly retainOnDelete?: boolean;
  /** The trusted settings ConfigMap of the namespace. */
  readonly settings?: { readonly name: string; readonly data: pulumi.Input<Record<string, pulumi.Input<string>>> };
}

/** Problems with a team (empty when valid). */
export function teamProblems(team: TeamSpec): string[] {
  const p: string[] = [];
  if (!/^[a-z]([a-z0-9-]{0,28}[a-z0-9])?$/.test(team.name))
    p.push(`team.name: "${team.name}" must be a lowercase DNS label of 1-30 characters`);
  if (team.groups.length === 0) p.push(`team.groups: [] — team "${team.name}" needs at least one identity-provider group`);
  if (!Number.isInteger(team.gpuQuota) || team.gpuQuota < 0) p.push(`team.gpuQuota: ${team.gpuQuota} must be an integer ≥ 0`);
  if (!(team.cpuQuota > 0)) p.push(`team.cpuQuota: ${team.cpuQuota} must be above 0`);
  if (!(team.memoryQuotaGiB > 0)) p.push(`team.memoryQuotaGiB: ${team.memoryQuotaGiB} must be above 0`);
  return p;
}

/** One tenant team. */
export class Team extends pulumi.ComponentResource {
  public readonly namespace: string;

  constructor(name: string, args: TeamArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops-platform:k8s:Team", name, {}, opts);
    new ArgsCheck("mlops-platform:k8s:Team", name).problems(teamProblems(args.team)).done();
    const nsName = teamNamespace(args.team.name);
    // On AKS a person's groups are Entra object ids: bind those alongside the configured names.
    const memberGroups = [...new Set([...args.team.groups, ...(args.team.entraGroupIds ?? [])])];
    const approverGroups = [...new Set([...(args.team.approverGroups ?? []), ...(args.platformApproverGroups ?? [])])];
    const ns = new PlatformNamespace(
      `${name}-ns`,
      {
        name: nsName,
        labels: { "mlops.platform/team": args.team.name, "mlops.platform/pipelines": "true" },
        quota: {
          cpu: args.team.cpuQuota,
          memoryGiB: args.team.memoryQuotaGiB,
          gpu: Math.max(args.team.gpuQuota, args.gpuCeiling ?? 0),
          pods: 100,
        },
        ingress: args.ingress,
        egress: args.egress,
        retainOnDelete: args.retainOnDelete === true,
      },
      { parent: this },
    );
    this.namespace = ns.name;

    // Argo SSO maps the team's groups onto this account when a member opens the team namespace.
    const sa = new k8s.core.v1.ServiceAccount(
      `${name}-argo-sso`,
      {
        metadata: {
          name: "argo-sso-team",
          namespace: ns.name,
          annotations: {
            "workflows.argoproj.io/rbac-rule": groupRule(memberGroups),
            "workflows.argoproj.io/rbac-rule-precedence": "5",
          },
        },
        automountServiceAccountToken: false,
      },
      { parent: this, dependsOn: [ns.namespace] },
    );
    new k8s.core.v1.Secret(
      `${name}-argo-sso-token`,
      {
        metadata: {
          name: "argo-sso-team.service-account-token",
          namespace: ns.name,
          annotations: { "kubernetes.io/service-account.name": "argo-sso-team" },
        },
        type: "kubernetes.io/service-account-token",
      },
      { parent: this, dependsOn: [ns.namespace, sa] },
    );
    new k8s.rbac.v1.RoleBinding(
      `${name}-members`,
      {
        metadata: { name: "team-members", namespace: ns.name },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: ARGO_CLUSTER_ROLES.team },
        subjects: [
          ...memberGroups.map((g) => ({ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: g })),
          { kind: "ServiceAccount", name: "argo-sso-team", namespace: nsName },
          ...(approverGroups.length ? [{ kind: "ServiceAccount", name: TEAM_APPROVER_ACCOUNT, namespace: nsName }] : []),
        ],
      },
      { parent: this, dependsOn: [ns.namespace] },
    );
    // Approvers sign in through SSO like members; Argo maps them onto their own account (higher
    // precedence), so the audit log tells an approval from a member's action, and Argo labels the
    // workflow with the approving person, which promotion records (workflows/steps/promote.ts).
    if (approverGroups.length) approverAccount(name, { namespace: ns.name, groups: approverGroups, dependsOn: [ns.namespace] }, this);
    pipelineNamespaceResources(
      `${name}-pipelines`,
      {
        namespace: ns.name,
        namespaceName: nsName,
        identities: args.identities,
        artifactStore: args.artifactStore,
        artifactPrefix: args.artifactPrefix,
        workflowManifests: [],
        install: "none",
        argo: args.argo,
        ...(args.settings ? { settings: args.settings } : {}),
        dependsOn: [ns.namespace],
      },
      this,
    );
    this.registerOutputs({ namespace: this.namespace });
  }
}

/** The inbound flows of every team namespace (Prometheus only); its NetworkPolicies and AuthorizationPolicies are made of them. */
export function teamIngressFlows(): NetworkFlow[] {
  return [flows.scrape()];
}
