/**
 * The Kubernetes platform services of one stack, on the cluster of either cloud layer: maps the
 * validated configuration onto the typed arguments of {@link PlatformServicesComponent}. The same code
 * runs for the AWS and the Azure {@link CloudLayer}.
 */

import * as pulumi from "@pulumi/pulumi";
import {
  type CacheRef,
  type CloudLayer,
  type DatabaseRef,
  type InternalIngressRef,
  NAMESPACES,
  type WorkloadIdentitySpec,
} from "../components/contracts";
import { FEATURE_REPOSITORY_SETTINGS, featureRepositorySettings } from "../components/k8s/feature-apply";
import { BUILDER_IMAGE_SETTING, builderImageRef } from "../components/k8s/image-builds";
import { cloudImageCache } from "../components/k8s/image-cache";
import { PlatformServices as PlatformServicesComponent } from "../components/k8s/platform";
import type { ResourceSize } from "../components/k8s/security";
import { CAPTURE_PREFIX } from "../components/k8s/serving";
import { FEAST_URL, MLFLOW_URL, teamNamespace } from "../contracts/endpoints";
import { cachedImage } from "../contracts/image-cache";
import { CPU_SELECTOR_KEYS, GPU_SELECTOR_KEYS } from "../contracts/scheduling";
import { IMAGES, imageRef } from "../contracts/versions";
import { loadWorkflowManifests, PIPELINE_SETTINGS_CONFIGMAP, pipelineSettingsData } from "../workflows";
import { BUILT_MODELS_SETTING, trainingServiceAccount } from "../workflows/steps/lib/built-training";
import type { ExternalFeast } from "./feast-source";
import { modelDataPrefixes, pipelineArtifactPrefix } from "./identities";
import { modelImageBuilds } from "./image-builds";
import type { ServiceUrls } from "./outputs";
import { gpuPoolCapacities, type PlatformConfig } from "./schema";
import { readSecrets } from "./secrets";

/** What the platform services give back for the stack outputs. */
export interface PlatformServices {
  readonly urls: ServiceUrls;
  readonly modelEndpoints: Record<string, pulumi.Output<string>>;
  /** The internal ingress (for the private DNS zone). */
  readonly ingress: InternalIngressRef;
}

/** The DNS domain of the internal ingress: configured, or `<stack>.mlops.internal`. */
export function ingressDomain(cfg: PlatformConfig): string {
  return cfg.services.domain ?? `${cfg.stack.toLowerCase().replace(/[^a-z0-9-]+/g, "-")}.mlops.internal`;
}

/** Labels shared by every pool of a kind (the selector that lands pods on that kind of pool). */
export function commonLabels(pools: readonly { labels: Record<string, string> }[], keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of keys) {
    const values = new Set(pools.map((p) => p.labels[key]));
    const [only] = [...values];
    if (values.size === 1 && only !== undefined) out[key] = only;
  }
  return out;
}

/** Version of the platform's pipeline-step image (built from `workflows/steps/Dockerfile`, pushed to the `steps` repository). */
export const STEPS_IMAGE_VERSION = "0.1.0";

/**
 * The trusted settings of one pipeline namespace: where its data may come from (its own datasets
 * prefix and the configured data lakes), the registry its images may come from, the in-cluster
 * MLflow and Feast, and whether promotion needs approval and digest-pinned images (production, at any size).
 */
