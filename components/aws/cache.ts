/**
 * ElastiCache Redis for the Feast online store: encrypted at rest with the platform key and in
 * transit (TLS required), AUTH token generated and kept secret, private data subnets, replicas
 * and Multi-AZ failover per profile.
 */

import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { isValidCacheIdentifier } from "./naming";
import { LOG_RETENTION_DAYS } from "./network";
import * as aws from "./sdk";
import { ArgsCheck } from "./validate";

/** Arguments of {@link Cache}. */
export interface CacheArgs {
  /** Replication group id. */
  readonly identifier: string;
  readonly vpcId: pulumi.Input<string>;
  /** Isolated data subnets. */
  readonly subnetIds: pulumi.Input<string>[];
  /** CIDRs allowed to connect (the node/pod subnets). */
  readonly allowedCidrs: readonly string[];
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly logsKeyArn: pulumi.Input<string>;
  readonly logRetentionDays: number;
  readonly nodeType: string;
  /** Read replicas (0-5); with one or more, automatic failover is on. */
  readonly replicas: number;
  /** Spread primary and replicas across zones (needs at least one replica). */
  readonly multiAz: boolean;
  /** Days of daily snapshots (0-35). */
  readonly snapshotRetentionDays: number;
  /** Final snapshot, `protect` and `retainOnDelete`. */
  readonly protect: boolean;
}

/** The Feast online store. */
export class Cache extends pulumi.ComponentResource {
  /** Primary endpoint (TLS). */
  public readonly host: pulumi.Output<string>;
  public readonly port: pulumi.Output<number>;
  /** AUTH token (secret). */
  public readonly authToken: pulumi.Output<string>;

  constructor(name: string, args: CacheArgs, opts?: pulumi.ComponentResourceOptions) {
    new ArgsCheck("mlops-platform:aws:Cache", name)
      .require(
        isValidCacheIdentifier(args.identifier),
        "identifier",
        args.identifier,
        "use 1-40 lowercase letters, digits and single hyphens, starting with a letter",
      )
      .require(args.subnetIds.length >= 2, "subnetIds", args.subnetIds.length, "pass data subnets in at least two availability zones")
      .require(
        args.allowedCidrs.length > 0 && !args.allowedCidrs.includes("0.0.0.0/0"),
        "allowedCidrs",
        args.allowedCidrs,
        "list only the node subnets' CIDRs",
      )
      .require(
        /^cache\.[a-z0-9]+\.[a-z0-9]+$/.test(args.nodeType),
        "nodeType",
        args.nodeType,
        "use an ElastiCache node type such as cache.m5.large",
      )
      .require(
        Number.isInteger(args.replicas) && args.replicas >= 0 && args.replicas <= 5,
        "replicas",
        args.replicas,
        "use 0 to 5 read replicas",
      )
      .require(!args.multiAz || args.replicas >= 1, "multiAz", args.multiAz, "add at least one replica (replicas >= 1) or turn multiAz off")
      .require(
        Number.isInteger(args.snapshotRetentionDays) && args.snapshotRetentionDays >= 0 && args.snapshotRetentionDays <= 35,
        "snapshotRetentionDays",
        args.snapshotRetentionDays,
        "use 0 to 35 days",
      )
      .require(
        LOG_RETENTION_DAYS.includes(args.logRetentionDays),
        "logRetentionDays",
        args.logRetentionDays,
        "use a CloudWatch Logs retention value (see logRetention())",
      )
      .done();
    super("mlops-platform:aws:Cache", name, {}, opts);

    const stateful = { parent: this, protect: args.protect, retainOnDelete: args.protect };
    // ElastiCache AUTH tokens accept only printable characters without @ " /: alphanumeric is safe.
    const token = new random.RandomPassword(`${name}-auth-token`, { length: 64, special: false }, { parent: this });
    const subnetGroup = new aws.elasticache.SubnetGroup(
      `${name}-subnets`,
      { subnetIds: args.subnetIds, description: "Isolated data subnets" },
      { parent: this },
    );
    const sg = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        vpcId: args.vpcId,
        description: "Redis (TLS) from the cluster subnets only",
        ingress: [
          { protocol: "tcp", fromPort: 6379, toPort: 6379, cidrBlocks: [...args.allowedCidrs], description: "Redis from node/pod subnets" },
        ],
        egress: [],
      },
      { parent: this },
    );
    const slowLog = new aws.cloudwatch.LogGroup(
      `${name}-slow-log`,
      { name: `/mlops-platform/${args.identifier}/redis-slow-log`, retentionInDays: args.logRetentionDays, kmsKeyId: args.logsKeyArn },
      { parent: this },
    );
    const group = new aws.elasticache.ReplicationGroup(
      `${name}-redis`,
      {
        replicationGroupId: args.identifier,
        description: "Feast online store",
        engine: "redis",
        engineVersion: "7.1",
        nodeType: args.nodeType,
        port: 6379,
        numCacheClusters: 1 + args.replicas,
        automaticFailoverEnabled: args.replicas > 0,
        multiAzEnabled: args.multiAz,
        subnetGroupName: subnetGroup.name,
        securityGroupIds: [sg.id],
        atRestEncryptionEnabled: true,
        kmsKeyId: args.kmsKeyArn,
        transitEncryptionEnabled: true,
        transitEncryptionMode: "required",
        authToken: token.result,
        autoMinorVersionUpgrade: true,
        snapshotRetentionLimit: args.snapshotRetentionDays,
        snapshotWindow: "21:00-22:00",
        maintenanceWindow: "fri:23:00-sat:00:00",
        ...(args.protect ? { finalSnapshotIdentifier: `${args.identifier}-final` } : {}),
        logDeliveryConfigurations: [
          { destination: slowLog.name, destinationType: "cloudwatch-logs", logFormat: "json", logType: "slow-log" },
        ],
        applyImmediately: false,
      },
      stateful,
    );
    this.host = group.primaryEndpointAddress;
    this.port = group.port.apply((p) => p ?? 6379);
    this.authToken = pulumi.secret(token.result);
    this.registerOutputs({ host: this.host, port: this.port, authToken: this.authToken });
  }
}
