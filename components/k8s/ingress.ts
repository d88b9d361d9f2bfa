/**
 * The internal entry point of the platform: cert-manager with an internal CA, and one Traefik
 * ingress controller behind an internal-only load balancer. Nothing is published to the
 * internet: the Service is a LoadBalancer only with the cloud's "internal" annotations, the
 * plain-HTTP entry point is not exposed, and every Ingress the platform declares uses TLS.
 */

import * as pulumi from "@pulumi/pulumi";
import { NAMESPACES } from "../../contracts/endpoints";
import { INBOUND_BYPASS_ANNOTATION } from "../../contracts/mesh";
import { CHART_IMAGES, CHARTS, IMAGES } from "../../contracts/versions";
import { ArgsCheck } from "../validate";
import { helmRelease } from "./helm";
import { type ImageCacheInput, partsViaCache } from "./image-cache";
import { flows } from "./namespace";
import * as k8s from "./sdk";
import { resources, restrictedContainerSecurityContext, restrictedPodSecurityContext } from "./security";
import type { PlatformServiceDescriptor } from "./service";

/** The IngressClass of the internal controller. */
export const INGRESS_CLASS = "internal";
/** The ClusterIssuer that signs the platform's internal certificates. */
export const CLUSTER_ISSUER = "platform-internal-ca";

/** Arguments of {@link InternalIngress}. */
export interface InternalIngressArgs {
  /**
   * The stack registry's pull-through cache: every image of this component comes through it.
   * @default none (images from their upstream registries)
   */
  readonly imageCache?: ImageCacheInput;
  /** Namespace of the ingress controller (already created with its baseline). */
  readonly namespace: pulumi.Input<string>;
  /** Namespace of cert-manager (already created with its baseline). */
  readonly certManagerNamespace: pulumi.Input<string>;
  /** Annotations that make the LoadBalancer Service internal-only on this cloud. */
  readonly internalLoadBalancerAnnotations: Readonly<Record<string, string>>;
  readonly replicas: number;
  /** Resources the charts wait for (node pools, add-ons). */
  readonly dependsOn: readonly pulumi.Resource[];
}

/** Problems with the args (empty when valid). */
export function internalIngressProblems(args: InternalIngressArgs): string[] {
  const problems: string[] = [];
  const a = args.internalLoadBalancerAnnotations;
  const internal =
    a["service.beta.kubernetes.io/aws-load-balancer-scheme"] === "internal" ||
    a["service.beta.kubernetes.io/aws-load-balancer-internal"] === "true" ||
    a["service.beta.kubernetes.io/azure-load-balancer-internal"] === "true";
  const publicScheme = a["service.beta.kubernetes.io/aws-load-balancer-scheme"] === "internet-facing";
  if (!internal || publicScheme) {
    problems.push(
      `internalLoadBalancerAnnotations: ${JSON.stringify(a)} would publish the ingress on a public load balancer; ` +
        'set service.beta.kubernetes.io/aws-load-balancer-scheme: "internal" (AWS) or service.beta.kubernetes.io/azure-load-balancer-internal: "true" (Azure), and never "internet-facing"',
    );
  }
  if (!Number.isInteger(args.replicas) || args.replicas < 1) problems.push(`replicas: ${args.replicas} must be an integer ≥ 1`);
  return problems;
}

/** Helm values of Traefik (exported for tests). */
export function traefikValues(
  args: Pick<InternalIngressArgs, "internalLoadBalancerAnnotations" | "replicas" | "imageCache">,
): Record<string, unknown> {
  return {
    image: { ...partsViaCache(args.imageCache, IMAGES.traefik.repository), tag: IMAGES.traefik.tag },
    // Clients outside the mesh reach the controller (docs/in-cluster-encryption.md); its backends are reached through the mesh.
    deployment: { replicas: args.replicas, podAnnotations: { ...INBOUND_BYPASS_ANNOTATION } },
    ingressClass: { enabled: true, isDefaultClass: true, name: INGRESS_CLASS },
    providers: {
      // IngressRoutes and TraefikServices: the canary models' header routes and weighted split
      // (Argo Rollouts' Traefik traffic routing), in their own namespace only.
      kubernetesCRD: {
        enabled: true,
        ingressClass: INGRESS_CLASS,
        allowCrossNamespace: false,
        allowExternalNameServices: false,
        allowEmptyServices: true,
      },
      kubernetesIngress: { enabled: true, ingressClass: INGRESS_CLASS, allowExternalNameServices: false },
    },
    ports: {
      // Plain HTTP is not reachable from outside the cluster at all.
      web: { expose: { default: false } },
      websecure: { expose: { default: true }, exposedPort: 443, http: { tls: { enabled: true } } },
      metrics: { expose: { default: false } },
    },
    service: { type: "LoadBalancer", annotations: { ...args.internalLoadBalancerAnnotations }, spec: { externalTrafficPolicy: "Local" } },
    metrics: { prometheus: { serviceMonitor: { enabled: true } } },
    hostNetwork: false,
    securityContext: restrictedContainerSecurityContext(),
    podSecurityContext: restrictedPodSecurityContext(),
    resources: resources("medium"),
    // The chart's default turns on the version check (a call to traefik.io), and usage reports are
    // one flag away: both off, so nothing of the platform's leaves the UAE (the firewall drops them anyway).
    global: { checkNewVersion: false, sendAnonymousUsage: false },
    // Traefik chart 34+ reads `accessLog`; the older `logs.access` key is ignored without a word.
    accessLog: { enabled: true },
  };
}