export function pipelineSettings(cfg: PlatformConfig, cloud: CloudLayer, team?: string): Record<string, pulumi.Input<string>> {
  const datasetsPrefix = team === undefined ? "platform/" : `teams/${team}/`;
  // Built from plain values with markers for the two cloud outputs, so that only the keys that
  // hold an output wait for it (the others stay readable in a preview).
  const DATASETS = "\u0000datasets\u0000";
  const REGISTRY = "\u0000registry\u0000";
  const ARTIFACTS = "\u0000artifacts\u0000";
  const ARTIFACTS_URI = "\u0000artifacts-uri\u0000";
  const namespace = team === undefined ? NAMESPACES.pipelines : teamNamespace(team);
  const plain = pipelineSettingsData({
    cloud: cfg.cloud,
    region: cfg.region,
    environment: cfg.environment,
    allowedDataPrefixes: [
      `${DATASETS}/${datasetsPrefix}`,
      // The platform's namespace retrains each model on new data under its own prefix (the Sensor's runs).
      ...(team === undefined ? modelDataPrefixes(cfg).map((p) => `${DATASETS}/${p}`) : []),
      // The drift monitor of ml-pipelines reads the model servers' capture.
      ...(team === undefined ? [`${ARTIFACTS_URI}/${CAPTURE_PREFIX}`] : []),
      ...cfg.dataLakes.map((d) => d.uri),
    ],
    allowedRegistries: [REGISTRY],
    mlflowUrl: MLFLOW_URL,
    feastUrl: FEAST_URL,
    servingNamespace: NAMESPACES.serving,
    driftThreshold: cfg.services.driftThreshold,
    checkpointUri: `${ARTIFACTS}/${pipelineArtifactPrefix(namespace)}checkpoints/`,
    modelRetentionDays: cfg.retention.noncurrentVersionDays,
  });
  const resolved = pulumi.all([cloud.buckets.datasets.uri, cloud.registryHost, cloud.buckets.artifacts.uri]);
  // The platform namespace builds the pushed commits of the models that train from a repository,
  // with the builder the mlops-image-builds policy admits (by digest, through the stack registry).
  const builder: Record<string, pulumi.Input<string>> = team === undefined && modelImageBuilds(cfg).length > 0
    ? { [BUILDER_IMAGE_SETTING]: cloudImageCache(cloud).apply((c) => cachedImage(builderImageRef(), c)) }
    : {};
  return {
    ...Object.fromEntries(
      Object.entries(plain).map(([key, value]) => [
        key,
        value.includes(DATASETS) || value.includes(REGISTRY) || value.includes(ARTIFACTS) || value.includes(ARTIFACTS_URI)
          ? resolved.apply(([datasets, registry, artifacts]) =>
              value
                .split(DATASETS)
                .join(datasets.replace(/\/+$/, ""))
                .split(REGISTRY)
                .join(registry)
                .split(ARTIFACTS_URI)
                .join(artifacts.replace(/\/+$/, ""))
                .split(ARTIFACTS)
                .join(blobUrl(artifacts).replace(/\/+$/, "")),
            )
          : value,
      ]),
    ),
    ...builder,
    // The built models' training accounts, which the retrain step gives a run of their built image.
    ...(team === undefined ? builtModelSettings(cfg, cloud) : {}),
    // The declared feature repository, which only ml-pipelines' feature-apply step clones.
    ...(team === undefined ? featureRepositorySettings(featureRepositoryOf(cfg)) : {}),
    // Where the definitions' offline sources live, as the feature server sees it (components/k8s/feast.ts).
    ...(team === undefined && featureRepositoryOf(cfg)
      ? { [FEATURE_REPOSITORY_SETTINGS.offlineUri]: cloud.buckets.features.uri.apply((u) => `${u.replace(/\/+$/, "")}/feast/`) }
      : {}),
  };
}

/**
 * `ml-pipelines`' list of the models built from their repository (`models[].training.repository`):
 * the registered model, the repository the builder pushes to, the account its built image trains
 * as and the labels that account's identity needs; empty when no model is built.
 */
export function builtModelSettings(cfg: PlatformConfig, cloud: CloudLayer): Record<string, pulumi.Input<string>> {
  const builds = modelImageBuilds(cfg);
  if (builds.length === 0) return {};
  return {
    [BUILT_MODELS_SETTING]: pulumi.output(cloud.registryHost).apply((registry) =>
      JSON.stringify(
        builds.map((b) => ({
          registeredModel: cfg.models.find((m) => m.name === b.model)?.serving.registeredModel ?? b.model,
          model: b.model,
          repository: `${registry}/${b.team}/${b.model}`,
          account: trainingServiceAccount(b.model),
          podLabels: { ...(cloud.identities[trainingServiceAccount(b.model)]?.podLabels ?? {}) },
        })),
      ),
    ),
  };
}

/** The declared feature repository (`services.feast.repository`) in the platform's shape. */
export function featureRepositoryOf(cfg: Pick<PlatformConfig, "services">): { cloneUrl: string; path: string } | undefined {
  const r = cfg.services.feast.repository;
  return r ? { cloneUrl: r.url, path: r.path } : undefined;
}

/**
 * The HTTPS form of an Azure container URI (`abfss://<container>@<account>.dfs.core.windows.net`
 * → `https://<account>.blob.core.windows.net/<container>`), which the steps' Blob client takes; an
 * `s3://` URI is returned as is.
 */
export function blobUrl(uri: string): string {
  const m = /^abfss:\/\/([^@]+)@([a-z0-9]+)\.dfs\.core\.windows\.net(\/.*)?$/.exec(uri);
  return m ? `https://${m[2]}.blob.core.windows.net/${m[1]}${m[3] ?? ""}` : uri;
}

/**
 * The registry and online store of an attached Feast (`services.feast.external`) with their
 * passwords, in the shape the platform's own take; undefined without one.
 */
