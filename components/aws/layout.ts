/**
 * Subnet layout of the VPC: private subnets for nodes and pods (large, the VPC CNI gives pods VPC
 * addresses), small public subnets for load balancers only, and small isolated data subnets for
 * RDS and ElastiCache. Pure, tested without mocks.
 */
import { parseCidr, subnet } from "../../contracts/cidr";

/** The CIDR blocks of one availability zone. */
export interface ZoneSubnets {
  readonly zone: string;
  readonly private: string;
  readonly public: string;
  readonly data: string;
}

/**
 * Carves `vpcCidr` (a /16 to /20) for up to three zones: the first three eighths are the private
 * subnets (a /19 each in a /16), and the fourth eighth holds the public and data subnets (a /22
 * each in a /16). The rest stays free for later growth.
 */
export function subnetLayout(vpcCidr: string, zones: readonly string[]): ZoneSubnets[] {
  const parsed = parseCidr(vpcCidr);
  if (!parsed) throw new Error(`subnetLayout(): vpcCidr ${JSON.stringify(vpcCidr)} is not a CIDR block; pass e.g. "10.40.0.0/16"`);
  if (parsed.prefix < 16 || parsed.prefix > 20) {
    throw new Error(`subnetLayout(): vpcCidr ${vpcCidr} must be between /16 and /20 so that every zone gets room for pods`);
  }
  if (zones.length < 1 || zones.length > 3) {
    throw new Error(`subnetLayout(): got ${zones.length} zones; pass one to three availability zones`);
  }
  const p = parsed.prefix;
  return zones.map((zone, i) => ({
    zone,
    private: subnet(vpcCidr, p + 3, i),
    public: subnet(vpcCidr, p + 6, 24 + i),
    data: subnet(vpcCidr, p + 6, 28 + i),
  }));
}

/** The first `count` availability-zone names of `region` (`<region>a`, `<region>b`, …). */
export function zoneNames(region: string, count: number): string[] {
  return ["a", "b", "c"].slice(0, count).map((letter) => `${region}${letter}`);
}
