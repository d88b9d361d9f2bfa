/**
 * CIDR coverage: does a set of address ranges reach the internet? "The internet" is every address
 * that is not private or special-purpose: a range reaches it when any part of it lies outside the
 * non-public blocks below (so `0.0.0.0/0`, `::/0`, `0.0.0.0/1` + `128.0.0.0/1`, `8.8.8.8/32`,
 * `2001:db8::/32`-style public IPv6 all do; `10.0.0.0/8`, `fd00::/8` do not). Words that mean
 * "anywhere" (`*`, `Internet`, `Any`, `0.0.0.0`, Azure's `Internet` tag) reach it too; a value that is
 * neither a range nor a known internal tag is assumed to reach it (fail closed).
 */
import { NON_PUBLIC_CIDRS } from "../../contracts/egress";

/** An address range: family and [first, last] as big integers. */
export interface Range {
  readonly family: 4 | 6;
  readonly first: bigint;
  readonly last: bigint;
}

function parseV4(addr: string): bigint | undefined {
  const parts = addr.split(".");
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = (n << 8n) | BigInt(Number(p));
  }
  return n;
}

function parseV6(addr: string): bigint | undefined {
  let a = addr.toLowerCase();
  // An embedded IPv4 tail (::ffff:1.2.3.4).
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (v4?.[1]) {
    const n = parseV4(v4[1]);
    if (n === undefined) return undefined;
    a = `${a.slice(0, -v4[1].length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const halves = a.split("::");
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  let n = 0n;
  for (const g of groups) {
    if (!/^[0-9a-f]{1,4}$/.test(g)) return undefined;
    n = (n << 16n) | BigInt(Number.parseInt(g, 16));
  }
  return n;
}

/** The range of a CIDR (`10.0.0.0/8`, `::/0`) or single address, or undefined when not one. */
export function parseCidr(value: string): Range | undefined {
  const v = value.trim();
  const [addr = "", prefixText, ...rest] = v.split("/");
  if (rest.length) return undefined;
  const family: 4 | 6 = addr.includes(":") ? 6 : 4;
  const bits = family === 4 ? 32 : 128;
  const n = family === 4 ? parseV4(addr) : parseV6(addr);
  if (n === undefined) return undefined;
  const prefix = prefixText === undefined ? bits : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : Number.NaN;
  if (!(prefix >= 0 && prefix <= bits)) return undefined;
  const host = (1n << BigInt(bits - prefix)) - 1n;
  const first = n & ~host & ((1n << BigInt(bits)) - 1n);
  return { family, first, last: first | host };
}

/** The IPv4 blocks that are not the internet: the list the platform's own egress policies exclude. */
const NON_PUBLIC_V4: readonly string[] = NON_PUBLIC_CIDRS;
const NON_PUBLIC_V6 = ["::/128", "::1/128", "fc00::/7", "fe80::/10", "ff00::/8"];
const NON_PUBLIC: readonly Range[] = [...NON_PUBLIC_V4, ...NON_PUBLIC_V6].map((c) => parseCidr(c) as Range);

/** Values that mean "anywhere" without being a range. */
const ANYWHERE_WORDS = ["*", "any", "internet", "0.0.0.0", "::"];
/** Azure service tags that are not the internet (traffic from inside the virtual network or Azure's probes). */
const INTERNAL_TAGS = ["virtualnetwork", "azureloadbalancer"];

/** True when the range has an address outside every non-public block. */
export function rangeIsPublic(r: Range): boolean {
  // Subtract the non-public blocks (sorted) from [first, last]; anything left is public.
  const blocks = NON_PUBLIC.filter((b) => b.family === r.family && b.last >= r.first && b.first <= r.last).sort((a, b) =>
    a.first < b.first ? -1 : a.first > b.first ? 1 : 0,
  );
  let cursor = r.first;
  for (const b of blocks) {
    if (b.first > cursor) return true;
    if (b.last >= cursor) cursor = b.last + 1n;
    if (cursor > r.last) return false;
  }
  return cursor <= r.last;
}

/** Why a source value reaches the internet, or undefined when it stays private. */
export function internetReason(value: string): string | undefined {
  const v = value.trim();
  const lower = v.toLowerCase();
  if (ANYWHERE_WORDS.includes(lower)) return `"${v}" means any address`;
  if (INTERNAL_TAGS.includes(lower)) return undefined;
  const r = parseCidr(v);
  if (!r) return `"${v}" is not an address range or a known internal tag, so it is not assumed private`;
  return rangeIsPublic(r) ? `"${v}" includes public (internet) addresses` : undefined;
}

/** The values of `ranges` that reach the internet, with the reason. */
export function internetSources(ranges: readonly (string | undefined)[]): { value: string; reason: string }[] {
  const out: { value: string; reason: string }[] = [];
  for (const v of ranges) {
    if (v === undefined) continue;
    const reason = internetReason(v);
    if (reason) out.push({ value: v, reason });
  }
  return out;
}

/** True when any of `ranges` reaches the internet. */
export function reachesInternet(ranges: readonly (string | undefined)[]): boolean {
  return internetSources(ranges).length > 0;
}
