import { resourceRule } from "../../lib/rule";
import { normaliseLocation, read, str } from "../../lib/values";

/** Every azure-native provider is pinned to an allowed location; unknown locations are violations. */
export const azureProviderLocationEnforceAllowlist = resourceRule({
  name: "azure-provider-location-enforce-allowlist",
  types: ["pulumi:providers:azure-native"],
  check: ({ props, settings, report }) => {
    const location = read(() => str(props.location));
    if (!location.known)
      return report("the provider's location is unknown during preview: residency cannot be verified, so it is not assumed");
    if (!location.value)
      return report("the provider has no location: resources without their own location could land anywhere; pin `location`");
    if (!settings.allowedAzureLocations.includes(normaliseLocation(location.value))) {
      report(
        `the provider is pinned to location "${location.value}", outside the allowed locations ${settings.allowedAzureLocations.join(", ")}`,
      );
    }
  },
});
