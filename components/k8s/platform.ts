/**
 * The Kubernetes platform services of one stack, composed on the cluster of any cloud layer:
 * namespaces with their baseline, monitoring, the internal ingress, SSO (Dex for LDAP), Argo
 * Workflows and Events, MLflow, Feast, model serving, GPU agents and the teams. It receives the
 * cloud layer's {@link CloudLayer} contract and typed settings; it reads no configuration.
 *
 * What each service needs around it (namespace, flows, quota, identity, routes) is declared in
 * its catalogue descriptor (`catalogue.ts`); this component creates the namespaces and routes
 * from the catalogue and wires each service's component with small `createX` functions.
 *
 * The Kubernetes provider is passed once, in this component's options; every child inherits it.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { urlHost, workloadIdentityHosts } from "../../contracts/egress";
import { NAMESPACES, PIPELINE_NAMESPACE_LABEL } from "../../contracts/endpoints";
import { cachedImage, type ImageCache } from "../../contracts/image-cache";
import { IMAGES, imageRef, PLATFORM_IMAGES } from "../../contracts/versions";
import { driftServiceAccount } from "../../workflows/drift-crons";
import { trainingServiceAccount } from "../../workflows/steps/lib/built-training";
import {
  type CacheRef,
  type CloudLayer,
  type DatabaseRef,
  type InternalIngressRef,
  PIPELINE_SERVICE_ACCOUNTS,
  type PipelineIdentityRefs,
  pipelineIdentityKey,
  teamNamespace,
  type WorkloadIdentityRef,
  type WorkloadIdentitySpec,
} from "../contracts";
import { ArgsCheck } from "../validate";
import { AdmissionControl, platformAdmissionArgs } from "./admission";
import type { AdmissionEnvironment } from "./admission-rules";
import type { AlertingSettings } from "./alerting";
import { platformApprovers } from "./approvers";
import { ArgoEvents, type GitWebhookSettings, repositoryPath } from "./argo-events";
import {
  ARGO_SERVICE_ACCOUNTS,
  ArgoWorkflows,
  type ArtifactStore,
  clusterTemplateReaders,
  clusterWorkflowResources,
  pipelineEgress,
  pipelineNamespaceResources,
} from "./argo-workflows";
import { servingQuota } from "./autoscaling";
import { CATALOGUE, catalogueProblems, enabledServices, serviceIdentitySpecs } from "./catalogue";
import { driftCronResources, driftModels } from "./drift-crons";
import { Feast } from "./feast";
import { FEATURE_APPLY_SERVICE_ACCOUNT, type FeatureRepository, featureApplyResources, featureRepositoryHosts } from "./feature-apply";
import { GpuScheduling } from "./gpu";
import { type GpuPoolCapacity, totalGpuCapacity } from "./gpu-queues";
import { ImageBuildControl } from "./image-build-control";
import { builderIdentityKey, builderImageRef } from "./image-builds";
import { cloudImageCache } from "./image-cache";
import { CERT_MANAGER_NAMESPACE, INGRESS_SERVICE_NAME, INTERNAL_CLIENT_CIDRS, InternalIngress, tlsIngress } from "./ingress";
import { Kueue } from "./kueue";
import { createMesh } from "./mesh-wiring";
import { Mlflow } from "./mlflow";
import { Monitoring } from "./monitoring";
import { PlatformNamespace } from "./namespace";
import type { ResourceSize } from "./security";
import { type CatalogueContext, serviceQuota } from "./service";
import { ModelServing, type ServedModelSpec } from "./serving";
import { DEX_NAMESPACE, Dex, type IdentitySettings, oidcEndpoints, type SsoSettings } from "./sso";
import { Team, type TeamSpec, teamIngressFlows } from "./team";
import { trainingAccountResources } from "./training-accounts";

/** Re-exported from their owners (the ingress and SSO modules, `contracts/endpoints.ts`). */
export { CERT_MANAGER_NAMESPACE, DEX_NAMESPACE, INTERNAL_CLIENT_CIDRS, PIPELINE_NAMESPACE_LABEL };

/** Identity keys the platform services need, from the catalogue (see `stacks/identities.ts`). */
export const IDENTITY_KEYS = {
  mlflow: "mlflow",
  argoWorkflows: "argo-workflows",
  argoEvents: "argo-events",
  feast: "feast",
  serving: "serving",
  pipelines: "pipelines",
} as const;

