import { resourceRule } from "../../lib/rule";
import { list, obj, str } from "../../lib/values";

const INTERNET = ["*", "internet", "0.0.0.0/0", "::/0", "any", "0.0.0.0"];

/** No inbound Allow from the internet, except HTTPS for a named public load balancer. */
export const azureNetworkSecurityGroupDisallowPublicIngress = resourceRule({
  name: "azure-network-security-group-disallow-public-ingress",
  types: ["azure-native:network:NetworkSecurityGroup", "azure-native:network:SecurityRule"],
  check: ({ args, props, settings, report }) => {
    const publicLb = settings.publicLoadBalancers.includes(args.name);
    const checkRule = (rule: Record<string, unknown>, where: string) => {
      if ((str(rule.direction) ?? "").toLowerCase() !== "inbound" || (str(rule.access) ?? "").toLowerCase() !== "allow") return;
      const sources = [rule.sourceAddressPrefix, ...list(rule.sourceAddressPrefixes)].map((s) => (str(s) ?? "").toLowerCase());
      const open = sources.find((s) => INTERNET.includes(s));
      if (open === undefined) return;
      const ports = [rule.destinationPortRange, ...list(rule.destinationPortRanges)].map((p) => str(p)).filter(Boolean);
      const httpsOnly = ports.length > 0 && ports.every((p) => p === "443");
      if (httpsOnly && publicLb) return;
      report(`${where} allows inbound traffic from "${open}" to ports ${ports.join(",") || "*"}`);
    };
    if (args.type === "azure-native:network:SecurityRule") checkRule(props, "the rule");
    else
      list(props.securityRules).forEach((r, i) => {
        checkRule(obj(r), `securityRules[${i}]`);
      });
  },
});
