/**
 * Feast feature store: the feature server with its SQL registry in PostgreSQL (TLS), the online
 * store on the cloud layer's Redis (TLS + auth), the offline store in the encrypted features
 * bucket (reached through workload identity) and Kubernetes authentication on the server: callers
 * present their service-account (or cluster user) token, the server checks it with a TokenReview
 * and maps the caller's Roles in the Feast namespace onto Feast permissions. The same
 * `feature_store.yaml` (a Secret: it carries the database and cache credentials) is written into
 * the pipelines namespace, where the materialization CronWorkflow from `workflows/` runs.
 */

import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { FEAST_SERVICE, NAMESPACES, PIPELINE_NAMESPACE_LABEL } from "../../contracts/endpoints";
import { IMAGES, imageRef } from "../../contracts/versions";
import { type CacheRef, type DatabaseRef, PIPELINE_SERVICE_ACCOUNTS, type WorkloadIdentityRef } from "../contracts";
import { ArgsCheck } from "../validate";
import { type ImageCacheInput, viaCache } from "./image-cache";
import { flows } from "./namespace";
import * as k8s from "./sdk";
import { type ResourceSize, resources, restrictedContainerSecurityContext, restrictedPodSecurityContext, scratchVolume } from "./security";
import type { PlatformServiceDescriptor } from "./service";
import { SERVING_SERVICE_ACCOUNT } from "./serving";

/** The feature server's service. */
export { FEAST_SERVICE };
/** Labels of the feature-server pods. */
export const FEAST_POD_LABELS = {
  "app.kubernetes.io/name": "feast-feature-server",
  "app.kubernetes.io/part-of": "mlops-platform",
} as const;
/** Roles in the Feast namespace that Feast permissions (in the feature repository) refer to. */
export const FEAST_ROLES = { writer: "feast-writer", reader: "feast-reader" } as const;

/** Name of the Secret holding `feature_store.yaml`. */
export const FEAST_CONFIG_SECRET = "feast-feature-store";

/** Plain values of `feature_store.yaml`. */
export interface FeastStoreConfig {
  readonly project: string;
  readonly database: { host: string; port: number; database: string; username: string; password: string; sslMode: string };
  readonly cache: { host: string; port: number; password: string };
  readonly offlineUri: string;
}

/**
 * `feature_store.yaml`: SQL registry over TLS, Redis over TLS with auth, offline data in the
 * features bucket, Kubernetes authentication. Credentials are URL-encoded into the connection strings.
 */
export function featureStoreYaml(c: FeastStoreConfig): string {
  const user = encodeURIComponent(c.database.username);
  const pass = encodeURIComponent(c.database.password);
  return stringify({
    project: c.project,
    provider: "local",
    registry: {
      registry_type: "sql",
      path: `postgresql+psycopg://${user}:${pass}@${c.database.host}:${c.database.port}/${c.database.database}?sslmode=${c.database.sslMode}`,
      cache_ttl_seconds: 60,
      sqlalchemy_config_kwargs: { pool_pre_ping: true },
    },
    online_store: {
      type: "redis",
      redis_type: "redis",
      connection_string: `${c.cache.host}:${c.cache.port},ssl=true,password=${c.cache.password}`,
    },
    offline_store: { type: "dask" },
    batch_engine: { type: "local" },
    entity_key_serialization_version: 3,
    auth: { type: "kubernetes" },
  }).concat(`# offline data: ${c.offlineUri}/feast/\n`);
}