/** Arguments of {@link PlatformServices}. */
export interface PlatformServicesArgs {
  readonly cloud: CloudLayer;
  /** The workload identities the cloud layer bound (names of namespaces and service accounts). */
  readonly identitySpecs: readonly WorkloadIdentitySpec[];
  /** DNS domain of the internal ingress (a private zone), e.g. `dev.mlops.internal`. */
  readonly domain: string;
  /** The VPC/VNet CIDR (managed databases, cache and API server endpoints live there). */
  readonly networkCidr: string;
  readonly identity: IdentitySettings;
  /**
   * Alertmanager receivers and routes.
   * @default none: alerts reach no one (a development stack's plan says so)
   */
  readonly alerting?: AlertingSettings;
  /**
   * The git server whose pushes train their own commit (webhook verified the server's way).
   * @default none: the git trigger is off (no webhook relay, no git dependency in the Sensor)
   */
  readonly git?: GitWebhookSettings;
  readonly teams: readonly TeamSpec[];
  readonly models: readonly ServedModelSpec[];
  /** Models built in the cluster from their repository (`models[].training.repository`). @default [] */
  readonly imageBuilds?: CatalogueContext["imageBuilds"];
  /** Replicas of the stateless services (profile). */
  readonly serviceReplicas: number;
  /** Size of the MLflow and Feast containers (profile). */
  readonly serviceSize: ResourceSize;
  /** Days Prometheus keeps metrics and the Argo archive keeps workflows. */
  readonly retentionDays: number;
  readonly driftThreshold: number;
  /** Labels of the CPU inference pool (model serving, feature server). */
  readonly cpuPoolSelector: Readonly<Record<string, string>>;
  /** Labels of the GPU pools; absent when the stack has none (no GPU agents then). */
  readonly gpuPoolSelector?: Readonly<Record<string, string>>;
  /**
   * The GPU pools' capacity, for the GPU queues (Kueue): a flavor and a lending ClusterQueue per
   * pool, a ClusterQueue per team whose nominal quota is its `gpuQuota`.
   * @default [] — queues with no GPU quota (a stack without GPU pools)
   */
  readonly gpuPools?: readonly GpuPoolCapacity[];
  /** The Argo objects of `workflows/`. */
  readonly workflowManifests: readonly Record<string, unknown>[];
  /** Artifact key prefix of a pipeline namespace. */
  readonly artifactPrefix: (namespace: string) => string;
  /** The trusted settings ConfigMap of each pipeline namespace (`workflows/`: `mlops-pipeline-settings`). */
  readonly pipelineSettings?: {
    readonly name: string;
    readonly data: (namespace: string, team?: string) => pulumi.Input<Record<string, pulumi.Input<string>>>;
  };
  /**
   * An existing Feast registry and online store used instead of the platform's own
   * (`services.feast.external`).
   * @default the platform's own: its project in the stack's PostgreSQL and Redis
   */
  readonly feastStore?: { readonly project: string; readonly database: DatabaseRef; readonly cache: CacheRef };
  /**
   * The feature repository whose commits `feast apply` registers (`services.feast.repository`): a
   * verified push to it runs the `feature-apply` ClusterWorkflowTemplate in `ml-pipelines`.
   * @default none: the template runs only by hand, and refuses to without a declared repository
   */
  readonly featureRepository?: FeatureRepository;
  /**
   * Where the model servers' capture sidecars write (`<artifacts>/capture/`, in the form the steps'
   * object client takes: `s3://…` or `https://<account>.blob.core.windows.net/…`).
   * @default none: no capture
   */
  readonly captureUri?: pulumi.Input<string>;
  /** Keep namespaces (and their volumes and secrets) on delete: production stacks (`protectData`). @default false */
  readonly protectData?: boolean;
  /** Schedule of the periodic retraining. @default "0 2 * * *" */
  readonly retrainSchedule?: string;
  /**
   * Internet hosts the pipeline namespaces (ml-pipelines and the teams) may reach through the
   * egress firewall: the stack's `network.egress.allowedHosts` (VCS host, package index, …).
   * @default [] — pipelines reach only the platform's services and the cloud's private endpoints
   */
  readonly pipelineEgressHosts?: readonly string[];
  /** Admission warns and audits in `development`, denies in `production`. @default "production" */
  readonly environment?: AdmissionEnvironment;
  /**
   * The platform's pipeline-step image (exact reference), which admission allows like the other
   * platform images and the MLflow gate runs. Required: a platform without it is refused.
   */
  readonly stepsImage?: pulumi.Input<string>;
  /**
   * Digest of the platform's MLflow image in the stack's registry (`sha256:…`); referenced as
   * `<repository>@<digest>` when set.
   * @default the pinned version tag
   */
  readonly mlflowImageDigest?: string;
}

/** URLs the platform exposes through the internal ingress. */
export interface PlatformUrls {
  readonly mlflow: pulumi.Output<string>;
  readonly argo: pulumi.Output<string>;
  readonly grafana: pulumi.Output<string>;
  readonly featureServer: pulumi.Output<string>;
}

