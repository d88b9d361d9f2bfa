/**
 * Workload identities: one IAM role per {@link WorkloadIdentitySpec}, assumed through IRSA by
 * exactly the spec's service accounts, with an inline least-privilege policy scoped to the exact
 * bucket prefixes, the storage key (through S3 only), the registry repositories and the data-event
 * queue. External data lakes are read-only.
 *
 * IRSA rather than EKS Pod Identity: every SDK the platform's workloads ship (boto3 in MLflow and
 * Feast, the Go SDK in Argo Workflows' artifact driver and Argo Events' SQS source) has read
 * web-identity tokens for years, while Pod Identity needs recent SDK releases; IRSA also keeps the
 * trust (issuer + exact subjects) visible in the role itself, where policies can check it.
 */

import * as pulumi from "@pulumi/pulumi";
import type { BucketPurpose, WorkloadIdentityRef, WorkloadIdentitySpec } from "../contracts";
import { parseS3Uri, s3BucketArn } from "./arn";
import { irsaRole, type OidcIssuer } from "./irsa";
import { type BucketAccess, wildcardProblems, workloadPolicy } from "./policy";
import * as aws from "./sdk";
import { ArgsCheck } from "./validate";

/** An external data lake to read. */
export interface DataLakeSource {
  readonly name: string;
  /** `s3://bucket/prefix`. */
  readonly uri: string;
  /**
   * KMS key of the lake's SSE-KMS objects.
   * @default undefined - no KMS grant (SSE-S3 lakes)
   */
  readonly kmsKeyArn?: string;
}

/** Arguments of {@link WorkloadIdentities}. */
export interface WorkloadIdentitiesArgs {
  readonly oidc: OidcIssuer;
  readonly specs: readonly WorkloadIdentitySpec[];
  readonly partition: pulumi.Input<string>;
  readonly region: string;
  /** ARNs of the platform buckets by purpose. */
  readonly bucketArns: Readonly<Record<BucketPurpose, pulumi.Input<string>>>;
  /** KMS key of the platform buckets. */
  readonly storageKeyArn: pulumi.Input<string>;
  /** ECR repository ARNs by key. */
  readonly repositoryArns: Readonly<Record<string, pulumi.Input<string>>>;
  /**
   * ARNs of the models' own repositories by `<team>/<model>`: a spec with `registryRepositories`
   * gets exactly those, never the platform's repositories.
   * @default {}
   */
  readonly modelRepositoryArns?: Readonly<Record<string, pulumi.Input<string>>>;
  /**
   * First path components of the stack registry's cache (`docker-hub`, `ghcr`, …): a spec with
   * `registryRepositories` builds images, so it may also pull base images from there (pull and the
   * pull-through import only; no push).
   * @default []
   */
  readonly baseImagePrefixes?: readonly string[];
  /**
   * The pull-through cache prefixes among {@link baseImagePrefixes} (not the mirrored ones): the
   * first pull of a new base image there imports it from upstream and creates its repository,
   * which needs `ecr:BatchImportUpstreamImage` and `ecr:CreateRepository` on `repository/<prefix>/*`
   * (AWS, "IAM permissions required to sync an upstream registry with an Amazon ECR private
   * registry"). A spec with `registryRepositories` gets exactly those two actions there.
   * @default []
   */
  readonly pullThroughPrefixes?: readonly string[];
  /** The AWS account of the registry (for the cache repositories' ARNs). Required with {@link baseImagePrefixes}. */
  readonly accountId?: pulumi.Input<string>;
  /** The data-arrival queue and its key. */
  readonly dataEventQueue: { readonly arn: pulumi.Input<string>; readonly keyArn: pulumi.Input<string> };
  /** External data lakes (read-only). @default [] */
  readonly dataLakes?: readonly DataLakeSource[];
}

