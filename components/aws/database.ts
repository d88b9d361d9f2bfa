/**
 * RDS PostgreSQL for MLflow, the Feast registry and the Argo workflow archive: KMS-encrypted,
 * private (data subnets, reachable only from the node subnets), TLS enforced by the parameter
 * group, IAM authentication on, backups per profile, deletion protection and a final snapshot
 * when data is protected. The master password is generated, stored in Secrets Manager under the
 * database key, and never exported in clear. Each consumer gets its own login and database
 * (created in the cluster by {@link DatabaseInit}).
 */

import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { isValidDatabaseIdentifier } from "./naming";
import { LOG_RETENTION_DAYS } from "./network";
import * as aws from "./sdk";
import { ArgsCheck } from "./validate";

/** Supported PostgreSQL major versions (parameter-group family `postgres<major>`). */
export const POSTGRES_MAJOR_VERSIONS = ["15", "16", "17"] as const;

/** Arguments of {@link Database}. */
export interface DatabaseArgs {
  /** RDS instance identifier. */
  readonly identifier: string;
  readonly vpcId: pulumi.Input<string>;
  /** Isolated data subnets (at least two zones, as RDS requires). */
  readonly subnetIds: pulumi.Input<string>[];
  /** CIDRs allowed to connect (the node/pod subnets). */
  readonly allowedCidrs: readonly string[];
  /** KMS key of storage, snapshots and the Secrets Manager secret. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** KMS key of the exported PostgreSQL logs. */
  readonly logsKeyArn: pulumi.Input<string>;
  /** CloudWatch Logs retention of the exported logs. */
  readonly logRetentionDays: number;
  readonly instanceClass: string;
  readonly allocatedStorageGiB: number;
  /** Storage autoscaling ceiling. */
  readonly maxAllocatedStorageGiB: number;
  readonly multiAz: boolean;
  /** Automated backup retention (1-35 days). */
  readonly backupRetentionDays: number;
  /**
   * PostgreSQL major version.
   * @default "16"
   */
  readonly engineMajorVersion?: (typeof POSTGRES_MAJOR_VERSIONS)[number];
  /** Logins/databases to create, one per consumer (`mlflow`, `feast`, `argo`). */
  readonly consumers: readonly string[];
  /** Deletion protection, final snapshot, `protect` and `retainOnDelete`. */
  readonly protect: boolean;
}

/** Connection data of one consumer. */
export interface DatabaseLogin {
  readonly database: string;
  readonly username: string;
  /** Generated password (secret). */
  readonly password: pulumi.Output<string>;
}

/** The platform's PostgreSQL instance. */
export class Database extends pulumi.ComponentResource {
  public readonly host: pulumi.Output<string>;
  public readonly port: pulumi.Output<number>;
  public readonly instanceArn: pulumi.Output<string>;
  /** Secrets Manager secret holding the master and consumer credentials. */
  public readonly secretArn: pulumi.Output<string>;
  public readonly masterUsername: string;
  /** Master password (secret). */
  public readonly masterPassword: pulumi.Output<string>;
  /** Login and database per consumer. */
  public readonly logins: Readonly<Record<string, DatabaseLogin>>;

  constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    const major = args.engineMajorVersion ?? "16";
    const check = new ArgsCheck("mlops-platform:aws:Database", name)
      .require(
        isValidDatabaseIdentifier(args.identifier),
        "identifier",
        args.identifier,
        "use 1-63 lowercase letters, digits and single hyphens, starting with a letter",
      )
      .require(
        args.subnetIds.length >= 2,
        "subnetIds",
        args.subnetIds.length,
        "pass data subnets in at least two availability zones (an RDS requirement)",
      )
      .require(args.allowedCidrs.length > 0, "allowedCidrs", args.allowedCidrs, "list the node subnets' CIDRs; nothing else may connect")
      .require(!args.allowedCidrs.includes("0.0.0.0/0"), "allowedCidrs", args.allowedCidrs, "remove 0.0.0.0/0: the database is private")
      .require(
        /^db\.[a-z0-9]+\.[a-z0-9]+$/.test(args.instanceClass),
        "instanceClass",
        args.instanceClass,
        "use an RDS class such as db.m5.large",
      )
      .require(
        Number.isInteger(args.allocatedStorageGiB) && args.allocatedStorageGiB >= 20,
        "allocatedStorageGiB",
        args.allocatedStorageGiB,
        "use at least 20 GiB (the gp3 minimum)",
      )
      .require(
        args.maxAllocatedStorageGiB >= args.allocatedStorageGiB,
        "maxAllocatedStorageGiB",
        args.maxAllocatedStorageGiB,
        `use at least allocatedStorageGiB (${args.allocatedStorageGiB})`,
      )
      .require(
        Number.isInteger(args.backupRetentionDays) && args.backupRetentionDays >= 1 && args.backupRetentionDays <= 35,
        "backupRetentionDays",
        args.backupRetentionDays,
        "use 1 to 35 days (0 would turn backups off)",
      )
      .require(POSTGRES_MAJOR_VERSIONS.includes(major), "engineMajorVersion", major, `use one of ${POSTGRES_MAJOR_VERSIONS.join(", ")}`)
      .require(
        LOG_RETENTION_DAYS.includes(args.logRetentionDays),
        "logRetentionDays",
        args.logRetentionDays,
        "use a CloudWatch Logs retention value (see logRetention())",
      )
      .require(args.consumers.length > 0, "consumers", args.consumers, 'list the consumers, e.g. ["mlflow", "feast", "argo"]');
    for (const c of args.consumers) {
      check.require(
        /^[a-z][a-z0-9_]{0,30}$/.test(c) && c !== "postgres" && c !== "rdsadmin",
        "consumers",
        c,
        "use a lowercase PostgreSQL identifier other than postgres/rdsadmin",
      );
    }
    check.done();
    super("mlops-platform:aws:Database", name, {}, opts);