/** Every problem with the args (empty when valid). */
export function platformServicesProblems(args: PlatformServicesArgs): string[] {
  const p: string[] = [...catalogueProblems(CATALOGUE)];
  const serviceKeys = serviceIdentitySpecs(CATALOGUE).map((s) => s.key);
  const pipelineKeys = (base: string) => (["train", "release"] as const).map((k) => pipelineIdentityKey(base, k));
  const keys = [
    ...serviceKeys,
    ...pipelineKeys(IDENTITY_KEYS.pipelines),
    ...args.teams.flatMap((t) => [`team-${t.name}`, ...pipelineKeys(`team-${t.name}`)]),
    ...driftModels(args.models, args.captureUri).map((m) => driftServiceAccount(m.name)),
    ...(args.imageBuilds ?? []).map((b) => trainingServiceAccount(b.model)),
  ];
  const missing = keys.filter((k) => args.cloud.identities[k] === undefined);
  if (missing.length)
    p.push(`cloud.identities: missing ${missing.join(", ")}; the cloud layer must bind one identity per spec of workloadIdentitySpecs()`);
  const argoSpec = args.identitySpecs.find((s) => s.key === IDENTITY_KEYS.argoWorkflows);
  if (argoSpec) {
    for (const sa of Object.values(ARGO_SERVICE_ACCOUNTS)) {
      if (!argoSpec.serviceAccounts.includes(sa))
        p.push(
          `identitySpecs[argo-workflows].serviceAccounts: ${JSON.stringify(argoSpec.serviceAccounts)} lacks "${sa}", which the Argo chart runs as`,
        );
    }
  }
  for (const key of serviceKeys) {
    if (!args.identitySpecs.some((s) => s.key === key)) p.push(`identitySpecs: no spec with key "${key}"; pass workloadIdentitySpecs(cfg)`);
  }
  if (!/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,63}$/.test(args.domain))
    p.push(`domain: "${args.domain}" is not a DNS domain, e.g. dev.mlops.internal`);
  if (!Number.isInteger(args.serviceReplicas) || args.serviceReplicas < 1)
    p.push(`serviceReplicas: ${args.serviceReplicas} must be an integer ≥ 1`);
  if (Object.keys(args.cpuPoolSelector).length === 0) p.push("cpuPoolSelector: {} must name the CPU inference pool's labels");
  if (args.identity.adminGroups.length === 0) p.push("identity.adminGroups: [] needs at least one group");
  if (args.stepsImage === undefined)
    p.push(
      'stepsImage: undefined, but the MLflow gate runs the platform\'s pipeline-step image; give the cloud layer a "steps" repository',
    );
  if (!args.identity.ldap) {
    // Grafana needs the issuer's endpoints (no discovery): refuse an unknown issuer before creating anything.
    try {
      oidcEndpoints(args.identity.oidcIssuerUrl);
    } catch (e) {
      p.push((e as Error).message);
    }
  }
  if (args.cloud.cloud === "azure" && args.cloud.buckets.artifacts.accountName === undefined) {
    p.push("cloud.buckets.artifacts.accountName: missing; on Azure the artifact repository and MLflow need the storage account name");
  }
  if (args.cloud.repositoryUrls[PLATFORM_IMAGES.mlflow.repository] === undefined) {
    p.push(
      `cloud.repositoryUrls: no "${PLATFORM_IMAGES.mlflow.repository}" repository (keys: ${Object.keys(args.cloud.repositoryUrls).join(", ") || "none"}); the cloud layer must create it for the platform's MLflow image`,
    );
  }
  return p;
}

/** What the `createX` functions share: the component's args and a few derived helpers. */
interface Wiring {
  readonly name: string;
  readonly args: PlatformServicesArgs;
  readonly parent: pulumi.ComponentResource;
  readonly replicas: number;
  readonly ctx: CatalogueContext;
  /** `<service>.<domain>`. */
  readonly host: (svc: string) => string;
  /** The cloud identity bound for a key (checked to exist before anything is created). */
  readonly ident: (key: string) => WorkloadIdentityRef;
  /** The first service account of an identity spec. */
  readonly saOf: (key: string) => string;
  /** A random password the platform generates itself (never in a file). */
  readonly password: (role: string, length?: number) => pulumi.Output<string>;
  /** The created namespace's name. */
  readonly nsOut: (ns: string) => string;
  /** What every chart waits for: the cluster's readiness and the namespaces. */
  readonly ready: readonly pulumi.Resource[];
  /** The stack registry's pull-through cache every image comes through. */
  readonly imageCache: pulumi.Output<ImageCache>;
}

/** The generated-secrets provider and a password factory. */
function createPasswords(name: string, parent: pulumi.Resource): (role: string, length?: number) => pulumi.Output<string> {
  const randomProvider = new random.Provider(`${name}-random`, {}, { parent });
  return (role, length = 32) =>
    new random.RandomPassword(`${name}-${role}`, { length, special: false }, { parent, provider: randomProvider }).result;
}

/** One namespace per enabled catalogue entry, with its flows, quota and pod security. */
function createNamespaces(
  name: string,
  args: PlatformServicesArgs,
  ctx: CatalogueContext,
  parent: pulumi.Resource,
): Record<string, PlatformNamespace> {
  const ns: Record<string, PlatformNamespace> = {};
  for (const d of enabledServices(ctx)) {
    ns[d.namespace.name] = new PlatformNamespace(
      `${name}-ns-${d.namespace.name}`,
      {
        name: d.namespace.name,
        ingress: d.ingress(ctx),
        egress: d.egress(ctx),
        quota:
          d.key === "serving"
            ? servingQuota(serviceQuota(d.quota, args.serviceReplicas), args.models)
            : serviceQuota(d.quota, args.serviceReplicas),
        podSecurity: d.namespace.podSecurity ?? "restricted",
        ...(d.namespace.reason ? { podSecurityReason: d.namespace.reason } : {}),
        retainOnDelete: args.protectData === true,
        ...(d.namespace.labels ? { labels: d.namespace.labels } : {}),
        ...(d.namespace.meshExemptReason ? { meshExemptReason: d.namespace.meshExemptReason } : {}),
      },
      { parent },
    );
  }
  return ns;
}

/** The SSO settings every UI uses: Dex's issuer with LDAP, the configured OIDC issuer otherwise. */
function ssoSettings(w: Omit<Wiring, "ready" | "nsOut">): { sso: SsoSettings; dexIssuer: string } {
  const { identity } = w.args;
  const base = (issuer: string, clientSecret: pulumi.Input<string> | undefined): SsoSettings => ({
    issuerUrl: issuer,
    clientId: identity.oidcClientId,
    adminGroups: identity.adminGroups,
    viewerGroups: identity.viewerGroups,
    endpoints: oidcEndpoints(issuer),
    ...(clientSecret === undefined ? {} : { clientSecret }),
  });
  const dexIssuer = `https://${w.host("dex")}`;
  const sso = identity.ldap
    ? base(dexIssuer, w.password("dex-client"))
    : // Without the real secret a random placeholder keeps every UI starting (sign-in fails until it is set).
      base(identity.oidcIssuerUrl, identity.oidcClientSecret ?? w.password("oidc-client-placeholder"));
  return { sso, dexIssuer };
}