/** Arguments of {@link Feast}. */
export interface FeastArgs {
  /**
   * The stack registry's pull-through cache: every image of this component comes through it.
   * @default none (images from their upstream registries)
   */
  readonly imageCache?: ImageCacheInput;
  readonly namespace: pulumi.Input<string>;
  /** Extra namespaces that get the `feature_store.yaml` Secret (pipelines, for materialization). */
  readonly configNamespaces: readonly pulumi.Input<string>[];
  /** The SQL registry (the stack's PostgreSQL, or an attached Feast's). */
  readonly database: DatabaseRef;
  /** The online store (the stack's Redis, or an attached Feast's). */
  readonly cache: CacheRef;
  /**
   * The Feast project of the registry.
   * @default "mlops_platform"
   */
  readonly project?: string;
  /** `s3://…` or `abfss://…` URI of the features bucket. */
  readonly offlineUri: pulumi.Input<string>;
  readonly identity: WorkloadIdentityRef;
  readonly serviceAccountName: string;
  /**
   * Service accounts that may write (materialise, apply) and read features, as
   * `{namespace, name}`; they get the Roles {@link FEAST_ROLES} in the Feast namespace.
   */
  readonly writers: readonly { readonly namespace: string; readonly name: string }[];
  readonly readers: readonly { readonly namespace: string; readonly name: string }[];
  readonly replicas: number;
  readonly size: ResourceSize;
  /** Node selector of the CPU pool the server runs on. */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly dependsOn: readonly pulumi.Resource[];
}

/** Problems with the args (empty when valid). */
export function feastProblems(args: FeastArgs): string[] {
  const p: string[] = [];
  if (args.cache.tls !== true) p.push(`cache.tls: ${String(args.cache.tls)} must be true: the online store only speaks TLS`);
  if (args.database.sslMode !== "require" && args.database.sslMode !== "verify-full") {
    p.push(`database.sslMode: "${String(args.database.sslMode)}" must be "require" or "verify-full"`);
  }
  if (!Number.isInteger(args.replicas) || args.replicas < 1) p.push(`replicas: ${args.replicas} must be an integer ≥ 1`);
  if (args.project !== undefined && !/^[A-Za-z0-9_]{1,64}$/.test(args.project))
    p.push(`project: "${args.project}" must be a Feast project name (letters, digits, underscores), e.g. risk_features`);
  return p;
}

/** The Feast feature server. */
export class Feast extends pulumi.ComponentResource {
  public readonly service: k8s.core.v1.Service;
  /** In-cluster URL of the feature server. */
  public readonly url: string;

