import { fromRegistry, parseImage, privateRegistryEntries } from "../../lib/image";
import { helmValuesImages, inCheckedNamespace, WORKLOAD_TYPES, workloadOf } from "../../lib/kubernetes";
import { resourceRule } from "../../lib/rule";
import { read, str } from "../../lib/values";

const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";

/**
 * Images come from allowed registries: pod specs everywhere, and image settings of Helm release
 * values. In production only the private in-region registries of the list count (no upstream
 * exception: those images come through the stack registry's pull-through cache).
 */
export const kubernetesCorePodEnforceAllowedRegistry = resourceRule({
  name: "kubernetes-core-pod-enforce-allowed-registry",
  types: (t) => WORKLOAD_TYPES(t) || t === HELM_RELEASE,
  check: ({ args, props, settings, report }) => {
    if (!inCheckedNamespace(props, settings)) return;
    const allowed = settings.production
      ? privateRegistryEntries(settings.allowedRegistries, settings.allowedAwsRegions)
      : settings.allowedRegistries;
    const where = settings.production
      ? `the stack's private registry (production: ${allowed.join(", ") || "none configured"})`
      : allowed.join(", ");
    const checkImage = (path: string, image: string) => {
      const ref = parseImage(image);
      // A templated registry is resolved at submission; admission control checks those images.
      if (ref.registryTemplated) return;
      if (!fromRegistry(ref, allowed)) report(`${path} uses image "${image}" from a registry outside ${where}`);
    };
    if (args.type === HELM_RELEASE) {
      const values = read(() => props.values);
      if (!values.known) return report("the release values are unknown during preview: their images cannot be verified");
      const found = helmValuesImages(values.value);
      for (const path of found.unknown) report(`values.${path} is unknown during preview: the image it sets cannot be verified`);
      for (const { path, image } of found.images) checkImage(`values.${path}`, image);
      return;
    }
    const w = workloadOf(args.type, props);
    if (!w) return;
    for (const p of w.problems) report(p);
    for (const { path, container, partial, imageByController } of w.containers) {
      const image = str(container.image);
      if (image === undefined || image.trim() === "") {
        if (!partial && !imageByController) report(`${path} has no image`);
        continue;
      }
      checkImage(path, image);
    }
  },
});
