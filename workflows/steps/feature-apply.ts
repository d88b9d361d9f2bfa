/**
 * `node dist/feature-apply.js --commit <sha> [--ref refs/heads/<branch>]`: checks one `feast apply`
 * run of the declared feature repository before the Feast image clones and applies it.
 *
 * The repository URL and the folder of the definitions come from the platform's settings
 * (`PLATFORM_FEATURE_REPOSITORY`, `PLATFORM_FEATURE_REPOSITORY_PATH`), never from the run's
 * parameters; the commit must be a full SHA (the clone checks out exactly that commit, never a
 * branch head that moved since the push). Outputs `repository`, `path` and `commit`, which the
 * `apply` template of workflows/feature-apply.yaml clones and applies.
 */
import { cli, EXIT, parseFlags, type StepContext, usageError } from "./lib/cli";
import { FEATURE_REPOSITORY_SETTINGS, featureApplyProblems } from "./lib/feature-repo";
import { writeOutputs } from "./lib/outputs";

/** Entry point. */
export async function main(ctx: StepContext): Promise<number> {
  const f = parseFlags(ctx.argv, {
    commit: { required: true, description: "the commit of the feature repository to apply (40 hex)" },
    ref: { required: false, description: "the ref it was pushed to (refs/heads/<branch>; empty for a run by hand)" },
  });
  const request = {
    repository: (ctx.env[FEATURE_REPOSITORY_SETTINGS.url] ?? "").trim(),
    path: (ctx.env[FEATURE_REPOSITORY_SETTINGS.path] ?? ".").trim() || ".",
    commit: f.commit ?? "",
    ref: f.ref ?? "",
  };
  const problems = featureApplyProblems(request);
  if (problems.length) throw usageError(`feast apply refused:\n  - ${problems.join("\n  - ")}`);
  writeOutputs(ctx.env, { repository: request.repository, path: request.path, commit: request.commit });
  ctx.log(
    `applying ${request.repository}@${request.commit}${request.ref ? ` (${request.ref})` : ""}, folder ${request.path}, to the platform's Feast registry`,
  );
  return EXIT.OK;
}

if (require.main === module) cli(main);
