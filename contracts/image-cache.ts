/**
 * Every upstream image comes through the stack's in-region registry: an ECR pull-through cache
 * rule or an ACR cache rule per upstream registry maps `<registry>/<cache prefix>/<upstream path>`
 * to `<upstream registry>/<upstream path>`, so a pod pulls from the UAE and the cluster never
 * talks to the upstream registry. This module is the one place that knows the prefixes and turns
 * an upstream image reference into its cached reference; the cloud layers create the rules from
 * the same table and the Helm values use {@link cachedImage} / {@link cachedPin}.
 *
 * Pure (no Pulumi): the pack and the tests import it too.
 */

/** How the stack's registry serves one upstream registry on one cloud. */
export type CacheMode =
  /** A pull-through (ECR) or cache (ACR) rule: the first pull fetches from upstream. */
  | "cache"
  /** A pull-through rule that needs the upstream's credentials (`registryCredentials.<key>`). */
  | "cache-with-credentials"
  /**
   * No cache rule exists for this upstream on this cloud (ECR has none for nvcr.io): the stack
   * creates the repositories and the images workflow copies the pinned images into them.
   */
  | "mirror";

/** One upstream registry the platform's images come from. */
export interface UpstreamRegistry {
  /** Canonical host, as image references name it (`docker.io`, not `registry-1.docker.io`). */
  readonly host: string;
  /** First path component in the stack's registry; also the credential key (`registryCredentials.<prefix>`). */
  readonly prefix: string;
  /** ECR: the upstream URL of the pull-through rule (`aws ecr create-pull-through-cache-rule --upstream-registry-url`). */
  readonly ecrUpstreamUrl: string | undefined;
  readonly aws: CacheMode;
  readonly azure: CacheMode;
}

/**
 * The upstream registries of the pinned charts and images (contracts/versions.ts and the chart
 * defaults kept under test/fixtures/charts/; a test keeps this table complete). ECR's supported
 * upstreams: ECR Public, Quay, registry.k8s.io (no credentials), Docker Hub and GitHub Container
 * Registry (credentials required); none for nvcr.io. ACR caches all of them, anonymous pulls
 * included, but a credential set lifts Docker Hub's and GHCR's anonymous rate limits.
 */
export const UPSTREAM_REGISTRIES = {
  "quay.io": { host: "quay.io", prefix: "quay", ecrUpstreamUrl: "quay.io", aws: "cache", azure: "cache" },
  "registry.k8s.io": { host: "registry.k8s.io", prefix: "k8s", ecrUpstreamUrl: "registry.k8s.io", aws: "cache", azure: "cache" },
  "public.ecr.aws": { host: "public.ecr.aws", prefix: "ecr-public", ecrUpstreamUrl: "public.ecr.aws", aws: "cache", azure: "cache" },
  "ghcr.io": {
    host: "ghcr.io",
    prefix: "ghcr",
    ecrUpstreamUrl: "ghcr.io",
    aws: "cache-with-credentials",
    azure: "cache-with-credentials",
  },
  "docker.io": {
    host: "docker.io",
    prefix: "docker-hub",
    ecrUpstreamUrl: "registry-1.docker.io",
    aws: "cache-with-credentials",
    azure: "cache-with-credentials",
  },
  "nvcr.io": { host: "nvcr.io", prefix: "nvcr", ecrUpstreamUrl: undefined, aws: "mirror", azure: "cache" },
  // The in-cluster image builder (Kaniko's executor, workflows/steps/lib/image-build.ts): ECR has no
  // pull-through rule for gcr.io, so AWS mirrors it; ACR's artifact cache serves it anonymously.
  "gcr.io": { host: "gcr.io", prefix: "gcr", ecrUpstreamUrl: undefined, aws: "mirror", azure: "cache" },
} as const satisfies Record<string, UpstreamRegistry>;

/** An upstream registry host the table knows. */
export type UpstreamHost = keyof typeof UPSTREAM_REGISTRIES;

/** Credential keys (`registryCredentials.<key>`): the upstreams a cache rule needs credentials for. */
export const CREDENTIAL_REGISTRIES: readonly string[] = Object.values(UPSTREAM_REGISTRIES as Record<string, UpstreamRegistry>)
  .filter((u) => u.aws === "cache-with-credentials" || u.azure === "cache-with-credentials")
  .map((u) => u.prefix);

const DOCKER_HUB_ALIASES = new Set(["docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"]);

/** An image reference split the way a runtime resolves it. */
export interface UpstreamImage {
  /** Canonical registry host (`docker.io` for Docker Hub in any spelling). */
  readonly registry: string;
  /** Path below the registry (`library/nats` for Docker Hub's official images). */
  readonly path: string;
  /** `:tag` and/or `@sha256:…` exactly as given (empty when none). */
  readonly version: string;
}

