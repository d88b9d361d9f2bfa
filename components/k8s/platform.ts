/**
 * The Kubernetes platform services of one stack, composed on the cluster of any cloud layer:
 * namespaces with their baseline, monitoring, the internal ingress, SSO (Dex for LDAP), Argo
 * Workflows and Events, MLflow, Feast, model serving, GPU agents and the teams. It receives the
 * cloud layer's {@link CloudLayer} contract and typed settings; it reads no configuration.
 *
 * The Kubernetes provider is passed once, in this component's options; every child inherits it.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import {
  type CloudLayer,
  NAMESPACES,
  PIPELINE_SERVICE_ACCOUNTS,
  teamNamespace,
  type WorkloadIdentityRef,
  type WorkloadIdentitySpec,
} from "../contracts";
import { ArgoEvents, WEBHOOK_PORT } from "./argo-events";
import {
  ARGO_SERVICE_ACCOUNTS,
  ArgoWorkflows,
  type ArtifactStore,
  clusterWorkflowResources,
  pipelineNamespaceResources,
} from "./argo-workflows";
import { FEAST_POD_LABELS, FEAST_SERVICE, Feast } from "./feast";
import { GpuScheduling } from "./gpu";
import { InternalIngress, tlsIngress } from "./ingress";
import { MLFLOW_AUTH_SERVICE, MLFLOW_POD_LABELS, MLFLOW_SERVICE, Mlflow } from "./mlflow";
import { GRAFANA_SERVICE, Monitoring } from "./monitoring";
import { flows, type NamespaceQuota, type NetworkFlow, PlatformNamespace } from "./namespace";
import type { ResourceSize } from "./security";
import { MODEL_PORT, ModelServing, type ServedModelSpec } from "./serving";
import { Dex, type IdentitySettings, oidcEndpoints, type SsoSettings } from "./sso";
import { Team, type TeamSpec } from "./team";
import { PLATFORM_IMAGES } from "./versions";

/** Namespace of cert-manager (not part of the cloud contract: no cloud identity). */
export const CERT_MANAGER_NAMESPACE = "cert-manager";
/** Namespace of Dex (only with LDAP). */
export const DEX_NAMESPACE = "dex";
/** Label every pipeline namespace carries (ml-pipelines and the teams). */
export const PIPELINE_NAMESPACE_LABEL = { "mlops.platform/pipelines": "true" } as const;
/** Private address ranges allowed to reach the internal ingress (the corporate network through private links). */
export const INTERNAL_CLIENT_CIDRS = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] as const;

/** Identity keys the platform services need (see `stacks/identities.ts`). */
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
  readonly teams: readonly TeamSpec[];
  readonly models: readonly ServedModelSpec[];
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
  /** The Argo objects of `workflows/`. */
  readonly workflowManifests: readonly Record<string, unknown>[];
  /** Artifact key prefix of a pipeline namespace. */
  readonly artifactPrefix: (namespace: string) => string;
  /** The trusted settings ConfigMap of each pipeline namespace (`workflows/`: `mlops-pipeline-settings`). */
  readonly pipelineSettings?: {
    readonly name: string;
    readonly data: (namespace: string, team?: string) => pulumi.Input<Record<string, pulumi.Input<string>>>;
  };
  /** Keep namespaces (and their volumes and secrets) on delete: production stacks (`protectData`). @default false */
  readonly protectData?: boolean;
  /** Schedule of the periodic retraining. @default "0 2 * * *" */
  readonly retrainSchedule?: string;
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
  const p: string[] = [];
  const keys = [...Object.values(IDENTITY_KEYS), ...args.teams.map((t) => `team-${t.name}`)];
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
  for (const key of Object.values(IDENTITY_KEYS)) {
    if (!args.identitySpecs.some((s) => s.key === key)) p.push(`identitySpecs: no spec with key "${key}"; pass workloadIdentitySpecs(cfg)`);
  }
  if (!/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,63}$/.test(args.domain))
    p.push(`domain: "${args.domain}" is not a DNS domain, e.g. dev.mlops.internal`);
  if (!Number.isInteger(args.serviceReplicas) || args.serviceReplicas < 1)
    p.push(`serviceReplicas: ${args.serviceReplicas} must be an integer ≥ 1`);
  if (Object.keys(args.cpuPoolSelector).length === 0) p.push("cpuPoolSelector: {} must name the CPU inference pool's labels");
  if (args.identity.adminGroups.length === 0) p.push("identity.adminGroups: [] needs at least one group");
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

