import { placesIn } from "../../lib/location";
import { resourceRule } from "../../lib/rule";

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

/** Services that cache or serve content from edge locations worldwide (CDN, Front Door). */
export const AZURE_GLOBAL_EDGE_PROVIDERS = /^azure-native:(cdn|frontdoor):|^azure-native:network:FrontDoor/;

/**
 * Every Azure resource with a location is in an allowed location (or a documented global type),
 * and every location it names below (replicas, failover and geo locations, nested `location`
 * fields, AWS-style regions in endpoints) is allowed too. Unknown locations are violations.
 */
export const azureResourceLocationEnforceAllowlist = resourceRule({
  name: "azure-resource-location-enforce-allowlist",
  types: (t) => t.startsWith("azure-native:"),
  check: ({ args, props, settings, report }) => {
    const allowed = settings.allowedAzureLocations;
    if (AZURE_GLOBAL_EDGE_PROVIDERS.test(args.type))
      report(`${args.type} caches and serves data from edge locations outside ${allowed.join(", ")}; it cannot be pinned to the UAE`);
    if (!args.provider) report("the resource has no explicit provider; pass the location-pinned azure-native provider");
    const { places, unknown } = placesIn(props, { azure: true });
    for (const path of unknown) report(`${path} is unknown during preview: residency cannot be verified, so it is not assumed`);
    for (const p of places) {
      if (p.value === "global") {
        if (!AZURE_GLOBAL_TYPES.includes(args.type))
          report(`${p.path} is "global", accepted only for the documented global types; ${args.type} is not one`);
        continue;
      }
      if (!allowed.includes(p.value))
        report(`${p.path} places the resource in "${p.value}", outside the allowed locations ${allowed.join(", ")}`);
    }
  },
});
