import type { PolicyResource } from "@pulumi/policy";
import { parseBlock, reachesPublic, within } from "../../lib/network";
import { refKeys, sameRef, selfKeys } from "../../lib/refs";
import { stackRule } from "../../lib/rule";
import { list, obj, read, str } from "../../lib/values";

const SUBNET = "azure-native:network:Subnet";
const CLUSTER = "azure-native:containerservice:ManagedCluster";
const POOL = "azure-native:containerservice:AgentPool";

/** The AzureFirewallSubnet prefixes that host an Azure Firewall of the stack. */
function firewallPrefixes(resources: readonly PolicyResource[]): string[] {
  const firewalls = resources.filter((r) => r.type === "azure-native:network:AzureFirewall");
  const subnetRefs = firewalls.flatMap((f) => [
    ...(f.propertyDependencies.ipConfigurations ?? []).map((d) => d.urn),
    ...list(read(() => f.props.ipConfigurations).known ? f.props.ipConfigurations : []).flatMap((c) => {
      const id = str(obj(obj(c).subnet).id);
      return id ? [id.toLowerCase()] : [];
    }),
  ]);
  return resources
    .filter((r) => r.type === SUBNET && str(r.props.subnetName) === "AzureFirewallSubnet" && sameRef(selfKeys(r), subnetRefs))
    .flatMap((r) => [str(r.props.addressPrefix) ?? ""]);
}

/**
 * The AKS node subnets reach the internet only through Azure Firewall: their route table sends
 * 0.0.0.0/0 to the firewall's private address, no route sends public prefixes to the Internet
 * directly, no NAT gateway is attached, and AKS uses `outboundType: userDefinedRouting`.
 */
export const azureNetworkSubnetEnforceFirewallEgress = stackRule({
  name: "azure-network-subnet-enforce-firewall-egress",
  check: ({ resources, report }) => {
    const clusters = resources.filter((r) => r.type === CLUSTER);
    if (clusters.length === 0) return;
    const nodeSubnetRefs = [
      ...clusters.flatMap((c) => [
        ...(c.propertyDependencies.agentPoolProfiles ?? []).filter((d) => d.type === SUBNET).map((d) => d.urn),
        ...list(read(() => c.props.agentPoolProfiles).known ? c.props.agentPoolProfiles : []).flatMap((p) => {
          const id = str(obj(p).vnetSubnetID);
          return id ? [id.toLowerCase()] : [];
        }),
      ]),
      ...resources.filter((r) => r.type === POOL).flatMap((p) => refKeys(p, "vnetSubnetID")),
    ];
    for (const c of clusters) {
      const outbound = read(() => str(obj(c.props.networkProfile).outboundType));
      if (outbound.known && outbound.value !== "userDefinedRouting") {
        report(
          c,
          `networkProfile.outboundType is ${JSON.stringify(outbound.value)}: use userDefinedRouting so nodes leave only through the firewall`,
        );
      }
    }
    const fwBlocks = firewallPrefixes(resources)
      .map(parseBlock)
      .filter((b) => b !== undefined);
    const tables = resources.filter((r) => r.type === "azure-native:network:RouteTable");
    const nodeSubnets = resources.filter((r) => r.type === SUBNET && sameRef(selfKeys(r), nodeSubnetRefs));
    if (nodeSubnets.length === 0) {
      // Nodes in a subnet this stack does not declare (or the default AKS VNet): their egress cannot be judged.
      for (const c of clusters)
        report(c, "the cluster's node subnets are not subnets of this stack: their route to the internet cannot be verified");
    }
    for (const subnet of nodeSubnets) {
      const nat = read(() => str(obj(subnet.props.natGateway).id));
      if (!nat.known || nat.value) report(subnet, "the node subnet has a NAT gateway: its traffic would leave without the firewall");
      const tableRefs = refKeys(subnet, "routeTable", str(obj(subnet.props.routeTable).id));
      const table = tables.find((t) => sameRef(selfKeys(t), tableRefs));
      if (!table) {
        report(subnet, "the node subnet has no route table of this stack: route 0.0.0.0/0 to the Azure Firewall");
        continue;
      }
      const routes = list(table.props.routes).map((r) => obj(r));
      const viaFirewall = (r: Record<string, unknown>) => {
        const hop = parseBlock(`${str(r.nextHopIpAddress) ?? ""}/32`);
        return str(r.nextHopType) === "VirtualAppliance" && hop !== undefined && fwBlocks.some((b) => within(b, hop));
      };
      const defaults = routes.filter((r) => str(r.addressPrefix) === "0.0.0.0/0");
      if (!defaults.some(viaFirewall)) report(subnet, "the node subnet's 0.0.0.0/0 route does not go to an Azure Firewall of this stack");
      for (const r of routes) {
        const prefix = str(r.addressPrefix) ?? "";
        const block = parseBlock(prefix);
        const publicDest = block === undefined ? /^[A-Za-z]/.test(prefix) : reachesPublic(prefix);
        if (publicDest && !viaFirewall(r)) {
          report(subnet, `route ${JSON.stringify(prefix)} → ${str(r.nextHopType)} reaches public addresses without the firewall`);
        }
      }
    }
  },
});
