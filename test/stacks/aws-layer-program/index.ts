/**
 * A Pulumi program that builds only the AWS cloud layer of the stack, with the real stack
 * configuration (the Pulumi.*.yaml files here are links to the project's). The AWS tests plan it
 * offline with the same harness as the whole program, so the cloud layer is checked on its own.
 */
import * as pulumi from "@pulumi/pulumi";
import { buildAwsCloud } from "../../../stacks/aws";
import { loadConfig } from "../../../stacks/config";
import { workloadIdentitySpecs } from "../../../stacks/identities";
import { awsProviders } from "../../../stacks/providers";

const cfg = loadConfig();
const cloud = buildAwsCloud(cfg, awsProviders(cfg), workloadIdentitySpecs(cfg));

export const clusterName = cloud.clusterName;
export const kubeconfig = pulumi.secret(cloud.kubeconfig);
export const storageClassName = cloud.storageClassName;
export const buckets = Object.fromEntries(Object.entries(cloud.buckets).map(([k, b]) => [k, b.uri]));
export const registryHost = cloud.registryHost;
export const repositoryUrls = cloud.repositoryUrls;
export const databases = Object.fromEntries(
  Object.entries(cloud.databases).map(([k, d]) => [
    k,
    { host: d.host, database: d.database, username: d.username, password: d.password, sslMode: d.sslMode },
  ]),
);
export const cache = { host: cloud.cache.host, password: cloud.cache.password, tls: cloud.cache.tls };
export const identities = Object.fromEntries(Object.entries(cloud.identities).map(([k, i]) => [k, i.serviceAccountAnnotations]));
export const dataEvents = cloud.dataEvents;
export const readyDependencies = cloud.readyDependencies.map((r) => r.urn);
