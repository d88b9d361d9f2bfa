/**
 * Monitoring and alerting: kube-prometheus-stack (Prometheus, Alertmanager, Grafana with OIDC
 * login, kube-state-metrics, node exporter) and the platform's alert rules: model error rate
 * and latency, data drift, GPU utilisation, failed pipeline runs, certificate expiry.
 */

import * as pulumi from "@pulumi/pulumi";
import { NAMESPACES } from "../../contracts/endpoints";
import { INBOUND_BYPASS_ANNOTATION } from "../../contracts/mesh";
import { CHART_IMAGES, CHARTS, IMAGES } from "../../contracts/versions";
import { ArgsCheck } from "../validate";
import {
  ALERT_CREDENTIALS_SECRET,
  ALERTMANAGER_CONFIG_LABEL,
  type AlertingSettings,
  alertingProblems,
  alertmanagerConfigSpec,
} from "./alerting";
import { helmRelease } from "./helm";
import { type ImageCacheInput, partsViaCache } from "./image-cache";
import { flows } from "./namespace";
import * as k8s from "./sdk";
import { resources, restrictedContainerSecurityContext, restrictedPodSecurityContext, secretStringData } from "./security";
import type { PlatformServiceDescriptor } from "./service";
import { oidcClientSecret, type SsoSettings } from "./sso";

/** Prometheus's in-cluster URL (release `kube-prometheus-stack`). */
export function prometheusUrl(namespace: string): string {
  return `http://kube-prometheus-stack-prometheus.${namespace}.svc:9090`;
}
/** Grafana's service (release `kube-prometheus-stack`). */
export const GRAFANA_SERVICE = { name: "kube-prometheus-stack-grafana", port: 80 } as const;

/** Thresholds of the alert rules. */
export interface AlertThresholds {
  /** PSI above which drift alerts for a model without its own threshold (`services.driftThreshold`). */
  readonly driftPsi: number;
  /**
   * Each model's own PSI threshold by registered model (`models[].drift.psiThreshold`), the one its
   * drift CronWorkflow retrains at. @default none: every model alerts at `driftPsi`
   */
  readonly driftPsiByModel?: Readonly<Record<string, number>>;
  /** @default 0.05 */
  readonly modelErrorRate?: number;
  /** @default 1 second */
  readonly modelP95Seconds?: number;
  /** @default 14 days */
  readonly certExpiryDays?: number;
}

/** A PromQL string literal (double-quoted, escaped). */
const promString = (v: string) => JSON.stringify(v);
/** `v` matched literally inside a PromQL (RE2) regular expression. */
const promRegexLiteral = (v: string) => v.replace(/[\\.^$|?*+()[\]{}]/g, "\\$&");

/** The drift alert: each model above its own threshold, the others above the stack-wide one. */
function driftExpr(t: AlertThresholds): string {
  const psi = (matcher: string) =>
    `max by (model, team) ({__name__=~"model_data_drift_psi|argo_workflows_model_data_drift_psi"${matcher}})`;
  const own = Object.entries(t.driftPsiByModel ?? {}).sort(([a], [b]) => a.localeCompare(b));
  if (own.length === 0) return `${psi("")} > ${t.driftPsi}`;
  const others = `,model!~${promString(own.map(([m]) => promRegexLiteral(m)).join("|"))}`;
  return [...own.map(([m, v]) => `(${psi(`,model=${promString(m)}`)} > ${v})`), `(${psi(others)} > ${t.driftPsi})`].join(" or ");
}

