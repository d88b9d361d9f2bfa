/**
 * Argo Workflows: the controller and server (Helm), SSO through the configured OIDC issuer with
 * RBAC mapped from identity-provider groups, the workflow archive in PostgreSQL over TLS, and per
 * pipeline namespace the step service accounts, their least RBAC, the artifact repository (the
 * encrypted bucket through workload identity, prefix per namespace) and the WorkflowTemplates.
 */

import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { FEAST_SERVICE, MLFLOW_GATE_SERVICE, NAMESPACES, PIPELINE_NAMESPACE_LABEL } from "../../contracts/endpoints";
import { CHARTS, IMAGES } from "../../contracts/versions";
import { FEATURE_APPLY_POD_LABELS } from "../../workflows/steps/lib/feature-repo";
import {
  type CloudName,
  type DatabaseRef,
  PIPELINE_ACCOUNT_IDENTITY,
  PIPELINE_SERVICE_ACCOUNTS,
  type PipelineAccount,
  type PipelineIdentityRefs,
  type WorkloadIdentityRef,
} from "../contracts";
import { ArgsCheck } from "../validate";
import { helmRelease } from "./helm";
import { type ImageCacheInput, partsViaCache, viaCache } from "./image-cache";
import { flows, type NetworkFlow } from "./namespace";
import * as k8s from "./sdk";
import { resources, restrictedContainerSecurityContext, restrictedPodSecurityContext, secretStringData } from "./security";
import type { CatalogueContext, PlatformServiceDescriptor } from "./service";
import { oidcClientSecret, type SsoSettings } from "./sso";

/** Service-account names of the Argo server and controller (bound to the `argo-workflows` identity). */
export const ARGO_SERVICE_ACCOUNTS = { server: "argo-server", controller: "argo-workflow-controller" } as const;

/** ClusterRoles the platform defines for Argo access (bound per namespace or cluster-wide). */
export const ARGO_CLUSTER_ROLES = {
  admin: "mlops-argo-admin",
  viewer: "mlops-argo-viewer",
  /** A team's rights in its own namespace: run and manage workflows, read logs. */
  team: "mlops-argo-team",
  /**
   * The platform namespace's approvers (components/k8s/approvers.ts): read workflows and write
   * the resume or stop that Argo's server sends for them (an update or a merge patch); no create.
   */
  approver: "mlops-argo-approver",
  /** What the executor of every step needs (report results). */
  executor: "mlops-pipeline-executor",
  /** Promotion: patch the serving Rollouts. */
  deployer: "mlops-pipeline-deployer",
  /** Submit the training pipeline (Argo Events sensor) and read workflows. */
  submitter: "mlops-workflow-submitter",
  /**
   * The `pipeline-deploy` step account in its own namespace: `get` workflows (a production promotion
   * checks that its approval node was resumed) and `create` workflows (retraining submits a run). Nothing else.
   */
  deployWorkflows: "mlops-pipeline-deploy-workflows",
  /** Read the platform's ClusterWorkflowTemplates (cluster-scoped, so bound cluster-wide; read only). */
  templateReader: "mlops-cluster-template-reader",
} as const;

/** Kinds of Argo Workflows objects the component installs from `workflows/`. */
export const WORKFLOW_KINDS = ["WorkflowTemplate", "CronWorkflow", "ClusterWorkflowTemplate", "WorkflowEventBinding"] as const;

/** Where the artifact repository lives. */
export type ArtifactStore =
  | { readonly cloud: "aws"; readonly bucket: pulumi.Input<string>; readonly region: string; readonly endpoint: pulumi.Input<string> }
  | {
      readonly cloud: "azure";
      readonly container: pulumi.Input<string>;
      readonly accountName: pulumi.Input<string>;
      readonly endpoint: pulumi.Input<string>;
    };

/**
 * The `artifact-repositories` ConfigMap data of a pipeline namespace: the encrypted bucket,
 * reached with the pod's workload identity (`useSDKCreds`, no keys), under `prefix`.
 */
