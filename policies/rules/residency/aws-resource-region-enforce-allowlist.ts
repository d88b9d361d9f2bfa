import { resourceRule } from "../../lib/rule";
import { read, str } from "../../lib/values";

/** Every AWS resource uses an explicit provider in an allowed region, and its own `region` is allowed. */
export const awsResourceRegionEnforceAllowlist = resourceRule({
  name: "aws-resource-region-enforce-allowlist",
  types: (t) => t.startsWith("aws:"),
  check: ({ args, props, settings, report }) => {
    const allowed = settings.allowedAwsRegions;
    if (!args.provider) {
      report(
        "the resource has no explicit provider: the default provider's region comes from the environment; pass a region-pinned provider",
      );
    } else if (args.provider.type === "pulumi:providers:aws") {
      const pr = read(() => str(args.provider?.props.region));
      if (!pr.known) report("the provider's region is unknown during preview: residency cannot be verified, so it is not assumed");
      else if (!pr.value || !allowed.includes(pr.value))
        report(`the resource's provider is in region "${pr.value ?? "(unset)"}", outside ${allowed.join(", ")}`);
    }
    const own = read(() => props.region);
    if (!own.known) return report("the resource's `region` is unknown during preview: residency cannot be verified, so it is not assumed");
    const region = str(own.value);
    if (region !== undefined && !allowed.includes(region)) report(`the resource sets region "${region}", outside ${allowed.join(", ")}`);
  },
});
