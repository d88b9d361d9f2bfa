/**
 * Model serving with Argo Rollouts on the CPU inference pool, one Rollout per entry of the stack's
 * `models` key, each serving an MLflow registry version:
 * - blue-green: active + preview services; a smoke job exercises the preview through the ingress
 *   and the pre-promotion analysis FAILS without data; the post-promotion analysis rolls back on
 *   an SLO breach;
 * - canary (A/B): Argo Rollouts' Traefik traffic routing splits the traffic by weight, an
 *   IngressRoute by the `X-Model-Variant` header; the analysis compares the canary with the stable
 *   version on the model's SLOs and business metric.
 * Per-variant recording rules, SLO alerts for the owning team and a Grafana dashboard per model
 * make the result readable; KEDA scales each Rollout (autoscaling.ts). Promotion and rollback are
 * a change of `version` in the stack (or of the Rollout by the pipeline's promote step).
 */
import * as pulumi from "@pulumi/pulumi";
import { FEAST_SERVICE, MLFLOW_GATE_SERVICE, NAMESPACES } from "../../contracts/endpoints";
import { CHARTS, IMAGES } from "../../contracts/versions";
import type { WorkloadIdentityRef } from "../contracts";
import { ArgsCheck } from "../validate";
import { disruptionBudgetSpec, kedaValues, MODEL_SERVER_SIZE, scaledObjectSpec } from "./autoscaling";
import { helmRelease } from "./helm";
import { type ImageCacheInput, partsViaCache } from "./image-cache";
import { INGRESS_CLASS, type InternalIngress, tlsCertificate, tlsIngress } from "./ingress";
import { flows } from "./namespace";
import * as k8s from "./sdk";
import { resources, restrictedContainerSecurityContext, restrictedPodSecurityContext, scratchVolume } from "./security";
import type { PlatformServiceDescriptor } from "./service";

/** A model to serve (from the stack's `models[]`). */
export interface ServedModelSpec {
  readonly name: string;
  /** The owning team (labels the dashboard and the per-variant metrics). */
  readonly team: string;
  readonly registeredModel: string;
  readonly version: number;
  readonly strategy: "blueGreen" | "canary";
  /** Canary traffic steps in percent (A/B tests); only for `canary`. */
  readonly weights: readonly number[];
  /** Pinned serving image; defaults to the platform's MLflow image. */
  readonly image?: string;
  readonly slo: {
    readonly p95LatencyMs: number;
    /** Largest share of 5xx responses (0.01 = 1 %). */
    readonly errorRate: number;
    readonly businessMetric?: {
      readonly name: string;
      /** PromQL with `{{variant}}`, replaced by `stable` and `canary`. */
      readonly query: string;
      readonly direction: "higher" | "lower";
      readonly tolerance: number;
    };
  };
  readonly autoscaling: { readonly minReplicas: number; readonly maxReplicas: number; readonly targetRequestsPerSecond: number };
  /**
   * Key prefix in the datasets bucket/container where the model's new data lands (`models[].dataPrefix`):
   * a batch marker under it retrains this model only.
   * @default `platform/<registeredModel>/`
   */
  readonly dataPrefix?: string;
  /** `models[].drift`: the model's drift CronWorkflow. @default none: no drift CronWorkflow */
  readonly drift?: { readonly psiThreshold: number; readonly schedule: string };
}

/** Port of a model pod's `http` port (what Services and routes reach): the capture proxy, or the model server without capture. */
export const MODEL_PORT = 8080;
/** Port the model server listens on behind the capture proxy (pod-local). */
export const MODEL_SERVER_PORT = 8081;

/** Served-data capture of the model servers (workflows/steps/capture-proxy.ts, a sidecar of the platform's step image). */
export interface ServedDataCapture {
  /** The platform's step image. */
  readonly image: pulumi.Input<string>;
  /** Capture location, ending in `/` (`<artifacts bucket>/capture/`); each model writes under `<name>/`. */
  readonly uri: pulumi.Input<string>;
  readonly region: string;
  /** Share of scoring requests captured. @default 0.1 */
  readonly sampleRate?: number;
}

/** The capture sidecar of one model: it owns the pod's `http` port and forwards to the model server. */
export function captureContainer(model: Pick<ServedModelSpec, "name" | "version">, capture: ServedDataCapture): Record<string, unknown> {
  return {
    name: "capture",
    image: capture.image,
    command: ["node", "dist/capture-proxy.js"],
    env: [
      { name: "PORT", value: String(MODEL_PORT) },
      { name: "UPSTREAM_URL", value: `http://127.0.0.1:${MODEL_SERVER_PORT}` },
      { name: "CAPTURE_URI", value: pulumi.interpolate`${capture.uri}${model.name}/` },
      { name: "CAPTURE_SAMPLE_RATE", value: String(capture.sampleRate ?? 0.1) },
      { name: "PLATFORM_REGION", value: capture.region },
      { name: "MODEL_NAME", value: model.name },
      { name: "MODEL_VERSION", value: String(model.version) },
      { name: "MODEL_VARIANT", valueFrom: { fieldRef: { fieldPath: `metadata.labels['${VARIANT_LABEL}']` } } },
    ],
    ports: [{ name: "http", containerPort: MODEL_PORT }],
    securityContext: restrictedContainerSecurityContext(),
    resources: resources("small"),
  };
}
/** Header a client sets to pick a variant of a canary model (`canary` or `stable`), overriding the weights. */
export const VARIANT_HEADER = "X-Model-Variant";
/** Pod label Argo Rollouts sets on each variant's pods (canaryMetadata / stableMetadata, active / preview). */
export const VARIANT_LABEL = "mlops.platform/variant";

