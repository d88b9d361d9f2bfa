/**
 * Every Helm chart (official repository + exact version) and every container image (fixed tag)
 * the platform installs (the Kubernetes platform services and the AWS cluster autoscaler), in one place. Upgrading a component is a change of
 * one line here, reviewed like any other change; nothing floats.
 *
 * Images that a chart renders from its own `appVersion` are pinned by the chart version; the
 * images the platform sets explicitly (below) are pinned again here so a chart bump never
 * changes a workload image silently.
 */
import type { KubernetesVersion } from "./kubernetes";

/** A Helm chart pinned to an exact version in its official repository. */
export interface ChartPin {
  /** Chart name in the repository. */
  readonly chart: string;
  /** Exact chart version (no ranges). */
  readonly version: string;
  /** Official repository of the chart: HTTPS, or `oci://` for charts published only to an OCI registry. */
  readonly repo: string;
}

/** The charts the platform installs. */
export const CHARTS = {
  argoWorkflows: { chart: "argo-workflows", version: "1.0.18", repo: "https://argoproj.github.io/argo-helm" },
  argoEvents: { chart: "argo-events", version: "2.4.22", repo: "https://argoproj.github.io/argo-helm" },
  argoRollouts: { chart: "argo-rollouts", version: "2.41.0", repo: "https://argoproj.github.io/argo-helm" },
  mlflow: { chart: "mlflow", version: "1.11.5", repo: "https://community-charts.github.io/helm-charts" },
  oauth2Proxy: { chart: "oauth2-proxy", version: "10.7.0", repo: "https://oauth2-proxy.github.io/manifests" },
  dex: { chart: "dex", version: "0.24.0", repo: "https://charts.dexidp.io" },
  kubePrometheusStack: {
    chart: "kube-prometheus-stack",
    version: "88.5.3",
    repo: "https://prometheus-community.github.io/helm-charts",
  },
  traefik: { chart: "traefik", version: "41.3.0", repo: "https://traefik.github.io/charts" },
  certManager: { chart: "cert-manager", version: "v1.21.1", repo: "https://charts.jetstack.io" },
  nvidiaDevicePlugin: { chart: "nvidia-device-plugin", version: "0.20.0", repo: "https://nvidia.github.io/k8s-device-plugin" },
  dcgmExporter: { chart: "dcgm-exporter", version: "4.8.2", repo: "https://nvidia.github.io/dcgm-exporter/helm-charts" },
  /**
   * Kueue (kubernetes-sigs/kueue), the GPU job queue. Published only as an OCI chart; its
   * `repo` is the OCI registry path, which `helmRelease` turns into `oci://…/kueue`.
   */
  kueue: { chart: "kueue", version: "0.19.2", repo: "oci://registry.k8s.io/kueue/charts" },
  /** AWS only (AKS runs its own autoscaler): kubernetes/autoscaler, `cluster-autoscaler/charts/cluster-autoscaler`. */
  /** KEDA: scales the served models' Rollouts (components/k8s/autoscaling.ts). */
  keda: { chart: "keda", version: "2.20.2", repo: "https://kedacore.github.io/charts" },
  /**
   * Istio ambient (components/k8s/mesh.ts): four charts of one release, always the same version
   * (a test refuses a mix). Published at https://istio-release.storage.googleapis.com/charts.
   */
  istioBase: { chart: "base", version: "1.30.3", repo: "https://istio-release.storage.googleapis.com/charts" },
  istiod: { chart: "istiod", version: "1.30.3", repo: "https://istio-release.storage.googleapis.com/charts" },
  istioCni: { chart: "cni", version: "1.30.3", repo: "https://istio-release.storage.googleapis.com/charts" },
  ztunnel: { chart: "ztunnel", version: "1.30.3", repo: "https://istio-release.storage.googleapis.com/charts" },
  clusterAutoscaler: { chart: "cluster-autoscaler", version: "9.59.0", repo: "https://kubernetes.github.io/autoscaler" },
} as const satisfies Record<string, ChartPin>;

