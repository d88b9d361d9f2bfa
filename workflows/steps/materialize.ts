/**
 * `node dist/materialize.js --feature-views a,b [--when-empty skip|all]`: asks the platform's
 * Feast feature server to materialise feature views incrementally up to now
 * (`POST /materialize-incremental`), authenticating with the pod's service-account token.
 */
import { existsSync, readFileSync } from "node:fs";
import { cli, EXIT, parseFlags, type StepContext, StepError, usageError } from "./lib/cli";
import { exitCodeForStatus, sendJson } from "./lib/http";
import { readSettings } from "./lib/settings";

/** Entry point. */
export async function main(ctx: StepContext): Promise<number> {
  const flags = parseFlags(ctx.argv, {
    "feature-views": { required: false, description: "comma-separated feature views (empty: see --when-empty)" },
    "when-empty": { required: false, description: "skip (training pipeline) or all (scheduled materialisation)" },
    "end-ts": { required: false, description: "ISO-8601 end timestamp (default: now)" },
  });
  const whenEmpty = flags["when-empty"] ?? "skip";
  if (whenEmpty !== "skip" && whenEmpty !== "all") throw usageError(`--when-empty=${JSON.stringify(whenEmpty)}: must be "skip" or "all"`);
  const views = (flags["feature-views"] ?? "")
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean);
  if (views.length === 0 && whenEmpty === "skip") {
    ctx.log("no feature views requested: nothing to materialise (the feature-materialize CronWorkflow keeps the online store fresh)");
    return EXIT.OK;
  }
  const endTs = flags["end-ts"] ?? new Date().toISOString();
  if (Number.isNaN(Date.parse(endTs))) throw usageError(`--end-ts=${JSON.stringify(endTs)}: must be an ISO-8601 timestamp`);
  const settings = readSettings(ctx.env);
  const tokenFile = ctx.env.FEAST_TOKEN_FILE || "/var/run/secrets/kubernetes.io/serviceaccount/token";
  const token = existsSync(tokenFile) ? readFileSync(tokenFile, "utf8").trim() : "";
  const res = await sendJson({
    method: "POST",
    url: `${settings.feastUrl}/materialize-incremental`,
    body: { end_ts: endTs, feature_views: views.length > 0 ? views : null },
    ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
    timeoutMs: 3_600_000,
  });
  if (res.status < 200 || res.status >= 300) {
    throw new StepError(`Feast materialize-incremental answered ${res.status}: ${res.text.slice(0, 500)}`, exitCodeForStatus(res.status));
  }
  ctx.log(`materialised ${views.length > 0 ? views.join(", ") : "all feature views"} up to ${endTs}`);
  return EXIT.OK;
}

if (require.main === module) cli(main);
