/**
 * Wires the Istio ambient mesh into the platform: the AuthorizationPolicies come from the
 * catalogue's declared inbound flows of the authorized services (the same flows their
 * NetworkPolicies are made of), and namespace-label peers resolve to the pipeline namespaces.
 */
import type * as pulumi from "@pulumi/pulumi";
import { PIPELINE_NAMESPACE_LABEL } from "../../contracts/endpoints";
import { MESH_ROOT_NAMESPACE } from "../../contracts/mesh";
import { enabledServices } from "./catalogue";
import type { ImageCacheInput } from "./image-cache";
import { type AUTHORIZED_SERVICES, type AuthorizedNamespace, IstioMesh, type NamespaceResolver } from "./mesh";
import type { CatalogueContext } from "./service";
import { teamIngressFlows } from "./team";

/** The namespaces a label set names: the pipeline label names every pipeline namespace; nothing else is resolved. */
export function pipelineResolver(pipelineNamespaces: readonly string[]): NamespaceResolver {
  const [key, value] = Object.entries(PIPELINE_NAMESPACE_LABEL)[0] as [string, string];
  return (labels) => (Object.keys(labels).length === 1 && labels[key] === value ? [...pipelineNamespaces] : []);
}

/**
 * The namespaces whose inbound traffic the mesh authorizes, with their inbound flows: every
 * enrolled service namespace and every team. In the mesh a connection reaches a pod as HBONE on
 * 15008, so the NetworkPolicies no longer see the service port; the AuthorizationPolicies made of
 * the same flows restore it. {@link AUTHORIZED_SERVICES} are the ones whose callers are named by
 * service account (docs/in-cluster-encryption.md).
 */
export function authorizedFlows(
  ctx: CatalogueContext,
  teams: readonly { readonly namespace: string; readonly resource?: pulumi.Resource }[] = [],
): AuthorizedNamespace[] {
  return [
    ...enabledServices(ctx)
      .filter((d) => d.namespace.meshExemptReason === undefined)
      .map((d) => ({ namespace: d.namespace.name, ingress: d.ingress(ctx) })),
    ...teams.map((t) => ({ namespace: t.namespace, ingress: teamIngressFlows(), ...(t.resource ? { dependsOn: [t.resource] } : {}) })),
  ];
}

/** What {@link createMesh} needs from the platform's wiring. */
export interface MeshWiring {
  readonly name: string;
  readonly parent: pulumi.ComponentResource;
  readonly replicas: number;
  readonly ctx: CatalogueContext;
  readonly nsOut: (ns: string) => string;
  /** The stack registry's pull-through cache. */
  readonly imageCache?: ImageCacheInput;
}

/** The mesh of one stack. */
export function createMesh(
  w: MeshWiring,
  pipelineNamespaces: readonly string[],
  teams: readonly (pulumi.Resource & { readonly namespace: string })[],
  dependsOn: readonly pulumi.Resource[],
): IstioMesh {
  return new IstioMesh(
    `${w.name}-mesh`,
    {
      namespace: w.nsOut(MESH_ROOT_NAMESPACE),
      replicas: w.replicas,
      ...(w.imageCache === undefined ? {} : { imageCache: w.imageCache }),
      authorized: authorizedFlows(
        w.ctx,
        teams.map((t) => ({ namespace: t.namespace, resource: t })),
      ),
      resolveNamespaces: pipelineResolver(pipelineNamespaces),
      dependsOn,
    },
    { parent: w.parent },
  );
}
