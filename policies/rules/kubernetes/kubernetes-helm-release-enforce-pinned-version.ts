import { resourceRule } from "../../lib/rule";
import { obj, str } from "../../lib/values";

const EXACT_SEMVER = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** Helm releases pin an exact chart version from an HTTPS/OCI repository. */
export const kubernetesHelmReleaseEnforcePinnedVersion = resourceRule({
  name: "kubernetes-helm-release-enforce-pinned-version",
  types: ["kubernetes:helm.sh/v3:Release"],
  check: ({ props, report }) => {
    const version = str(props.version);
    if (!version) report("the release does not pin a chart version (version)");
    else if (!EXACT_SEMVER.test(version)) report(`chart version "${version}" is not an exact version`);
    const chart = str(props.chart) ?? "";
    const repo = str(obj(props.repositoryOpts).repo) ?? (chart.startsWith("oci://") ? chart : undefined);
    if (repo && !/^(https|oci):\/\//.test(repo)) report(`the chart repository "${repo}" is not HTTPS or OCI`);
  },
});