export function artifactRepositoryConfig(
  store: { cloud: CloudName; bucket?: string; container?: string; accountName?: string; region?: string; endpoint: string },
  prefix: string,
): string {
  const keyFormat = `${prefix}{{workflow.creationTimestamp.Y}}/{{workflow.creationTimestamp.m}}/{{workflow.creationTimestamp.d}}/{{workflow.name}}/{{pod.name}}`;
  const repo =
    store.cloud === "aws"
      ? {
          archiveLogs: true,
          s3: {
            bucket: store.bucket,
            endpoint: store.endpoint,
            region: store.region,
            insecure: false,
            useSDKCreds: true,
            keyFormat,
            encryptionOptions: { enableEncryption: true },
          },
        }
      : {
          archiveLogs: true,
          azure: {
            endpoint: store.endpoint.startsWith("https://") ? store.endpoint : `https://${store.endpoint}`,
            container: store.container,
            useSDKCreds: true,
            blobNameFormat: keyFormat,
          },
        };
  return stringify(repo);
}

/** Arguments of {@link ArgoWorkflows}. */
export interface ArgoWorkflowsArgs {
  /**
   * The stack registry's pull-through cache: every image of this component comes through it.
   * @default none (images from their upstream registries)
   */
  readonly imageCache?: ImageCacheInput;
  readonly namespace: pulumi.Input<string>;
  /** Namespaces where workflows run (`ml-pipelines` and the team namespaces). */
  readonly pipelineNamespaces: readonly string[];
  /** The workflow archive database (PostgreSQL, TLS). */
  readonly database: DatabaseRef;
  readonly sso: SsoSettings;
  /** Host name of the UI behind the internal ingress. */
  readonly host: string;
  readonly replicas: number;
  /** The `argo-workflows` workload identity (server + controller service accounts). */
  readonly identity: WorkloadIdentityRef;
  /** Days the archive keeps workflows. */
  readonly archiveTtlDays: number;
  readonly dependsOn: readonly pulumi.Resource[];
}

/** Problems with the args (empty when valid). */
export function argoWorkflowsProblems(args: ArgoWorkflowsArgs): string[] {
  const p: string[] = [];
  if (args.database.sslMode !== "require" && args.database.sslMode !== "verify-full") {
    p.push(
      `database.sslMode: "${String(args.database.sslMode)}" must be "require" or "verify-full": the archive never connects without TLS`,
    );
  }
  if (args.pipelineNamespaces.length === 0) p.push("pipelineNamespaces: [] must list at least the ml-pipelines namespace");
  if (!Number.isInteger(args.replicas) || args.replicas < 1) p.push(`replicas: ${args.replicas} must be an integer ≥ 1`);
  if (!(args.archiveTtlDays >= 1)) p.push(`archiveTtlDays: ${args.archiveTtlDays} must be at least 1`);
  return p;
}

