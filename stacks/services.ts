/**
 * The Kubernetes platform services of one stack, on the cluster of either cloud layer.
 * (Filled in by the Kubernetes platform-services issue.)
 */

import type * as pulumi from "@pulumi/pulumi";
import type { CloudLayer, WorkloadIdentitySpec } from "../components/contracts";
import type { ServiceUrls } from "./outputs";
import type { PlatformConfig } from "./schema";

/** What the platform services give back for the stack outputs. */
export interface PlatformServices {
  readonly urls: ServiceUrls;
  readonly modelEndpoints: Record<string, pulumi.Output<string>>;
}

/** Installs the platform services on the cluster of `cloud`. */
export function buildPlatformServices(
  cfg: PlatformConfig,
  cloud: CloudLayer,
  identities: readonly WorkloadIdentitySpec[],
): PlatformServices {
  void cfg;
  void cloud;
  void identities;
  throw new Error("the platform services are not built yet");
}