/** The two variants of a model and the Service of each. */
export function variantServices(model: Pick<ServedModelSpec, "name" | "strategy">): Record<string, string> {
  return model.strategy === "blueGreen"
    ? { active: model.name, preview: `${model.name}-preview` }
    : { stable: `${model.name}-stable`, canary: `${model.name}-canary` };
}

/**
 * The Traefik `service` label of a model Service: `<ns>-<ingress>-<svc>-<port>@kubernetes` behind
 * an Ingress, `<ns>-<svc>-<port>@kubernetescrd` behind an IngressRoute or TraefikService.
 */
export function traefikServiceRegex(namespace: string, service: string): string {
  return `${namespace}-(.+-)?${service}-${MODEL_PORT}@kubernetes(crd)?`;
}

/** PromQL of one variant's load and SLOs, from the ingress controller's metrics. */
export function variantQueries(namespace: string, service: string): { requests: string; errorRatio: string; p95Seconds: string } {
  const sel = `service=~"${traefikServiceRegex(namespace, service)}"`;
  const total = `sum(rate(traefik_service_requests_total{${sel}}[2m]))`;
  return {
    requests: total,
    // No traffic: an empty result (no series) or NaN (0/0), never 0 — the analyses must see "no data".
    errorRatio: `(sum(rate(traefik_service_requests_total{${sel},code=~"5.."}[2m])) or vector(0)) / ${total}`,
    p95Seconds: `histogram_quantile(0.95, sum by (le) (rate(traefik_service_request_duration_seconds_bucket{${sel}}[2m])))`,
  };
}

/** A measurement with data: a non-empty result whose first value is a number. */
const HAS_DATA = "len(result) > 0 && !isNaN(result[0])";
/** A measurement without data: an empty result or NaN. */
const NO_DATA = "len(result) == 0 || isNaN(result[0])";

/**
 * Conditions of a metric whose value must stay at or below `limit`, in Argo Rollouts' terms (a
 * measurement is Failed when `failureCondition` holds, Successful when only `successCondition`
 * holds, Inconclusive when neither does). `noData: "fail"` makes an empty or NaN result a
 * failure; `"inconclusive"` leaves it to `inconclusiveLimit`.
 */
export function atMost(limit: number, noData: "fail" | "inconclusive"): { successCondition: string; failureCondition: string } {
  return {
    successCondition: `${HAS_DATA} && result[0] <= ${limit}`,
    failureCondition: noData === "fail" ? `${NO_DATA} || result[0] > ${limit}` : `${HAS_DATA} && result[0] > ${limit}`,
  };
}

/** Conditions of a ratio canary/stable that must not fall below (or rise above) 1 ∓ tolerance. */
export function relative(direction: "higher" | "lower", tolerance: number): { successCondition: string; failureCondition: string } {
  const bound = direction === "higher" ? `${+(1 - tolerance).toFixed(6)}` : `${+(1 + tolerance).toFixed(6)}`;
  const [ok, bad] = direction === "higher" ? [">=", "<"] : ["<=", ">"];
  return {
    successCondition: `${HAS_DATA} && !isInf(result[0]) && result[0] ${ok} ${bound}`,
    failureCondition: `${HAS_DATA} && !isInf(result[0]) && result[0] ${bad} ${bound}`,
  };
}

/** Names of a model's AnalysisTemplates. */
export function analysisTemplateNames(model: string): { prePromotion: string; postPromotion: string; ab: string } {
  return { prePromotion: `${model}-pre-promotion`, postPromotion: `${model}-post-promotion`, ab: `${model}-ab` };
}

/** How long the smoke job sends traffic (the pre-promotion Prometheus measurements fall inside it). */
export const SMOKE_SECONDS = 240;

/**
 * The smoke client: fetches the version's `serving_input_example.json` (MLflow logs it with the
 * model's input example) and posts it to the preview host through the ingress controller, so
 * that the controller's metrics see the traffic. It fails when the example is missing or when
 * any answer is a 5xx: a preview that cannot be exercised is not promoted.
 */
