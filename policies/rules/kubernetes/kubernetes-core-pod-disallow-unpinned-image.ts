import { inPlatformNamespace, WORKLOAD_TYPES, workloadOf } from "../../lib/kubernetes";
import { resourceRule } from "../../lib/rule";
import { imageVersion, str } from "../../lib/values";

/** Images are pinned to a tag or digest, never latest. */
export const kubernetesCorePodDisallowUnpinnedImage = resourceRule({
  name: "kubernetes-core-pod-disallow-unpinned-image",
  types: WORKLOAD_TYPES,
  check: ({ args, props, settings, report }) => {
    if (!inPlatformNamespace(props, settings.platformNamespaces)) return;
    for (const { path, container } of workloadOf(args.type, props)?.containers ?? []) {
      const image = str(container.image);
      // Argo parameter expressions are resolved at submission; admission control checks those images.
      if (!image || image.includes("{{")) continue;
      const version = imageVersion(image);
      if (!version) report(`${path} uses image "${image}" without a tag or digest`);
      else if (version === "latest") report(`${path} uses the mutable tag "latest" ("${image}")`);
    }
  },
});
