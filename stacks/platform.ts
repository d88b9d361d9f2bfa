/**
 * Composes the platform of one stack: cloud layer (AWS or Azure), then the Kubernetes platform
 * services on its cluster, and returns the stack outputs.
 */

import * as pulumi from "@pulumi/pulumi";
import { BUCKET_PURPOSES, type BucketPurpose } from "../components/contracts";
import { dropApiVersionAliases } from "./api-version-aliases";
import type * as awsLayer from "./aws";
import type * as azureLayer from "./azure";
import { workloadIdentitySpecs } from "./identities";
import { operatorActions } from "./operator-actions";
import type { PlatformOutputs } from "./outputs";
import { awsProviders, azureProviders } from "./providers";
import type { PlatformConfig } from "./schema";
import { buildPlatformServices } from "./services";

/** Builds the whole platform for `cfg` and returns its outputs. */
export function buildPlatform(cfg: PlatformConfig): PlatformOutputs {
  // Before the first resource: a resource takes the stack's transformations when it is constructed.
  pulumi.runtime.registerStackTransformation(dropApiVersionAliases);
  const identities = workloadIdentitySpecs(cfg);
  // Only the stack's own cloud layer is loaded: each one pulls in its provider SDK's service
  // modules (and the other cloud's would cost start-up time and memory for nothing).
  const cloud =
    cfg.cloud === "aws"
      ? (require("./aws") as typeof awsLayer).buildAwsCloud(cfg, awsProviders(cfg), identities)
      : (require("./azure") as typeof azureLayer).buildAzureCloud(cfg, azureProviders(cfg), identities);
  const services = buildPlatformServices(cfg, cloud, identities);
  // The internal domain resolves inside the network once the ingress's load balancer exists.
  cloud.internalDns?.(services.ingress);
  const buckets = Object.fromEntries(BUCKET_PURPOSES.map((p) => [p, cloud.buckets[p].name])) as Record<
    BucketPurpose,
    pulumi.Output<string>
  >;
  return {
    cloud: cfg.cloud,
    region: cfg.region,
    profile: cfg.profile,
    environment: cfg.environment,
    clusterName: cloud.clusterName,
    clusterEndpoint: cloud.clusterEndpoint,
    kubeconfig: cloud.kubeconfig,
    buckets,
    registryUrls: { ...cloud.repositoryUrls },
    urls: services.urls,
    modelEndpoints: services.modelEndpoints,
    operatorActions: operatorActions(cfg),
  };
}