/** Every group that signs in as a team's member or approver (Entra object ids included), and the platform-wide approvers. */
function teamGroups(args: PlatformServicesArgs): string[] {
  return [
    ...args.teams.flatMap((t) => [...t.groups, ...(t.entraGroupIds ?? []), ...(t.approverGroups ?? [])]),
    ...(args.identity.approverGroups ?? []),
  ];
}

function pipelineNamespaces(args: PlatformServicesArgs): string[] {
  return [NAMESPACES.pipelines, ...args.teams.map((t) => teamNamespace(t.name))];
}

/** Monitoring first: the other charts declare ServiceMonitors, whose CRD it installs. */
function createMonitoring(w: Wiring, sso: SsoSettings): Monitoring {
  return new Monitoring(
    `${w.name}-monitoring`,
    {
      imageCache: w.imageCache,
      namespace: w.nsOut(NAMESPACES.monitoring),
      namespaceName: NAMESPACES.monitoring,
      nodeAgentsNamespace: NAMESPACES.gpu,
      servingNamespace: NAMESPACES.serving,
      sso,
      extraViewerGroups: teamGroups(w.args),
      host: w.host("grafana"),
      storageClassName: w.args.cloud.storageClassName,
      retentionDays: Math.min(w.args.retentionDays, 90),
      replicas: w.replicas,
      thresholds: {
        driftPsi: w.args.driftThreshold,
        driftPsiByModel: Object.fromEntries(w.args.models.flatMap((m) => (m.drift ? [[m.registeredModel, m.drift.psiThreshold]] : []))),
      },
      grafanaAdminPassword: w.password("grafana-admin"),
      ...(w.args.alerting ? { alerting: w.args.alerting } : {}),
      dependsOn: w.ready,
    },
    { parent: w.parent },
  );
}

function createIngress(w: Wiring, charts: readonly pulumi.Resource[]): InternalIngress {
  return new InternalIngress(
    `${w.name}-ingress`,
    {
      imageCache: w.imageCache,
      namespace: w.nsOut(NAMESPACES.ingress),
      certManagerNamespace: w.nsOut(CERT_MANAGER_NAMESPACE),
      internalLoadBalancerAnnotations: w.args.cloud.internalLoadBalancerAnnotations,
      replicas: w.replicas,
      dependsOn: charts,
    },
    { parent: w.parent },
  );
}

function createDex(w: Wiring, sso: SsoSettings, dexIssuer: string, charts: readonly pulumi.Resource[]): Dex | undefined {
  const { ldap } = w.args.identity;
  if (!ldap) return undefined;
  return new Dex(
    `${w.name}-dex`,
    {
      imageCache: w.imageCache,
      namespace: w.nsOut(DEX_NAMESPACE),
      issuerUrl: dexIssuer,
      clientId: w.args.identity.oidcClientId,
      clientSecret: sso.clientSecret as pulumi.Input<string>,
      redirectUris: [
        `https://${w.host("argo")}/oauth2/callback`,
        `https://${w.host("mlflow")}/oauth2/callback`,
        `https://${w.host("grafana")}/login/generic_oauth`,
      ],
      ldap,
      ldapBindPassword: w.args.identity.ldapBindPassword ?? w.password("ldap-bind-placeholder"),
      replicas: w.replicas,
      dependsOn: charts,
    },
    { parent: w.parent },
  );
}

/** Where pipeline artifacts go, in the form the Argo artifact repository takes. */
function artifactStoreOf(cloud: CloudLayer): ArtifactStore {
  const artifacts = cloud.buckets.artifacts;
  return cloud.cloud === "aws"
    ? { cloud: "aws", bucket: artifacts.name, region: cloud.region, endpoint: artifacts.endpoint }
    : {
        cloud: "azure",
        container: artifacts.name,
        accountName: artifacts.accountName as pulumi.Output<string>,
        endpoint: artifacts.endpoint,
      };
}