/** The rule groups of the platform's PrometheusRule (exported for tests). */
export function alertRuleGroups(t: AlertThresholds, servingNamespace: string): Record<string, unknown>[] {
  const errorRate = t.modelErrorRate ?? 0.05;
  const p95 = t.modelP95Seconds ?? 1;
  const certDays = t.certExpiryDays ?? 14;
  const svc = `${servingNamespace}-.*@kubernetes`;
  const rule = (alert: string, expr: string, forDuration: string, severity: string, summary: string) => ({
    alert,
    expr,
    for: forDuration,
    labels: { severity, platform: "mlops" },
    annotations: { summary, runbook_url: `docs/platform-services.md#${alert.toLowerCase()}` },
  });
  return [
    {
      name: "mlops.models",
      rules: [
        rule(
          "ModelHighErrorRate",
          `sum by (service) (rate(traefik_service_requests_total{service=~"${svc}",code=~"5.."}[5m])) / clamp_min(sum by (service) (rate(traefik_service_requests_total{service=~"${svc}"}[5m])), 1e-9) > ${errorRate}`,
          "10m",
          "critical",
          `Model endpoint {{ $labels.service }} answers more than ${errorRate * 100}% of requests with 5xx`,
        ),
        rule(
          "ModelHighLatency",
          `histogram_quantile(0.95, sum by (service, le) (rate(traefik_service_request_duration_seconds_bucket{service=~"${svc}"}[5m]))) > ${p95}`,
          "10m",
          "warning",
          `Model endpoint {{ $labels.service }} p95 latency is above ${p95}s`,
        ),
      ],
    },
    {
      name: "mlops.drift",
      rules: [
        rule(
          "FeatureDriftDetected",
          driftExpr(t),
          "0m",
          "warning",
          `Input data of model {{ $labels.model }} drifted (largest feature PSI {{ $value }} above the model's threshold); its drift CronWorkflow submits retraining`,
        ),
      ],
    },
    {
      name: "mlops.gpu",
      rules: [
        rule(
          "GpuIdle",
          "avg by (Hostname, gpu) (DCGM_FI_DEV_GPU_UTIL) < 10",
          "1h",
          "info",
          "GPU {{ $labels.gpu }} on {{ $labels.Hostname }} has been under 10% for an hour: scale the pool down",
        ),
        rule(
          "GpuSaturated",
          "avg by (Hostname, gpu) (DCGM_FI_DEV_GPU_UTIL) > 95",
          "30m",
          "warning",
          "GPU {{ $labels.gpu }} on {{ $labels.Hostname }} is saturated",
        ),
        rule(
          "GpuMemoryNearlyFull",
          "max by (Hostname, gpu) (DCGM_FI_DEV_FB_USED / (DCGM_FI_DEV_FB_USED + DCGM_FI_DEV_FB_FREE)) > 0.95",
          "15m",
          "warning",
          "GPU memory above 95% on {{ $labels.Hostname }}",
        ),
      ],
    },
    {
      name: "mlops.pipelines",
      rules: [
        rule(
          "PipelineRunFailed",
          'sum by (namespace) (increase(argo_workflows_total_count{phase=~"Failed|Error"}[10m])) > 0 or sum by (namespace, pipeline) (increase({__name__=~"ml_pipeline_runs_total|argo_workflows_ml_pipeline_runs_total",status=~"Failed|Error"}[10m])) > 0',
          "0m",
          "warning",
          "A workflow failed in namespace {{ $labels.namespace }}",
        ),
      ],
    },
    {
      name: "mlops.certificates",
      rules: [
        rule(
          "CertificateExpiringSoon",
          `certmanager_certificate_expiration_timestamp_seconds - time() < ${certDays * 86400}`,
          "1h",
          "warning",
          `Certificate {{ $labels.namespace }}/{{ $labels.name }} expires in less than ${certDays} days`,
        ),
        rule(
          "CertificateNotReady",
          'certmanager_certificate_ready_status{condition="False"} == 1',
          "15m",
          "critical",
          "Certificate {{ $labels.namespace }}/{{ $labels.name }} is not ready",
        ),
      ],
    },
  ];
}

/** The JMESPath that maps identity-provider groups onto Grafana roles; anyone else is refused. */
export function grafanaRoleAttributePath(adminGroups: readonly string[], viewerGroups: readonly string[]): string {
  const any = (groups: readonly string[]) => groups.map((g) => `contains(groups[*], '${g.replace(/'/g, "\\'")}')`).join(" || ");
  const parts = [`(${any(adminGroups)}) && 'Admin'`];
  if (viewerGroups.length) parts.push(`(${any(viewerGroups)}) && 'Viewer'`);
  return parts.join(" || ");
}

/** Arguments of {@link Monitoring}. */
export interface MonitoringArgs {
  /**
   * The stack registry's pull-through cache: every image of this component comes through it.
   * @default none (images from their upstream registries)
   */
  readonly imageCache?: ImageCacheInput;
  readonly namespace: pulumi.Input<string>;
  readonly namespaceName: string;
  /** Namespace of the privileged node agents (node exporter runs there). */
  readonly nodeAgentsNamespace: string;
  readonly servingNamespace: string;
  readonly sso: SsoSettings;
  /** Groups that get the Viewer role besides `sso.viewerGroups` (team groups). */
  readonly extraViewerGroups: readonly string[];
  readonly host: string;
  readonly storageClassName: string;
  readonly retentionDays: number;
  readonly replicas: number;
  readonly thresholds: AlertThresholds;
  readonly grafanaAdminPassword: pulumi.Input<string>;
  /**
   * Where alerts go.
   * @default no receiver: alerts are visible in Alertmanager's UI only (the plan says so)
   */
  readonly alerting?: AlertingSettings;
  readonly dependsOn: readonly pulumi.Resource[];
}