/** The Helm values of the Argo Workflows chart (exported for tests). */
export function argoWorkflowsValues(
  args: ArgoWorkflowsArgs,
  secrets: { database: pulumi.Input<string>; oidc: pulumi.Input<string> },
): Record<string, unknown> {
  const sc = restrictedContainerSecurityContext(8737);
  const pod = restrictedPodSecurityContext(8737);
  const img = (i: { repository: string; tag: string }) => ({ ...partsViaCache(args.imageCache, i.repository), tag: i.tag });
  return {
    crds: {
      install: true,
      keep: true,
      full: true,
      upgradeJob: { image: { repository: viaCache(args.imageCache, IMAGES.kubectl.repository), tag: IMAGES.kubectl.tag } },
    },
    images: { pullPolicy: "IfNotPresent" },
    singleNamespace: false,
    // Step service accounts and their RBAC are the platform's, not the chart's defaults.
    workflow: { serviceAccount: { create: false }, rbac: { create: false } },
    useStaticCredentials: false,
    controller: {
      image: img(IMAGES.argoWorkflowController),
      replicas: Math.min(args.replicas, 2),
      workflowNamespaces: [...args.pipelineNamespaces],
      rbac: { create: true, accessAllSecrets: false, writeConfigMaps: false, secretWhitelist: [] },
      serviceAccount: { create: true, name: ARGO_SERVICE_ACCOUNTS.controller, annotations: { ...args.identity.serviceAccountAnnotations } },
      podLabels: { ...args.identity.podLabels },
      podSecurityContext: pod,
      securityContext: sc,
      resources: resources("medium"),
      metricsConfig: { enabled: true },
      serviceMonitor: { enabled: true },
      persistence: {
        archive: true,
        archiveTTL: `${args.archiveTtlDays}d`,
        postgresql: {
          host: args.database.host,
          port: args.database.port,
          database: args.database.database,
          tableName: "argo_workflows",
          userNameSecret: { name: secrets.database, key: "username" },
          passwordSecret: { name: secrets.database, key: "password" },
          ssl: true,
          sslMode: args.database.sslMode,
        },
      },
      workflowDefaults: {
        spec: {
          // Azure: a pod receives its account's workload identity only when the pod itself carries
          // `azure.workload.identity/use` (the webhook ignores the service account's label), so every
          // workflow's pods carry it, teams' included; Argo merges these labels with a run's own.
          // AWS: none (IRSA needs only the service account's annotation).
          ...(Object.keys(args.identity.podLabels).length > 0 ? { podMetadata: { labels: { ...args.identity.podLabels } } } : {}),
          securityContext: restrictedPodSecurityContext(8737),
          podGC: { strategy: "OnPodCompletion", deleteDelayDuration: "10m" },
          ttlStrategy: { secondsAfterCompletion: 7 * 24 * 3600 },
          activeDeadlineSeconds: 2 * 24 * 3600,
        },
      },
    },
    mainContainer: { securityContext: sc, resources: resources("small") },
    executor: { image: img(IMAGES.argoExec), securityContext: sc, resources: resources("tiny") },
    server: {
      enabled: true,
      image: img(IMAGES.argoServer),
      replicas: args.replicas,
      serviceType: "ClusterIP",
      // TLS ends at the internal ingress; the NetworkPolicy admits only the ingress controller.
      secure: false,
      authModes: ["sso", "client"],
      serviceAccount: { create: true, name: ARGO_SERVICE_ACCOUNTS.server, annotations: { ...args.identity.serviceAccountAnnotations } },
      podLabels: { ...args.identity.podLabels },
      podSecurityContext: pod,
      securityContext: sc,
      resources: resources("small"),
      extraEnv: [{ name: "SSO_DELEGATE_RBAC_TO_NAMESPACE", value: "true" }],
      sso: {
        enabled: true,
        issuer: args.sso.issuerUrl,
        clientId: { name: secrets.oidc, key: "client-id" },
        clientSecret: { name: secrets.oidc, key: "client-secret" },
        redirectUrl: `https://${args.host}/oauth2/callback`,
        scopes: ["openid", "profile", "email", "groups"],
        sessionExpiry: "10h",
        insecureSkipVerify: false,
        rbac: { enabled: true, secretWhitelist: [] },
      },
      clusterWorkflowTemplates: { enabled: true, enableEditing: false },
    },
  };
}

/** A service account Argo's SSO RBAC maps users onto, with its token Secret. */
function ssoServiceAccount(
  name: string,
  sa: { name: string; namespace: pulumi.Input<string>; rule: string; precedence: number },
  parent: pulumi.Resource,
  dependsOn: readonly pulumi.Resource[] = [],
): k8s.core.v1.ServiceAccount {
  const account = new k8s.core.v1.ServiceAccount(
    `${name}-sa`,
    {
      metadata: {
        name: sa.name,
        namespace: sa.namespace,
        annotations: {
          "workflows.argoproj.io/rbac-rule": sa.rule,
          "workflows.argoproj.io/rbac-rule-precedence": String(sa.precedence),
        },
      },
      automountServiceAccountToken: false,
    },
    { parent, dependsOn: [...dependsOn] },
  );
  new k8s.core.v1.Secret(
    `${name}-token`,
    {
      metadata: {
        name: `${sa.name}.service-account-token`,
        namespace: sa.namespace,
        annotations: { "kubernetes.io/service-account.name": sa.name },
      },
      type: "kubernetes.io/service-account-token",
    },
    { parent, dependsOn: [...dependsOn, account] },
  );
  return account;
}

