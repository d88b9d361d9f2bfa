/**
 * On both clouds the shipped plans show no route to the internet except through the in-region
 * firewall, a firewall that admits only the allow-list and logs into the stack's log store.
 * Read from the shared plans of the shipped stacks (routes, route tables, associations, subnets).
 */
import { describe, expect, it } from "vitest";
import { contains, parseCidr } from "../../contracts/cidr";
import { NON_PUBLIC_CIDRS } from "../../contracts/egress";
import type { PlanResource, PlanResult } from "../../tools/lib/harness";
import { shippedPlan } from "../support/shipped-plan";

const ofType = (plan: PlanResult, type: string) => plan.resources.filter((r) => r.type === type);
const idOf = (r: PlanResource | undefined) => r?.id ?? (r?.outputs.id as string | undefined);

/** True when `destination` (a CIDR) includes a public address. */
function reachesInternet(destination: string): boolean {
  const block = parseCidr(destination);
  if (!block) return true;
  return !NON_PUBLIC_CIDRS.some((c) => contains(parseCidr(c) as NonNullable<ReturnType<typeof parseCidr>>, block));
}

describe.each(["dev", "uae-prod"])("AWS egress of %s", (stack) => {
  let cached: PlanResult | undefined;
  const plan = () => {
    cached ??= shippedPlan(stack);
    return cached;
  };

  function firewallEndpoints(p: PlanResult): Map<string, string> {
    const [fw] = ofType(p, "aws:networkfirewall/firewall:Firewall");
    const statuses = (fw?.outputs.firewallStatuses ?? []) as {
      syncStates: { attachments: { subnetId: string; endpointId: string }[] }[];
    }[];
    return new Map(statuses.flatMap((s) => s.syncStates.flatMap((z) => z.attachments.map((a) => [a.endpointId, a.subnetId] as const))));
  }

  it("routes every internet-bound packet of the node subnets through a firewall endpoint, and only the firewall subnets to NAT", () => {
    const p = plan();
    const endpoints = firewallEndpoints(p);
    expect(endpoints.size).toBe(stack === "dev" ? 1 : 3);
    const subnets = ofType(p, "aws:ec2/subnet:Subnet");
    const tableOfSubnet = new Map(
      ofType(p, "aws:ec2/routeTableAssociation:RouteTableAssociation").map((a) => [
        a.inputs.subnetId as string,
        a.inputs.routeTableId as string,
      ]),
    );
    const routes = ofType(p, "aws:ec2/route:Route");
    const internetRoutes = (table: string | undefined) =>
      routes.filter((r) => r.inputs.routeTableId === table && reachesInternet(String(r.inputs.destinationCidrBlock)));
    expect(routes.length).toBeGreaterThan(0);

    for (const s of subnets) {
      const name = String((s.inputs.tags as Record<string, string>).Name);
      const table = tableOfSubnet.get(idOf(s) as string);
      expect(table, `${name} has a route table`).toBeDefined();
      const out = internetRoutes(table);
      if (name.includes("-private-")) {
        // Nodes and pods: exactly one internet route, to a firewall endpoint.
        expect(out, name).toHaveLength(1);
        expect(out[0]?.inputs, name).toMatchObject({ destinationCidrBlock: "0.0.0.0/0" });
        expect(endpoints.has(String(out[0]?.inputs.vpcEndpointId)), `${name} routes to a firewall endpoint`).toBe(true);
      } else if (name.includes("-firewall-")) {
        expect(
          out.map((r) => Object.keys(r.inputs).filter((k) => k.endsWith("Id") && k !== "routeTableId")),
          name,
        ).toEqual([["natGatewayId"]]);
        expect([...endpoints.values()]).toContain(idOf(s));
      } else if (name.includes("-public-")) {
        // Load balancers and the NAT gateways: the internet gateway, and nothing that bypasses it.
        expect(
          out.map((r) => r.inputs.gatewayId as string).every((g) => g.startsWith("igw-")),
          name,
        ).toBe(true);
      } else {
        expect(out, `${name} (data) has no route to the internet`).toEqual([]);
      }
    }
    // Nothing but the firewall subnets points at a NAT gateway.
    const natTables = new Set(routes.filter((r) => r.inputs.natGatewayId !== undefined).map((r) => r.inputs.routeTableId));
    const firewallTables = new Set(
      subnets
        .filter((s) => String((s.inputs.tags as Record<string, string>).Name).includes("-firewall-"))
        .map((s) => tableOfSubnet.get(idOf(s) as string)),
    );
    expect([...natTables].every((t) => firewallTables.has(t as string))).toBe(true);
  });

  it("sends the NAT gateways' replies to each node subnet back through the firewall (symmetric flows)", () => {
    const p = plan();
    const endpoints = firewallEndpoints(p);
    const privateCidrs = ofType(p, "aws:ec2/subnet:Subnet")
      .filter((s) => String((s.inputs.tags as Record<string, string>).Name).includes("-private-"))
      .map((s) => s.inputs.cidrBlock);
    const returns = ofType(p, "aws:ec2/route:Route").filter((r) => privateCidrs.includes(r.inputs.destinationCidrBlock));
    expect(returns.map((r) => r.inputs.destinationCidrBlock).sort()).toEqual([...privateCidrs].sort());
    for (const r of returns) expect(endpoints.has(String(r.inputs.vpcEndpointId))).toBe(true);
  });

  it("admits only the allow-list (TLS SNI and HTTP Host), drops the rest in strict order, and logs ALERT and FLOW in the region", () => {
    const p = plan();
    const [group] = ofType(p, "aws:networkfirewall/ruleGroup:RuleGroup");
    expect(group?.inputs).toMatchObject({
      type: "STATEFUL",
      ruleGroup: {
        statefulRuleOptions: { ruleOrder: "STRICT_ORDER" },
        rulesSource: { rulesSourceList: { generatedRulesType: "ALLOWLIST", targetTypes: ["TLS_SNI", "HTTP_HOST"] } },
      },
    });
    const targets = ((group as PlanResource).inputs.ruleGroup as { rulesSource: { rulesSourceList: { targets: string[] } } }).rulesSource
      .rulesSourceList.targets;
    expect(targets).toContain("sso.example.ae");
    expect(targets.some((t) => t === "*" || t === "." || t.startsWith("*"))).toBe(false);
    const [policy] = ofType(p, "aws:networkfirewall/firewallPolicy:FirewallPolicy");
    expect(policy?.inputs.firewallPolicy).toMatchObject({
      statelessDefaultActions: ["aws:forward_to_sfe"],
      statefulEngineOptions: { ruleOrder: "STRICT_ORDER" },
      statefulDefaultActions: ["aws:drop_established", "aws:alert_established"],
    });
    const [logging] = ofType(p, "aws:networkfirewall/loggingConfiguration:LoggingConfiguration");
    const destinations = (
      (logging as PlanResource).inputs.loggingConfiguration as {
        logDestinationConfigs: { logType: string; logDestination: { logGroup: string } }[];
      }
    ).logDestinationConfigs;
    expect(destinations.map((d) => d.logType).sort()).toEqual(["ALERT", "FLOW"]);
    const groups = ofType(p, "aws:cloudwatch/logGroup:LogGroup");
    for (const d of destinations) {
      const g = groups.find((lg) => lg.inputs.name === d.logDestination.logGroup);
      expect(g?.inputs.kmsKeyId, d.logType).toBeDefined();
    }
  });
});

