import { describe, expect, it } from "vitest";
import { backendProblems, parseBackend, verifyBackendLocation } from "../../tools/lib/state-backend";

describe("the Pulumi state backend stays in the UAE", () => {
  it("accepts an S3 bucket in me-central-1 and an Azure blob container with its account", () => {
    expect(backendProblems("s3://mlops-state?region=me-central-1&awssdk=v2")).toEqual([]);
    expect(backendProblems("azblob://state?storage_account=stmlopsstate")).toEqual([]);
    expect(parseBackend("s3://mlops-state/prefix?region=me-central-1")).toEqual({
      kind: "s3",
      bucket: "mlops-state",
      region: "me-central-1",
    });
  });

  it("refuses Pulumi Cloud, other backends, other regions and URLs whose location cannot be checked", () => {
    for (const [url, why] of [
      [undefined, /Pulumi Cloud/],
      ["", /Pulumi Cloud/],
      ["https://api.pulumi.com", /cannot be verified/],
      ["file://~/.pulumi", /cannot be verified/],
      ["gs://state", /cannot be verified/],
      ["s3://mlops-state", /region=me-central-1/],
      ["s3://mlops-state?region=eu-central-1", /eu-central-1/],
      ["azblob://state", /storage_account/],
    ] as const) {
      expect(backendProblems(url).join("\n"), String(url)).toMatch(why);
    }
  });

  it("asks the cloud where the bucket or account really is", () => {
    const answers = (map: Record<string, string>) => (_cmd: string, args: readonly string[]) => map[args.join(" ")] ?? "";
    expect(
      verifyBackendLocation(
        "s3://mlops-state?region=me-central-1",
        answers({ "s3api get-bucket-location --bucket mlops-state --query LocationConstraint --output text": "me-central-1" }),
      ),
    ).toEqual([]);
    // The URL says me-central-1, the bucket is elsewhere: refused.
    expect(verifyBackendLocation("s3://mlops-state?region=me-central-1", () => "eu-west-1").join()).toMatch(/eu-west-1/);
    expect(
      verifyBackendLocation(
        "azblob://state?storage_account=stmlops",
        answers({
          "storage account show --name stmlops --query location --output tsv": "westeurope",
          "storage account show --name stmlops --query sku.name --output tsv": "Standard_GRS",
        }),
      ).join("\n"),
    ).toMatch(/westeurope/);
    expect(
      verifyBackendLocation("azblob://state?storage_account=stmlops", (_c, a) => (a.includes("location") ? "uaenorth" : "Standard_ZRS")),
    ).toEqual([]);
  });
});
