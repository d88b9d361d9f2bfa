/**
 * Network meaning for the rules: IPv4 CIDR coverage (does a block reach public addresses?), the
 * egress-host annotation and host-pattern coverage. Kept in the pack (it ships on its own); a
 * test holds the constants equal to components/egress.ts.
 */

/** A parsed IPv4 block. */
export interface Block {
  readonly network: number;
  readonly prefix: number;
}

/** Parses `a.b.c.d/n` (host bits must be clear); undefined otherwise. */
export function parseBlock(text: string): Block | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text.trim());
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const network = octets.reduce((acc, o) => acc * 256 + o, 0);
  if (network % 2 ** (32 - prefix) !== 0) return undefined;
  return { network, prefix };
}

const size = (b: Block) => 2 ** (32 - b.prefix);
/** True when `inner` lies within `outer`. */
export const within = (outer: Block, inner: Block) =>
  inner.network >= outer.network && inner.network + size(inner) <= outer.network + size(outer);
/** True when the blocks share an address. */
export const overlap = (a: Block, b: Block) => a.network < b.network + size(b) && b.network < a.network + size(a);

/** Blocks that are not the public internet (RFC 1918, CGNAT, loopback, link-local, reserved). */
export const NON_PUBLIC = [
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.0.0.0/24",
  "192.168.0.0/16",
  "198.18.0.0/15",
  "224.0.0.0/4",
  "240.0.0.0/4",
] as const;
const NON_PUBLIC_BLOCKS = NON_PUBLIC.map((c) => parseBlock(c) as Block);

/** Annotation listing the internet hosts a NetworkPolicy's public egress is for. */
export const EGRESS_HOSTS_ANNOTATION = "mlops-platform.io/egress-hosts";

/**
 * What a destination block (with its exceptions) reaches: `none` (only non-public addresses),
 * `public` (public addresses only: every non-public range it overlaps is excepted) or `mixed`.
 * An unparseable block counts as mixed: it is not assumed harmless.
 */
export function publicReach(cidr: string, except: readonly string[] = []): "none" | "public" | "mixed" {
  const block = parseBlock(cidr);
  if (!block) return "mixed";
  if (NON_PUBLIC_BLOCKS.some((np) => within(np, block))) return "none";
  const excepted = except.map(parseBlock).filter((e): e is Block => e !== undefined);
  const leaks = NON_PUBLIC_BLOCKS.some((np) => overlap(np, block) && !excepted.some((e) => within(e, np)));
  return leaks ? "mixed" : "public";
}

/** True when `destination` (a route's CIDR) includes a public address. */
export function reachesPublic(destination: string): boolean {
  return publicReach(destination) !== "none";
}

/** True when every host `pattern` can name is admitted by `allowList` (`*.x` = subdomains of x). */
export function hostCovered(pattern: string, allowList: readonly string[]): boolean {
  const base = pattern.replace(/^\*\./, "");
  return allowList.some((a) => a === pattern || (a.startsWith("*.") && base.endsWith(a.slice(1)) && base.length > a.length - 1));
}
