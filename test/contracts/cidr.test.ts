import { describe, expect, it } from "vitest";
import { cidrProblem, contains, isPrivate, overlaps, parseCidr, subnet } from "../../contracts/cidr";

const c = (t: string) => {
  const p = parseCidr(t);
  if (!p) throw new Error(`bad test CIDR ${t}`);
  return p;
};

describe("cidr", () => {
  it("parses and rejects malformed blocks", () => {
    expect(parseCidr("10.0.0.0/16")).toEqual({ network: 10 * 2 ** 24, prefix: 16 });
    expect(cidrProblem("10.0.0.0/16")).toBeUndefined();
    expect(cidrProblem("10.0.0/16")).toMatch(/not an IPv4 CIDR/);
    expect(cidrProblem("10.0.0.256/24")).toMatch(/octet/);
    expect(cidrProblem("10.0.0.0/40")).toMatch(/prefix/);
    expect(cidrProblem("10.0.1.0/16")).toMatch(/host bits/);
  });

  it("detects overlap and containment", () => {
    expect(overlaps(c("10.0.0.0/16"), c("10.0.128.0/17"))).toBe(true);
    expect(overlaps(c("10.0.0.0/16"), c("10.1.0.0/16"))).toBe(false);
    expect(contains(c("10.0.0.0/16"), c("10.0.3.0/24"))).toBe(true);
    expect(contains(c("10.0.3.0/24"), c("10.0.0.0/16"))).toBe(false);
  });

  it("knows RFC 1918", () => {
    expect(isPrivate(c("10.40.0.0/16"))).toBe(true);
    expect(isPrivate(c("172.16.0.0/12"))).toBe(true);
    expect(isPrivate(c("172.32.0.0/16"))).toBe(false);
    expect(isPrivate(c("8.8.8.0/24"))).toBe(false);
  });

  it("carves subnets like cidrsubnet", () => {
    expect(subnet("10.40.0.0/16", 20, 0)).toBe("10.40.0.0/20");
    expect(subnet("10.40.0.0/16", 20, 3)).toBe("10.40.48.0/20");
    expect(subnet("10.40.0.0/16", 24, 255)).toBe("10.40.255.0/24");
    expect(() => subnet("10.40.0.0/16", 20, 16)).toThrow(/outside the 16/);
    expect(() => subnet("10.40.0.0/16", 8, 0)).toThrow(/does not fit/);
  });
});
