import { internetSources } from "../../lib/cidr";
import { resourceRule } from "../../lib/rule";
import { list, num, obj, str } from "../../lib/values";

/** True when the rule opens TCP 443 only (protocol `tcp` or `6`). */
function httpsOnly(rule: Record<string, unknown>, protocolKey: string): boolean {
  const protocol = (str(rule[protocolKey]) ?? "").toLowerCase();
  return num(rule.fromPort) === 443 && num(rule.toPort) === 443 && (protocol === "tcp" || protocol === "6");
}

/** No ingress from the internet (any public range, in any spelling), except HTTPS for a named public load balancer. */
export const awsEc2SecurityGroupDisallowPublicIngress = resourceRule({
  name: "aws-ec2-security-group-disallow-public-ingress",
  types: [
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/securityGroupRule:SecurityGroupRule",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:ec2/networkAclRule:NetworkAclRule",
  ],
  check: ({ args, props, settings, report }) => {
    const publicLb = settings.publicLoadBalancers.includes(args.name);
    const checkRule = (rule: Record<string, unknown>, where: string, protocolKey: string) => {
      const sources = [
        ...list(rule.cidrBlocks),
        ...list(rule.ipv6CidrBlocks),
        rule.cidrIpv4,
        rule.cidrIpv6,
        rule.cidrBlock,
        rule.ipv6CidrBlock,
      ].map((v) => str(v));
      const open = internetSources(sources);
      if (open.length === 0) return;
      const https = httpsOnly(rule, protocolKey);
      if (https && publicLb) return;
      const ports = `${num(rule.fromPort) ?? "all"}-${num(rule.toPort) ?? "all"}`;
      report(
        `${where} allows ingress from ${open.map((o) => o.reason).join("; ")} on ports ${ports}${https ? " (HTTPS is allowed only for a load balancer named in publicLoadBalancers)" : ""}`,
      );
    };
    if (args.type === "aws:ec2/securityGroup:SecurityGroup")
      list(props.ingress).forEach((r, i) => {
        checkRule(obj(r), `ingress[${i}]`, "protocol");
      });
    else if (args.type === "aws:ec2/securityGroupRule:SecurityGroupRule") {
      if ((str(props.type) ?? "").toLowerCase() === "ingress") checkRule(props, "the rule", "protocol");
    } else if (args.type === "aws:ec2/networkAclRule:NetworkAclRule") {
      if (props.egress !== true && (str(props.ruleAction) ?? "").toLowerCase() === "allow")
        checkRule(props, "the network ACL rule", "protocol");
    } else checkRule(props, "the rule", "ipProtocol");
  },
});
