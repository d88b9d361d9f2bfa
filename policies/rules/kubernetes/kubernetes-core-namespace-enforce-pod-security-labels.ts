import { POD_SECURITY_REASON_ANNOTATION } from "../../../contracts/mesh";
import { guardOf } from "../../lib/guarded-namespaces";
import { resourceRule } from "../../lib/rule";
import { obj, str } from "../../lib/values";

const LEVELS = ["privileged", "baseline", "restricted"];

/**
 * Every namespace carries Pod Security Admission labels: an `enforce` level, and `warn` and
 * `audit` at `restricted`; the namespaces teams run code in (pipelines, teams, serving) enforce
 * `restricted`, and any other namespace below `restricted` says why (the catalogue's reason, as
 * the `mlops.platform/pod-security-reason` annotation: the GPU agents' and the mesh's).
 */
export const kubernetesCoreNamespaceEnforcePodSecurityLabels = resourceRule({
  name: "kubernetes-core-namespace-enforce-pod-security-labels",
  types: ["kubernetes:core/v1:Namespace"],
  check: ({ props, report }) => {
    const labels = obj(obj(props.metadata).labels);
    const enforce = str(labels["pod-security.kubernetes.io/enforce"]);
    const { name, guarded } = guardOf(props);
    if (enforce === undefined || !LEVELS.includes(enforce))
      report(`namespace ${name} has no valid pod-security.kubernetes.io/enforce label (got ${enforce ?? "none"})`);
    else if (guarded && enforce !== "restricted")
      report(`namespace ${name} runs team or pipeline workloads but enforces "${enforce}", not "restricted"`);
    else if (
      enforce !== "restricted" &&
      (str(obj(obj(props.metadata).annotations)[POD_SECURITY_REASON_ANNOTATION]) ?? "").trim().length < 10
    )
      report(`namespace ${name} enforces "${enforce}" without saying why (annotation ${POD_SECURITY_REASON_ANNOTATION})`);
    for (const mode of ["warn", "audit"]) {
      const v = str(labels[`pod-security.kubernetes.io/${mode}`]);
      if (v !== "restricted") report(`namespace ${name}: pod-security.kubernetes.io/${mode} is ${v ?? "missing"}, not "restricted"`);
    }
  },
});
