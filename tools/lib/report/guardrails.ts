/**
 * The run-time guardrails the compliance report shows next to each control: what judges teams'
 * work after deployment (admission in the cluster, the network, cloud policy, the model
 * registry), as opposed to the policy pack, which judges the plan before deployment.
 *
 * Each guardrail is data: what it is, the controls it backs, and how to find in a plan the
 * resources that put it in place. A feature that adds a guardrail registers it here (one entry in
 * {@link GUARDRAILS}, or {@link registerGuardrail} from its own module), and the report shows it as
 * "in place" on every stack whose plan contains those resources, "not in this plan" otherwise.
 * Nothing is shown as in place on the strength of this list alone.
 */
import { C, type Control } from "../../../policies/lib/controls";
import type { StateResource } from "../check";

/** The moment and place a guardrail acts. */
export type GuardrailKind = "admission" | "network" | "firewall" | "cloud policy" | "registry authorization";

/** One run-time guardrail. */
export interface Guardrail {
  /** Stable identifier (kebab-case). */
  readonly id: string;
  readonly kind: GuardrailKind;
  readonly title: string;
  /** What it stops at run time, in one sentence. */
  readonly description: string;
  /** Controls it backs (from policies/lib/controls.ts). */
  readonly controls: readonly Control[];
  /** The resources of the plan that put it in place; none means it is not in this plan. */
  readonly detect: (resources: readonly StateResource[]) => StateResource[];
  /** Where it is planned when it does not exist yet (shown when the plan has none of it). */
  readonly planned?: string;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const ofType = (resources: readonly StateResource[], ...types: string[]) => resources.filter((r) => types.includes(r.type));

/** A NetworkPolicy that selects every pod and lists a policy type without any rule for it. */
function isDefaultDeny(r: StateResource): boolean {
  const spec = obj(r.inputs?.spec);
  const selectsAll = Object.keys(obj(spec.podSelector)).every((k) => {
    const v = obj(spec.podSelector)[k];
    return Array.isArray(v) ? v.length === 0 : Object.keys(obj(v)).length === 0;
  });
  const types = Array.isArray(spec.policyTypes) ? (spec.policyTypes as unknown[]) : [];
  const empty = (k: string) => !Array.isArray(spec[k]) || (spec[k] as unknown[]).length === 0;
  return selectsAll && ((types.includes("Ingress") && empty("ingress")) || (types.includes("Egress") && empty("egress")));
}

const POD = [C.iaConfig, C.iaOperationalSoftware, C.isoConfig, C.isoSoftware];
const RESIDENCY = [C.pdplTransfer, C.pdplTransferNoAdequacy, C.iaCloud, C.iaTransfer, C.isoCloud, C.isoLegal, C.isoPii];

/** The guardrails known to the report. */
export const GUARDRAILS: Guardrail[] = [
  {
    id: "pod-security-admission",
    kind: "admission",
    title: "Pod Security admission (restricted)",
    description: "The API server refuses pods that break the Pod Security Standard `restricted` in the platform's namespaces.",
    controls: POD,
    detect: (rs) =>
      ofType(rs, "kubernetes:core/v1:Namespace").filter(
        (r) => obj(obj(r.inputs?.metadata).labels)["pod-security.kubernetes.io/enforce"] === "restricted",
      ),
  },
  {
    id: "validating-admission-policy",
    kind: "admission",
    title: "Validating admission policies (CEL)",
    description: "The API server judges what teams submit (images, registries, resources) with ValidatingAdmissionPolicies.",
    controls: [C.iaSupplyChain, C.iaOperationalSoftware, C.isoSoftware, C.isoChange],
    detect: (rs) =>
      ofType(
        rs,
        "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy",
        "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding",
      ),
    planned: "issue 12 (in-cluster admission)",
  },
  {
    id: "azure-policy-addon",
    kind: "admission",
    title: "Azure Policy add-on for AKS (Gatekeeper)",
    description: "Azure Policy audits and denies Kubernetes objects in the AKS cluster.",
    controls: POD,
    detect: (rs) =>
      ofType(rs, "azure-native:containerservice:ManagedCluster").filter(
        (r) => obj(obj(obj(r.inputs?.addonProfiles).azurepolicy)).enabled === true,
      ),
  },
  {
    id: "default-deny-network-policy",
    kind: "network",
    title: "Default-deny NetworkPolicies",
    description: "Pods in the platform's namespaces only reach what an explicit NetworkPolicy allows.",
    controls: [C.iaNetworkControls, C.iaSegregation, C.isoNetworks, C.isoSegregation],
    detect: (rs) => ofType(rs, "kubernetes:networking.k8s.io/v1:NetworkPolicy").filter(isDefaultDeny),
  },
  {
    id: "egress-firewall",
    kind: "firewall",
    title: "In-region egress firewall",
    description: "Outbound traffic leaves the network only through an in-region firewall that allows listed destinations.",
    controls: [C.pdplTransfer, C.pdplTransferNoAdequacy, C.iaTransfer, C.iaLeakage, C.isoLeakage, C.iaNetworkControls],
    detect: (rs) => ofType(rs, "aws:networkfirewall/firewall:Firewall", "azure-native:network:AzureFirewall"),
    planned: "issue 13 (egress firewall)",
  },
  {
    id: "azure-allowed-locations",
    kind: "cloud policy",
    title: "Azure Policy: allowed locations (UAE)",
    description: "Azure Resource Manager refuses to create resources outside the UAE locations in the platform's scopes.",
    controls: RESIDENCY,
    detect: (rs) =>
      ofType(rs, "azure-native:authorization:PolicyAssignment").filter(
        (r) => obj(r.inputs?.parameters).listOfAllowedLocations !== undefined,
      ),
  },
  {
    id: "model-registry-authorization",
    kind: "registry authorization",
    title: "Model registry authorization",
    description: "Only the platform's pipeline steps may register and promote models; teams read what they own.",
    controls: [C.iaAccessPolicy, C.iaPrivilege, C.isoAccessRights, C.isoChange],
    // The MLflow gate (components/k8s/mlflow.ts): the authorizing proxy the NetworkPolicies make the only path to MLflow.
    detect: (rs) =>
      ofType(rs, "kubernetes:apps/v1:Deployment").filter((r) => {
        const containers = obj(obj(obj(obj(r.inputs?.spec).template).spec)).containers;
        return (
          Array.isArray(containers) &&
          containers.some((c) => Array.isArray(obj(c).args) && (obj(c).args as unknown[]).includes("dist/mlflow-gate.js"))
        );
      }),
  },
];

/** Adds a guardrail (a feature's own module can call this); ids are unique. */
export function registerGuardrail(g: Guardrail): void {
  if (GUARDRAILS.some((x) => x.id === g.id)) throw new Error(`guardrail "${g.id}" is registered twice; ids must be unique`);
  GUARDRAILS.push(g);
}
