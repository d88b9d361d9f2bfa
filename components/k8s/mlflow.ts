/**
 * MLflow tracking server and model registry (community-charts chart) behind the MLflow gate, the
 * authorizing proxy that decides every request (`workflows/steps/lib/mlflow-authz.ts`): people
 * reach it through oauth2-proxy (official chart, OIDC login) and the internal ingress, workloads
 * of the pipeline and serving namespaces directly with their projected service-account token.
 * The NetworkPolicies let only the gate reach MLflow. Backend store on the cloud layer's
 * PostgreSQL over TLS, artifacts proxied by MLflow into the encrypted bucket through workload
 * identity.
 */

import * as pulumi from "@pulumi/pulumi";
import { MLFLOW_GATE_SERVICE, MLFLOW_SERVICE, NAMESPACES, PIPELINE_NAMESPACE_LABEL } from "../../contracts/endpoints";
import { CHARTS, IMAGES } from "../../contracts/versions";
import { trainingServiceAccount } from "../../workflows/steps/lib/built-training";
import { type CloudName, type DatabaseRef, PIPELINE_SERVICE_ACCOUNTS, type WorkloadIdentityRef } from "../contracts";
import { ArgsCheck } from "../validate";
import { helmRelease } from "./helm";
import { type ImageCacheInput, viaCache } from "./image-cache";
import type { MlflowAuthzSettings } from "./mlflow-authz";
import { flows } from "./namespace";
import * as k8s from "./sdk";
import {
  type ResourceSize,
  resources,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  secretStringData,
} from "./security";
import type { PlatformServiceDescriptor } from "./service";
import { SERVING_SERVICE_ACCOUNT } from "./serving";
import { oidcClientSecret, type SsoSettings } from "./sso";

/** MLflow's in-cluster service (release `mlflow`). */
export { MLFLOW_SERVICE };
/** oauth2-proxy's service (release `mlflow-auth`). */
export const MLFLOW_AUTH_SERVICE = { name: "mlflow-auth-oauth2-proxy", port: 80, containerPort: 4180 } as const;
/** Pod labels of the MLflow server (for NetworkPolicies). */
export const MLFLOW_POD_LABELS = { "app.kubernetes.io/name": "mlflow" } as const;
/** The MLflow gate's Service, ports and pod labels. */
export { MLFLOW_GATE_SERVICE };
export const MLFLOW_GATE_POD_LABELS = { "app.kubernetes.io/name": "mlflow-gate" } as const;
/** Pod labels of oauth2-proxy (chart `oauth2-proxy`, release `mlflow-auth`). */
export const MLFLOW_AUTH_POD_LABELS = { "app.kubernetes.io/name": "oauth2-proxy" } as const;
/** The MLflow gate's service account (TokenReviews through `system:auth-delegator`, no cloud identity). */
export const MLFLOW_GATE_SERVICE_ACCOUNT = "mlflow-gate";

/** Where MLflow stores artifacts. */
export type MlflowArtifactStore =
  | { readonly cloud: "aws"; readonly bucket: pulumi.Input<string>; readonly region: string }
  | { readonly cloud: "azure"; readonly container: pulumi.Input<string>; readonly accountName: pulumi.Input<string> };

/** Arguments of {@link Mlflow}. */
export interface MlflowArgs {
  /**
   * The stack registry's pull-through cache: every image of this component comes through it.
   * @default none (images from their upstream registries)
   */
  readonly imageCache?: ImageCacheInput;
  readonly namespace: pulumi.Input<string>;
  readonly namespaceName: string;
  readonly database: DatabaseRef;
  readonly artifactStore: MlflowArtifactStore;
  /** The `mlflow` workload identity. */
  readonly identity: WorkloadIdentityRef;
  readonly serviceAccountName: string;
  readonly sso: SsoSettings;
  /** Identity-provider groups allowed through the login (admins, viewers, teams). */
  readonly allowedGroups: readonly string[];
  readonly host: string;
  /** The platform's MLflow image (registry repository URL, fixed tag, and its digest when known: the digest wins). */
  readonly image: { readonly repository: pulumi.Input<string>; readonly tag: string; readonly digest?: string };
  readonly replicas: number;
  readonly size: ResourceSize;
  /** oauth2-proxy cookie-signing secret (32 bytes, secret). */
  readonly cookieSecret: pulumi.Input<string>;
  /** The MLflow gate: the pipeline-step image (exact reference) it runs from and who may write what. */
  readonly gate: { readonly image: pulumi.Input<string>; readonly settings: MlflowAuthzSettings };
  readonly dependsOn: readonly pulumi.Resource[];
}

