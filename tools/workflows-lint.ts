/**
 * `npm run workflows:lint` (part of `npm test`): the offline lint of every file in `workflows/`
 * (the WorkflowTemplates and CronWorkflows the platform installs) against the upstream schema
 * and the platform's rules; the rules live in `workflows/lint.ts`. An optional first argument
 * names another directory to lint. Exit 1 with one line per problem.
 * (GitHub Actions workflows are linted separately: tools/actions-lint.ts.)
 */
import { lintWorkflowsDir } from "../workflows/lint";

export { lintWorkflowDocuments, lintWorkflowsDir, upstreamForm } from "../workflows/lint";

async function main(): Promise<void> {
  const { problems, objects, files } = await lintWorkflowsDir(process.argv[2]);
  if (problems.length > 0) {
    process.stderr.write(`workflows:lint found ${problems.length} problem(s):\n${problems.map((p) => `  ${p}`).join("\n")}\n`);
    process.exitCode = 1;
    return;
  }
  process.stdout.write(`workflows:lint: ${objects} object(s) in ${files} file(s) are valid\n`);
}

if (require.main === module) void main();