const SMOKE_SCRIPT = `
import http.client, os, socket, ssl, sys, time
import mlflow
from mlflow import MlflowClient
name, version = os.environ["MODEL"], os.environ["VERSION"]
source = MlflowClient().get_model_version_download_uri(name, version)
try:
    path = mlflow.artifacts.download_artifacts(artifact_uri=source.rstrip("/") + "/serving_input_example.json")
except Exception as e:
    sys.exit(f"no serving_input_example.json in {source}: log the model with an input_example ({e})")
body = open(path, "rb").read()
host, ingress = os.environ["HOST"], os.environ["INGRESS"]
ctx = ssl.create_default_context(cafile="/tls/ca.crt")
end, sent, bad = time.time() + int(os.environ["SECONDS"]), 0, 0
while time.time() < end:
    conn = http.client.HTTPConnection(host, 443)
    conn.sock = ctx.wrap_socket(socket.create_connection((ingress, 443), timeout=10), server_hostname=host)
    conn.request("POST", "/invocations", body, {"Content-Type": "application/json", "Host": host})
    status = conn.getresponse().status
    conn.close()
    sent += 1
    bad += status >= 500
    time.sleep(1)
print(f"{sent} requests to {host}, {bad} answered 5xx")
sys.exit(1 if bad or not sent else 0)
`.trim();

/** Context of a model's analyses. */
export interface AnalysisContext {
  readonly namespace: string;
  readonly prometheusUrl: string;
  /** Image of the smoke job (the platform's MLflow image: python and the MLflow client). */
  readonly smokeImage: pulumi.Input<string>;
  readonly serviceAccountName: string;
  readonly podLabels: Record<string, string>;
  readonly trackingUri: string;
  /** `https` host of the preview (`<model>-preview.<domain>`). */
  readonly previewHost: string;
  /** In-cluster host of the ingress controller's Service. */
  readonly ingressHost: string;
}

/**
 * The AnalysisTemplates of one model (exported for tests).
 *
 * - blue-green, pre-promotion: a smoke job sends the model's input example to the preview for
 *   {@link SMOKE_SECONDS}; three measurements of the preview's error ratio and p95 latency fall
 *   inside it. A measurement without data FAILS (failureLimit 0, inconclusiveLimit 0): a preview
 *   that served nothing is never promoted.
 * - blue-green, post-promotion: the active service's SLOs over five minutes of real traffic; a
 *   breach fails at once and Argo Rollouts switches back to the previous version (still running
 *   for `scaleDownDelaySeconds`). Minutes without traffic are Inconclusive and tolerated
 *   (inconclusiveLimit = count): a quiet model is not rolled back for being quiet.
 * - canary (A/B): the canary's SLOs and, when configured, the business metric canary/stable.
 *   No data is Inconclusive with inconclusiveLimit 0: the Rollout pauses for a person rather
 *   than promote a variant nobody measured.
 */
export function analysisTemplateSpecs(model: ServedModelSpec, ctx: AnalysisContext): Record<string, Record<string, unknown>> {
  const names = analysisTemplateNames(model.name);
  const prom = (query: string) => ({ prometheus: { address: ctx.prometheusUrl, query } });
  const slo = (service: string, noData: "fail" | "inconclusive", timing: Record<string, unknown>) => {
    const q = variantQueries(ctx.namespace, service);
    return [
      { name: "error-rate", ...timing, ...atMost(model.slo.errorRate, noData), provider: prom(q.errorRatio) },
      { name: "latency-p95", ...timing, ...atMost(model.slo.p95LatencyMs / 1000, noData), provider: prom(q.p95Seconds) },
    ];
  };
  if (model.strategy === "blueGreen") {
    const v = variantServices(model);
    const smokeJob = {
      backoffLimit: 0,
      activeDeadlineSeconds: SMOKE_SECONDS + 300,
      ttlSecondsAfterFinished: 3600,
      template: {
        metadata: { labels: { ...ctx.podLabels, "mlops.platform/model": model.name } },
        spec: {
          restartPolicy: "Never",
          serviceAccountName: ctx.serviceAccountName,
          securityContext: restrictedPodSecurityContext(),
          containers: [
            {
              name: "smoke",
              image: ctx.smokeImage,
              // The smoke job reads the model's input example through the MLflow gate with its own projected token.
              command: ["python", "-c", `${MLFLOW_TOKEN_PRELUDE}\n${SMOKE_SCRIPT}`],
              env: [
                { name: "MODEL", value: model.registeredModel },
                { name: "VERSION", value: String(model.version) },
                { name: "HOST", value: ctx.previewHost },
                { name: "INGRESS", value: ctx.ingressHost },
                { name: "SECONDS", value: String(SMOKE_SECONDS) },
                { name: "MLFLOW_TRACKING_URI", value: ctx.trackingUri },
                { name: "HOME", value: "/tmp" },
                { name: "MLFLOW_DISABLE_TELEMETRY", value: "true" },
                { name: "DO_NOT_TRACK", value: "true" },
              ],
              securityContext: restrictedContainerSecurityContext(),
              resources: resources("small"),
              volumeMounts: [
                { name: "tls", mountPath: "/tls", readOnly: true },
                { name: "tmp", mountPath: "/tmp" },
                mlflowTokenVolume.mount,
              ],
            },
          ],
          // The preview's certificate secret carries the internal CA that signed it.
          volumes: [
            { name: "tls", secret: { secretName: `${v.preview}-tls`, items: [{ key: "ca.crt", path: "ca.crt" }] } },
            { name: "tmp", emptyDir: { sizeLimit: "1Gi" } },
            mlflowTokenVolume.volume,
          ],
        },
      },
    };
    return {
      [names.prePromotion]: {
        metrics: [
          { name: "smoke-traffic", count: 1, failureLimit: 0, provider: { job: { spec: smokeJob } } },
          ...slo(v.preview as string, "fail", {
            initialDelay: "1m",
            interval: "1m",
            count: 3,
            failureLimit: 0,
            inconclusiveLimit: 0,
            consecutiveErrorLimit: 2,
          }),
        ],
      },
      [names.postPromotion]: {
        metrics: slo(v.active as string, "inconclusive", {
          interval: "1m",
          count: 5,
          failureLimit: 0,
          inconclusiveLimit: 5,
          consecutiveErrorLimit: 2,
        }),
      },
    };
  }
  const v = variantServices(model);
  const timing = { initialDelay: "2m", interval: "1m", failureLimit: 0, inconclusiveLimit: 0, consecutiveErrorLimit: 2 };
  const metrics: Record<string, unknown>[] = slo(v.canary as string, "inconclusive", timing);
  const b = model.slo.businessMetric;
  if (b) {
    const of = (variant: string) => `(${b.query.split("{{variant}}").join(variant)})`;
    metrics.push({
      name: `business-${b.name}`,
      ...timing,
      ...relative(b.direction, b.tolerance),
      provider: prom(`${of("canary")} / ${of("stable")}`),
    });
  }
  return { [names.ab]: { metrics } };
}

