/**
 * Model serving with Argo Rollouts on the CPU inference pool. Each served model is a Rollout of
 * an MLflow registry version: blue-green (active + preview services, pre-promotion analysis,
 * automatic rollback when it fails) or canary for A/B experiments (traffic steps, background
 * analysis). Both analyses read the model's error rate and p95 latency from Prometheus.
 * Promotion and rollback are a change of `version` in the stack (or of the Rollout by the
 * pipeline's deploy step): the pod template changes, the strategy runs.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { FEAST_SERVICE, MLFLOW_SERVICE, NAMESPACES } from "../../contracts/endpoints";
import { CHARTS, IMAGES } from "../../contracts/versions";
import type { WorkloadIdentityRef } from "../contracts";
import { helmRelease } from "./helm";
import { type InternalIngress, tlsIngress } from "./ingress";
import { flows } from "./namespace";
import { resources, restrictedContainerSecurityContext, restrictedPodSecurityContext, scratchVolume } from "./security";
import type { PlatformServiceDescriptor } from "./service";

/** A model to serve (from `cfg.models[].serving`). */
export interface ServedModelSpec {
  readonly name: string;
  readonly registeredModel: string;
  readonly version: number;
  readonly strategy: "blueGreen" | "canary";
  readonly canaryWeights: readonly number[];
  readonly replicas?: number;
  /** Pinned serving image; defaults to the platform's MLflow image. */
  readonly image?: string;
}

/** Names of the AnalysisTemplates. */
export const ANALYSIS_TEMPLATES = { errorRate: "model-error-rate", latency: "model-latency-p95" } as const;
/** Limits the analyses enforce. */
export const ANALYSIS_THRESHOLDS = { maxErrorRate: 0.01, maxP95Seconds: 0.5 } as const;
/** Container port of the model server. */
export const MODEL_PORT = 8080;

/** The Traefik service-label regex of a model's Service (ingress metrics are per backend service). */
export function traefikServiceRegex(namespace: string, service: string): string {
  return `${namespace}-.*-${service}-${MODEL_PORT}@kubernetes`;
}

/** The two AnalysisTemplate specs (exported for tests). */
export function analysisTemplateSpecs(prometheusUrl: string): Record<string, Record<string, unknown>> {
  const metric = (name: string, query: string, condition: string) => ({
    name,
    interval: "1m",
    count: 5,
    failureLimit: 1,
    successCondition: condition,
    provider: { prometheus: { address: prometheusUrl, query } },
  });
  return {
    [ANALYSIS_TEMPLATES.errorRate]: {
      args: [{ name: "service" }],
      metrics: [
        metric(
          "error-rate",
          'sum(rate(traefik_service_requests_total{service=~"{{args.service}}",code=~"5.."}[2m])) / clamp_min(sum(rate(traefik_service_requests_total{service=~"{{args.service}}"}[2m])), 1)',
          `len(result) == 0 || isNaN(result[0]) || result[0] <= ${ANALYSIS_THRESHOLDS.maxErrorRate}`,
        ),
      ],
    },
    [ANALYSIS_TEMPLATES.latency]: {
      args: [{ name: "service" }],
      metrics: [
        metric(
          "latency-p95",
          'histogram_quantile(0.95, sum by (le) (rate(traefik_service_request_duration_seconds_bucket{service=~"{{args.service}}"}[2m])))',
          `len(result) == 0 || isNaN(result[0]) || result[0] <= ${ANALYSIS_THRESHOLDS.maxP95Seconds}`,
        ),
      ],
    },
  };
}