/** Problems with the args (empty when valid). */
export function mlflowProblems(args: MlflowArgs): string[] {
  const p: string[] = [];
  if (args.database.sslMode !== "require" && args.database.sslMode !== "verify-full") {
    p.push(`database.sslMode: "${String(args.database.sslMode)}" must be "require" or "verify-full": MLflow never connects without TLS`);
  }
  if (args.allowedGroups.length === 0) p.push("allowedGroups: [] would let nobody in; list the admin, viewer and team groups");
  if (!Number.isInteger(args.replicas) || args.replicas < 1) p.push(`replicas: ${args.replicas} must be an integer ≥ 1`);
  const g = args.gate.settings;
  if (!g.pipelineNamespaces.includes(g.platformNamespace))
    p.push(
      `gate.settings.platformNamespace: "${g.platformNamespace}" must be one of pipelineNamespaces (${g.pipelineNamespaces.join(", ")})`,
    );
  if (g.adminGroups.length === 0) p.push("gate.settings.adminGroups: [] would leave the registry with no person who may repair it");
  if (g.registerAccount === g.promoteAccount)
    p.push(
      `gate.settings: registerAccount and promoteAccount are both "${g.registerAccount}"; registration and promotion are separate identities`,
    );
  return p;
}

/** The MLflow chart values (exported for tests). */
export function mlflowValues(args: MlflowArgs, dbSecret: pulumi.Input<string>): Record<string, unknown> {
  const store = args.artifactStore;
  const artifactRoot =
    store.cloud === "aws"
      ? { proxiedArtifactStorage: true, s3: { enabled: true, bucket: store.bucket, path: "mlflow" } }
      : {
          proxiedArtifactStorage: true,
          azureBlob: { enabled: true, container: store.container, storageAccount: store.accountName, path: "mlflow" },
        };
  const cloudEnv: Record<CloudName, Record<string, string>> = {
    aws:
      store.cloud === "aws" ? { AWS_REGION: store.region, AWS_DEFAULT_REGION: store.region, AWS_STS_REGIONAL_ENDPOINTS: "regional" } : {},
    azure: {},
  };
  return {
    replicaCount: args.replicas,
    image: { repository: args.image.repository, tag: args.image.tag, ...(args.image.digest ? { digest: args.image.digest } : {}) },
    serviceAccount: {
      create: true,
      automount: true,
      name: args.serviceAccountName,
      annotations: { ...args.identity.serviceAccountAnnotations },
    },
    extraPodLabels: { ...args.identity.podLabels },
    podSecurityContext: restrictedPodSecurityContext(1001),
    securityContext: restrictedContainerSecurityContext(1001),
    service: { enabled: true, type: "ClusterIP", port: MLFLOW_SERVICE.port, containerPort: MLFLOW_SERVICE.containerPort },
    telemetry: { enabled: false },
    backendStore: {
      databaseMigration: false,
      databaseConnectionCheck: false,
      postgres: { enabled: true, host: args.database.host, port: args.database.port, database: args.database.database, driver: "" },
      existingDatabaseSecret: { name: dbSecret, usernameKey: "username", passwordKey: "password" },
    },
    // MLflow 3 sends anonymous usage telemetry unless told not to (docs/residency.md).
    extraEnvVars: { PGSSLMODE: args.database.sslMode, MLFLOW_DISABLE_TELEMETRY: "true", DO_NOT_TRACK: "true", ...cloudEnv[store.cloud] },
    artifactRoot,
    auth: { enabled: false },
    oidcAuth: { enabled: false },
    // Authentication is oauth2-proxy's, as its own release with its own security context.
    oauth2Proxy: { enabled: false },
    ingress: { enabled: false },
    serverAllowedHosts: [
      args.host,
      MLFLOW_SERVICE.name,
      `${MLFLOW_SERVICE.name}.${args.namespaceName}.svc`,
      `${MLFLOW_SERVICE.name}.${args.namespaceName}.svc.cluster.local`,
    ],
    // Only the gate reaches MLflow (NetworkPolicy), Prometheus included: no scrape of the server itself.
    serviceMonitor: { enabled: false },
    resources: resources(args.size),
    postgresql: { enabled: false },
    mysql: { enabled: false },
    minio: { enabled: false },
  };
}

