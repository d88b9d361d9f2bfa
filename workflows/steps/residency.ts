/**
 * `node dist/residency.js --uri <uri>`: refuses a data location outside the platform's own buckets
 * or configured data lakes; outputs the fields an Argo `s3`/`azure` input artifact needs.
 */
import { cli, EXIT, parseFlags, type StepContext, StepError } from "./lib/cli";
import { writeOutputs } from "./lib/outputs";
import { artifactFields, checkResidency } from "./lib/residency";
import { readSettings } from "./lib/settings";

/** Entry point. */
export async function main(ctx: StepContext): Promise<number> {
  const flags = parseFlags(ctx.argv, { uri: { required: true, description: "the object-store URI to read" } });
  const settings = readSettings(ctx.env);
  const verdict = checkResidency(flags.uri ?? "", settings.cloud, settings.allowedDataPrefixes);
  if (!verdict.allowed || !verdict.location)
    throw new StepError(`data residency check REFUSED ${flags.uri}: ${verdict.reason}`, EXIT.REFUSED);
  ctx.log(`data residency: ${verdict.location.uri} ${verdict.reason}`);
  writeOutputs(ctx.env, artifactFields(verdict.location, settings.region));
  return EXIT.OK;
}

if (require.main === module) cli(main);
