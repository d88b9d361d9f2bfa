/**
 * Customer-managed KMS keys, one per purpose (storage, cluster secrets, logs, database), with
 * yearly rotation, a deletion window and key policies scoped to this account and the services
 * each purpose needs.
 */

import * as pulumi from "@pulumi/pulumi";
import { type KeyPurpose, keyPolicy } from "./policy";
import * as aws from "./sdk";
import { ArgsCheck } from "./validate";

/** The key purposes, in creation order. */
export const KEY_PURPOSES: readonly KeyPurpose[] = ["storage", "cluster", "logs", "database"];

/** Arguments of {@link Keys}. */
export interface KeysArgs {
  /** AWS account id that owns the keys. */
  readonly accountId: pulumi.Input<string>;
  /** AWS partition (`aws`). */
  readonly partition: pulumi.Input<string>;
  /** Region the keys live in (the provider's region). */
  readonly region: string;
  /**
   * Days between `pulumi destroy` (or a replacement) and the actual deletion of a key (7-30).
   * @default 30 - the longest window, so a mistaken deletion can be cancelled.
   */
  readonly deletionWindowDays?: number;
  /** Protect the keys from delete/replace (`protect` and `retainOnDelete`). */
  readonly protect: boolean;
}

/** The customer-managed KMS keys of the platform. */
export class Keys extends pulumi.ComponentResource {
  /** Keys by purpose. */
  public readonly keys: Readonly<Record<KeyPurpose, aws.kms.Key>>;
  /** Key ARNs by purpose. */
  public readonly arns: Readonly<Record<KeyPurpose, pulumi.Output<string>>>;

  constructor(name: string, args: KeysArgs, opts?: pulumi.ComponentResourceOptions) {
    const window = args.deletionWindowDays ?? 30;
    new ArgsCheck("mlops-platform:aws:Keys", name)
      .require(
        Number.isInteger(window) && window >= 7 && window <= 30,
        "deletionWindowDays",
        window,
        "use a whole number of days from 7 to 30",
      )
      .require(
        /^[a-z]{2}(-[a-z]+)+-\d$/.test(args.region),
        "region",
        args.region,
        "pass the AWS region the provider is pinned to, e.g. me-central-1",
      )
      .done();
    super("mlops-platform:aws:Keys", name, {}, opts);

    const keys = {} as Record<KeyPurpose, aws.kms.Key>;
    const arns = {} as Record<KeyPurpose, pulumi.Output<string>>;
    for (const purpose of KEY_PURPOSES) {
      const policy = pulumi
        .all([args.partition, args.accountId])
        .apply(([partition, account]) => JSON.stringify(keyPolicy({ purpose, partition, account, region: args.region })));
      const key = new aws.kms.Key(
        `${name}-${purpose}`,
        {
          description: `mlops-platform ${purpose} key (${name})`,
          keyUsage: "ENCRYPT_DECRYPT",
          customerMasterKeySpec: "SYMMETRIC_DEFAULT",
          enableKeyRotation: true,
          rotationPeriodInDays: 365,
          deletionWindowInDays: window,
          multiRegion: false,
          policy,
          tags: { "mlops-platform:key-purpose": purpose },
        },
        { parent: this, protect: args.protect, retainOnDelete: args.protect },
      );
      new aws.kms.Alias(`${name}-${purpose}-alias`, { name: `alias/${name}-${purpose}`, targetKeyId: key.keyId }, { parent: this });
      keys[purpose] = key;
      arns[purpose] = key.arn;
    }
    this.keys = keys;
    this.arns = arns;
    this.registerOutputs({ keys, arns });
  }
}
