/**
 * The stack's egress allow-list: what the platform itself needs plus `network.egress.allowedHosts`.
 */
import * as pulumi from "@pulumi/pulumi";
import { featureRepositoryHosts } from "../components/k8s/feature-apply";
import { egressAllowList } from "../contracts/egress";
import { IMAGES } from "../contracts/versions";
import { modelSourceHosts } from "./image-builds";
import { cachedUpstreams } from "./image-cache";
import type { PlatformConfig } from "./schema";

/** The hosts the stack's firewall admits. */
export function stackEgressAllowList(
  cfg: Pick<PlatformConfig, "cloud" | "region" | "identity" | "network" | "secrets"> & Partial<Pick<PlatformConfig, "models" | "services">>,
): string[] {
  return egressAllowList({
    cloud: cfg.cloud,
    region: cfg.region,
    oidcIssuerUrl: cfg.identity.oidcIssuerUrl,
    imageRepositories: Object.values(IMAGES).map((i) => i.repository),
    // Served by the stack registry's pull-through cache: the cluster never reaches them.
    cachedRegistries: cachedUpstreams(cfg),
    // The in-cluster builds clone the declared models' repositories (the ml-builds namespace only reaches these).
    // and ml-pipelines' feature-apply step clones the declared feature repository.
    extraHosts: [
      ...cfg.network.egress.allowedHosts,
      ...modelSourceHosts({ models: cfg.models ?? [] }),
      ...featureRepositoryHosts(cfg.services?.feast.repository && { cloneUrl: cfg.services.feast.repository.url }),
    ],
  });
}

/** The firewall setting the cloud layer gets: the allow-list, or nothing for an opted-out development stack. */
export function egressFirewallSetting(
  cfg: Pick<PlatformConfig, "cloud" | "region" | "identity" | "network" | "secrets"> & Partial<Pick<PlatformConfig, "models" | "services">>,
): { readonly allowedHosts: readonly string[] } | undefined {
  const optOut = cfg.network.egress.firewallOptOut;
  if (optOut) {
    // Recorded in every preview and update log, next to the reason the stack file gives.
    pulumi.log.warn(
      `egress firewall opted out (network.egress.firewallOptOut): workloads reach any internet host through NAT. Reason: ${optOut.reason}`,
    );
    return undefined;
  }
  return { allowedHosts: stackEgressAllowList(cfg) };
}
