/**
 * `npm run report`: its numbers are those of `npm run check --format json` (the same evaluation)
 * on every shipped stack and on a plan with planted violations and exemptions; it reads a real
 * `pulumi stack export`; residency puts anything outside the UAE first; values from the plan are
 * escaped in both Markdown and HTML; guardrails show only what the plan contains.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import MarkdownIt from "markdown-it";
import { beforeAll, describe, expect, it } from "vitest";
import { parsePackConfig } from "../../policies/config";
import { main as checkMain } from "../../tools/check";
import { type CheckResult, checkPlan, formatJson } from "../../tools/lib/check";
import { GUARDRAILS, type MadeReport, makeReport, registerGuardrail } from "../../tools/lib/report";
import { mdCode, mdProse, mdTable, mdText } from "../../tools/lib/report/markdown";
import { UNKNOWN } from "../../tools/lib/values";
import { main } from "../../tools/report";
import { plan, type Spec } from "../policies/fixture";
import { SHIPPED_STACKS } from "../support/plan-requests";
import { shippedPlan } from "../support/shipped-plan";
import { shippedReport } from "../support/shipped-report";

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "report-"));
}

/** `npm run check -- --plan <file> --format json` on `doc`, parsed. */
async function checkJson(doc: unknown, stack?: string): Promise<CheckResult> {
  const file = path.join(tmpDir(), "plan.json");
  fs.writeFileSync(file, JSON.stringify(doc));
  let text = "";
  await checkMain(["--plan", file, "--format", "json", ...(stack ? ["--stack", stack] : [])], (s) => {
    text += s;
  });
  return JSON.parse(text) as CheckResult;
}

