/**
 * The descriptor every platform service declares, in its own module, once: its namespace (with
 * the pod-security level and, when not `restricted`, why), the charts it installs, the workload
 * identity its service accounts assume and what that identity may touch, the network flows in
 * and out of its namespace, its quota, and its ingress route. The catalogue (`catalogue.ts`) lists
 * the descriptors; the namespaces, the routes and URL outputs of `PlatformServices`, the stack's
 * workload identities, the namespace list and the policy pack's platform namespaces are derived
 * from that one list.
 */
import type { ChartPin } from "../../contracts/versions";
import type { WorkloadIdentitySpec } from "../contracts";
import type { NamespaceQuota, NetworkFlow } from "./namespace";
import type { PodSecurityLevel } from "./security";

/** What a descriptor's flows and presence may depend on: the stack's network and identity settings. */
export interface CatalogueContext {
  /** The VPC/VNet CIDR (managed databases, cache and API server endpoints live there). */
  readonly networkCidr: string;
  /**
   * The models built from their git repository (`models[].training.repository`): the build
   * namespace exists only when there is one, and reaches only their hosts.
   * @default [] — no in-cluster builds
   */
  readonly imageBuilds?: readonly { readonly team: string; readonly model: string; readonly cloneUrl: string }[];
  /**
   * The declared feature repository's git host (`services.feast.repository`): `ml-pipelines`'
   * feature-apply pods reach it through the egress firewall.
   * @default [] — no feature repository
   */
  readonly featureRepositoryHosts?: readonly string[];
  /** The LDAP directory (`host:port`) when Dex fronts it; absent with an OIDC issuer. */
  readonly ldapHost?: string;
  /**
   * Internet hosts reached through the egress firewall, by who needs them (docs/egress.md).
   * @default none — no namespace reaches the internet
   */
  readonly internet?: {
    /** Token endpoints of workload identity that no private endpoint serves (Entra ID on Azure). */
    readonly cloudApiHosts: readonly string[];
    /** The OIDC issuer, for the SSO clients (Argo server, oauth2-proxy, Grafana); none with Dex. */
    readonly issuerHosts: readonly string[];
    /** The stack's `network.egress.allowedHosts`, for the pipeline namespaces. */
    readonly pipelineHosts: readonly string[];
  };
}

/** The namespace of a platform service. */
export interface ServiceNamespace {
  readonly name: string;
  /** @default "restricted" */
  readonly podSecurity?: PodSecurityLevel;
  /** Why the namespace needs less than `restricted` (required then; shows in the docs and reviews). */
  readonly reason?: string;
  /** Extra namespace labels. */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Why the namespace stays out of the Istio ambient mesh (only the mesh's own namespace does).
   * @default undefined — enrolled (`istio.io/dataplane-mode: ambient`, STRICT mTLS)
   */
  readonly meshExemptReason?: string;
}

/** The quota of a service's namespace: fixed, or per replica of the stateless services. */
export interface ServiceQuota {
  readonly cpu: number;
  readonly memoryGiB: number;
  /** @default 0 (no GPUs) */
  readonly gpu?: number;
  /** Multiply cpu and memory by the stack's service replica count. @default false */
  readonly perReplica?: boolean;
}

/** A route of the internal ingress (TLS, `https://<host>.<domain>`). */
export interface ServiceRoute {
  /** Name of the Ingress and its certificate (`<name>-tls`). */
  readonly name: string;
  /** First DNS label of the host. */
  readonly host: string;
  readonly serviceName: string;
  readonly servicePort: number;
  /** The stack output (`urls.<output>`) that publishes the route, if any. */
  readonly output?: "mlflow" | "argo" | "grafana" | "featureServer";
}

/** The workload identity of a service: the spec the cloud layer turns into least-privilege grants, without the namespace (the descriptor's). */
export type ServiceIdentity = Omit<WorkloadIdentitySpec, "namespace">;

/** One platform service, as the catalogue sees it. */
export interface PlatformServiceDescriptor {
  /** Stable key, e.g. `mlflow`. */
  readonly key: string;
  readonly namespace: ServiceNamespace;
  /** Charts the service installs (pins in `contracts/versions.ts`). */
  readonly charts: readonly ChartPin[];
  /** The cloud identity of the service's accounts; absent when it needs none. */
  readonly identity?: ServiceIdentity;
  /** Allowed inbound flows of the namespace besides same-namespace traffic. */
  readonly ingress: (ctx: CatalogueContext) => readonly NetworkFlow[];
  /** Allowed outbound flows besides DNS and same-namespace traffic. */
  readonly egress: (ctx: CatalogueContext) => readonly NetworkFlow[];
  readonly quota: ServiceQuota;
  /** Routes through the internal ingress. */
  readonly routes?: readonly ServiceRoute[];
  /** Present only in some stacks (Dex: only with LDAP). @default always */
  readonly enabled?: (ctx: CatalogueContext) => boolean;
}

/** The quota a descriptor's namespace gets at `replicas`. */
export function serviceQuota(q: ServiceQuota, replicas: number): NamespaceQuota {
  const f = q.perReplica ? Math.max(1, replicas) : 1;
  return { cpu: q.cpu * f, memoryGiB: q.memoryGiB * f, gpu: q.gpu ?? 0 };
}

/** Every problem of a descriptor (empty when valid). */
export function descriptorProblems(d: PlatformServiceDescriptor): string[] {
  const p: string[] = [];
  const at = `catalogue[${d.key}]`;
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(d.namespace.name) || d.namespace.name.length > 63)
    p.push(`${at}.namespace.name: "${d.namespace.name}" is not a DNS label; use lowercase letters, digits and '-'`);
  if ((d.namespace.podSecurity ?? "restricted") !== "restricted" && !d.namespace.reason)
    p.push(`${at}.namespace.reason: missing; say why "${d.namespace.name}" needs pod security "${d.namespace.podSecurity}"`);
  if (d.identity && d.identity.serviceAccounts.length === 0)
    p.push(`${at}.identity.serviceAccounts: [] binds the identity to nobody; list the service accounts that assume it`);
  return p;
}