/** Quotas of the platform namespaces, scaled by the replica count. */
function platformQuota(cpu: number, memoryGiB: number, replicas: number): NamespaceQuota {
  const f = Math.max(1, replicas);
  return { cpu: cpu * f, memoryGiB: memoryGiB * f, gpu: 0 };
}

/** All the Kubernetes platform services. */
export class PlatformServices extends pulumi.ComponentResource {
  public readonly urls: PlatformUrls;
  /** Internal URL of each served model. */
  public readonly modelEndpoints: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: PlatformServicesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops-platform:k8s:PlatformServices", name, {}, opts);
    const problems = platformServicesProblems(args);
    if (problems.length) throw new Error(`PlatformServices "${name}" has invalid arguments:\n  - ${problems.join("\n  - ")}`);

    const { cloud } = args;
    const N = args.networkCidr;
    const replicas = args.serviceReplicas;
    const ident = (key: string) => cloud.identities[key] as WorkloadIdentityRef;
    const saOf = (key: string) => args.identitySpecs.find((s) => s.key === key)?.serviceAccounts[0] as string;
    const host = (svc: string) => `${svc}.${args.domain}`;

    // Secrets the platform generates itself (never in a file).
    const randomProvider = new random.Provider(`${name}-random`, {}, { parent: this });
    const password = (role: string, length = 32) =>
      new random.RandomPassword(`${name}-${role}`, { length, special: false }, { parent: this, provider: randomProvider }).result;