/** Recording rules: each model's load and SLOs per variant, labelled `model`, `variant` and `team` (dashboard, alerts). */
export function variantRecordingRules(namespace: string, models: readonly ServedModelSpec[]): Record<string, unknown>[] {
  return models.map((m) => ({
    name: `model-${m.name}`,
    rules: Object.entries(variantServices(m)).flatMap(([variant, service]) => {
      const q = variantQueries(namespace, service);
      const labels = { model: m.name, variant, team: m.team };
      const rules: { record: string; expr: string; labels: Record<string, string> }[] = [
        { record: "mlops:model_requests:rate2m", expr: q.requests, labels },
        { record: "mlops:model_error_ratio:rate2m", expr: q.errorRatio, labels },
        { record: "mlops:model_latency_p95_seconds:2m", expr: q.p95Seconds, labels },
      ];
      const b = m.slo.businessMetric;
      if (b && m.strategy === "canary")
        rules.push({
          record: "mlops:model_business_metric",
          expr: b.query.split("{{variant}}").join(variant),
          labels: { ...labels, metric: b.name },
        });
      return rules;
    }),
  }));
}

/**
 * Alerts on each model's own SLOs, per variant, labelled with the owning team (`team`), which the
 * team's alert route matches (alerting.ts): the team hears about its model, not only the platform.
 */
export function modelSloAlerts(models: readonly ServedModelSpec[]): Record<string, unknown> {
  return {
    name: "model-slo",
    rules: models.flatMap((m) => [
      {
        alert: "ModelSloErrorRate",
        expr: `mlops:model_error_ratio:rate2m{model="${m.name}"} > ${m.slo.errorRate}`,
        for: "10m",
        labels: { severity: "warning" },
        annotations: {
          summary: `Model ${m.name} ({{ $labels.variant }}) answers more than ${m.slo.errorRate * 100}% of requests with 5xx, above its SLO`,
        },
      },
      {
        alert: "ModelSloLatency",
        expr: `mlops:model_latency_p95_seconds:2m{model="${m.name}"} > ${m.slo.p95LatencyMs / 1000}`,
        for: "10m",
        labels: { severity: "warning" },
        annotations: { summary: `Model ${m.name} ({{ $labels.variant }}) p95 latency is above its SLO of ${m.slo.p95LatencyMs} ms` },
      },
    ]),
  };
}