/** oauth2-proxy values (exported for tests). */
export function oauth2ProxyValues(
  args: MlflowArgs,
  secrets: { oidc: pulumi.Input<string>; cookie: pulumi.Input<string> },
): Record<string, unknown> {
  return {
    image: { repository: viaCache(args.imageCache, IMAGES.oauth2Proxy.repository), tag: IMAGES.oauth2Proxy.tag },
    replicaCount: args.replicas,
    config: {
      existingSecret: secrets.oidc,
      requiredSecretKeys: ["client-id", "client-secret"],
      emailDomains: ["*"],
      // People reach MLflow only through the gate, which trusts oauth2-proxy's user headers on this port alone.
      upstreams: [`http://${MLFLOW_GATE_SERVICE.name}.${args.namespaceName}.svc:${MLFLOW_GATE_SERVICE.peoplePort}`],
    },
    extraEnv: [{ name: "OAUTH2_PROXY_COOKIE_SECRET", valueFrom: { secretKeyRef: { name: secrets.cookie, key: "cookie-secret" } } }],
    // A list (not a map) so that `--allowed-group` can repeat.
    extraArgs: [
      "--provider=oidc",
      pulumi.interpolate`--oidc-issuer-url=${args.sso.issuerUrl}`,
      `--redirect-url=https://${args.host}/oauth2/callback`,
      "--scope=openid email profile groups",
      "--oidc-groups-claim=groups",
      ...args.allowedGroups.map((g) => `--allowed-group=${g}`),
      "--cookie-secure=true",
      "--cookie-samesite=lax",
      "--cookie-httponly=true",
      "--code-challenge-method=S256",
      "--reverse-proxy=true",
      "--skip-provider-button=true",
      // API clients (CLI, notebooks) present an IdP token instead of a browser session.
      "--skip-jwt-bearer-tokens=true",
      "--pass-user-headers=true",
      "--ssl-insecure-skip-verify=false",
    ],
    service: { type: "ClusterIP", portNumber: MLFLOW_AUTH_SERVICE.port },
    securityContext: { enabled: true, ...restrictedContainerSecurityContext(2000) },
    podSecurityContext: restrictedPodSecurityContext(2000),
    resources: resources("small"),
    metrics: { enabled: true, serviceMonitor: { enabled: true } },
    sessionStorage: { type: "cookie" },
    networkPolicy: { create: false },
  };
}

