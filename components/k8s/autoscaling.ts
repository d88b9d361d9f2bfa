/**
 * Inference autoscaling: KEDA scales each served model's Rollout on its request rate (from the
 * ingress controller's metrics in Prometheus) and its CPU, between the model's replica bounds,
 * with a stabilised scale-down; a PodDisruptionBudget per model keeps it serving through node
 * drains. The CPU inference pool's node autoscaler then follows the pending pods.
 *
 * KEDA rather than an HPA behind prometheus-adapter: KEDA's ScaledObject takes a PromQL query
 * per object (the adapter needs a cluster-wide rule set and owns the whole external-metrics API),
 * it targets Argo Rollouts through their scale subresource, it can scale a development model to
 * zero (an HPA cannot go below one replica), and it still drives a plain HPA underneath, whose
 * `behavior` it passes through.
 */
import { NAMESPACES } from "../../contracts/endpoints";
import { INBOUND_BYPASS_ANNOTATION } from "../../contracts/mesh";
import { CHARTS, IMAGES } from "../../contracts/versions";
import { type ImageCacheInput, partsViaCache } from "./image-cache";
import { flows } from "./namespace";
import { resources, restrictedContainerSecurityContext, restrictedPodSecurityContext } from "./security";
import type { PlatformServiceDescriptor } from "./service";

/** What the autoscaling of one model needs to know about it. */
export interface AutoscaledModel {
  readonly name: string;
  readonly strategy: "blueGreen" | "canary";
  readonly autoscaling: { readonly minReplicas: number; readonly maxReplicas: number; readonly targetRequestsPerSecond: number };
}

/** Scale-down waits this long after the load falls (no flapping at the end of a peak). */
export const SCALE_DOWN_STABILISATION_SECONDS = 300;
/** Target CPU utilisation (percent of the request) at which another replica is added. */
export const TARGET_CPU_PERCENT = 70;
/** With `minReplicas: 0`, idle time before the last replica goes. */
export const SCALE_TO_ZERO_COOLDOWN_SECONDS = 900;

/**
 * PromQL of a model's request rate over all its variants, from the ingress controller. Requests
 * answered while the model has no replica (scale to zero) are counted too (Traefik answers 503),
 * which is what wakes it up.
 */
export function modelRequestRateQuery(namespace: string, model: string): string {
  return `sum(rate(traefik_service_requests_total{service=~"${namespace}-(.+-)?${model}(-preview|-stable|-canary)?-8080@kubernetes(crd)?"}[2m]))`;
}

