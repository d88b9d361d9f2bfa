/**
 * The baseline every platform and team namespace gets: Pod Security Admission labels
 * (`restricted` enforced), a default-deny NetworkPolicy for ingress and egress, one
 * NetworkPolicy listing the flows the namespace's services need, a ResourceQuota and a
 * LimitRange. Every namespace is enrolled in the Istio ambient mesh (`istio.io/dataplane-mode:
 * ambient`) unless it says why not (only the mesh's own namespace does), and its NetworkPolicies
 * admit the mesh's tunnel (HBONE, TCP 15008) exactly between the peers its flows already admit.
 */

import * as pulumi from "@pulumi/pulumi";
import { type Cidr, contains, parseCidr } from "../../contracts/cidr";
import { EGRESS_HOSTS_ANNOTATION, INTERNET_PORTS, NON_PUBLIC_CIDRS, PRIVATE_CIDRS } from "../../contracts/egress";
import { NAMESPACES } from "../../contracts/endpoints";
import {
  AMBIENT_LABEL,
  HBONE_PORT,
  KUBELET_PROBE_SNAT_CIDR,
  MESH_EXEMPT_ANNOTATION,
  POD_SECURITY_REASON_ANNOTATION,
} from "../../contracts/mesh";
import { ArgsCheck } from "../validate";
import * as k8s from "./sdk";
import { type PodSecurityLevel, podSecurityLabels } from "./security";

/** Where traffic comes from or goes to. */
export type NetworkPeer =
  /**
   * Pods of a namespace (optionally only those with these labels). `serviceAccounts` names the
   * identities of that namespace that make the call: the mesh's AuthorizationPolicies admit only
   * those principals (`cluster.local/ns/<namespace>/sa/<sa>`); absent, any account of the namespace.
   */
  | {
      readonly namespace: string;
      readonly podLabels?: Readonly<Record<string, string>>;
      readonly serviceAccounts?: readonly string[];
    }
  /** Pods with these labels in the same namespace. */
  | { readonly podLabels: Readonly<Record<string, string>> }
  /** An address block (e.g. the VPC/VNet for managed databases). */
  | { readonly cidr: string; readonly except?: readonly string[] }
  /** Pods of every namespace carrying these labels (e.g. every pipeline namespace); `serviceAccounts` as for a namespace peer. */
  | { readonly namespaceLabels: Readonly<Record<string, string>>; readonly serviceAccounts?: readonly string[] }
  /** Every pod in every namespace (monitoring scrapes, the ingress controller's backends). */
  | { readonly allNamespaces: true }
  /**
   * Internet hosts, reached only through the in-region egress firewall, which admits them by
   * name. A NetworkPolicy cannot name hosts: the policy admits public addresses on HTTPS only
   * (never private, link-local or metadata addresses) and records the hosts in the
   * {@link EGRESS_HOSTS_ANNOTATION} annotation, which the pack checks against the firewall's allow-list.
   */
  | { readonly internet: readonly string[] };

/** One allowed flow. */
export interface NetworkFlow {
  /** Short reason, kept as documentation of the policy. */
  readonly description: string;
  readonly peers: readonly NetworkPeer[];
  /** Ports; empty or absent means every port. */
  readonly ports?: readonly { readonly port: number; readonly protocol?: "TCP" | "UDP" }[];
  /** Pods of this namespace the flow applies to; absent means every pod. */
  readonly podLabels?: Readonly<Record<string, string>>;
}

/** Quota of a namespace. */
export interface NamespaceQuota {
  readonly cpu: number;
  readonly memoryGiB: number;
  /** `nvidia.com/gpu` requests allowed; 0 forbids GPUs in the namespace. */
  readonly gpu: number;
  /** @default 200 */
  readonly pods?: number;
}