/** The Grafana dashboard of one model: traffic, error ratio, p95 latency and business metric per variant, against the SLOs. */
export function modelDashboard(model: ServedModelSpec): Record<string, unknown> {
  const ds = { type: "prometheus", uid: "prometheus" };
  const sel = `model="${model.name}"`;
  const panel = (id: number, title: string, expr: string, unit: string, threshold?: number) => ({
    id,
    type: "timeseries",
    title,
    datasource: ds,
    gridPos: { h: 8, w: 12, x: ((id - 1) % 2) * 12, y: Math.floor((id - 1) / 2) * 8 },
    fieldConfig: {
      defaults: {
        unit,
        ...(threshold === undefined
          ? {}
          : {
              custom: { thresholdsStyle: { mode: "line" } },
              thresholds: {
                mode: "absolute",
                steps: [
                  { color: "green", value: null },
                  { color: "red", value: threshold },
                ],
              },
            }),
      },
      overrides: [],
    },
    targets: [{ refId: "A", datasource: ds, expr, legendFormat: "{{variant}}" }],
  });
  const panels = [
    panel(1, "Requests per second", `mlops:model_requests:rate2m{${sel}}`, "reqps"),
    panel(2, `Error ratio (SLO ${model.slo.errorRate})`, `mlops:model_error_ratio:rate2m{${sel}}`, "percentunit", model.slo.errorRate),
    panel(
      3,
      `p95 latency (SLO ${model.slo.p95LatencyMs} ms)`,
      `mlops:model_latency_p95_seconds:2m{${sel}}`,
      "s",
      model.slo.p95LatencyMs / 1000,
    ),
    panel(
      4,
      "Replicas",
      `sum by (rollouts_pod_template_hash) (kube_pod_labels{namespace="${NAMESPACES.serving}",label_mlops_platform_model="${model.name}"})`,
      "short",
    ),
  ];
  if (model.slo.businessMetric)
    panels.push(panel(5, `Business metric: ${model.slo.businessMetric.name}`, `mlops:model_business_metric{${sel}}`, "short"));
  return {
    uid: `mlops-model-${model.name}`.slice(0, 40),
    title: `Model ${model.name} (${model.strategy === "canary" ? "A/B" : "blue-green"})`,
    tags: ["mlops-platform", "model", `team:${model.team}`],
    timezone: "utc",
    schemaVersion: 39,
    time: { from: "now-6h", to: "now" },
    refresh: "1m",
    panels,
  };
}

/** The Rollout spec of one model (exported for tests). Replicas are the ScaledObject's to set. */
export function rolloutSpec(
  model: ServedModelSpec,
  ctx: {
    trackingUri: string;
    serviceAccountName: string;
    podLabels: Record<string, string>;
    nodeSelector: Record<string, string>;
    /** Image used when the model names none: the platform's MLflow image. */
    defaultImage: pulumi.Input<string>;
    /** Served-data capture; none: the model server owns the `http` port. */
    capture?: ServedDataCapture;
  },
): Record<string, unknown> {
  const serverPort = ctx.capture ? MODEL_SERVER_PORT : MODEL_PORT;
  const labels = { "app.kubernetes.io/name": model.name, "mlops.platform/model": model.name };
  const tmp = scratchVolume("tmp", "/tmp", "2Gi");
  const names = analysisTemplateNames(model.name);
  const v = variantServices(model);
  const variant = (value: string) => ({ labels: { [VARIANT_LABEL]: value } });
  const strategy =
    model.strategy === "blueGreen"
      ? {
          blueGreen: {
            activeService: v.active,
            previewService: v.preview,
            activeMetadata: variant("active"),
            previewMetadata: variant("preview"),
            autoPromotionEnabled: true,
            prePromotionAnalysis: { templates: [{ templateName: names.prePromotion }] },
            postPromotionAnalysis: { templates: [{ templateName: names.postPromotion }] },
            // The previous version keeps running through the post-promotion analysis (5 minutes),
            // so a failed analysis switches back to pods that are still up.
            scaleDownDelaySeconds: 600,
            abortScaleDownDelaySeconds: 30,
          },
        }
      : {
          canary: {
            canaryService: v.canary,
            stableService: v.stable,
            canaryMetadata: variant("canary"),
            stableMetadata: variant("stable"),
            trafficRouting: { traefik: { weightedTraefikServiceName: `${model.name}-weighted` } },
            maxSurge: "25%",
            maxUnavailable: 0,
            analysis: { templates: [{ templateName: names.ab }], startingStep: 1 },
            steps: model.weights.flatMap((w) => [{ setWeight: w }, { pause: { duration: "5m" } }]),
          },
        };
  return {
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
            // The MLflow gate admits the model server by its projected token (audience mlflow), which
            // MLflow's client takes from MLFLOW_TRACKING_TOKEN; the arguments stay "-m <uri> …" (promotion repoints them).
            command: [
              "/bin/sh",
              "-c",
              `MLFLOW_TRACKING_TOKEN="$(cat ${MLFLOW_TOKEN_MOUNT}/token)" exec mlflow models serve "$@"`,
              "mlflow-serve",
            ],
            args: [
              "-m",
              `models:/${model.registeredModel}/${model.version}`,
              "-h",
              // Behind the capture proxy the model server is pod-local: only the proxy reaches it.
              ctx.capture ? "127.0.0.1" : "0.0.0.0",
              "-p",
              String(serverPort),
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
            // The kubelet probes the pod IP: behind the capture proxy, through the proxy's `http` port.
            ...(ctx.capture ? {} : { ports: [{ name: "http", containerPort: serverPort }] }),
            readinessProbe: { httpGet: { path: "/ping", port: "http" }, initialDelaySeconds: 20, periodSeconds: 10 },
            livenessProbe: { httpGet: { path: "/health", port: "http" }, initialDelaySeconds: 60, periodSeconds: 20 },
            securityContext: restrictedContainerSecurityContext(),
            resources: resources(MODEL_SERVER_SIZE),
            volumeMounts: [tmp.mount, mlflowTokenVolume.mount],
          },
          ...(ctx.capture ? [captureContainer(model, ctx.capture)] : []),
        ],
        volumes: [tmp.volume, mlflowTokenVolume.volume],
      },
    },
  };
}