/** The gate's Deployment spec (exported for tests). */
export function mlflowGateDeploymentSpec(args: MlflowArgs): k8s.types.input.apps.v1.DeploymentSpec {
  const upstream = `http://${MLFLOW_SERVICE.name}.${args.namespaceName}.svc:${MLFLOW_SERVICE.port}`;
  return {
    replicas: args.replicas,
    selector: { matchLabels: { ...MLFLOW_GATE_POD_LABELS } },
    template: {
      metadata: { labels: { ...MLFLOW_GATE_POD_LABELS } },
      spec: {
        serviceAccountName: MLFLOW_GATE_SERVICE_ACCOUNT,
        securityContext: restrictedPodSecurityContext(65532),
        containers: [
          {
            name: "gate",
            image: args.gate.image,
            command: ["node"],
            args: ["dist/mlflow-gate.js"],
            env: [
              { name: "MLFLOW_GATE_SETTINGS", value: JSON.stringify(args.gate.settings) },
              { name: "MLFLOW_UPSTREAM", value: upstream },
              { name: "MLFLOW_GATE_WORKLOAD_PORT", value: String(MLFLOW_GATE_SERVICE.containerPort) },
              { name: "MLFLOW_GATE_PEOPLE_PORT", value: String(MLFLOW_GATE_SERVICE.peoplePort) },
            ],
            ports: [
              { name: "workloads", containerPort: MLFLOW_GATE_SERVICE.containerPort },
              { name: "people", containerPort: MLFLOW_GATE_SERVICE.peoplePort },
            ],
            readinessProbe: { httpGet: { path: "/healthz", port: "workloads" }, periodSeconds: 10 },
            livenessProbe: { httpGet: { path: "/healthz", port: "workloads" }, initialDelaySeconds: 10, periodSeconds: 20 },
            securityContext: restrictedContainerSecurityContext(65532),
            resources: resources("small"),
          },
        ],
      },
    },
  };
}

/** MLflow with OIDC login. */
export class Mlflow extends pulumi.ComponentResource {
  public readonly release: k8s.helm.v3.Release;
  public readonly authRelease: k8s.helm.v3.Release;
  /** The MLflow gate, the only path to MLflow. */
  public readonly gate: k8s.apps.v1.Deployment;
  /** In-cluster tracking URI for pipelines and serving. */
  public readonly trackingUri: string;