/** Arguments of {@link PlatformNamespace}. */
export interface PlatformNamespaceArgs {
  /** Namespace name (a contract with the cloud layer's workload-identity bindings). */
  readonly name: string;
  /**
   * Pod Security Standard enforced.
   * @default "restricted" — only the node-agent namespace (GPU device plugin, DCGM, node exporter) is `privileged`.
   */
  readonly podSecurity?: PodSecurityLevel;
  /**
   * Why the namespace needs less than `restricted` (required then): written on the namespace
   * (`mlops.platform/pod-security-reason`), where reviews and the policy pack read it.
   */
  readonly podSecurityReason?: string;
  /** Allowed inbound flows besides same-namespace traffic. */
  readonly ingress: readonly NetworkFlow[];
  /** Allowed outbound flows besides DNS and same-namespace traffic. */
  readonly egress: readonly NetworkFlow[];
  readonly quota: NamespaceQuota;
  /** Extra namespace labels. */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Why the namespace stays out of the Istio ambient mesh. Absent (the default), the namespace is
   * labelled `istio.io/dataplane-mode: ambient`: its pods' traffic is mutually authenticated and
   * encrypted by ztunnel, and STRICT mTLS refuses plain-text connections to them.
   * @default undefined — enrolled in the mesh
   */
  readonly meshExemptReason?: string;
  /**
   * Keep the namespace (and so everything in it: secrets, volumes) when it leaves the program or
   * the stack is destroyed. On in protected (production) stacks.
   * @default false
   */
  readonly retainOnDelete?: boolean;
}

const DNS_PEER: NetworkPeer = { namespace: "kube-system", podLabels: { "k8s-app": "kube-dns" } };

/** Named internet hosts over HTTPS, through the egress firewall. */
function internetFlow(description: string, hosts: readonly string[], podLabels?: Record<string, string>): NetworkFlow {
  return {
    description,
    peers: [{ internet: [...hosts] }],
    ports: INTERNET_PORTS.map((port) => ({ port, protocol: "TCP" as const })),
    ...(podLabels ? { podLabels } : {}),
  };
}

/** Common flows, so that each service's policy reads as a list of intents. */
export const flows = {
  /** The Kubernetes API server (private endpoint inside the VPC/VNet). */
  apiServer(networkCidr: string): NetworkFlow {
    return {
      description: "Kubernetes API server",
      peers: [{ cidr: networkCidr }],
      ports: [
        { port: 443, protocol: "TCP" },
        { port: 6443, protocol: "TCP" },
      ],
    };
  },
  /** PostgreSQL of the cloud layer (private endpoint in the VPC/VNet), TLS enforced by the server. */
  postgres(networkCidr: string): NetworkFlow {
    return { description: "managed PostgreSQL (TLS)", peers: [{ cidr: networkCidr }], ports: [{ port: 5432, protocol: "TCP" }] };
  },
  /** Redis of the cloud layer (TLS ports of ElastiCache and Azure Cache). */
  redis(networkCidr: string): NetworkFlow {
    return {
      description: "managed Redis (TLS)",
      peers: [{ cidr: networkCidr }],
      ports: [
        { port: 6379, protocol: "TCP" },
        { port: 6380, protocol: "TCP" },
      ],
    };
  },
  /**
   * HTTPS to cloud APIs (object store, STS, KMS, queues, registry) through their private / VPC
   * endpoints, which live on private addresses; plus `identityHosts`, the token endpoints no
   * private endpoint serves (Entra ID for Azure workload identity), through the firewall.
   */
  cloudApis(identityHosts: readonly string[] = []): NetworkFlow {
    return {
      description: "cloud APIs through private endpoints over HTTPS",
      peers: [...PRIVATE_CIDRS.map((cidr) => ({ cidr })), ...(identityHosts.length ? [{ internet: [...identityHosts] }] : [])],
      ports: [{ port: 443, protocol: "TCP" }],
    };
  },
  /** The SSO clients' flow to the OIDC issuer (none when Dex, in the cluster, is the issuer). */
  issuer(ctx: { readonly internet?: { readonly issuerHosts: readonly string[] } }): NetworkFlow[] {
    const hosts = ctx.internet?.issuerHosts ?? [];
    return hosts.length ? [internetFlow("OIDC issuer (SSO discovery and token exchange)", hosts)] : [];
  },
  /** Named internet hosts over HTTPS, through the egress firewall. */
  internet(description: string, hosts: readonly string[], podLabels?: Record<string, string>): NetworkFlow {
    return internetFlow(description, hosts, podLabels);
  },
  /** Pods of another namespace on given ports. */
  namespace(description: string, namespace: string, ports: readonly number[], podLabels?: Record<string, string>): NetworkFlow {
    return {
      description,
      peers: [podLabels ? { namespace, podLabels } : { namespace }],
      ports: ports.map((port) => ({ port, protocol: "TCP" as const })),
    };
  },
  /** The internal ingress controller reaching a service's pods on given ports. */
  fromIngress(ports: readonly number[], podLabels?: Record<string, string>): NetworkFlow {
    return { ...flows.namespace("internal ingress controller", NAMESPACES.ingress, ports), ...(podLabels ? { podLabels } : {}) };
  },
  /** Prometheus scraping every port of the namespace. */
  scrape(): NetworkFlow {
    return flows.namespace("Prometheus scrape", NAMESPACES.monitoring, []);
  },
  /** Admission webhooks called by the control plane (from the VPC/VNet, or through kube-system tunnels on AKS). */
  webhook(networkCidr: string, port: number, podLabels?: Record<string, string>): NetworkFlow {
    return {
      description: "admission webhook calls from the control plane",
      peers: [{ cidr: networkCidr }, { namespace: "kube-system" }],
      ports: [{ port, protocol: "TCP" }],
      ...(podLabels ? { podLabels } : {}),
    };
  },
} as const;

