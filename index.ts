/**
 * Pulumi entry point: validate the stack configuration, build the platform, export the outputs.
 * Everything else lives in stacks/ and components/.
 */
import * as pulumi from "@pulumi/pulumi";
import { loadConfig } from "./stacks/config";
import { buildPlatform } from "./stacks/platform";

const outputs = buildPlatform(loadConfig());

export const cloud = outputs.cloud;
export const region = outputs.region;
export const profile = outputs.profile;
export const environment = outputs.environment;
export const clusterName = outputs.clusterName;
export const clusterEndpoint = outputs.clusterEndpoint;
export const kubeconfig = pulumi.secret(outputs.kubeconfig);
export const buckets = outputs.buckets;
export const registryUrls = outputs.registryUrls;
export const urls = outputs.urls;
export const modelEndpoints = outputs.modelEndpoints;
export const operatorActions = outputs.operatorActions;