/** Argo Workflows, the platform's pipeline namespace and the cluster-wide templates. */
function createArgo(w: Wiring, sso: SsoSettings, charts: readonly pulumi.Resource[]): ArgoWorkflows {
  const { args } = w;
  const argo = new ArgoWorkflows(
    `${w.name}-argo`,
    {
      imageCache: w.imageCache,
      namespace: w.nsOut(NAMESPACES.argo),
      pipelineNamespaces: pipelineNamespaces(args),
      database: args.cloud.databases.argo,
      sso,
      host: w.host("argo"),
      replicas: w.replicas,
      identity: w.ident(IDENTITY_KEYS.argoWorkflows),
      archiveTtlDays: args.retentionDays,
      dependsOn: charts,
    },
    { parent: w.parent },
  );
  pipelineNamespaceResources(
    `${w.name}-pipelines`,
    {
      namespace: w.nsOut(NAMESPACES.pipelines),
      namespaceName: NAMESPACES.pipelines,
      identities: pipelineIdents(w, IDENTITY_KEYS.pipelines),
      artifactStore: artifactStoreOf(args.cloud),
      artifactPrefix: args.artifactPrefix(NAMESPACES.pipelines),
      workflowManifests: args.workflowManifests,
      install: "all",
      argo,
      deployTo: w.nsOut(NAMESPACES.serving),
      dependsOn: w.ready,
      ...(args.pipelineSettings
        ? { settings: { name: args.pipelineSettings.name, data: args.pipelineSettings.data(NAMESPACES.pipelines) } }
        : {}),
    },
    w.parent,
  );
  // The account that runs `feast apply` (no cloud identity; workflows/feature-apply.yaml).
  featureApplyResources(
    `${w.name}-feature-apply`,
    { namespace: w.nsOut(NAMESPACES.pipelines), namespaceName: NAMESPACES.pipelines, dependsOn: w.ready },
    w.parent,
  );
  // The platform-wide approvers approve in the platform's own pipeline namespace too (admins still can).
  platformApprovers(
    `${w.name}-pipelines`,
    {
      namespace: w.nsOut(NAMESPACES.pipelines),
      namespaceName: NAMESPACES.pipelines,
      groups: args.identity.approverGroups ?? [],
      dependsOn: w.ready,
    },
    w.parent,
  );
  clusterWorkflowResources(`${w.name}-workflows`, args.workflowManifests, argo, w.parent);
  driftCronResources(
    `${w.name}-drift`,
    {
      namespace: w.nsOut(NAMESPACES.pipelines),
      namespaceName: NAMESPACES.pipelines,
      models: args.models,
      ...(args.captureUri === undefined ? {} : { captureUri: args.captureUri }),
      datasetsUri: args.cloud.buckets.datasets.uri,
      identities: Object.fromEntries(driftModels(args.models, args.captureUri).map((m) => [m.name, w.ident(driftServiceAccount(m.name))])),
      artifactStore: artifactStoreOf(args.cloud),
      artifactPrefix: args.artifactPrefix(NAMESPACES.pipelines),
      argo,
      dependsOn: w.ready,
    },
    w.parent,
  );
  // The accounts the built images train as (train-<model>), each with its own identity and artifact key.
  trainingAccountResources(
    `${w.name}-training`,
    {
      namespace: w.nsOut(NAMESPACES.pipelines),
      namespaceName: NAMESPACES.pipelines,
      models: (args.imageBuilds ?? []).map((b) => b.model),
      identities: Object.fromEntries((args.imageBuilds ?? []).map((b) => [b.model, w.ident(trainingServiceAccount(b.model))])),
      artifactStore: artifactStoreOf(args.cloud),
      artifactPrefix: args.artifactPrefix(NAMESPACES.pipelines),
      dependsOn: w.ready,
    },
    w.parent,
  );
  clusterTemplateReaders(
    `${w.name}-workflows`,
    args.teams.map((t) => ({ groups: t.groups, namespace: teamNamespace(t.name) })),
    argo,
    w.parent,
  );
  return argo;
}

function createEvents(w: Wiring, charts: readonly pulumi.Resource[]): ArgoEvents {
  const { args } = w;
  // Built in the cluster (models[].training.repository), only where a git server sends the pushes.
  const builds = args.git
    ? (args.imageBuilds ?? []).flatMap((b) => {
        const m = args.models.find((x) => x.name === b.model && x.team === b.team);
        return m ? [{ registeredModel: m.registeredModel, team: b.team, model: b.model, cloneUrl: b.cloneUrl }] : [];
      })
    : [];
  return new ArgoEvents(
    `${w.name}-events`,
    {
      imageCache: w.imageCache,
      namespace: w.nsOut(NAMESPACES.argoEvents),
      pipelinesNamespace: w.nsOut(NAMESPACES.pipelines),
      pipelinesNamespaceName: NAMESPACES.pipelines,
      dataEvents: args.cloud.dataEvents,
      region: args.cloud.region,
      identity: w.ident(IDENTITY_KEYS.argoEvents),
      serviceAccountName: w.saOf(IDENTITY_KEYS.argoEvents),
      webhookToken: w.password("git-webhook", 48),
      // The relay also forwards pushes to the built models' repositories (each builds its own commit)
      // and to the feature repository (each applies its own commit).
      ...(args.git
        ? {
            git: {
              ...args.git,
              repositories: [
                ...new Set([
                  ...args.git.repositories,
                  ...builds.map((b) => repositoryPath(b.cloneUrl)),
                  ...(args.featureRepository ? [repositoryPath(args.featureRepository.cloneUrl)] : []),
                ]),
              ],
            },
          }
        : {}),
      ...(args.featureRepository ? { featureRepository: args.featureRepository } : {}),
      ...(args.stepsImage === undefined ? {} : { stepsImage: args.stepsImage }),
      schedule: args.retrainSchedule ?? "0 2 * * *",
      builds,
      defaultDataUri: pulumi.interpolate`${args.cloud.buckets.datasets.uri}/platform/latest/`,
      retrainModels: [...new Set(args.models.map((m) => m.registeredModel))],
      dataPrefixes: Object.fromEntries(args.models.flatMap((m) => (m.dataPrefix ? [[m.registeredModel, m.dataPrefix]] : []))),
      replicas: w.replicas,
      dependsOn: charts,
    },
    { parent: w.parent },
  );
}

