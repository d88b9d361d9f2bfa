/** docs/policies.md lists the rules as the metadata describes them (it cannot drift). */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { RULE_METADATA } from "../../policies/metadata";
import { allPolicies } from "../../policies/rules";
import { POLICY_DOC, renderPolicyDoc, renderRules } from "../../tools/policy-docs";

describe("docs/policies.md", () => {
  const committed = readFileSync(POLICY_DOC, "utf8");

  it("is up to date with policies/metadata.ts (run npm run docs:policies)", () => {
    expect(renderPolicyDoc(committed)).toBe(committed);
  });

  it("lists every rule with its severity", () => {
    const rules = renderRules();
    for (const p of allPolicies) expect(rules).toContain(`| \`${p.name}\` |`);
    expect(rules).toContain(`| ${RULE_METADATA["aws-provider-region-enforce-allowlist"]?.severity} |`);
  });

  it("detects drift: a changed description changes the document", () => {
    const drifted = committed.replace(
      /\| `aws-kms-key-enable-rotation` \| resource \| medium \| [^|]+\|/,
      "| `aws-kms-key-enable-rotation` | resource | medium | stale |",
    );
    expect(drifted).not.toBe(committed);
    expect(renderPolicyDoc(drifted)).toBe(committed);
  });

  it("refuses a document without the generated section markers", () => {
    expect(() => renderPolicyDoc("# no markers")).toThrow(/BEGIN GENERATED/);
  });
});
