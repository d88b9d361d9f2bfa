/**
 * The pack's own invariants: every rule is named `<vendor>-<service>-<resource>-<verb>-<subject>`
 * once, has metadata citing catalogued controls, and has test cases (compliant, one change per
 * violation, unknown behaviour). A new rule without these fails here.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { C, SOURCES } from "../../policies/lib/controls";
import { RULE_METADATA } from "../../policies/metadata";
import { allPolicies, resourcePolicies, stackPolicies } from "../../policies/rules";
import { CASES } from "./cases";

const NAME =
  /^(aws|azure|kubernetes|pulumi)-[a-z0-9]+-[a-z0-9]+(-[a-z0-9]+)*-(missing|disallow|enable|disable|configure|enforce)-[a-z0-9]+(-[a-z0-9]+)*$/;
const names = allPolicies.map((p) => p.name);

describe("policy pack metadata", () => {
  it("has unique rule names", () => {
    const dupes = names.filter((n, i) => names.indexOf(n) !== i);
    expect(dupes).toEqual([]);
  });

  it("names every rule <vendor>-<service>-<resource>-<verb>-<subject>", () => {
    expect(names.filter((n) => !NAME.test(n))).toEqual([]);
  });

  it("recognises malformed names (the pattern can fail)", () => {
    expect(NAME.test("s3-bucket-encryption")).toBe(false);
    expect(NAME.test("aws-s3-bucket-ensure-encryption")).toBe(false);
    expect(NAME.test("aws-s3-bucket-enforce-kms-encryption")).toBe(true);
  });

  it("has metadata for every rule and no metadata without a rule", () => {
    expect(names.filter((n) => !RULE_METADATA[n])).toEqual([]);
    expect(Object.keys(RULE_METADATA).filter((n) => !names.includes(n))).toEqual([]);
  });

  it("gives every rule a description, severity, remediation and catalogued controls of every framework family it needs", () => {
    const catalogue = new Set(Object.values(C).map((c) => `${c.source}:${c.id}`));
    for (const [name, m] of Object.entries(RULE_METADATA)) {
      expect(m.description.length, name).toBeGreaterThan(20);
      expect(m.remediationSteps.length, name).toBeGreaterThan(10);
      expect(["low", "medium", "high", "critical"], name).toContain(m.severity);
      expect(m.controls.length, name).toBeGreaterThan(0);
      for (const c of m.controls) {
        expect(catalogue.has(`${c.source}:${c.id}`), `${name} cites ${c.id}`).toBe(true);
        expect(SOURCES[c.source], `${name} cites an unknown source`).toBeDefined();
      }
      expect(
        m.controls.some((c) => c.source === "uae-ia"),
        `${name} cites no UAE IA control`,
      ).toBe(true);
      expect(
        m.controls.some((c) => c.source === "iso27001"),
        `${name} cites no ISO/IEC 27001 control`,
      ).toBe(true);
    }
  });

  it("passes the metadata into each CrossGuard policy", () => {
    for (const p of allPolicies) {
      const m = RULE_METADATA[p.name];
      expect(p.description).toBe(m?.description);
      expect(p.severity).toBe(m?.severity);
      expect(p.remediationSteps).toBe(m?.remediationSteps);
      expect(p.enforcementLevel).toBe("mandatory");
    }
  });

  it("has test cases for every rule: at least one violation and an unknown-value case", () => {
    const missing = names.filter((n) => !CASES[n] || CASES[n].violations.length === 0 || !CASES[n].unknown);
    expect(missing).toEqual([]);
    expect(Object.keys(CASES).filter((n) => !names.includes(n))).toEqual([]);
  });

  it("keeps one rule per module under policies/rules/<area>/<rule-name>.ts", () => {
    const root = path.join(__dirname, "../../policies/rules");
    for (const name of names) {
      const area = RULE_METADATA[name]?.area ?? "";
      expect(fs.existsSync(path.join(root, area, `${name}.ts`)), `${area}/${name}.ts`).toBe(true);
    }
  });

  it("never loads the pack entry point (its PolicyPack constructor starts a gRPC server) from the checker", () => {
    for (const f of ["tools/lib/check.ts", "tools/check.ts", "tools/lib/sarif.ts", "tools/policy-docs.ts"]) {
      const src = fs.readFileSync(path.join(__dirname, "../..", f), "utf8");
      expect(src, f).not.toMatch(/from "(\.\.\/)+policies(\/index)?"/);
    }
  });

  it("exports resource and stack policies as plain arrays", () => {
    expect(resourcePolicies.every((p) => typeof p.validateResource === "function")).toBe(true);
    expect(stackPolicies.every((p) => typeof p.validateStack === "function")).toBe(true);
    expect(resourcePolicies.length + stackPolicies.length).toBe(allPolicies.length);
  });
});