function mlflowRepository(cloud: CloudLayer): pulumi.Output<string> {
  return cloud.repositoryUrls[PLATFORM_IMAGES.mlflow.repository] as pulumi.Output<string>;
}

/** The pipeline-step image (its absence is refused with the other problems, before any resource). */
function stepsImageOf(args: PlatformServicesArgs): pulumi.Input<string> {
  if (args.stepsImage === undefined) throw new Error("stepsImage: undefined (see platformProblems)");
  return args.stepsImage;
}

/** The platform's MLflow image: by digest when the stack carries it, else by its pinned tag. */
function mlflowImage(args: Pick<PlatformServicesArgs, "cloud" | "mlflowImageDigest">): pulumi.Output<string> {
  return args.mlflowImageDigest
    ? pulumi.interpolate`${mlflowRepository(args.cloud)}@${args.mlflowImageDigest}`
    : pulumi.interpolate`${mlflowRepository(args.cloud)}:${PLATFORM_IMAGES.mlflow.tag}`;
}

function createMlflow(w: Wiring, sso: SsoSettings, charts: readonly pulumi.Resource[]): Mlflow {
  const { args } = w;
  const { cloud } = args;
  const artifacts = cloud.buckets.artifacts;
  return new Mlflow(
    `${w.name}-mlflow`,
    {
      imageCache: w.imageCache,
      namespace: w.nsOut(NAMESPACES.mlflow),
      namespaceName: NAMESPACES.mlflow,
      database: cloud.databases.mlflow,
      artifactStore:
        cloud.cloud === "aws"
          ? { cloud: "aws", bucket: artifacts.name, region: cloud.region }
          : { cloud: "azure", container: artifacts.name, accountName: artifacts.accountName as pulumi.Output<string> },
      identity: w.ident(IDENTITY_KEYS.mlflow),
      serviceAccountName: w.saOf(IDENTITY_KEYS.mlflow),
      sso,
      allowedGroups: [...new Set([...args.identity.adminGroups, ...args.identity.viewerGroups, ...teamGroups(args)])],
      host: w.host("mlflow"),
      image: {
        repository: mlflowRepository(cloud),
        tag: PLATFORM_IMAGES.mlflow.tag,
        ...(args.mlflowImageDigest ? { digest: args.mlflowImageDigest } : {}),
      },
      replicas: w.replicas,
      size: args.serviceSize,
      cookieSecret: w.password("mlflow-cookie"),
      gate: {
        image: stepsImageOf(args),
        settings: {
          pipelineNamespaces: pipelineNamespaces(args),
          platformNamespace: NAMESPACES.pipelines,
          servingModels: [...new Set(args.models.map((m) => m.registeredModel))],
          adminGroups: [...args.identity.adminGroups],
          registerAccount: PIPELINE_SERVICE_ACCOUNTS.register,
          promoteAccount: PIPELINE_SERVICE_ACCOUNTS.deploy,
        },
      },
      dependsOn: charts,
    },
    { parent: w.parent },
  );
}

function createFeast(w: Wiring): Feast {
  const { args } = w;
  const pipelines = pipelineNamespaces(args);
  return new Feast(
    `${w.name}-feast`,
    {
      imageCache: w.imageCache,
      namespace: w.nsOut(NAMESPACES.feast),
      configNamespaces: [w.nsOut(NAMESPACES.pipelines)],
      database: args.feastStore?.database ?? args.cloud.databases.feast,
      cache: args.feastStore?.cache ?? args.cloud.cache,
      ...(args.feastStore ? { project: args.feastStore.project } : {}),
      offlineUri: args.cloud.buckets.features.uri,
      identity: w.ident(IDENTITY_KEYS.feast),
      serviceAccountName: w.saOf(IDENTITY_KEYS.feast),
      // One binding per role lists every pipeline namespace: a team adds a subject, not an object.
      writers: pipelines.flatMap((ns) => [
        { namespace: ns, name: PIPELINE_SERVICE_ACCOUNTS.data },
        { namespace: ns, name: PIPELINE_SERVICE_ACCOUNTS.train },
      ]),
      readers: [
        { namespace: NAMESPACES.serving, name: w.saOf(IDENTITY_KEYS.serving) },
        ...pipelines.map((ns) => ({ namespace: ns, name: PIPELINE_SERVICE_ACCOUNTS.register })),
      ],
      replicas: w.replicas,
      size: args.serviceSize,
      nodeSelector: args.cpuPoolSelector,
      dependsOn: w.ready,
    },
    { parent: w.parent },
  );
}

function createServing(
  w: Wiring,
  mlflow: Mlflow,
  monitoring: Monitoring,
  ingress: InternalIngress,
  charts: readonly pulumi.Resource[],
): ModelServing {
  const { args } = w;
  return new ModelServing(
    `${w.name}-serving`,
    {
      imageCache: w.imageCache,
      namespace: w.nsOut(NAMESPACES.serving),
      namespaceName: NAMESPACES.serving,
      rolloutsNamespace: w.nsOut(NAMESPACES.argoRollouts),
      kedaNamespace: w.nsOut(NAMESPACES.keda),
      models: args.models,
      identity: w.ident(IDENTITY_KEYS.serving),
      serviceAccountName: w.saOf(IDENTITY_KEYS.serving),
      trackingUri: mlflow.trackingUri,
      defaultImage: mlflowImage(args),
      prometheusUrl: monitoring.prometheusUrl,
      nodeSelector: args.cpuPoolSelector,
      modelsDomain: w.host("models"),
      ingress,
      ingressHost: `${INGRESS_SERVICE_NAME}.${NAMESPACES.ingress}.svc.cluster.local`,
      ...(args.stepsImage !== undefined && args.captureUri !== undefined
        ? { capture: { image: args.stepsImage, uri: args.captureUri, region: args.cloud.region } }
        : {}),
      dependsOn: charts,
    },
    { parent: w.parent },
  );
}