/** The address block of "the internet through the firewall": every public IPv4 address. */
export const INTERNET_IP_BLOCK = { cidr: "0.0.0.0/0", except: [...NON_PUBLIC_CIDRS] } as const;

function peerSpec(peer: NetworkPeer): Record<string, unknown> {
  if ("internet" in peer) return { ipBlock: { cidr: INTERNET_IP_BLOCK.cidr, except: [...INTERNET_IP_BLOCK.except] } };
  if ("cidr" in peer) return { ipBlock: { cidr: peer.cidr, ...(peer.except?.length ? { except: [...peer.except] } : {}) } };
  if ("allNamespaces" in peer) return { namespaceSelector: {}, podSelector: {} };
  if ("namespaceLabels" in peer) return { namespaceSelector: { matchLabels: { ...peer.namespaceLabels } } };
  if ("namespace" in peer) {
    return {
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": peer.namespace } },
      ...(peer.podLabels ? { podSelector: { matchLabels: { ...peer.podLabels } } } : {}),
    };
  }
  return { podSelector: { matchLabels: { ...peer.podLabels } } };
}

function ruleSpec(flow: NetworkFlow, direction: "from" | "to"): Record<string, unknown> {
  return {
    [direction]: flow.peers.filter((p) => !("internet" in p)).map(peerSpec),
    ...(flow.ports?.length ? { ports: flow.ports.map((p) => ({ port: p.port, protocol: p.protocol ?? "TCP" })) } : {}),
  };
}

/** True for peers that are pods (and so, in the mesh, reached through HBONE). */
function isPodPeer(p: NetworkPeer): boolean {
  return "namespace" in p || "namespaceLabels" in p || "allNamespaces" in p || ("podLabels" in p && !("cidr" in p));
}

/**
 * A flow's rule, plus (when it names ports and pods) the same pod peers on HBONE: nothing but
 * 15008 is added, and only towards or from peers the flow already admits.
 */
