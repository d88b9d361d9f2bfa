/**
 * The one mapping from an upstream image to its reference through the stack registry's
 * pull-through cache, and the table of upstream registries it rests on: complete for every image
 * the platform pins or a pinned chart runs by default (test/fixtures/charts/).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import {
  CREDENTIAL_REGISTRIES,
  cachedImage,
  cachedParts,
  cachedPin,
  servedUpstreams,
  splitImage,
  UPSTREAM_REGISTRIES,
} from "../../contracts/image-cache";
import { CHART_IMAGES, CLUSTER_AUTOSCALER_REPOSITORY, IMAGES } from "../../contracts/versions";
import { helmValuesImages } from "../../policies/lib/kubernetes";
import { CHARTS_DIR } from "../support/chart-values";

const ECR = "123456789012.dkr.ecr.me-central-1.amazonaws.com";
const ALL = { registryHost: ECR, upstreams: Object.keys(UPSTREAM_REGISTRIES) };

describe("cachedImage", () => {
  it.each([
    ["quay.io/argoproj/argocli:v4.0.6", `${ECR}/quay/argoproj/argocli:v4.0.6`],
    ["registry.k8s.io/kueue/kueue:v0.19.2", `${ECR}/k8s/kueue/kueue:v0.19.2`],
    ["public.ecr.aws/docker/library/nats:2.10.10", `${ECR}/ecr-public/docker/library/nats:2.10.10`],
    ["ghcr.io/dexidp/dex:v2.44.0", `${ECR}/ghcr/dexidp/dex:v2.44.0`],
    // Docker Hub in every spelling, official images under library/.
    ["nats:2.10", `${ECR}/docker-hub/library/nats:2.10`],
    ["docker.io/natsio/prometheus-nats-exporter:0.14.0", `${ECR}/docker-hub/natsio/prometheus-nats-exporter:0.14.0`],
    ["index.docker.io/grafana/grafana:12.1.0", `${ECR}/docker-hub/grafana/grafana:12.1.0`],
    ["registry-1.docker.io/library/busybox:1.38.0", `${ECR}/docker-hub/library/busybox:1.38.0`],
    ["nvcr.io/nvidia/k8s-device-plugin:v0.20.0", `${ECR}/nvcr/nvidia/k8s-device-plugin:v0.20.0`],
    // Tag and digest kept exactly; a bare repository stays bare.
    [`quay.io/x/y:v1@sha256:${"a".repeat(64)}`, `${ECR}/quay/x/y:v1@sha256:${"a".repeat(64)}`],
    [`quay.io/x/y@sha256:${"b".repeat(64)}`, `${ECR}/quay/x/y@sha256:${"b".repeat(64)}`],
    ["quay.io/prometheus/node-exporter", `${ECR}/quay/prometheus/node-exporter`],
  ])("%s → %s", (upstream, cached) => {
    expect(cachedImage(upstream, ALL)).toBe(cached);
  });

  it("leaves an image of the stack's registry alone (any case), and an upstream the cache does not serve", () => {
    expect(cachedImage(`${ECR}/serving:mlflow-3.15.1`, ALL)).toBe(`${ECR}/serving:mlflow-3.15.1`);
    expect(cachedImage(`${ECR.toUpperCase()}/steps:0.1.0`, ALL)).toBe(`${ECR.toUpperCase()}/steps:0.1.0`);
    const noCredentials = { registryHost: ECR, upstreams: servedUpstreams("aws", []) };
    expect(cachedImage("ghcr.io/dexidp/dex:v2.44.0", noCredentials)).toBe("ghcr.io/dexidp/dex:v2.44.0");
    expect(cachedImage("quay.io/argoproj/argocli:v4.0.6", noCredentials)).toBe(`${ECR}/quay/argoproj/argocli:v4.0.6`);
  });

  it("refuses a registry the table does not know, naming where to add it", () => {
    expect(() => cachedImage("registry.gitlab.com/x/y:1", ALL)).toThrow(/registry.gitlab.com has no cache rule.*UPSTREAM_REGISTRIES/);
    // A look-alike of a known upstream is another registry.
    expect(() => cachedImage("quay.io.evil.example/x/y:1", ALL)).toThrow(/quay.io.evil.example/);
  });

  it("gives the shapes the charts take", () => {
    expect(cachedPin(IMAGES.dex, ALL)).toEqual({ repository: `${ECR}/ghcr/dexidp/dex`, tag: IMAGES.dex.tag });
    expect(cachedParts("quay.io/argoproj/argocli", ALL)).toEqual({ registry: ECR, repository: "quay/argoproj/argocli" });
    expect(splitImage("localhost:5000/x:1")).toEqual({ registry: "localhost:5000", path: "x", version: ":1" });
  });
});

describe("the upstream registries", () => {
  it("ECR caches what it supports; nvcr.io and gcr.io are mirrored on AWS; credentials for Docker Hub and GHCR", () => {
    expect([...CREDENTIAL_REGISTRIES].sort()).toEqual(["docker-hub", "ghcr"]);
    expect(servedUpstreams("aws", ["docker-hub", "ghcr"]).sort()).toEqual(Object.keys(UPSTREAM_REGISTRIES).sort());
    expect(servedUpstreams("azure", []).sort()).toEqual(["gcr.io", "nvcr.io", "public.ecr.aws", "quay.io", "registry.k8s.io"]);
    for (const u of Object.values(UPSTREAM_REGISTRIES)) {
      // ECR's limits on a pull-through prefix: 2-30 characters, lowercase path.
      expect(u.prefix).toMatch(/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/);
      expect(u.prefix.length).toBeGreaterThanOrEqual(2);
      expect(u.prefix.length).toBeLessThanOrEqual(30);
      if (u.aws !== "mirror") expect(u.ecrUpstreamUrl).toBeDefined();
    }
  });

  it("cover every pinned image and every image a pinned chart runs by default", () => {
    const repos = [
      ...Object.values(IMAGES).map((i) => i.repository),
      ...Object.values(CHART_IMAGES).map((i) => i.repository),
      CLUSTER_AUTOSCALER_REPOSITORY,
    ];
    for (const chart of readdirSync(CHARTS_DIR))
      for (const version of readdirSync(join(CHARTS_DIR, chart))) {
        const defaults = YAML.parse(readFileSync(join(CHARTS_DIR, chart, version, "values.yaml"), "utf8"));
        repos.push(...helmValuesImages(defaults).images.map((i) => i.image));
      }
    const registries = new Set(repos.map((r) => splitImage(r).registry));
    // Kueue's default is a floating staging image the platform replaces (IMAGES.kueue).
    registries.delete("us-central1-docker.pkg.dev");
    expect([...registries].filter((r) => !(r in UPSTREAM_REGISTRIES))).toEqual([]);
  });
});
