/**
 * `npm run stacks -- [--environment development|production] [--cloud aws|azure]`
 *   prints the stacks of the repository as a JSON array of `{stack, cloud, environment}`, one
 *   per `Pulumi.<stack>.yaml`, read from each file: the matrix of the pull-request and deploy
 *   workflows, so a forked stack is checked and deployed as soon as its file is committed.
 * `npm run stacks -- --verify <stack> --environment <name>`
 *   exits 1 unless `Pulumi.<stack>.yaml` declares that environment: the deploy workflow runs it
 *   inside the GitHub environment it chose, so a production stack never deploys without approval.
 * A stack file without a valid `mlops-platform:environment` or `cloud` is refused (exit 2).
 */
import { parseArgs } from "node:util";
import { isEnvironment } from "../contracts/environment";
import { REPO_ROOT, shippedStacks } from "./lib/fork";
import { readStackConfig, stackFileName } from "./lib/stack-config";

/** One stack of the matrix. */
export interface StackEntry {
  readonly stack: string;
  readonly cloud: "aws" | "azure";
  readonly environment: "development" | "production";
}

/** Every stack file of `root`, with the cloud and environment it declares. Throws naming the file and key at fault. */
export function stackMatrix(root: string = REPO_ROOT): StackEntry[] {
  return shippedStacks(root).map((stack) => {
    const { project, values } = readStackConfig(root, stack);
    const cloud = values[`${project}:cloud`];
    const environment = values[`${project}:environment`];
    if (cloud !== "aws" && cloud !== "azure") {
      throw new Error(`${stackFileName(stack)}: ${project}:cloud must be aws or azure (received ${JSON.stringify(cloud)})`);
    }
    if (!isEnvironment(environment)) {
      throw new Error(
        `${stackFileName(stack)}: ${project}:environment must be development or production (received ${JSON.stringify(environment)}); set it in the stack file`,
      );
    }
    return { stack, cloud, environment };
  });
}

/** Why `stack` must not deploy in GitHub environment `environment`, or undefined when its file declares that environment. */
export function verifyStackEnvironment(matrix: readonly StackEntry[], stack: string, environment: string | undefined): string | undefined {
  const entry = matrix.find((m) => m.stack === stack);
  if (!entry) return `no ${stackFileName(stack)}`;
  if (entry.environment === environment) return undefined;
  return `${stackFileName(entry.stack)} declares environment ${entry.environment}, not ${environment ?? "(none given)"}: deploy it in the "${entry.environment}" GitHub environment`;
}

function main(argv: readonly string[]): number {
  const { values } = parseArgs({
    args: [...argv],
    options: { environment: { type: "string" }, cloud: { type: "string" }, verify: { type: "string" } },
    strict: true,
  });
  let matrix: StackEntry[];
  try {
    matrix = stackMatrix();
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
  if (values.verify !== undefined) {
    const problem = verifyStackEnvironment(matrix, values.verify, values.environment);
    if (problem) {
      process.stderr.write(`${problem}\n`);
      return 1;
    }
    process.stdout.write(`${values.verify}: ${values.environment}\n`);
    return 0;
  }
  const selected = matrix.filter(
    (m) =>
      (values.environment === undefined || m.environment === values.environment) &&
      (values.cloud === undefined || m.cloud === values.cloud),
  );
  process.stdout.write(`${JSON.stringify(selected)}\n`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