function withHbone(flow: NetworkFlow, direction: "from" | "to"): Record<string, unknown>[] {
  const base = ruleSpec(flow, direction);
  const pods = flow.peers.filter(isPodPeer);
  if (!flow.ports?.length || pods.length === 0 || flow.ports.some((p) => p.port === HBONE_PORT)) return [base];
  return [base, { [direction]: pods.map(peerSpec), ports: [{ port: HBONE_PORT, protocol: "TCP" }] }];
}

/** True when the flow names internet hosts. */
function internetHosts(flow: NetworkFlow): string[] {
  return flow.peers.flatMap((p) => ("internet" in p ? [...p.internet] : []));
}

/** A flow without its internet peers (undefined when nothing else is left). */
function withoutInternet(flow: NetworkFlow): NetworkFlow | undefined {
  const peers = flow.peers.filter((p) => !("internet" in p));
  return peers.length ? { ...flow, peers } : undefined;
}

/**
 * The NetworkPolicy specs of a namespace: `default-deny` (every pod, both directions) and
 * `allow-<flows>` with DNS, same-namespace traffic and the declared flows. A flow restricted to
 * some pods (`podLabels`) gets its own policy, since a NetworkPolicy selects pods as a whole.
 */
export function networkPolicySpecs(
  args: Pick<PlatformNamespaceArgs, "ingress" | "egress" | "meshExemptReason">,
): { name: string; spec: Record<string, unknown>; annotations?: Record<string, string> }[] {
  const ambient = args.meshExemptReason === undefined;
  // In the mesh, a connection from pod A to port P of pod B leaves A as HBONE to B:15008 (ztunnel
  // runs inside each pod's network namespace), so every flow between pods also admits 15008 to the
  // same peers; the original port is then enforced by the AuthorizationPolicies (mesh.ts).
  const rules = (f: NetworkFlow, dir: "from" | "to") => (ambient ? withHbone(f, dir) : [ruleSpec(f, dir)]);
  // Internet flows get policies of their own, annotated with the hosts they are for.
  const internetFlows = args.egress.filter((f) => internetHosts(f).length > 0);
  const egress = args.egress.flatMap((f) => {
    const rest = withoutInternet(f);
    return rest ? [rest] : [];
  });
  args = { ingress: args.ingress, egress };
  const sameNamespace = { podSelector: {} };
  const dns = {
    to: [peerSpec(DNS_PEER)],
    ports: [
      { port: 53, protocol: "UDP" },
      { port: 53, protocol: "TCP" },
    ],
  };
  const base = {
    podSelector: {},
    policyTypes: ["Ingress", "Egress"],
    ingress: [
      { from: [sameNamespace] },
      // ztunnel answers the kubelet's probes from a link-local address (Istio's documented SNAT).
      ...(ambient ? [{ from: [{ ipBlock: { cidr: KUBELET_PROBE_SNAT_CIDR } }] }] : []),
      ...args.ingress.filter((f) => !f.podLabels).flatMap((f) => rules(f, "from")),
    ],
    egress: [dns, { to: [sameNamespace] }, ...args.egress.filter((f) => !f.podLabels).flatMap((f) => rules(f, "to"))],
  };
  const out: { name: string; spec: Record<string, unknown>; annotations?: Record<string, string> }[] = [
    { name: "default-deny", spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } },
    { name: "allow-baseline", spec: base },
  ];
  const internetBySelector = new Map<string, { labels?: Record<string, string>; hosts: Set<string> }>();
  for (const f of internetFlows) {
    const key = f.podLabels ? JSON.stringify(Object.entries(f.podLabels).sort()) : "";
    const entry = internetBySelector.get(key) ?? { ...(f.podLabels ? { labels: { ...f.podLabels } } : {}), hosts: new Set<string>() };
    for (const h of internetHosts(f)) entry.hosts.add(h);
    internetBySelector.set(key, entry);
  }
  let n = 0;
  for (const entry of internetBySelector.values()) {
    out.push({
      name: n === 0 ? "allow-internet" : `allow-internet-${n}`,
      annotations: { [EGRESS_HOSTS_ANNOTATION]: [...entry.hosts].sort().join(",") },
      spec: {
        podSelector: entry.labels ? { matchLabels: entry.labels } : {},
        policyTypes: ["Egress"],
        egress: [
          {
            to: [{ ipBlock: { cidr: INTERNET_IP_BLOCK.cidr, except: [...INTERNET_IP_BLOCK.except] } }],
            ports: INTERNET_PORTS.map((port) => ({ port, protocol: "TCP" })),
          },
        ],
      },
    });
    n++;
  }
  // Flows limited to some pods: group by selector so each pod set gets one policy.
  const scoped = new Map<string, { labels: Record<string, string>; ingress: NetworkFlow[]; egress: NetworkFlow[] }>();
  for (const [dir, list] of [
    ["ingress", args.ingress],
    ["egress", args.egress],
  ] as const) {
    for (const f of list) {
      if (!f.podLabels) continue;
      const key = JSON.stringify(Object.entries(f.podLabels).sort());
      const entry = scoped.get(key) ?? { labels: { ...f.podLabels }, ingress: [], egress: [] };
      entry[dir].push(f);
      scoped.set(key, entry);
    }
  }
  let i = 0;
  for (const entry of scoped.values()) {
    const types = [...(entry.ingress.length ? ["Ingress"] : []), ...(entry.egress.length ? ["Egress"] : [])];
    out.push({
      name: `allow-scoped-${i++}`,
      spec: {
        podSelector: { matchLabels: entry.labels },
        policyTypes: types,
        ...(entry.ingress.length ? { ingress: entry.ingress.flatMap((f) => rules(f, "from")) } : {}),
        ...(entry.egress.length ? { egress: entry.egress.flatMap((f) => rules(f, "to")) } : {}),
      } as typeof base,
    });
  }
  return out;
}