/** A container image pinned to a fixed tag (never `latest`). */
export interface ImagePin {
  /** Registry host and repository, e.g. `quay.io/argoproj/workflow-controller`. */
  readonly repository: string;
  /** Fixed tag, or `sha256:…` digest. */
  readonly tag: string;
}

/** The images the platform sets explicitly. */
export const IMAGES = {
  /** argo-workflows: the CRD upgrade Job (the chart's default). */
  kubectl: { repository: "registry.k8s.io/kubectl", tag: "v1.36.2" },
  argoWorkflowController: { repository: "quay.io/argoproj/workflow-controller", tag: "v4.0.6" },
  argoServer: { repository: "quay.io/argoproj/argocli", tag: "v4.0.6" },
  argoExec: { repository: "quay.io/argoproj/argoexec", tag: "v4.0.6" },
  argoEvents: { repository: "quay.io/argoproj/argo-events", tag: "v1.9.10" },
  argoRollouts: { repository: "quay.io/argoproj/argo-rollouts", tag: "v1.9.0" },
  nats: { repository: "public.ecr.aws/docker/library/nats", tag: "2.10.10" },
  natsMetricsExporter: { repository: "docker.io/natsio/prometheus-nats-exporter", tag: "0.14.0" },
  natsConfigReloader: { repository: "docker.io/natsio/nats-server-config-reloader", tag: "0.14.0" },
  /** `psql` of the AWS database-init Job (the Docker official image mirrored on ECR Public). */
  postgresClient: { repository: "public.ecr.aws/docker/library/postgres", tag: "16.4-alpine3.20" },
  /** Base of the platform's MLflow image (components/k8s/images/mlflow/Dockerfile), not deployed as is. */
  python: { repository: "public.ecr.aws/docker/library/python", tag: "3.12.12-slim-bookworm" },
  oauth2Proxy: { repository: "quay.io/oauth2-proxy/oauth2-proxy", tag: "v7.15.3" },
  dex: { repository: "ghcr.io/dexidp/dex", tag: "v2.44.0" },
  feastFeatureServer: { repository: "quay.io/feastdev/feature-server", tag: "0.67.0" },
  traefik: { repository: "public.ecr.aws/docker/library/traefik", tag: "v3.7.11" },
  prometheus: { repository: "quay.io/prometheus/prometheus", tag: "v3.14.0-distroless" },
  alertmanager: { repository: "quay.io/prometheus/alertmanager", tag: "v0.34.0" },
  prometheusOperator: { repository: "quay.io/prometheus-operator/prometheus-operator", tag: "v0.93.1" },
  certManagerController: { repository: "quay.io/jetstack/cert-manager-controller", tag: "v1.21.1" },
  nvidiaDevicePlugin: { repository: "nvcr.io/nvidia/k8s-device-plugin", tag: "v0.20.0" },
  keda: { repository: "ghcr.io/kedacore/keda", tag: "2.20.2" },
  kedaMetricsApiServer: { repository: "ghcr.io/kedacore/keda-metrics-apiserver", tag: "2.20.2" },
  kedaWebhooks: { repository: "ghcr.io/kedacore/keda-admission-webhooks", tag: "2.20.2" },
  dcgmExporter: { repository: "nvcr.io/nvidia/k8s/dcgm-exporter", tag: "4.5.3-4.8.2-distroless" },
  /** Istio 1.30.3 (the charts' own defaults point at a test registry with a floating tag: set). */
  istioPilot: { repository: "docker.io/istio/pilot", tag: "1.30.3-distroless" },
  istioCni: { repository: "docker.io/istio/install-cni", tag: "1.30.3-distroless" },
  istioZtunnel: { repository: "docker.io/istio/ztunnel", tag: "1.30.3" },
  /** The chart's default is a staging image that floats (`release-0.19`): set to the release. */
  kueue: { repository: "registry.k8s.io/kueue/kueue", tag: "v0.19.2" },
  /**
   * Kaniko's executor, the in-cluster image builder (workflows/steps/lib/image-build.ts pins it by
   * digest; this entry lets the stack's registry serve it: ECR cannot cache gcr.io, so AWS stacks
   * create its repository and the images workflow copies it, as for nvcr.io).
   */
  kanikoExecutor: { repository: "gcr.io/kaniko-project/executor", tag: "v1.23.2" },
} as const satisfies Record<string, ImagePin>;

