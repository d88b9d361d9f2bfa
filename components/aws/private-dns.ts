/**
 * The internal domain on AWS: a Route 53 private hosted zone associated with the VPC (or an
 * existing zone the enterprise already runs), with an alias record for every host the internal
 * ingress serves, pointing at the ingress's internal load balancer. Every `urls` and
 * `modelEndpoints` output then resolves from inside the network, and nowhere else.
 */

import * as pulumi from "@pulumi/pulumi";
import { privateDnsProblems } from "../private-dns-checks";
import { ArgsCheck } from "../validate";
import * as aws from "./sdk";

/** Arguments of {@link PrivateDns}. */
export interface PrivateDnsArgs {
  /** The internal domain, e.g. `uae-prod.mlops.internal`. */
  readonly domain: string;
  /** Host names to resolve; each must be inside `domain`. */
  readonly hosts: readonly string[];
  /** VPC the private zone answers in. */
  readonly vpcId: pulumi.Input<string>;
  /** The internal load balancer's DNS name and hosted zone id (alias target). */
  readonly target: { readonly dnsName: pulumi.Input<string>; readonly zoneId: pulumi.Input<string> };
  /**
   * An existing private hosted zone for `domain` (`Z…`), already associated with the VPC.
   * @default - a new private hosted zone associated with the VPC
   */
  readonly existingZoneId?: string;
  readonly tags?: Record<string, string>;
}

/** Private hosted zone and one alias record per ingress host. */
export class PrivateDns extends pulumi.ComponentResource {
  /** Id of the zone that holds the records (created, or the existing one). */
  public readonly zoneId: pulumi.Output<string>;

  constructor(name: string, args: PrivateDnsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops-platform:aws:PrivateDns", name, {}, opts);
    new ArgsCheck("mlops-platform:aws:PrivateDns", name).problems(privateDnsProblems("aws", args)).done();
    const zoneId =
      args.existingZoneId !== undefined
        ? pulumi.output(args.existingZoneId)
        : new aws.route53.Zone(
            `${name}-zone`,
            {
              name: args.domain,
              comment: "Internal domain of the MLOps platform (private: answers inside the VPC only)",
              // A private zone: associated with the VPC, so nothing outside the network resolves it.
              vpcs: [{ vpcId: args.vpcId }],
              forceDestroy: false,
              tags: { ...args.tags },
            },
            { parent: this },
          ).zoneId;
    for (const host of [...new Set(args.hosts)].sort()) {
      new aws.route53.Record(
        `${name}-${host.slice(0, -(args.domain.length + 1)).replace(/\./g, "-")}`,
        {
          zoneId,
          name: host,
          type: "A",
          aliases: [{ name: args.target.dnsName, zoneId: args.target.zoneId, evaluateTargetHealth: true }],
        },
        { parent: this },
      );
    }
    this.zoneId = zoneId;
    this.registerOutputs({ zoneId: this.zoneId });
  }
}