/** The Argo SSO rule matching any of `groups`. */
export function groupRule(groups: readonly string[]): string {
  return groups.map((g) => `'${g.replace(/'/g, "\\'")}' in groups`).join(" || ");
}

/** Argo Workflows with SSO, archive and platform RBAC. */
export class ArgoWorkflows extends pulumi.ComponentResource {
  /** The release that installs the Argo Workflows CRDs. */
  public readonly release: k8s.helm.v3.Release;
  /** In-cluster URL of the server. */
  public readonly serverUrl: string;

  constructor(name: string, args: ArgoWorkflowsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops-platform:k8s:ArgoWorkflows", name, {}, opts);
    new ArgsCheck("mlops-platform:k8s:ArgoWorkflows", name).problems(argoWorkflowsProblems(args)).done();

    const db = new k8s.core.v1.Secret(
      `${name}-postgres`,
      {
        metadata: { name: "argo-postgres", namespace: args.namespace },
        type: "Opaque",
        stringData: secretStringData({ username: args.database.username, password: args.database.password }),
      },
      { parent: this, dependsOn: [...args.dependsOn] },
    );
    const oidc = oidcClientSecret(name, args.sso, args.namespace, this, args.dependsOn);
    this.release = helmRelease(
      `${name}-release`,
      {
        chart: CHARTS.argoWorkflows,
        releaseName: "argo-workflows",
        namespace: args.namespace,
        values: argoWorkflowsValues(args, { database: "argo-postgres", oidc: oidc.name }),
      },
      { parent: this, dependsOn: [...args.dependsOn, db, ...oidc.resources] },
    );
    this.serverUrl = "http://argo-workflows-server.argo.svc:2746";

    const rule = (apiGroups: string[], res: string[], verbs: string[]) => ({ apiGroups, resources: res, verbs });
    const argoResources = [
      "workflows",
      "workflowtemplates",
      "cronworkflows",
      "clusterworkflowtemplates",
      "workfloweventbindings",
      "workflowtaskresults",
      "workflowartifactgctasks",
    ];
    const read = ["get", "list", "watch"];
    const roles: Record<keyof typeof ARGO_CLUSTER_ROLES, ReturnType<typeof rule>[]> = {
      admin: [
        // Every verb but deletecollection: all eight would be "*" (the pack refuses both), and the
        // UI and CLI delete workflows one by one.
        rule(["argoproj.io"], argoResources, ["get", "list", "watch", "create", "update", "patch", "delete"]),
        rule([""], ["pods", "pods/log", "events"], read),
      ],
      viewer: [rule(["argoproj.io"], argoResources, read), rule([""], ["pods", "pods/log", "events"], read)],
      team: [
        // Write only the three kinds a team authors, in its own namespace (the binding is a RoleBinding);
        // the platform's ClusterWorkflowTemplates are read-only to teams.
        rule(
          ["argoproj.io"],
          ["workflows", "workflowtemplates", "cronworkflows"],
          ["get", "list", "watch", "create", "update", "patch", "delete"],
        ),
        rule(["argoproj.io"], ["workflowtaskresults", "workfloweventbindings", "clusterworkflowtemplates"], read),
        rule([""], ["pods", "pods/log", "events", "configmaps"], read),
      ],
      approver: [
        rule(["argoproj.io"], ["workflows"], ["get", "list", "watch", "update", "patch"]),
        rule(["argoproj.io"], ["workflowtemplates", "cronworkflows", "workflowtaskresults", "clusterworkflowtemplates"], read),
        rule([""], ["pods", "pods/log", "events"], read),
      ],
      executor: [rule(["argoproj.io"], ["workflowtaskresults"], ["create", "patch"])],
      deployer: [rule(["argoproj.io"], ["rollouts"], ["get", "list", "watch", "patch"])],
      deployWorkflows: [rule(["argoproj.io"], ["workflows"], ["get", "create"])],
      templateReader: [rule(["argoproj.io"], ["clusterworkflowtemplates"], read)],
      submitter: [
        rule(["argoproj.io"], ["workflows"], ["create", "get", "list", "watch"]),
        rule(["argoproj.io"], ["workflowtemplates", "clusterworkflowtemplates"], ["get"]),
      ],
    };
    for (const [key, rules] of Object.entries(roles)) {
      new k8s.rbac.v1.ClusterRole(
        `${name}-role-${key}`,
        { metadata: { name: ARGO_CLUSTER_ROLES[key as keyof typeof ARGO_CLUSTER_ROLES] }, rules },
        { parent: this, dependsOn: [...args.dependsOn] },
      );
    }
    // SSO users are mapped onto these accounts by group; the first match by precedence wins.
    const mapped = [
      { key: "admin", groups: args.sso.adminGroups, precedence: 20, role: ARGO_CLUSTER_ROLES.admin },
      { key: "viewer", groups: args.sso.viewerGroups, precedence: 10, role: ARGO_CLUSTER_ROLES.viewer },
    ];
    for (const m of mapped) {
      if (m.groups.length === 0) continue;
      const sa = ssoServiceAccount(
        `${name}-sso-${m.key}`,
        { name: `argo-sso-${m.key}`, namespace: args.namespace, rule: groupRule(m.groups), precedence: m.precedence },
        this,
      );
      new k8s.rbac.v1.ClusterRoleBinding(
        `${name}-sso-${m.key}`,
        {
          metadata: { name: `argo-sso-${m.key}` },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: m.role },
          subjects: [{ kind: "ServiceAccount", name: `argo-sso-${m.key}`, namespace: args.namespace }],
        },
        { parent: this, dependsOn: [...args.dependsOn, sa] },
      );
    }
    // Everyone else who signs in lands on an account with no rights; namespace delegation then
    // looks for a team account in the namespace the user opens.
    const defaultSso = ssoServiceAccount(
      `${name}-sso-default`,
      { name: "argo-sso-default", namespace: args.namespace, rule: "true", precedence: 0 },
      this,
      args.dependsOn,
    );
    // Teams run the platform's templates from the cluster-wide copies (clusterWorkflowResources); the
    // server reads cluster-scoped objects through this account, so it may read those and nothing else.
    new k8s.rbac.v1.ClusterRoleBinding(
      `${name}-sso-default-templates`,
      {
        metadata: { name: "argo-sso-default-templates" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: ARGO_CLUSTER_ROLES.templateReader },
        subjects: [{ kind: "ServiceAccount", name: "argo-sso-default", namespace: args.namespace }],
      },
      { parent: this, dependsOn: [...args.dependsOn, defaultSso] },
    );
    this.registerOutputs({ release: this.release, serverUrl: this.serverUrl });
  }
}

