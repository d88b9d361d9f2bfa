/** The pack configuration: schema, per-stack files, CrossGuard expansion, refusal of bad input. */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { AWS_UAE_REGIONS, AZURE_UAE_LOCATIONS } from "../../contracts/regions";
import {
  defaultPackConfig,
  loadPackConfig,
  PACK_CONFIG_DIR,
  parsePackConfig,
  RULE_CONFIG_SCHEMA,
  toPolicyPackConfig,
} from "../../policies/config";
import { allPolicies } from "../../policies/rules";

const names = allPolicies.map((p) => p.name);

describe("pack configuration", () => {
  it("defaults to the strictest settings and the UAE allow-list of contracts/regions.ts", () => {
    const cfg = defaultPackConfig();
    expect(cfg.production).toBe(true);
    expect(cfg.allowedAwsRegions).toEqual([...AWS_UAE_REGIONS]);
    expect(cfg.allowedAzureLocations).toEqual([...AZURE_UAE_LOCATIONS]);
    expect(cfg.exemptions).toEqual([]);
  });

  it("has a valid file for every shipped stack, production only for the uae-prod stacks", () => {
    const stacks = fs
      .readdirSync(path.join(__dirname, "../.."))
      .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
      .filter((s): s is string => s !== undefined);
    expect(stacks.sort()).toEqual(["dev", "dev-azure", "uae-prod", "uae-prod-azure"]);
    for (const stack of stacks) {
      expect(fs.existsSync(path.join(PACK_CONFIG_DIR, `${stack}.json`)), stack).toBe(true);
      const cfg = loadPackConfig(stack, names);
      expect(cfg.production, stack).toBe(stack.startsWith("uae-prod"));
    }
  });

  it("refuses an exemption without a reason, naming the key, the value and the fix", () => {
    expect(() => parsePackConfig({ exemptions: [{ policy: names[0], resource: "x", reason: "" }] }, "cfg.json")).toThrow(
      /cfg\.json[\s\S]*exemptions\.0\.reason: must explain why[\s\S]*received ""[\s\S]*PackConfigSchema/,
    );
  });

  it("refuses unknown keys and bad enforcement levels", () => {
    expect(() => parsePackConfig({ allowedRegion: ["eu-west-1"] })).toThrow(/allowedRegion/);
    expect(() => parsePackConfig({ enforcementLevels: { [names[0] as string]: "warn" } })).toThrow(/enforcementLevels\..+received "warn"/);
  });

  it("refuses rule names that do not exist, so a typo cannot exempt nothing silently", () => {
    expect(() =>
      parsePackConfig({ exemptions: [{ policy: "aws-s3-bucket-typo", resource: "x", reason: "long enough reason" }] }, "f", names),
    ).toThrow(/exemptions\.0\.policy: no rule is named "aws-s3-bucket-typo"/);
    expect(() => parsePackConfig({ enforcementLevels: { nope: "advisory" } }, "f", names)).toThrow(
      /enforcementLevels\.nope: no rule has this name/,
    );
  });

  it("expands into CrossGuard's --policy-pack-config format: one entry per rule, exemptions only on their rule", () => {
    const cfg = parsePackConfig({
      production: false,
      enforcementLevels: { "aws-kms-key-enable-rotation": "advisory" },
      exemptions: [
        {
          policy: "kubernetes-core-pod-disallow-privileged",
          resource: "gpu-device-plugin",
          reason: "device plugins mount the kubelet socket",
        },
      ],
    });
    const out = toPolicyPackConfig(cfg, allPolicies) as Record<
      string,
      { enforcementLevel: string; exemptions: unknown[]; production: boolean }
    >;
    expect(Object.keys(out).sort()).toEqual([...names].sort());
    expect(out["aws-kms-key-enable-rotation"]?.enforcementLevel).toBe("advisory");
    expect(out["aws-s3-bucket-enable-versioning"]?.enforcementLevel).toBe("mandatory");
    expect(out["kubernetes-core-pod-disallow-privileged"]?.exemptions).toEqual([
      { resource: "gpu-device-plugin", reason: "device plugins mount the kubelet socket" },
    ]);
    expect(out["aws-kms-key-enable-rotation"]?.exemptions).toEqual([]);
    expect(out["aws-kms-key-enable-rotation"]?.production).toBe(false);
  });

  it("declares every setting in the rules' config schema (the CLI validates against it) and never enforcementLevel", () => {
    const settings = Object.keys(toPolicyPackConfig(defaultPackConfig(), allPolicies)[names[0] as string] as object).filter(
      (k) => k !== "enforcementLevel",
    );
    expect(Object.keys(RULE_CONFIG_SCHEMA.properties).sort()).toEqual(settings.sort());
    expect(RULE_CONFIG_SCHEMA.properties.enforcementLevel).toBeUndefined();
  });
});
