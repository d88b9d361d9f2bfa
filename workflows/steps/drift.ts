/**
 * `node dist/drift.js --reference <path> --current <path> …`: PSI and KS per feature between the
 * training reference and recent inference data. Writes the report and the outputs the drift
 * monitor publishes as a Prometheus gauge (`max-psi`) and branches on (`drifted`).
 */
import { cli, EXIT, parseFlags, type StepContext, usageError } from "./lib/cli";
import { loadDataset } from "./lib/dataset";
import { driftReport } from "./lib/drift";
import { writeOutputs } from "./lib/outputs";
import { readSettings } from "./lib/settings";

/** Entry point. */
export async function main(ctx: StepContext): Promise<number> {
  const f = parseFlags(ctx.argv, {
    reference: { required: true, description: "path of the reference (training) data" },
    current: { required: true, description: "path of the recent inference data" },
    features: { required: false, description: "comma-separated features (default: columns present in both)" },
    threshold: { required: false, description: "PSI threshold (default: the platform's services.driftThreshold)" },
    bins: { required: false, description: "quantile bins for PSI (default 10)" },
  });
  const settings = readSettings(ctx.env);
  const threshold = f.threshold ? Number(f.threshold) : settings.driftThreshold;
  if (!Number.isFinite(threshold) || threshold <= 0)
    throw usageError(`--threshold=${JSON.stringify(f.threshold)}: must be a positive number (PSI)`);
  const bins = Number(f.bins ?? "10");
  if (!Number.isInteger(bins) || bins < 2 || bins > 100)
    throw usageError(`--bins=${JSON.stringify(f.bins)}: must be an integer from 2 to 100`);
  const reference = loadDataset(f.reference ?? "");
  const current = loadDataset(f.current ?? "");
  const refCols = new Set(reference.rows.flatMap((r) => Object.keys(r)));
  const curCols = new Set(current.rows.flatMap((r) => Object.keys(r)));
  const features = f.features
    ? f.features
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
    : [...refCols].filter((c) => curCols.has(c)).sort();
  const missing = features.filter((x) => !refCols.has(x) || !curCols.has(x));
  if (missing.length > 0) throw usageError(`--features: ${missing.join(", ")} missing from the reference or the current data`);
  if (features.length === 0) throw usageError("no common feature between the reference and the current data");
  const report = driftReport(reference.rows, current.rows, features, threshold, bins);
  writeOutputs(ctx.env, {
    "max-psi": report.maxPsi.toFixed(6),
    drifted: String(report.drifted),
    "drift-report.json": `${JSON.stringify(report, null, 2)}\n`,
  });
  for (const x of report.features) {
    ctx.log(
      `${x.drifted ? "DRIFT" : "ok   "} ${x.feature} (${x.kind}) psi=${x.psi.toFixed(4)}${x.ks !== undefined ? ` ks=${x.ks.toFixed(4)} p=${x.ksPValue?.toExponential(2)}` : ""}`,
    );
  }
  ctx.log(`max PSI ${report.maxPsi.toFixed(4)} (threshold ${threshold}): ${report.drifted ? "drift detected" : "no drift"}`);
  return EXIT.OK;
}

if (require.main === module) cli(main);
