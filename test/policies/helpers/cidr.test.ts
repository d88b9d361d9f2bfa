/** CIDR coverage: what reaches the internet, in every spelling; private look-alikes do not. */
import { describe, expect, it } from "vitest";
import { internetReason, parseCidr, reachesInternet } from "../../../policies/lib/cidr";

describe("reachesInternet", () => {
  it.each([
    [["0.0.0.0/0"]],
    [["::/0"]],
    [["0.0.0.0/1", "128.0.0.0/1"]],
    [["0.0.0.0/1"]],
    [["8.8.8.8/32"]],
    [["8.8.8.8"]],
    [["2001:db8::/32"]],
    [["2000::/3"]],
    [["10.0.0.0/7"]],
    [["172.16.0.0/11"]],
    [["*"]],
    [["Internet"]],
    [["any"]],
    [["0.0.0.0"]],
    [["AzureCloud"]],
    [["not-a-cidr"]],
    [["10.0.0.0/8", "1.0.0.0/8"]],
    [["::ffff:8.8.8.8/128"]],
    [[" 0.0.0.0/0 "]],
  ])("%j reaches the internet", (ranges) => {
    expect(reachesInternet(ranges)).toBe(true);
  });
  it.each([
    [["10.0.0.0/8"]],
    [["10.20.0.0/16", "192.168.1.0/24"]],
    [["172.16.0.0/12"]],
    [["100.64.0.0/10"]],
    [["fd00::/8"]],
    [["fe80::/64"]],
    [["VirtualNetwork"]],
    [["AzureLoadBalancer"]],
    [[]],
  ])("%j stays private", (ranges) => {
    expect(reachesInternet(ranges)).toBe(false);
  });
  it("explains why", () => {
    expect(internetReason("0.0.0.0/0")).toMatch(/public/);
    expect(internetReason("*")).toMatch(/any address/);
  });
  it("parses host bits away and refuses bad prefixes", () => {
    expect(parseCidr("10.1.2.3/8")?.first).toBe(parseCidr("10.0.0.0/8")?.first);
    expect(parseCidr("10.0.0.0/33")).toBeUndefined();
    expect(parseCidr("1.2.3")).toBeUndefined();
    expect(parseCidr("::1::2/64")).toBeUndefined();
  });
});
