/**
 * The compliance evidence report of one plan: runs the same evaluation as `npm run check`
 * (tools/lib/check.ts), builds the content (model.ts) and renders it as Markdown and HTML.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { loadPackConfig, type PackConfig } from "../../../policies/config";
import { allPolicies } from "../../../policies/rules";
import { type CheckResult, checkPlan, resourcesOf, stackOf } from "../check";
import { readStackConfig, stackFileName } from "../stack-config";
import { renderHtml } from "./html";
import { renderMarkdown } from "./markdown";
import { buildReport, type Report } from "./model";

export { GUARDRAILS, type Guardrail, registerGuardrail } from "./guardrails";
export { buildReport, type Report } from "./model";

/** Options of {@link makeReport}. */
export interface MakeReportOptions {
  /** Stack name; defaults to the stack named in the plan's URNs. */
  readonly stack?: string;
  /** Pack configuration; defaults to the stack's, as `npm run check` loads it. */
  readonly packConfig?: PackConfig;
  /** Commit shown in the report; defaults to {@link gitCommit} of `root`. */
  readonly commit?: string;
  /** Project directory (Pulumi.yaml, git); defaults to the repository root. */
  readonly root?: string;
}

/** What {@link makeReport} returns. */
export interface MadeReport {
  readonly report: Report;
  readonly check: CheckResult;
  readonly markdown: string;
  readonly html: string;
}

const ROOT = join(__dirname, "../../..");

/** The commit checked out in `root` (with a note when the tree has changes), or "unknown". */
export function gitCommit(root: string = ROOT): string {
  try {
    const sha = execFileSync("git", ["rev-parse", "HEAD"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    return dirty ? `${sha} (with uncommitted changes)` : sha;
  } catch {
    return "unknown";
  }
}

/** Checks `plan` and renders its report. */
export async function makeReport(plan: unknown, options: MakeReportOptions = {}): Promise<MadeReport> {
  const root = options.root ?? ROOT;
  const stack = options.stack ?? stackOf(resourcesOf(plan));
  const packConfig =
    options.packConfig ??
    loadPackConfig(
      stack,
      allPolicies.map((p) => p.name),
    );
  const check = await checkPlan(plan, { stack, packConfig });
  let stackConfig: { file: string; values: Record<string, unknown> } | undefined;
  if (stack && existsSync(join(root, stackFileName(stack)))) {
    stackConfig = { file: stackFileName(stack), values: readStackConfig(root, stack).values };
  }
  const report = buildReport({
    plan,
    check,
    packConfig,
    ...(stack ? { stack } : {}),
    ...(stackConfig ? { stackConfig } : {}),
    commit: options.commit ?? gitCommit(root),
  });
  const markdown = renderMarkdown(report);
  const html = renderHtml(markdown, `Compliance evidence: ${report.facts.stack}`);
  return { report, check, markdown, html };
}