/**
 * Images that charts run besides those above, at the tag the chart version pins (its
 * `appVersion` or its default values, test/fixtures/charts/): the platform sets only where they
 * come from (the stack registry's cache, contracts/image-cache.ts), never their version.
 */
export const CHART_IMAGES = {
  /** kube-prometheus-stack: the operator's config reloader (tag = the operator's). */
  prometheusConfigReloader: { repository: "quay.io/prometheus-operator/prometheus-config-reloader" },
  /** kube-prometheus-stack: the admission webhooks' certificate Job. */
  webhookCertgen: { repository: "ghcr.io/jkroepke/kube-webhook-certgen", tag: "1.8.7" },
  /** kube-prometheus-stack: Thanos (the operator's default base image; no Thanos runs). */
  thanos: { repository: "quay.io/thanos/thanos", tag: "v0.42.4" },
  grafana: { repository: "docker.io/grafana/grafana" },
  grafanaSidecar: { repository: "quay.io/kiwigrid/k8s-sidecar", tag: "2.10.1" },
  grafanaDownloader: { repository: "docker.io/curlimages/curl", tag: "8.21.0" },
  kubeStateMetrics: { repository: "registry.k8s.io/kube-state-metrics/kube-state-metrics" },
  nodeExporter: { repository: "quay.io/prometheus/node-exporter" },
  kubeRbacProxy: { repository: "quay.io/brancz/kube-rbac-proxy", tag: "v0.22.1" },
  /** cert-manager renders `imageRegistry/imageNamespace/<component>` for its five images. */
  certManager: { repository: "quay.io/jetstack" },
} as const satisfies Record<string, { readonly repository: string; readonly tag?: string }>;

/** The cluster autoscaler's image repository; its tag follows the cluster's minor ({@link CLUSTER_AUTOSCALER_IMAGE_TAGS}). */
export const CLUSTER_AUTOSCALER_REPOSITORY = "registry.k8s.io/autoscaling/cluster-autoscaler";
/** Autoscaler image per Kubernetes minor: the autoscaler's minor must match the cluster's (one per supported version). */
export const CLUSTER_AUTOSCALER_IMAGE_TAGS = {
  "1.32": "v1.32.7",
  "1.33": "v1.33.6",
  "1.34": "v1.34.5",
  "1.35": "v1.35.2",
} as const satisfies Record<KubernetesVersion, string>;

/** The autoscaler image for a cluster minor, or undefined when the minor has none. */
export function clusterAutoscalerImage(kubernetesVersion: string): ImagePin | undefined {
  const tag = (CLUSTER_AUTOSCALER_IMAGE_TAGS as Readonly<Record<string, string>>)[kubernetesVersion];
  return tag === undefined ? undefined : { repository: CLUSTER_AUTOSCALER_REPOSITORY, tag };
}

/**
 * Images the platform builds from its own Dockerfiles and pushes to its own registry (the
 * `repositoryUrls[repository]` of the cloud layer), so every image a pod runs comes from an
 * allowed registry. MLflow's official image lacks the PostgreSQL and cloud-storage drivers.
 */
export const PLATFORM_IMAGES = {
  /** MLflow server and default model server (`mlflow server`, `mlflow models serve`). */
  mlflow: { repository: "serving", tag: "mlflow-3.15.1", mlflowVersion: "3.15.1", dockerfile: "components/k8s/images/mlflow/Dockerfile" },
} as const;

/** `repository:tag` (or `repository@sha256:…`) of a pinned image. */
export function imageRef(image: ImagePin): string {
  return image.tag.startsWith("sha256:") ? `${image.repository}@${image.tag}` : `${image.repository}:${image.tag}`;
}

/** Splits `registry/repository` into the two parts some charts take separately. */
export function splitRegistry(image: ImagePin): { registry: string; repository: string } {
  const [first, ...rest] = image.repository.split("/");
  if (rest.length === 0 || first === undefined || !first.includes(".")) return { registry: "docker.io", repository: image.repository };
  return { registry: first, repository: rest.join("/") };
}
