/** Image references: registry, organisation, repository, tag, digest, templates; look-alike registries. */
import { describe, expect, it } from "vitest";
import { FLOATING_TAGS, floatingTagName, fromRegistry, parseImage, unpinnedReason } from "../../../policies/lib/image";

const ALLOWED = ["quay.io/argoproj", "ghcr.io", "*.dkr.ecr.me-central-1.amazonaws.com", "public.ecr.aws"];

describe("parseImage", () => {
  it.each([
    ["nginx", "docker.io", "library/nginx", undefined],
    ["nginx:1.27", "docker.io", "library/nginx", "1.27"],
    ["library/nginx:1", "docker.io", "library/nginx", "1"],
    ["docker.io/nginx:1", "docker.io", "library/nginx", "1"],
    ["index.docker.io/library/nginx:1", "docker.io", "library/nginx", "1"],
    ["QUAY.IO/argoproj/argocli:v3", "quay.io", "argoproj/argocli", "v3"],
    ["localhost:5000/app:1", "localhost:5000", "app", "1"],
    ["quay.io:443/argoproj/argocli:v3", "quay.io", "argoproj/argocli", "v3"],
  ])("%s → %s %s %s", (image, registry, repository, tag) => {
    expect(parseImage(image)).toMatchObject({ registry, repository, tag });
  });
  it("reads digests and templates", () => {
    expect(parseImage("ghcr.io/o/r@sha256:abc").digest).toBe("sha256:abc");
    expect(parseImage("{{inputs.parameters.image}}").registryTemplated).toBe(true);
    expect(parseImage("{{workflow.parameters.registry}}/app:1").registryTemplated).toBe(true);
    const t = parseImage("quay.io/argoproj/app:{{inputs.parameters.tag}}");
    expect(t.registry).toBe("quay.io");
    expect(t.versionTemplated).toBe(true);
    expect(parseImage("$(IMAGE)").registryTemplated).toBe(true);
  });
});

describe("fromRegistry", () => {
  it.each([
    "quay.io/argoproj/argocli:v3.6.4",
    "ghcr.io/org/app:1",
    "123456789012.dkr.ecr.me-central-1.amazonaws.com/mlops/app:1",
    "public.ecr.aws/docker/library/postgres:16",
    "GHCR.IO/org/app:1",
  ])("%s is allowed", (image) => {
    expect(fromRegistry(parseImage(image), ALLOWED)).toBe(true);
  });
  it.each([
    "quay.io/evil/argocli:v3",
    "quay.io/argoprojx/argocli:v3",
    "quay.io.evil.com/argoproj/argocli:v3",
    "evil.com/quay.io/argoproj/argocli:v3",
    "ghcr.io-mirror.net/org/app:1",
    "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1",
    "dkr.ecr.me-central-1.amazonaws.com.evil.io/app:1",
    "nginx:1.27",
    "docker.io/library/nginx:1",
    "{{inputs.parameters.image}}",
  ])("%s is not", (image) => {
    expect(fromRegistry(parseImage(image), ALLOWED)).toBe(false);
  });
});

describe("unpinnedReason", () => {
  it.each(["nginx", "nginx:latest", "quay.io/a/b:LATEST", "quay.io/a/b:", "quay.io/a/b@sha256:short", "localhost:5000/app"])(
    "%s is unpinned",
    (i) => {
      expect(unpinnedReason(parseImage(i))).toBeDefined();
    },
  );
  it.each([
    "quay.io/a/b:v1",
    `quay.io/a/b@sha256:${"a".repeat(64)}`,
    "quay.io/a/b:{{inputs.parameters.tag}}",
    "{{inputs.parameters.image}}",
  ])("%s is pinned or checked at admission", (i) => {
    expect(unpinnedReason(parseImage(i))).toBeUndefined();
  });
});

describe("floating tags", () => {
  it.each([
    ["main", "main"],
    ["MASTER", "master"],
    ["nightly", "nightly"],
    ["edge", "edge"],
    ["dev", "dev"],
    ["head", "head"],
    ["canary", "canary"],
    ["stable-alpine", "stable"],
    ["1.0-SNAPSHOT", "snapshot"],
    ["snapshot", "snapshot"],
    ["latest-gpu", "latest"],
    ["gpu_latest", "latest"],
    ["3.12-latest", "latest"],
    ["nightly-cuda", "nightly"],
    ["develop", "develop"],
    ["current-alpine", "current"],
  ])("%s floats (%s)", (tag, name) => {
    expect(floatingTagName(tag)).toBe(name);
  });
  it.each([
    "1.27",
    "v3.6.4",
    "3.12-slim",
    "nightly-20260101",
    "main-3f2a9c1",
    "3.12-dev",
    "mainline1",
    "v2.0.0-rc.1",
    "1.0.0-beta.2",
    "headless-1.2",
  ])("%s names one build", (tag) => {
    expect(floatingTagName(tag)).toBeUndefined();
  });
  it("the list is lower-case names without separators", () => {
    for (const f of FLOATING_TAGS) expect(f).toMatch(/^[a-z]+$/);
  });
  it.each(["ghcr.io/mlflow/mlflow:main", "nvcr.io/nvidia/pytorch:nightly", "ghcr.io/acme/model-server:latest-gpu", "quay.io/a/b:Edge"])(
    "%s is unpinned",
    (i) => {
      expect(unpinnedReason(parseImage(i))).toMatch(/mutable|moving/);
    },
  );
});
