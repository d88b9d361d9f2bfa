/**
 * `npm run workflows:lint` (part of `npm test`): the offline lint of every file in `workflows/`
 * (the WorkflowTemplates and CronWorkflows the platform installs) against the upstream schema
 * and the platform's rules, and through the cluster's own admission policies (the same CEL,
 * `workflows/admission-lint.ts`); the rules live in `workflows/lint.ts`. An optional argument names
 * another directory to lint (a team's: the team-only admission policy applies too).
 *
 *   npm run workflows:lint -- [dir] [--registry <host>]... [--environment development|production]
 *
 * Exit 1 with one line per problem, 2 on a bad argument.
 * (GitHub Actions workflows are linted separately: tools/actions-lint.ts.)
 */
import { lintWorkflowsDir } from "../workflows/lint";

export { lintWorkflowDocuments, lintWorkflowsDir, upstreamForm } from "../workflows/lint";

/** The command line: a directory and the admission settings. */
export function parseLintArgs(argv: readonly string[]): {
  dir?: string;
  registryHosts?: string[];
  environment?: "development" | "production";
} {
  const out: { dir?: string; registryHosts?: string[]; environment?: "development" | "production" } = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (a === "--registry") {
      const v = argv[++i];
      if (!v) throw new Error("--registry needs a host, e.g. --registry 123456789012.dkr.ecr.me-central-1.amazonaws.com");
      out.registryHosts = [...(out.registryHosts ?? []), v];
    } else if (a === "--environment") {
      const v = argv[++i];
      if (v !== "development" && v !== "production") throw new Error(`--environment "${v ?? ""}" must be development or production`);
      out.environment = v;
    } else if (a.startsWith("--")) throw new Error(`unknown option ${a} (use --registry <host>, --environment development|production)`);
    else if (out.dir === undefined) out.dir = a;
    else throw new Error(`one directory only (got ${out.dir} and ${a})`);
  }
  return out;
}

/** Where the command writes. */
export interface LintOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** The command: lints, writes the verdict, and returns the exit status (0 valid, 1 problems, 2 bad argument). */
export async function runWorkflowsLint(argv: readonly string[], out: LintOutput): Promise<number> {
  let args: ReturnType<typeof parseLintArgs>;
  try {
    args = parseLintArgs(argv);
  } catch (e) {
    out.stderr(`workflows:lint: ${(e as Error).message}\n`);
    return 2;
  }
  const { dir, ...options } = args;
  const { problems, objects, files } = await lintWorkflowsDir(dir, options);
  if (problems.length > 0) {
    out.stderr(`workflows:lint found ${problems.length} problem(s):\n${problems.map((p) => `  ${p}`).join("\n")}\n`);
    return 1;
  }
  out.stdout(`workflows:lint: ${objects} object(s) in ${files} file(s) are valid\n`);
  return 0;
}

if (require.main === module) {
  void runWorkflowsLint(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  }).then((code) => {
    process.exitCode = code;
  });
}