    const stateful = { parent: this, protect: args.protect, retainOnDelete: args.protect };
    const masterUsername = "mlops_admin";
    // Alphanumeric only: RDS refuses '/', '@', '"' and spaces, and the value goes into a shell in DatabaseInit.
    const masterPassword = new random.RandomPassword(`${name}-master-password`, { length: 40, special: false }, { parent: this });
    const logins: Record<string, DatabaseLogin> = {};
    for (const consumer of args.consumers) {
      const pw = new random.RandomPassword(`${name}-${consumer}-password`, { length: 32, special: false }, { parent: this });
      logins[consumer] = { database: consumer, username: consumer, password: pw.result };
    }

    const subnetGroup = new aws.rds.SubnetGroup(
      `${name}-subnets`,
      { subnetIds: args.subnetIds, description: "Isolated data subnets" },
      { parent: this },
    );
    const sg = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        vpcId: args.vpcId,
        description: "PostgreSQL from the cluster subnets only",
        ingress: [
          {
            protocol: "tcp",
            fromPort: 5432,
            toPort: 5432,
            cidrBlocks: [...args.allowedCidrs],
            description: "PostgreSQL from node/pod subnets",
          },
        ],
        egress: [],
      },
      { parent: this },
    );
    const params = new aws.rds.ParameterGroup(
      `${name}-params`,
      {
        family: `postgres${major}`,
        description: "TLS-only PostgreSQL with connection logging",
        parameters: [
          { name: "rds.force_ssl", value: "1" },
          { name: "ssl_min_protocol_version", value: "TLSv1.2" },
          { name: "password_encryption", value: "scram-sha-256" },
          { name: "log_connections", value: "1" },
          { name: "log_disconnections", value: "1" },
        ],
      },
      { parent: this },
    );
    // Created ahead of the instance so that the exported logs are encrypted and expire per profile.
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-postgresql-logs`,
      { name: `/aws/rds/instance/${args.identifier}/postgresql`, retentionInDays: args.logRetentionDays, kmsKeyId: args.logsKeyArn },
      stateful,
    );

    const instance = new aws.rds.Instance(
      `${name}-instance`,
      {
        identifier: args.identifier,
        engine: "postgres",
        engineVersion: major,
        autoMinorVersionUpgrade: true,
        allowMajorVersionUpgrade: false,
        instanceClass: args.instanceClass,
        allocatedStorage: args.allocatedStorageGiB,
        maxAllocatedStorage: args.maxAllocatedStorageGiB,
        storageType: "gp3",
        storageEncrypted: true,
        kmsKeyId: args.kmsKeyArn,
        username: masterUsername,
        password: masterPassword.result,
        dbName: "platform",
        port: 5432,
        dbSubnetGroupName: subnetGroup.name,
        vpcSecurityGroupIds: [sg.id],
        publiclyAccessible: false,
        parameterGroupName: params.name,
        caCertIdentifier: "rds-ca-rsa2048-g1",
        iamDatabaseAuthenticationEnabled: true,
        multiAz: args.multiAz,
        backupRetentionPeriod: args.backupRetentionDays,
        backupWindow: "22:00-23:00",
        maintenanceWindow: "fri:23:30-sat:00:30",
        copyTagsToSnapshot: true,
        deleteAutomatedBackups: !args.protect,
        deletionProtection: args.protect,
        skipFinalSnapshot: !args.protect,
        ...(args.protect ? { finalSnapshotIdentifier: `${args.identifier}-final` } : {}),
        enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
        applyImmediately: false,
      },
      { ...stateful, dependsOn: [logGroup] },
    );

    const secret = new aws.secretsmanager.Secret(
      `${name}-credentials`,
      {
        description: `Credentials of the ${args.identifier} PostgreSQL instance`,
        kmsKeyId: args.kmsKeyArn,
        recoveryWindowInDays: args.protect ? 30 : 7,
      },
      stateful,
    );
    new aws.secretsmanager.SecretVersion(
      `${name}-credentials`,
      {
        secretId: secret.id,
        secretString: pulumi.secret(
          pulumi.jsonStringify({
            engine: "postgres",
            host: instance.address,
            port: instance.port,
            username: masterUsername,
            password: masterPassword.result,
            consumers: Object.fromEntries(
              Object.entries(logins).map(([k, l]) => [k, { database: l.database, username: l.username, password: l.password }]),
            ),
          }),
        ),
      },
      { parent: this },
    );

    this.host = instance.address;
    this.port = instance.port;
    this.instanceArn = instance.arn;
    this.secretArn = secret.arn;
    this.masterUsername = masterUsername;
    this.masterPassword = pulumi.secret(masterPassword.result);
    this.logins = Object.fromEntries(Object.entries(logins).map(([k, l]) => [k, { ...l, password: pulumi.secret(l.password) }]));
    this.registerOutputs({
      host: this.host,
      port: this.port,
      instanceArn: this.instanceArn,
      secretArn: this.secretArn,
      masterUsername,
      masterPassword: this.masterPassword,
      logins: this.logins,
    });
  }
}
