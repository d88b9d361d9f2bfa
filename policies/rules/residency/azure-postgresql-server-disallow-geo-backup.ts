import { resourceRule } from "../../lib/rule";
import { obj, read, str } from "../../lib/values";
import { pairAllowed } from "./azure-storage-account-disallow-geo-replication";

/** PostgreSQL geo-redundant backups only when the paired region is allowed; no replicas of outside servers. */
export const azurePostgresqlServerDisallowGeoBackup = resourceRule({
  name: "azure-postgresql-server-disallow-geo-backup",
  types: ["azure-native:dbforpostgresql:Server"],
  check: ({ args, props, settings, report }) => {
    const geo = read(() => str(obj(props.backup).geoRedundantBackup));
    if (!geo.known) report("backup.geoRedundantBackup is unknown during preview: not assumed disabled");
    else if (geo.value?.toLowerCase() === "enabled") {
      const location = read(() => str(props.location) ?? str(args.provider?.props.location));
      const where = location.known ? location.value : undefined;
      if (!pairAllowed(where, settings.allowedAzureLocations)) {
        report(
          `geo-redundant backups go to the paired region of "${where ?? "(unknown)"}", outside ${settings.allowedAzureLocations.join(", ")}`,
        );
      }
    }
    const mode = read(() => str(props.createMode));
    if (mode.known && ["replica", "georestore"].includes((mode.value ?? "").toLowerCase())) {
      report(
        `createMode "${mode.value}" copies a server whose location this rule cannot verify; create the replica from a server of this stack only through an exemption`,
      );
    }
  },
});
