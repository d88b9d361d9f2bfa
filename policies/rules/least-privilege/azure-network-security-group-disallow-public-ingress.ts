import { internetSources } from "../../lib/cidr";
import { resourceRule } from "../../lib/rule";
import { list, obj, str } from "../../lib/values";

/** True when the port ranges are exactly 443. */
function httpsOnly(ports: readonly string[]): boolean {
  return ports.length > 0 && ports.every((p) => p.trim() === "443" || p.trim() === "443-443");
}

/** No inbound Allow from the internet (any public range, `*`, `Internet`, `Any`), except HTTPS for a named public load balancer. */
export const azureNetworkSecurityGroupDisallowPublicIngress = resourceRule({
  name: "azure-network-security-group-disallow-public-ingress",
  types: ["azure-native:network:NetworkSecurityGroup", "azure-native:network:SecurityRule"],
  check: ({ args, props, settings, report }) => {
    const publicLb = settings.publicLoadBalancers.includes(args.name);
    const checkRule = (r: Record<string, unknown>, where: string) => {
      // Rules inside an NSG may carry their settings in `properties` (ARM shape) or at the top.
      const rule = { ...obj(r.properties), ...r };
      if ((str(rule.direction) ?? "").toLowerCase() !== "inbound" || (str(rule.access) ?? "").toLowerCase() !== "allow") return;
      const prefixes = [rule.sourceAddressPrefix, ...list(rule.sourceAddressPrefixes)].map((s) => str(s));
      const noSource = prefixes.every((p) => p === undefined) && list(rule.sourceApplicationSecurityGroups).length === 0;
      const open = internetSources(noSource ? ["*"] : prefixes);
      if (open.length === 0) return;
      const ports = [rule.destinationPortRange, ...list(rule.destinationPortRanges)].map((p) => str(p)).filter((p): p is string => !!p);
      if (httpsOnly(ports) && publicLb) return;
      report(`${where} allows inbound traffic from ${open.map((o) => o.reason).join("; ")} to ports ${ports.join(",") || "*"}`);
    };
    if (args.type === "azure-native:network:SecurityRule") checkRule(props, "the rule");
    else
      list(props.securityRules).forEach((r, i) => {
        checkRule(obj(r), `securityRules[${i}]`);
      });
  },
});