/** The Rollout spec of one model (exported for tests). */
export function rolloutSpec(
  model: ServedModelSpec,
  ctx: {
    namespace: string;
    trackingUri: string;
    serviceAccountName: string;
    podLabels: Record<string, string>;
    nodeSelector: Record<string, string>;
    defaultReplicas: number;
    /** Image used when the model names none: the platform's MLflow image. */
    defaultImage: pulumi.Input<string>;
  },
): Record<string, unknown> {
  const labels = { "app.kubernetes.io/name": model.name, "mlops.platform/model": model.name };
  const tmp = scratchVolume("tmp", "/tmp", "2Gi");
  const analysis = (service: string) => ({
    templates: [{ templateName: ANALYSIS_TEMPLATES.errorRate }, { templateName: ANALYSIS_TEMPLATES.latency }],
    args: [{ name: "service", value: traefikServiceRegex(ctx.namespace, service) }],
  });
  const strategy =
    model.strategy === "blueGreen"
      ? {
          blueGreen: {
            activeService: model.name,
            previewService: `${model.name}-preview`,
            autoPromotionEnabled: true,
            prePromotionAnalysis: analysis(`${model.name}-preview`),
            scaleDownDelaySeconds: 300,
            abortScaleDownDelaySeconds: 30,
          },
        }
      : {
          canary: {
            canaryService: `${model.name}-canary`,
            stableService: `${model.name}-stable`,
            maxSurge: "25%",
            maxUnavailable: 0,
            analysis: { ...analysis(model.name), startingStep: 1 },
            steps: model.canaryWeights.flatMap((w) => [{ setWeight: w }, { pause: { duration: "5m" } }]),
          },
        };
  return {
    replicas: model.replicas ?? ctx.defaultReplicas,
    revisionHistoryLimit: 5,
    selector: { matchLabels: labels },
    strategy,
    template: {
      metadata: {
        labels: { ...labels, ...ctx.podLabels, "mlops.platform/model-version": String(model.version) },
        annotations: { "mlops.platform/registered-model": model.registeredModel },
      },
      spec: {
        serviceAccountName: ctx.serviceAccountName,
        nodeSelector: { ...ctx.nodeSelector },
        securityContext: restrictedPodSecurityContext(),
        containers: [
          {
            name: "model",
            image: model.image ?? ctx.defaultImage,
            command: ["mlflow", "models", "serve"],
            args: [
              "-m",
              `models:/${model.registeredModel}/${model.version}`,
              "-h",
              "0.0.0.0",
              "-p",
              String(MODEL_PORT),
              "--env-manager",
              "local",
            ],
            env: [
              { name: "MLFLOW_TRACKING_URI", value: ctx.trackingUri },
              { name: "HOME", value: "/tmp" },
              // No usage telemetry from the model servers (docs/residency.md).
              { name: "MLFLOW_DISABLE_TELEMETRY", value: "true" },
              { name: "DO_NOT_TRACK", value: "true" },
            ],
            ports: [{ name: "http", containerPort: MODEL_PORT }],
            readinessProbe: { httpGet: { path: "/ping", port: "http" }, initialDelaySeconds: 20, periodSeconds: 10 },
            livenessProbe: { httpGet: { path: "/health", port: "http" }, initialDelaySeconds: 60, periodSeconds: 20 },
            securityContext: restrictedContainerSecurityContext(),
            resources: resources("large"),
            volumeMounts: [tmp.mount],
          },
        ],
        volumes: [tmp.volume],
      },
    },
  };
}

/** Problems with the served models (empty when valid). */
export function servingProblems(models: readonly ServedModelSpec[]): string[] {
  const p: string[] = [];
  const seen = new Set<string>();
  models.forEach((m, i) => {
    if (seen.has(m.name)) p.push(`models[${i}].name: "${m.name}" is served twice; names must be unique`);
    seen.add(m.name);
    if (!Number.isInteger(m.version) || m.version < 1)
      p.push(`models[${i}].version: ${m.version} must be an MLflow version number (integer ≥ 1)`);
    if (
      m.image?.endsWith(":latest") ||
      (m.image !== undefined && !/(@sha256:[a-f0-9]{64}|:[A-Za-z0-9_.-]+)$/.test(m.image.split("/").pop() ?? ""))
    ) {
      p.push(`models[${i}].image: "${m.image}" must be pinned to a fixed tag or digest`);
    }
    if (m.strategy === "canary" && m.canaryWeights.length === 0)
      p.push(`models[${i}].canaryWeights: [] needs at least one traffic step, e.g. [10, 25, 50]`);
  });
  return p;
}

/** Arguments of {@link ModelServing}. */
export interface ModelServingArgs {
  readonly namespace: pulumi.Input<string>;
  readonly namespaceName: string;
  readonly rolloutsNamespace: pulumi.Input<string>;
  readonly models: readonly ServedModelSpec[];
  readonly identity: WorkloadIdentityRef;
  readonly serviceAccountName: string;
  readonly trackingUri: string;
  /** The platform's MLflow image, for models that name no image. */
  readonly defaultImage: pulumi.Input<string>;
  readonly prometheusUrl: string;
  /** Labels of the CPU inference pool. */
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly defaultReplicas: number;
  /** Domain of the model hosts: `<model>.<domain>`. */
  readonly modelsDomain: string;
  readonly ingress: InternalIngress;
  readonly dependsOn: readonly pulumi.Resource[];
}

