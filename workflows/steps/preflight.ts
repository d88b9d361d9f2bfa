/**
 * `node dist/preflight.js`: first step of the training pipeline. Checks every user input before
 * any compute is spent: data residency of `--data-uri`, the training image (pinned, platform
 * registry, digest in production), the gate and data schemas, hyperparameters. Outputs the
 * fields the data-fetching artifact needs and the environment (from platform settings only).
 */
import {
  BUILT_MODELS_SETTING,
  DEFAULT_TRAINING_ACCOUNT,
  parseBuiltModels,
  TRAINING_ACCOUNT_PARAMETER,
  trainingAccountProblem,
} from "./lib/built-training";
import { cli, EXIT, parseFlags, type StepContext, StepError, usageError } from "./lib/cli";
import { writeOutputs } from "./lib/outputs";
import { assertTrainingInputs, TRAINING_PARAMETERS, type TrainingParameter } from "./lib/params";
import { artifactFields, checkResidency } from "./lib/residency";
import { readSettings } from "./lib/settings";

const FLAGS = {
  ...(Object.fromEntries(
    TRAINING_PARAMETERS.map((p) => [
      p,
      {
        required: ["data-uri", "model-name", "code-version", "training-image", "training-command", "quality-gate"].includes(p),
        description: `the ${p} parameter`,
      },
    ]),
  ) as Record<TrainingParameter, { required: boolean; description: string }>),
  [TRAINING_ACCOUNT_PARAMETER]: { required: false, description: `the training step's account (default ${DEFAULT_TRAINING_ACCOUNT})` },
};

/** Entry point. */
export async function main(ctx: StepContext): Promise<number> {
  const flags = parseFlags(ctx.argv, FLAGS);
  const settings = readSettings(ctx.env);
  assertTrainingInputs(flags, { environment: settings.environment, allowedRegistries: settings.allowedRegistries });
  // The training step's account must fit the image: a built model's image trains as its own account only.
  let built: ReturnType<typeof parseBuiltModels>;
  try {
    built = parseBuiltModels(ctx.env[BUILT_MODELS_SETTING]);
  } catch (e) {
    throw usageError(`platform settings are incomplete: ${(e as Error).message}`);
  }
  const account = trainingAccountProblem(
    built,
    flags["model-name"] ?? "",
    flags["training-image"] ?? "",
    flags[TRAINING_ACCOUNT_PARAMETER] || DEFAULT_TRAINING_ACCOUNT,
  );
  if (account) throw new StepError(`preflight REFUSED ${account}`, EXIT.REFUSED);
  const verdict = checkResidency(flags["data-uri"] ?? "", settings.cloud, settings.allowedDataPrefixes);
  if (!verdict.allowed || !verdict.location) throw new StepError(`data residency check REFUSED data-uri: ${verdict.reason}`, EXIT.REFUSED);
  ctx.log(`data residency: ${verdict.location.uri} ${verdict.reason} (region ${settings.region})`);
  writeOutputs(ctx.env, { ...artifactFields(verdict.location, settings.region), environment: settings.environment });
  ctx.log(
    `preflight passed; environment ${settings.environment}${settings.environment === "production" ? " (promotion waits for approval)" : ""}`,
  );
  return EXIT.OK;
}

if (require.main === module) cli(main);
