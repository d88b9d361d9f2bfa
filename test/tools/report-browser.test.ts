/**
 * The uae-prod report rendered by a real headless Chromium (Debian's `chromium` package): the
 * page's text is there after rendering and the browser logs no console message at all (the page
 * has no script, and its Content-Security-Policy turns any network load into a console error).
 * A control page with one external image proves that such an error is seen.
 *
 * Without a browser the test is skipped and says why; with REPORT_BROWSER_REQUIRED=1 (set by
 * .ci/run once it has installed chromium) a missing or broken browser fails instead.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { shippedReport } from "../support/shipped-report";

const CANDIDATES = [process.env.CHROMIUM, "chromium", "chromium-browser", "google-chrome"].filter((c): c is string => !!c);

/** The first browser on PATH (or CHROMIUM), or why there is none. */
function findBrowser(): { bin?: string; reason?: string } {
  for (const c of CANDIDATES) {
    if (path.isAbsolute(c) && fs.existsSync(c)) return { bin: c };
    for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
      if (dir && fs.existsSync(path.join(dir, c))) return { bin: path.join(dir, c) };
    }
  }
  return { reason: `no Chromium found (tried ${CANDIDATES.join(", ")} on PATH); install it with \`apt-get install chromium\`` };
}

interface Rendered {
  readonly dom: string;
  readonly console: string[];
  readonly code: number | null;
  readonly ms: number;
}

/** Renders `file` headless and returns the DOM after load and the page's console messages; with `pdf`, prints it there too (the same run). */
function render(bin: string, file: string, pdf?: string): Promise<Rendered> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "chromium-"));
  const started = performance.now();
  const args = [
    "--headless",
    // Root in containers and CI cannot use the sandbox; the page is a local file with scripts blocked by its CSP.
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    `--user-data-dir=${profile}`,
    "--enable-logging=stderr",
    "--v=0",
    "--dump-dom",
    ...(pdf ? [`--print-to-pdf=${pdf}`, "--no-pdf-header-footer"] : []),
    `file://${file}`,
  ];
  return new Promise((resolve, reject) => {
    execFile(bin, args, { timeout: 100_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      fs.rmSync(profile, { recursive: true, force: true });
      const code = error ? ((error as { code?: number }).code ?? null) : 0;
      if (error && !stdout) return reject(new Error(`${bin} failed: ${error.message}\n${stderr}`));
      // Chromium logs each console message of the page as `INFO:CONSOLE(<line>)] "<message>", source: <url>`.
      const consoleLines = stderr.split("\n").filter((l) => /:CONSOLE[(:]/.test(l));
      resolve({ dom: stdout, console: consoleLines, code: typeof code === "number" ? code : null, ms: performance.now() - started });
    });
  });
}

const browser = findBrowser();
const required = process.env.REPORT_BROWSER_REQUIRED === "1";
const skipReason = browser.bin ? undefined : browser.reason;
if (skipReason && !required) process.stderr.write(`[report-browser.test] SKIPPED: ${skipReason}\n`);

describe("the uae-prod report in headless Chromium", () => {
  if (skipReason && !required) {
    it.skip(`renders the report (SKIPPED: ${skipReason})`, () => undefined);
    return;
  }

  it("renders every section with no console message, and a network load would be caught", async () => {
    expect(browser.bin, skipReason).toBeDefined();
    const bin = browser.bin as string;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "report-browser-"));
    const made = await shippedReport("uae-prod");
    const page = path.join(dir, "report.html");
    fs.writeFileSync(page, made.html);
    const control = path.join(dir, "control.html");
    fs.writeFileSync(control, made.html.replace("<main>", '<main><img src="https://cdn.example.com/logo.png" alt="">'));

    const pdf = path.join(dir, "report.pdf");
    // Two browser runs: the report (rendered and printed at once) and the control page.
    const [report, withNetwork] = await Promise.all([render(bin, page, pdf), render(bin, control)]);
    process.stderr.write(`[report-browser.test] chromium rendered the report in ${Math.round(report.ms)} ms\n`);

    expect(report.console, report.console.join("\n")).toEqual([]);
    expect(report.code).toBe(0);
    for (const text of [
      "Compliance evidence: stack",
      "uae-prod",
      "Verdict: PASSED.",
      "Residency",
      "me-central-1: UAE",
      "Controls by framework",
      "UAE Information Assurance Regulation",
      "ISO/IEC 27001:2022",
      "aws-resource-region-enforce-allowlist",
      "Run-time guardrails",
      "Pod Security admission (restricted)",
    ])
      expect(report.dom, text).toContain(text.replace("&", "&amp;"));
    // Tables were rendered as tables (one row per rule), not left as Markdown text.
    expect(report.dom.match(/<tr>/g)?.length ?? 0).toBeGreaterThan(made.check.summary.policies);
    expect(report.dom).not.toContain("| --- |");

    // Printing uses the page's print CSS: A4 landscape (842 x 595 pt), several pages (nothing logged: above).
    const pdfText = fs.readFileSync(pdf, "latin1");
    expect(pdfText.startsWith("%PDF-")).toBe(true);
    expect(pdfText).toMatch(/\/MediaBox\s*\[\s*0 0 84[12](\.\d+)? 59[45](\.\d+)?\s*\]/);
    expect(pdfText.match(/\/Type\s*\/Page\b/g)?.length ?? 0).toBeGreaterThan(1);

    expect(withNetwork.console.join("\n")).toMatch(/cdn\.example\.com.*Content Security Policy|Content Security Policy.*cdn\.example\.com/);
    // About 2 s of browser time on an idle 2-core machine; the limit is for a machine shared with other work.
  }, 120_000);
});
