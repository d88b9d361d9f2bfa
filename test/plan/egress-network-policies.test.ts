/**
 * Kubernetes egress is default-deny in every namespace of every shipped plan, and no egress
 * rule reaches an address outside the allow-list: private addresses (private endpoints,
 * managed databases, the API server, the cluster) or, for the internet, only HTTPS to public
 * addresses in a policy that names its hosts, every one of them admitted by the stack's
 * firewall. Decided with CIDR coverage maths, not by spelling.
 */
import { describe, expect, it } from "vitest";
import { type Cidr, contains, overlaps, parseCidr } from "../../contracts/cidr";
import { EGRESS_HOSTS_ANNOTATION, NON_PUBLIC_CIDRS, patternCovered } from "../../contracts/egress";
import type { PlanResource, PlanResult } from "../../tools/lib/harness";
import { shippedPlan } from "../support/shipped-plan";

const NP = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const NS = "kubernetes:core/v1:Namespace";
const nonPublic = NON_PUBLIC_CIDRS.map((c) => parseCidr(c) as Cidr);

interface Peer {
  ipBlock?: { cidr: string; except?: string[] };
  namespaceSelector?: unknown;
  podSelector?: unknown;
}
interface EgressRule {
  to?: Peer[];
  ports?: { port?: number; protocol?: string }[];
}

/** The public addresses an ipBlock admits, as "none", "all" (every public address) or "some". */
function publicReach(block: { cidr: string; except?: string[] }): "none" | "all" | "some" {
  const outer = parseCidr(block.cidr);
  if (!outer) return "some";
  if (nonPublic.some((np) => contains(np, outer))) return "none";
  const excepted = (block.except ?? []).map((e) => parseCidr(e)).filter((e): e is Cidr => e !== undefined);
  // Every non-public range that overlaps the block must be excepted for the block to be "public only".
  const leaksPrivate = nonPublic.some((np) => overlaps(np, outer) && !excepted.some((e) => contains(e, np)));
  return leaksPrivate ? "some" : "all";
}

/** The firewall allow-list of a plan, in the config's spelling (`*.x` for subdomains). */
function firewallAllowList(plan: PlanResult): string[] {
  const aws = plan.resources.filter((r) => r.type === "aws:networkfirewall/ruleGroup:RuleGroup");
  const azure = plan.resources.filter((r) => r.type === "azure-native:network:FirewallPolicyRuleCollectionGroup");
  const awsTargets = aws.flatMap(
    (r) => (r.inputs.ruleGroup as { rulesSource: { rulesSourceList: { targets: string[] } } }).rulesSource.rulesSourceList.targets,
  );
  const azureTargets = azure.flatMap((r) =>
    (r.inputs.ruleCollections as { rules: { targetFqdns?: string[] }[] }[]).flatMap((c) => c.rules.flatMap((x) => x.targetFqdns ?? [])),
  );
  // AWS ".example.com" admits example.com and its subdomains.
  return [...azureTargets, ...awsTargets.flatMap((t) => (t.startsWith(".") ? [`*${t}`, t.slice(1)] : [t]))];
}

/** Every problem of one NetworkPolicy's egress against the allow-list (empty when it complies). */
function egressProblems(np: PlanResource, allowList: readonly string[]): string[] {
  const spec = np.inputs.spec as { policyTypes?: string[]; egress?: EgressRule[] };
  const annotations = ((np.inputs.metadata as { annotations?: Record<string, string> }).annotations ?? {}) as Record<string, string>;
  const hosts = (annotations[EGRESS_HOSTS_ANNOTATION] ?? "").split(",").filter(Boolean);
  const problems: string[] = [];
  for (const [i, rule] of (spec.egress ?? []).entries()) {
    if (!rule.to || rule.to.length === 0) {
      problems.push(`egress[${i}] has no 'to': every destination`);
      continue;
    }
    for (const peer of rule.to) {
      if (!peer.ipBlock) {
        if (peer.namespaceSelector === undefined && peer.podSelector === undefined) problems.push(`egress[${i}] has an empty peer`);
        continue; // pods of the cluster
      }
      const reach = publicReach(peer.ipBlock);
      if (reach === "none") continue;
      if (reach === "some") {
        problems.push(`egress[${i}] ${JSON.stringify(peer.ipBlock)} mixes public and private addresses`);
        continue;
      }
      const ports = rule.ports ?? [];
      if (ports.length === 0 || ports.some((p) => p.port !== 443 || (p.protocol ?? "TCP") !== "TCP")) {
        problems.push(`egress[${i}] reaches the internet on ${JSON.stringify(ports)}: HTTPS only`);
      }
      if (hosts.length === 0) problems.push(`egress[${i}] reaches the internet without naming its hosts (${EGRESS_HOSTS_ANNOTATION})`);
      for (const h of hosts)
        if (!patternCovered(h, allowList)) problems.push(`egress[${i}]: host ${h} is not on the firewall's allow-list`);
    }
  }
  return problems;
}

