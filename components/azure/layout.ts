/**
 * VNet layout: which slice of the address space each subnet gets. Pure, tested without mocks.
 *
 * Pods use Azure CNI overlay (their own CIDR outside the VNet), so node subnets only hold node
 * addresses. For a /16 the layout is: system nodes /18, private endpoints /19, databases /19,
 * user (CPU and GPU) nodes /17. It scales down to a /20 (system /22, user /21, …).
 */
import { parseCidr, subnet } from "../../contracts/cidr";

/** Subnet roles of the VNet. */
export const SUBNET_ROLES = ["system", "user", "endpoints", "database"] as const;
/** One subnet role. */
export type SubnetRole = (typeof SUBNET_ROLES)[number];

/** The address prefix of each subnet. Throws when `cidr` is not a /16-/24 block. */
export function subnetLayout(cidr: string): Record<SubnetRole, string> {
  const block = parseCidr(cidr);
  if (!block || block.prefix < 8 || block.prefix > 24) {
    throw new Error(`subnetLayout(): "${cidr}" must be an IPv4 network block between /8 and /24`);
  }
  const p = block.prefix;
  return {
    system: subnet(cidr, p + 2, 0),
    endpoints: subnet(cidr, p + 3, 2),
    database: subnet(cidr, p + 3, 3),
    user: subnet(cidr, p + 1, 1),
  };
}

/** The cluster DNS service address: the 10th address of the service CIDR (AKS convention). */
export function dnsServiceIp(serviceCidr: string): string {
  const block = parseCidr(serviceCidr);
  if (!block || block.prefix > 28) throw new Error(`dnsServiceIp(): "${serviceCidr}" must be an IPv4 block of /28 or larger`);
  const address = block.network + 10;
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".");
}

/** Availability zones to use: `["1", …, zoneCount]` when multi-AZ, none otherwise. */
export function zonesFor(multiAz: boolean, zoneCount: number): string[] {
  return multiAz ? Array.from({ length: zoneCount }, (_, i) => String(i + 1)) : [];
}