/** kube-prometheus-stack values (exported for tests). */
export function monitoringValues(
  args: MonitoringArgs,
  secrets: { oidc: pulumi.Input<string>; admin: pulumi.Input<string> },
): Record<string, unknown> {
  const sc = restrictedContainerSecurityContext(1000);
  const pod = restrictedPodSecurityContext(1000);
  const img = (i: { repository: string; tag: string }) => ({ ...partsViaCache(args.imageCache, i.repository), tag: i.tag });
  // Chart images at the tag the chart version pins: only where they come from is set.
  const from = (i: { repository: string; tag?: string }) => ({
    ...partsViaCache(args.imageCache, i.repository),
    ...(i.tag ? { tag: i.tag } : {}),
  });
  const e = args.sso.endpoints;
  const replicas = Math.min(args.replicas, 2);
  return {
    crds: { enabled: true },
    defaultRules: { create: true },
    // Managed control planes: these components are not scrapable.
    kubeControllerManager: { enabled: false },
    kubeScheduler: { enabled: false },
    kubeEtcd: { enabled: false },
    kubeProxy: { enabled: false },
    prometheusOperator: {
      image: img(IMAGES.prometheusOperator),
      securityContext: pod,
      containerSecurityContext: sc,
      resources: resources("small"),
      // The API server (outside the mesh) calls the operator's admission webhook.
      podAnnotations: { ...INBOUND_BYPASS_ANNOTATION },
      prometheusConfigReloader: { image: from(CHART_IMAGES.prometheusConfigReloader) },
      thanosImage: from(CHART_IMAGES.thanos),
      admissionWebhooks: {
        patch: { securityContext: pod, image: from(CHART_IMAGES.webhookCertgen) },
        deployment: { securityContext: pod, containerSecurityContext: sc },
      },
    },
    prometheus: {
      service: { type: "ClusterIP" },
      prometheusSpec: {
        image: img(IMAGES.prometheus),
        replicas,
        retention: `${args.retentionDays}d`,
        securityContext: pod,
        resources: resources("xlarge"),
        serviceMonitorSelectorNilUsesHelmValues: false,
        podMonitorSelectorNilUsesHelmValues: false,
        ruleSelectorNilUsesHelmValues: false,
        storageSpec: {
          volumeClaimTemplate: {
            spec: {
              storageClassName: args.storageClassName,
              accessModes: ["ReadWriteOnce"],
              resources: { requests: { storage: "100Gi" } },
            },
          },
        },
      },
    },
    alertmanager: {
      service: { type: "ClusterIP" },
      alertmanagerSpec: {
        image: img(IMAGES.alertmanager),
        replicas,
        securityContext: pod,
        resources: resources("small"),
        // The platform's AlertmanagerConfig routes every alert, not only those of its own namespace.
        alertmanagerConfigSelector: { matchLabels: { ...ALERTMANAGER_CONFIG_LABEL } },
        alertmanagerConfigMatcherStrategy: { type: "None" },
      },
    },
    grafana: {
      image: from(CHART_IMAGES.grafana),
      downloadDashboardsImage: from(CHART_IMAGES.grafanaDownloader),
      replicas,
      admin: { existingSecret: secrets.admin, userKey: "admin-user", passwordKey: "admin-password" },
      service: { type: "ClusterIP" },
      persistence: { enabled: false },
      testFramework: { enabled: false },
      initChownData: { enabled: false },
      securityContext: { ...pod, runAsUser: 472, runAsGroup: 472, fsGroup: 472 },
      containerSecurityContext: restrictedContainerSecurityContext(472),
      sidecar: {
        image: from(CHART_IMAGES.grafanaSidecar),
        securityContext: restrictedContainerSecurityContext(472),
        resources: resources("tiny"),
      },
      resources: resources("medium"),
      envValueFrom: { GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET: { secretKeyRef: { name: secrets.oidc, key: "client-secret" } } },
      "grafana.ini": {
        server: { root_url: `https://${args.host}` },
        analytics: { reporting_enabled: false, check_for_updates: false, check_for_plugin_updates: false, feedback_links_enabled: false },
        auth: { disable_login_form: true, oauth_auto_login: true },
        "auth.basic": { enabled: false },
        "auth.anonymous": { enabled: false },
        "auth.generic_oauth": {
          enabled: true,
          name: "SSO",
          client_id: args.sso.clientId,
          scopes: "openid email profile groups",
          auth_url: e.authUrl,
          token_url: e.tokenUrl,
          api_url: e.userInfoUrl,
          use_pkce: true,
          allow_sign_up: true,
          groups_attribute_path: "groups",
          role_attribute_path: grafanaRoleAttributePath(args.sso.adminGroups, [...args.sso.viewerGroups, ...args.extraViewerGroups]),
          role_attribute_strict: true,
          tls_skip_verify_insecure: false,
        },
        users: { allow_sign_up: false },
        security: { cookie_secure: true, disable_gravatar: true },
      },
    },
    "kube-state-metrics": {
      image: from(CHART_IMAGES.kubeStateMetrics),
      securityContext: pod,
      containerSecurityContext: sc,
      resources: resources("small"),
    },
    // Node exporter needs the host's network and filesystems: it runs in the privileged node-agent namespace.
    "prometheus-node-exporter": {
      image: from(CHART_IMAGES.nodeExporter),
      namespaceOverride: args.nodeAgentsNamespace,
      resources: resources("tiny"),
    },
  };
}

