import { inPlatformNamespace, WORKLOAD_TYPES, workloadOf } from "../../lib/kubernetes";
import { resourceRule } from "../../lib/rule";
import { fromAllowedRegistry, str } from "../../lib/values";

/** Images come from allowed registries. */
export const kubernetesCorePodEnforceAllowedRegistry = resourceRule({
  name: "kubernetes-core-pod-enforce-allowed-registry",
  types: WORKLOAD_TYPES,
  check: ({ args, props, settings, report }) => {
    if (!inPlatformNamespace(props, settings.platformNamespaces)) return;
    for (const { path, container } of workloadOf(args.type, props)?.containers ?? []) {
      const image = str(container.image);
      if (!image) report(`${path} has no image`);
      // Argo parameter expressions are resolved at submission; admission control checks those images.
      else if (image.includes("{{")) continue;
      else if (!fromAllowedRegistry(image, settings.allowedRegistries))
        report(`${path} uses image "${image}" from a registry outside ${settings.allowedRegistries.join(", ")}`);
    }
  },
});