/** cert-manager values (exported for tests). */
export function certManagerValues(imageCache?: ImageCacheInput): Record<string, unknown> {
  const sc = restrictedContainerSecurityContext(1000);
  const pod = { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } };
  return {
    crds: { enabled: true, keep: true },
    // The chart renders `<imageRegistry>/<imageNamespace>/<component>` for all five of its images.
    imageRegistry: partsViaCache(imageCache, CHART_IMAGES.certManager.repository).registry,
    imageNamespace: partsViaCache(imageCache, CHART_IMAGES.certManager.repository).repository,
    image: { tag: IMAGES.certManagerController.tag },
    securityContext: pod,
    containerSecurityContext: sc,
    resources: resources("small"),
    // The API server (outside the mesh) calls the webhook.
    webhook: {
      securityContext: pod,
      containerSecurityContext: sc,
      resources: resources("tiny"),
      podAnnotations: { ...INBOUND_BYPASS_ANNOTATION },
    },
    cainjector: { securityContext: pod, containerSecurityContext: sc, resources: resources("small") },
    startupapicheck: { securityContext: pod, containerSecurityContext: sc, resources: resources("tiny") },
    prometheus: { enabled: true, servicemonitor: { enabled: true } },
  };
}

/** Name of the ingress controller's Service (the release name `traefik`). */
export const INGRESS_SERVICE_NAME = "traefik";

/** cert-manager, the internal CA and the internal ingress controller. */
export class InternalIngress extends pulumi.ComponentResource {
  /** The cert-manager release (installs the Certificate / ClusterIssuer CRDs). */
  public readonly certManager: k8s.helm.v3.Release;
  /** The ClusterIssuer every platform certificate comes from. */
  public readonly clusterIssuer: k8s.apiextensions.CustomResource;
  public readonly controller: k8s.helm.v3.Release;
  /**
   * Every host name an Ingress of this controller serves (filled by {@link tlsIngress}), for the
   * private DNS zone that points them at the internal load balancer.
   */
  public readonly hosts: string[] = [];

