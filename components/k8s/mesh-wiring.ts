/**
 * Wires the Istio ambient mesh into the platform: the AuthorizationPolicies come from the
 * catalogue's declared inbound flows of the authorized services (the same flows their
 * NetworkPolicies are made of), and namespace-label peers resolve to the pipeline namespaces.
 */
import type * as pulumi from "@pulumi/pulumi";
import { PIPELINE_NAMESPACE_LABEL } from "../../contracts/endpoints";
import { MESH_ROOT_NAMESPACE } from "../../contracts/mesh";
import { enabledServices } from "./catalogue";
import { AUTHORIZED_SERVICES, IstioMesh, type NamespaceResolver } from "./mesh";
import type { CatalogueContext } from "./service";

/** The namespaces a label set names: the pipeline label names every pipeline namespace; nothing else is resolved. */
export function pipelineResolver(pipelineNamespaces: readonly string[]): NamespaceResolver {
  const [key, value] = Object.entries(PIPELINE_NAMESPACE_LABEL)[0] as [string, string];
  return (labels) => (Object.keys(labels).length === 1 && labels[key] === value ? [...pipelineNamespaces] : []);
}

/** The authorized services' namespaces and inbound flows in a stack with `ctx`. */
export function authorizedFlows(ctx: CatalogueContext) {
  return enabledServices(ctx)
    .filter((d) => (AUTHORIZED_SERVICES as readonly string[]).includes(d.key))
    .map((d) => ({ namespace: d.namespace.name, ingress: d.ingress(ctx) }));
}

/** What {@link createMesh} needs from the platform's wiring. */
export interface MeshWiring {
  readonly name: string;
  readonly parent: pulumi.ComponentResource;
  readonly replicas: number;
  readonly ctx: CatalogueContext;
  readonly nsOut: (ns: string) => string;
}

/** The mesh of one stack. */
export function createMesh(w: MeshWiring, pipelineNamespaces: readonly string[], dependsOn: readonly pulumi.Resource[]): IstioMesh {
  return new IstioMesh(
    `${w.name}-mesh`,
    {
      namespace: w.nsOut(MESH_ROOT_NAMESPACE),
      replicas: w.replicas,
      authorized: authorizedFlows(w.ctx),
      resolveNamespaces: pipelineResolver(pipelineNamespaces),
      dependsOn,
    },
    { parent: w.parent },
  );
}
