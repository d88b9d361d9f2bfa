import { parseCidr, type Range, rangeIsPublic, reachesInternet } from "../../lib/cidr";
import { resourceRule } from "../../lib/rule";
import { isTrue, list, obj, str } from "../../lib/values";

type Check = (p: Record<string, unknown>, report: (m: string) => void) => void;

/**
 * Why a firewall rule's start–end range is open beyond the private network: 0.0.0.0–0.0.0.0 is
 * Azure's "allow all Azure services" (any tenant's resources), and any range containing a public
 * address reaches the internet (`0.0.0.0`–`255.255.255.255`, `1.0.0.0`–`126.255.255.255`…).
 */
export function firewallRangeReason(start: string | undefined, end: string | undefined): string | undefined {
  const s = parseCidr(start ?? "");
  const e = parseCidr(end ?? "");
  if (!s || !e || s.family !== e.family || s.first > e.last)
    return `the range "${start ?? "(unset)"}"–"${end ?? "(unset)"}" is not a valid address range, so it is not assumed private`;
  if (s.family === 4 && s.first === 0n && e.last === 0n)
    return '0.0.0.0–0.0.0.0 allows every Azure service of any tenant ("Allow Azure services")';
  const range: Range = { family: s.family, first: s.first, last: e.last };
  return rangeIsPublic(range) ? `the range ${start}–${end} includes public (internet) addresses` : undefined;
}

const range =
  (startKey: string, endKey: string): Check =>
  (p, r) => {
    const why = firewallRangeReason(str(p[startKey]), str(p[endKey]));
    if (why) r(`${why}; allow only private ranges, and reach the service through a private endpoint`);
  };

const disabled =
  (get: (p: Record<string, unknown>) => unknown, field: string): Check =>
  (p, r) => {
    const v = str(get(p));
    if ((v ?? "").toLowerCase() !== "disabled")
      r(`${field} is ${v ?? "unset (Enabled)"}: the service is reachable from public networks; set "Disabled"`);
  };

const cosmos: Check = (p, r) => {
  if ((str(p.publicNetworkAccess) ?? "").toLowerCase() === "disabled") return;
  const rules = list(p.ipRules).map((x) => str(obj(x).ipAddressOrRange));
  if (reachesInternet(rules))
    r(`publicNetworkAccess is ${str(p.publicNetworkAccess) ?? "unset (Enabled)"} and ipRules reach the internet; set "Disabled"`);
  else if (rules.length === 0 && !isTrue(p.isVirtualNetworkFilterEnabled))
    r(
      `publicNetworkAccess is ${str(p.publicNetworkAccess) ?? "unset (Enabled)"} with no ipRules or network filter: any address can connect; set "Disabled"`,
    );
};

/**
 * Azure services a team adds next that can be opened to the internet, each with the setting that
 * keeps it private: server firewall rules (PostgreSQL, MySQL, SQL, Redis, Synapse) whose range
 * includes public addresses or all of Azure, Cosmos DB public access, SQL servers, ML workspaces and
 * AI Search with public network access, container groups with a public IP.
 */
export const AZURE_PUBLIC_SERVICES: Readonly<Record<string, Check>> = {
  "azure-native:dbforpostgresql:FirewallRule": range("startIpAddress", "endIpAddress"),
  "azure-native:dbformysql:FirewallRule": range("startIpAddress", "endIpAddress"),
  "azure-native:sql:FirewallRule": range("startIpAddress", "endIpAddress"),
  "azure-native:sql:IPv6FirewallRule": range("startIPv6Address", "endIPv6Address"),
  "azure-native:synapse:IpFirewallRule": range("startIpAddress", "endIpAddress"),
  "azure-native:redis:FirewallRule": range("startIP", "endIP"),
  "azure-native:cache:FirewallRule": range("startIP", "endIP"),
  "azure-native:cosmosdb:DatabaseAccount": cosmos,
  "azure-native:documentdb:DatabaseAccount": cosmos,
  "azure-native:sql:Server": disabled((p) => p.publicNetworkAccess, "publicNetworkAccess"),
  "azure-native:machinelearningservices:Workspace": disabled((p) => p.publicNetworkAccess, "publicNetworkAccess"),
  "azure-native:search:Service": disabled((p) => p.publicNetworkAccess, "publicNetworkAccess"),
  "azure-native:containerinstance:ContainerGroup": (p, r) => {
    const type = str(obj(p.ipAddress).type);
    if ((type ?? "").toLowerCase() === "public")
      r('ipAddress.type is "Public": the container group gets a public IP; deploy it into a subnet');
  },
};

/** Azure services that can be opened to the internet stay private. */
export const azureDataServiceDisallowPublicAccess = resourceRule({
  name: "azure-data-service-disallow-public-access",
  types: Object.keys(AZURE_PUBLIC_SERVICES),
  check: ({ args, props, report }) => {
    AZURE_PUBLIC_SERVICES[args.type]?.(props, report);
  },
});
