/**
 * The internal domain on Azure: a Private DNS zone linked to the VNet (or an existing zone the
 * enterprise already runs), with an A record for every host the internal ingress serves,
 * pointing at the ingress's internal load balancer (a fixed address in the user subnet). Every
 * `urls` and `modelEndpoints` output then resolves from inside the network, and nowhere else.
 */
import * as privatedns from "@pulumi/azure-native/privatedns";
import * as pulumi from "@pulumi/pulumi";
import { parseAzureZoneId, privateDnsProblems } from "../private-dns-checks";
import { ArgsCheck } from "../validate";

/** Arguments of {@link PrivateDns}. */
export interface PrivateDnsArgs {
  /** The internal domain, e.g. `uae-prod-azure.mlops.internal`. */
  readonly domain: string;
  /** Host names to resolve; each must be inside `domain`. */
  readonly hosts: readonly string[];
  readonly resourceGroupName: pulumi.Input<string>;
  /** VNet the zone is linked to. */
  readonly vnetId: pulumi.Input<string>;
  /** Private address of the internal load balancer. */
  readonly address: string;
  /**
   * Resource id of an existing Private DNS zone named `domain`, already linked to the VNet.
   * @default - a new zone linked to the VNet
   */
  readonly existingZoneId?: string;
  readonly tags?: Record<string, string>;
}

/** Private DNS zone, its VNet link and one A record per ingress host. */
export class PrivateDns extends pulumi.ComponentResource {
  /** Id of the zone that holds the records (created, or the existing one). */
  public readonly zoneId: pulumi.Output<string>;

  constructor(name: string, args: PrivateDnsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops-platform:azure:PrivateDns", name, {}, opts);
    new ArgsCheck("mlops-platform:azure:PrivateDns", name).problems(privateDnsProblems("azure", args)).done();
    let resourceGroupName: pulumi.Input<string> = args.resourceGroupName;
    let zoneName: pulumi.Input<string> = args.domain;
    if (args.existingZoneId !== undefined) {
      resourceGroupName = parseAzureZoneId(args.existingZoneId)?.resourceGroupName as string;
      this.zoneId = pulumi.output(args.existingZoneId);
    } else {
      const zone = new privatedns.PrivateZone(
        `${name}-zone`,
        // Private DNS zones are global resources: "global" is their only valid location.
        { resourceGroupName: args.resourceGroupName, privateZoneName: args.domain, location: "global", tags: { ...args.tags } },
        { parent: this },
      );
      new privatedns.VirtualNetworkLink(
        `${name}-zone-link`,
        {
          resourceGroupName: args.resourceGroupName,
          privateZoneName: zone.name,
          location: "global",
          virtualNetwork: { id: args.vnetId },
          registrationEnabled: false,
          tags: { ...args.tags },
        },
        { parent: this },
      );
      zoneName = zone.name;
      this.zoneId = zone.id;
    }
    for (const host of [...new Set(args.hosts)].sort()) {
      const relative = host.slice(0, -(args.domain.length + 1));
      new privatedns.PrivateRecordSet(
        `${name}-${relative.replace(/\./g, "-")}`,
        {
          resourceGroupName,
          privateZoneName: zoneName,
          recordType: "A",
          relativeRecordSetName: relative,
          ttl: 300,
          aRecords: [{ ipv4Address: args.address }],
        },
        { parent: this },
      );
    }
    this.registerOutputs({ zoneId: this.zoneId });
  }
}
