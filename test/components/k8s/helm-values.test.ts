/**
 * Every Helm release of every shipped stack, checked against the chart it installs, at the pinned
 * version: the version exists in the chart repository's index, and the values are ones the chart
 * reads (its values.schema.json where it has one, the keys of its default values.yaml always).
 * Helm ignores a key no template reads, so without this a misspelled key is a silent no-op.
 */

import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CREDENTIAL_REGISTRIES, UPSTREAM_REGISTRIES } from "../../../contracts/image-cache";
import { parseImage } from "../../../policies/lib/image";
import { helmValuesImages } from "../../../policies/lib/kubernetes";
import type { PlanResource } from "../../../tools/lib/harness";
import { CHARTS_DIR, loadChart, schemaViolations, UNKNOWN, unknownKeys } from "../../support/chart-values";
import { shippedPlan } from "../../support/shipped-plan";

const STACKS = ["dev", "uae-prod", "dev-azure", "uae-prod-azure"];

/**
 * Paths below which a chart takes any key although its defaults list some: each one is read by
 * the chart as a whole map (rendered verbatim into a config file or an argument list).
 */
const OPEN_PATHS: Record<string, readonly string[]> = {
  // grafana.ini is rendered section by section into grafana.ini: every section is valid.
  "kube-prometheus-stack": ["grafana.grafana.ini"],
  // Every entry of extraArgs becomes a `--key=value` flag of the autoscaler.
  "cluster-autoscaler": ["extraArgs"],
  // istiod merges meshConfig over its mesh configuration (templates/configmap.yaml): any MeshConfig field.
  istiod: ["meshConfig"],
};

interface Release {
  readonly stack: string;
  readonly name: string;
  readonly chart: string;
  readonly version: string;
  readonly repo: string;
  readonly values: Record<string, unknown>;
  readonly resource: PlanResource;
}

function releases(): Release[] {
  return STACKS.flatMap((stack) =>
    shippedPlan(stack)
      .resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release")
      .map((r) => {
        const inputs = r.inputs as { chart: string; version: string; repositoryOpts?: { repo?: string }; values?: Record<string, unknown> };
        // An OCI chart is one reference (`oci://registry/path/chart`): its repository is the path.
        const oci = inputs.chart.startsWith("oci://");
        return {
          stack,
          name: r.urn.split("::").pop() ?? r.urn,
          chart: oci ? (inputs.chart.split("/").pop() ?? "") : inputs.chart,
          version: inputs.version,
          repo: oci ? inputs.chart.slice(0, inputs.chart.lastIndexOf("/")) : (inputs.repositoryOpts?.repo ?? ""),
          values: inputs.values ?? {},
          resource: r,
        };
      }),
  );
}

/** Unknown keys of a release, descending into the chart's pinned dependencies (subcharts) that have a copy. */
function releaseUnknownKeys(chart: string, version: string, values: Record<string, unknown>): string[] {
  const fixture = loadChart(chart, version);
  const deps = (fixture.chartYaml.dependencies ?? []) as { name: string; alias?: string; version: string }[];
  const defaults: Record<string, unknown> = { ...fixture.defaults, global: {} };
  const found = unknownKeys(
    Object.fromEntries(Object.entries(values).filter(([k]) => !deps.some((d) => (d.alias ?? d.name) === k))),
    defaults,
    fixture.templateNames,
    OPEN_PATHS[chart] ?? [],
  );
  for (const dep of deps) {
    const key = dep.alias ?? dep.name;
    const sub = values[key];
    if (typeof sub !== "object" || sub === null || dep.name === "crds") continue;
    // A dependency switched off is configured by its condition key alone.
    if (Object.keys(sub).every((k) => k === "enabled")) continue;
    const subFixture = loadChart(dep.name, dep.version);
    const parentLevel = (fixture.defaults[key] ?? {}) as Record<string, unknown>;
    const merged = { ...subFixture.defaults, ...parentLevel, global: {} };
    const open = (OPEN_PATHS[chart] ?? []).filter((p) => p.startsWith(`${key}.`)).map((p) => p.slice(key.length + 1));
    const names = new Set([...subFixture.templateNames, ...fixture.templateNames]);
    found.push(...unknownKeys(sub as Record<string, unknown>, merged, names, open).map((p) => `${key}.${p}`));
  }
  return found;
}