  constructor(name: string, args: MlflowArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops-platform:k8s:Mlflow", name, {}, opts);
    new ArgsCheck("mlops-platform:k8s:Mlflow", name).problems(mlflowProblems(args)).done();

    const db = new k8s.core.v1.Secret(
      `${name}-postgres`,
      {
        metadata: { name: "mlflow-postgres", namespace: args.namespace },
        type: "Opaque",
        stringData: secretStringData({ username: args.database.username, password: args.database.password }),
      },
      { parent: this, dependsOn: [...args.dependsOn] },
    );
    this.release = helmRelease(
      `${name}-release`,
      { chart: CHARTS.mlflow, releaseName: "mlflow", namespace: args.namespace, values: mlflowValues(args, "mlflow-postgres") },
      { parent: this, dependsOn: [...args.dependsOn, db] },
    );
    const oidc = oidcClientSecret(name, args.sso, args.namespace, this, args.dependsOn);
    const cookie = new k8s.core.v1.Secret(
      `${name}-cookie`,
      {
        metadata: { name: "mlflow-auth-cookie", namespace: args.namespace },
        type: "Opaque",
        stringData: secretStringData({ "cookie-secret": args.cookieSecret }),
      },
      { parent: this, dependsOn: [...args.dependsOn] },
    );
    this.authRelease = helmRelease(
      `${name}-auth`,
      {
        chart: CHARTS.oauth2Proxy,
        releaseName: "mlflow-auth",
        namespace: args.namespace,
        values: oauth2ProxyValues(args, { oidc: oidc.name, cookie: "mlflow-auth-cookie" }),
      },
      { parent: this, dependsOn: [...args.dependsOn, cookie, ...oidc.resources] },
    );
    // The gate: its own account (no cloud identity), allowed to ask the API server who a token is.
    const gateSa = new k8s.core.v1.ServiceAccount(
      `${name}-gate`,
      { metadata: { name: MLFLOW_GATE_SERVICE_ACCOUNT, namespace: args.namespace } },
      { parent: this, dependsOn: [...args.dependsOn] },
    );
    new k8s.rbac.v1.ClusterRoleBinding(
      `${name}-gate-token-review`,
      {
        metadata: { name: "mlflow-gate-token-review" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:auth-delegator" },
        subjects: [{ kind: "ServiceAccount", name: MLFLOW_GATE_SERVICE_ACCOUNT, namespace: args.namespaceName }],
      },
      { parent: this, dependsOn: [gateSa] },
    );
    this.gate = new k8s.apps.v1.Deployment(
      `${name}-gate`,
      { metadata: { name: "mlflow-gate", namespace: args.namespace }, spec: mlflowGateDeploymentSpec(args) },
      { parent: this, dependsOn: [gateSa, this.release] },
    );
    new k8s.core.v1.Service(
      `${name}-gate`,
      {
        metadata: { name: MLFLOW_GATE_SERVICE.name, namespace: args.namespace },
        spec: {
          type: "ClusterIP",
          selector: { ...MLFLOW_GATE_POD_LABELS },
          ports: [
            { name: "workloads", port: MLFLOW_GATE_SERVICE.port, targetPort: "workloads" },
            { name: "people", port: MLFLOW_GATE_SERVICE.peoplePort, targetPort: "people" },
          ],
        },
      },
      { parent: this, dependsOn: [...args.dependsOn] },
    );
    this.trackingUri = `http://${MLFLOW_GATE_SERVICE.name}.${args.namespaceName}.svc:${MLFLOW_GATE_SERVICE.port}`;
    this.registerOutputs({ release: this.release, authRelease: this.authRelease, trackingUri: this.trackingUri });
  }
}

/** The service account of the MLflow server. */
export const MLFLOW_SERVICE_ACCOUNT = "mlflow";

/** Catalogue entry: the MLflow tracking server and model registry behind oauth2-proxy. */
export const mlflowService: PlatformServiceDescriptor = {
  key: "mlflow",
  namespace: { name: NAMESPACES.mlflow },
  charts: [CHARTS.mlflow, CHARTS.oauth2Proxy],
  identity: {
    key: "mlflow",
    serviceAccounts: [MLFLOW_SERVICE_ACCOUNT],
    // MLflow proxies artifact access (--serve-artifacts), so only it writes the model store.
    buckets: [{ purpose: "artifacts", prefix: "mlflow/", mode: "readwrite" }],
    readDataLakes: false,
    registry: "none",
    consumeDataEvents: false,
  },
  // MLflow itself takes traffic from its own namespace only (the gate); outside pods reach the gate's
  // workload port (pipelines, model servers) or oauth2-proxy (the ingress), and Prometheus scrapes oauth2-proxy.
  ingress: (ctx) => [
    flows.fromIngress([MLFLOW_AUTH_SERVICE.containerPort], { ...MLFLOW_AUTH_POD_LABELS }),
    {
      description: "pipelines log runs and register models, model servers download models: through the gate",
      // The identities that call the gate today (the mesh admits only these, docs/in-cluster-encryption.md);
      // a built model's training code logs its run as its own account (train-<model> in ml-pipelines).
      peers: [
        { namespaceLabels: { ...PIPELINE_NAMESPACE_LABEL }, serviceAccounts: Object.values(PIPELINE_SERVICE_ACCOUNTS) },
        ...((ctx.imageBuilds ?? []).length > 0
          ? [{ namespace: NAMESPACES.pipelines, serviceAccounts: (ctx.imageBuilds ?? []).map((b) => trainingServiceAccount(b.model)) }]
          : []),
        { namespace: NAMESPACES.serving, serviceAccounts: [SERVING_SERVICE_ACCOUNT] },
      ],
      ports: [{ port: MLFLOW_GATE_SERVICE.containerPort }],
      podLabels: { ...MLFLOW_GATE_POD_LABELS },
    },
    { ...flows.scrape(), podLabels: { ...MLFLOW_AUTH_POD_LABELS } },
  ],
  egress: (ctx) => [
    flows.postgres(ctx.networkCidr),
    flows.cloudApis(ctx.internet?.cloudApiHosts),
    ...flows.issuer(ctx),
    { ...flows.apiServer(ctx.networkCidr), podLabels: { ...MLFLOW_GATE_POD_LABELS } },
  ],
  quota: { cpu: 4, memoryGiB: 16, perReplica: true },
  routes: [
    { name: "mlflow", host: "mlflow", serviceName: MLFLOW_AUTH_SERVICE.name, servicePort: MLFLOW_AUTH_SERVICE.port, output: "mlflow" },
  ],
};
