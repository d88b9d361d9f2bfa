import { stackRule } from "../../lib/rule";
import { list, obj, read, str } from "../../lib/values";

/** Data services and how a private endpoint names them (`…/providers/<path>/<name>`). */
const SERVICES: Record<string, { nameKey: string; path: string; what: string }> = {
  "azure-native:redis:Redis": { nameKey: "name", path: "microsoft.cache/redis", what: "Redis cache" },
  "azure-native:cache:Redis": { nameKey: "name", path: "microsoft.cache/redis", what: "Redis cache" },
  "azure-native:storage:StorageAccount": { nameKey: "accountName", path: "microsoft.storage/storageaccounts", what: "storage account" },
  "azure-native:containerregistry:Registry": {
    nameKey: "registryName",
    path: "microsoft.containerregistry/registries",
    what: "container registry",
  },
  "azure-native:keyvault:Vault": { nameKey: "vaultName", path: "microsoft.keyvault/vaults", what: "Key Vault" },
};

/**
 * Every data service (Redis, storage with its queues, container registry, Key Vault) is reached
 * through a private endpoint of the stack in the virtual network: a service no private endpoint
 * targets is reachable only over its public endpoint (and the per-service rules switch that off).
 * PostgreSQL flexible servers are injected into a delegated subnet instead, and judged by
 * azure-postgresql-server-disallow-public-access.
 */
export const azureDataServiceEnforcePrivateEndpoint = stackRule({
  name: "azure-data-service-enforce-private-endpoint",
  check: ({ resources, report }) => {
    const targets = new Set<string>();
    let unknown = false;
    for (const r of resources) {
      if (r.type !== "azure-native:network:PrivateEndpoint") continue;
      const conns = read(() => [...list(r.props.privateLinkServiceConnections), ...list(r.props.manualPrivateLinkServiceConnections)]);
      if (!conns.known) {
        unknown = true;
        continue;
      }
      for (const c of conns.value) {
        const id = read(() => str(obj(c).privateLinkServiceId));
        if (!id.known) unknown = true;
        else if (id.value) targets.add(id.value.toLowerCase().replace(/\/+$/, ""));
      }
    }
    for (const r of resources) {
      const svc = SERVICES[r.type];
      if (!svc) continue;
      const name = read(() => str(r.props[svc.nameKey]));
      if (!name.known) continue;
      const suffix = `/providers/${svc.path}/${(name.value ?? r.name).toLowerCase()}`;
      if ([...targets].some((t) => t.endsWith(suffix))) continue;
      if (unknown) continue;
      report(
        r,
        `no private endpoint of this stack targets the ${svc.what} ${name.value ?? r.name}: it is reachable only over its public endpoint; add a private endpoint in the network`,
      );
    }
  },
});
