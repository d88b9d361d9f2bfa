import { EGRESS_HOSTS_ANNOTATION, publicReach } from "../../lib/network";
import { resourceRule } from "../../lib/rule";
import { list, num, obj, str } from "../../lib/values";

const NETWORK_POLICY = /^kubernetes:networking\.k8s\.io\/[^:]+:NetworkPolicy$/;
const CILIUM_POLICY = /^kubernetes:cilium\.io\/[^:]+:Cilium(Clusterwide)?NetworkPolicy$/;
/** Cilium entities outside the cluster (the internet) or everything. */
const OPEN_ENTITIES = ["world", "world-ipv4", "world-ipv6", "all"];

/** A rule's ports are HTTPS (443/TCP) only. */
const httpsOnly = (ports: Record<string, unknown>[]) =>
  ports.length > 0 &&
  ports.every((p) => num(p.port) === 443 && (str(p.protocol) ?? "TCP").toUpperCase() === "TCP" && p.endPort === undefined);

/**
 * No NetworkPolicy (nor CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy) allows all egress:
 * every egress rule names its destinations; a destination on the internet is HTTPS only, public
 * addresses only (never private or metadata ranges with them) and in a policy that names its hosts
 * for the egress firewall's allow-list. Every peer of a rule is judged, whatever peers stand beside
 * it (a namespaceSelector next to an ipBlock does not hide the block). Cilium's `world`/`all`
 * entities reach the internet on any port and are refused.
 */
export const kubernetesNetworkingNetworkPolicyDisallowOpenEgress = resourceRule({
  name: "kubernetes-networking-network-policy-disallow-open-egress",
  types: (t) => NETWORK_POLICY.test(t) || CILIUM_POLICY.test(t),
  check: ({ args, props, report }) => {
    const annotations = obj(obj(props.metadata).annotations);
    const hosts = (str(annotations[EGRESS_HOSTS_ANNOTATION]) ?? "").split(",").filter(Boolean);
    /** An internet destination of `where`, allowed on `ports` (HTTPS only, hosts named). */
    const internet = (where: string, cidr: string, except: string[], ports: Record<string, unknown>[], portText: string) => {
      const reach = publicReach(cidr, except);
      if (reach === "none") return;
      if (reach === "mixed")
        report(`${where} ${cidr} reaches public and private (or metadata) addresses: except the non-public ranges or name a private block`);
      if (!httpsOnly(ports)) report(`${where} reaches the internet on ${portText}: HTTPS (443/TCP) only`);
      if (hosts.length === 0) report(`${where} reaches the internet without naming its hosts in ${EGRESS_HOSTS_ANNOTATION}`);
    };
    if (CILIUM_POLICY.test(args.type)) {
      const specs = [obj(props.spec), ...list(props.specs).map(obj)];
      specs.forEach((spec, s) => {
        const base = s === 0 ? "spec" : `specs[${s - 1}]`;
        for (const [i, raw] of list(spec.egress).entries()) {
          const rule = obj(raw);
          const where = `${base}.egress[${i}]`;
          const ports = list(rule.toPorts).flatMap((tp) => list(obj(tp).ports).map(obj));
          const portText = ports.length ? JSON.stringify(ports) : "every port";
          const peers = ["toEndpoints", "toEntities", "toCIDR", "toCIDRSet", "toServices", "toFQDNs", "toGroups", "toNodes", "toRequires"];
          if (!peers.some((k) => list(rule[k]).length > 0)) report(`${where} names no destination: it allows every destination`);
          for (const e of list(rule.toEntities).map((x) => (str(x) ?? "").toLowerCase()))
            if (OPEN_ENTITIES.includes(e)) report(`${where}.toEntities "${e}" reaches the internet: name the hosts (toFQDNs) instead`);
          for (const c of list(rule.toCIDR)) internet(`${where}.toCIDR`, str(c) ?? "", [], ports, portText);
          list(rule.toCIDRSet).forEach((cs, j) => {
            const set = obj(cs);
            if (str(set.cidr))
              internet(
                `${where}.toCIDRSet[${j}]`,
                str(set.cidr) ?? "",
                list(set.except).map((e) => str(e) ?? ""),
                ports,
                portText,
              );
          });
        }
      });
      return;
    }
    const spec = obj(props.spec);
    for (const [i, raw] of list(spec.egress).entries()) {
      const rule = obj(raw);
      const to = list(rule.to).map((p) => obj(p));
      if (to.length === 0) {
        report(`egress[${i}] has no 'to': it allows every destination`);
        continue;
      }
      const ports = list(rule.ports).map((p) => obj(p));
      for (const [j, peer] of to.entries()) {
        if (peer.ipBlock === undefined) {
          if (peer.namespaceSelector === undefined && peer.podSelector === undefined)
            report(`egress[${i}].to[${j}] is empty: it allows every destination`);
          continue;
        }
        const block = obj(peer.ipBlock);
        internet(
          `egress[${i}].to[${j}]`,
          str(block.cidr) ?? "",
          list(block.except).map((e) => str(e) ?? ""),
          ports,
          ports.length ? JSON.stringify(ports) : "every port",
        );
      }
    }
  },
});
