/**
 * The names the Istio ambient mesh shares across layers: the namespace label that enrols a
 * namespace, the tunnel port the NetworkPolicies admit, the mesh's own namespace and the
 * annotation that records why a namespace stays out. The namespace baseline, the mesh component
 * and the policy pack's mesh rule all read them here (docs/in-cluster-encryption.md).
 */

/** The label that puts a namespace's pods in the ambient mesh. */
export const AMBIENT_LABEL = { "istio.io/dataplane-mode": "ambient" } as const;

/** HBONE: the mTLS tunnel port ztunnel connects to on the destination pod. */
export const HBONE_PORT = 15008;

/** istiod's ports: XDS and certificates for ztunnel (TLS), and its admission webhook. */
export const ISTIOD_PORTS = { xds: 15012, webhook: 15017 } as const;

/**
 * The link-local address ztunnel answers the kubelet's health probes from (Istio's documented
 * SNAT), which a default-deny ingress must admit for probes to reach meshed pods.
 */
export const KUBELET_PROBE_SNAT_CIDR = "169.254.7.127/32";

/** The mesh's own namespace, also its root namespace: a PeerAuthentication here applies mesh-wide. */
export const MESH_ROOT_NAMESPACE = "istio-system";

/** Annotation of a namespace that stays out of the mesh: why (the catalogue's reason). */
export const MESH_EXEMPT_ANNOTATION = "mlops.platform/mesh-exempt-reason";

/** The SPIFFE-style principal Istio gives a service account (trust domain `cluster.local`). */
export function meshPrincipal(namespace: string, serviceAccount: string): string {
  return `cluster.local/ns/${namespace}/sa/${serviceAccount}`;
}

/**
 * Pod annotation that leaves a meshed pod's inbound plain-text connections uncaptured while its
 * own outbound traffic and inbound HBONE stay in the mesh. Only pods that clients outside the mesh
 * must reach carry it: the ingress controller (clients on private networks, TLS to the controller)
 * and the webhooks the Kubernetes API server calls. STRICT mTLS would refuse those callers, which
 * have no mesh identity; NetworkPolicies still admit only the declared addresses and ports.
 */
export const INBOUND_BYPASS_ANNOTATION = { "ambient.istio.io/bypass-inbound-capture": "true" } as const;

/**
 * Annotation of a namespace that enforces less than `restricted` pod security: why (the
 * catalogue's reason). The pack refuses a namespace below `restricted` without it.
 */
export const POD_SECURITY_REASON_ANNOTATION = "mlops.platform/pod-security-reason";
