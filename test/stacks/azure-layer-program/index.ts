/**
 * A Pulumi program that builds only the Azure cloud layer of the stack, with the real stack
 * configuration (the Pulumi.*.yaml files here are links to the project's). The Azure tests plan
 * it offline with the same harness as the whole program, so the cloud layer is checked on its own.
 */
import * as pulumi from "@pulumi/pulumi";
import { buildAzureCloud } from "../../../stacks/azure";
import { loadConfig } from "../../../stacks/config";
import { workloadIdentitySpecs } from "../../../stacks/identities";
import { azureProviders } from "../../../stacks/providers";

const cfg = loadConfig();
const cloud = buildAzureCloud(cfg, azureProviders(cfg), workloadIdentitySpecs(cfg));

export const clusterName = cloud.clusterName;
export const clusterEndpoint = cloud.clusterEndpoint;
export const kubeconfig = pulumi.secret(cloud.kubeconfig);
export const storageClassName = cloud.storageClassName;
export const buckets = Object.fromEntries(
  Object.entries(cloud.buckets).map(([k, b]) => [k, { uri: b.uri, endpoint: b.endpoint, resourceId: b.resourceId }]),
);
export const registryHost = cloud.registryHost;
export const repositoryUrls = cloud.repositoryUrls;
export const databases = Object.fromEntries(
  Object.entries(cloud.databases).map(([k, d]) => [
    k,
    { host: d.host, port: d.port, database: d.database, username: d.username, password: d.password, sslMode: d.sslMode },
  ]),
);
export const cache = { host: cloud.cache.host, port: cloud.cache.port, password: cloud.cache.password, tls: cloud.cache.tls };
export const identities = Object.fromEntries(
  Object.entries(cloud.identities).map(([k, i]) => [k, { annotations: i.serviceAccountAnnotations, podLabels: i.podLabels }]),
);
export const dataEvents = cloud.dataEvents;
export const internalLoadBalancerAnnotations = cloud.internalLoadBalancerAnnotations;
export const readyDependencies = cloud.readyDependencies.map((r) => r.urn);
export const spotTolerations = cloud.spotTolerations;
