/**
 * The internal domain on Azure: a Private DNS zone linked to the VNet (or an existing zone the
 * enterprise already runs), with an A record for every host the internal ingress serves,
 * pointing at the ingress's internal load balancer (a fixed address in the user subnet). Every
 * `urls` and `modelEndpoints` output then resolves from inside the network, and nowhere else.
 */
import * as privatedns from "@pulumi/azure-native/privatedns";
import * as pulumi from "@pulumi/pulumi";

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

const ZONE_ID = /^\/subscriptions\/[0-9a-fA-F-]{36}\/resourceGroups\/([-\w.()]{1,90})\/providers\/Microsoft\.Network\/privateDnsZones\/([a-z0-9.-]+)$/;

/** Problems of the arguments (names key, value and fix); empty when valid. */
export function privateDnsProblems(args: Pick<PrivateDnsArgs, "domain" | "hosts" | "existingZoneId">): string[] {
  const p: string[] = [];
  for (const h of args.hosts)
    if (!h.endsWith(`.${args.domain}`)) p.push(`hosts: "${h}" is not inside the domain "${args.domain}"; serve it under the domain`);
  if (args.existingZoneId !== undefined) {
    const m = ZONE_ID.exec(args.existingZoneId);
    if (!m)
      p.push(
        `existingZoneId: "${args.existingZoneId}" is not a Private DNS zone id (/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Network/privateDnsZones/<domain>)`,
      );
    else if (m[2] !== args.domain) p.push(`existingZoneId: the zone "${m[2]}" is not the internal domain "${args.domain}"`);
  }
  return p;
}

/** Private DNS zone, its VNet link and one A record per ingress host. */
export class PrivateDns extends pulumi.ComponentResource {
  /** Id of the zone that holds the records (created, or the existing one). */
  public readonly zoneId: pulumi.Output<string>;

  constructor(name: string, args: PrivateDnsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops-platform:azure:PrivateDns", name, {}, opts);
    const problems = privateDnsProblems(args);
    if (problems.length) throw new Error(`PrivateDns "${name}" has invalid arguments:\n  - ${problems.join("\n  - ")}`);
    let resourceGroupName: pulumi.Input<string> = args.resourceGroupName;
    let zoneName: pulumi.Input<string> = args.domain;
    if (args.existingZoneId !== undefined) {
      const m = ZONE_ID.exec(args.existingZoneId) as RegExpExecArray;
      resourceGroupName = m[1] as string;
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
        { resourceGroupName, privateZoneName: zoneName, recordType: "A", relativeRecordSetName: relative, ttl: 300, aRecords: [{ ipv4Address: args.address }] },
        { parent: this },
      );
    }
    this.registerOutputs({ zoneId: this.zoneId });
  }
}
