/**
 * ECR pull-through cache for the upstream registries of the platform's images
 * (contracts/image-cache.ts): one rule per upstream (`<registry>/<prefix>/<path>` fetches
 * `<upstream>/<path>` on first pull), the repositories it creates KMS-encrypted with the stack's
 * key through a repository creation template, the credentials of Docker Hub and GHCR in Secrets
 * Manager (`ecr-pullthroughcache/…`, as ECR requires, under the same key), and plain repositories
 * for the upstreams ECR cannot cache (nvcr.io), which the images workflow fills by copying.
 * Pull-through cache rules exist in every commercial region, me-central-1 included.
 */
import * as pulumi from "@pulumi/pulumi";
import type { UpstreamRegistry } from "../../contracts/image-cache";
import { policyDocument, serviceTrustPolicy } from "./policy";
import * as aws from "./sdk";
import { ArgsCheck } from "./validate";

/** Arguments of {@link ImageCache}. */
export interface ImageCacheArgs {
  /** Upstreams served by a pull-through rule (each `aws` mode `cache` or `cache-with-credentials`). */
  readonly upstreams: readonly UpstreamRegistry[];
  /** Credentials per upstream prefix, `<username>:<access token>` (secret), for the `cache-with-credentials` upstreams. */
  readonly credentials: Readonly<Record<string, pulumi.Input<string>>>;
  /** Repositories filled by copying (`nvcr/nvidia/k8s-device-plugin`), for upstreams ECR has no rule for. @default [] */
  readonly mirrorRepositories?: readonly string[];
  /** Stack prefix of the secret names. */
  readonly namePrefix: string;
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly accountId: pulumi.Input<string>;
  readonly partition: pulumi.Input<string>;
  readonly region: string;
  /** Days before untagged cached images are removed. @default 14 */
  readonly untaggedImageDays?: number;
  /** Protect the mirror repositories. */
  readonly protect: boolean;
}

/** The stack registry's pull-through cache. */
export class ImageCache extends pulumi.ComponentResource {
  /** Upstream hosts the cache serves (rules and mirrors). */
  public readonly upstreams: readonly string[];

  constructor(name: string, args: ImageCacheArgs, opts?: pulumi.ComponentResourceOptions) {
    const days = args.untaggedImageDays ?? 14;
    const check = new ArgsCheck("mlops-platform:aws:ImageCache", name).require(
      Number.isInteger(days) && days >= 1,
      "untaggedImageDays",
      days,
      "use a whole number of days, at least 1",
    );
    for (const u of args.upstreams) {
      check.require(
        u.ecrUpstreamUrl !== undefined && u.aws !== "mirror",
        "upstreams",
        u.host,
        "ECR has no pull-through rule for it: list it as a mirror",
      );
      if (u.aws === "cache-with-credentials")
        check.require(
          args.credentials[u.prefix] !== undefined,
          `credentials.${u.prefix}`,
          undefined,
          `ECR caches ${u.host} only with credentials: give "<username>:<access token>"`,
        );
    }
    check.done();
    super("mlops-platform:aws:ImageCache", name, {}, opts);

    const lifecycle = JSON.stringify({
      rules: [
        {
          rulePriority: 1,
          description: `expire untagged images after ${days} days`,
          selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: days },
          action: { type: "expire" },
        },
      ],
    });
    // ECR needs a role of its own to create KMS-encrypted repositories from a template.
    const repositoryArn = (prefix: string) =>
      pulumi.interpolate`arn:${args.partition}:ecr:${args.region}:${args.accountId}:repository/${prefix}/*`;
    const role =
      args.upstreams.length === 0
        ? undefined
        : new aws.iam.Role(
            `${name}-creation`,
            { assumeRolePolicy: pulumi.output(args.accountId).apply((a) => JSON.stringify(serviceTrustPolicy("ecr.amazonaws.com", a))) },
            { parent: this },
          );
    if (role) {
      new aws.iam.RolePolicy(
        `${name}-creation`,
        {
          role: role.id,
          policy: pulumi
            .all([pulumi.output(args.region), pulumi.output(args.kmsKeyArn), ...args.upstreams.map((u) => repositoryArn(u.prefix))])
            .apply(([region, key, ...repos]) =>
              JSON.stringify(
                policyDocument([
                  { Effect: "Allow", Action: ["ecr:CreateRepository", "ecr:ReplicateImage", "ecr:TagResource"], Resource: repos },
                  { Effect: "Allow", Action: ["kms:RetireGrant", "kms:DescribeKey"], Resource: key },
                  // Grants on the stack key only for ECR's own use of it, never handed to anyone else.
                  {
                    Effect: "Allow",
                    Action: "kms:CreateGrant",
                    Resource: key,
                    Condition: {
                      Bool: { "kms:GrantIsForAWSResource": "true" },
                      StringEquals: { "kms:ViaService": `ecr.${region}.amazonaws.com` },
                    },
                  },
                ]),
              ),
            ),
        },
        { parent: this },
      );
    }

    for (const u of args.upstreams) {
      const template = new aws.ecr.RepositoryCreationTemplate(
        `${name}-${u.prefix}`,
        {
          prefix: u.prefix,
          appliedFors: ["PULL_THROUGH_CACHE"],
          description: `Repositories cached from ${u.host}`,
          encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: args.kmsKeyArn }],
          // A cached tag follows its upstream (ECR re-checks it at most daily); production pins digests.
          imageTagMutability: "MUTABLE",
          lifecyclePolicy: lifecycle,
          ...(role ? { customRoleArn: role.arn } : {}),
        },
        { parent: this },
      );
      const credential = args.credentials[u.prefix];
      let credentialArn: pulumi.Output<string> | undefined;
      if (u.aws === "cache-with-credentials" && credential !== undefined) {
        const secret = new aws.secretsmanager.Secret(
          `${name}-${u.prefix}-credentials`,
          {
            // ECR reads only secrets whose name starts with this prefix.
            name: `ecr-pullthroughcache/${args.namePrefix}-${u.prefix}`,
            description: `Credentials of ${u.host} for the ECR pull-through cache`,
            kmsKeyId: args.kmsKeyArn,
            recoveryWindowInDays: 7,
          },
          { parent: this, protect: args.protect, retainOnDelete: args.protect },
        );
        new aws.secretsmanager.SecretVersion(
          `${name}-${u.prefix}-credentials`,
          {
            secretId: secret.id,
            secretString: pulumi.secret(
              pulumi.output(credential).apply((c) => {
                const colon = c.indexOf(":");
                return JSON.stringify({ username: c.slice(0, colon), accessToken: c.slice(colon + 1) });
              }),
            ),
          },
          { parent: this },
        );
        credentialArn = secret.arn;
      }
      new aws.ecr.PullThroughCacheRule(
        `${name}-${u.prefix}`,
        {
          ecrRepositoryPrefix: u.prefix,
          upstreamRegistryUrl: u.ecrUpstreamUrl as string,
          ...(credentialArn ? { credentialArn } : {}),
        },
        { parent: this, dependsOn: [template] },
      );
    }

    for (const repository of args.mirrorRepositories ?? []) {
      new aws.ecr.Repository(
        `${name}-${repository.replace(/[/.]/g, "-")}`,
        {
          name: repository,
          imageTagMutability: "IMMUTABLE",
          imageScanningConfiguration: { scanOnPush: true },
          encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: args.kmsKeyArn }],
          forceDelete: !args.protect,
        },
        { parent: this, protect: args.protect, retainOnDelete: args.protect },
      );
    }
    this.upstreams = args.upstreams.map((u) => u.host);
    this.registerOutputs({});
  }
}