/** Argo Rollouts and the served models. */
export class ModelServing extends pulumi.ComponentResource {
  /** The release that installs the Rollout / AnalysisTemplate CRDs. */
  public readonly release: k8s.helm.v3.Release;
  /** `https://<model>.<domain>` by model name. */
  public readonly endpoints: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: ModelServingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops-platform:k8s:ModelServing", name, {}, opts);
    const problems = servingProblems(args.models);
    if (problems.length) throw new Error(`ModelServing "${name}" has invalid arguments:\n  - ${problems.join("\n  - ")}`);
    const [registry, ...repo] = IMAGES.argoRollouts.repository.split("/");
    this.release = helmRelease(
      `${name}-rollouts`,
      {
        chart: CHARTS.argoRollouts,
        releaseName: "argo-rollouts",
        namespace: args.rolloutsNamespace,
        values: {
          installCRDs: true,
          keepCRDs: true,
          clusterInstall: true,
          controller: {
            replicas: 2,
            image: { registry, repository: repo.join("/"), tag: IMAGES.argoRollouts.tag },
            resources: resources("small"),
            metrics: { enabled: true, serviceMonitor: { enabled: true } },
          },
          podSecurityContext: restrictedPodSecurityContext(999),
          containerSecurityContext: restrictedContainerSecurityContext(999),
          dashboard: { enabled: false },
          notifications: { secret: { create: false } },
          providerRBAC: { enabled: false },
        },
      },
      { parent: this, dependsOn: [...args.dependsOn] },
    );
    const crd = { parent: this, dependsOn: [...args.dependsOn, this.release] };
    new k8s.core.v1.ServiceAccount(
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
    for (const [tname, spec] of Object.entries(analysisTemplateSpecs(args.prometheusUrl))) {
      new k8s.apiextensions.CustomResource(
        `${name}-${tname}`,
        { apiVersion: "argoproj.io/v1alpha1", kind: "AnalysisTemplate", metadata: { name: tname, namespace: args.namespace }, spec },
        crd,
      );
    }
    this.endpoints = {};
    for (const model of args.models) {
      const selector = { "app.kubernetes.io/name": model.name, "mlops.platform/model": model.name };
      const services =
        model.strategy === "blueGreen"
          ? [model.name, `${model.name}-preview`]
          : [model.name, `${model.name}-stable`, `${model.name}-canary`];
      const svcResources = services.map(
        (svc) =>
          new k8s.core.v1.Service(
            `${name}-${svc}`,
            {
              metadata: { name: svc, namespace: args.namespace, labels: selector },
              spec: { type: "ClusterIP", selector, ports: [{ name: "http", port: MODEL_PORT, targetPort: "http" }] },
            },
            { parent: this, dependsOn: [...args.dependsOn] },
          ),
      );
      new k8s.apiextensions.CustomResource(
        `${name}-${model.name}`,
        {
          apiVersion: "argoproj.io/v1alpha1",
          kind: "Rollout",
          metadata: { name: model.name, namespace: args.namespace, labels: selector },
          spec: rolloutSpec(model, {
            namespace: args.namespaceName,
            trackingUri: args.trackingUri,
            serviceAccountName: args.serviceAccountName,
            podLabels: { ...args.identity.podLabels },
            nodeSelector: { ...args.nodeSelector },
            defaultReplicas: args.defaultReplicas,
            defaultImage: args.defaultImage,
          }),
        },
        { parent: this, dependsOn: [...args.dependsOn, this.release, ...svcResources] },
      );
      const host = `${model.name}.${args.modelsDomain}`;
      tlsIngress(
        model.name,
        { namespace: args.namespace, host, serviceName: model.name, servicePort: MODEL_PORT, ingress: args.ingress },
        this,
      );
      if (model.strategy === "blueGreen") {
        tlsIngress(
          `${model.name}-preview`,
          {
            namespace: args.namespace,
            host: `${model.name}-preview.${args.modelsDomain}`,
            serviceName: `${model.name}-preview`,
            servicePort: MODEL_PORT,
            ingress: args.ingress,
          },
          this,
        );
      }
      this.endpoints[model.name] = pulumi.output(`https://${host}`);
    }
    this.registerOutputs({ release: this.release, endpoints: this.endpoints });
  }
}

/** The service account of the model servers. */
export const SERVING_SERVICE_ACCOUNT = "model-server";

/** Catalogue entry: the model servers (Argo Rollouts canaries behind the internal ingress). */
export const servingService: PlatformServiceDescriptor = {
  key: "serving",
  namespace: { name: NAMESPACES.serving },
  charts: [],
  identity: {
    key: "serving",
    serviceAccounts: [SERVING_SERVICE_ACCOUNT],
    buckets: [{ purpose: "artifacts", prefix: "mlflow/", mode: "read" }],
    readDataLakes: false,
    registry: "pull",
    consumeDataEvents: false,
  },
  ingress: () => [flows.fromIngress([MODEL_PORT]), flows.scrape()],
  egress: ({ internet }) => [
    flows.namespace("model download from MLflow", NAMESPACES.mlflow, [MLFLOW_SERVICE.containerPort]),
    flows.namespace("online features", NAMESPACES.feast, [FEAST_SERVICE.port]),
    flows.cloudApis(internet?.cloudApiHosts),
  ],
  quota: { cpu: 16, memoryGiB: 64, perReplica: true },
};

/** Catalogue entry: the Argo Rollouts controller (canary analysis against Prometheus). */
export const argoRolloutsService: PlatformServiceDescriptor = {
  key: "argo-rollouts",
  namespace: { name: NAMESPACES.argoRollouts },
  charts: [CHARTS.argoRollouts],
  ingress: () => [flows.scrape()],
  egress: ({ networkCidr }) => [flows.apiServer(networkCidr), flows.namespace("Prometheus queries", NAMESPACES.monitoring, [9090])],
  quota: { cpu: 2, memoryGiB: 4 },
};
