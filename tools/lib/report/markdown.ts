/**
 * The report as Markdown (GitHub-flavoured tables). This is the single text of the report: the
 * HTML page is this Markdown rendered by markdown-it (see html.ts), so both say the same thing.
 */
import { PACK_NAME, PACK_VERSION, type Violation } from "../check";
import type { ControlRow, Fact, Report, ResidencyGroup, RuleRow } from "./model";

/**
 * Escapes text for a Markdown paragraph or table cell: every character CommonMark or the table
 * syntax could read as markup gets a backslash (valid for any ASCII punctuation), and line
 * breaks become spaces (a table row is one line).
 */
export function mdText(text: string): string {
  return text.replace(/\r?\n/g, " ").replace(/[\\`*_[\]<>|~&#!]/g, (c) => `\\${c}`);
}

/** A code span (resource types, names, rule names); pipes are escaped for tables. */
export function mdCode(text: string): string {
  const body = text.replace(/\r?\n/g, " ").replace(/`/g, "'").replace(/\|/g, "\\|");
  return `\`${body}\``;
}

/**
 * Prose that may contain `code spans` (rule descriptions and messages are written that way):
 * code spans stay code, everything else is escaped text. Safe for any input.
 */
export function mdProse(text: string): string {
  const parts = text.split("`");
  // An odd number of parts means the backticks pair up; otherwise treat it all as text.
  if (parts.length % 2 === 0) return mdText(text);
  return parts.map((p, i) => (i % 2 === 1 && p.length > 0 ? mdCode(p) : mdText(p))).join("");
}

/** A GitHub-flavoured Markdown table; cells are already escaped Markdown. */
export function mdTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map((c) => c || " ").join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const factCell = (f: Fact) => `${mdText(f.value)} (${mdText(f.source)})`;

/** Violation message without the rule description the CLI puts before it. */
function detail(v: Violation, rows: readonly RuleRow[]): string {
  const description = rows.find((r) => r.policy === v.policy)?.description;
  return description && v.message.startsWith(`${description}\n`) ? v.message.slice(description.length + 1) : v.message;
}

function summary(r: Report): string[] {
  const s = r.check.summary;
  const applied = r.rules.filter((x) => x.state === "applied");
  const pairs = applied.reduce((n, x) => n + x.outcome.checked.length, 0);
  const passedPairs = applied.reduce((n, x) => n + x.outcome.passed, 0);
  const exempted = r.rules.reduce((n, x) => n + x.outcome.exempted.length, 0);
  const outside = r.residency.filter((g) => g.class === "outside the UAE");
  const unknown = r.residency.filter((g) => g.class === "unknown");
  const located = r.residency.reduce((n, g) => n + g.resources.length, 0);
  const inUae = r.residency.filter((g) => g.class === "UAE");
  const global = r.residency.filter((g) => g.class === "global service");
  const count = (gs: readonly ResidencyGroup[]) => gs.reduce((n, g) => n + g.resources.length, 0);
  const lines: string[] = [];
  lines.push(
    s.passed
      ? `- **Verdict: PASSED.** No mandatory violation: ${plural(s.policies, "rule")} ran on ${plural(s.resources, "planned resource")}.`
      : `- **Verdict: FAILED.** ${plural(s.mandatory, "mandatory violation")}: this plan must not be deployed as it is.`,
  );
  lines.push(
    `- **Checks:** ${plural(applied.length, "rule")} applied to at least one resource; ${pairs} resource checks, ${passedPairs} passed, ` +
      `${plural(s.mandatory, "mandatory violation")}, ${plural(s.advisory, "advisory violation")}, ${plural(exempted, "exempted resource")}.`,
  );
  const residencyLine =
    outside.length === 0 && unknown.length === 0
      ? `- **Residency:** all ${plural(located, "resource")} with a location are in the UAE (${inUae.map((g) => mdText(g.location)).join(", ") || "none"})` +
        `${global.length ? `, except ${plural(count(global), "resource")} of global services that hold no data (see Residency)` : ""}.`
      : `- **Residency: ATTENTION.** ${plural(count(outside), "resource")} outside the UAE and ${plural(count(unknown), "resource")} with an unknown location, listed first under Residency (at the end of this report).`;
  lines.push(residencyLine);
  for (const f of r.frameworks) {
    const by = (st: string) => f.controls.filter((c) => c.status === st).length;
    lines.push(
      `- **${mdText(f.title)}:** ${by("enforced")} enforced, ${by("partially")} partially, ${by("not covered")} not covered (of ${f.controls.length} controls in the catalogue).`,
    );
  }
  const present = r.guardrails.filter((g) => g.resources.length > 0).map((g) => mdText(g.guardrail.title));
  const absent = r.guardrails.filter((g) => g.resources.length === 0).map((g) => mdText(g.guardrail.title));
  lines.push(
    `- **Run-time guardrails in this plan:** ${present.join(", ") || "none"}.${absent.length ? ` Not in this plan: ${absent.join(", ")}.` : ""}`,
  );
  return lines;
}

/** The rules that checked resources for a control, those not in force here, and how many had nothing to check. */
function rulesCell(c: ControlRow): string {
  const applied = c.rules.filter((r) => r.state === "applied").map((r) => mdCode(r.policy));
  const off = c.rules.filter((r) => r.state === "off").map((r) => `${mdCode(r.policy)} (off)`);
  const idle = c.rules.filter((r) => r.state === "idle").length;
  const parts = [...applied, ...off];
  if (idle > 0) parts.push(`${plural(idle, "other rule")} with nothing to check in this plan`);
  return parts.join(", ") || "none";
}

function controlTable(controls: readonly ControlRow[]): string {
  return mdTable(
    ["Control", "Title", "Status", "Why", "Rules", "Run-time guardrails"],
    controls.map((c) => [
      mdText(c.control.id),
      mdText(c.control.title),
      c.status,
      mdProse(c.why),
      rulesCell(c),
      c.guardrails.map((g) => `${mdText(g.guardrail.title)}: ${g.resources.length ? "in place" : "not in this plan"}`).join(", ") || "none",
    ]),
  );
}

function residencySection(r: Report): string[] {
  const out: string[] = [];
  const total = r.residency.reduce((n, g) => n + g.resources.length, 0);
  out.push(
    `${plural(total, "resource")} have a location of their own; ${plural(r.withoutLocation, "other resource")} (Kubernetes objects inside the cluster, components, settings of a parent resource) have none and live where their cluster or parent lives. ` +
      "Resources outside the UAE and resources whose location is unknown in the plan come first. Global services (IAM, DNS) are control-plane objects without a region; they hold no platform data.",
  );
  for (const g of r.residency) {
    out.push("", `### ${mdText(g.location)}: ${g.class} (${plural(g.resources.length, "resource")})`, "");
    if (g.class === "outside the UAE" || g.class === "unknown") {
      out.push(
        mdTable(
          ["Type", "Name"],
          g.resources.map((x) => [mdCode(x.type), mdCode(x.name)]),
        ),
      );
      continue;
    }
    const byType = new Map<string, string[]>();
    for (const x of g.resources) byType.set(x.type, [...(byType.get(x.type) ?? []), x.name]);
    out.push(
      mdTable(
        ["Type", "Count", "Names"],
        [...byType.entries()]
          .sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))
          .map(([type, names]) => [mdCode(type), String(names.length), names.map(mdCode).join(", ")]),
      ),
    );
  }
  return out;
}

