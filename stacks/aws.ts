/**
 * The AWS composition: builds the cloud layer of one stack on AWS from the validated config.
 * (Filled in by the AWS cloud-layer issue.)
 */
import type { CloudLayer, WorkloadIdentitySpec } from "../components/contracts";
import type { AwsProviders } from "./providers";
import type { PlatformConfig } from "./schema";

/** Builds the AWS cloud layer. */
export function buildAwsCloud(cfg: PlatformConfig, providers: AwsProviders, identities: readonly WorkloadIdentitySpec[]): CloudLayer {
  void cfg;
  void providers;
  void identities;
  throw new Error("the AWS cloud layer is not built yet");
}
