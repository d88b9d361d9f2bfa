/**
 * Which upstream registries the stack's registry serves (contracts/image-cache.ts), from the
 * stack's configuration: every upstream ECR/ACR can cache without credentials, plus Docker Hub
 * and GHCR once `registryCredentials.<key>` is set (production refuses a stack without them). On
 * AWS, nvcr.io has no pull-through rule: its pinned images get repositories of their own that the
 * operator (or the images workflow) fills by copying, listed in the plan's operator actions.
 */
import { type MirroredImage, mirroredImages, servedUpstreams, UPSTREAM_REGISTRIES, type UpstreamRegistry } from "../contracts/image-cache";
import { IMAGES } from "../contracts/versions";
import type { OperatorAction } from "./operator-actions";
import type { PlatformConfig } from "./schema";

type Cfg = Pick<PlatformConfig, "cloud" | "secrets">;

/** Upstream hosts the stack's registry serves (the Helm values and the egress allow-list follow it). */
export function cachedUpstreams(cfg: Cfg): string[] {
  return servedUpstreams(cfg.cloud, Object.keys(cfg.secrets.registryCredentials));
}

/** The upstreams that get a pull-through / cache rule on this stack's cloud. */
export function cacheRuleUpstreams(cfg: Cfg): UpstreamRegistry[] {
  const served = new Set(cachedUpstreams(cfg));
  return Object.values(UPSTREAM_REGISTRIES as Record<string, UpstreamRegistry>).filter(
    (u) => served.has(u.host) && (cfg.cloud === "aws" ? u.aws : u.azure) !== "mirror",
  );
}

/** Repositories (`nvcr/nvidia/k8s-device-plugin`) the stack creates for the upstreams its cloud cannot cache. */
export function mirrorRepositories(cfg: Cfg): MirroredImage[] {
  return mirroredImages(cfg.cloud, Object.values(IMAGES));
}

/** The copies an operator makes into the mirror repositories before the GPU plugins can start. */
export function mirrorActions(cfg: Cfg & Pick<PlatformConfig, "nodePools">): OperatorAction[] {
  const mirrors = mirrorRepositories(cfg);
  if (mirrors.length === 0 || cfg.nodePools.gpu.length === 0) return [];
  return [
    {
      id: "mirror-images",
      kind: "image",
      summary: `copy the pinned images of registries ${cfg.cloud === "aws" ? "ECR" : "ACR"} cannot cache into the stack's registry (pulumi stack output registryUrls has its host)`,
      steps: [
        "the images workflow (.github/workflows/images.yml) copies them; by hand:",
        ...mirrors.map(({ source, target }) => `crane copy ${source} <registry-host>/${target}`),
      ],
      blocksFirstUp: true,
    },
  ];
}
