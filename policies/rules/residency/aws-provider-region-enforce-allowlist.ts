import { resourceRule } from "../../lib/rule";
import { read, str } from "../../lib/values";

/** Every AWS provider is pinned to an allowed region; unknown regions are violations. */
export const awsProviderRegionEnforceAllowlist = resourceRule({
  name: "aws-provider-region-enforce-allowlist",
  types: ["pulumi:providers:aws"],
  check: ({ props, settings, report }) => {
    const region = read(() => str(props.region));
    if (!region.known) return report("the provider's region is unknown during preview: residency cannot be verified, so it is not assumed");
    if (!region.value) return report("the provider has no region: it would take AWS_REGION from the environment; pin `region` explicitly");
    if (!settings.allowedAwsRegions.includes(region.value)) {
      report(`the provider is pinned to region "${region.value}", outside the allowed regions ${settings.allowedAwsRegions.join(", ")}`);
    }
  },
});
