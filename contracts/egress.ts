/**
 * The egress allow-list: which internet hosts the platform may reach through the in-region
 * firewall, shared by both cloud layers, the Kubernetes network policies and the policy pack.
 * Pure, tested without mocks; imports nothing of the project.
 *
 * Host patterns are written once, in one form: `example.com` (exactly that host) or
 * `*.example.com` (every subdomain of example.com, not example.com itself). Each firewall gets
 * them in its own spelling ({@link awsDomainTarget}, Azure takes them as written).
 */

/** An IPv4 block in dotted form (kept local so this module stays a leaf). */
type CidrText = string;

/**
 * Address blocks that are not the public internet: RFC 1918, carrier-grade NAT, loopback,
 * link-local (instance metadata lives there) and the reserved blocks. An egress rule to "the
 * internet through the firewall" excludes them, so it can never reach a private service,
 * the metadata endpoint or another tenant's address by accident.
 */
export const NON_PUBLIC_CIDRS: readonly CidrText[] = [
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.0.0.0/24",
  "192.168.0.0/16",
  "198.18.0.0/15",
  "224.0.0.0/4",
  "240.0.0.0/4",
];

/** The RFC 1918 ranges: private endpoints, managed databases and the API server live there. */
export const PRIVATE_CIDRS: readonly CidrText[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

/** Annotation on a NetworkPolicy that lets pods reach the internet: the hosts they need (comma-separated). */
export const EGRESS_HOSTS_ANNOTATION = "mlops-platform.io/egress-hosts";

/** Ports an internet egress rule may open (HTTPS; HTTP only where a host is named for it). */
export const INTERNET_PORTS = [443] as const;

const LABEL = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?";
const HOST_RE = new RegExp(`^(\\*\\.)?(${LABEL}\\.)+[a-z]{2,63}$`);

/** Why `pattern` is not an allow-list entry, or undefined when it is one. */
export function hostPatternProblem(pattern: string): string | undefined {
  if (!HOST_RE.test(pattern)) {
    return "must be a lowercase host name such as pypi.org, or *.example.com for its subdomains (no scheme, port, path or bare '*')";
  }
  // `*.com`, `*.ae`, `*.co.uk`-style patterns would open whole top-level domains.
  const labels = pattern.replace(/^\*\./, "").split(".");
  if (pattern.startsWith("*.") && labels.length < 2) return "opens a whole top-level domain: name the organisation's domain";
  if (pattern.startsWith("*.") && labels.length === 2 && (labels[0] as string).length <= 3 && (labels[1] as string).length === 2) {
    return "looks like a public suffix (e.g. *.co.uk): name the organisation's domain";
  }
  return undefined;
}

/** True when `host` (a concrete name) is admitted by `pattern`. */
export function hostMatches(pattern: string, host: string): boolean {
  if (pattern.startsWith("*.")) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
  return host === pattern;
}

/** True when every host `pattern` can match is admitted by some entry of `allowList`. */
export function patternCovered(pattern: string, allowList: readonly string[]): boolean {
  return allowList.some((a) => {
    if (a === pattern) return true;
    if (!a.startsWith("*.")) return false;
    // *.example.com covers sub.example.com and *.sub.example.com.
    const base = pattern.replace(/^\*\./, "");
    return hostMatches(a, base);
  });
}

/**
 * AWS Network Firewall domain-list spelling: `.example.com` matches example.com and every
 * subdomain; a plain name matches only itself. `*.example.com` becomes `.example.com`, which
 * also admits the apex, the nearest AWS can express.
 */
export function awsDomainTarget(pattern: string): string {
  return pattern.startsWith("*.") ? pattern.slice(1) : pattern;
}

/** The host of an https:// URL (lowercase). */
export function urlHost(url: string): string {
  return new URL(url).hostname.toLowerCase();
}

/**
 * Where each upstream registry serves its blobs: a pull of `quay.io/x` also fetches layers
 * from its CDN. Only registries the platform's pinned images use are listed.
 */
export const REGISTRY_HOSTS: Readonly<Record<string, readonly string[]>> = {
  "quay.io": ["quay.io", "cdn.quay.io", "cdn01.quay.io", "cdn02.quay.io", "cdn03.quay.io"],
  "ghcr.io": ["ghcr.io", "pkg-containers.githubusercontent.com"],
  "docker.io": ["registry-1.docker.io", "auth.docker.io", "production.cloudflare.docker.com"],
  "nvcr.io": ["nvcr.io", "layers.nvcr.io"],
  "public.ecr.aws": ["public.ecr.aws"],
  "registry.k8s.io": ["registry.k8s.io", "*.pkg.dev"],
};

/** Registry host of an image repository (`quay.io/argoproj/x` → `quay.io`; `library/x` → `docker.io`). */
export function registryOf(repository: string): string {
  const first = repository.split("/")[0] ?? "";
  return first.includes(".") ? first : "docker.io";
}

/**
 * Hosts needed to pull `repositories` from upstream, skipping registries in `cached` (served by
 * the in-region pull-through cache, reached through the registry's private endpoint).
 */
export function upstreamRegistryHosts(repositories: readonly string[], cached: readonly string[] = []): string[] {
  const out = new Set<string>();
  for (const repo of repositories) {
    const registry = registryOf(repo);
    if (cached.includes(registry)) continue;
    for (const h of REGISTRY_HOSTS[registry] ?? [registry]) out.add(h);
  }
  return [...out].sort();
}

/**
 * Hosts the managed Kubernetes service itself needs that no private endpoint serves, as the
 * cloud documents them for a private cluster whose cloud APIs go through private/VPC endpoints:
 * - AKS ("Outbound network and FQDN rules for AKS clusters", required + Azure Policy + Defender):
 *   Microsoft Container Registry, Entra ID, ARM, the node packages mirror, the Azure Policy
 *   data plane and the regional monitoring ingestion endpoints.
 * - EKS: none. A private cluster with interface endpoints for ECR, STS, EC2, EKS, logs and the
 *   S3 endpoints needs no internet host (EKS "private cluster requirements").
 */
export function managedKubernetesHosts(cloud: "aws" | "azure", region: string): string[] {
  if (cloud === "aws") return [];
  return [
    "mcr.microsoft.com",
    "*.data.mcr.microsoft.com",
    "mcr-0001.mcr-msedge.net",
    "management.azure.com",
    "login.microsoftonline.com",
    "packages.microsoft.com",
    "acs-mirror.azureedge.net",
    "packages.aks.azure.com",
    "data.policy.core.windows.net",
    "store.policy.core.windows.net",
    `${region}.handler.control.monitor.azure.com`,
    "*.ods.opinsights.azure.com",
    "*.oms.opinsights.azure.com",
  ].sort();
}

/** Hosts a workload needs to exchange its Kubernetes token for a cloud token (IRSA uses the STS endpoint). */
export function workloadIdentityHosts(cloud: "aws" | "azure"): string[] {
  return cloud === "azure" ? ["login.microsoftonline.com"] : [];
}

/** Everything the platform itself needs, before the stack's own additions. */
export interface PlatformEgressInput {
  readonly cloud: "aws" | "azure";
  readonly region: string;
  /** The OIDC issuer (SSO of Argo, MLflow, Grafana). */
  readonly oidcIssuerUrl: string;
  /** Image repositories of the pinned images (`components/k8s/versions.ts`). */
  readonly imageRepositories: readonly string[];
  /** Registries served by an in-region pull-through cache. @default [] */
  readonly cachedRegistries?: readonly string[];
  /** The stack's additions (`network.egress.allowedHosts`). */
  readonly extraHosts: readonly string[];
}

/** The stack's allow-list: sorted, without duplicates or entries another entry already covers. */
export function egressAllowList(input: PlatformEgressInput): string[] {
  const all = new Set<string>([
    ...managedKubernetesHosts(input.cloud, input.region),
    ...workloadIdentityHosts(input.cloud),
    urlHost(input.oidcIssuerUrl),
    ...upstreamRegistryHosts(input.imageRepositories, input.cachedRegistries ?? []),
    ...input.extraHosts,
  ]);
  const list = [...all];
  return list.filter((h) => !list.some((other) => other !== h && other.startsWith("*.") && patternCovered(h, [other]))).sort();
}
