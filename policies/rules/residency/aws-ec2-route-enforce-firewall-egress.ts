import type { PolicyResource } from "@pulumi/policy";
import { reachesPublic } from "../../lib/network";
import { refKeys, sameRef, selfKeys } from "../../lib/refs";
import { stackRule } from "../../lib/rule";
import { list, obj, read, str } from "../../lib/values";

const FIREWALL = "aws:networkfirewall/firewall:Firewall";
const ROUTE = "aws:ec2/route:Route";
const TABLE = "aws:ec2/routeTable:RouteTable";
const ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation";
/** Targets that leave the VPC without the firewall (besides NAT, judged on its own). */
const BYPASS_TARGETS = [
  "gatewayId",
  "egressOnlyGatewayId",
  "transitGatewayId",
  "vpcPeeringConnectionId",
  "networkInterfaceId",
  "carrierGatewayId",
  "coreNetworkArn",
  "localGatewayId",
];

interface RouteView {
  readonly owner: PolicyResource;
  readonly where: string;
  readonly destination: string | undefined;
  readonly tableKeys: string[];
  readonly target: Record<string, unknown>;
  readonly targetKeys: (key: string) => string[];
}

function routesOf(resources: readonly PolicyResource[]): RouteView[] {
  const out: RouteView[] = [];
  for (const r of resources) {
    if (r.type === ROUTE) {
      const dest = read(() => str(r.props.destinationCidrBlock));
      out.push({
        owner: r,
        where: "the route",
        destination: dest.known ? dest.value : "0.0.0.0/0",
        tableKeys: refKeys(r, "routeTableId"),
        target: r.props,
        targetKeys: (key) => refKeys(r, key),
      });
    } else if (r.type === TABLE) {
      list(r.props.routes).forEach((raw, i) => {
        const route = obj(raw);
        const dest = read(() => str(route.cidrBlock));
        out.push({
          owner: r,
          where: `routes[${i}]`,
          destination: dest.known ? dest.value : "0.0.0.0/0",
          tableKeys: selfKeys(r),
          target: route,
          targetKeys: (key) => [
            ...(r.propertyDependencies.routes ?? []).map((d) => d.urn),
            ...refKeys(r, key, read(() => route[key]).known ? route[key] : undefined),
          ],
        });
      });
    }
  }
  return out;
}

/**
 * Internet-bound routes go through AWS Network Firewall: the node subnets' routes to the
 * internet point at a firewall endpoint, only the firewall subnets route to a NAT gateway, and
 * no node subnet routes to an internet gateway or any other way out.
 */
export const awsEc2RouteEnforceFirewallEgress = stackRule({
  name: "aws-ec2-route-enforce-firewall-egress",
  check: ({ resources, report }) => {
    const firewalls = resources.filter((r) => r.type === FIREWALL);
    const firewallSubnets = firewalls.flatMap((f) => [
      ...(f.propertyDependencies.subnetMappings ?? []).map((d) => d.urn),
      ...list(read(() => f.props.subnetMappings).known ? f.props.subnetMappings : []).flatMap((m) =>
        refKeys(f, "subnetMappings", obj(m).subnetId),
      ),
    ]);
    const endpointKeys = firewalls.flatMap((f) => {
      const statuses = read(() =>
        list(f.props.firewallStatuses)
          .flatMap((s) => list(obj(s).syncStates))
          .flatMap((z) => list(obj(z).attachments)),
      );
      const ids = statuses.known ? statuses.value.map((a) => str(obj(a).endpointId)).filter((x): x is string => !!x) : [];
      return [f.urn, ...ids.map((x) => x.toLowerCase())];
    });
    const nodeSubnets = resources
      .filter((r) => r.type === "aws:eks/nodeGroup:NodeGroup" || r.type === "aws:eks/cluster:Cluster")
      .flatMap((r) => {
        const key = r.type === "aws:eks/cluster:Cluster" ? "vpcConfig" : "subnetIds";
        const deps = (r.propertyDependencies[key] ?? []).filter((d) => d.type === "aws:ec2/subnet:Subnet").map((d) => d.urn);
        const v = read(() => (key === "vpcConfig" ? list(obj(r.props.vpcConfig).subnetIds) : list(r.props.subnetIds)));
        return [...deps, ...(v.known ? v.value.map((s) => String(s).toLowerCase()) : [])];
      });
    const associations = resources
      .filter((r) => r.type === ASSOCIATION)
      .map((a) => ({ table: refKeys(a, "routeTableId"), subnet: refKeys(a, "subnetId") }));
    const subnetsOfTable = (tableKeys: string[]) => associations.filter((a) => sameRef(a.table, tableKeys)).map((a) => a.subnet);

    for (const route of routesOf(resources)) {
      if (!route.destination || !reachesPublic(route.destination)) continue;
      const subnets = subnetsOfTable(route.tableKeys);
      const toNodes = subnets.some((s) => sameRef(s, nodeSubnets));
      const has = (key: string) => {
        const v = read(() => route.target[key]);
        return !v.known || (v.value !== undefined && v.value !== null && v.value !== "");
      };
      if (has("natGatewayId")) {
        if (firewalls.length === 0)
          report(route.owner, `${route.where} sends ${route.destination} to a NAT gateway and the stack has no egress firewall`);
        else if (subnets.some((s) => !sameRef(s, firewallSubnets)))
          report(
            route.owner,
            `${route.where} sends ${route.destination} to a NAT gateway from a subnet that is not a firewall subnet: route it to the firewall endpoint`,
          );
      }
      if (has("vpcEndpointId") && !sameRef(route.targetKeys("vpcEndpointId"), endpointKeys)) {
        report(
          route.owner,
          `${route.where} sends ${route.destination} to a VPC endpoint that is not an endpoint of the stack's Network Firewall`,
        );
      }
      const bypass = BYPASS_TARGETS.find((k) => has(k));
      if (bypass && toNodes)
        report(route.owner, `${route.where} sends ${route.destination} of a node subnet to ${bypass}, around the egress firewall`);
    }
  },
});
