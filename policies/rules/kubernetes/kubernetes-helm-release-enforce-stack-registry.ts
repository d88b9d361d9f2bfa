import type { PolicyResource } from "@pulumi/policy";
import { parseImage } from "../../lib/image";
import { helmValuesImages } from "../../lib/kubernetes";
import { stackRule } from "../../lib/rule";
import { read, str } from "../../lib/values";

const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";

/**
 * The registry hosts this stack creates: its ECR registry (the account of its repositories, in
 * the repository's region or any allowed one) and its ACR registries (`<name>.azurecr.io`).
 */
export function stackRegistryHosts(resources: readonly PolicyResource[], awsRegions: readonly string[]): Set<string> {
  const hosts = new Set<string>();
  for (const r of resources) {
    if (r.type === "aws:ecr/repository:Repository") {
      const url = read(() => str(r.props.repositoryUrl));
      if (url.known && url.value) hosts.add((url.value.split("/")[0] ?? "").toLowerCase());
      const account = read(() => str(r.props.registryId));
      const region = read(() => str(r.props.region));
      if (account.known && account.value && /^\d{12}$/.test(account.value))
        for (const reg of region.known && region.value ? [region.value] : awsRegions)
          hosts.add(`${account.value}.dkr.ecr.${reg}.amazonaws.com`);
    }
    if (r.type === "azure-native:containerregistry:Registry") {
      const login = read(() => str(r.props.loginServer));
      if (login.known && login.value) hosts.add(login.value.toLowerCase());
      const name = read(() => str(r.props.registryName));
      if (name.known && name.value) hosts.add(`${name.value.toLowerCase()}.azurecr.io`);
    }
  }
  return hosts;
}

/**
 * Production: every image a Helm release's values set (any nesting and shape: image objects,
 * image strings, `global.imageRegistry`, `imageRegistry` + `imageNamespace`) comes from the
 * stack's own registry, where the pull-through cache serves the upstream ones. An upstream
 * registry, another account's or another stack's registry, or a value that cannot be read is a
 * violation: production takes no image from outside the UAE registry of the stack.
 */
export const kubernetesHelmReleaseEnforceStackRegistry = stackRule({
  name: "kubernetes-helm-release-enforce-stack-registry",
  scope: "production",
  check: ({ resources, settings, report }) => {
    const releases = resources.filter((r) => r.type === HELM_RELEASE);
    if (releases.length === 0) return;
    const hosts = stackRegistryHosts(resources, settings.allowedAwsRegions);
    for (const release of releases) {
      const values = read(() => release.props.values);
      if (!values.known) {
        report(release, "the release values are unknown during preview: their images cannot be verified to come from the stack's registry");
        continue;
      }
      const found = helmValuesImages(values.value);
      for (const path of found.unknown) report(release, `values.${path} is unknown during preview: the image it sets cannot be verified`);
      for (const { path, image } of found.images) {
        const ref = parseImage(image);
        if (ref.registry === undefined) {
          report(
            release,
            `values.${path} sets image "${image}" whose registry is a template: production cannot verify where it comes from`,
          );
          continue;
        }
        if (hosts.size === 0) {
          report(
            release,
            `values.${path} sets image "${image}", but the stack creates no registry: production images come from the stack's own ECR/ACR`,
          );
          continue;
        }
        if (!hosts.has(ref.registry))
          report(
            release,
            `values.${path} sets image "${image}" from ${ref.registry}, not the stack's registry (${[...hosts].sort().join(", ")}): production pulls upstream images through the registry's cache (<registry>/<cache prefix>/<path>, contracts/image-cache.ts)`,
          );
      }
    }
  },
});
