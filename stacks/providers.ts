/**
 * Region-pinned providers. Default providers are disabled for the project
 * (`pulumi:disable-default-providers: ["*"]` in Pulumi.yaml), so every resource must name one of
 * these, and each of these is pinned to the validated UAE region or location.
 */

// The provider module alone: the package index loads every Azure service module's registrations
// (close to a second of start-up), which the components import one by one anyway. Each cloud's SDK
// is loaded only by a stack of that cloud (`require` in the functions below).
import type * as azureNative from "@pulumi/azure-native/provider";
import * as random from "@pulumi/random";
import type * as aws from "../components/aws/sdk";
import type { PlatformConfig } from "./schema";

/** Providers of the AWS composition. */
export interface AwsProviders {
  readonly aws: aws.Provider;
  readonly random: random.Provider;
}

/** Providers of the Azure composition. */
export interface AzureProviders {
  readonly azure: azureNative.Provider;
  readonly random: random.Provider;
}

/** The AWS provider pinned to `cfg.region`, tagging everything it creates. */
export function awsProviders(cfg: PlatformConfig): AwsProviders {
  return {
    aws: new (require("../components/aws/sdk") as typeof aws).Provider(`aws-${cfg.region}`, {
      region: cfg.region as aws.Region,
      defaultTags: { tags: cfg.tags },
      // Refuse to run against any region but the configured one, even through env vars.
      skipRegionValidation: false,
    }),
    random: new random.Provider("random"),
  };
}

/** The azure-native provider pinned to `cfg.region` (an Azure location). */
export function azureProviders(cfg: PlatformConfig): AzureProviders {
  return {
    azure: new (require("@pulumi/azure-native/provider") as typeof azureNative).Provider(`azure-${cfg.region}`, { location: cfg.region }),
    random: new random.Provider("random"),
  };
}
