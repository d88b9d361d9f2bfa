/**
 * `npm run docs:policies`: regenerates the rule tables of docs/policies.md from
 * policies/metadata.ts (between the GENERATED markers; the prose around them is kept).
 * `--check` exits 1 when the committed document differs from what the metadata gives.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { C, SOURCES } from "../policies/lib/controls";
import { RULE_METADATA, type RuleArea } from "../policies/metadata";
import { resourcePolicies, stackPolicies } from "../policies/rules";
import { STATEFUL_TYPES } from "../policies/rules/data-safety/pulumi-stateful-resource-enable-protect";
import { AZURE_GLOBAL_TYPES } from "../policies/rules/residency/azure-resource-location-enforce-allowlist";

/** The document the rules are rendered into. */
export const POLICY_DOC = join(__dirname, "..", "docs", "policies.md");
const BEGIN = "<!-- BEGIN GENERATED: npm run docs:policies -->";
const END = "<!-- END GENERATED -->";

const AREAS: Record<RuleArea, string> = {
  residency: "Residency (mandatory)",
  encryption: "Encryption (mandatory)",
  "least-privilege": "Least privilege (mandatory)",
  kubernetes: "Kubernetes (mandatory in every namespace unless exempted by name)",
  "data-safety": "Data safety (mandatory in production stacks)",
};

const SHORT: Record<keyof typeof SOURCES, string> = { "uae-ia": "UAE IA", "uae-pdpl": "PDPL", iso27001: "ISO 27001", cis: "CIS AWS" };

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The generated section (without markers). */
export function renderRules(): string {
  const stackNames = new Set(stackPolicies.map((p) => p.name));
  const all = [...resourcePolicies, ...stackPolicies].map((p) => p.name).sort();
  const out: string[] = [];
  out.push(`${all.length} rules: ${resourcePolicies.length} resource policies and ${stackPolicies.length} stack policies.`, "");
  for (const [area, title] of Object.entries(AREAS) as [RuleArea, string][]) {
    const names = all.filter((n) => RULE_METADATA[n]?.area === area);
    out.push(
      `### ${title}`,
      "",
      "| Rule | Kind | Severity | What it checks | Remediation | Controls | Equivalents |",
      "| --- | --- | --- | --- | --- | --- | --- |",
    );
    for (const n of names) {
      const m = RULE_METADATA[n]!;
      const controls = m.controls.map((c) => `${SHORT[c.source]} ${c.id}`).join(", ");
      const eq = m.equivalents.length ? m.equivalents.map((e) => `${e.tool} \`${e.id}\``).join(", ") : "—";
      out.push(
        `| \`${n}\` | ${stackNames.has(n) ? "stack" : "resource"} | ${m.severity} | ${cell(m.description)} | ${cell(m.remediationSteps)} | ${controls} | ${eq} |`,
      );
    }
    out.push("");
  }
  out.push("### Controls cited", "", "| Framework | Id | Title |", "| --- | --- | --- |");
  const seen = new Set<string>();
  for (const c of Object.values(C)) {
    const key = `${c.source}:${c.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(`| ${SOURCES[c.source].title} | ${c.id} | ${c.title} |`);
  }
  out.push("", "### Azure resource types accepted with location `global`", "", ...AZURE_GLOBAL_TYPES.map((t) => `- \`${t}\``));
  out.push("", "### Stateful types that production stacks must protect", "", ...STATEFUL_TYPES.map((t) => `- \`${t}\``), "");
  return out.join("\n");
}

/** `current` with its generated section replaced. */
export function renderPolicyDoc(current: string): string {
  const start = current.indexOf(BEGIN);
  const end = current.indexOf(END);
  if (start === -1 || end === -1 || end < start)
    throw new Error(`${POLICY_DOC} has no "${BEGIN}" … "${END}" section; add the markers where the rule list goes`);
  return `${current.slice(0, start + BEGIN.length)}\n${renderRules()}${current.slice(end)}`;
}

if (require.main === module) {
  const current = readFileSync(POLICY_DOC, "utf8");
  const next = renderPolicyDoc(current);
  if (process.argv.includes("--check")) {
    process.stdout.write(
      next === current ? "docs/policies.md is up to date\n" : "docs/policies.md is out of date: run npm run docs:policies\n",
    );
    process.exitCode = next === current ? 0 : 1;
  } else {
    writeFileSync(POLICY_DOC, next);
    process.stdout.write("wrote docs/policies.md\n");
  }
}
