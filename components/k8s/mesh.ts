/**
 * In-cluster encryption and authentication: Istio in ambient mode (docs/in-cluster-encryption.md).
 *
 * - Four charts of one Istio release (`base`, `istiod`, `cni`, `ztunnel`) in `istio-system`, the
 *   only namespace besides the GPU agents' that is `privileged` (ztunnel and the CNI agent set up
 *   traffic redirection inside every pod's network namespace), and the only one outside the mesh.
 * - One mesh-wide `PeerAuthentication` (`default` in the root namespace) with `mtls.mode: STRICT`:
 *   a meshed pod refuses plain-text connections.
 * - `AuthorizationPolicy` objects for the services the issue names (MLflow, Feast, the model
 *   servers, the Argo server), derived from the same catalogue flows as their NetworkPolicies, so
 *   the two cannot drift: each flow becomes an ALLOW rule on the identities (`principals`) that may
 *   make it and the ports it names. Every rule is L4 (identity, namespace, port, address), which
 *   ztunnel enforces; no waypoint is deployed (the MLflow gate already judges methods and paths).
 */

import * as pulumi from "@pulumi/pulumi";
import { NAMESPACES } from "../../contracts/endpoints";
import { HBONE_PORT, ISTIOD_PORTS, MESH_ROOT_NAMESPACE, meshPrincipal } from "../../contracts/mesh";
import { CHARTS, IMAGES, imageRef } from "../../contracts/versions";
import { ArgsCheck } from "../validate";
import { helmRelease } from "./helm";
import { type ImageCacheInput, viaCache } from "./image-cache";
import { flows, type NetworkFlow, type NetworkPeer } from "./namespace";
import * as k8s from "./sdk";
import { resources } from "./security";
import type { CatalogueContext, PlatformServiceDescriptor } from "./service";

/** The Istio release every chart of the mesh comes from (the four pins must agree; a test checks it). */
export const ISTIO_CHARTS = [CHARTS.istioBase, CHARTS.istiod, CHARTS.istioCni, CHARTS.ztunnel] as const;

/** Catalogue keys of the services whose inbound traffic is authorized by workload identity. */
export const AUTHORIZED_SERVICES = ["mlflow", "feast", "serving", "argo-workflows"] as const;

/** The mesh-wide PeerAuthentication: STRICT mutual TLS for every meshed pod. */
export function peerAuthenticationManifest(): Record<string, unknown> {
  return {
    apiVersion: "security.istio.io/v1",
    kind: "PeerAuthentication",
    metadata: { name: "default", namespace: MESH_ROOT_NAMESPACE },
    spec: { mtls: { mode: "STRICT" } },
  };
}

/** Resolves a namespace-label peer to the namespaces that carry the labels (e.g. every pipeline namespace). */
export type NamespaceResolver = (labels: Readonly<Record<string, string>>) => readonly string[];

type Source = Record<string, string[]>;

/** The `source` clauses of one peer, or undefined when the peer cannot be named by the mesh. */
function sourcesOf(peer: NetworkPeer, resolve: NamespaceResolver, own: string): Source[] {
  const principals = (namespaces: readonly string[], accounts?: readonly string[]) =>
    namespaces.flatMap((ns) => (accounts?.length ? accounts.map((sa) => meshPrincipal(ns, sa)) : [meshPrincipal(ns, "*")]));
  if ("internet" in peer) return [];
  if ("cidr" in peer) return [{ ipBlocks: [peer.cidr], ...(peer.except?.length ? { notIpBlocks: [...peer.except] } : {}) }];
  if ("allNamespaces" in peer) return [{ principals: ["*"] }];
  if ("namespaceLabels" in peer) {
    const namespaces = resolve(peer.namespaceLabels);
    return namespaces.length ? [{ principals: principals(namespaces, peer.serviceAccounts) }] : [];
  }
  if ("namespace" in peer) return [{ principals: principals([peer.namespace], peer.serviceAccounts) }];
  // Pods of the same namespace (by labels): the mesh names the namespace's identities.
  return [{ principals: principals([own]) }];
}

/** One ALLOW rule of a flow: who (the flow's peers) and which ports. Undefined when no peer resolves. */
export function flowRule(flow: NetworkFlow, resolve: NamespaceResolver, own: string): Record<string, unknown> | undefined {
  const from = flow.peers.flatMap((p) => sourcesOf(p, resolve, own)).map((source) => ({ source }));
  if (from.length === 0) return undefined;
  return {
    from,
    ...(flow.ports?.length ? { to: [{ operation: { ports: flow.ports.map((p) => String(p.port)) } }] } : {}),
  };
}

/**
 * The AuthorizationPolicies of a namespace, from the same inbound flows as its NetworkPolicies:
 * `allow-declared-flows` (every pod: its own namespace plus the flows without `podLabels`) and one
 * `allow-declared-flows-<n>` per pod set that has flows of its own. ALLOW policies add up like
 * NetworkPolicies, and a pod that one of them selects refuses every request none of them allows.
 */
