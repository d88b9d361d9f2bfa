/**
 * Container image references: registry, organisation, repository, tag and digest, as the
 * container runtime resolves them. `nginx` is `docker.io/library/nginx`; `index.docker.io` and
 * `registry-1.docker.io` are Docker Hub too; the registry is the first path component only when
 * it has a `.` or `:` or is `localhost`; registry hosts compare case-insensitively (and without a
 * `:443` port). Parts given by a template (`{{inputs.parameters.image}}`, `$(IMAGE)`, `${TAG}`)
 * are marked: a templated registry cannot be verified here (admission control checks it when the
 * pod is created), a fixed registry with a templated path can.
 */

/** A parsed image reference. */
export interface ImageRef {
  readonly raw: string;
  /** Registry host (lower-case, no default port); undefined when templated. */
  readonly registry: string | undefined;
  /** Repository path below the registry (`library/nginx`, `argoproj/argocli`). */
  readonly repository: string;
  /** First path component (`library`, `argoproj`). */
  readonly organisation: string;
  readonly tag: string | undefined;
  /** `sha256:…` when pinned by digest. */
  readonly digest: string | undefined;
  /** True when any part is a template expression. */
  readonly templated: boolean;
  /** True when the registry (the part that decides where the image comes from) is templated. */
  readonly registryTemplated: boolean;
  /** True when the tag or digest is templated. */
  readonly versionTemplated: boolean;
}

const TEMPLATE = /\{\{[^}]*\}\}|\$\([^)]*\)|\$\{[^}]*\}/;
const DOCKER_HUB = new Set(["docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"]);

/** True when `text` contains a template expression. */
export function isTemplated(text: string): boolean {
  return TEMPLATE.test(text);
}

/** Parses an image reference; never throws. */
export function parseImage(image: string): ImageRef {
  const raw = image;
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  // A template may hide the registry: `{{inputs.parameters.image}}`, `{{registry}}/app:1`.
  const slash = rest.indexOf("/");
  const first = slash === -1 ? "" : rest.slice(0, slash);
  const firstTemplated = slash === -1 ? isTemplated(rest) : isTemplated(first);
  const isHost = first.includes(".") || first.includes(":") || first.toLowerCase() === "localhost" || (slash !== -1 && isTemplated(first));
  let registry: string | undefined = isHost ? first.toLowerCase().replace(/:443$/, "") : "docker.io";
  if (registry && DOCKER_HUB.has(registry)) registry = "docker.io";
  let path = isHost ? rest.slice(slash + 1) : rest;
  let tag: string | undefined;
  const lastSlash = path.lastIndexOf("/");
  const colon = path.lastIndexOf(":");
  if (colon > lastSlash) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
  }
  if (registry === "docker.io" && !path.includes("/") && !isTemplated(path)) path = `library/${path}`;
  const registryTemplated = firstTemplated;
  if (registryTemplated) registry = undefined;
  const versionTemplated =
    (tag !== undefined && isTemplated(tag)) ||
    (digest !== undefined && isTemplated(digest)) ||
    (tag === undefined && digest === undefined && isTemplated(path));
  return {
    raw,
    registry,
    repository: path,
    organisation: path.split("/")[0] ?? "",
    tag,
    digest,
    templated: isTemplated(image),
    registryTemplated,
    versionTemplated,
  };
}

/**
 * Tag names that registries move by convention: a branch or channel, not a release. `latest`
 * and `snapshot` are floating wherever they appear as a part of the tag (`latest-gpu`,
 * `gpu-latest`, `3.12-latest`, `1.0-SNAPSHOT`); the other names are floating when the tag carries no version, date or commit
 * beside them (`main`, `nightly-cuda`, `stable_alpine` float; `nightly-20260101`,
 * `main-3f2a9c1` and `3.12-dev` name one build). Parts are split on `-`, `_` and `.`, compared
 * case-insensitively.
 */
export const FLOATING_TAGS = [
  "latest",
  "main",
  "master",
  "trunk",
  "develop",
  "dev",
  "head",
  "nightly",
  "edge",
  "canary",
  "stable",
  "snapshot",
  "unstable",
  "testing",
  "current",
  "rolling",
] as const;

/** Names that float whatever stands beside them (`1.0-SNAPSHOT` is rebuilt in place, like `latest`). */
const ALWAYS_FLOATING = new Set<string>(["latest", "snapshot"]);

/** The floating name in `tag` (see {@link FLOATING_TAGS}), or undefined for a release tag. */
export function floatingTagName(tag: string): string | undefined {
  const parts = tag.toLowerCase().split(/[-_.]/);
  const always = FLOATING_TAGS.filter((f) => ALWAYS_FLOATING.has(f)).find((f) => parts.includes(f));
  if (always) return always;
  if (parts.some((p) => /\d/.test(p))) return undefined;
  return FLOATING_TAGS.find((f) => parts.includes(f));
}

/** Why an image is not pinned to an immutable version, or undefined when it is pinned (or templated). */
export function unpinnedReason(ref: ImageRef): string | undefined {
  if (ref.versionTemplated || ref.registryTemplated) return undefined;
  if (ref.digest !== undefined) {
    return /^sha256:[0-9a-f]{64}$/.test(ref.digest) ? undefined : `its digest "${ref.digest}" is not a sha256 digest`;
  }
  if (ref.tag === undefined) return "it has no tag or digest (the runtime takes latest)";
  if (ref.tag.trim() === "") return "it has an empty tag";
  if (ref.tag.toLowerCase() === "latest") return 'it uses the mutable tag "latest"';
  const floating = floatingTagName(ref.tag);
  if (floating) return `its tag "${ref.tag}" names the moving "${floating}" channel (a mutable tag), not a release`;
  return undefined;
}

/**
 * True when the image comes from one of `registries`: `host` (any path), `host/prefix` (that
 * path or below), `*.domain` (any subdomain). Look-alikes (`quay.io.evil.com`,
 * `evil.com/quay.io/x`, `ghcr.io-mirror.net`) do not match.
 */
export function fromRegistry(ref: ImageRef, registries: readonly string[]): boolean {
  if (ref.registry === undefined) return false;
  const host = ref.registry;
  const full = `${host}/${ref.repository}`;
  return registries.some((entry) => {
    const r = entry.toLowerCase().replace(/\/$/, "");
    if (r.startsWith("*.")) return host.endsWith(r.slice(1)) && host.length > r.length - 1;
    const [rHost = "", ...rPath] = r.split("/");
    const normalHost = DOCKER_HUB.has(rHost) ? "docker.io" : rHost;
    if (rPath.length === 0) return host === normalHost;
    const prefix = `${normalHost}/${rPath.join("/")}`;
    return full === prefix || full.startsWith(`${prefix}/`);
  });
}

/**
 * The entries of an allowed-registry list that name a private in-region registry (ECR in one of
 * `awsRegions`, ACR): what production keeps of the list, so that no upstream registry
 * (`quay.io`, `docker.io/natsio`, …) stays allowed there. The upstream images come through the
 * stack registry's pull-through cache instead.
 */
export function privateRegistryEntries(registries: readonly string[], awsRegions: readonly string[]): string[] {
  return registries.filter((entry) => {
    const host = (entry.toLowerCase().split("/")[0] ?? "").replace(/^\*\./, "x.");
    const ecr = /^[^.]+\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com$/.exec(host);
    if (ecr) return awsRegions.includes(ecr[1] as string);
    return /^[a-z0-9]+\.azurecr\.io$/.test(host);
  });
}
