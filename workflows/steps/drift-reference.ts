/**
 * `node dist/drift-reference.js --model-name … [--reference-data-uri …]`: the training reference
 * the drift monitor compares served data with. By default it is the data the model's champion was
 * trained on, read from its lineage (the run's `mlops.platform/data-uri` and `data-sha256` tags),
 * so a monitor needs no hand-set reference and follows each promotion. An explicit
 * `--reference-data-uri` overrides it (a curated sample). The residency step that follows checks
 * the location either way.
 */
import { cli, EXIT, parseFlags, type StepContext, StepError } from "./lib/cli";
import { CHAMPION_ALIAS, TAGS } from "./lib/lineage";
import { MlflowClient } from "./lib/mlflow";
import { writeOutputs } from "./lib/outputs";
import { readSettings } from "./lib/settings";

/** Entry point. */
export async function main(ctx: StepContext): Promise<number> {
  const f = parseFlags(ctx.argv, {
    "model-name": { required: true, description: "registered model whose champion is monitored" },
    "reference-data-uri": { required: false, description: "explicit reference (default: the champion's training data, from lineage)" },
  });
  const explicit = (f["reference-data-uri"] ?? "").trim();
  if (explicit !== "") {
    writeOutputs(ctx.env, { uri: explicit, sha256: "", version: "" });
    ctx.log(`drift reference: ${explicit} (set on the monitor)`);
    return EXIT.OK;
  }
  const settings = readSettings(ctx.env);
  const mlflow = new MlflowClient(settings.mlflowUrl, ctx.env.MLFLOW_TRACKING_TOKEN);
  const model = f["model-name"] ?? "";
  const champion = await mlflow.getVersionByAlias(model, CHAMPION_ALIAS);
  if (!champion)
    throw new StepError(
      `model ${model} has no ${CHAMPION_ALIAS}: nothing is served from the pipeline, so there is no training reference`,
      EXIT.REFUSED,
    );
  const run = await mlflow.getRun(champion.runId);
  const uri = run?.tags[TAGS.dataUri] ?? "";
  if (uri === "")
    throw new StepError(
      `the champion (version ${champion.version}) records no ${TAGS.dataUri}: it was not trained by the pipeline; set reference-data-uri on the monitor`,
      EXIT.REFUSED,
    );
  const sha256 = run?.tags[TAGS.dataChecksum] ?? "";
  writeOutputs(ctx.env, { uri, sha256, version: champion.version });
  ctx.log(`drift reference: ${uri} (sha256 ${sha256 || "unrecorded"}), the training data of ${model} version ${champion.version}`);
  return EXIT.OK;
}

if (require.main === module) cli(main);
