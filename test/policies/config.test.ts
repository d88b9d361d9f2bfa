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
import { PIPELINE_ENVIRONMENT_KEY } from "../../policies/rules/data-safety/pulumi-stack-environment-enforce-consistency";
import { SETTINGS_KEYS } from "../../workflows/steps/lib/settings";

const names = allPolicies.map((p) => p.name);

describe("pack configuration", () => {
  it("defaults to the strictest settings and the UAE allow-list of contracts/regions.ts", () => {
    const cfg = defaultPackConfig();
    expect(cfg.allowedAwsRegions).toEqual([...AWS_UAE_REGIONS]);
    expect(cfg.allowedAzureLocations).toEqual([...AZURE_UAE_LOCATIONS]);
    expect(cfg.exemptions).toEqual([]);
  });

  it("is optional: a stack without a file gets the strictest settings, and every file present is valid", () => {
    expect(loadPackConfig("no-such-stack", names)).toEqual(defaultPackConfig());
    for (const file of fs.readdirSync(PACK_CONFIG_DIR).filter((f) => f.endsWith(".json"))) {
      expect(() => loadPackConfig(path.basename(file, ".json"), names), file).not.toThrow();
    }
  });

  it("the consistency rule reads the same pipeline-settings key the steps read", () => {
    expect(PIPELINE_ENVIRONMENT_KEY).toBe(SETTINGS_KEYS.environment);
  });

  it("refuses the settings that now come from the stack, naming the stack key to set instead", () => {
    expect(() => parsePackConfig({ production: false }, "dev.json")).toThrow(
      /dev\.json:\n {2}- production: is no longer a pack setting \(received false\); the pack derives it from the stack: set mlops-platform:environment/,
    );
    expect(() => parsePackConfig({ minimumBackupRetentionDays: 1 })).toThrow(
      /minimumBackupRetentionDays: .*mlops-platform:retention\.backupDays/,
    );
    expect(() => parsePackConfig({ minimumLogRetentionDays: 1 })).toThrow(/minimumLogRetentionDays: .*mlops-platform:retention\.logDays/);
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
      { enforcementLevel: string; exemptions: unknown[]; production?: boolean }
    >;
    expect(Object.keys(out).sort()).toEqual([...names].sort());
    expect(out["aws-kms-key-enable-rotation"]?.enforcementLevel).toBe("advisory");
    expect(out["aws-s3-bucket-enable-versioning"]?.enforcementLevel).toBe("mandatory");
    expect(out["kubernetes-core-pod-disallow-privileged"]?.exemptions).toEqual([
      { resource: "gpu-device-plugin", reason: "device plugins mount the kubelet socket" },
    ]);
    expect(out["aws-kms-key-enable-rotation"]?.exemptions).toEqual([]);
    // Production is never a pack setting: it cannot be turned off through --policy-pack-config.
    expect(out["aws-kms-key-enable-rotation"]?.production).toBeUndefined();
  });

  it("declares every setting in the rules' config schema (the CLI validates against it) and never enforcementLevel", () => {
    const settings = Object.keys(toPolicyPackConfig(defaultPackConfig(), allPolicies)[names[0] as string] as object).filter(
      (k) => k !== "enforcementLevel",
    );
    expect(Object.keys(RULE_CONFIG_SCHEMA.properties).sort()).toEqual(settings.sort());
    expect(RULE_CONFIG_SCHEMA.properties.enforcementLevel).toBeUndefined();
  });
});
