import { inPlatformNamespace, WORKLOAD_TYPES, workloadOf } from "../../lib/kubernetes";
import { resourceRule } from "../../lib/rule";
import { obj } from "../../lib/values";

/** Every container requests CPU and memory and limits memory. */
export const kubernetesCorePodEnforceResourceLimits = resourceRule({
  name: "kubernetes-core-pod-enforce-resource-limits",
  types: WORKLOAD_TYPES,
  check: ({ args, props, settings, report }) => {
    if (!inPlatformNamespace(props, settings.platformNamespaces)) return;
    for (const { path, container } of workloadOf(args.type, props)?.containers ?? []) {
      const res = obj(container.resources);
      const missing = [
        obj(res.requests).cpu === undefined ? "requests.cpu" : "",
        obj(res.requests).memory === undefined ? "requests.memory" : "",
        obj(res.limits).memory === undefined ? "limits.memory" : "",
      ].filter(Boolean);
      if (missing.length) report(`${path} has no ${missing.join(", ")}`);
    }
  },
});
