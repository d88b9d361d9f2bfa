/**
 * The image references the platform's Helm values and manifests use: through the stack
 * registry's pull-through cache (contracts/image-cache.ts) when the component is given one, else
 * upstream. Each helper keeps the pinned tag and digest and returns the shape a chart takes (a
 * full reference, a repository, or registry and repository apart).
 */
import * as pulumi from "@pulumi/pulumi";
import { cachedImage, cachedParts, type ImageCache } from "../../contracts/image-cache";

/** The cache a component pulls through, or undefined for upstream (a component used on its own). */
export type ImageCacheInput = pulumi.Input<ImageCache> | undefined;

/** A full image reference (`repo:tag`, `repo@sha256:…`) or a bare repository, moved to the cache. */
export function viaCache(cache: ImageCacheInput, image: string): pulumi.Input<string> {
  return cache === undefined ? image : pulumi.output(cache).apply((c) => cachedImage(image, c));
}

/** `registry` and `repository` apart (charts rendering `{registry}/{repository}:{tag}`). */
export function partsViaCache(
  cache: ImageCacheInput,
  repository: string,
): { registry: pulumi.Input<string>; repository: pulumi.Input<string> } {
  if (cache === undefined) {
    const [first = "", ...rest] = repository.split("/");
    return first.includes(".") && rest.length > 0 ? { registry: first, repository: rest.join("/") } : { registry: "docker.io", repository };
  }
  const parts = pulumi.output(cache).apply((c) => cachedParts(repository, c));
  return { registry: parts.registry, repository: parts.repository };
}

/** The cache of a cloud layer: its registry host and the upstreams it serves. */
export function cloudImageCache(cloud: {
  readonly registryHost: pulumi.Output<string>;
  readonly imageCacheUpstreams?: readonly string[];
}): pulumi.Output<ImageCache> {
  return cloud.registryHost.apply((registryHost) => ({ registryHost, upstreams: [...(cloud.imageCacheUpstreams ?? [])] }));
}
