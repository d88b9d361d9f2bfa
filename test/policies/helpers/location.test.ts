/** Region and location extraction from any field, value, ARN or endpoint. */
import { describe, expect, it } from "vitest";
import { arnRegion, isPlaceKey, normaliseLocation, placesIn } from "../../../policies/lib/location";

const values = (props: unknown, azure = false) => placesIn(props, { azure }).places.map((p) => p.value);

describe("placesIn", () => {
  it.each([
    [{ region: "eu-west-1" }, "eu-west-1"],
    [{ peerRegion: "us-east-1" }, "us-east-1"],
    [{ replicas: [{ regionName: "eu-central-1" }] }, "eu-central-1"],
    [{ rules: [{ copyActions: [{ destinationVaultArn: "arn:aws:backup:eu-west-2:123456789012:backup-vault:v" }] }] }, "eu-west-2"],
    [{ destinationArn: "arn:aws:logs:us-west-2:123456789012:log-group:x" }, "us-west-2"],
    [{ replicationConfiguration: { rules: [{ destinations: [{ region: "ap-south-1" }] }] } }, "ap-south-1"],
    [{ url: "https://sqs.eu-west-1.amazonaws.com/123/q" }, "eu-west-1"],
    [{ availabilityZone: "us-east-1a" }, "us-east-1"],
    [{ replicaRegions: ["eu-north-1"] }, "eu-north-1"],
    [{ anything: { deep: ["sa-east-1"] } }, "sa-east-1"],
  ])("AWS %j → %s", (props, region) => {
    expect(values(props)).toContain(region);
  });
  it.each([
    [{ location: "West Europe" }, "westeurope"],
    [{ locations: [{ locationName: "East US", failoverPriority: 1 }] }, "eastus"],
    [{ properties: { failoverLocations: ["northeurope"] } }, "northeurope"],
    [{ geoReplication: { region: "UAE_North" } }, "uaenorth"],
  ])("Azure %j → %s", (props, loc) => {
    expect(values(props, true)).toContain(loc);
  });
  it("ignores tags, flags and global ARNs", () => {
    expect(values({ tags: { region: "eu-west-1" }, isMultiRegionTrail: true, skipRegionValidation: "false" })).toEqual([]);
    expect(values({ policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess", bucketArn: "arn:aws:s3:::b" })).toEqual([]);
    expect(values({ name: "eu-west-1-logs" })).toEqual([]);
  });
  it("is not a place key for flags", () => {
    expect(isPlaceKey("isMultiRegionTrail")).toBe(false);
    expect(isPlaceKey("location")).toBe(false);
    expect(isPlaceKey("location", true)).toBe(true);
    expect(isPlaceKey("destinationRegion")).toBe(true);
  });
  it("normalises and reads ARNs", () => {
    expect(normaliseLocation("UAE North")).toBe("uaenorth");
    expect(arnRegion("arn:aws:rds:me-central-1:1:db:x")).toBe("me-central-1");
    expect(arnRegion("arn:aws:s3:::b")).toBeUndefined();
  });
  it("survives odd shapes", () => {
    expect(values(null)).toEqual([]);
    const cyclic: Record<string, unknown> = { region: "me-central-1" };
    cyclic.self = cyclic;
    expect(values(cyclic)).toEqual(["me-central-1"]);
  });
});
