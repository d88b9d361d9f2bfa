/**
 * IPv4 CIDR maths for the network layout: parsing, containment, overlap and subnet carving.
 * Pure functions, tested without mocks.
 */

/** A parsed IPv4 CIDR block. */
export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  readonly network: number;
  readonly prefix: number;
}

const CIDR_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; returns undefined when malformed or when host bits are set. */
export function parseCidr(text: string): Cidr | undefined {
  const m = CIDR_RE.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  if (address % size !== 0) return undefined;
  return { network: address, prefix };
}

/** Why a CIDR string is not a valid network block, or undefined when it is. */
export function cidrProblem(text: string): string | undefined {
  const m = CIDR_RE.exec(text);
  if (!m) return "is not an IPv4 CIDR block like 10.40.0.0/16";
  const octets = m.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) return "has an octet above 255";
  if (Number(m[5]) > 32) return "has a prefix length above 32";
  if (!parseCidr(text)) return "has host bits set (use the network address of the block)";
  return undefined;
}

function size(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

/** True when the two blocks share any address. */
export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.network < b.network + size(b) && b.network < a.network + size(a);
}

/** True when `inner` lies entirely within `outer`. */
export function contains(outer: Cidr, inner: Cidr): boolean {
  return inner.network >= outer.network && inner.network + size(inner) <= outer.network + size(outer);
}

/** True for RFC 1918 private ranges. */
export function isPrivate(c: Cidr): boolean {
  const ranges = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map((r) => parseCidr(r) as Cidr);
  return ranges.some((r) => contains(r, c));
}

/** Formats a parsed block back to text. */
export function formatCidr(c: Cidr): string {
  const o = [24, 16, 8, 0].map((shift) => Math.floor(c.network / 2 ** shift) % 256);
  return `${o.join(".")}/${c.prefix}`;
}

/**
 * The `index`-th sub-block of `newPrefix` inside `parent` (Terraform's `cidrsubnet`).
 * Throws when it does not fit.
 */
export function subnet(parent: string, newPrefix: number, index: number): string {
  const p = parseCidr(parent);
  if (!p) throw new Error(`subnet(): "${parent}" is not a valid CIDR block`);
  if (newPrefix < p.prefix || newPrefix > 32) {
    throw new Error(`subnet(): /${newPrefix} does not fit inside ${parent}`);
  }
  const count = 2 ** (newPrefix - p.prefix);
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new Error(`subnet(): index ${index} is outside the ${count} /${newPrefix} blocks of ${parent}`);
  }
  return formatCidr({ network: p.network + index * 2 ** (32 - newPrefix), prefix: newPrefix });
}