/** Prometheus, Alertmanager, Grafana and the platform's alert rules. */
export class Monitoring extends pulumi.ComponentResource {
  /** The release that installs the monitoring.coreos.com CRDs. */
  public readonly release: k8s.helm.v3.Release;
  public readonly prometheusUrl: string;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops-platform:k8s:Monitoring", name, {}, opts);
    // Checked before anything is registered.
    new ArgsCheck("mlops-platform:k8s:Monitoring", name)
      .require(args.thresholds.driftPsi > 0, "thresholds.driftPsi", args.thresholds.driftPsi, "must be above 0 (e.g. 0.2)")
      .problems(args.alerting && args.alerting.receivers.length > 0 ? alertingProblems(args.alerting) : [])
      .done();
    const oidc = oidcClientSecret(name, args.sso, args.namespace, this, args.dependsOn);
    const admin = new k8s.core.v1.Secret(
      `${name}-grafana-admin`,
      {
        metadata: { name: "grafana-admin", namespace: args.namespace },
        type: "Opaque",
        stringData: secretStringData({ "admin-user": "break-glass", "admin-password": args.grafanaAdminPassword }),
      },
      { parent: this, dependsOn: [...args.dependsOn] },
    );
    this.release = helmRelease(
      `${name}-release`,
      {
        chart: CHARTS.kubePrometheusStack,
        releaseName: "kube-prometheus-stack",
        namespace: args.namespace,
        values: monitoringValues(args, { oidc: oidc.name, admin: "grafana-admin" }),
        timeoutSeconds: 1200,
      },
      { parent: this, dependsOn: [...args.dependsOn, admin, ...oidc.resources] },
    );
    new k8s.apiextensions.CustomResource(
      `${name}-rules`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: { name: "mlops-platform", namespace: args.namespace, labels: { "app.kubernetes.io/part-of": "mlops-platform" } },
        spec: { groups: alertRuleGroups(args.thresholds, args.servingNamespace) },
      },
      { parent: this, dependsOn: [...args.dependsOn, this.release] },
    );
    const alerting = args.alerting;
    if (alerting && alerting.receivers.length > 0) {
      const credentials = new k8s.core.v1.Secret(
        `${name}-alert-receivers`,
        {
          metadata: { name: ALERT_CREDENTIALS_SECRET, namespace: args.namespace },
          type: "Opaque",
          stringData: secretStringData({ ...alerting.credentials }),
        },
        { parent: this, dependsOn: [...args.dependsOn] },
      );
      new k8s.apiextensions.CustomResource(
        `${name}-alert-routing`,
        {
          apiVersion: "monitoring.coreos.com/v1alpha1",
          kind: "AlertmanagerConfig",
          metadata: { name: "mlops-platform", namespace: args.namespace, labels: { ...ALERTMANAGER_CONFIG_LABEL } },
          spec: alertmanagerConfigSpec(alerting),
        },
        { parent: this, dependsOn: [...args.dependsOn, this.release, credentials] },
      );
    }
    this.prometheusUrl = prometheusUrl(args.namespaceName);
    this.registerOutputs({ release: this.release, prometheusUrl: this.prometheusUrl });
  }
}

/** Catalogue entry: Prometheus, Alertmanager and Grafana (kube-prometheus-stack). */
export const monitoringService: PlatformServiceDescriptor = {
  key: "monitoring",
  namespace: { name: NAMESPACES.monitoring },
  charts: [CHARTS.kubePrometheusStack],
  ingress: ({ networkCidr }) => [
    flows.fromIngress([3000]),
    flows.namespace("Rollouts analysis queries", NAMESPACES.argoRollouts, [9090]),
    flows.namespace("KEDA scaler queries", NAMESPACES.keda, [9090]),
    flows.webhook(networkCidr, 10250),
  ],
  egress: (ctx) => [
    { description: "scrape every namespace", peers: [{ allNamespaces: true }] },
    { description: "kubelets, node exporters and the API server", peers: [{ cidr: ctx.networkCidr }] },
    flows.cloudApis(ctx.internet?.cloudApiHosts),
    ...flows.issuer(ctx),
  ],
  quota: { cpu: 8, memoryGiB: 32, perReplica: true },
  routes: [{ name: "grafana", host: "grafana", serviceName: GRAFANA_SERVICE.name, servicePort: GRAFANA_SERVICE.port, output: "grafana" }],
};
