import type { PolicyResource } from "@pulumi/policy";
import { refKeys, sameRef, selfKeys } from "../../lib/refs";
import { stackRule } from "../../lib/rule";
import { list, obj, read, str } from "../../lib/values";

const FIREWALL = "aws:networkfirewall/firewall:Firewall";
const POLICY = "aws:networkfirewall/firewallPolicy:FirewallPolicy";
const GROUP = "aws:networkfirewall/ruleGroup:RuleGroup";
const LOGGING = "aws:networkfirewall/loggingConfiguration:LoggingConfiguration";
const DROP = ["aws:drop_established", "aws:drop_strict", "aws:drop_established_app_layer"];

const strings = (v: unknown) => list(v).map((x) => str(x) ?? "");

/** Problems of a firewall policy and the rule groups it references. */
function policyProblems(policy: PolicyResource, groups: readonly PolicyResource[]): string[] {
  const p: string[] = [];
  const fp = obj(policy.props.firewallPolicy);
  if (str(obj(fp.statefulEngineOptions).ruleOrder) !== "STRICT_ORDER") p.push("the policy does not evaluate in STRICT_ORDER");
  const defaults = strings(fp.statefulDefaultActions);
  if (!defaults.some((a) => DROP.includes(a)))
    p.push(`the policy's stateful default actions ${JSON.stringify(defaults)} do not drop what no rule allows`);
  for (const key of ["statelessDefaultActions", "statelessFragmentDefaultActions"]) {
    const actions = strings(fp[key]);
    if (actions.includes("aws:pass")) p.push(`${key} passes traffic around the stateful allow-list`);
  }
  const refs = list(fp.statefulRuleGroupReferences).map((r) => obj(r));
  // A group is referenced by its ARN, or (in a preview) through the policy's dependency on it.
  const deps = (policy.propertyDependencies.firewallPolicy ?? []).map((d) => d.urn);
  const arns = refs.map((r) => (str(r.resourceArn) ?? "").toLowerCase());
  const referenced = groups.filter((g) => sameRef([...deps, ...arns], selfKeys(g, ["arn"])));
  const allow = referenced.filter((g) => {
    const src = obj(obj(obj(g.props.ruleGroup).rulesSource).rulesSourceList);
    const targets = strings(src.targets);
    return str(src.generatedRulesType) === "ALLOWLIST" && targets.length > 0 && !targets.some((t) => t === "*" || t === "." || t === "");
  });
  if (allow.length === 0) p.push("the policy references no stateful domain ALLOWLIST rule group with named targets");
  for (const g of referenced) {
    const src = obj(obj(obj(g.props.ruleGroup).rulesSource).rulesSourceList);
    if (str(src.generatedRulesType) === "DENYLIST") p.push(`rule group ${g.name} is a DENYLIST: everything it does not name passes`);
  }
  return p;
}

/**
 * Every AWS Network Firewall of the stack has a policy that allows only a domain allow-list and
 * drops the rest in strict order, and logs ALERT and FLOW records; a stack with a NAT gateway has one.
 */
export const awsNetworkfirewallFirewallEnforceAllowlistLogging = stackRule({
  name: "aws-networkfirewall-firewall-enforce-allowlist-logging",
  check: ({ resources, report }) => {
    const firewalls = resources.filter((r) => r.type === FIREWALL);
    const nats = resources.filter((r) => r.type === "aws:ec2/natGateway:NatGateway");
    if (firewalls.length === 0) {
      for (const nat of nats) report(nat, "the NAT gateway has no AWS Network Firewall in front of it: add the egress firewall");
      return;
    }
    const policies = resources.filter((r) => r.type === POLICY);
    const groups = resources.filter((r) => r.type === GROUP);
    const logging = resources.filter((r) => r.type === LOGGING);
    for (const fw of firewalls) {
      const arn = read(() => str(fw.props.firewallPolicyArn));
      const policy = policies.find((p) => sameRef(refKeys(fw, "firewallPolicyArn"), selfKeys(p, ["arn"])));
      if (!policy) {
        report(fw, `the firewall's policy ${arn.known ? arn.value : "(unknown)"} is not a FirewallPolicy of this stack`);
        continue;
      }
      for (const problem of policyProblems(policy, groups)) report(fw, problem);
      const configs = logging.filter((l) => sameRef(refKeys(l, "firewallArn"), selfKeys(fw, ["arn"])));
      const types = configs.flatMap((l) =>
        list(obj(l.props.loggingConfiguration).logDestinationConfigs).map((d) => str(obj(d).logType) ?? ""),
      );
      for (const needed of ["ALERT", "FLOW"]) {
        if (!types.includes(needed))
          report(fw, `the firewall does not log ${needed} records: add a LoggingConfiguration to the stack's log group or bucket`);
      }
    }
  },
});