    // Namespaces and their flows.
    const scrape = flows.namespace("Prometheus scrape", NAMESPACES.monitoring, []);
    const fromIngress = (ports: number[], podLabels?: Record<string, string>): NetworkFlow => ({
      ...flows.namespace("internal ingress controller", NAMESPACES.ingress, ports),
      ...(podLabels ? { podLabels } : {}),
    });
    const pipelinePeers = { namespaceLabels: { ...PIPELINE_NAMESPACE_LABEL } };
    const pipelineEgress: NetworkFlow[] = [
      flows.apiServer(N),
      flows.cloudApis(),
      flows.postgres(N),
      flows.redis(N),
      flows.namespace("MLflow tracking and registry", NAMESPACES.mlflow, [MLFLOW_SERVICE.containerPort]),
      flows.namespace("Feast feature server", NAMESPACES.feast, [FEAST_SERVICE.port]),
    ];
    const nsDefs: Record<
      string,
      { ingress: NetworkFlow[]; egress: NetworkFlow[]; quota: NamespaceQuota; privileged?: boolean; labels?: Record<string, string> }
    > = {
      [NAMESPACES.monitoring]: {
        ingress: [
          fromIngress([3000]),
          flows.namespace("Rollouts analysis queries", NAMESPACES.argoRollouts, [9090]),
          flows.webhook(N, 10250),
        ],
        egress: [
          { description: "scrape every namespace", peers: [{ allNamespaces: true }] },
          { description: "kubelets, node exporters and the API server", peers: [{ cidr: N }] },
          flows.cloudApis(),
        ],
        quota: platformQuota(8, 32, replicas),
      },
      [NAMESPACES.ingress]: {
        ingress: [
          {
            description: "clients on private networks (internal load balancer)",
            peers: INTERNAL_CLIENT_CIDRS.map((cidr) => ({ cidr })),
            ports: [{ port: 8443 }],
          },
          scrape,
        ],
        egress: [{ description: "backends in every namespace", peers: [{ allNamespaces: true }] }, flows.apiServer(N)],
        quota: platformQuota(4, 8, replicas),
      },
      [CERT_MANAGER_NAMESPACE]: { ingress: [flows.webhook(N, 10250), scrape], egress: [flows.apiServer(N)], quota: platformQuota(2, 4, 1) },
      [NAMESPACES.argo]: {
        ingress: [fromIngress([2746]), scrape],
        egress: [flows.apiServer(N), flows.postgres(N), flows.cloudApis()],
        quota: platformQuota(4, 8, replicas),
      },
      [NAMESPACES.argoEvents]: {
        ingress: [fromIngress([WEBHOOK_PORT]), scrape],
        egress: [flows.apiServer(N), flows.cloudApis()],
        quota: platformQuota(4, 8, 1),
      },
      [NAMESPACES.argoRollouts]: {
        ingress: [scrape],
        egress: [flows.apiServer(N), flows.namespace("Prometheus queries", NAMESPACES.monitoring, [9090])],
        quota: platformQuota(2, 4, 1),
      },
      [NAMESPACES.mlflow]: {
        ingress: [
          fromIngress([MLFLOW_AUTH_SERVICE.containerPort]),
          {
            description: "pipelines log runs and register models",
            peers: [pipelinePeers, { namespace: NAMESPACES.serving }],
            ports: [{ port: MLFLOW_SERVICE.containerPort }],
            podLabels: { ...MLFLOW_POD_LABELS },
          },
          scrape,
        ],
        egress: [flows.postgres(N), flows.cloudApis()],
        quota: platformQuota(4, 16, replicas),
      },
      [NAMESPACES.feast]: {
        ingress: [
          fromIngress([FEAST_SERVICE.port]),
          {
            description: "pipelines and serving read features",
            peers: [pipelinePeers, { namespace: NAMESPACES.serving }],
            ports: [{ port: FEAST_SERVICE.port }],
            podLabels: { ...FEAST_POD_LABELS },
          },
          scrape,
        ],
        egress: [flows.apiServer(N), flows.postgres(N), flows.redis(N), flows.cloudApis()],
        quota: platformQuota(4, 16, replicas),
      },
      [NAMESPACES.serving]: {
        ingress: [fromIngress([MODEL_PORT]), scrape],
        egress: [
          flows.namespace("model download from MLflow", NAMESPACES.mlflow, [MLFLOW_SERVICE.containerPort]),
          flows.namespace("online features", NAMESPACES.feast, [FEAST_SERVICE.port]),
          flows.cloudApis(),
        ],
        quota: platformQuota(16, 64, replicas),
      },
      [NAMESPACES.gpu]: { ingress: [scrape], egress: [flows.apiServer(N)], quota: platformQuota(4, 8, 1), privileged: true },
      [NAMESPACES.pipelines]: {
        ingress: [scrape],
        egress: pipelineEgress,
        quota: { cpu: 32, memoryGiB: 128, gpu: 8 },
        labels: { ...PIPELINE_NAMESPACE_LABEL },
      },
    };
    if (args.identity.ldap) {
      const ldapPort = Number(args.identity.ldap.host.split(":")[1] ?? 636);
      nsDefs[DEX_NAMESPACE] = {
        ingress: [fromIngress([5556])],
        egress: [
          flows.apiServer(N),
          { description: "LDAP directory (LDAPS)", peers: [{ cidr: "0.0.0.0/0" }], ports: [{ port: ldapPort }] },
        ],
        quota: platformQuota(2, 4, 1),
      };
    }
    const ns: Record<string, PlatformNamespace> = {};
    for (const [nsName, def] of Object.entries(nsDefs)) {
      ns[nsName] = new PlatformNamespace(
        `${name}-ns-${nsName}`,
        {
          name: nsName,
          ingress: def.ingress,
          egress: def.egress,
          quota: def.quota,
          podSecurity: def.privileged ? "privileged" : "restricted",
          retainOnDelete: args.protectData === true,
          ...(def.labels ? { labels: def.labels } : {}),
        },
        { parent: this },
      );
    }
    const nsOut = (n: string) => (ns[n] as PlatformNamespace).name;
    // Everything the services install waits for the cluster's readiness and the namespaces.
    const ready = [...cloud.readyDependencies, ...Object.values(ns).map((n) => n.namespace)];