/** The rows of the report's rules table, read back from its Markdown with a Markdown parser. */
function rulesTable(markdown: string): Map<string, Record<string, string>> {
  const tokens = new MarkdownIt().parse(markdown, {});
  const rows = new Map<string, Record<string, string>>();
  let head: string[] | undefined;
  let cells: string[] = [];
  let inHead = false;
  for (const t of tokens) {
    if (t.type === "thead_open") {
      inHead = true;
      head = [];
    } else if (t.type === "thead_close") inHead = false;
    else if (t.type === "tr_open") cells = [];
    else if (t.type === "inline") cells.push(t.content);
    if (t.type === "tr_close") {
      if (inHead) head = cells;
      else if (head?.[0] === "Rule" && head.includes("Checked")) {
        const row = Object.fromEntries(head.map((h, i) => [h, cells[i] ?? ""]));
        rows.set((row.Rule ?? "").replace(/`/g, ""), row);
      }
    }
  }
  return rows;
}

/** Every number the report shows for the check, compared with the JSON of `npm run check`. */
function expectSameNumbers(made: MadeReport, json: CheckResult): void {
  const s = json.summary;
  expect(made.check.summary).toEqual(s);
  const table = rulesTable(made.markdown);
  expect(table.size).toBe(s.policies);
  for (const rule of json.rules ?? []) {
    const row = table.get(rule.policy);
    expect(row, rule.policy).toBeDefined();
    expect(Number(row?.Checked), rule.policy).toBe(rule.checked.length);
    expect(Number(row?.Passed), rule.policy).toBe(rule.passed);
    expect(Number(row?.Violations), rule.policy).toBe(s.byPolicy[rule.policy] ?? 0);
    expect(Number(row?.Violations), rule.policy).toBe(json.violations.filter((v) => v.policy === rule.policy).length);
    expect(Number(row?.Exempted), rule.policy).toBe(rule.exempted.length);
    expect(rule.passed + rule.exempted.length + rule.violating.length).toBe(rule.checked.length);
  }
  expect(made.markdown).toContain(`${s.mandatory} mandatory violation`);
  expect(made.markdown).toContain(`${s.advisory} advisory violation`);
  expect(made.markdown).toContain(`${s.policies} rules`);
  expect(made.markdown).toContain(`| Planned resources | ${s.resources} |`);
  const violationRows = made.markdown.split("### Violations")[1]?.split("### Exemptions")[0] ?? "";
  expect(violationRows.split("\n").filter((l) => l.startsWith("| `")).length).toBe(json.violations.length);
}

describe("npm run report on the shipped stacks", () => {
  for (const stack of SHIPPED_STACKS) {
    it(`${stack}: the report's numbers are those of npm run check --format json`, async () => {
      const doc = shippedPlan(stack).deployment;
      const [made, json] = await Promise.all([shippedReport(stack), checkJson(doc, stack)]);
      expectSameNumbers(made, json);
      const f = made.report.facts;
      expect(f.stack).toBe(stack);
      expect(f.cloud.value).toBe(stack.endsWith("azure") ? "azure" : "aws");
      expect(f.region.value).toBe(stack.endsWith("azure") ? "uaenorth" : "me-central-1");
      expect(f.profile.value).toBe(stack.startsWith("uae-prod") ? "enterprise" : "smb");
      expect(f.environment.value).toBe(stack.startsWith("uae-prod") ? "production" : "development");
      expect(f.planDate).toBe("2026-01-01T00:00:00.000Z");
      // Every located resource of a shipped stack is in the UAE (or a global service).
      expect(made.report.residency.map((g) => g.class).filter((c) => c !== "UAE" && c !== "global service")).toEqual([]);
      // Data-safety rules are off on development stacks, and say why.
      const protect = made.report.rules.find((r) => r.policy === "pulumi-stateful-resource-enable-protect");
      expect(protect?.state).toBe(stack.startsWith("dev") ? "off" : "applied");
    });
  }
});

const KEY_OK = { enableKeyRotation: true, multiRegion: false };
const PLANTED: Spec[] = [
  { type: "aws:kms/key:Key", name: "rotating", inputs: KEY_OK, protect: true },
  { type: "aws:kms/key:Key", name: "stale", inputs: { enableKeyRotation: false, multiRegion: false }, protect: true },
  {
    type: "aws:kms/key:Key",
    name: "legacy|<script>alert(1)</script>",
    inputs: { enableKeyRotation: false, multiRegion: false },
    protect: true,
  },
  { type: "aws:sqs/queue:Queue", name: "abroad", inputs: { region: "eu-west-1", kmsMasterKeyId: "k" } },
  { type: "aws:sqs/queue:Queue", name: "unknown-place", inputs: { region: UNKNOWN, kmsMasterKeyId: "k" } },
];
const PLANTED_CONFIG = parsePackConfig({
  exemptions: [
    {
      policy: "aws-kms-key-enable-rotation",
      resource: "legacy|<script>alert(1)</script>",
      reason: "HSM-backed key rotated by hand | see *runbook* <b>R-7</b>",
    },
    { policy: "aws-kms-key-enable-rotation", resource: "gone", reason: "key removed last quarter; exemption kept for the audit trail" },
  ],
  enforcementLevels: { "aws-kms-key-disallow-multi-region": "advisory", "aws-iam-user-disallow-access-key": "disabled" },
});

describe("npm run report on a plan with planted violations and exemptions", () => {
  let made: MadeReport;
  let json: CheckResult;
  beforeAll(async () => {
    const doc = plan(PLANTED);
    made = await makeReport(doc, { stack: "test", packConfig: PLANTED_CONFIG, commit: "abc123" });
    // The CLI reads policies/config/<stack>.json; this configuration goes to the same evaluation, printed as the CLI prints it.
    json = JSON.parse(formatJson(await checkPlan(doc, { stack: "test", packConfig: PLANTED_CONFIG }))) as CheckResult;
  });

  it("shows the numbers of the check's JSON, violations, exemptions and levels included", () => {
    expectSameNumbers(made, json);
    const rotation = made.report.rules.find((r) => r.policy === "aws-kms-key-enable-rotation");
    expect(rotation?.outcome.checked.length).toBe(3);
    expect(rotation?.outcome.passed).toBe(1);
    expect(rotation?.outcome.violations).toBe(1);
    expect(rotation?.outcome.exempted.map((u) => u.split("::").pop())).toEqual(["legacy|<script>alert(1)</script>"]);
    expect(made.report.rules.find((r) => r.policy === "aws-iam-user-disallow-access-key")?.state).toBe("off");
    expect(made.report.rules.find((r) => r.policy === "aws-kms-key-disallow-multi-region")?.outcome.enforcementLevel).toBe("advisory");
    expect(made.markdown).toContain("**Verdict: FAILED.**");
  });

  it("lists each exemption with its reason, and says when it exempted nothing", () => {
    const [used, unused] = made.report.exemptions;
    expect(used?.exempted).toHaveLength(1);
    expect(unused?.exempted).toHaveLength(0);
    expect(made.markdown).toContain("no resource of this name was checked by the rule");
    expect(made.markdown).toContain("HSM-backed key rotated by hand");
  });

  it("marks the controls of violated or exempted rules as partially enforced", () => {
    const keys = made.report.frameworks.flatMap((f) => f.controls).find((c) => c.control.id === "T7.4.2");
    expect(keys?.status).toBe("partially");
    expect(keys?.why).toMatch(/aws-kms-key-enable-rotation: 1 violation, 1 exemption/);
    const privacy = made.report.frameworks.flatMap((f) => f.controls).find((c) => c.control.id === "M5.2.4");
    expect(privacy?.status).toBe("not covered");
  });

  it("lists resources outside the UAE first, then unknown locations, then the UAE", () => {
    expect(made.report.residency.map((g) => [g.location, g.class])).toEqual([
      ["eu-west-1", "outside the UAE"],
      ["unknown", "unknown"],
      ["me-central-1", "UAE"],
      // The fixture's Azure provider.
      ["uaenorth", "UAE"],
    ]);
    expect(made.markdown).toContain("**Residency: ATTENTION.** 1 resource outside the UAE and 1 resource with an unknown location");
    expect(made.markdown.indexOf("### eu-west-1")).toBeLessThan(made.markdown.indexOf("### me-central-1"));
  });

  it("escapes values from the plan in Markdown and HTML", () => {
    expect(made.html).not.toContain("<script>");
    expect(made.html).not.toContain("<b>R-7</b>");
    expect(made.html).toContain("&lt;script&gt;");
    // Pipes in names and reasons do not split table cells: every row of the exemptions table has 4 cells.
    const tokens = new MarkdownIt().parse(made.markdown.split("### Exemptions")[1] ?? "", {});
    const rows: number[] = [];
    let n = 0;
    for (const t of tokens) {
      if (t.type === "tr_open") n = 0;
      if (t.type === "td_open" || t.type === "th_open") n++;
      if (t.type === "tr_close") rows.push(n);
    }
    expect(rows.slice(0, 3)).toEqual([4, 4, 4]);
    expect(made.html).toMatch(/<td[^>]*>HSM-backed key rotated by hand \| see \*runbook\* &lt;b&gt;R-7&lt;\/b&gt;<\/td>/);
  });
});

describe("Markdown helpers", () => {
  it("escape markup so that a Markdown parser gives the text back", () => {
    const md = new MarkdownIt();
    for (const s of ["a|b", "*x* _y_ `z`", "<img src=x>", "[l](http://e)", "1. not a list", "#h", "a\\b", "&amp;", "~~s~~"]) {
      const cell = md.render(mdTable(["h"], [[mdText(s)]]));
      const text = /<td>(.*)<\/td>/.exec(cell)?.[1];
      expect(text, s).toBe(md.utils.escapeHtml(s));
    }
    expect(md.renderInline(mdCode("a`b"))).toBe("<code>a'b</code>");
    expect(md.renderInline(mdProse("set `region` to *x*"))).toBe("set <code>region</code> to *x*");
    expect(md.renderInline(mdProse("odd ` tick"))).toBe("odd ` tick");
  });
});

describe("run-time guardrails", () => {
  it("are shown in place only when the plan contains their resources", async () => {
    const doc = plan([
      {
        type: "kubernetes:core/v1:Namespace",
        name: "ns",
        inputs: { metadata: { labels: { "pod-security.kubernetes.io/enforce": "restricted" } } },
      },
    ]);
    const made = await makeReport(doc, { stack: "test", packConfig: parsePackConfig({}), commit: "x" });
    const inPlace = made.report.guardrails.filter((g) => g.resources.length > 0).map((g) => g.guardrail.id);
    expect(inPlace).toEqual(["pod-security-admission"]);
    expect(made.markdown).toMatch(/\| Pod Security admission \(restricted\) \| admission \| in place \(1 resource\) \|/);
    expect(made.markdown).toMatch(/\| In-region egress firewall \| firewall \| not in this plan; planned: issue 13/);
  });

  it("shows the model registry authorization in place on every shipped stack: the MLflow gate", async () => {
    for (const stack of ["dev", "uae-prod", "dev-azure", "uae-prod-azure"]) {
      const made = await shippedReport(stack);
      const g = made.report.guardrails.find((x) => x.guardrail.id === "model-registry-authorization");
      expect(
        g?.resources.map((r) => r.urn),
        stack,
      ).toEqual([expect.stringMatching(/Deployment::[a-z-]*gate$/)]);
    }
    const bare = await makeReport(plan([{ type: "kubernetes:apps/v1:Deployment", name: "other", inputs: { spec: {} } }]), {
      stack: "test",
      packConfig: parsePackConfig({}),
      commit: "x",
    });
    expect(bare.report.guardrails.find((x) => x.guardrail.id === "model-registry-authorization")?.resources).toEqual([]);
  });

  it("can be registered by another feature, once per id", () => {
    const g = { ...(GUARDRAILS[0] as (typeof GUARDRAILS)[number]) };
    expect(() => registerGuardrail(g)).toThrow(/registered twice/);
  });
});

/** A `pulumi stack export` as the Pulumi CLI writes it after `pulumi up` (no offline-plan extras). */
function asRealExport(doc: ReturnType<typeof shippedPlan>["deployment"]): unknown {
  const known = (v: unknown): unknown => {
    if (v === UNKNOWN) return "resolved-after-apply";
    if (Array.isArray(v)) return v.map(known);
    if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, known(x)]));
    return v;
  };
  return {
    version: 3,
    deployment: {
      manifest: { time: "2026-02-03T04:05:06.789Z", magic: "0123456789abcdef", version: "v3.200.0" },
      secrets_providers: {
        type: "service",
        state: { url: "https://api.pulumi.com", owner: "org", project: "mlops-platform", stack: "uae-prod" },
      },
      resources: doc.deployment.resources.map((r) => {
        const { name: _name, ...rest } = r as typeof r & { name?: string };
        return { ...(known(rest) as object), sequenceNumber: 1 };
      }),
    },
  };
}

describe("npm run report (CLI)", () => {
  it("writes report.html and report.md from a real `pulumi stack export`", async () => {
    const dir = tmpDir();
    const file = path.join(dir, "export.json");
    fs.writeFileSync(file, JSON.stringify(asRealExport(shippedPlan("uae-prod").deployment)));
    let out = "";
    const code = await main(["--plan", file, "--out", path.join(dir, "r"), "--commit", "0123abc"], (s) => {
      out += s;
    });
    expect(code).toBe(0);
    expect(out).toMatch(/Compliance report for stack uae-prod: PASSED/);
    const md = fs.readFileSync(path.join(dir, "r", "report.md"), "utf8");
    const html = fs.readFileSync(path.join(dir, "r", "report.html"), "utf8");
    expect(md).toContain("| Plan date | 2026-02-03T04:05:06.789Z |");
    expect(md).toContain("| Commit | `0123abc` |");
    expect(md).toContain("| Size profile | enterprise (stack outputs) |");
    expect(html).toContain("Content-Security-Policy");
    expect(html).not.toMatch(/<(script|link)\b|https?:\/\/(?!.*mlops\.internal)[^"<\s]*\.(js|css|woff2?)/);
  });

  it("refuses bad usage with exit status 2", async () => {
    const quiet = () => undefined;
    const stderr = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      expect(await main([], quiet)).toBe(2);
      expect(await main(["--plan", path.join(tmpDir(), "missing.json")], quiet)).toBe(2);
      expect(await main(["--plan", "x", "--bogus"], quiet)).toBe(2);
    } finally {
      process.stderr.write = stderr;
    }
  });
});

describe("checkPlan's per-rule outcomes (what the report counts)", () => {
  const specs: Spec[] = [
    { type: "aws:kms/key:Key", name: "a", inputs: { enableKeyRotation: true } },
    { type: "aws:kms/key:Key", name: "b", inputs: { enableKeyRotation: false } },
    { type: "aws:kms/key:Key", name: "c", inputs: { enableKeyRotation: false } },
    { type: "aws:sqs/queue:Queue", name: "q", inputs: {} },
  ];
  const keyRule = {
    name: "test-key-rotation",
    description: "keys rotate",
    enforcementLevel: "mandatory" as const,
    validateResource: (
      args: { type: string; name: string; props: Record<string, unknown>; getConfig: () => object },
      report: (m: string) => void,
    ) => {
      if (args.type !== "aws:kms/key:Key") return;
      // Destructured, as a rule may do: still observed.
      const { getConfig } = args;
      const exempt = (getConfig() as { exemptions: { resource: string }[] }).exemptions.some((e) => e.resource === args.name);
      if (!exempt && args.props.enableKeyRotation !== true) report("no rotation");
    },
  };

  it("counts checked, passed, exempted and violating resources, and skips resources of other types", async () => {
    const cfg = parsePackConfig({ exemptions: [{ policy: "test-key-rotation", resource: "c", reason: "rotated by the HSM team" }] });
    const r = await checkPlan(plan(specs), { stack: "test", packConfig: cfg, policies: [keyRule as never] });
    const o = r.rules?.[0];
    expect(o?.checked.map((u) => u.split("::").pop())).toEqual(["a", "b", "c"]);
    expect(o?.violating.map((u) => u.split("::").pop())).toEqual(["b"]);
    expect(o?.exempted.map((u) => u.split("::").pop())).toEqual(["c"]);
    expect(o?.passed).toBe(1);
    expect(o?.violations).toBe(r.summary.byPolicy["test-key-rotation"]);
  });

  it("does not count resources a rule declared not applicable, and records why", async () => {
    const rule = {
      ...keyRule,
      validateResource: (args: { type: string; getConfig: () => object; notApplicable: (r: string) => never }) => {
        if (args.type !== "aws:kms/key:Key") return;
        args.getConfig();
        args.notApplicable("applies to production stacks only");
      },
    };
    const r = await checkPlan(plan(specs), { stack: "test", packConfig: parsePackConfig({}), policies: [rule as never] });
    expect(r.rules?.[0]?.checked).toEqual([]);
    expect(r.rules?.[0]?.notApplicable).toEqual(["applies to production stacks only"]);
  });

  it("reports a disabled rule as disabled with nothing checked", async () => {
    const cfg = parsePackConfig({ enforcementLevels: { "test-key-rotation": "disabled" } });
    const r = await checkPlan(plan(specs), { stack: "test", packConfig: cfg, policies: [keyRule as never] });
    expect(r.rules?.[0]).toMatchObject({ enforcementLevel: "disabled", checked: [], violations: 0 });
  });
});
