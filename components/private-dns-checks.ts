/**
 * Checks of the private DNS arguments shared by both cloud layers and the stack configuration.
 * Pure (no SDK import), so the configuration schema can use them without loading a provider.
 */

const AZURE_ZONE_ID =
  /^\/subscriptions\/[0-9a-fA-F-]{36}\/resourceGroups\/([-\w.()]{1,90})\/providers\/Microsoft\.Network\/privateDnsZones\/([a-z0-9.-]+)$/;

/** Resource group and zone name of an Azure Private DNS zone id, or undefined when it is not one. */
export function parseAzureZoneId(id: string): { resourceGroupName: string; zoneName: string } | undefined {
  const m = AZURE_ZONE_ID.exec(id);
  return m ? { resourceGroupName: m[1] as string, zoneName: m[2] as string } : undefined;
}

/** Problems of private DNS arguments (names key, value and fix); empty when valid. */
export function privateDnsProblems(
  cloud: "aws" | "azure",
  args: { readonly domain: string; readonly hosts: readonly string[]; readonly existingZoneId?: string | undefined },
): string[] {
  const p: string[] = [];
  for (const h of args.hosts)
    if (!h.endsWith(`.${args.domain}`)) p.push(`hosts: "${h}" is not inside the domain "${args.domain}"; serve it under the domain`);
  const id = args.existingZoneId;
  if (id === undefined) return p;
  if (cloud === "aws") {
    if (!/^Z[A-Z0-9]{1,32}$/.test(id))
      p.push(`existingZoneId: "${id}" is not a Route 53 hosted zone id (Z followed by capital letters and digits)`);
  } else {
    const zone = parseAzureZoneId(id);
    if (!zone)
      p.push(
        `existingZoneId: "${id}" is not a Private DNS zone id (/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Network/privateDnsZones/<domain>)`,
      );
    else if (zone.zoneName !== args.domain)
      p.push(`existingZoneId: the zone "${zone.zoneName}" is not the internal domain "${args.domain}"`);
  }
  return p;
}
