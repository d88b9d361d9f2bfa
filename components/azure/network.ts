/**
 * The platform VNet: subnets for system nodes, user nodes, private endpoints and PostgreSQL,
 * each with a deny-by-default NSG; a NAT gateway for node egress (no public IPs on nodes, no
 * implicit outbound access); private DNS zones for every private-endpoint service.
 */
import * as network from "@pulumi/azure-native/network";
import * as privatedns from "@pulumi/azure-native/privatedns";
import type * as inputs from "@pulumi/azure-native/types/input";
import * as pulumi from "@pulumi/pulumi";
import { cidrProblem } from "../../contracts/cidr";
import { SUBNET_ROLES, type SubnetRole, subnetLayout } from "./layout";
import { diagnosticSetting } from "./monitoring-settings";
import { ArgsCheck } from "./validate";

/** Private DNS zones of the private-endpoint services (public cloud names). */
export const PRIVATE_DNS_ZONES = {
  blob: "privatelink.blob.core.windows.net",
  dfs: "privatelink.dfs.core.windows.net",
  queue: "privatelink.queue.core.windows.net",
  vault: "privatelink.vaultcore.azure.net",
  registry: "privatelink.azurecr.io",
  redis: "privatelink.redis.cache.windows.net",
} as const;
/** Keys of {@link PRIVATE_DNS_ZONES}. */
export type PrivateZoneKey = keyof typeof PRIVATE_DNS_ZONES;

/** Service-tag spelling of the UAE locations (regional tags such as `Storage.UAENorth`). */
const REGION_TAG: Record<string, string> = { uaenorth: "UAENorth", uaecentral: "UAECentral" };

/** Arguments of {@link Network}. */
export interface NetworkArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  /** UAE location of every regional resource. */
  readonly location: string;
  /** VNet address space (RFC 1918, /16-/20); carved by {@link subnetLayout}. */
  readonly addressSpace: string;
  /** Overlay pod CIDR (outside the VNet): allowed node↔pod and pod↔pod by the NSGs. */
  readonly podCidr: string;
  /** Zones of the NAT gateway's public IP (zone-redundant IP when several). @default [] (no zone) */
  readonly zones?: readonly string[];
  /** Log Analytics workspace receiving the NSG logs. */
  readonly logAnalyticsWorkspaceId: pulumi.Input<string>;
  /** Tags on every taggable resource. @default {} (none) */
  readonly tags?: Record<string, string>;
}

type Rule = inputs.network.SecurityRuleArgs;

function rule(
  name: string,
  priority: number,
  direction: "Inbound" | "Outbound",
  access: "Allow" | "Deny",
  from: string | string[],
  to: string | string[],
  ports: string | string[] = "*",
  protocol = "*",
): Rule {
  const src = Array.isArray(from) ? { sourceAddressPrefixes: from } : { sourceAddressPrefix: from };
  const dst = Array.isArray(to) ? { destinationAddressPrefixes: to } : { destinationAddressPrefix: to };
  const port = Array.isArray(ports) ? { destinationPortRanges: ports } : { destinationPortRange: ports };
  return { name, priority, direction, access, protocol, sourcePortRange: "*", ...src, ...dst, ...port };
}

/**
 * NSG rules per subnet role. Every NSG ends with explicit deny-all rules in both directions, so
 * only the flows listed here are possible. Pure; exported for tests.
 */