/** Python that hands the pod's projected token to MLflow's client (which reads MLFLOW_TRACKING_TOKEN). */
const MLFLOW_TOKEN_PRELUDE = `import os; os.environ["MLFLOW_TRACKING_TOKEN"] = open("/var/run/secrets/mlflow/token").read().strip()`;
/** Where pods mount the projected service-account token they present to the MLflow gate. */
export const MLFLOW_TOKEN_MOUNT = "/var/run/secrets/mlflow";
/** The projected token volume for the MLflow gate (audience `mlflow`, rotated by the kubelet). */
export const mlflowTokenVolume = {
  volume: {
    name: "mlflow-token",
    projected: { sources: [{ serviceAccountToken: { audience: "mlflow", expirationSeconds: 3600, path: "token" } }] },
  },
  mount: { name: "mlflow-token", mountPath: MLFLOW_TOKEN_MOUNT, readOnly: true },
} as const;

/** The Traefik routes of a canary model: header first (`X-Model-Variant: canary|stable`), then the weighted split. */
export function canaryRouting(
  model: Pick<ServedModelSpec, "name">,
  host: string,
): { ingressRoute: Record<string, unknown>; weighted: Record<string, unknown> } {
  const v = variantServices({ name: model.name, strategy: "canary" });
  const svc = (name: string) => [{ name, port: MODEL_PORT }];
  const hostRule = `Host(\`${host}\`)`;
  return {
    ingressRoute: {
      entryPoints: ["websecure"],
      routes: [
        {
          kind: "Rule",
          match: `${hostRule} && Header(\`${VARIANT_HEADER}\`, \`canary\`)`,
          priority: 200,
          services: svc(v.canary as string),
        },
        {
          kind: "Rule",
          match: `${hostRule} && Header(\`${VARIANT_HEADER}\`, \`stable\`)`,
          priority: 200,
          services: svc(v.stable as string),
        },
        { kind: "Rule", match: hostRule, priority: 100, services: [{ name: `${model.name}-weighted`, kind: "TraefikService" }] },
      ],
      tls: { secretName: `${model.name}-tls` },
    },
    // Argo Rollouts moves these weights at each setWeight step.
    weighted: {
      weighted: {
        services: [
          { name: v.stable, port: MODEL_PORT, weight: 100 },
          { name: v.canary, port: MODEL_PORT, weight: 0 },
        ],
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
      p.push(`models[${i}].serving.version: ${m.version} must be an MLflow version number (integer ≥ 1)`);
    if (
      m.image?.endsWith(":latest") ||
      (m.image !== undefined && !/(@sha256:[a-f0-9]{64}|:[A-Za-z0-9_.-]+)$/.test(m.image.split("/").pop() ?? ""))
    ) {
      p.push(`models[${i}].serving.image: "${m.image}" must be pinned to a fixed tag or digest`);
    }
    if (m.strategy === "canary" && m.weights.length === 0)
      p.push(`models[${i}].serving.weights: [] needs at least one traffic step, e.g. [10, 25, 50]`);
    if (m.autoscaling.minReplicas > m.autoscaling.maxReplicas)
      p.push(`models[${i}].autoscaling.minReplicas: ${m.autoscaling.minReplicas} is above maxReplicas ${m.autoscaling.maxReplicas}`);
    if (m.strategy === "blueGreen" && m.autoscaling.minReplicas < 1)
      p.push(`models[${i}].autoscaling.minReplicas: 0 with blueGreen leaves no preview for the smoke analysis; set at least 1`);
    if (m.slo.businessMetric && !m.slo.businessMetric.query.includes("{{variant}}"))
      p.push(`models[${i}].slo.businessMetric.query: must contain {{variant}}`);
  });
  return p;
}

/** Arguments of {@link ModelServing}. */
export interface ModelServingArgs {
  /**
   * The stack registry's pull-through cache: every image of this component comes through it.
   * @default none (images from their upstream registries)
   */
  readonly imageCache?: ImageCacheInput;
  readonly namespace: pulumi.Input<string>;
  readonly namespaceName: string;
  readonly rolloutsNamespace: pulumi.Input<string>;
  /** Namespace of KEDA, which scales every model's Rollout. */
  readonly kedaNamespace: pulumi.Input<string>;
  readonly models: readonly ServedModelSpec[];
  readonly identity: WorkloadIdentityRef;
  readonly serviceAccountName: string;
  readonly trackingUri: string;
  /** The platform's MLflow image, for models that name no image and for the smoke job. */
  readonly defaultImage: pulumi.Input<string>;
  readonly prometheusUrl: string;
  /** Labels of the CPU inference pool. */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** Domain of the model hosts: `<model>.<domain>`. */
  readonly modelsDomain: string;
  readonly ingress: InternalIngress;
  /** In-cluster host of the ingress controller's Service (the smoke job's way in). */
  readonly ingressHost: string;
  /**
   * Capture of a sample of served inputs and predictions for the drift monitor.
   * @default none: nothing is captured
   */
  readonly capture?: ServedDataCapture;
  readonly dependsOn: readonly pulumi.Resource[];
}

/** Argo Rollouts, KEDA and the served models. */
export class ModelServing extends pulumi.ComponentResource {
  /** The release that installs the Rollout / AnalysisTemplate CRDs. */
  public readonly release: k8s.helm.v3.Release;
  /** The KEDA release (ScaledObject CRD, operator, metrics API server). */
  public readonly keda: k8s.helm.v3.Release;
  /** `https://<model>.<domain>` by model name. */
  public readonly endpoints: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: ModelServingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops-platform:k8s:ModelServing", name, {}, opts);
    new ArgsCheck("mlops-platform:k8s:ModelServing", name).problems(servingProblems(args.models)).done();
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
            image: { ...partsViaCache(args.imageCache, IMAGES.argoRollouts.repository), tag: IMAGES.argoRollouts.tag },
            resources: resources("small"),
            metrics: { enabled: true, serviceMonitor: { enabled: true } },
          },
          podSecurityContext: restrictedPodSecurityContext(999),
          containerSecurityContext: restrictedContainerSecurityContext(999),
          dashboard: { enabled: false },
          notifications: { secret: { create: false } },
          // Only the Traefik provider: the controller edits the canary models' TraefikServices.
          providerRBAC: { enabled: true, providers: ROLLOUTS_PROVIDERS },
        },
      },
      { parent: this, dependsOn: [...args.dependsOn] },
    );
    this.keda = helmRelease(
      `${name}-keda`,
      { chart: CHARTS.keda, releaseName: "keda", namespace: args.kedaNamespace, values: kedaValues(args.imageCache) },
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
    if (args.models.length > 0) {
      new k8s.apiextensions.CustomResource(
        `${name}-variant-rules`,
        {
          apiVersion: "monitoring.coreos.com/v1",
          kind: "PrometheusRule",
          metadata: { name: "model-variants", namespace: args.namespace, labels: { "app.kubernetes.io/part-of": "mlops-platform" } },
          spec: { groups: [...variantRecordingRules(args.namespaceName, args.models), modelSloAlerts(args.models)] },
        },
        { parent: this, dependsOn: [...args.dependsOn] },
      );
    }
    this.endpoints = {};
    for (const model of args.models) {
      const selector = { "app.kubernetes.io/name": model.name, "mlops.platform/model": model.name };
      const variants = variantServices(model);
      const svcResources = Object.values(variants).map(
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
      const host = `${model.name}.${args.modelsDomain}`;
      const previewHost = `${model.name}-preview.${args.modelsDomain}`;
      const routes: pulumi.Resource[] = [];
      if (model.strategy === "blueGreen") {
        routes.push(
          tlsIngress(
            model.name,
            { namespace: args.namespace, host, serviceName: model.name, servicePort: MODEL_PORT, ingress: args.ingress },
            this,
          ),
          tlsIngress(
            `${model.name}-preview`,
            {
              namespace: args.namespace,
              host: previewHost,
              serviceName: `${model.name}-preview`,
              servicePort: MODEL_PORT,
              ingress: args.ingress,
            },
            this,
          ),
        );
      } else {
        const { certificate } = tlsCertificate(model.name, { namespace: args.namespace, host, ingress: args.ingress }, this);
        const routing = canaryRouting(model, host);
        const trafficCrd = { parent: this, dependsOn: [...args.dependsOn, args.ingress.controller, ...svcResources] };
        routes.push(
          new k8s.apiextensions.CustomResource(
            `${name}-${model.name}-weighted`,
            {
              apiVersion: "traefik.io/v1alpha1",
              kind: "TraefikService",
              metadata: {
                name: `${model.name}-weighted`,
                namespace: args.namespace,
                annotations: { "kubernetes.io/ingress.class": INGRESS_CLASS },
              },
              spec: routing.weighted,
            },
            // Argo Rollouts owns the weights once the Rollout runs.
            { ...trafficCrd, ignoreChanges: ["spec.weighted.services"] },
          ),
        );
        routes.push(
          new k8s.apiextensions.CustomResource(
            `${name}-${model.name}-route`,
            {
              apiVersion: "traefik.io/v1alpha1",
              kind: "IngressRoute",
              metadata: { name: model.name, namespace: args.namespace, annotations: { "kubernetes.io/ingress.class": INGRESS_CLASS } },
              spec: routing.ingressRoute,
            },
            { ...trafficCrd, dependsOn: [...trafficCrd.dependsOn, certificate, ...routes] },
          ),
        );
      }
      for (const [tname, spec] of Object.entries(
        analysisTemplateSpecs(model, {
          namespace: args.namespaceName,
          prometheusUrl: args.prometheusUrl,
          smokeImage: args.defaultImage,
          serviceAccountName: args.serviceAccountName,
          podLabels: { ...args.identity.podLabels },
          trackingUri: args.trackingUri,
          previewHost,
          ingressHost: args.ingressHost,
        }),
      )) {
        new k8s.apiextensions.CustomResource(
          `${name}-${tname}`,
          { apiVersion: "argoproj.io/v1alpha1", kind: "AnalysisTemplate", metadata: { name: tname, namespace: args.namespace }, spec },
          crd,
        );
      }
      const rollout = new k8s.apiextensions.CustomResource(
        `${name}-${model.name}`,
        {
          apiVersion: "argoproj.io/v1alpha1",
          kind: "Rollout",
          metadata: { name: model.name, namespace: args.namespace, labels: selector },
          spec: rolloutSpec(model, {
            trackingUri: args.trackingUri,
            serviceAccountName: args.serviceAccountName,
            podLabels: { ...args.identity.podLabels },
            nodeSelector: { ...args.nodeSelector },
            defaultImage: args.defaultImage,
            ...(args.capture ? { capture: args.capture } : {}),
          }),
        },
        { parent: this, dependsOn: [...args.dependsOn, this.release, ...svcResources, ...routes] },
      );
      new k8s.apiextensions.CustomResource(
        `${name}-${model.name}-scaler`,
        {
          apiVersion: "keda.sh/v1alpha1",
          kind: "ScaledObject",
          metadata: { name: model.name, namespace: args.namespace, labels: selector },
          spec: scaledObjectSpec(model, { namespace: args.namespaceName, prometheusUrl: args.prometheusUrl }),
        },
        { parent: this, dependsOn: [...args.dependsOn, this.keda, rollout] },
      );
      new k8s.policy.v1.PodDisruptionBudget(
        `${name}-${model.name}-pdb`,
        { metadata: { name: model.name, namespace: args.namespace, labels: selector }, spec: disruptionBudgetSpec(model) },
        { parent: this, dependsOn: [...args.dependsOn] },
      );
      new k8s.core.v1.ConfigMap(
        `${name}-${model.name}-dashboard`,
        {
          metadata: { name: `${model.name}-dashboard`, namespace: args.namespace, labels: { ...GRAFANA_DASHBOARD_LABEL, ...selector } },
          data: { [`model-${model.name}.json`]: JSON.stringify(modelDashboard(model)) },
        },
        { parent: this, dependsOn: [...args.dependsOn] },
      );
      this.endpoints[model.name] = pulumi.output(`https://${host}`);
    }
    this.registerOutputs({ release: this.release, keda: this.keda, endpoints: this.endpoints });
  }
}

