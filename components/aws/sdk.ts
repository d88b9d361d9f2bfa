/**
 * The parts of `@pulumi/aws` the platform uses, loaded service by service. The package's own
 * index loads every one of its ~250 service modules (about 1.3 s of start-up and 300 modules on
 * the reference machine) for the dozen this project needs; importing `./sdk` instead of
 * `@pulumi/aws` keeps `aws.ec2.Vpc` spelled the same while loading only these.
 * A service the platform starts using gets one line here.
 */
export * as cloudtrail from "@pulumi/aws/cloudtrail";
export * as cloudwatch from "@pulumi/aws/cloudwatch";
export * as ec2 from "@pulumi/aws/ec2";
export * as ecr from "@pulumi/aws/ecr";
export * as eks from "@pulumi/aws/eks";
export * as elasticache from "@pulumi/aws/elasticache";
export { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
export { getPartitionOutput } from "@pulumi/aws/getPartition";
export * as iam from "@pulumi/aws/iam";
export * as kms from "@pulumi/aws/kms";
export * as lb from "@pulumi/aws/lb";
export * as networkfirewall from "@pulumi/aws/networkfirewall";
export { Provider, type ProviderArgs } from "@pulumi/aws/provider";
export * as rds from "@pulumi/aws/rds";
export * as route53 from "@pulumi/aws/route53";
export * as s3 from "@pulumi/aws/s3";
export * as secretsmanager from "@pulumi/aws/secretsmanager";
export * as sqs from "@pulumi/aws/sqs";
export type { Region } from "@pulumi/aws/types/enums";
