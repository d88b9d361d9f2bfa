import { parseImage } from "../../lib/image";
import { inCheckedNamespace, WORKLOAD_TYPES, workloadOf } from "../../lib/kubernetes";
import { stackRule } from "../../lib/rule";
import { read, str } from "../../lib/values";
import { stackRegistryHosts } from "./kubernetes-helm-release-enforce-stack-registry";

/** Argo Workflows' own kinds: their `{{…}}` image templates are resolved at submission. */
const ARGO_WORKFLOW_KINDS = /^kubernetes:argoproj\.io\/v1alpha1:(Workflow|WorkflowTemplate|ClusterWorkflowTemplate|CronWorkflow)$/;

/**
 * Production: every pod image the program declares comes from a registry this stack creates, not
 * merely from some registry in the region. `*.dkr.ecr.me-central-1.amazonaws.com` in the
 * allow-list admits every AWS account's registry in the region, and `*.azurecr.io` every ACR;
 * another account's or another company's registry is outside the stack's keys, scanning and
 * retention, so only the stack's own ECR/ACR hosts count.
 *
 * An image the pack cannot resolve is reported, never assumed to comply (as the Helm rule does):
 * one unknown during preview, one that is not an image reference, a templated registry (nothing
 * resolves `{{…}}` or `${…}` in a Deployment), a manifest that cannot be read or is fetched when
 * applied. The one exception is a template of Argo Workflows' own kinds: Argo resolves it when a
 * run is submitted, where the admission policy `mlops-images` judges the resolved image (the rule
 * `kubernetes-admissionregistration-binding-enforce-guarded-namespaces` requires that policy).
 */
export const kubernetesCorePodEnforceStackRegistry = stackRule({
  name: "kubernetes-core-pod-enforce-stack-registry",
  scope: "production",
  check: ({ resources, settings, report }) => {
    const workloads = resources.filter((r) => WORKLOAD_TYPES(r.type) && inCheckedNamespace(r.props, settings));
    if (workloads.length === 0) return;
    const hosts = stackRegistryHosts(resources, settings.allowedAwsRegions);
    for (const r of workloads) {
      const w = workloadOf(r.type, r.props);
      if (!w) continue;
      for (const p of [...w.problems, ...w.external]) report(r, `${p}: its images cannot be verified to come from the stack's registry`);
      for (const { path, container } of w.containers) {
        const value = read(() => container.image);
        if (!value.known) {
          report(r, `${path}.image is unknown during preview: it cannot be verified to come from the stack's registry`);
          continue;
        }
        if (value.value === undefined || value.value === null || value.value === "") continue;
        const image = str(value.value);
        if (image === undefined) {
          report(r, `${path}.image is not an image reference (${typeof value.value}): where it comes from cannot be verified`);
          continue;
        }
        if (image.trim() === "") continue;
        const ref = parseImage(image);
        if (ref.registryTemplated || ref.registry === undefined) {
          if (!ARGO_WORKFLOW_KINDS.test(r.type))
            report(r, `${path} uses image "${image}" whose registry is a template: production cannot verify where it comes from`);
          continue;
        }
        if (hosts.size === 0) {
          report(
            r,
            `${path} uses image "${image}", but the stack creates no registry: production images come from the stack's own ECR/ACR`,
          );
        } else if (!hosts.has(ref.registry.toLowerCase())) {
          report(
            r,
            `${path} uses image "${image}" from ${ref.registry}, a registry this stack does not create (${[...hosts].sort().join(", ")}): production takes images only from the stack's own registry`,
          );
        }
      }
    }
  },
});