describe.each(["dev", "uae-prod", "dev-azure", "uae-prod-azure"])("NetworkPolicies of %s", (stack) => {
  let cached: PlanResult | undefined;
  const plan = () => {
    cached ??= shippedPlan(stack);
    return cached;
  };
  const policies = () => plan().resources.filter((r) => r.type === NP);
  const nsOf = (r: PlanResource) => (r.inputs.metadata as { namespace: string }).namespace;

  it("deny all egress by default in every namespace the program creates", () => {
    const namespaces = plan()
      .resources.filter((r) => r.type === NS)
      .map((r) => (r.inputs.metadata as { name: string }).name);
    expect(namespaces.length).toBeGreaterThan(5);
    for (const ns of namespaces) {
      const deny = policies().find((p) => nsOf(p) === ns && (p.inputs.metadata as { name: string }).name === "default-deny");
      expect(deny?.inputs.spec, ns).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    }
  });

  it("let no namespace reach an address outside the allow-list", () => {
    const allowList = firewallAllowList(plan());
    expect(allowList.length).toBeGreaterThan(0);
    const problems = policies().flatMap((p) => egressProblems(p, allowList).map((m) => `${nsOf(p)}/${p.name}: ${m}`));
    expect(problems).toEqual([]);
  });

  it("open the internet only to the namespaces that need a named host", () => {
    const internet = policies().filter((p) =>
      ((p.inputs.spec as { egress?: EgressRule[] }).egress ?? []).some((r) =>
        (r.to ?? []).some((x) => x.ipBlock && publicReach(x.ipBlock) !== "none"),
      ),
    );
    const hostsOf = (p: PlanResource) =>
      (p.inputs.metadata as { annotations: Record<string, string> }).annotations[EGRESS_HOSTS_ANNOTATION];
    // ml-pipelines' feature-apply pods alone reach the declared feature repository's git host (shipped production stacks).
    const selectsFeatureApply = (p: PlanResource) =>
      JSON.stringify((p.inputs.spec as { podSelector?: unknown }).podSelector) ===
      '{"matchLabels":{"mlops.platform/step":"feature-apply"}}';
    const featureApply = internet.filter(selectsFeatureApply);
    expect(featureApply.map((p) => [nsOf(p), hostsOf(p)])).toEqual(
      stack.startsWith("uae-prod") ? [["ml-pipelines", "git.example.ae"]] : [],
    );
    const byNs = Object.fromEntries(internet.filter((p) => !selectsFeatureApply(p)).map((p) => [nsOf(p), hostsOf(p)]));
    if (stack.endsWith("-azure")) {
      // Azure workload identity exchanges tokens with Entra ID, which no private endpoint serves.
      expect(byNs.mlflow).toContain("login.microsoftonline.com");
      expect(byNs["ml-pipelines"]).toBe("login.microsoftonline.com");
    } else {
      // IRSA uses the STS interface endpoint: pipelines reach nothing on the internet.
      expect(byNs["ml-pipelines"]).toBeUndefined();
    }
    // The SSO clients reach the identity provider; nobody else does.
    for (const ns of ["argo", "mlflow", "monitoring"]) expect(byNs[ns], ns).toContain("sso.example.ae");
    for (const [ns, hosts] of Object.entries(byNs))
      if (!["argo", "mlflow", "monitoring"].includes(ns)) expect(hosts, ns).not.toContain("sso.example.ae");
  });
});

describe("the allow-list check judges meaning", () => {
  const np = (egress: EgressRule[], hosts?: string): PlanResource =>
    ({
      urn: "u",
      type: NP,
      name: "np",
      custom: true,
      inputs: {
        metadata: { name: "np", namespace: "x", ...(hosts ? { annotations: { [EGRESS_HOSTS_ANNOTATION]: hosts } } : {}) },
        spec: { egress },
      },
      outputs: {},
      dependencies: [],
    }) as unknown as PlanResource;
  const internet = { cidr: "0.0.0.0/0", except: [...NON_PUBLIC_CIDRS] };
  const https = [{ port: 443, protocol: "TCP" }];
  const allow = ["pypi.org", "*.example.ae"];

  it("flags every way of opening the internet without the firewall's names", () => {
    for (const [label, rule, hosts] of [
      ["no 'to'", { ports: https }, undefined],
      ["0.0.0.0/0", { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: https }, "pypi.org"],
      [
        "0.0.0.0/1 + 128.0.0.0/1",
        { to: [{ ipBlock: { cidr: "0.0.0.0/1" } }, { ipBlock: { cidr: "128.0.0.0/1" } }], ports: https },
        "pypi.org",
      ],
      ["a public /8", { to: [{ ipBlock: { cidr: "8.0.0.0/8" } }], ports: https }, undefined],
      ["public without hosts", { to: [{ ipBlock: internet }], ports: https }, undefined],
      ["a host not allowed", { to: [{ ipBlock: internet }], ports: https }, "evil.io"],
      ["apex of a wildcard", { to: [{ ipBlock: internet }], ports: https }, "example.ae"],
      ["every port", { to: [{ ipBlock: internet }] }, "pypi.org"],
      ["SSH", { to: [{ ipBlock: internet }], ports: [{ port: 22, protocol: "TCP" }] }, "pypi.org"],
    ] as const) {
      expect(egressProblems(np([rule as unknown as EgressRule], hosts), allow), label).not.toEqual([]);
    }
  });

  it("leaves private ranges, cluster selectors and named HTTPS hosts alone", () => {
    for (const [label, rule, hosts] of [
      ["VPC", { to: [{ ipBlock: { cidr: "10.40.0.0/16" } }], ports: https }, undefined],
      ["RFC 1918", { to: [{ ipBlock: { cidr: "172.16.0.0/12" } }] }, undefined],
      ["namespace", { to: [{ namespaceSelector: {} }] }, undefined],
      ["named host", { to: [{ ipBlock: internet }], ports: https }, "pypi.org,a.example.ae"],
    ] as const) {
      expect(egressProblems(np([rule as unknown as EgressRule], hosts), allow), label).toEqual([]);
    }
  });
});