/** The GPU node agents, only when the stack has GPU pools. */
function createGpu(w: Wiring, charts: readonly pulumi.Resource[]): GpuScheduling | undefined {
  if (!w.args.gpuPoolSelector) return undefined;
  return new GpuScheduling(
    `${w.name}-gpu`,
    {
      imageCache: w.imageCache,
      namespace: w.nsOut(NAMESPACES.gpu),
      nodeSelector: w.args.gpuPoolSelector,
      spotTolerations: w.args.cloud.spotTolerations ?? [],
      dependsOn: charts,
    },
    { parent: w.parent },
  );
}

/** The three identities of a pipeline namespace whose data identity is `base`. */
function pipelineIdents(w: Wiring, base: string): PipelineIdentityRefs {
  return {
    data: w.ident(pipelineIdentityKey(base, "data")),
    train: w.ident(pipelineIdentityKey(base, "train")),
    release: w.ident(pipelineIdentityKey(base, "release")),
  };
}

function createTeams(w: Wiring, argo: ArgoWorkflows): Team[] {
  const { args } = w;
  const teamIngress = teamIngressFlows();
  const egress = pipelineEgress(w.ctx);
  // Kueue holds each team to its nominal quota and lends idle GPUs: the namespace quota only caps
  // GPUs at what the pools hold, so a team can borrow (a ResourceQuota would refuse the pod).
  const gpuCeiling = totalGpuCapacity(args.gpuPools ?? []);
  return args.teams.map((team) => {
    const nsName = teamNamespace(team.name);
    return new Team(
      `${w.name}-team-${team.name}`,
      {
        team,
        gpuCeiling,
        identities: pipelineIdents(w, `team-${team.name}`),
        platformApproverGroups: args.identity.approverGroups ?? [],
        artifactStore: artifactStoreOf(args.cloud),
        artifactPrefix: args.artifactPrefix(nsName),
        argo,
        ingress: teamIngress,
        egress,
        retainOnDelete: args.protectData === true,
        ...(args.pipelineSettings
          ? { settings: { name: args.pipelineSettings.name, data: args.pipelineSettings.data(nsName, team.name) } }
          : {}),
      },
      { parent: w.parent },
    );
  });
}

/** Kueue and the GPU queues of every team and GPU pool. */
function createKueue(w: Wiring, teams: readonly Team[], charts: readonly pulumi.Resource[]): Kueue {
  return new Kueue(
    `${w.name}-kueue`,
    {
      imageCache: w.imageCache,
      namespace: w.nsOut(NAMESPACES.kueue),
      teams: w.args.teams,
      gpuPools: w.args.gpuPools ?? [],
      replicas: w.replicas,
      dependsOn: charts,
      queueNamespaces: (ns) => [...w.ready, ...teams.filter((t) => t.namespace === ns)],
    },
    { parent: w.parent },
  );
}

/** Admission in the cluster: what teams submit is judged by the same rules as `workflows:lint` (docs/runtime-guardrails.md). */
function createAdmission(w: Wiring, argo: ArgoWorkflows): AdmissionControl {
  const { args } = w;
  return new AdmissionControl(
    `${w.name}-admission`,
    platformAdmissionArgs({
      environment: args.environment ?? "production",
      registryHost: args.cloud.registryHost,
      platformImages: [
        w.imageCache.apply((c) => cachedImage(imageRef(IMAGES.argoExec), c)),
        mlflowImage(args),
        ...(args.stepsImage === undefined ? [] : [args.stepsImage]),
      ],
      pipelineNamespaces: [NAMESPACES.pipelines],
      teamNamespaces: args.teams.map((t) => teamNamespace(t.name)),
      namespaceAccounts: [
        // Each model's drift account: in ml-pipelines only, the platform's images only.
        ...driftModels(args.models, args.captureUri).map((m) => ({
          namespace: NAMESPACES.pipelines,
          serviceAccount: driftServiceAccount(m.name),
          images: [],
        })),
        // Each built model's training account: in ml-pipelines only, its own repository's images by digest only.
        ...(args.imageBuilds ?? []).map((b) => ({
          namespace: NAMESPACES.pipelines,
          serviceAccount: trainingServiceAccount(b.model),
          images: [],
          imageRepositories: [pulumi.interpolate`${args.cloud.registryHost}/${b.team}/${b.model}`],
        })),
        // The pinned Feast image, for ml-pipelines' feature-apply account only (workflows/feature-apply.yaml).
        {
          namespace: NAMESPACES.pipelines,
          serviceAccount: FEATURE_APPLY_SERVICE_ACCOUNT,
          images: [w.imageCache.apply((c) => cachedImage(imageRef(IMAGES.feastFeatureServer), c))],
        },
      ],
      serving: { namespace: NAMESPACES.serving, serviceAccounts: [w.saOf(IDENTITY_KEYS.serving)] },
      pipelineServiceAccounts: Object.values(PIPELINE_SERVICE_ACCOUNTS),
      platformOnlyServiceAccounts: [PIPELINE_SERVICE_ACCOUNTS.register, PIPELINE_SERVICE_ACCOUNTS.deploy],
      dependsOn: [...w.ready, argo.release],
    }),
    { parent: w.parent },
  );
}