/** Arguments of {@link pipelineNamespaceResources}. */
export interface PipelineNamespaceArgs {
  /** Namespace name (must already exist: pass the namespace output to order after it). */
  readonly namespace: pulumi.Input<string>;
  /** The plain name, for resource names and the artifact prefix. */
  readonly namespaceName: string;
  /** The namespace's workload identities: the data steps', the training code's, the registration and promotion steps'. */
  readonly identities: PipelineIdentityRefs;
  readonly artifactStore: ArtifactStore;
  /** Artifact key prefix of this namespace (`pipelines/<ns>/`). */
  readonly artifactPrefix: string;
  /** Objects from `workflows/` to install. */
  readonly workflowManifests: readonly Record<string, unknown>[];
  /**
   * Install every kind from `workflows/` (the platform namespace) or none (team namespaces, which
   * run the platform's templates from their cluster-wide copies, see {@link clusterWorkflowResources}).
   */
  readonly install: "all" | "none";
  readonly argo: ArgoWorkflows;
  /** Namespace whose Rollouts the deploy account may patch (platform namespace only). */
  readonly deployTo?: pulumi.Input<string>;
  /** The settings ConfigMap the steps read their trusted platform settings from. */
  readonly settings?: { readonly name: string; readonly data: pulumi.Input<Record<string, pulumi.Input<string>>> };
  /** Resources every object waits for (the namespace). */
  readonly dependsOn: readonly pulumi.Resource[];
}