    // Monitoring first: the other charts declare ServiceMonitors, whose CRD it installs.
    const ssoBase = (issuer: string, clientSecret: pulumi.Input<string> | undefined): SsoSettings => ({
      issuerUrl: issuer,
      clientId: args.identity.oidcClientId,
      adminGroups: args.identity.adminGroups,
      viewerGroups: args.identity.viewerGroups,
      endpoints: oidcEndpoints(issuer),
      ...(clientSecret === undefined ? {} : { clientSecret }),
    });
    const dexIssuer = `https://${host("dex")}`;
    const sso = args.identity.ldap
      ? ssoBase(dexIssuer, password("dex-client"))
      : ssoBase(args.identity.oidcIssuerUrl, args.identity.oidcClientSecret);
    const teamGroups = args.teams.flatMap((t) => t.groups);
    const monitoring = new Monitoring(
      `${name}-monitoring`,
      {
        namespace: nsOut(NAMESPACES.monitoring),
        namespaceName: NAMESPACES.monitoring,
        nodeAgentsNamespace: NAMESPACES.gpu,
        servingNamespace: NAMESPACES.serving,
        sso,
        extraViewerGroups: teamGroups,
        host: host("grafana"),
        storageClassName: cloud.storageClassName,
        retentionDays: Math.min(args.retentionDays, 90),
        replicas,
        thresholds: { driftPsi: args.driftThreshold },
        grafanaAdminPassword: password("grafana-admin"),
        dependsOn: ready,
      },
      { parent: this },
    );
    const charts = [...ready, monitoring.release];
    const ingress = new InternalIngress(
      `${name}-ingress`,
      {
        namespace: nsOut(NAMESPACES.ingress),
        certManagerNamespace: nsOut(CERT_MANAGER_NAMESPACE),
        internalLoadBalancerAnnotations: cloud.internalLoadBalancerAnnotations,
        replicas,
        dependsOn: charts,
      },
      { parent: this },
    );
    if (args.identity.ldap) {
      const dex = new Dex(
        `${name}-dex`,
        {
          namespace: nsOut(DEX_NAMESPACE),
          issuerUrl: dexIssuer,
          clientId: args.identity.oidcClientId,
          clientSecret: sso.clientSecret as pulumi.Input<string>,
          redirectUris: [
            `https://${host("argo")}/oauth2/callback`,
            `https://${host("mlflow")}/oauth2/callback`,
            `https://${host("grafana")}/login/generic_oauth`,
          ],
          ldap: args.identity.ldap,
          replicas,
          dependsOn: charts,
        },
        { parent: this },
      );
      tlsIngress("dex", { namespace: nsOut(DEX_NAMESPACE), host: host("dex"), serviceName: "dex", servicePort: 5556, ingress }, dex);
    }