export function authorizationPolicyManifests(
  namespace: string,
  ingress: readonly NetworkFlow[],
  resolve: NamespaceResolver,
): Record<string, unknown>[] {
  const policy = (name: string, rules: Record<string, unknown>[], selector?: Readonly<Record<string, string>>) => ({
    apiVersion: "security.istio.io/v1",
    kind: "AuthorizationPolicy",
    metadata: { name, namespace },
    spec: { ...(selector ? { selector: { matchLabels: { ...selector } } } : {}), action: "ALLOW", rules },
  });
  const rulesOf = (list: readonly NetworkFlow[]) =>
    list.flatMap((f) => {
      const r = flowRule(f, resolve, namespace);
      return r ? [r] : [];
    });
  const sameNamespace = { from: [{ source: { namespaces: [namespace] } }] };
  const out = [policy("allow-declared-flows", [sameNamespace, ...rulesOf(ingress.filter((f) => !f.podLabels))])];
  const scoped = new Map<string, { labels: Readonly<Record<string, string>>; flows: NetworkFlow[] }>();
  for (const f of ingress) {
    if (!f.podLabels) continue;
    const key = JSON.stringify(Object.entries(f.podLabels).sort());
    const entry = scoped.get(key) ?? { labels: f.podLabels, flows: [] };
    entry.flows.push(f);
    scoped.set(key, entry);
  }
  let i = 0;
  for (const entry of scoped.values()) {
    const rules = rulesOf(entry.flows);
    if (rules.length) out.push(policy(`allow-declared-flows-${i++}`, rules, entry.labels));
  }
  return out;
}

/**
 * The `cni` chart's values. They are the same on both clouds: Istio's platform prerequisites name
 * no chart setting for EKS (Amazon VPC CNI) or AKS (Azure CNI); what each cloud needs outside the
 * chart is in docs/in-cluster-encryption.md ("Per cloud").
 */
export function istioCniValues(imageCache?: ImageCacheInput): Record<string, unknown> {
  return {
    profile: "ambient",
    image: viaCache(imageCache, imageRef(IMAGES.istioCni)),
    // Both managed CNIs (EKS: Amazon VPC CNI; AKS: Azure CNI overlay with the Cilium dataplane)
    // keep the standard paths; the agent chains itself after the cloud's CNI configuration.
    cniBinDir: "/opt/cni/bin",
    cniConfDir: "/etc/cni/net.d",
    chained: true,
    ambient: {
      enabled: true,
      dnsCapture: true,
      // EKS nodes and AKS overlay pods are IPv4 only.
      ipv6: false,
    },
    // Kubelet probes to meshed pods are SNATed by the agent; repairing pods that started before it is safe on both.
    repair: { enabled: true, repairPods: true },
    resources: resources("small"),
    seccompProfile: { type: "RuntimeDefault" },
    global: { networkPolicy: { enabled: false } },
  };
}

/** The `istiod` chart's values: ambient profile, no telemetry, no call-outs. */
export function istiodValues(replicas: number, imageCache?: ImageCacheInput): Record<string, unknown> {
  return {
    profile: "ambient",
    image: viaCache(imageCache, imageRef(IMAGES.istioPilot)),
    replicaCount: Math.max(1, replicas),
    autoscaleEnabled: false,
    resources: resources("medium"),
    seccompProfile: { type: "RuntimeDefault" },
    // Istio's own telemetry (Envoy stats filters) is off; ztunnel's metrics stay local for Prometheus.
    telemetry: { enabled: false },
    meshConfig: { enableTracing: false, accessLogFile: "", trustDomain: "cluster.local" },
    // The catalogue's NetworkPolicies cover istio-system; the charts' own would allow all egress.
    global: { networkPolicy: { enabled: false } },
  };
}

/** The `ztunnel` chart's values. */
export function ztunnelValues(imageCache?: ImageCacheInput): Record<string, unknown> {
  return {
    profile: "ambient",
    image: viaCache(imageCache, imageRef(IMAGES.istioZtunnel)),
    resources: resources("medium"),
    logLevel: "info",
    global: { networkPolicy: { enabled: false } },
  };
}

/** A namespace whose inbound traffic the mesh authorizes, with the flows its NetworkPolicies are made of. */
export interface AuthorizedNamespace {
  readonly namespace: string;
  readonly ingress: readonly NetworkFlow[];
  /**
   * What creates the namespace when it is not one of the catalogue's (a team).
   * @default none — a catalogue namespace, created before the mesh
   */
  readonly dependsOn?: readonly pulumi.Resource[];
}

/** Arguments of {@link IstioMesh}. */
export interface IstioMeshArgs {
  /** `istio-system`, created by the catalogue (privileged, outside the mesh). */
  readonly namespace: pulumi.Input<string>;
  /** istiod replicas (the profile's service replicas). */
  readonly replicas: number;
  /** The inbound flows of each namespace whose traffic the mesh authorizes. */
  readonly authorized: readonly AuthorizedNamespace[];
  /** The namespaces that carry a set of labels (the pipeline namespaces). */
  readonly resolveNamespaces: NamespaceResolver;
  readonly dependsOn: readonly pulumi.Resource[];
  /**
   * The stack registry's pull-through cache: Istio's images come through it.
   * @default none (from Docker Hub)
   */
  readonly imageCache?: ImageCacheInput;
}