/**
 * The per-namespace objects of a pipeline namespace, created under `parent`: four step service
 * accounts bound to the namespace's identity, the RoleBindings of their rights, the
 * artifact-repository and settings ConfigMaps and (platform namespace only) the workflow objects.
 * Only what must differ per namespace: templates and roles are cluster-wide, so the plan stays
 * nearly flat as teams grow.
 */
export function pipelineNamespaceResources(name: string, args: PipelineNamespaceArgs, parent: pulumi.Resource): void {
  // Each account assumes the identity of its kind of workload only (PIPELINE_ACCOUNT_IDENTITY).
  const accounts = (Object.entries(PIPELINE_SERVICE_ACCOUNTS) as [PipelineAccount, string][]).map(([kind, sa]) => {
    const identity = args.identities[PIPELINE_ACCOUNT_IDENTITY[kind]];
    return new k8s.core.v1.ServiceAccount(
      `${name}-${sa}`,
      {
        metadata: {
          name: sa,
          namespace: args.namespace,
          annotations: { ...identity.serviceAccountAnnotations },
          labels: { ...identity.podLabels },
        },
      },
      { parent, dependsOn: [...args.dependsOn] },
    );
  });
  new k8s.rbac.v1.RoleBinding(
    `${name}-executor`,
    {
      metadata: { name: "pipeline-executor", namespace: args.namespace },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: ARGO_CLUSTER_ROLES.executor },
      subjects: Object.values(PIPELINE_SERVICE_ACCOUNTS).map((sa) => ({ kind: "ServiceAccount", name: sa, namespace: args.namespaceName })),
    },
    { parent, dependsOn: [...args.dependsOn, ...accounts] },
  );
  new k8s.rbac.v1.RoleBinding(
    `${name}-deploy-workflows`,
    {
      // The deploy account reads its own workflow (approval of production promotions) and submits
      // retraining (drift monitor, data-arrival sensor), in its own namespace only: get and create, nothing else.
      metadata: { name: "pipeline-deploy-workflows", namespace: args.namespace },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: ARGO_CLUSTER_ROLES.deployWorkflows },
      subjects: [{ kind: "ServiceAccount", name: PIPELINE_SERVICE_ACCOUNTS.deploy, namespace: args.namespaceName }],
    },
    { parent, dependsOn: [...args.dependsOn, ...accounts] },
  );
  if (args.deployTo !== undefined) {
    new k8s.rbac.v1.RoleBinding(
      `${name}-deployer`,
      {
        metadata: { name: `pipeline-deployer-${args.namespaceName}`, namespace: args.deployTo },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: ARGO_CLUSTER_ROLES.deployer },
        subjects: [{ kind: "ServiceAccount", name: PIPELINE_SERVICE_ACCOUNTS.deploy, namespace: args.namespaceName }],
      },
      { parent, dependsOn: [...args.dependsOn, ...accounts] },
    );
  }
  const store = args.artifactStore;
  const data = pulumi
    .all([store.cloud === "aws" ? store.bucket : store.container, store.endpoint, store.cloud === "azure" ? store.accountName : ""])
    .apply(([bucket, endpoint, accountName]) =>
      artifactRepositoryConfig(
        store.cloud === "aws"
          ? { cloud: "aws", bucket, endpoint, region: store.region }
          : { cloud: "azure", container: bucket, accountName, endpoint },
        args.artifactPrefix,
      ),
    );
  new k8s.core.v1.ConfigMap(
    `${name}-artifact-repositories`,
    {
      metadata: {
        name: "artifact-repositories",
        namespace: args.namespace,
        annotations: { "workflows.argoproj.io/default-artifact-repository": "default-v1" },
      },
      data: { "default-v1": data },
    },
    { parent, dependsOn: [...args.dependsOn] },
  );
  const settings = args.settings
    ? [
        new k8s.core.v1.ConfigMap(
          `${name}-settings`,
          {
            metadata: { name: args.settings.name, namespace: args.namespace },
            data: args.settings.data as pulumi.Input<Record<string, string>>,
          },
          { parent, dependsOn: [...args.dependsOn] },
        ),
      ]
    : [];
  for (const m of args.install === "all" ? args.workflowManifests : []) {
    const kind = String(m.kind ?? "");
    if (!(WORKFLOW_KINDS as readonly string[]).includes(kind) || kind === "ClusterWorkflowTemplate") continue;
    const { apiVersion, metadata, ...rest } = m as { apiVersion: string; metadata?: Record<string, unknown> };
    const objName = String(metadata?.name ?? "");
    new k8s.apiextensions.CustomResource(
      `${name}-${kind.toLowerCase()}-${objName}`,
      { ...rest, apiVersion, kind, metadata: { ...metadata, name: objName, namespace: args.namespace } },
      { parent, dependsOn: [...args.dependsOn, args.argo.release, ...accounts, ...settings] },
    );
  }
}