/** The catalogue's ingress routes, each a child of its service's component; returns the URL outputs. */
function createRoutes(
  w: Wiring,
  ingress: InternalIngress,
  components: Readonly<Record<string, pulumi.Resource | undefined>>,
): PlatformUrls {
  const urls: Record<string, pulumi.Output<string>> = {};
  for (const d of enabledServices(w.ctx)) {
    for (const route of d.routes ?? []) {
      tlsIngress(
        route.name,
        {
          namespace: w.nsOut(d.namespace.name),
          host: w.host(route.host),
          serviceName: route.serviceName,
          servicePort: route.servicePort,
          ingress,
        },
        components[d.key] ?? w.parent,
      );
      if (route.output) urls[route.output] = pulumi.output(`https://${w.host(route.host)}`);
    }
  }
  return urls as unknown as PlatformUrls;
}

/** All the Kubernetes platform services. */
export class PlatformServices extends pulumi.ComponentResource {
  public readonly urls: PlatformUrls;
  /** Internal URL of each served model. */
  public readonly modelEndpoints: Record<string, pulumi.Output<string>>;
  /** The internal ingress: its controller release, Service and every host it serves (for the private DNS zone). */
  public readonly ingress: InternalIngressRef;

  constructor(name: string, args: PlatformServicesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops-platform:k8s:PlatformServices", name, {}, opts);
    new ArgsCheck("mlops-platform:k8s:PlatformServices", name).problems(platformServicesProblems(args)).done();

    const ctx: CatalogueContext = {
      networkCidr: args.networkCidr,
      imageBuilds: [...(args.imageBuilds ?? [])],
      featureRepositoryHosts: featureRepositoryHosts(args.featureRepository),
      ...(args.identity.ldap ? { ldapHost: args.identity.ldap.host } : {}),
      // No namespace reaches the internet except named hosts through the egress firewall.
      internet: {
        cloudApiHosts: workloadIdentityHosts(args.cloud.cloud),
        issuerHosts: args.identity.ldap ? [] : [urlHost(args.identity.oidcIssuerUrl)],
        pipelineHosts: [...(args.pipelineEgressHosts ?? [])],
      },
    };
    const base = {
      name,
      args,
      parent: this,
      replicas: args.serviceReplicas,
      ctx,
      host: (svc: string) => `${svc}.${args.domain}`,
      ident: (key: string) => args.cloud.identities[key] as WorkloadIdentityRef,
      saOf: (key: string) => args.identitySpecs.find((s) => s.key === key)?.serviceAccounts[0] as string,
      password: createPasswords(name, this),
      imageCache: cloudImageCache(args.cloud),
    };
    const ns = createNamespaces(name, args, ctx, this);
    const w: Wiring = {
      ...base,
      nsOut: (n) => (ns[n] as PlatformNamespace).name,
      ready: [...args.cloud.readyDependencies, ...Object.values(ns).map((n) => n.namespace)],
    };

    const { sso, dexIssuer } = ssoSettings(base);
    const monitoring = createMonitoring(w, sso);
    const charts = [...w.ready, monitoring.release];
    const ingress = createIngress(w, charts);
    const dex = createDex(w, sso, dexIssuer, charts);
    const argo = createArgo(w, sso, charts);
    const events = createEvents(w, charts);
    const mlflow = createMlflow(w, sso, charts);
    const feast = createFeast(w);
    const serving = createServing(w, mlflow, monitoring, ingress, charts);
    createGpu(w, charts);
    const teams = createTeams(w, argo);
    // Pods already running are enrolled when the CNI agent starts: the mesh needs no ordering before the services.
    createMesh(w, pipelineNamespaces(args), teams, w.ready);
    const kueue = createKueue(w, teams, charts);
    createAdmission(w, argo);
    if ((args.imageBuilds?.length ?? 0) > 0)
      new ImageBuildControl(
        `${name}-image-builds`,
        {
          environment: args.environment ?? "production",
          builderImage: w.imageCache.apply((c) => cachedImage(builderImageRef(), c)),
          registryHost: args.cloud.registryHost,
          builds: args.imageBuilds ?? [],
          // One builder identity per team: AWS pushes with the team's IRSA role, Azure with the team's registry token.
          identities: Object.fromEntries(
            (args.imageBuilds ?? []).flatMap((b) => {
              const id = args.cloud.identities[builderIdentityKey(b.team)];
              return id ? [[b.team, id]] : [];
            }),
          ),
          registrySecrets: args.cloud.cloud === "azure",
          dependsOn: w.ready,
        },
        { parent: this },
      );

    this.urls = createRoutes(w, ingress, {
      monitoring: monitoring,
      dex,
      "argo-workflows": argo,
      "argo-events": events,
      mlflow,
      feast,
      kueue,
    });
    this.modelEndpoints = serving.endpoints;
    this.ingress = { controller: ingress.controller, service: `${NAMESPACES.ingress}/${INGRESS_SERVICE_NAME}`, hosts: ingress.hosts };
    this.registerOutputs({ urls: this.urls, modelEndpoints: this.modelEndpoints });
  }
}
