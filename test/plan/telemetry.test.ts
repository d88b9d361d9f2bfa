/**
 * The telemetry of installed charts and images is off in every shipped plan (docs/residency.md):
 * Traefik's version check and usage reports, Grafana's analytics and update checks, MLflow's
 * usage telemetry (server and model servers), Feast's usage statistics.
 */
import { describe, expect, it } from "vitest";
import type { PlanResource } from "../../tools/lib/harness";
import { shippedPlan } from "../support/shipped-plan";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const values = (r: PlanResource | undefined) => (r?.inputs.values ?? {}) as Record<string, unknown>;

describe.each(["dev", "uae-prod", "dev-azure", "uae-prod-azure"])("telemetry in %s", (stack) => {
  it("is off for every component that has any", () => {
    const plan = shippedPlan(stack);
    const releases = plan.resources.filter((r) => r.type === RELEASE);
    const chart = (name: string) => releases.find((r) => r.inputs.chart === name);
    expect(values(chart("traefik")).global).toEqual({ checkNewVersion: false, sendAnonymousUsage: false });
    const grafana = (values(chart("kube-prometheus-stack")).grafana as Record<string, Record<string, Record<string, unknown>>>)[
      "grafana.ini"
    ];
    expect(grafana?.analytics).toMatchObject({ reporting_enabled: false, check_for_updates: false, check_for_plugin_updates: false });
    expect(values(chart("mlflow")).extraEnvVars).toMatchObject({ MLFLOW_DISABLE_TELEMETRY: "true", DO_NOT_TRACK: "true" });
    // Istio: the control plane's telemetry (Envoy stats filters) and tracing are off.
    expect(values(chart("istiod")).telemetry).toEqual({ enabled: false });
    expect(values(chart("istiod")).meshConfig).toMatchObject({ enableTracing: false });
    // Every container that talks to MLflow (model servers) or runs Feast says no as well.
    const text = plan.resources.filter((r) => r.type !== RELEASE).map((r) => JSON.stringify(r.inputs));
    const mlflowClients = text.filter((t) => t.includes('"MLFLOW_TRACKING_URI"') && t.includes('"containers"'));
    for (const t of mlflowClients) expect(t).toContain('"MLFLOW_DISABLE_TELEMETRY"');
    const feast = text.filter((t) => t.includes("feature-server") && t.includes('"containers"'));
    expect(feast.length).toBeGreaterThan(0);
    for (const t of feast) expect(t).toContain('{"name":"FEAST_USAGE","value":"False"}');
  });
});