/**
 * Installs the cluster-scoped templates once: the ClusterWorkflowTemplates of `workflows/`, and a
 * cluster-wide copy of each of its WorkflowTemplates, which team namespaces run
 * (`argo submit --from clusterworkflowtemplate/<name>`) instead of holding a copy each. Teams can
 * read these but not change them, and a plan grows by no template per team.
 */
export function clusterWorkflowResources(
  name: string,
  manifests: readonly Record<string, unknown>[],
  argo: ArgoWorkflows,
  parent: pulumi.Resource,
): void {
  const clusterScoped = new Set(
    manifests.filter((m) => m.kind === "ClusterWorkflowTemplate").map((m) => (m.metadata as { name?: string })?.name),
  );
  for (const m of manifests) {
    const shared = m.kind === "WorkflowTemplate" && !clusterScoped.has((m.metadata as { name?: string })?.name);
    if (m.kind !== "ClusterWorkflowTemplate" && !shared) continue;
    const { apiVersion, metadata, ...rest } = m as { apiVersion: string; metadata?: Record<string, unknown> };
    const { namespace: _ns, ...meta } = metadata ?? {};
    new k8s.apiextensions.CustomResource(
      `${name}-cwt-${String(meta.name)}`,
      { ...rest, apiVersion, kind: "ClusterWorkflowTemplate", metadata: meta },
      { parent, dependsOn: [argo.release] },
    );
  }
}

/**
 * Lets every team (its groups, and the account Argo's SSO maps its members onto) read the
 * platform's ClusterWorkflowTemplates, which a namespaced RoleBinding cannot grant. One binding
 * for all teams (a team adds subjects, not objects); read only, so teams run and reference the
 * templates but cannot change them.
 */
export function clusterTemplateReaders(
  name: string,
  teams: readonly { readonly groups: readonly string[]; readonly namespace: string }[],
  argo: ArgoWorkflows,
  parent: pulumi.Resource,
): k8s.rbac.v1.ClusterRoleBinding | undefined {
  if (teams.length === 0) return undefined;
  return new k8s.rbac.v1.ClusterRoleBinding(
    `${name}-template-readers`,
    {
      metadata: { name: "mlops-team-template-readers" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: ARGO_CLUSTER_ROLES.templateReader },
      subjects: [
        ...[...new Set(teams.flatMap((t) => t.groups))].map((g) => ({ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: g })),
        ...teams.map((t) => ({ kind: "ServiceAccount", name: TEAM_SSO_ACCOUNT, namespace: t.namespace })),
      ],
    },
    { parent, dependsOn: [argo] },
  );
}