/** Every problem with the args (empty when valid). */
export function istioMeshProblems(args: Pick<IstioMeshArgs, "replicas" | "authorized">): string[] {
  const p: string[] = [];
  if (!Number.isInteger(args.replicas) || args.replicas < 1) p.push(`replicas: ${args.replicas} must be an integer ≥ 1 (istiod replicas)`);
  const versions = [...new Set(ISTIO_CHARTS.map((c) => c.version))];
  if (versions.length !== 1)
    p.push(`CHARTS: the Istio charts are pinned to ${versions.join(", ")}; base, istiod, cni and ztunnel must share one version`);
  const names = args.authorized.map((a) => a.namespace);
  for (const n of names.filter((v, i) => names.indexOf(v) !== i))
    p.push(`authorized: namespace "${n}" appears twice; give each namespace's inbound flows once`);
  if (names.includes(MESH_ROOT_NAMESPACE))
    p.push(`authorized: "${MESH_ROOT_NAMESPACE}" is outside the mesh; its traffic cannot be authorized by identity`);
  return p;
}

/** Istio ambient: the charts, STRICT mTLS mesh-wide and the identity-based AuthorizationPolicies. */
export class IstioMesh extends pulumi.ComponentResource {
  /** ztunnel, the last chart: what must be running before meshed pods start talking. */
  public readonly ztunnel: k8s.helm.v3.Release;

  constructor(name: string, args: IstioMeshArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops-platform:k8s:IstioMesh", name, {}, opts);
    new ArgsCheck("mlops-platform:k8s:IstioMesh", name).problems(istioMeshProblems(args)).done();
    const release = (role: string, chart: (typeof ISTIO_CHARTS)[number], values: Record<string, unknown>, after: pulumi.Resource[]) =>
      helmRelease(
        `${name}-${role}`,
        { chart, releaseName: role, namespace: args.namespace, values },
        { parent: this, dependsOn: [...args.dependsOn, ...after] },
      );
    const base = release("istio-base", CHARTS.istioBase, { defaultRevision: "default" }, []);
    const istiod = release("istiod", CHARTS.istiod, istiodValues(args.replicas, args.imageCache), [base]);
    const cni = release("istio-cni", CHARTS.istioCni, istioCniValues(args.imageCache), [istiod]);
    this.ztunnel = release("ztunnel", CHARTS.ztunnel, ztunnelValues(args.imageCache), [cni]);

    const cr = (m: Record<string, unknown>, resourceName: string, after: readonly pulumi.Resource[] = []) =>
      new k8s.apiextensions.CustomResource(
        resourceName,
        {
          apiVersion: m.apiVersion as string,
          kind: m.kind as string,
          metadata: m.metadata as k8s.types.input.meta.v1.ObjectMeta,
          spec: m.spec as Record<string, unknown>,
        },
        { parent: this, dependsOn: [...args.dependsOn, base, istiod, ...after] },
      );
    cr(peerAuthenticationManifest(), `${name}-strict-mtls`);
    for (const a of args.authorized) {
      for (const m of authorizationPolicyManifests(a.namespace, a.ingress, args.resolveNamespaces)) {
        cr(m, `${name}-authz-${a.namespace}-${(m.metadata as { name: string }).name}`, a.dependsOn);
      }
    }
    this.registerOutputs({ ztunnel: this.ztunnel });
  }
}

/** Catalogue entry: the mesh's own namespace (privileged, the one namespace outside the mesh). */
export const meshService: PlatformServiceDescriptor = {
  key: "mesh",
  namespace: {
    name: MESH_ROOT_NAMESPACE,
    podSecurity: "privileged",
    reason:
      "ztunnel and the Istio CNI agent set up traffic redirection inside every pod's network namespace (NET_ADMIN, SYS_ADMIN, host paths for the CNI binary and configuration)",
    meshExemptReason:
      "the mesh's own control plane and node proxies: ztunnel cannot proxy itself, and istiod must be reachable by ztunnel before any identity exists",
  },
  charts: [...ISTIO_CHARTS],
  ingress: ({ networkCidr }: CatalogueContext) => [flows.webhook(networkCidr, ISTIOD_PORTS.webhook), flows.scrape()],
  egress: ({ networkCidr }: CatalogueContext) => [flows.apiServer(networkCidr)],
  // Two DaemonSets per node (ztunnel 250m/512Mi, limit 1 CPU; CNI agent 100m/256Mi, limit 500m) and
  // istiod: limits of 1.5 CPU and 0.75 GiB per node fit 50 nodes (the enterprise pools reach 38).
  quota: { cpu: 40, memoryGiB: 64 },
};

/** The ports a meshed connection uses besides the service's own: HBONE (documentation and tests). */
export const MESH_PORTS = { hbone: HBONE_PORT, ...ISTIOD_PORTS } as const;

/** The namespaces whose services {@link AUTHORIZED_SERVICES} protect (for docs and tests). */
export const AUTHORIZED_NAMESPACES = [NAMESPACES.mlflow, NAMESPACES.feast, NAMESPACES.serving, NAMESPACES.argo] as const;