describe("Helm releases against their charts", () => {
  const all = releases();

  it("finds the releases of every shipped stack", () => {
    for (const stack of STACKS) expect(all.filter((r) => r.stack === stack).length, stack).toBeGreaterThanOrEqual(9);
  });

  it.each(all.map((r) => [`${r.stack} ${r.name} (${r.chart} ${r.version})`, r] as const))(
    "%s: the pinned version is in the chart repository",
    (_, r) => {
      const fixture = loadChart(r.chart, r.version);
      expect(r.repo, "release repository vs the repository the copy came from").toBe(fixture.repo);
      if (fixture.indexEntries) {
        expect(fixture.indexEntries.map((e) => String(e.version))).toContain(r.version);
      } else {
        // No stored index for this repository: the chart's own Chart.yaml at the release tag
        // is the evidence (cert-manager stamps the version at release time, see its SOURCE.md).
        // Istio's charts carry the placeholder its release tooling replaces (SOURCE.md's `Unstamped version`).
        expect([r.version, "v0.0.0", ...(fixture.unstampedVersion ? [fixture.unstampedVersion] : [])]).toContain(
          String(fixture.chartYaml.version),
        );
        expect(fixture.chartYaml.name).toBe(r.chart);
      }
    },
  );

  it.each(all.map((r) => [`${r.stack} ${r.name} (${r.chart} ${r.version})`, r] as const))(
    "%s: values are keys the chart reads and fit its schema",
    (_, r) => {
      const fixture = loadChart(r.chart, r.version);
      // A chart's own schema is what Helm enforces; without one, the keys its defaults and templates know.
      if (fixture.schema) expect(schemaViolations(fixture, r.values)).toEqual([]);
      else expect(releaseUnknownKeys(r.chart, r.version, r.values)).toEqual([]);
    },
  );
});

describe("the values checker", () => {
  it("reports a misspelled key, a misspelled nested key and a subchart's misspelled key", () => {
    expect(releaseUnknownKeys("argo-workflows", "1.0.18", { contoller: { replicas: 1 } })).toEqual(["contoller"]);
    expect(releaseUnknownKeys("argo-workflows", "1.0.18", { controller: { replica: 1 } })).toEqual(["controller.replica"]);
    expect(releaseUnknownKeys("kube-prometheus-stack", "88.5.3", { grafana: { adminn: {} } })).toEqual(["grafana.adminn"]);
  });

  it("accepts free-form maps and a subchart's own keys", () => {
    expect(releaseUnknownKeys("argo-workflows", "1.0.18", { controller: { nodeSelector: { "a/b": "c" } } })).toEqual([]);
    expect(releaseUnknownKeys("kube-prometheus-stack", "88.5.3", { grafana: { initChownData: { enabled: false } } })).toEqual([]);
  });

  it("reports a schema violation but not a value known only after deployment", () => {
    const traefik = loadChart("traefik", "41.3.0");
    expect(schemaViolations(traefik, { deployment: { replicas: "two" } }).join("\n")).toMatch(/replicas/);
    expect(schemaViolations(traefik, { deploymentt: {} }).join("\n")).toMatch(/deploymentt/);
    const mlflow = loadChart("mlflow", "1.11.5");
    expect(schemaViolations(mlflow, { replicaCount: UNKNOWN })).toEqual([]);
  });

  it("refuses a chart version it has no copy of", () => {
    expect(() => loadChart("traefik", "0.0.1")).toThrow(/no copy of chart traefik 0.0.1/);
  });
});

/**
 * Image settings of the charts' defaults that run nothing as the platform configures the chart,
 * each with why (checked: the switch named is off in the merged values).
 */
