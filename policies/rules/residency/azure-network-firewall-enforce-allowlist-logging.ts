import type { PolicyResource } from "@pulumi/policy";
import { refKeys, sameRef, selfKeys } from "../../lib/refs";
import { stackRule } from "../../lib/rule";
import { list, obj, read, str } from "../../lib/values";

const FIREWALL = "azure-native:network:AzureFirewall";
const POLICY = "azure-native:network:FirewallPolicy";
const GROUP = "azure-native:network:FirewallPolicyRuleCollectionGroup";
const DIAGNOSTICS = ["azure-native:monitor:DiagnosticSetting", "azure-native:insights:DiagnosticSetting"];
const ANY = ["*", "0.0.0.0/0", "Internet", "any"];

/** Problems of the rule collections of one firewall policy. */
function ruleProblems(groups: readonly PolicyResource[]): string[] {
  const p: string[] = [];
  let allowRules = 0;
  for (const g of groups) {
    for (const raw of list(g.props.ruleCollections)) {
      const c = obj(raw);
      const action = str(obj(c.action).type);
      for (const rawRule of list(c.rules)) {
        const rule = obj(rawRule);
        const kind = str(rule.ruleType);
        if (action !== "Allow") continue;
        allowRules++;
        if (kind === "ApplicationRule") {
          const fqdns = list(rule.targetFqdns).map((x) => str(x) ?? "");
          const tags = list(rule.fqdnTags).map((x) => str(x) ?? "");
          const web = list(rule.webCategories);
          if (
            fqdns.some((f) => f === "*" || f === "*.*") ||
            (fqdns.length === 0 && tags.length === 0 && list(rule.targetUrls).length === 0) ||
            web.length > 0
          ) {
            p.push(
              `application rule ${str(rule.name)} in ${g.name} allows every host (targetFqdns ${JSON.stringify(fqdns)}): list the hosts`,
            );
          }
        } else if (kind === "NetworkRule") {
          const dests = [...list(rule.destinationAddresses), ...list(rule.destinationFqdns)].map((x) => str(x) ?? "");
          if (dests.length === 0 || dests.some((d) => ANY.includes(d))) {
            p.push(`network rule ${str(rule.name)} in ${g.name} allows every destination: name the addresses or hosts`);
          }
        }
      }
    }
  }
  if (allowRules === 0) p.push("the firewall policy has no allow rule: the platform could not pull images or sign in");
  return p;
}

/**
 * Every Azure Firewall of the stack has a policy that allows only named hosts (the implicit
 * deny drops the rest) and sends its logs to a Log Analytics workspace; a stack with an AKS
 * cluster has one.
 */
export const azureNetworkFirewallEnforceAllowlistLogging = stackRule({
  name: "azure-network-firewall-enforce-allowlist-logging",
  check: ({ resources, report }) => {
    const firewalls = resources.filter((r) => r.type === FIREWALL);
    if (firewalls.length === 0) {
      for (const c of resources.filter((r) => r.type === "azure-native:containerservice:ManagedCluster")) {
        report(c, "the cluster's stack has no Azure Firewall: add the egress firewall");
      }
      return;
    }
    const policies = resources.filter((r) => r.type === POLICY);
    const groups = resources.filter((r) => r.type === GROUP);
    const diagnostics = resources.filter((r) => DIAGNOSTICS.includes(r.type));
    for (const fw of firewalls) {
      const policy = policies.find((p) => sameRef(refKeys(fw, "firewallPolicy", str(obj(fw.props.firewallPolicy).id)), selfKeys(p)));
      if (!policy) {
        report(fw, "the firewall has no firewall policy of this stack: its rules cannot be judged");
        continue;
      }
      const policyName = read(() => str(policy.props.name));
      const own = groups.filter((g) => {
        const deps = (g.propertyDependencies.firewallPolicyName ?? []).map((d) => d.urn);
        const name = read(() => str(g.props.firewallPolicyName));
        return deps.includes(policy.urn) || (name.known && policyName.known && name.value === policyName.value);
      });
      for (const problem of ruleProblems(own)) report(fw, problem);
      const logged = diagnostics.some((d) => {
        if (!sameRef(refKeys(d, "resourceUri"), selfKeys(fw))) return false;
        const workspace = read(() => str(d.props.workspaceId));
        const logs = list(d.props.logs).map((l) => obj(l));
        return (
          (!workspace.known || !!workspace.value) &&
          logs.some((l) => l.enabled === true && (str(l.categoryGroup) === "allLogs" || /^AZFW|^AzureFirewall/.test(str(l.category) ?? "")))
        );
      });
      if (!logged)
        report(fw, "the firewall's allowed and denied flows are not sent to a Log Analytics workspace: add a diagnostic setting");
    }
  },
});
