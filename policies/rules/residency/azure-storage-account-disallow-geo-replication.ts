import { resourceRule } from "../../lib/rule";
import { normaliseLocation, obj, read, str } from "../../lib/values";

/** Azure region pairs (only the pairs whose both sides can be in an allow-list matter here). */
export const AZURE_PAIRED_REGIONS: Readonly<Record<string, string>> = { uaenorth: "uaecentral", uaecentral: "uaenorth" };

/** True when geo-redundancy from `location` stays inside `allowed`. */
export function pairAllowed(location: string | undefined, allowed: readonly string[]): boolean {
  const pair = location ? AZURE_PAIRED_REGIONS[normaliseLocation(location)] : undefined;
  return pair !== undefined && allowed.includes(pair);
}

/** Storage accounts do not geo-replicate outside the allow-list. */
export const azureStorageAccountDisallowGeoReplication = resourceRule({
  name: "azure-storage-account-disallow-geo-replication",
  types: ["azure-native:storage:StorageAccount"],
  check: ({ args, props, settings, report }) => {
    const sku = read(() => str(obj(props.sku).name));
    if (!sku.known) return report("sku.name is unknown during preview: geo-replication cannot be ruled out, so it is not assumed absent");
    if (!sku.value || !/GRS|GZRS/i.test(sku.value)) return;
    const location = read(() => str(props.location) ?? str(args.provider?.props.location));
    const where = location.known ? location.value : undefined;
    if (!pairAllowed(where, settings.allowedAzureLocations)) {
      report(
        `sku ${sku.value} replicates to the paired region of "${where ?? "(unknown)"}", which is outside ${settings.allowedAzureLocations.join(", ")}`,
      );
    }
  },
});