    // Argo Workflows and the pipeline namespace.
    const argo = new ArgoWorkflows(
      `${name}-argo`,
      {
        namespace: nsOut(NAMESPACES.argo),
        pipelineNamespaces: [NAMESPACES.pipelines, ...args.teams.map((t) => teamNamespace(t.name))],
        database: cloud.databases.argo,
        sso,
        host: host("argo"),
        replicas,
        identity: ident(IDENTITY_KEYS.argoWorkflows),
        archiveTtlDays: args.retentionDays,
        dependsOn: charts,
      },
      { parent: this },
    );
    const artifacts = cloud.buckets.artifacts;
    const artifactStore: ArtifactStore =
      cloud.cloud === "aws"
        ? { cloud: "aws", bucket: artifacts.name, region: cloud.region, endpoint: artifacts.endpoint }
        : {
            cloud: "azure",
            container: artifacts.name,
            accountName: artifacts.accountName as pulumi.Output<string>,
            endpoint: artifacts.endpoint,
          };
    pipelineNamespaceResources(
      `${name}-pipelines`,
      {
        namespace: nsOut(NAMESPACES.pipelines),
        namespaceName: NAMESPACES.pipelines,
        identity: ident(IDENTITY_KEYS.pipelines),
        artifactStore,
        artifactPrefix: args.artifactPrefix(NAMESPACES.pipelines),
        workflowManifests: args.workflowManifests,
        install: "all",
        argo,
        deployTo: nsOut(NAMESPACES.serving),
        dependsOn: ready,
        ...(args.pipelineSettings
          ? { settings: { name: args.pipelineSettings.name, data: args.pipelineSettings.data(NAMESPACES.pipelines) } }
          : {}),
      },
      this,
    );
    clusterWorkflowResources(`${name}-workflows`, args.workflowManifests, argo, this);
    tlsIngress(
      "argo",
      { namespace: nsOut(NAMESPACES.argo), host: host("argo"), serviceName: "argo-workflows-server", servicePort: 2746, ingress },
      argo,
    );

    const events = new ArgoEvents(
      `${name}-events`,
      {
        namespace: nsOut(NAMESPACES.argoEvents),
        pipelinesNamespace: nsOut(NAMESPACES.pipelines),
        pipelinesNamespaceName: NAMESPACES.pipelines,
        dataEvents: cloud.dataEvents,
        region: cloud.region,
        identity: ident(IDENTITY_KEYS.argoEvents),
        serviceAccountName: saOf(IDENTITY_KEYS.argoEvents),
        webhookSecret: password("git-webhook", 48),
        schedule: args.retrainSchedule ?? "0 2 * * *",
        defaultDataUri: pulumi.interpolate`${cloud.buckets.datasets.uri}/platform/latest/`,
        retrainModels: [...new Set(args.models.map((m) => m.registeredModel))],
        replicas,
        dependsOn: charts,
      },
      { parent: this },
    );
    tlsIngress(
      "events",
      {
        namespace: nsOut(NAMESPACES.argoEvents),
        host: host("events"),
        serviceName: events.webhookService.name,
        servicePort: events.webhookService.port,
        ingress,
      },
      events,
    );

    const mlflowRepo = cloud.repositoryUrls[PLATFORM_IMAGES.mlflow.repository] as pulumi.Output<string>;
    const mlflow = new Mlflow(
      `${name}-mlflow`,
      {
        namespace: nsOut(NAMESPACES.mlflow),
        namespaceName: NAMESPACES.mlflow,
        database: cloud.databases.mlflow,
        artifactStore:
          cloud.cloud === "aws"
            ? { cloud: "aws", bucket: artifacts.name, region: cloud.region }
            : { cloud: "azure", container: artifacts.name, accountName: artifacts.accountName as pulumi.Output<string> },
        identity: ident(IDENTITY_KEYS.mlflow),
        serviceAccountName: saOf(IDENTITY_KEYS.mlflow),
        sso,
        allowedGroups: [...new Set([...args.identity.adminGroups, ...args.identity.viewerGroups, ...teamGroups])],
        host: host("mlflow"),
        image: { repository: mlflowRepo, tag: PLATFORM_IMAGES.mlflow.tag },
        replicas,
        size: args.serviceSize,
        cookieSecret: password("mlflow-cookie"),
        dependsOn: charts,
      },
      { parent: this },
    );
    tlsIngress(
      "mlflow",
      {
        namespace: nsOut(NAMESPACES.mlflow),
        host: host("mlflow"),
        serviceName: MLFLOW_AUTH_SERVICE.name,
        servicePort: MLFLOW_AUTH_SERVICE.port,
        ingress,
      },
      mlflow,
    );

