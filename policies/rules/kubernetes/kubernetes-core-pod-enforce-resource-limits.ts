import { inCheckedNamespace, WORKLOAD_TYPES, workloadOf } from "../../lib/kubernetes";
import { resourceRule } from "../../lib/rule";
import { obj } from "../../lib/values";

const set = (v: unknown) => v !== undefined && v !== null && v !== "" && v !== "0" && v !== 0;

/** Every container requests CPU and memory and limits memory (every namespace unless exempted by name). */
export const kubernetesCorePodEnforceResourceLimits = resourceRule({
  name: "kubernetes-core-pod-enforce-resource-limits",
  types: WORKLOAD_TYPES,
  check: ({ args, props, settings, report }) => {
    if (!inCheckedNamespace(props, settings)) return;
    const w = workloadOf(args.type, props);
    if (!w) return;
    for (const p of w.problems) report(p);
    for (const { path, container, partial } of w.containers) {
      if (partial) continue;
      const res = obj(container.resources);
      const missing = [
        set(obj(res.requests).cpu) ? "" : "requests.cpu",
        set(obj(res.requests).memory) ? "" : "requests.memory",
        set(obj(res.limits).memory) ? "" : "limits.memory",
      ].filter(Boolean);
      if (missing.length) report(`${path} has no ${missing.join(", ")}`);
    }
  },
});