describe.each(["dev-azure", "uae-prod-azure"])("Azure egress of %s", (stack) => {
  let cached: PlanResult | undefined;
  const plan = () => {
    cached ??= shippedPlan(stack);
    return cached;
  };

  it("routes 0.0.0.0/0 of the node subnets to the firewall's private address, and nothing else reaches the internet", () => {
    const p = plan();
    const [firewall] = ofType(p, "azure-native:network:AzureFirewall");
    expect(firewall).toBeDefined();
    const fwSubnet = ofType(p, "azure-native:network:Subnet").find((s) => s.inputs.subnetName === "AzureFirewallSubnet");
    const fwBlock = parseCidr(String(fwSubnet?.inputs.addressPrefix));
    expect(fwBlock).toBeDefined();
    const tables = ofType(p, "azure-native:network:RouteTable");
    expect(tables).toHaveLength(1);
    const routes = tables[0]?.inputs.routes as { addressPrefix: string; nextHopType: string; nextHopIpAddress?: string }[];
    expect(routes.filter((r) => reachesInternet(r.addressPrefix))).toEqual([
      expect.objectContaining({ addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance" }),
    ]);
    const hop = parseCidr(`${routes[0]?.nextHopIpAddress}/32`);
    expect(hop && fwBlock && contains(fwBlock, hop), "the next hop is inside AzureFirewallSubnet").toBe(true);
    expect(tables[0]?.inputs.disableBgpRoutePropagation).toBe(true);

    for (const s of ofType(p, "azure-native:network:Subnet")) {
      const name = String(s.inputs.subnetName);
      expect((s.inputs.natGateway as { id?: string } | undefined)?.id, name).toBeUndefined();
      if (name === "system" || name === "user") expect((s.inputs.routeTable as { id: string }).id, name).toBe(idOf(tables[0]));
      if (!name.startsWith("AzureFirewall")) expect(s.inputs.defaultOutboundAccess, name).toBe(false);
    }
    expect(ofType(p, "azure-native:network:NatGateway")).toEqual([]);
    const [aks] = ofType(p, "azure-native:containerservice:ManagedCluster");
    expect(((aks as PlanResource).inputs.networkProfile as { outboundType: string }).outboundType).toBe("userDefinedRouting");
    // Only the firewall holds public addresses (egress, and management for Basic).
    for (const ip of ofType(p, "azure-native:network:PublicIPAddress")) expect(ip.parent, ip.name).toContain("EgressFirewall");
  });

  it("admits only the allow-list from the node subnets and logs every flow into the in-region workspace", () => {
    const p = plan();
    const [group] = ofType(p, "azure-native:network:FirewallPolicyRuleCollectionGroup");
    const collections = group?.inputs.ruleCollections as {
      action: { type: string };
      rules: { ruleType: string; targetFqdns: string[]; sourceAddresses: string[] }[];
    }[];
    expect(collections.every((c) => c.action.type === "Allow")).toBe(true);
    const fqdns = collections.flatMap((c) => c.rules.flatMap((r) => r.targetFqdns));
    expect(fqdns).toEqual(expect.arrayContaining(["login.microsoftonline.com", "mcr.microsoft.com", "sso.example.ae"]));
    expect(fqdns.some((f) => f === "*" || /^\*\.[a-z]+$/.test(f))).toBe(false);
    const [firewall] = ofType(p, "azure-native:network:AzureFirewall");
    const [policy] = ofType(p, "azure-native:network:FirewallPolicy");
    expect(((firewall as PlanResource).inputs.firewallPolicy as { id: string }).id).toBe(idOf(policy));
    expect(((firewall as PlanResource).inputs.sku as { tier: string }).tier).toBe(stack === "dev-azure" ? "Basic" : "Standard");
    const diag = ofType(p, "azure-native:monitor:DiagnosticSetting").find((d) => d.inputs.resourceUri === idOf(firewall));
    expect(diag?.inputs).toMatchObject({ logs: [{ categoryGroup: "allLogs", enabled: true }] });
    expect(String(diag?.inputs.workspaceId)).toContain("Microsoft.OperationalInsights/workspaces");
  });
});