const NOT_DEPLOYED: Record<string, readonly { path: string; off: string; why: string }[]> = {
  "argo-events": [{ path: "configs.nats.", off: "", why: "the event bus is JetStream; NATS streaming is never deployed" }],
  "argo-rollouts": [{ path: "dashboard.image", off: "dashboard.enabled", why: "no dashboard" }],
  "kube-prometheus-stack": [
    { path: "crds.upgradeJob.image.", off: "crds.upgradeJob.enabled", why: "CRDs are installed by the chart itself, no upgrade Job" },
    {
      path: "prometheusOperator.admissionWebhooks.deployment.image",
      off: "prometheusOperator.admissionWebhooks.deployment.enabled",
      why: "the webhook runs in the operator",
    },
    { path: "thanosRuler.thanosRulerSpec.image", off: "thanosRuler.enabled", why: "no Thanos ruler" },
    { path: "grafana.testFramework.image", off: "grafana.testFramework.enabled", why: "no helm test pod" },
    { path: "grafana.initChownData.image", off: "grafana.initChownData.enabled", why: "no persistence to chown" },
    { path: "grafana.imageRenderer.image", off: "grafana.imageRenderer.enabled", why: "no image renderer" },
    { path: "kube-state-metrics.kubeRBACProxy.image", off: "kube-state-metrics.kubeRBACProxy.enabled", why: "no RBAC proxy" },
    { path: "prometheus-node-exporter.kubeRBACProxy.image", off: "prometheus-node-exporter.kubeRBACProxy.enabled", why: "no RBAC proxy" },
    {
      path: "prometheus-node-exporter.permissionInitContainer.image",
      off: "prometheus-node-exporter.permissionInitContainer.fixes.rapl",
      why: "rendered only for the rapl/slabinfo permission fixes",
    },
  ],
  kueue: [{ path: "kueueViz.", off: "enableKueueViz", why: "no KueueViz" }],
  mlflow: [
    { path: "postgresql.image", off: "postgresql.enabled", why: "the database is the cloud's PostgreSQL" },
    { path: "mysql.image", off: "mysql.enabled", why: "no MySQL" },
    { path: "oauth2Proxy.image", off: "oauth2Proxy.enabled", why: "sign-in is the separate oauth2-proxy release" },
  ],
  "oauth2-proxy": [{ path: "initContainers.waitForRedis.image", off: "redis.enabled", why: "cookie sessions, no Redis" }],
  traefik: [{ path: "global.azure.images.", off: "global.azure.enabled", why: "Azure Marketplace packaging only" }],
};

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
/** Helm's merge of values over defaults: maps merge key by key, anything else replaces. */
function merge(base: unknown, over: unknown): unknown {
  if (!isMap(base) || !isMap(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = merge(base[k], v);
  return out;
}
/** The values a release renders with: chart defaults, its pinned subcharts' defaults, the release's values. */
function effectiveValues(chart: string, version: string, values: Record<string, unknown>): Record<string, unknown> {
  const fixture = loadChart(chart, version);
  let defaults: Record<string, unknown> = { ...fixture.defaults };
  const deps = (fixture.chartYaml.dependencies ?? []) as { name: string; alias?: string; version: string; condition?: string }[];
  for (const dep of deps) {
    if (dep.name === "crds") continue;
    const key = dep.alias ?? dep.name;
    // A subchart without a copy must be switched off: then it renders nothing.
    const condition = dep.condition?.split(",")[0];
    if (!existsSync(join(CHARTS_DIR, dep.name, dep.version)) && condition !== undefined && at(merge(defaults, values), condition) === false)
      continue;
    defaults = { ...defaults, [key]: merge(loadChart(dep.name, dep.version).defaults, defaults[key]) };
  }
  return merge(defaults, values) as Record<string, unknown>;
}
const at = (o: unknown, path: string): unknown => path.split(".").reduce<unknown>((a, k) => (isMap(a) ? a[k] : undefined), o);

describe("every image of every Helm release comes through the stack's registry", () => {
  const all = releases();
  const hostOf = (stack: string) => {
    const plan = shippedPlan(stack).resources;
    const acr = plan.find((r) => r.type === "azure-native:containerregistry:Registry");
    if (acr) return `${String((acr.inputs as { registryName: string }).registryName).toLowerCase()}.azurecr.io`;
    const repo = plan.find((r) => r.type === "aws:ecr/repository:Repository");
    return `${String((repo?.outputs as { registryId?: string })?.registryId)}.dkr.ecr.me-central-1.amazonaws.com`;
  };
  // The shipped development stacks set no Docker Hub/GHCR credentials: those two stay upstream there.
  const upstreamInDevelopment: readonly string[] = Object.values(UPSTREAM_REGISTRIES)
    .filter((u) => CREDENTIAL_REGISTRIES.includes(u.prefix))
    .map((u) => u.host);

  it.each(all.map((r) => [`${r.stack} ${r.name} (${r.chart})`, r] as const))("%s", (_, r) => {
    const effective = effectiveValues(r.chart, r.version, r.values);
    const host = hostOf(r.stack);
    const production = r.stack.startsWith("uae-prod");
    const skipped = NOT_DEPLOYED[r.chart] ?? [];
    const offending: string[] = [];
    for (const { path, image } of helmValuesImages(effective).images) {
      const skip = skipped.find((s) => path === s.path || (s.path.endsWith(".") && path.startsWith(s.path)));
      if (skip) {
        if (skip.off) expect([false, undefined], `${path}: ${skip.off} must stay off (${skip.why})`).toContain(at(effective, skip.off));
        continue;
      }
      const registry = parseImage(image).registry ?? "";
      if (registry === host) continue;
      if (!production && upstreamInDevelopment.includes(registry)) continue;
      offending.push(`${path}: ${image}`);
    }
    expect(offending).toEqual([]);
  });

  it("sees a chart default the values forget", () => {
    // Without the platform's values, kube-prometheus-stack runs its images from quay.io and docker.io.
    const bare = helmValuesImages(effectiveValues("kube-prometheus-stack", "88.5.3", {})).images.map((i) => parseImage(i.image).registry);
    expect(bare).toContain("quay.io");
    expect(bare).toContain("docker.io");
  });
});
