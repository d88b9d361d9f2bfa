/** Key classification: customer-managed key ids/ARNs/aliases vs AWS/Microsoft-managed and none. */
import { describe, expect, it } from "vitest";
import { classifyAwsKey, classifyAzureKey } from "../../../policies/lib/keys";

describe("classifyAwsKey", () => {
  it.each([
    "arn:aws:kms:me-central-1:123456789012:key/11111111-2222-3333-4444-555555555555",
    "11111111-2222-3333-4444-555555555555",
    "mrk-1234567890abcdef1234567890abcdef",
    "alias/mlops-data",
    "arn:aws:kms:me-central-1:123456789012:alias/mlops-data",
  ])("%s is customer-managed", (k) => {
    expect(classifyAwsKey(k)).toBe("customer-managed");
  });
  it.each(["alias/aws/s3", "arn:aws:kms:me-central-1:123456789012:alias/aws/sqs", "ALIAS/AWS/EBS"])("%s is AWS-managed", (k) => {
    expect(classifyAwsKey(k)).toBe("cloud-managed");
  });
  it.each([undefined, null, "", "  "])("%j is none", (k) => {
    expect(classifyAwsKey(k)).toBe("none");
  });
  it.each(["aws/s3", "true", "default", "arn:aws:kms:me-central-1:123456789012:key/not-a-key", 42])("%j is not a key", (k) => {
    expect(classifyAwsKey(k)).toBe("invalid");
  });
});

describe("classifyAzureKey", () => {
  it.each([
    "https://kv.vault.azure.net/keys/k",
    "https://kv.vault.azure.net/keys/k/0123abc",
    "https://hsm.managedhsm.azure.net/keys/k",
    "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/diskEncryptionSets/des",
  ])("%s is customer-managed", (k) => {
    expect(classifyAzureKey(k)).toBe("customer-managed");
  });
  it.each(["https://evil.example.com/keys/k", "Microsoft.Storage", "https://kv.vault.azure.net/secrets/s"])("%s is not", (k) => {
    expect(classifyAzureKey(k)).toBe("invalid");
  });
  it("none", () => {
    expect(classifyAzureKey("")).toBe("none");
  });
});
