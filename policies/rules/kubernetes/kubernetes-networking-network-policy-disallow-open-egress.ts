import { EGRESS_HOSTS_ANNOTATION, publicReach } from "../../lib/network";
import { resourceRule } from "../../lib/rule";
import { list, num, obj, str } from "../../lib/values";

/**
 * No NetworkPolicy allows all egress: every egress rule names its destinations; a destination
 * on the internet is HTTPS only, public addresses only (never private or metadata ranges with
 * them) and in a policy that names its hosts for the egress firewall's allow-list.
 */
export const kubernetesNetworkingNetworkPolicyDisallowOpenEgress = resourceRule({
  name: "kubernetes-networking-network-policy-disallow-open-egress",
  types: ["kubernetes:networking.k8s.io/v1:NetworkPolicy"],
  check: ({ props, report }) => {
    const spec = obj(props.spec);
    const annotations = obj(obj(props.metadata).annotations);
    const hosts = (str(annotations[EGRESS_HOSTS_ANNOTATION]) ?? "").split(",").filter(Boolean);
    for (const [i, raw] of list(spec.egress).entries()) {
      const rule = obj(raw);
      const to = list(rule.to).map((p) => obj(p));
      if (to.length === 0) {
        report(`egress[${i}] has no 'to': it allows every destination`);
        continue;
      }
      for (const [j, peer] of to.entries()) {
        const block = obj(peer.ipBlock);
        if (peer.ipBlock === undefined) {
          if (peer.namespaceSelector === undefined && peer.podSelector === undefined)
            report(`egress[${i}].to[${j}] is empty: it allows every destination`);
          return;
        }
        const reach = publicReach(
          str(block.cidr) ?? "",
          list(block.except).map((e) => str(e) ?? ""),
        );
        if (reach === "none") continue;
        if (reach === "mixed") {
          report(
            `egress[${i}].to[${j}] ${str(block.cidr)} reaches public and private (or metadata) addresses: except the non-public ranges or name a private block`,
          );
        }
        const ports = list(rule.ports).map((p) => obj(p));
        if (
          ports.length === 0 ||
          ports.some((p) => num(p.port) !== 443 || (str(p.protocol) ?? "TCP") !== "TCP" || p.endPort !== undefined)
        ) {
          report(
            `egress[${i}].to[${j}] reaches the internet on ${ports.length ? JSON.stringify(ports) : "every port"}: HTTPS (443/TCP) only`,
          );
        }
        if (hosts.length === 0) report(`egress[${i}].to[${j}] reaches the internet without naming its hosts in ${EGRESS_HOSTS_ANNOTATION}`);
      }
    }
  },
});
