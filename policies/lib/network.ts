/**
 * Network meaning for the rules: does a destination block reach public addresses, and does an
 * allow-list cover a host pattern. Built on the shared contracts (contracts/cidr.ts,
 * contracts/egress.ts), so the pack and the platform agree on what "public" means.
 */
import { type Cidr, contains, overlaps, parseCidr } from "../../contracts/cidr";
import { NON_PUBLIC_CIDRS } from "../../contracts/egress";

export { EGRESS_HOSTS_ANNOTATION, patternCovered as hostCovered } from "../../contracts/egress";

/** A parsed IPv4 block. */
export type Block = Cidr;
/** Parses `a.b.c.d/n` (host bits must be clear); undefined otherwise. */
export const parseBlock = (text: string): Block | undefined => parseCidr(text.trim());
/** True when `inner` lies within `outer`. */
export const within = contains;

const NON_PUBLIC_BLOCKS = NON_PUBLIC_CIDRS.map((c) => parseCidr(c) as Cidr);

/**
 * What a destination block (with its exceptions) reaches: `none` (only non-public addresses),
 * `public` (public addresses only: every non-public range it overlaps is excepted) or `mixed`.
 * An unparseable block counts as mixed: it is not assumed harmless.
 */
export function publicReach(cidr: string, except: readonly string[] = []): "none" | "public" | "mixed" {
  const block = parseBlock(cidr);
  if (!block) return "mixed";
  if (NON_PUBLIC_BLOCKS.some((np) => contains(np, block))) return "none";
  const excepted = except.map(parseBlock).filter((e): e is Block => e !== undefined);
  const leaks = NON_PUBLIC_BLOCKS.some((np) => overlaps(np, block) && !excepted.some((e) => contains(e, np)));
  return leaks ? "mixed" : "public";
}

/** True when `destination` (a route's CIDR) includes a public address. */
export function reachesPublic(destination: string): boolean {
  return publicReach(destination) !== "none";
}