/** The whole report as Markdown. */
export function renderMarkdown(r: Report): string {
  const f = r.facts;
  const out: string[] = [];
  out.push(`# Compliance evidence: stack ${mdCode(f.stack)}`, "");
  out.push(
    mdTable(
      ["Fact", "Value"],
      [
        ["Stack", mdCode(f.stack)],
        ["Cloud", factCell(f.cloud)],
        ["Region", factCell(f.region)],
        ["Size profile", factCell(f.profile)],
        ["Environment", factCell(f.environment)],
        ["Commit", mdCode(f.commit)],
        ["Plan date", mdText(f.planDate)],
        ["Planned resources", String(f.resources)],
        [
          "Policy pack",
          `${mdCode(`${PACK_NAME}@${PACK_VERSION}`)}, ${plural(r.check.summary.policies, "rule")}, evaluated as \`npm run check\` does`,
        ],
      ],
    ),
  );
  out.push("", "## Summary", "", ...summary(r));

  out.push("", "## Controls by framework", "");
  out.push(
    "A control is **enforced** when every rule that implements it ran on this stack as mandatory, checked at least one resource and found no violation and no exemption; **partially** when some did not run here (disabled, production only), ran as advisory, or have violations or exemptions; **not covered** when no rule of the pack checked anything for it on this stack. Run-time guardrails are listed as evidence beside the rules; they do not change the status.",
  );
  for (const fw of r.frameworks) out.push("", `### ${mdText(fw.title)}`, "", controlTable(fw.controls));

  out.push("", "## Rules", "");
  out.push(
    "A rule **checked** a resource when it read the resource's properties, provider or rule configuration (it skips other types without reading them). **Passed** = checked, not exempted, no violation. **applied**: checked at least one resource; **idle**: nothing of its kind in this plan; **off**: disabled or not applicable to this stack.",
    "",
  );
  out.push(
    mdTable(
      ["Rule", "Area", "Severity", "Level", "State", "Checked", "Passed", "Violations", "Exempted", "Resources checked"],
      r.rules.map((x) => [
        mdCode(x.policy),
        x.area,
        x.severity,
        x.outcome.enforcementLevel,
        x.state === "off" && x.outcome.notApplicable.length ? `off: ${mdText(x.outcome.notApplicable.join(", "))}` : x.state,
        String(x.outcome.checked.length),
        String(x.outcome.passed),
        String(x.outcome.violations),
        String(x.outcome.exempted.length),
        x.checkedByType.map(([t, n]) => `${n} ${mdCode(t)}`).join(", ") || "none",
      ]),
    ),
  );

  out.push("", "### Violations", "");
  if (r.violations.length === 0) out.push("None.");
  else
    out.push(
      mdTable(
        ["Rule", "Level", "Severity", "Resource", "Finding"],
        r.violations.map((v) => [
          mdCode(v.policy),
          v.enforcementLevel,
          v.severity,
          v.urn ? `${mdCode(v.name)} (${mdCode(v.type)})` : "the stack",
          mdProse(detail(v, r.rules)),
        ]),
      ),
    );

  out.push("", "### Exemptions", "");
  if (r.exemptions.length === 0) out.push("None: the pack configuration of this stack exempts no resource from any rule.");
  else
    out.push(
      mdTable(
        ["Rule", "Resource", "Reason recorded", "Exempted in this plan"],
        r.exemptions.map((e) => [
          mdCode(e.policy),
          mdCode(e.resource),
          mdProse(e.reason),
          e.exempted.length ? plural(e.exempted.length, "resource") : "no resource of this name was checked by the rule",
        ]),
      ),
    );

  out.push("", "## Run-time guardrails", "");
  out.push(
    "What judges teams' work after deployment. A guardrail is **in place** when this plan contains the resources that set it up.",
    "",
  );
  out.push(
    mdTable(
      ["Guardrail", "Kind", "In this plan", "What it stops", "Backs controls"],
      r.guardrails.map((g) => [
        mdText(g.guardrail.title),
        g.guardrail.kind,
        g.resources.length
          ? `in place (${plural(g.resources.length, "resource")})`
          : `not in this plan${g.guardrail.planned ? `; planned: ${mdText(g.guardrail.planned)}` : ""}`,
        mdProse(g.guardrail.description),
        g.guardrail.controls.map((c) => mdText(c.id)).join(", "),
      ]),
    ),
  );
  // Last: the full list of located resources is long; the summary already gives its verdict.
  out.push("", "## Residency", "", ...residencySection(r));
  out.push("");
  return out.join("\n");
}
