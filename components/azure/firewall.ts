/**
 * Egress through Azure Firewall in the stack's location: a firewall policy whose only
 * application rule collection admits the allow-list (HTTPS and HTTP by host name) from the node
 * subnets; anything else meets the firewall's implicit deny. Application and network rule logs
 * (allowed and denied flows) go to the in-region Log Analytics workspace. The node subnets'
 * route table sends 0.0.0.0/0 to the firewall's private address, and AKS runs with
 * `outboundType: userDefinedRouting`, so nothing leaves the VNet any other way.
 */
import * as network from "@pulumi/azure-native/network";
import * as pulumi from "@pulumi/pulumi";
import { parseCidr } from "../../contracts/cidr";
import { hostPatternProblem } from "../../contracts/egress";
import { diagnosticSetting } from "./monitoring-settings";
import { ArgsCheck } from "./validate";

/** Azure Firewall tiers (Basic: SMB, 250 Mbps, alert-only threat intelligence; Standard; Premium: TLS inspection, IDPS). */
export type FirewallTier = "Basic" | "Standard" | "Premium";

/**
 * The firewall's private address: Azure reserves the first four addresses of a subnet and gives
 * the firewall's internal frontend the first free one (`.4` of AzureFirewallSubnet). If Azure
 * ever chose otherwise the route would point at no one and egress would fail closed, not open.
 */
export function firewallPrivateIp(firewallSubnetPrefix: string): string {
  const block = parseCidr(firewallSubnetPrefix);
  if (!block || block.prefix > 26) throw new Error(`firewallPrivateIp(): "${firewallSubnetPrefix}" must be a /26 or larger block`);
  const address = block.network + 4;
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".");
}

/** Arguments of {@link EgressFirewall}. */
export interface EgressFirewallArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  /** Tier of the firewall and its policy. */
  readonly tier: FirewallTier;
  /** Id and prefix of `AzureFirewallSubnet` (created by the Network component). */
  readonly subnet: { readonly id: pulumi.Input<string>; readonly prefix: string };
  /** Id of `AzureFirewallManagementSubnet`; required by the Basic tier. */
  readonly managementSubnetId?: pulumi.Input<string>;
  /** Address prefixes allowed to use the firewall (the node subnets). */
  readonly sourcePrefixes: readonly string[];
  /** Host patterns allowed out (`example.com`, `*.example.com`); see components/egress.ts. */
  readonly allowedHosts: readonly string[];
  /** Zones of the firewall and its public IPs. @default [] (regional) */
  readonly zones?: readonly string[];
  readonly logAnalyticsWorkspaceId: pulumi.Input<string>;
  /** @default {} */
  readonly tags?: Record<string, string>;
}

/** Azure Firewall, its policy and rules, public addresses and diagnostics. */
export class EgressFirewall extends pulumi.ComponentResource {
  public readonly firewallId: pulumi.Output<string>;
  /** Private address of the firewall (the next hop of the node subnets' default route). */
  public readonly privateIp: string;
  public readonly policyId: pulumi.Output<string>;

  constructor(name: string, args: EgressFirewallArgs, opts?: pulumi.ComponentResourceOptions) {
    const check = new ArgsCheck("mlops-platform:azure:EgressFirewall", name).location(args.location);
    check.require(["Basic", "Standard", "Premium"].includes(args.tier), "tier", args.tier, 'must be "Basic", "Standard" or "Premium"');
    check.require(
      args.tier !== "Basic" || args.managementSubnetId !== undefined,
      "managementSubnetId",
      args.managementSubnetId,
      "the Basic tier needs AzureFirewallManagementSubnet: pass its id",
    );
    check.require(args.allowedHosts.length > 0, "allowedHosts", args.allowedHosts, "list the hosts the platform may reach");
    for (const host of args.allowedHosts) {
      const problem = hostPatternProblem(host);
      check.require(problem === undefined, "allowedHosts", host, problem ?? "");
    }
    const fwBlock = parseCidr(args.subnet.prefix);
    check.require(
      fwBlock !== undefined && fwBlock.prefix <= 26,
      "subnet.prefix",
      args.subnet.prefix,
      "AzureFirewallSubnet must be a /26 or larger",
    );
    check.require(args.sourcePrefixes.length > 0, "sourcePrefixes", args.sourcePrefixes, "list the node subnets' prefixes");
    check.done();
    super("mlops-platform:azure:EgressFirewall", name, {}, opts);
    const tags = args.tags ?? {};
    const zones = args.zones && args.zones.length > 1 ? [...args.zones] : undefined;

    const publicIp = (role: string) =>
      new network.PublicIPAddress(
        `${name}-${role}-ip`,
        {
          resourceGroupName: args.resourceGroupName,
          location: args.location,
          sku: { name: "Standard", tier: "Regional" },
          publicIPAllocationMethod: "Static",
          publicIPAddressVersion: "IPv4",
          zones,
          tags,
        },
        { parent: this },
      );

    const policy = new network.FirewallPolicy(
      `${name}-policy`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        sku: { tier: args.tier },
        // Basic supports alert mode only; the allow-list is what denies.
        threatIntelMode: args.tier === "Basic" ? "Alert" : "Deny",
        tags,
      },
      { parent: this },
    );
    const rules = new network.FirewallPolicyRuleCollectionGroup(
      `${name}-rules`,
      {
        resourceGroupName: args.resourceGroupName,
        firewallPolicyName: policy.name,
        ruleCollectionGroupName: "egress-allow-list",
        priority: 100,
        ruleCollections: [
          {
            ruleCollectionType: "FirewallPolicyFilterRuleCollection",
            name: "allow-listed-hosts",
            priority: 100,
            action: { type: "Allow" },
            rules: [
              {
                ruleType: "ApplicationRule",
                name: "allow-list",
                description: "Internet hosts the platform may reach; everything else meets the implicit deny",
                sourceAddresses: [...args.sourcePrefixes],
                protocols: [
                  { protocolType: "Https", port: 443 },
                  { protocolType: "Http", port: 80 },
                ],
                targetFqdns: [...args.allowedHosts].sort(),
              },
            ],
          },
        ],
      },
      { parent: this },
    );

    const dataIp = publicIp("egress");
    const managementIp = args.tier === "Basic" ? publicIp("management") : undefined;
    const firewall = new network.AzureFirewall(
      `${name}-firewall`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        sku: { name: "AZFW_VNet", tier: args.tier },
        firewallPolicy: { id: policy.id },
        ipConfigurations: [{ name: "egress", subnet: { id: args.subnet.id }, publicIPAddress: { id: dataIp.id } }],
        ...(managementIp && args.managementSubnetId
          ? {
              managementIpConfiguration: {
                name: "management",
                subnet: { id: args.managementSubnetId },
                publicIPAddress: { id: managementIp.id },
              },
            }
          : {}),
        zones,
        tags,
      },
      { parent: this, dependsOn: [rules] },
    );
    // Every allowed and denied flow (application and network rule logs) into the in-region workspace.
    diagnosticSetting(`${name}-diagnostics`, { resourceUri: firewall.id, workspaceId: args.logAnalyticsWorkspaceId }, this);

    this.firewallId = firewall.id;
    this.policyId = policy.id;
    this.privateIp = firewallPrivateIp(args.subnet.prefix);
    this.registerOutputs({ firewallId: this.firewallId, privateIp: this.privateIp, policyId: this.policyId });
  }
}