export function externalFeastStore(
  external: ExternalFeast | undefined,
  secrets: { readonly registryPassword: pulumi.Input<string>; readonly onlineStorePassword: pulumi.Input<string> } | undefined,
): { project: string; database: DatabaseRef; cache: CacheRef } | undefined {
  if (!external || !secrets) return undefined;
  const r = external.registry;
  return {
    project: external.project,
    database: {
      host: pulumi.output(r.host),
      port: pulumi.output(r.port),
      database: pulumi.output(r.database),
      username: pulumi.output(r.username),
      password: pulumi.secret(secrets.registryPassword),
      sslMode: r.sslMode,
    },
    cache: {
      host: pulumi.output(external.onlineStore.host),
      port: pulumi.output(external.onlineStore.port),
      password: pulumi.secret(secrets.onlineStorePassword),
      tls: true,
    },
  };
}

/** Installs the platform services on the cluster of `cloud`. */
export function buildPlatformServices(
  cfg: PlatformConfig,
  cloud: CloudLayer,
  identities: readonly WorkloadIdentitySpec[],
): PlatformServices {
  const cpuSelector = commonLabels(cfg.nodePools.cpu, CPU_SELECTOR_KEYS);
  const gpuSelector = commonLabels(cfg.nodePools.gpu, GPU_SELECTOR_KEYS);
  const size: ResourceSize = cfg.profile === "enterprise" ? "large" : "medium";
  const { alerting, gitWebhookSecret, feast: feastSecrets, ...identitySecrets } = readSecrets(cfg);
  const feastStore = externalFeastStore(cfg.services.feast.external, feastSecrets);
  const featureRepository = featureRepositoryOf(cfg);
  // By digest when the stack carries it (the deploy workflow resolves it from the registry), else by the pinned tag.
  const stepsImage =
    cloud.repositoryUrls.steps === undefined
      ? undefined
      : cfg.images.steps
        ? pulumi.interpolate`${cloud.repositoryUrls.steps}@${cfg.images.steps}`
        : pulumi.interpolate`${cloud.repositoryUrls.steps}:${STEPS_IMAGE_VERSION}`;
  const services = new PlatformServicesComponent(
    "platform",
    {
      cloud,
      identitySpecs: identities,
      domain: ingressDomain(cfg),
      networkCidr: cfg.network.cidr,
      identity: { ...cfg.identity, ...identitySecrets },
      alerting,
      ...(cfg.services.git && gitWebhookSecret ? { git: { ...cfg.services.git, secret: gitWebhookSecret } } : {}),
      ...(feastStore ? { feastStore } : {}),
      ...(featureRepository ? { featureRepository } : {}),
      teams: cfg.teams,
      imageBuilds: modelImageBuilds(cfg),
      models: cfg.models.map((m) => ({
        name: m.name,
        team: m.team,
        registeredModel: m.serving.registeredModel,
        version: m.serving.version,
        strategy: m.serving.strategy,
        weights: m.serving.weights,
        ...(m.serving.image === undefined ? {} : { image: m.serving.image }),
        slo: m.slo,
        autoscaling: m.autoscaling,
        dataPrefix: m.dataPrefix,
        drift: m.drift,
      })),
      serviceReplicas: cfg.availability.serviceReplicas,
      protectData: cfg.protectData,
      pipelineEgressHosts: cfg.network.egress.allowedHosts,
      serviceSize: size,
      retentionDays: cfg.retention.logDays,
      driftThreshold: cfg.services.driftThreshold,
      cpuPoolSelector: cpuSelector,
      ...(cfg.nodePools.gpu.length > 0 ? { gpuPoolSelector: gpuSelector } : {}),
      gpuPools: gpuPoolCapacities(cfg.nodePools.gpu),
      // The Feast image of workflows/feature-apply.yaml: the pinned one, through the stack registry's
      // cache, exactly as the admission policy admits it for ml-pipelines' feature-apply account.
      workflowManifests: loadWorkflowManifests({
        ...(stepsImage === undefined ? {} : { stepsImage }),
        feastImage: cloudImageCache(cloud).apply((c) => cachedImage(imageRef(IMAGES.feastFeatureServer), c)),
      }),
      ...(stepsImage === undefined ? {} : { stepsImage }),
      ...(cfg.images.mlflow ? { mlflowImageDigest: cfg.images.mlflow } : {}),
      environment: cfg.environment,
      pipelineSettings: { name: PIPELINE_SETTINGS_CONFIGMAP, data: (_ns, team) => pipelineSettings(cfg, cloud, team) },
      artifactPrefix: pipelineArtifactPrefix,
      captureUri: cloud.buckets.artifacts.uri.apply((u) => `${blobUrl(u).replace(/\/+$/, "")}/${CAPTURE_PREFIX}`),
    },
    { providers: [cloud.kubernetesProvider] },
  );
  return { urls: services.urls, modelEndpoints: services.modelEndpoints, ingress: services.ingress };
}
