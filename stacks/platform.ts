/**
 * Composes the platform of one stack: cloud layer (AWS or Azure), then the Kubernetes platform
 * services on its cluster, and returns the stack outputs.
 */

import type * as pulumi from "@pulumi/pulumi";
import { BUCKET_PURPOSES, type BucketPurpose } from "../components/contracts";
import { buildAwsCloud } from "./aws";
import { buildAzureCloud } from "./azure";
import { workloadIdentitySpecs } from "./identities";
import { operatorActions } from "./operator-actions";
import type { PlatformOutputs } from "./outputs";
import { awsProviders, azureProviders } from "./providers";
import type { PlatformConfig } from "./schema";
import { buildPlatformServices } from "./services";

/** Builds the whole platform for `cfg` and returns its outputs. */
export function buildPlatform(cfg: PlatformConfig): PlatformOutputs {
  const identities = workloadIdentitySpecs(cfg);
  const cloud =
    cfg.cloud === "aws" ? buildAwsCloud(cfg, awsProviders(cfg), identities) : buildAzureCloud(cfg, azureProviders(cfg), identities);
  const services = buildPlatformServices(cfg, cloud, identities);
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
