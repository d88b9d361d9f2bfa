/**
 * ECR repositories for the pipeline and serving images: KMS-encrypted, immutable tags, scan on
 * push, and a lifecycle policy that drops untagged layers.
 */

import * as pulumi from "@pulumi/pulumi";
import { repositoryName } from "./naming";
import * as aws from "./sdk";
import { ArgsCheck } from "./validate";

/** Arguments of {@link Registry}. */
export interface RegistryArgs {
  /** Repository name prefix (`<prefix>/<key>`). */
  readonly namePrefix: string;
  /** Repository keys, e.g. `pipelines`, `serving`, `steps`. */
  readonly repositories: readonly string[];
  /** KMS key of the images. */
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly accountId: pulumi.Input<string>;
  readonly region: string;
  /**
   * Days before untagged images are removed.
   * @default 14
   */
  readonly untaggedImageDays?: number;
  /** Protect the repositories (and their images) from delete/replace. */
  readonly protect: boolean;
  /**
   * Repositories of the models built in the cluster, `<team>/<model>`, created under these exact
   * names (the builder pushes `<registry>/<team>/<model>:<commit>`): same encryption, scanning,
   * immutable tags and lifecycle as the platform's.
   * @default []
   */
  readonly modelRepositories?: readonly string[];
}

/** The platform's container registry. */
export class Registry extends pulumi.ComponentResource {
  /** `<account>.dkr.ecr.<region>.amazonaws.com`. */
  public readonly registryHost: pulumi.Output<string>;
  /** Repository URLs by key. */
  public readonly repositoryUrls: Readonly<Record<string, pulumi.Output<string>>>;
  /** Repository ARNs by key. */
  public readonly repositoryArns: Readonly<Record<string, pulumi.Output<string>>>;
  /** ARNs of the {@link RegistryArgs.modelRepositories} by `<team>/<model>`. */
  public readonly modelRepositoryArns: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: RegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    const days = args.untaggedImageDays ?? 14;
    const check = new ArgsCheck("mlops-platform:aws:Registry", name)
      .require(
        args.repositories.length > 0,
        "repositories",
        args.repositories,
        'list at least one repository key, e.g. ["pipelines", "serving"]',
      )
      .require(new Set(args.repositories).size === args.repositories.length, "repositories", args.repositories, "remove the duplicate keys")
      .require(Number.isInteger(days) && days >= 1, "untaggedImageDays", days, "use a whole number of days, at least 1")
      .require(
        /^[a-z0-9]+([._-][a-z0-9]+)*$/.test(args.namePrefix),
        "namePrefix",
        args.namePrefix,
        "use lowercase letters, digits and . _ - separators",
      );
    for (const key of args.repositories) {
      check.require(/^[a-z0-9]+([._-][a-z0-9]+)*$/.test(key), "repositories", key, "use lowercase letters, digits and . _ - separators");
    }
    const models = args.modelRepositories ?? [];
    for (const path of models) {
      check.require(
        /^[a-z0-9]([a-z0-9-]*[a-z0-9])?\/[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(path),
        "modelRepositories",
        path,
        "use <team>/<model>, two DNS labels",
      );
    }
    check.require(new Set(models).size === models.length, "modelRepositories", models, "remove the duplicates");
    check.done();
    super("mlops-platform:aws:Registry", name, {}, opts);

    const registryHost = pulumi.interpolate`${args.accountId}.dkr.ecr.${args.region}.amazonaws.com`;
    const urls: Record<string, pulumi.Output<string>> = {};
    const arns: Record<string, pulumi.Output<string>> = {};
    const repository = (resourceName: string, repoName: string) => {
      const repo = new aws.ecr.Repository(
        resourceName,
        {
          name: repoName,
          imageTagMutability: "IMMUTABLE",
          imageScanningConfiguration: { scanOnPush: true },
          encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: args.kmsKeyArn }],
          forceDelete: !args.protect,
        },
        { parent: this, protect: args.protect, retainOnDelete: args.protect },
      );
      new aws.ecr.LifecyclePolicy(
        `${resourceName}-lifecycle`,
        {
          repository: repo.name,
          policy: JSON.stringify({
            rules: [
              {
                rulePriority: 1,
                description: `expire untagged images after ${days} days`,
                selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: days },
                action: { type: "expire" },
              },
            ],
          }),
        },
        { parent: this },
      );
      return repo;
    };
    for (const key of args.repositories) {
      const repo = repository(`${name}-${key}`, repositoryName(args.namePrefix, key));
      arns[key] = repo.arn;
      // From the registry host and the repository's own name rather than the provider's
      // repositoryUrl: a preview knows both, so the image references that pods and the policies
      // see are known before the repositories exist (the name still carries the dependency).
      urls[key] = pulumi.interpolate`${registryHost}/${repo.name}`;
    }
    const modelArns: Record<string, pulumi.Output<string>> = {};
    for (const path of models) modelArns[path] = repository(`${name}-model-${path.replace("/", "_")}`, path).arn;
    this.registryHost = registryHost;
    this.repositoryUrls = urls;
    this.repositoryArns = arns;
    this.modelRepositoryArns = modelArns;
    this.registerOutputs({ registryHost: this.registryHost, repositoryUrls: urls, repositoryArns: arns, modelRepositoryArns: modelArns });
  }
}