  constructor(name: string, args: FeastArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops-platform:k8s:Feast", name, {}, opts);
    new ArgsCheck("mlops-platform:k8s:Feast", name).problems(feastProblems(args)).done();

    const d = args.database;
    const db = pulumi.all([d.host, d.port, d.database, d.username, d.password]);
    const cache = pulumi.all([args.cache.host, args.cache.port, args.cache.password]);
    const yamlText = pulumi
      .all([db, cache, pulumi.output(args.offlineUri)])
      .apply(([[host, port, database, username, password], [cHost, cPort, cPass], offlineUri]) =>
        featureStoreYaml({
          project: args.project ?? "mlops_platform",
          database: { host, port, database, username, password, sslMode: d.sslMode },
          cache: { host: cHost, port: cPort, password: cPass },
          offlineUri,
        }),
      );
    const secretData = pulumi.secret(yamlText).apply((y) => ({ "feature_store.yaml": y }));
    const configSecret = new k8s.core.v1.Secret(
      `${name}-config`,
      { metadata: { name: FEAST_CONFIG_SECRET, namespace: args.namespace }, type: "Opaque", stringData: secretData },
      { parent: this, dependsOn: [...args.dependsOn] },
    );
    args.configNamespaces.forEach((ns, i) => {
      new k8s.core.v1.Secret(
        `${name}-config-${i}`,
        { metadata: { name: FEAST_CONFIG_SECRET, namespace: ns }, type: "Opaque", stringData: secretData },
        { parent: this, dependsOn: [...args.dependsOn] },
      );
    });
    const sa = new k8s.core.v1.ServiceAccount(
      `${name}-sa`,
      {
        metadata: {
          name: args.serviceAccountName,
          namespace: args.namespace,
          annotations: { ...args.identity.serviceAccountAnnotations },
          labels: { ...args.identity.podLabels },
        },
      },
      { parent: this, dependsOn: [...args.dependsOn] },
    );
    // Kubernetes authentication: the server reviews callers' tokens and reads their Roles here.
    const rbac = "rbac.authorization.k8s.io";
    new k8s.rbac.v1.ClusterRole(
      `${name}-token-review`,
      {
        metadata: { name: "mlops-feast-token-review" },
        rules: [{ apiGroups: ["authentication.k8s.io"], resources: ["tokenreviews"], verbs: ["create"] }],
      },
      { parent: this, dependsOn: [...args.dependsOn] },
    );
    new k8s.rbac.v1.ClusterRoleBinding(
      `${name}-token-review`,
      {
        metadata: { name: "mlops-feast-token-review" },
        roleRef: { apiGroup: rbac, kind: "ClusterRole", name: "mlops-feast-token-review" },
        subjects: [{ kind: "ServiceAccount", name: args.serviceAccountName, namespace: args.namespace }],
      },
      { parent: this, dependsOn: [...args.dependsOn, sa] },
    );
    new k8s.rbac.v1.Role(
      `${name}-role-reader`,
      {
        metadata: { name: "feast-auth-reader", namespace: args.namespace },
        rules: [{ apiGroups: [rbac], resources: ["roles", "rolebindings"], verbs: ["get", "list", "watch"] }],
      },
      { parent: this, dependsOn: [...args.dependsOn] },
    );
    new k8s.rbac.v1.RoleBinding(
      `${name}-role-reader`,
      {
        metadata: { name: "feast-auth-reader", namespace: args.namespace },
        roleRef: { apiGroup: rbac, kind: "Role", name: "feast-auth-reader" },
        subjects: [{ kind: "ServiceAccount", name: args.serviceAccountName, namespace: args.namespace }],
      },
      { parent: this, dependsOn: [...args.dependsOn, sa] },
    );
    // The Feast roles grant nothing in Kubernetes: they only name who may read or write features.
    for (const [role, subjects] of [
      [FEAST_ROLES.writer, args.writers],
      [FEAST_ROLES.reader, args.readers],
    ] as const) {
      new k8s.rbac.v1.Role(
        `${name}-${role}`,
        { metadata: { name: role, namespace: args.namespace }, rules: [] },
        { parent: this, dependsOn: [...args.dependsOn] },
      );
      new k8s.rbac.v1.RoleBinding(
        `${name}-${role}`,
        {
          metadata: { name: role, namespace: args.namespace },
          roleRef: { apiGroup: rbac, kind: "Role", name: role },
          subjects: subjects.map((s) => ({ kind: "ServiceAccount", name: s.name, namespace: s.namespace })),
        },
        { parent: this, dependsOn: [...args.dependsOn] },
      );
    }
    const tmp = scratchVolume("tmp", "/tmp", "1Gi");
    const deployment = new k8s.apps.v1.Deployment(
      `${name}-server`,
      {
        metadata: { name: FEAST_SERVICE.name, namespace: args.namespace, labels: { ...FEAST_POD_LABELS } },
        spec: {
          replicas: args.replicas,
          selector: { matchLabels: { ...FEAST_POD_LABELS } },
          template: {
            metadata: { labels: { ...FEAST_POD_LABELS, ...args.identity.podLabels } },
            spec: {
              serviceAccountName: args.serviceAccountName,
              securityContext: restrictedPodSecurityContext(),
              ...(args.nodeSelector ? { nodeSelector: { ...args.nodeSelector } } : {}),
              containers: [
                {
                  name: "feature-server",
                  image: viaCache(args.imageCache, imageRef(IMAGES.feastFeatureServer)),
                  command: ["feast", "-c", "/feast", "serve", "--host", "0.0.0.0", "--port", String(FEAST_SERVICE.port), "--no-access-log"],
                  env: [
                    { name: "HOME", value: "/tmp" },
                    { name: "FEAST_USAGE", value: "False" },
                    { name: "FEAST_OFFLINE_URI", value: pulumi.interpolate`${args.offlineUri}/feast/` },
                  ],
                  ports: [{ name: "http", containerPort: FEAST_SERVICE.port }],
                  readinessProbe: { tcpSocket: { port: FEAST_SERVICE.port }, initialDelaySeconds: 10, periodSeconds: 10 },
                  livenessProbe: { tcpSocket: { port: FEAST_SERVICE.port }, initialDelaySeconds: 30, periodSeconds: 20 },
                  securityContext: restrictedContainerSecurityContext(),
                  resources: resources(args.size),
                  volumeMounts: [
                    tmp.mount,
                    { name: "config", mountPath: "/feast/feature_store.yaml", subPath: "feature_store.yaml", readOnly: true },
                  ],
                },
              ],
              volumes: [tmp.volume, { name: "config", secret: { secretName: FEAST_CONFIG_SECRET, defaultMode: 0o440 } }],
            },
          },
        },
      },
      { parent: this, dependsOn: [...args.dependsOn, sa, configSecret] },
    );
    this.service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: { name: FEAST_SERVICE.name, namespace: args.namespace, labels: { ...FEAST_POD_LABELS } },
        spec: {
          type: "ClusterIP",
          selector: { ...FEAST_POD_LABELS },
          ports: [{ name: "http", port: FEAST_SERVICE.port, targetPort: "http" }],
        },
      },
      { parent: this, dependsOn: [deployment] },
    );
    new k8s.policy.v1.PodDisruptionBudget(
      `${name}-pdb`,
      {
        metadata: { name: FEAST_SERVICE.name, namespace: args.namespace },
        spec: { maxUnavailable: 1, selector: { matchLabels: { ...FEAST_POD_LABELS } } },
      },
      { parent: this, dependsOn: [...args.dependsOn] },
    );
    this.url = `http://${FEAST_SERVICE.name}.feast.svc:${FEAST_SERVICE.port}`;
    this.registerOutputs({ service: this.service, url: this.url });
  }
}

