/**
 * `node dist/preflight.js`: first step of the training pipeline. Checks every user input before
 * any compute is spent: data residency of `--data-uri`, the training image (pinned, platform
 * registry, digest in production), the gate and data schemas, hyperparameters. Outputs the
 * fields the data-fetching artifact needs and the environment (from platform settings only).
 */
import { cli, EXIT, parseFlags, type StepContext, StepError } from "./lib/cli";
import { writeOutputs } from "./lib/outputs";
import { assertTrainingInputs, TRAINING_PARAMETERS, type TrainingParameter } from "./lib/params";
import { artifactFields, checkResidency } from "./lib/residency";
import { readSettings } from "./lib/settings";

const FLAGS = Object.fromEntries(
  TRAINING_PARAMETERS.map((p) => [
    p,
    {
      required: ["data-uri", "model-name", "code-version", "training-image", "training-command", "quality-gate"].includes(p),
      description: `the ${p} parameter`,
    },
  ]),
) as Record<TrainingParameter, { required: boolean; description: string }>;

/** Entry point. */
export async function main(ctx: StepContext): Promise<number> {
  const flags = parseFlags(ctx.argv, FLAGS);
  const settings = readSettings(ctx.env);
  assertTrainingInputs(flags, { environment: settings.environment, allowedRegistries: settings.allowedRegistries });
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