/** The ScaledObject spec of one model (exported for tests). */
export function scaledObjectSpec(model: AutoscaledModel, ctx: { namespace: string; prometheusUrl: string }): Record<string, unknown> {
  const { minReplicas, maxReplicas, targetRequestsPerSecond } = model.autoscaling;
  return {
    scaleTargetRef: { apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", name: model.name },
    minReplicaCount: minReplicas,
    maxReplicaCount: maxReplicas,
    pollingInterval: 15,
    ...(minReplicas === 0 ? { cooldownPeriod: SCALE_TO_ZERO_COOLDOWN_SECONDS } : {}),
    advanced: {
      horizontalPodAutoscalerConfig: {
        behavior: {
          scaleDown: {
            stabilizationWindowSeconds: SCALE_DOWN_STABILISATION_SECONDS,
            policies: [{ type: "Pods", value: 1, periodSeconds: 60 }],
          },
          scaleUp: {
            stabilizationWindowSeconds: 0,
            policies: [
              { type: "Percent", value: 100, periodSeconds: 30 },
              { type: "Pods", value: 4, periodSeconds: 30 },
            ],
            selectPolicy: "Max",
          },
        },
      },
    },
    triggers: [
      {
        type: "prometheus",
        name: "requests-per-second",
        metadata: {
          serverAddress: ctx.prometheusUrl,
          query: modelRequestRateQuery(ctx.namespace, model.name),
          threshold: String(targetRequestsPerSecond),
          // Any request wakes a model scaled to zero.
          activationThreshold: "0",
          ignoreNullValues: "true",
        },
      },
      { type: "cpu", name: "cpu", metricType: "Utilization", metadata: { value: String(TARGET_CPU_PERCENT) } },
    ],
  };
}

/**
 * The PodDisruptionBudget of one model: at most one replica evicted at a time. With two or more
 * replicas (production's floor) the model keeps serving through a drain; a single development
 * replica can still be drained (a budget that allows no eviction would block node upgrades).
 */
export function disruptionBudgetSpec(model: Pick<AutoscaledModel, "name">): Record<string, unknown> {
  return {
    maxUnavailable: 1,
    selector: { matchLabels: { "app.kubernetes.io/name": model.name, "mlops.platform/model": model.name } },
  };
}

/** Resources of one model server (and the smoke job's ceiling): the `large` preset. */
export const MODEL_SERVER_SIZE = "large" as const;

/**
 * The serving namespace's quota, raised to what the models can scale to: every model at its
 * `maxReplicas` twice over (a rollout runs both versions), plus one pod for a smoke job. The
 * quota counts limits of CPU at twice the `cpu` figure and memory at the `memoryGiB` figure
 * (namespace.ts `quotaHard`), so a KEDA scale-up is never refused by the quota.
 */
export function servingQuota(
  base: { cpu: number; memoryGiB: number; gpu: number },
  models: readonly Pick<AutoscaledModel, "autoscaling">[],
): { cpu: number; memoryGiB: number; gpu: number } {
  const r = resources(MODEL_SERVER_SIZE).limits;
  const cpu = Number(r.cpu);
  const memGiB = Number(String(r.memory).replace(/Gi$/, ""));
  const pods = models.reduce((n, m) => n + 2 * m.autoscaling.maxReplicas, 0) + 1;
  return {
    ...base,
    cpu: Math.max(base.cpu, Math.ceil((pods * cpu) / 2)),
    memoryGiB: Math.max(base.memoryGiB, Math.ceil(pods * memGiB)),
  };
}

/** Helm values of KEDA (exported for tests). */
export function kedaValues(imageCache?: ImageCacheInput): Record<string, unknown> {
  const image = (pin: { repository: string; tag: string }) => ({ ...partsViaCache(imageCache, pin.repository), tag: pin.tag });
  const sc = restrictedContainerSecurityContext();
  const pod = restrictedPodSecurityContext();
  return {
    image: {
      keda: image(IMAGES.keda),
      metricsApiServer: image(IMAGES.kedaMetricsApiServer),
      webhooks: image(IMAGES.kedaWebhooks),
      pullPolicy: "IfNotPresent",
    },
    crds: { install: true },
    securityContext: { operator: sc, metricServer: sc, webhooks: sc },
    podSecurityContext: { operator: pod, metricServer: pod, webhooks: pod },
    resources: { operator: resources("small"), metricServer: resources("small"), webhooks: resources("tiny") },
    // The API server (outside the mesh) calls the external-metrics API and the webhooks.
    podAnnotations: { metricsAdapter: { ...INBOUND_BYPASS_ANNOTATION }, webhooks: { ...INBOUND_BYPASS_ANNOTATION } },
    prometheus: {
      operator: { enabled: true, serviceMonitor: { enabled: true } },
      metricServer: { enabled: true, serviceMonitor: { enabled: true } },
    },
  };
}

/** Catalogue entry: KEDA, which scales the model servers. */
export const kedaService: PlatformServiceDescriptor = {
  key: "keda",
  namespace: { name: NAMESPACES.keda },
  charts: [CHARTS.keda],
  ingress: ({ networkCidr }) => [
    // The API server calls the external-metrics API (6443) and the admission webhook (9443).
    flows.webhook(networkCidr, 6443),
    flows.webhook(networkCidr, 9443),
    flows.namespace("KEDA operator and metrics server", NAMESPACES.keda, [9666]),
    flows.scrape(),
  ],
  egress: ({ networkCidr }) => [
    flows.apiServer(networkCidr),
    flows.namespace("KEDA operator and metrics server", NAMESPACES.keda, [9666]),
    flows.namespace("scaler queries to Prometheus", NAMESPACES.monitoring, [9090]),
  ],
  quota: { cpu: 3, memoryGiB: 4 },
};