export function nsgRules(role: SubnetRole, prefixes: Record<SubnetRole, string>, podCidr: string, location: string): Rule[] {
  const vnet = "VirtualNetwork";
  const tag = REGION_TAG[location] ?? location;
  const denyAll = [
    rule("deny-all-inbound", 4096, "Inbound", "Deny", "*", "*"),
    rule("deny-all-outbound", 4096, "Outbound", "Deny", "*", "*"),
  ];
  const own = prefixes[role];
  switch (role) {
    case "system":
    case "user":
      return [
        rule("allow-vnet-inbound", 100, "Inbound", "Allow", [prefixes.system, prefixes.user, podCidr], own),
        rule("allow-azure-lb-inbound", 110, "Inbound", "Allow", "AzureLoadBalancer", "*"),
        // The private API server endpoint and the internal load balancers of the platform UIs,
        // reached from the corporate network over VPN, ExpressRoute or peering (VirtualNetwork tag).
        rule("allow-network-https-inbound", 120, "Inbound", "Allow", vnet, own, "443", "Tcp"),
        rule("allow-vnet-outbound", 100, "Outbound", "Allow", own, [vnet, podCidr]),
        rule("allow-pods-outbound", 105, "Outbound", "Allow", podCidr, [vnet, podCidr]),
        // Image pulls, Entra tokens, AKS and OS updates; FQDN filtering needs a firewall (docs/azure.md).
        rule("allow-https-egress", 110, "Outbound", "Allow", [own, podCidr], "Internet", ["443", "80"], "Tcp"),
        rule("allow-ntp-egress", 120, "Outbound", "Allow", own, "Internet", "123", "Udp"),
        ...denyAll,
      ];
    case "endpoints":
      return [
        rule(
          "allow-private-endpoint-inbound",
          100,
          "Inbound",
          "Allow",
          [prefixes.system, prefixes.user, podCidr],
          own,
          ["443", "6380", "10000-10100", "13000-13999", "15000-15999"],
          "Tcp",
        ),
        // Deployment runners and operators inside the private network (keys, images, blobs over HTTPS only).
        rule("allow-network-https-inbound", 110, "Inbound", "Allow", vnet, own, "443", "Tcp"),
        ...denyAll,
      ];
    case "database":
      return [
        rule("allow-postgres-inbound", 100, "Inbound", "Allow", [prefixes.system, prefixes.user, podCidr], own, "5432", "Tcp"),
        rule("allow-postgres-ha-inbound", 110, "Inbound", "Allow", own, own, "5432", "Tcp"),
        rule("allow-postgres-ha-outbound", 100, "Outbound", "Allow", own, own, "5432", "Tcp"),
        // Entra authentication, WAL/backup storage and the CMK in Key Vault, in-region tags only.
        rule("allow-entra-outbound", 110, "Outbound", "Allow", own, "AzureActiveDirectory", "443", "Tcp"),
        rule("allow-storage-outbound", 120, "Outbound", "Allow", own, `Storage.${tag}`, "443", "Tcp"),
        rule("allow-keyvault-outbound", 130, "Outbound", "Allow", own, `AzureKeyVault.${tag}`, "443", "Tcp"),
        ...denyAll,
      ];
  }
}

/** The VNet, its subnets and NSGs, NAT gateway and private DNS zones. */
export class Network extends pulumi.ComponentResource {
  /** VNet resource id. */
  public readonly vnetId: pulumi.Output<string>;
  /** VNet name. */
  public readonly vnetName: pulumi.Output<string>;
  /** Subnet resource ids by role. */
  public readonly subnetIds: Record<SubnetRole, pulumi.Output<string>>;
  /** Address prefix of each subnet. */
  public readonly subnetPrefixes: Record<SubnetRole, string>;
  /** Private DNS zone ids by service. */
  public readonly privateDnsZoneIds: Record<PrivateZoneKey, pulumi.Output<string>>;
  /** NAT gateway id (node egress). */
  public readonly natGatewayId: pulumi.Output<string>;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    const check = new ArgsCheck("mlops-platform:azure:Network", name).location(args.location);
    const cidrIssue = typeof args.addressSpace === "string" ? cidrProblem(args.addressSpace) : "is not a string";
    check.require(!cidrIssue, "addressSpace", args.addressSpace, `${cidrIssue ?? ""}: pass the VNet block, e.g. 10.40.0.0/16`.trim());
    const prefix = Number(String(args.addressSpace).split("/")[1]);
    check.require(
      !!cidrIssue || (prefix >= 16 && prefix <= 20),
      "addressSpace",
      args.addressSpace,
      "must be between /16 and /20 so that every subnet fits",
    );
    const podIssue = typeof args.podCidr === "string" ? cidrProblem(args.podCidr) : "is not a string";
    check.require(!podIssue, "podCidr", args.podCidr, `${podIssue ?? ""}: pass the overlay pod CIDR, e.g. 192.168.0.0/16`.trim());
    check.done();

    super("mlops-platform:azure:Network", name, {}, opts);
    const tags = args.tags ?? {};
    const layout = subnetLayout(args.addressSpace);
    this.subnetPrefixes = layout;