/** Label the Grafana dashboard sidecar of kube-prometheus-stack watches (in every namespace). */
export const GRAFANA_DASHBOARD_LABEL = { grafana_dashboard: "1" } as const;

/** Argo Rollouts' provider RBAC: Traefik only. */
const ROLLOUTS_PROVIDERS = {
  istio: false,
  smi: false,
  ambassador: false,
  awsLoadBalancerController: false,
  awsAppMesh: false,
  traefik: true,
  apisix: false,
  contour: false,
  glooPlatform: false,
  gatewayAPI: false,
} as const;

/** Key prefix of the served-data capture in the artifacts bucket (`<prefix><model>/<day>/`). */
export const CAPTURE_PREFIX = "capture/";

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
    buckets: [
      { purpose: "artifacts", prefix: "mlflow/", mode: "read" },
      // The capture sidecars write a sample of served inputs and predictions here.
      { purpose: "artifacts", prefix: CAPTURE_PREFIX, mode: "readwrite" },
    ],
    readDataLakes: false,
    registry: "pull",
    consumeDataEvents: false,
  },
  ingress: () => [flows.fromIngress([MODEL_PORT]), flows.scrape()],
  egress: ({ internet }) => [
    flows.namespace("model download from MLflow", NAMESPACES.mlflow, [MLFLOW_GATE_SERVICE.containerPort]),
    flows.namespace("online features", NAMESPACES.feast, [FEAST_SERVICE.port]),
    flows.namespace("blue-green smoke traffic through the internal ingress", NAMESPACES.ingress, [8443]),
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
