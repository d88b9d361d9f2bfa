import { parseImage } from "../../lib/image";
import { inCheckedNamespace, WORKLOAD_TYPES, workloadOf } from "../../lib/kubernetes";
import { stackRule } from "../../lib/rule";
import { str } from "../../lib/values";
import { stackRegistryHosts } from "./kubernetes-helm-release-enforce-stack-registry";

/**
 * Production: every pod image the program declares comes from a registry this stack creates, not
 * merely from some registry in the region. `*.dkr.ecr.me-central-1.amazonaws.com` in the
 * allow-list admits every AWS account's registry in the region, and `*.azurecr.io` every ACR;
 * another account's or another company's registry is outside the stack's keys, scanning and
 * retention, so only the stack's own ECR/ACR hosts count. A templated registry is resolved at
 * submission, where admission control checks it.
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
      for (const { path, container } of w.containers) {
        const image = str(container.image);
        if (image === undefined || image.trim() === "") continue;
        const ref = parseImage(image);
        if (ref.registryTemplated || ref.registry === undefined) continue;
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
