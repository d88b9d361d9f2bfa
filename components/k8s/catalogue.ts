/**
 * The catalogue of platform services: one line per service. Everything that lists services is
 * derived from it: the namespaces `PlatformServices` creates (with their flows, quota and pod
 * security), the ingress routes and URL outputs, the workload identities the cloud layers bind
 * (`stacks/identities.ts`), and the policy pack's platform namespaces
 * (`contracts/platform-namespaces.ts`, generated, checked by a test).
 *
 * Adding a service: a module under `components/k8s/` that exports its
 * {@link PlatformServiceDescriptor} (and its component), one line below, and
 * `npm run generate:namespaces` (the test says so when it is needed).
 */

import { TEAM_NAMESPACE_PREFIX } from "../../contracts/endpoints";
import type { WorkloadIdentitySpec } from "../contracts";
import { argoEventsService } from "./argo-events";
import { argoWorkflowsService, pipelinesService } from "./argo-workflows";
import { kedaService } from "./autoscaling";
import { feastService } from "./feast";
import { gpuService } from "./gpu";
import { imageBuildsService } from "./image-builds";
import { certManagerService, ingressService } from "./ingress";
import { kueueService } from "./kueue";
import { meshService } from "./mesh";
import { mlflowService } from "./mlflow";
import { monitoringService } from "./monitoring";
import { type CatalogueContext, descriptorProblems, type PlatformServiceDescriptor } from "./service";
import { argoRolloutsService, servingService } from "./serving";
import { dexService } from "./sso";

/** Every platform service, in installation order of their namespaces. */
export const CATALOGUE: readonly PlatformServiceDescriptor[] = [
  meshService,
  monitoringService,
  ingressService,
  certManagerService,
  mlflowService,
  argoWorkflowsService,
  argoEventsService,
  argoRolloutsService,
  kedaService,
  feastService,
  servingService,
  gpuService,
  kueueService,
  pipelinesService,
  imageBuildsService,
  dexService,
];

/** The services present in a stack with `ctx` (Dex only with LDAP). */
export function enabledServices(
  ctx: CatalogueContext,
  catalogue: readonly PlatformServiceDescriptor[] = CATALOGUE,
): PlatformServiceDescriptor[] {
  return catalogue.filter((d) => d.enabled?.(ctx) ?? true);
}

/** The workload identities of the platform services, in catalogue order. */
export function serviceIdentitySpecs(catalogue: readonly PlatformServiceDescriptor[] = CATALOGUE): WorkloadIdentitySpec[] {
  return catalogue.flatMap((d) => (d.identity ? [{ ...d.identity, namespace: d.namespace.name }] : []));
}

/**
 * The namespaces where the pack's pod rules apply: every namespace any catalogue entry may
 * create (optional services included), and every team namespace.
 */
export function platformNamespaces(catalogue: readonly PlatformServiceDescriptor[] = CATALOGUE): string[] {
  return [...new Set(catalogue.map((d) => d.namespace.name)), `${TEAM_NAMESPACE_PREFIX}*`];
}

/** Every problem of the catalogue (empty when valid): bad descriptors, duplicate keys or namespaces. */
export function catalogueProblems(catalogue: readonly PlatformServiceDescriptor[] = CATALOGUE): string[] {
  const p = catalogue.flatMap(descriptorProblems);
  const dup = (values: string[]) => values.filter((v, i) => values.indexOf(v) !== i);
  for (const k of dup(catalogue.map((d) => d.key))) p.push(`catalogue: key "${k}" appears twice`);
  for (const n of dup(catalogue.map((d) => d.namespace.name))) p.push(`catalogue: namespace "${n}" belongs to two services`);
  for (const k of dup(catalogue.flatMap((d) => (d.identity ? [d.identity.key] : []))))
    p.push(`catalogue: identity key "${k}" appears twice`);
  for (const d of catalogue)
    if (d.namespace.name.startsWith(TEAM_NAMESPACE_PREFIX))
      p.push(
        `catalogue[${d.key}].namespace.name: "${d.namespace.name}" uses the team prefix "${TEAM_NAMESPACE_PREFIX}"; pick another name`,
      );
  return p;
}
