/**
 * `node dist/archive.js [--retention-days N] [--model-name NAME]`: the end of the model
 * lifecycle (./lib/lifecycle.ts). Every model version the pipeline promoted and another version
 * superseded more than the retention ago, or registered and never promoted within it, moves to
 * `archived` (tags `mlops.platform/lifecycle=archived` and `archived-at`). A version an alias points
 * at (the champion) is never archived. The retention is the platform's
 * (`PLATFORM_MODEL_RETENTION_DAYS`, the stack's `retention.noncurrentVersionDays`) unless given.
 * Writes `archived.json` (what moved and why). Idempotent.
 */
import { cli, EXIT, parseFlags, type StepContext, usageError } from "./lib/cli";
import { archiveDecision, LIFECYCLE_TAGS } from "./lib/lifecycle";
import { MlflowClient } from "./lib/mlflow";
import { writeOutputs } from "./lib/outputs";
import { readSettings } from "./lib/settings";

/** Entry point. */
export async function main(ctx: StepContext): Promise<number> {
  const f = parseFlags(ctx.argv, {
    "retention-days": { required: false, description: "days before archival (default: the platform's)" },
    "model-name": { required: false, description: "only this registered model (default: every model)" },
  });
  const settings = readSettings(ctx.env);
  const days = f["retention-days"] ? Number(f["retention-days"]) : settings.modelRetentionDays;
  if (!Number.isInteger(days) || days < 1)
    throw usageError(`--retention-days=${JSON.stringify(f["retention-days"])}: must be a whole number ≥ 1`);
  const mlflow = new MlflowClient(settings.mlflowUrl, ctx.env.MLFLOW_TRACKING_TOKEN);
  const models = f["model-name"] ? [f["model-name"]] : await mlflow.registeredModelNames();
  const now = Date.now();
  const archived: { model: string; version: string; reason: string }[] = [];
  for (const model of models) {
    for (const v of await mlflow.modelVersions(model)) {
      const reason = archiveDecision(
        { version: v.version, tags: v.tags, createdMs: v.createdMs, aliased: v.aliases.length > 0 },
        now,
        days,
      );
      if (!reason) continue;
      await mlflow.setModelVersionTag(model, v.version, LIFECYCLE_TAGS.stage, "archived");
      await mlflow.setModelVersionTag(model, v.version, LIFECYCLE_TAGS.archivedAt, new Date(now).toISOString());
      archived.push({ model, version: v.version, reason });
      ctx.log(`archived ${model} version ${v.version}: ${reason}`);
    }
  }
  writeOutputs(ctx.env, { "archived.json": `${JSON.stringify({ retentionDays: days, archived }, null, 2)}\n` });
  ctx.log(`${archived.length} version(s) archived across ${models.length} model(s) (retention ${days} days)`);
  return EXIT.OK;
}

if (require.main === module) cli(main);
