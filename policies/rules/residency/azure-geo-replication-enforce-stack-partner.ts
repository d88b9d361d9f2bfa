import type { PolicyResource } from "@pulumi/policy";
import { valuesAt } from "../../lib/paths";
import { stackRule } from "../../lib/rule";
import { read, str } from "../../lib/values";

/**
 * Resources that pair a resource of this stack with a partner that receives a copy of its data
 * (geo-DR, failover groups, object replication, linked caches): the partner's id (`path`) must be a
 * resource of `partner` type declared in this stack, whose location the location rules check. An id
 * names no location, so a partner elsewhere could be in any region.
 */
export const AZURE_PAIRINGS: Readonly<Record<string, readonly { path: string; partner: string; names: readonly string[] }[]>> = {
  "azure-native:sql:FailoverGroup": [{ path: "partnerServers[].id", partner: "azure-native:sql:Server", names: ["serverName"] }],
  "azure-native:sql:InstanceFailoverGroup": [
    {
      path: "managedInstancePairs[].partnerManagedInstanceId",
      partner: "azure-native:sql:ManagedInstance",
      names: ["managedInstanceName"],
    },
  ],
  "azure-native:eventhub:DisasterRecoveryConfig": [
    { path: "partnerNamespace", partner: "azure-native:eventhub:Namespace", names: ["namespaceName"] },
  ],
  "azure-native:servicebus:DisasterRecoveryConfig": [
    { path: "partnerNamespace", partner: "azure-native:servicebus:Namespace", names: ["namespaceName"] },
  ],
  "azure-native:storage:ObjectReplicationPolicy": [
    { path: "destinationAccount", partner: "azure-native:storage:StorageAccount", names: ["accountName"] },
  ],
  "azure-native:redis:LinkedServer": [{ path: "linkedRedisCacheId", partner: "azure-native:redis:Redis", names: ["name"] }],
  "azure-native:cache:LinkedServer": [{ path: "linkedRedisCacheId", partner: "azure-native:cache:Redis", names: ["name"] }],
};

/** Ids (lower-case) and, for bare names, names (lower-case) of this stack's resources of `type`. */
function keysOf(resources: readonly PolicyResource[], type: string, nameKeys: readonly string[]): { ids: Set<string>; names: Set<string> } {
  const ids = new Set<string>();
  const names = new Set<string>();
  for (const r of resources) {
    if (r.type !== type) continue;
    const id = read(() => str(r.props.id));
    if (id.known && id.value) ids.add(id.value.toLowerCase());
    for (const k of [...nameKeys, "name"]) {
      const n = read(() => str(r.props[k]));
      if (n.known && n.value) names.add(n.value.toLowerCase());
    }
  }
  return { ids, names };
}

/** Geo-DR and replication partners (SQL failover groups, Event Hubs / Service Bus pairings, storage object replication, linked caches) are resources of this stack. */
export const azureGeoReplicationEnforceStackPartner = stackRule({
  name: "azure-geo-replication-enforce-stack-partner",
  check: ({ resources, report }) => {
    for (const r of resources) {
      for (const p of AZURE_PAIRINGS[r.type] ?? []) {
        const found = valuesAt(r.props, p.path);
        for (const f of found) {
          const fromStack = (r.propertyDependencies[f.top] ?? []).some((d) => d.type === p.partner);
          if (fromStack) continue;
          if (!f.value.known) {
            report(
              r,
              `${f.path} is unknown during preview and does not come from a ${p.partner} of this stack: not assumed to be in the UAE`,
            );
            continue;
          }
          const v = f.value.value?.trim().toLowerCase();
          if (!v) {
            report(r, `${f.path} names no partner: the copy's location cannot be verified`);
            continue;
          }
          const keys = keysOf(resources, p.partner, p.names);
          if (keys.ids.has(v) || (!v.includes("/") && keys.names.has(v))) continue;
          report(r, `${f.path} "${f.value.value}" is not a ${p.partner} of this stack: the data copied there may leave the UAE`);
        }
        if (found.length === 0) report(r, `${p.path} is not set: the partner cannot be verified to be a resource of this stack`);
      }
    }
  },
});