/** The ResourceQuota `hard` map of a quota. */
export function quotaHard(q: NamespaceQuota): Record<string, string> {
  return {
    "requests.cpu": String(q.cpu),
    "limits.cpu": String(q.cpu * 2),
    "requests.memory": `${q.memoryGiB}Gi`,
    "limits.memory": `${q.memoryGiB}Gi`,
    "requests.nvidia.com/gpu": String(q.gpu),
    pods: String(q.pods ?? 200),
    "services.loadbalancer": "0",
    "services.nodeports": "0",
  };
}

/** True when every address of `cidr` is private, link-local or otherwise not on the internet. */
export function cidrIsNonPublic(cidr: string): boolean {
  const inner = parseCidr(cidr);
  return inner !== undefined && NON_PUBLIC_CIDRS.some((outer) => contains(parseCidr(outer) as Cidr, inner));
}

/** Problems with namespace args (empty when valid). */
export function namespaceArgsProblems(args: PlatformNamespaceArgs): string[] {
  const problems: string[] = [];
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(args.name)) {
    problems.push(`name: "${args.name}" is not a DNS label; use lowercase letters, digits and '-' (63 characters at most)`);
  }
  if (!(args.quota.cpu > 0)) problems.push(`quota.cpu: ${args.quota.cpu} must be a positive number of cores`);
  if (!(args.quota.memoryGiB > 0)) problems.push(`quota.memoryGiB: ${args.quota.memoryGiB} must be a positive number of GiB`);
  if (!(args.quota.gpu >= 0) || !Number.isInteger(args.quota.gpu)) problems.push(`quota.gpu: ${args.quota.gpu} must be an integer ≥ 0`);
  if ((args.podSecurity ?? "restricted") !== "restricted" && (args.podSecurityReason ?? "").trim().length < 10)
    problems.push(
      `podSecurityReason: "${args.podSecurityReason ?? ""}" must say why the namespace needs pod security "${args.podSecurity}" (10 characters at least)`,
    );
  if (args.meshExemptReason !== undefined && args.meshExemptReason.trim().length < 10)
    problems.push(`meshExemptReason: "${args.meshExemptReason}" must say why the namespace stays out of the mesh (10 characters at least)`);
  for (const f of [...args.ingress, ...args.egress]) {
    for (const p of f.peers) {
      if ("cidr" in p && p.cidr === "0.0.0.0/0" && args.ingress.includes(f)) {
        problems.push(`ingress "${f.description}": 0.0.0.0/0 would admit any source; name the networks that may connect`);
      }
      if ("cidr" in p && args.egress.includes(f) && !cidrIsNonPublic(p.cidr)) {
        problems.push(
          `egress "${f.description}": ${p.cidr} reaches public addresses; name the internet hosts with flows.internet() so the egress firewall's allow-list covers them`,
        );
      }
      if ("internet" in p && args.ingress.includes(f)) problems.push(`ingress "${f.description}": internet peers are for egress only`);
      if ("internet" in p && p.internet.length === 0) problems.push(`egress "${f.description}": name at least one internet host`);
    }
  }
  return problems;
}