/** The IAM roles of the platform's workloads. */
export class WorkloadIdentities extends pulumi.ComponentResource {
  /** Identity references by spec key. */
  public readonly identities: Readonly<Record<string, WorkloadIdentityRef>>;
  /** Role ARNs by spec key. */
  public readonly roleArns: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: WorkloadIdentitiesArgs, opts?: pulumi.ComponentResourceOptions) {
    const lakes = args.dataLakes ?? [];
    const check = new ArgsCheck("mlops-platform:aws:WorkloadIdentities", name).require(
      args.specs.length > 0,
      "specs",
      args.specs,
      "pass the workload identity specs of stacks/identities.ts",
    );
    const keys = new Set<string>();
    args.specs.forEach((s, i) => {
      check
        .require(/^[a-z][a-z0-9-]{0,40}$/.test(s.key), `specs[${i}].key`, s.key, "use 1-41 lowercase letters, digits and '-'")
        .require(!keys.has(s.key), `specs[${i}].key`, s.key, "make each key unique")
        .require(
          s.serviceAccounts.length > 0,
          `specs[${i}].serviceAccounts`,
          s.serviceAccounts,
          "list the service accounts that assume the identity",
        )
        .require(
          (args.baseImagePrefixes ?? []).length === 0 || args.accountId !== undefined,
          "accountId",
          args.accountId,
          "pass the registry's account id with baseImagePrefixes",
        )
        .require(
          s.registry === "none" || Object.keys(args.repositoryArns).length > 0,
          `specs[${i}].registry`,
          s.registry,
          "pass repositoryArns, or set registry to none",
        );
      (s.registryRepositories ?? []).forEach((r, j) => {
        check.require(
          args.modelRepositoryArns?.[r] !== undefined,
          `specs[${i}].registryRepositories[${j}]`,
          r,
          "pass its ARN in modelRepositoryArns (the Registry's modelRepositories create it)",
        );
      });
      check.require(
        s.registryRepositories === undefined || (s.registry !== "none" && s.registryRepositories.length > 0),
        `specs[${i}].registryRepositories`,
        s.registryRepositories,
        "list at least one repository, with registry pull or push",
      );
      s.buckets.forEach((b, j) => {
        check.require(
          !b.prefix.startsWith("/") && !b.prefix.includes("*") && (b.prefix === "" || b.prefix.endsWith("/")),
          `specs[${i}].buckets[${j}].prefix`,
          b.prefix,
          "use a key prefix without leading slash or wildcard, ending with '/' (e.g. mlflow/)",
        );
      });
      keys.add(s.key);
    });
    lakes.forEach((l, i) => {
      check.require(
        l.kmsKeyArn === undefined || new RegExp(`^arn:aws[a-z-]*:kms:${args.region}:\\d{12}:key/[0-9a-f-]{36}$`).test(l.kmsKeyArn),
        `dataLakes[${i}].kmsKeyArn`,
        l.kmsKeyArn,
        `use the ARN of a KMS key in ${args.region}, arn:aws:kms:${args.region}:<account>:key/<key-id>`,
      );
      check.require(
        parseS3Uri(l.uri) !== undefined,
        `dataLakes[${i}].uri`,
        l.uri,
        "use s3://bucket/prefix with a valid bucket name and no wildcard",
      );
    });
    check.done();
    super("mlops-platform:aws:WorkloadIdentities", name, {}, opts);

    const lakeLocations = lakes.map((l) => ({
      ...(parseS3Uri(l.uri) as NonNullable<ReturnType<typeof parseS3Uri>>),
      kmsKeyArn: l.kmsKeyArn,
    }));
    const identities: Record<string, WorkloadIdentityRef> = {};
    const roleArns: Record<string, pulumi.Output<string>> = {};
    for (const spec of args.specs) {
      const role = irsaRole(`${name}-${spec.key}`, args.oidc, spec.namespace, spec.serviceAccounts, `Workload identity ${spec.key}`, {
        parent: this,
      });
      const needsPolicy =
        spec.buckets.length > 0 || (spec.readDataLakes && lakeLocations.length > 0) || spec.registry !== "none" || spec.consumeDataEvents;
      if (needsPolicy) {
        const purposes = [...new Set(spec.buckets.map((b) => b.purpose))];
        const policy = pulumi
          .all([
            args.partition,
            args.storageKeyArn,
            pulumi.all(Object.fromEntries(purposes.map((p) => [p, args.bucketArns[p]]))),
            // Scoped specs get their own repositories only.
            spec.registryRepositories === undefined
              ? pulumi.all({ ...args.repositoryArns })
              : pulumi.all(
                  Object.fromEntries(spec.registryRepositories.map((r) => [r, args.modelRepositoryArns?.[r] as pulumi.Input<string>])),
                ),
            args.dataEventQueue.arn,
            args.dataEventQueue.keyArn,
            args.accountId ?? "",
          ])
          .apply(([partition, storageKeyArn, bucketArns, repoArns, queueArn, queueKeyArn, accountId]) => {
            const buckets: BucketAccess[] = spec.buckets.map((b) => ({
              bucketArn: (bucketArns as Record<string, string>)[b.purpose] as string,
              prefix: b.prefix,
              mode: b.mode,
            }));
            const doc = workloadPolicy({
              region: args.region,
              buckets,
              storageKeyArn,
              dataLakes: spec.readDataLakes
                ? lakeLocations.map((l) => ({
                    bucketArn: s3BucketArn(partition, l.bucket),
                    prefix: l.prefix,
                    ...(l.kmsKeyArn ? { kmsKeyArn: l.kmsKeyArn } : {}),
                  }))
                : [],
              registry: { mode: spec.registry, repositoryArns: Object.values(repoArns as Record<string, string>) },
              ...(spec.consumeDataEvents ? { queue: { arn: queueArn, keyArn: queueKeyArn } } : {}),
            });
            const builds = spec.registryRepositories !== undefined;
            const basePrefixes = builds ? (args.baseImagePrefixes ?? []) : [];
            const cacheRepos = (prefixes: readonly string[]) =>
              prefixes.map((p) => `arn:${partition}:ecr:${args.region}:${accountId}:repository/${p}/*`);
            if (doc && basePrefixes.length > 0)
              doc.Statement.push({
                Sid: "BaseImagesFromCache",
                Effect: "Allow",
                Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                Resource: cacheRepos(basePrefixes),
              });
            // A new base image's first pull through a pull-through rule imports it and creates its repository.
            const pullThrough = builds ? (args.pullThroughPrefixes ?? []).filter((p) => basePrefixes.includes(p)) : [];
            if (doc && pullThrough.length > 0)
              doc.Statement.push({
                Sid: "BaseImagesFirstPull",
                Effect: "Allow",
                Action: ["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"],
                Resource: cacheRepos(pullThrough),
              });
            const problems = doc ? wildcardProblems(doc) : [];
            if (problems.length > 0) throw new Error(`workload identity ${spec.key}: ${problems.join("; ")}`);
            return JSON.stringify(doc);
          });
        new aws.iam.RolePolicy(`${name}-${spec.key}`, { role: role.id, policy }, { parent: this });
      }
      identities[spec.key] = {
        serviceAccountAnnotations: { "eks.amazonaws.com/role-arn": role.arn },
        podLabels: {},
        principal: role.arn,
      };
      roleArns[spec.key] = role.arn;
    }
    this.identities = identities;
    this.roleArns = roleArns;
    this.registerOutputs({ roleArns });
  }
}
