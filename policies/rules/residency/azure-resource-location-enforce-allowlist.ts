import { resourceRule } from "../../lib/rule";
import { normaliseLocation, read, str } from "../../lib/values";

/**
 * Azure resource types that Azure only offers as `global` and that hold no customer data
 * (names, routing and alert definitions). Documented in docs/policies.md.
 */
export const AZURE_GLOBAL_TYPES: readonly string[] = [
  "azure-native:privatedns:PrivateZone",
  "azure-native:privatedns:VirtualNetworkLink",
  "azure-native:privatedns:PrivateRecordSet",
  "azure-native:network:PrivateDnsZoneGroup",
  "azure-native:dns:Zone",
  "azure-native:dns:RecordSet",
  "azure-native:insights:ActionGroup",
  "azure-native:monitor:ActionGroup",
  "azure-native:insights:ActivityLogAlert",
  "azure-native:monitor:ActivityLogAlert",
  "azure-native:authorization:RoleDefinition",
  "azure-native:authorization:PolicyDefinition",
  "azure-native:authorization:PolicyAssignment",
];

/** Every Azure resource with a location is in an allowed location (or a documented global type). */
export const azureResourceLocationEnforceAllowlist = resourceRule({
  name: "azure-resource-location-enforce-allowlist",
  types: (t) => t.startsWith("azure-native:"),
  check: ({ args, props, settings, report }) => {
    const allowed = settings.allowedAzureLocations;
    if (!args.provider) report("the resource has no explicit provider; pass the location-pinned azure-native provider");
    const loc = read(() => str(props.location));
    if (!loc.known) return report("the resource's location is unknown during preview: residency cannot be verified, so it is not assumed");
    if (loc.value === undefined) return;
    const location = normaliseLocation(loc.value);
    if (location === "global") {
      if (!AZURE_GLOBAL_TYPES.includes(args.type))
        report(`location "global" is accepted only for the documented global types; ${args.type} is not one`);
      return;
    }
    if (!allowed.includes(location))
      report(`the resource is in location "${loc.value}", outside the allowed locations ${allowed.join(", ")}`);
  },
});
