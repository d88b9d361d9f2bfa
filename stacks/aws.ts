/**
 * The AWS composition: builds the cloud layer of one stack on AWS from the validated config.
 * Every resource goes through `providers.aws` (pinned to the stack's region) or
 * `providers.random`; the cluster's Kubernetes provider carries the in-cluster pieces.
 */

import * as pulumi from "@pulumi/pulumi";
import {
  Audit,
  accessLogDeliveryStatements,
  CACHE_SIZES,
  Cache,
  Cluster,
  cacheIdentifier,
  clusterName,
  DATABASE_SIZES,
  Database,
  DatabaseInit,
  DataEvents,
  databaseIdentifier,
  EncryptedBucket,
  Keys,
  logRetention,
  Network,
  Registry,
  stackPrefix,
  WorkloadIdentities,
  zoneNames,
} from "../components/aws";
import { ImageCache } from "../components/aws/image-cache";
import { PrivateDns } from "../components/aws/private-dns";
import * as aws from "../components/aws/sdk";
import {
  BUCKET_PURPOSES,
  type BucketPurpose,
  type BucketRef,
  type CloudLayer,
  DATABASE_CONSUMERS,
  type DatabaseConsumer,
  type DatabaseRef,
  type WorkloadIdentitySpec,
} from "../components/contracts";
import { CAPTURE_PREFIX } from "../components/k8s/serving";
import { cachedImage } from "../contracts/image-cache";
import { AWS_UAE_REGIONS } from "../contracts/regions";
import { IMAGES, imageRef } from "../contracts/versions";
import { egressFirewallSetting } from "./egress";
import { cachedUpstreams, cacheRuleUpstreams, mirrorRepositories } from "./image-cache";
import type { AwsProviders } from "./providers";
import type { PlatformConfig } from "./schema";
import { readRegistryCredentials } from "./secrets";
import { ingressDomain } from "./services";

/** ECR repositories of the platform, by key. */
export const AWS_REPOSITORIES = ["pipelines", "serving", "steps"] as const;

/** Annotations that keep a Service of type LoadBalancer on an internal (private-subnet) load balancer. */
export const AWS_INTERNAL_LB_ANNOTATIONS: Readonly<Record<string, string>> = {
  "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
  "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
  // A Network Load Balancer: the private DNS zone's alias records target it by its tags.
  "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
};

/** The Network's firewall argument: the allow-list, or none for an opted-out development stack. */
function egressFirewallArgs(cfg: PlatformConfig): { egressFirewall?: { readonly allowedHosts: readonly string[] } } {
  const setting = egressFirewallSetting(cfg);
  return setting ? { egressFirewall: setting } : {};
}