    const feast = new Feast(
      `${name}-feast`,
      {
        namespace: nsOut(NAMESPACES.feast),
        configNamespaces: [nsOut(NAMESPACES.pipelines)],
        database: cloud.databases.feast,
        cache: cloud.cache,
        offlineUri: cloud.buckets.features.uri,
        identity: ident(IDENTITY_KEYS.feast),
        serviceAccountName: saOf(IDENTITY_KEYS.feast),
        // One binding per role lists every pipeline namespace: a team adds a subject, not an object.
        writers: [NAMESPACES.pipelines, ...args.teams.map((t) => teamNamespace(t.name))].flatMap((ns) => [
          { namespace: ns, name: PIPELINE_SERVICE_ACCOUNTS.data },
          { namespace: ns, name: PIPELINE_SERVICE_ACCOUNTS.train },
        ]),
        readers: [
          { namespace: NAMESPACES.serving, name: saOf(IDENTITY_KEYS.serving) },
          ...[NAMESPACES.pipelines, ...args.teams.map((t) => teamNamespace(t.name))].map((ns) => ({
            namespace: ns,
            name: PIPELINE_SERVICE_ACCOUNTS.register,
          })),
        ],
        replicas,
        size: args.serviceSize,
        nodeSelector: args.cpuPoolSelector,
        dependsOn: ready,
      },
      { parent: this },
    );
    tlsIngress(
      "features",
      {
        namespace: nsOut(NAMESPACES.feast),
        host: host("features"),
        serviceName: FEAST_SERVICE.name,
        servicePort: FEAST_SERVICE.port,
        ingress,
      },
      feast,
    );

    const serving = new ModelServing(
      `${name}-serving`,
      {
        namespace: nsOut(NAMESPACES.serving),
        namespaceName: NAMESPACES.serving,
        rolloutsNamespace: nsOut(NAMESPACES.argoRollouts),
        models: args.models,
        identity: ident(IDENTITY_KEYS.serving),
        serviceAccountName: saOf(IDENTITY_KEYS.serving),
        trackingUri: mlflow.trackingUri,
        defaultImage: pulumi.interpolate`${mlflowRepo}:${PLATFORM_IMAGES.mlflow.tag}`,
        prometheusUrl: monitoring.prometheusUrl,
        nodeSelector: args.cpuPoolSelector,
        defaultReplicas: Math.max(2, replicas),
        modelsDomain: host("models"),
        ingress,
        dependsOn: charts,
      },
      { parent: this },
    );

    if (args.gpuPoolSelector) {
      new GpuScheduling(
        `${name}-gpu`,
        {
          namespace: nsOut(NAMESPACES.gpu),
          nodeSelector: args.gpuPoolSelector,
          spotTolerations: cloud.spotTolerations ?? [],
          dependsOn: charts,
        },
        { parent: this },
      );
    }

    const teamIngress = [scrape];
    for (const team of args.teams) {
      const nsName = teamNamespace(team.name);
      new Team(
        `${name}-team-${team.name}`,
        {
          team,
          identity: ident(`team-${team.name}`),
          artifactStore,
          artifactPrefix: args.artifactPrefix(nsName),
          argo,
          ingress: teamIngress,
          egress: pipelineEgress,
          retainOnDelete: args.protectData === true,
          ...(args.pipelineSettings
            ? { settings: { name: args.pipelineSettings.name, data: args.pipelineSettings.data(nsName, team.name) } }
            : {}),
        },
        { parent: this },
      );
    }
    tlsIngress(
      "grafana",
      {
        namespace: nsOut(NAMESPACES.monitoring),
        host: host("grafana"),
        serviceName: GRAFANA_SERVICE.name,
        servicePort: GRAFANA_SERVICE.port,
        ingress,
      },
      monitoring,
    );

    this.urls = {
      mlflow: pulumi.output(`https://${host("mlflow")}`),
      argo: pulumi.output(`https://${host("argo")}`),
      grafana: pulumi.output(`https://${host("grafana")}`),
      featureServer: pulumi.output(`https://${host("features")}`),
    };
    this.modelEndpoints = serving.endpoints;
    this.registerOutputs({ urls: this.urls, modelEndpoints: this.modelEndpoints });
  }
}