/** A namespace with the platform baseline. */
export class PlatformNamespace extends pulumi.ComponentResource {
  /** The namespace name (plain, so manifests stay readable; order dependents with {@link namespace}). */
  public readonly name: string;
  /** The Namespace resource, for explicit `dependsOn`. */
  public readonly namespace: k8s.core.v1.Namespace;

  constructor(name: string, args: PlatformNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops-platform:k8s:PlatformNamespace", name, {}, opts);
    new ArgsCheck("mlops-platform:k8s:PlatformNamespace", name).problems(namespaceArgsProblems(args)).done();

    const level = args.podSecurity ?? "restricted";
    this.namespace = new k8s.core.v1.Namespace(
      `${name}-ns`,
      {
        metadata: {
          name: args.name,
          labels: {
            ...args.labels,
            ...podSecurityLabels(level),
            ...(args.meshExemptReason === undefined ? { ...AMBIENT_LABEL } : {}),
            "app.kubernetes.io/part-of": "mlops-platform",
          },
          annotations: {
            ...(args.meshExemptReason === undefined ? {} : { [MESH_EXEMPT_ANNOTATION]: args.meshExemptReason }),
            ...(level === "restricted" ? {} : { [POD_SECURITY_REASON_ANNOTATION]: args.podSecurityReason ?? "" }),
          },
        },
      },
      { parent: this, retainOnDelete: args.retainOnDelete === true },
    );
    this.name = args.name;
    const ns = args.name;
    const child = { parent: this, dependsOn: [this.namespace] };

    for (const np of networkPolicySpecs(args)) {
      new k8s.networking.v1.NetworkPolicy(
        `${name}-${np.name}`,
        {
          metadata: { name: np.name, namespace: ns, ...(np.annotations ? { annotations: np.annotations } : {}) },
          spec: np.spec as unknown as k8s.types.input.networking.v1.NetworkPolicySpec,
        },
        child,
      );
    }
    new k8s.core.v1.ResourceQuota(
      `${name}-quota`,
      { metadata: { name: "baseline", namespace: ns }, spec: { hard: quotaHard(args.quota) } },
      child,
    );
    new k8s.core.v1.LimitRange(
      `${name}-limits`,
      {
        metadata: { name: "baseline", namespace: ns },
        spec: {
          limits: [
            {
              type: "Container",
              default: { cpu: "500m", memory: "512Mi" },
              defaultRequest: { cpu: "100m", memory: "256Mi" },
              max: { memory: `${Math.max(1, Math.min(args.quota.memoryGiB, 256))}Gi` },
            },
          ],
        },
      },
      child,
    );
    this.registerOutputs({ name: this.name, namespace: this.namespace });
  }
}
