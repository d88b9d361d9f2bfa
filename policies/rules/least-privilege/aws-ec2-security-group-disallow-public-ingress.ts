import { resourceRule } from "../../lib/rule";
import { list, num, obj, str } from "../../lib/values";

const ANYWHERE = ["0.0.0.0/0", "::/0"];

/** No ingress from anywhere, except HTTPS for a named public load balancer. */
export const awsEc2SecurityGroupDisallowPublicIngress = resourceRule({
  name: "aws-ec2-security-group-disallow-public-ingress",
  types: [
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/securityGroupRule:SecurityGroupRule",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  ],
  check: ({ args, props, settings, report }) => {
    const publicLb = settings.publicLoadBalancers.includes(args.name);
    const checkRule = (rule: Record<string, unknown>, where: string) => {
      const sources = [...list(rule.cidrBlocks), ...list(rule.ipv6CidrBlocks), rule.cidrIpv4, rule.cidrIpv6].map(str);
      const open = sources.find((s) => s !== undefined && ANYWHERE.includes(s));
      if (!open) return;
      const https = num(rule.fromPort) === 443 && num(rule.toPort) === 443 && str(rule.protocol) === "tcp";
      if (https && publicLb) return;
      const ports = `${num(rule.fromPort) ?? "all"}-${num(rule.toPort) ?? "all"}`;
      report(
        `${where} allows ingress from ${open} on ports ${ports}${https ? " (HTTPS is allowed only for a load balancer named in publicLoadBalancers)" : ""}`,
      );
    };
    if (args.type === "aws:ec2/securityGroup:SecurityGroup")
      list(props.ingress).forEach((r, i) => {
        checkRule(obj(r), `ingress[${i}]`);
      });
    else if (args.type === "aws:ec2/securityGroupRule:SecurityGroupRule") {
      if (str(props.type) === "ingress") checkRule(props, "the rule");
    } else checkRule({ ...props, protocol: str(props.ipProtocol) }, "the rule");
  },
});
