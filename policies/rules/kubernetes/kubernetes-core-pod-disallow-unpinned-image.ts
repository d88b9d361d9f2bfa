import { parseImage, unpinnedReason } from "../../lib/image";
import { inCheckedNamespace, WORKLOAD_TYPES, workloadOf } from "../../lib/kubernetes";
import { resourceRule } from "../../lib/rule";
import { str } from "../../lib/values";

/** Images are pinned to a tag or digest, never latest (every namespace unless exempted by name). */
export const kubernetesCorePodDisallowUnpinnedImage = resourceRule({
  name: "kubernetes-core-pod-disallow-unpinned-image",
  types: WORKLOAD_TYPES,
  check: ({ args, props, settings, report }) => {
    if (!inCheckedNamespace(props, settings)) return;
    const w = workloadOf(args.type, props);
    if (!w) return;
    for (const p of w.problems) report(p);
    for (const { path, container } of w.containers) {
      const image = str(container.image);
      // Templated versions are resolved at submission; admission control checks those images.
      if (image === undefined) continue;
      const reason = unpinnedReason(parseImage(image));
      if (reason) report(`${path} uses image "${image}": ${reason}`);
    }
  },
});