/** The account Argo's SSO maps a team's members onto in the team's namespace (created by the Team component). */
export const TEAM_SSO_ACCOUNT = "argo-sso-team";

/** The artifact-bucket prefix of a pipeline namespace (Argo artifact repository key prefix). */
export function pipelineArtifactPrefix(namespace: string): string {
  return `pipelines/${namespace}/`;
}

/** Catalogue entry: the Argo Workflows controller and server. */
export const argoWorkflowsService: PlatformServiceDescriptor = {
  key: "argo-workflows",
  namespace: { name: NAMESPACES.argo },
  charts: [CHARTS.argoWorkflows],
  identity: {
    key: "argo-workflows",
    serviceAccounts: [ARGO_SERVICE_ACCOUNTS.server, ARGO_SERVICE_ACCOUNTS.controller],
    // The server shows step artifacts and logs; the controller archives logs. Read only.
    buckets: [{ purpose: "artifacts", prefix: "pipelines/", mode: "read" }],
    readDataLakes: false,
    registry: "none",
    consumeDataEvents: false,
  },
  ingress: () => [flows.fromIngress([2746]), flows.scrape()],
  egress: (ctx) => [
    flows.apiServer(ctx.networkCidr),
    flows.postgres(ctx.networkCidr),
    flows.cloudApis(ctx.internet?.cloudApiHosts),
    ...flows.issuer(ctx),
  ],
  quota: { cpu: 4, memoryGiB: 8, perReplica: true },
  routes: [{ name: "argo", host: "argo", serviceName: "argo-workflows-server", servicePort: 2746, output: "argo" }],
};

/** What every pipeline namespace (ml-pipelines and each team) may reach. */
export function pipelineEgress({ networkCidr, internet }: CatalogueContext): NetworkFlow[] {
  const hosts = internet?.pipelineHosts ?? [];
  return [
    flows.apiServer(networkCidr),
    flows.cloudApis(internet?.cloudApiHosts),
    ...(hosts.length ? [flows.internet("hosts the stack allows (network.egress.allowedHosts)", hosts)] : []),
    flows.postgres(networkCidr),
    flows.redis(networkCidr),
    flows.namespace("MLflow tracking and registry, through its gate", NAMESPACES.mlflow, [MLFLOW_GATE_SERVICE.containerPort]),
    flows.namespace("Feast feature server", NAMESPACES.feast, [FEAST_SERVICE.port]),
  ];
}

/** Catalogue entry: the platform's own pipeline namespace (training, drift, materialisation). */
export const pipelinesService: PlatformServiceDescriptor = {
  key: "pipelines",
  namespace: { name: NAMESPACES.pipelines, labels: { ...PIPELINE_NAMESPACE_LABEL } },
  charts: [],
  identity: {
    key: "pipelines",
    serviceAccounts: Object.values(PIPELINE_SERVICE_ACCOUNTS),
    buckets: [
      { purpose: "artifacts", prefix: pipelineArtifactPrefix(NAMESPACES.pipelines), mode: "readwrite" },
      { purpose: "datasets", prefix: "platform/", mode: "read" },
      { purpose: "features", prefix: "feast/", mode: "readwrite" },
      // No capture: each model's drift runs read its own capture with their own identity
      // (stacks/identities.ts driftIdentitySpecs), never this namespace's data steps.
    ],
    readDataLakes: true,
    registry: "pull",
    consumeDataEvents: false,
  },
  ingress: () => [flows.scrape()],
  // Only the feature-apply step's pods reach the declared feature repository's git host.
  egress: (ctx) => [
    ...pipelineEgress(ctx),
    ...((ctx.featureRepositoryHosts ?? []).length
      ? [
          flows.internet(
            "the declared feature repository's git host (the feature-apply step clones it)",
            ctx.featureRepositoryHosts ?? [],
            {
              ...FEATURE_APPLY_POD_LABELS,
            },
          ),
        ]
      : []),
  ],
  quota: { cpu: 32, memoryGiB: 128, gpu: 8 },
};