/** The service account of the feature server. */
export const FEAST_SERVICE_ACCOUNT = "feast";

/** Catalogue entry: the Feast feature server (online store in the managed Redis). */
export const feastService: PlatformServiceDescriptor = {
  key: "feast",
  namespace: { name: NAMESPACES.feast },
  charts: [],
  identity: {
    key: "feast",
    serviceAccounts: [FEAST_SERVICE_ACCOUNT],
    buckets: [{ purpose: "features", prefix: "feast/", mode: "readwrite" }],
    readDataLakes: false,
    registry: "none",
    consumeDataEvents: false,
  },
  ingress: () => [
    flows.fromIngress([FEAST_SERVICE.port]),
    {
      description: "pipelines and serving read features",
      // The identities Feast's RBAC already names (writers and readers in platform.ts), for the mesh.
      peers: [
        {
          namespaceLabels: { ...PIPELINE_NAMESPACE_LABEL },
          serviceAccounts: [PIPELINE_SERVICE_ACCOUNTS.data, PIPELINE_SERVICE_ACCOUNTS.train, PIPELINE_SERVICE_ACCOUNTS.register],
        },
        { namespace: NAMESPACES.serving, serviceAccounts: [SERVING_SERVICE_ACCOUNT] },
      ],
      ports: [{ port: FEAST_SERVICE.port }],
      podLabels: { ...FEAST_POD_LABELS },
    },
    flows.scrape(),
  ],
  egress: ({ networkCidr, internet }) => [
    flows.apiServer(networkCidr),
    flows.postgres(networkCidr),
    flows.redis(networkCidr),
    flows.cloudApis(internet?.cloudApiHosts),
  ],
  quota: { cpu: 4, memoryGiB: 16, perReplica: true },
  routes: [
    { name: "features", host: "features", serviceName: FEAST_SERVICE.name, servicePort: FEAST_SERVICE.port, output: "featureServer" },
  ],
};