  constructor(name: string, args: InternalIngressArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops-platform:k8s:InternalIngress", name, {}, opts);
    new ArgsCheck("mlops-platform:k8s:InternalIngress", name).problems(internalIngressProblems(args)).done();

    this.certManager = helmRelease(
      `${name}-cert-manager`,
      {
        chart: CHARTS.certManager,
        releaseName: "cert-manager",
        namespace: args.certManagerNamespace,
        values: certManagerValues(args.imageCache),
      },
      { parent: this, dependsOn: [...args.dependsOn] },
    );
    const crdOpts = { parent: this, dependsOn: [...args.dependsOn, this.certManager] };
    // A self-signed root whose key never leaves the cluster signs an internal CA; replace the CA
    // issuer with the enterprise PKI (ACME, Vault, AWS Private CA, Key Vault) where one exists.
    const selfSigned = new k8s.apiextensions.CustomResource(
      `${name}-selfsigned`,
      { apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer", metadata: { name: "platform-selfsigned" }, spec: { selfSigned: {} } },
      crdOpts,
    );
    const rootCa = new k8s.apiextensions.CustomResource(
      `${name}-root-ca`,
      {
        apiVersion: "cert-manager.io/v1",
        kind: "Certificate",
        metadata: { name: "platform-root-ca", namespace: args.certManagerNamespace },
        spec: {
          isCA: true,
          commonName: "mlops-platform internal CA",
          secretName: "platform-root-ca",
          duration: "87600h",
          renewBefore: "720h",
          privateKey: { algorithm: "ECDSA", size: 384, rotationPolicy: "Always" },
          issuerRef: { name: "platform-selfsigned", kind: "ClusterIssuer", group: "cert-manager.io" },
        },
      },
      { ...crdOpts, dependsOn: [...args.dependsOn, this.certManager, selfSigned] },
    );
    this.clusterIssuer = new k8s.apiextensions.CustomResource(
      `${name}-ca-issuer`,
      {
        apiVersion: "cert-manager.io/v1",
        kind: "ClusterIssuer",
        metadata: { name: CLUSTER_ISSUER },
        spec: { ca: { secretName: "platform-root-ca" } },
      },
      { ...crdOpts, dependsOn: [...args.dependsOn, this.certManager, rootCa] },
    );
    this.controller = helmRelease(
      `${name}-traefik`,
      { chart: CHARTS.traefik, releaseName: INGRESS_SERVICE_NAME, namespace: args.namespace, values: traefikValues(args) },
      { parent: this, dependsOn: [...args.dependsOn] },
    );
    this.registerOutputs({ certManager: this.certManager, clusterIssuer: this.clusterIssuer, controller: this.controller });
  }
}

/** Arguments of {@link tlsIngress}. */
export interface TlsIngressArgs {
  readonly namespace: pulumi.Input<string>;
  /** Host name (plain: the private DNS zone creates one record per host). */
  readonly host: string;
  readonly serviceName: pulumi.Input<string>;
  readonly servicePort: number;
  /** The ingress component, so the Certificate waits for its CRDs and the route for the controller. */
  readonly ingress: InternalIngress;
  /** Other resources to wait for (the namespace). */
  readonly dependsOn?: readonly pulumi.Resource[];
}

/**
 * The cert-manager Certificate of one internal host (signed by {@link CLUSTER_ISSUER}, secret
 * `<name>-tls` with the CA in `ca.crt`), registering the host for the private DNS zone. Used by
 * {@link tlsIngress} and by routes declared as Traefik IngressRoutes (the canary models).
 */
export function tlsCertificate(
  name: string,
  args: Pick<TlsIngressArgs, "namespace" | "host" | "ingress" | "dependsOn">,
  parent: pulumi.Resource,
): { secretName: string; certificate: k8s.apiextensions.CustomResource } {
  const secretName = `${name}-tls`;
  if (!args.ingress.hosts.includes(args.host)) args.ingress.hosts.push(args.host);
  const certificate = new k8s.apiextensions.CustomResource(
    `${name}-cert`,
    {
      apiVersion: "cert-manager.io/v1",
      kind: "Certificate",
      metadata: { name: secretName, namespace: args.namespace },
      spec: {
        secretName,
        dnsNames: [args.host],
        duration: "2160h",
        renewBefore: "360h",
        privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
        issuerRef: { name: CLUSTER_ISSUER, kind: "ClusterIssuer", group: "cert-manager.io" },
      },
    },
    { parent, dependsOn: [...(args.dependsOn ?? []), args.ingress.certManager, args.ingress.clusterIssuer] },
  );
  return { secretName, certificate };
}

/**
 * A TLS-only Ingress on the internal class for one host, with its cert-manager Certificate
 * (signed by {@link CLUSTER_ISSUER}) in the same namespace.
 */
export function tlsIngress(name: string, args: TlsIngressArgs, parent: pulumi.Resource): k8s.networking.v1.Ingress {
  const { secretName, certificate: cert } = tlsCertificate(name, args, parent);
  return new k8s.networking.v1.Ingress(
    `${name}-ingress`,
    {
      metadata: {
        name,
        namespace: args.namespace,
        annotations: {
          "traefik.ingress.kubernetes.io/router.entrypoints": "websecure",
          "traefik.ingress.kubernetes.io/router.tls": "true",
        },
      },
      spec: {
        ingressClassName: INGRESS_CLASS,
        tls: [{ hosts: [args.host], secretName }],
        rules: [
          {
            host: args.host,
            http: {
              paths: [
                { path: "/", pathType: "Prefix", backend: { service: { name: args.serviceName, port: { number: args.servicePort } } } },
              ],
            },
          },
        ],
      },
    },
    { parent, dependsOn: [...(args.dependsOn ?? []), args.ingress.controller, cert] },
  );
}

/** Namespace of cert-manager (not part of the cloud contract: no cloud identity). */
export const CERT_MANAGER_NAMESPACE = "cert-manager";
/** Private address ranges allowed to reach the internal ingress (the corporate network through private links). */
export const INTERNAL_CLIENT_CIDRS = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] as const;

/** Catalogue entry: the internal ingress controller (Traefik behind an internal load balancer). */
export const ingressService: PlatformServiceDescriptor = {
  key: "ingress",
  namespace: { name: NAMESPACES.ingress },
  charts: [CHARTS.traefik],
  ingress: () => [
    {
      description: "clients on private networks (internal load balancer)",
      peers: INTERNAL_CLIENT_CIDRS.map((cidr) => ({ cidr })),
      ports: [{ port: 8443 }],
    },
    // The blue-green smoke job reaches the preview host through the controller, like a client.
    flows.namespace("smoke traffic of the blue-green analyses", NAMESPACES.serving, [8443]),
    flows.scrape(),
  ],
  egress: ({ networkCidr }) => [
    { description: "backends in every namespace", peers: [{ allNamespaces: true }] },
    flows.apiServer(networkCidr),
  ],
  quota: { cpu: 4, memoryGiB: 8, perReplica: true },
};

/** Catalogue entry: cert-manager, which issues the ingress routes' certificates. */
export const certManagerService: PlatformServiceDescriptor = {
  key: "cert-manager",
  namespace: { name: CERT_MANAGER_NAMESPACE },
  charts: [CHARTS.certManager],
  ingress: ({ networkCidr }) => [flows.webhook(networkCidr, 10250), flows.scrape()],
  egress: ({ networkCidr }) => [flows.apiServer(networkCidr)],
  quota: { cpu: 2, memoryGiB: 4 },
};
