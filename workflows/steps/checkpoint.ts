/**
 * `node dist/checkpoint.js --mode=restore|sync`: the training step's checkpoints in the stack's
 * in-region bucket (the namespace's prefix of the artifacts bucket, from the platform settings).
 * - `restore` (init container): puts the run's newest checkpoint into `--dir` before training
 *   starts; nothing on a first attempt. A retry after a spot loss resumes from there.
 * - `sync` (sidecar): saves `--dir` every `--interval-minutes`, and once more when stopped (the
 *   node's termination notice, or the end of the training container).
 * The run is keyed by the workflow's uid and the model, so a retry of the same run finds its own
 * checkpoints and no other run's.
 */
import { restoreCheckpoint, syncCheckpoints } from "./lib/checkpoint";
import { cli, EXIT, parseFlags, type StepContext, usageError } from "./lib/cli";
import { storeForUri } from "./lib/objects";
import { SETTINGS_KEYS } from "./lib/settings";

const FLAGS = {
  mode: { required: true, description: "restore (init container) or sync (sidecar)" },
  "run-key": { required: true, description: "the run's key: <workflow uid>/<model name>" },
  dir: { required: true, description: "the checkpoint directory the training code writes" },
  "interval-minutes": { required: false, description: "minutes between saves (sync; default 15)" },
} as const;

/** Entry point; `stop` ends the sync loop (the process wires it to SIGTERM). */
export async function main(ctx: StepContext, stop?: Promise<void>): Promise<number> {
  const flags = parseFlags(ctx.argv, FLAGS);
  const mode = flags.mode ?? "";
  if (mode !== "restore" && mode !== "sync") throw usageError(`--mode=${JSON.stringify(mode)}: use restore or sync`);
  const runKey = flags["run-key"] ?? "";
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}\/[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(runKey))
    throw usageError(`--run-key=${JSON.stringify(runKey)}: must be <workflow uid>/<model name>`);
  const minutes = Number(flags["interval-minutes"] ?? "15");
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440)
    throw usageError(`--interval-minutes=${JSON.stringify(flags["interval-minutes"])}: must be an integer from 1 to 1440`);
  const uri = ctx.env[SETTINGS_KEYS.checkpointUri] ?? "";
  if (!uri) throw usageError(`${SETTINGS_KEYS.checkpointUri} is empty: the platform's settings ConfigMap names the checkpoint location`);
  const { store, prefix: base } = storeForUri(uri, ctx.env[SETTINGS_KEYS.region] ?? "", ctx.env, ctx.env.PLATFORM_OBJECT_STORE_ENDPOINT);
  const prefix = `${base}${runKey}/`;
  const dir = flags.dir ?? "";
  if (mode === "restore") {
    const g = await restoreCheckpoint(store, prefix, dir);
    ctx.log(g ? `resumed from checkpoint ${prefix}${g}` : `no checkpoint under ${prefix}: training starts from scratch`);
    return EXIT.OK;
  }
  const stopped =
    stop ??
    new Promise<void>((r) => {
      process.once("SIGTERM", () => r());
      process.once("SIGINT", () => r());
    });
  const saves = await syncCheckpoints({ store, prefix, dir, intervalMs: minutes * 60_000, stop: stopped, log: ctx.log });
  ctx.log(`checkpoint sync stopped after ${saves} save(s)`);
  return EXIT.OK;
}

if (require.main === module) cli((ctx) => main(ctx));
