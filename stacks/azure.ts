/**
 * The Azure composition: builds the cloud layer of one stack on Azure from the validated config.
 * (Filled in by the Azure cloud-layer issue.)
 */
import type { CloudLayer, WorkloadIdentitySpec } from "../components/contracts";
import type { AzureProviders } from "./providers";
import type { PlatformConfig } from "./schema";

/** Builds the Azure cloud layer. */
export function buildAzureCloud(cfg: PlatformConfig, providers: AzureProviders, identities: readonly WorkloadIdentitySpec[]): CloudLayer {
  void cfg;
  void providers;
  void identities;
  throw new Error("the Azure cloud layer is not built yet");
}