/** Builds the AWS cloud layer. */
export function buildAwsCloud(cfg: PlatformConfig, providers: AwsProviders, identities: readonly WorkloadIdentitySpec[]): CloudLayer {
  const prefix = stackPrefix(cfg.project, cfg.stack);
  const opts: pulumi.ComponentResourceOptions = { providers: [providers.aws, providers.random] };
  const account = aws.getCallerIdentityOutput({}, { provider: providers.aws }).accountId;
  const partition = aws.getPartitionOutput({}, { provider: providers.aws }).partition;
  const region = cfg.region;
  const allowedRegions = [...AWS_UAE_REGIONS];
  const protect = cfg.protectData;
  const logDays = logRetention(cfg.retention.logDays);
  const auditDays = logRetention(cfg.retention.auditLogDays);

  const keys = new Keys(`${prefix}-keys`, { accountId: account, partition, region, protect }, opts);

  const network = new Network(
    `${prefix}-network`,
    {
      cidr: cfg.network.cidr,
      availabilityZones: zoneNames(region, cfg.availability.zoneCount),
      natPerZone: cfg.availability.natPerZone,
      region,
      accountId: account,
      logsKeyArn: keys.arns.logs,
      flowLogRetentionDays: logDays,
      protect,
      ...egressFirewallArgs(cfg),
    },
    opts,
  );

  // Storage -------------------------------------------------------------------------------------
  const accessLogs = new EncryptedBucket(
    `${prefix}-access-logs`,
    {
      kind: "access-logs",
      region,
      allowedRegions,
      noncurrentVersionDays: cfg.retention.noncurrentVersionDays,
      expireAfterDays: cfg.retention.auditLogDays,
      protect,
      extraStatements: (arn) => pulumi.all([arn, account]).apply(([a, acct]) => accessLogDeliveryStatements(a, acct)),
    },
    opts,
  );
  const buckets = {} as Record<BucketPurpose, EncryptedBucket>;
  for (const purpose of BUCKET_PURPOSES) {
    buckets[purpose] = new EncryptedBucket(
      `${prefix}-${purpose}`,
      {
        kind: "data",
        region,
        allowedRegions,
        kmsKeyArn: keys.arns.storage,
        accessLogBucket: accessLogs.name,
        noncurrentVersionDays: cfg.retention.noncurrentVersionDays,
        ...(purpose === "logs" ? { expireAfterDays: cfg.retention.logDays } : {}),
        // The model servers' captured inputs and predictions are kept for the log retention.
        ...(purpose === "artifacts" ? { expirePrefixes: [{ prefix: CAPTURE_PREFIX, days: cfg.retention.logDays }] } : {}),
        protect,
      },
      opts,
    );
  }

  const registry = new Registry(
    `${prefix}-registry`,
    {
      namePrefix: prefix,
      repositories: [...AWS_REPOSITORIES],
      // The models built in the cluster: the image builder's identity may push to these only.
      modelRepositories: [...new Set(identities.flatMap((s) => s.registryRepositories ?? []))],
      kmsKeyArn: keys.arns.storage,
      accountId: account,
      region,
      protect,
    },
    opts,
  );

  const cacheUpstreams = cacheRuleUpstreams(cfg);
  const credentials = readRegistryCredentials(cfg);
  new ImageCache(
    `${prefix}-image-cache`,
    {
      upstreams: cacheUpstreams,
      credentials,
      mirrorRepositories: mirrorRepositories(cfg).map((m) => m.repository),
      namePrefix: prefix,
      kmsKeyArn: keys.arns.storage,
      accountId: account,
      partition,
      region,
      protect,
    },
    opts,
  );

  const audit = new Audit(
    `${prefix}-audit`,
    {
      trailName: `${prefix}-trail`,
      accountId: account,
      partition,
      region,
      allowedRegions,
      logsKeyArn: keys.arns.logs,
      accessLogBucket: accessLogs.name,
      auditLogDays: auditDays,
      noncurrentVersionDays: cfg.retention.noncurrentVersionDays,
      protect,
    },
    opts,
  );
  void audit;

  // Cluster ----------------------------------------------------------------------------------------
  const cluster = new Cluster(
    `${prefix}-eks`,
    {
      clusterName: clusterName(prefix),
      kubernetesVersion: cfg.kubernetesVersion,
      imageCache: registry.registryHost.apply((registryHost) => ({ registryHost, upstreams: cachedUpstreams(cfg) })),
      region,
      partition,
      vpcId: network.vpcId,
      vpcCidr: network.vpcCidr,
      privateSubnetIds: network.privateSubnetIds,
      serviceCidr: cfg.network.serviceCidr,
      apiAllowedCidrs: cfg.network.apiAllowedCidrs,
      adminRoleArns: cfg.identity.clusterAdmins,
      teamAccess: cfg.teams.flatMap((t) => t.ssoRoleArns.map((principalArn) => ({ team: t.name, principalArn, groups: t.groups }))),
      clusterKeyArn: keys.arns.cluster,
      storageKeyArn: keys.arns.storage,
      logsKeyArn: keys.arns.logs,
      controlPlaneLogDays: auditDays,
      nodePools: cfg.nodePools,
      protect,
      accountId: account,
    },
    opts,
  );

  const events = new DataEvents(
    `${prefix}-data-events`,
    { bucketName: buckets.datasets.name, bucketArn: buckets.datasets.arn, accountId: account, kmsKeyArn: keys.arns.storage },
    opts,
  );

  const workloadIdentities = new WorkloadIdentities(
    `${prefix}-identity`,
    {
      oidc: cluster.oidc,
      specs: identities,
      partition,
      region,
      bucketArns: Object.fromEntries(BUCKET_PURPOSES.map((p) => [p, buckets[p].arn])) as Record<BucketPurpose, pulumi.Output<string>>,
      storageKeyArn: keys.arns.storage,
      repositoryArns: registry.repositoryArns,
      modelRepositoryArns: registry.modelRepositoryArns,
      // The image builder pulls its base images through the cache (pull-through rules and mirrors).
      baseImagePrefixes: [
        ...new Set([...cacheUpstreams.map((u) => u.prefix), ...mirrorRepositories(cfg).map((m) => m.repository.split("/")[0] as string)]),
      ],
      pullThroughPrefixes: cacheUpstreams.map((u) => u.prefix),
      accountId: account,
      dataEventQueue: { arn: events.queueArn, keyArn: keys.arns.storage },
      dataLakes: cfg.dataLakes.map((l) => ({ name: l.name, uri: l.uri, ...(l.kmsKeyArn ? { kmsKeyArn: l.kmsKeyArn } : {}) })),
    },
    opts,
  );

  // Data services ------------------------------------------------------------------------------------
  const dbSize = DATABASE_SIZES[cfg.availability.databaseSize];
  const database = new Database(
    `${prefix}-database`,
    {
      identifier: databaseIdentifier(prefix),
      vpcId: network.vpcId,
      subnetIds: network.dataSubnetIds,
      allowedCidrs: network.privateSubnetCidrs,
      kmsKeyArn: keys.arns.database,
      logsKeyArn: keys.arns.logs,
      logRetentionDays: logDays,
      instanceClass: dbSize.instanceClass,
      allocatedStorageGiB: dbSize.storageGiB,
      maxAllocatedStorageGiB: dbSize.maxStorageGiB,
      multiAz: cfg.availability.databaseHighAvailability,
      backupRetentionDays: cfg.retention.backupDays,
      consumers: [...DATABASE_CONSUMERS],
      protect,
    },
    opts,
  );
  const databaseInit = new DatabaseInit(
    `${prefix}-database-init`,
    {
      namespace: "kube-system",
      host: database.host,
      port: database.port,
      masterUsername: database.masterUsername,
      masterPassword: database.masterPassword,
      adminDatabase: "platform",
      consumers: Object.fromEntries(Object.entries(database.logins).map(([c, l]) => [c, l.password])),
      image: registry.registryHost.apply((registryHost) =>
        cachedImage(imageRef(IMAGES.postgresClient), { registryHost, upstreams: cachedUpstreams(cfg) }),
      ),
    },
    { providers: [cluster.provider], dependsOn: cluster.readyDependencies },
  );

  const cacheReplicas = cfg.availability.cacheReplicas;
  const cache = new Cache(
    `${prefix}-cache`,
    {
      identifier: cacheIdentifier(prefix),
      vpcId: network.vpcId,
      subnetIds: network.dataSubnetIds,
      allowedCidrs: network.privateSubnetCidrs,
      kmsKeyArn: keys.arns.database,
      logsKeyArn: keys.arns.logs,
      logRetentionDays: logDays,
      nodeType: CACHE_SIZES[cfg.availability.cacheSize].nodeType,
      replicas: cacheReplicas,
      multiAz: cfg.availability.multiAz && cacheReplicas > 0,
      snapshotRetentionDays: Math.min(cfg.retention.backupDays, 35),
      protect,
    },
    opts,
  );

  // The contract -------------------------------------------------------------------------------------
  const bucketRefs = {} as Record<BucketPurpose, BucketRef>;
  for (const purpose of BUCKET_PURPOSES) {
    const b = buckets[purpose];
    bucketRefs[purpose] = {
      name: b.name,
      uri: pulumi.interpolate`s3://${b.name}`,
      endpoint: pulumi.output(`s3.${region}.amazonaws.com`),
      resourceId: b.arn,
    };
  }
  const databases = {} as Record<DatabaseConsumer, DatabaseRef>;
  for (const consumer of DATABASE_CONSUMERS) {
    const login = database.logins[consumer];
    if (!login) throw new Error(`buildAwsCloud(): no database login for ${consumer}`);
    databases[consumer] = {
      host: database.host,
      port: database.port,
      database: pulumi.output(login.database),
      username: pulumi.output(login.username),
      password: login.password,
      sslMode: "require",
    };
  }

  return {
    cloud: "aws",
    region,
    clusterName: cluster.clusterName,
    clusterEndpoint: cluster.endpoint,
    kubeconfig: cluster.kubeconfig,
    kubernetesProvider: cluster.provider,
    storageClassName: cluster.storageClassName,
    buckets: bucketRefs,
    registryHost: registry.registryHost,
    imageCacheUpstreams: cachedUpstreams(cfg),
    repositoryUrls: registry.repositoryUrls,
    databases,
    cache: { host: cache.host, port: cache.port, password: cache.authToken, tls: true },
    identities: workloadIdentities.identities,
    dataEvents: { kind: "sqs", queueUrl: events.queueUrl, queueArn: events.queueArn },
    internalLoadBalancerAnnotations: AWS_INTERNAL_LB_ANNOTATIONS,
    internalDns: (ingress) => {
      // The NLB the cloud controller made for the ingress Service, found by the tag it sets.
      const lb = aws.lb.getLoadBalancerOutput(
        { tags: { "kubernetes.io/service-name": ingress.service } },
        { provider: providers.aws, dependsOn: [ingress.controller] },
      );
      new PrivateDns(
        `${prefix}-dns`,
        {
          domain: ingressDomain(cfg),
          hosts: ingress.hosts,
          vpcId: network.vpcId,
          target: { dnsName: lb.dnsName, zoneId: lb.zoneId },
          ...(cfg.services.dns.existingZoneId === undefined ? {} : { existingZoneId: cfg.services.dns.existingZoneId }),
          tags: cfg.tags,
        },
        { ...opts, dependsOn: [ingress.controller] },
      );
    },
    readyDependencies: [...cluster.readyDependencies, databaseInit.job],
  };
}