/** Splits an image reference (`nats:2.10`, `quay.io/argoproj/argocli:v4.0.6`, `x@sha256:…`). */
export function splitImage(image: string): UpstreamImage {
  const at = image.indexOf("@");
  const digest = at === -1 ? "" : image.slice(at);
  let rest = at === -1 ? image : image.slice(0, at);
  let tag = "";
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon);
    rest = rest.slice(0, colon);
  }
  const slash = rest.indexOf("/");
  const first = slash === -1 ? "" : rest.slice(0, slash);
  const isHost = first.includes(".") || first.includes(":") || first === "localhost";
  let registry = isHost ? first.toLowerCase() : "docker.io";
  let path = isHost ? rest.slice(slash + 1) : rest;
  if (DOCKER_HUB_ALIASES.has(registry)) registry = "docker.io";
  if (registry === "docker.io" && !path.includes("/")) path = `library/${path}`;
  return { registry, path, version: `${tag}${digest}` };
}

/** Which upstreams the stack's registry serves, and where. */
export interface ImageCache {
  /** The stack's registry host (`<account>.dkr.ecr.<region>.amazonaws.com`, `<name>.azurecr.io`). */
  readonly registryHost: string;
  /** Upstream hosts served (cached or mirrored); the others stay upstream (a development stack without credentials). */
  readonly upstreams: readonly string[];
}

/**
 * The cached reference of an upstream image: `<registryHost>/<prefix>/<path>` with the same tag
 * and digest. An image already in the stack's registry, or from an upstream the cache does not
 * serve, is returned unchanged. Throws on an upstream the table does not know, so a new chart's
 * registry cannot slip past the cache unnoticed.
 */
export function cachedImage(image: string, cache: ImageCache): string {
  const host = cache.registryHost.toLowerCase();
  if (image.toLowerCase().startsWith(`${host}/`)) return image;
  const { registry, path, version } = splitImage(image);
  const upstream = (UPSTREAM_REGISTRIES as Record<string, UpstreamRegistry>)[registry];
  if (upstream === undefined)
    throw new Error(
      `image "${image}": its registry ${registry} has no cache rule; add it to UPSTREAM_REGISTRIES in contracts/image-cache.ts`,
    );
  if (!cache.upstreams.includes(registry)) return image;
  return `${cache.registryHost}/${upstream.prefix}/${path}${version}`;
}

/** A `{ repository, tag }` pin (contracts/versions.ts `ImagePin`) with its repository moved to the cache. */
export function cachedPin<T extends { readonly repository: string }>(pin: T, cache: ImageCache): T {
  return { ...pin, repository: cachedImage(pin.repository, cache) };
}

/** `registry` and `repository` as the charts that take them apart expect (`{registry}/{repository}:{tag}`). */
export function cachedParts(repository: string, cache: ImageCache): { registry: string; repository: string } {
  const full = cachedImage(repository, cache);
  const slash = full.indexOf("/");
  const first = full.slice(0, slash);
  if (slash === -1 || !(first.includes(".") || first.includes(":"))) return { registry: "docker.io", repository: full };
  return { registry: first, repository: full.slice(slash + 1) };
}

/** The upstreams a cloud serves with the credentials given (`registryCredentials` keys set). */
export function servedUpstreams(cloud: "aws" | "azure", credentialKeys: readonly string[]): string[] {
  return Object.values(UPSTREAM_REGISTRIES as Record<string, UpstreamRegistry>)
    .filter((u) => (cloud === "aws" ? u.aws : u.azure) !== "cache-with-credentials" || credentialKeys.includes(u.prefix))
    .map((u) => u.host);
}

/** A pinned image the stack's registry cannot cache on a cloud, and where its copy goes. */
export interface MirroredImage {
  /** Upstream reference, `repository:tag`. */
  readonly source: string;
  /** Repository in the stack's registry (`nvcr/nvidia/k8s-device-plugin`). */
  readonly repository: string;
  /** Reference below the registry host, `repository:tag`. */
  readonly target: string;
}

/** The images of `pins` whose upstream has no cache rule on `cloud`: the stack creates their repositories and the images workflow copies them. */
export function mirroredImages(
  cloud: "aws" | "azure",
  pins: readonly { readonly repository: string; readonly tag: string }[],
): MirroredImage[] {
  return pins.flatMap((pin) => {
    const { registry, path } = splitImage(pin.repository);
    const u = (UPSTREAM_REGISTRIES as Record<string, UpstreamRegistry>)[registry];
    if (u === undefined || (cloud === "aws" ? u.aws : u.azure) !== "mirror") return [];
    const repository = `${u.prefix}/${path}`;
    return [{ source: `${pin.repository}:${pin.tag}`, repository, target: `${repository}:${pin.tag}` }];
  });
}