    const ipZones = args.zones && args.zones.length > 1 ? [...args.zones] : undefined;
    const ip = new network.PublicIPAddress(
      `${name}-nat-ip`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        sku: { name: "Standard", tier: "Regional" },
        publicIPAllocationMethod: "Static",
        publicIPAddressVersion: "IPv4",
        zones: ipZones,
        tags,
      },
      { parent: this },
    );
    // A subnet takes one NAT gateway; Standard NAT gateways are regional (no zone pinned) so
    // that a zone outage does not strand every node (see docs/azure.md).
    const nat = new network.NatGateway(
      `${name}-nat`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        sku: { name: "Standard" },
        idleTimeoutInMinutes: 4,
        publicIpAddresses: [{ id: ip.id }],
        tags,
      },
      { parent: this },
    );
    this.natGatewayId = nat.id;

    const vnet = new network.VirtualNetwork(
      `${name}-vnet`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        addressSpace: { addressPrefixes: [args.addressSpace] },
        tags,
      },
      { parent: this, ignoreChanges: ["subnets"] },
    );
    this.vnetId = vnet.id;
    this.vnetName = vnet.name;

    const subnetIds = {} as Record<SubnetRole, pulumi.Output<string>>;
    // Azure refuses concurrent subnet operations on one VNet: create them one after the other.
    let previous: pulumi.Resource | undefined;
    for (const role of SUBNET_ROLES) {
      const nsg = new network.NetworkSecurityGroup(
        `${name}-${role}-nsg`,
        {
          resourceGroupName: args.resourceGroupName,
          location: args.location,
          securityRules: nsgRules(role, layout, args.podCidr, args.location),
          tags,
        },
        { parent: this },
      );
      diagnosticSetting(
        `${name}-${role}-nsg-diagnostics`,
        { resourceUri: nsg.id, workspaceId: args.logAnalyticsWorkspaceId, metrics: false },
        this,
      );
      const nodes = role === "system" || role === "user";
      const subnet = new network.Subnet(
        `${name}-${role}`,
        {
          resourceGroupName: args.resourceGroupName,
          virtualNetworkName: vnet.name,
          subnetName: role,
          addressPrefix: layout[role],
          networkSecurityGroup: { id: nsg.id },
          natGateway: nodes ? { id: nat.id } : undefined,
          // No implicit internet egress: nodes leave through the NAT gateway, nothing else leaves.
          defaultOutboundAccess: false,
          // NSGs apply to private endpoints too.
          privateEndpointNetworkPolicies: "Enabled",
          delegations:
            role === "database"
              ? [{ name: "postgres-flexible-server", serviceName: "Microsoft.DBforPostgreSQL/flexibleServers" }]
              : undefined,
        },
        { parent: this, dependsOn: previous ? [previous] : [] },
      );
      previous = subnet;
      subnetIds[role] = subnet.id;
    }
    this.subnetIds = subnetIds;

    const zoneIds = {} as Record<PrivateZoneKey, pulumi.Output<string>>;
    for (const [key, zoneName] of Object.entries(PRIVATE_DNS_ZONES) as [PrivateZoneKey, string][]) {
      const zone = new privatedns.PrivateZone(
        `${name}-${key}-zone`,
        // Private DNS zones are global resources: "global" is their only valid location.
        { resourceGroupName: args.resourceGroupName, privateZoneName: zoneName, location: "global", tags },
        { parent: this },
      );
      new privatedns.VirtualNetworkLink(
        `${name}-${key}-zone-link`,
        {
          resourceGroupName: args.resourceGroupName,
          privateZoneName: zone.name,
          location: "global",
          virtualNetwork: { id: vnet.id },
          registrationEnabled: false,
          tags,
        },
        { parent: this },
      );
      zoneIds[key] = zone.id;
    }
    this.privateDnsZoneIds = zoneIds;

    this.registerOutputs({
      vnetId: this.vnetId,
      vnetName: this.vnetName,
      subnetIds: this.subnetIds,
      subnetPrefixes: this.subnetPrefixes,
      privateDnsZoneIds: this.privateDnsZoneIds,
      natGatewayId: this.natGatewayId,
    });
  }
}
