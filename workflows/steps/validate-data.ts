/**
 * `node dist/validate-data.js --data <path> --schema <json> --data-uri <uri> [--expected-sha256 <hex>]
 *  [--fetch [--endpoint <host>] [--data-versions <manifest>]]`:
 * validates the data against the declared schema, writes a readable report, outputs the data
 * checksum for lineage, and fails fast (exit 1) when the data is invalid, or, in a reproduction,
 * when its checksum is not the recorded one.
 *
 * With `--fetch` the step fetches the data itself into `--data`, by object version: the current
 * version of each object under the URI, or, with `--data-versions` (a reproduction), exactly the
 * recorded versions. It then also outputs `data-versions`, the manifest lineage records
 * (lib/data-versions.ts). Without `--fetch`, `--data` is data fetched before (a team's own artifact).
 */
import { join } from "node:path";
import { cli, EXIT, parseFlags, type StepContext, StepError, usageError } from "./lib/cli";
import { dataLocation, fetchVersions, parseManifest, type VersionEntry } from "./lib/data-versions";
import { formatValidation, loadDataset, parseDataSchema, validateRows } from "./lib/dataset";
import { outputDir, writeOutputs } from "./lib/outputs";
import { checkResidency } from "./lib/residency";
import { readSettings } from "./lib/settings";

/** Entry point. */
export async function main(ctx: StepContext): Promise<number> {
  const flags = parseFlags(ctx.argv, {
    data: { required: true, description: "path of the fetched data (file or directory)" },
    schema: { required: false, description: "the data-schema parameter (JSON)" },
    "data-uri": { required: true, description: "the source URI, for the report" },
    "expected-sha256": { required: false, description: "reproduction: the recorded data-sha256 the data must still have" },
    fetch: { required: false, description: "true: fetch the data into --data by object version (and output data-versions)" },
    endpoint: { required: false, description: "with --fetch: the object-store endpoint (preflight's output)" },
    "data-versions": { required: false, description: "with --fetch, a reproduction: the recorded manifest to fetch" },
  });
  const expected = (flags["expected-sha256"] ?? "").trim();
  if (expected !== "" && !/^[a-f0-9]{64}$/.test(expected))
    throw usageError(`--expected-sha256=${JSON.stringify(expected)}: must be 64 lowercase hex digits (a recorded data-sha256), or empty`);
  const schema = parseDataSchema(flags.schema || "{}");
  const recorded = (flags["data-versions"] ?? "").trim();
  const fetch = flags.fetch === "true";
  if (flags.fetch !== undefined && !["true", "false", ""].includes(flags.fetch))
    throw usageError(`--fetch=${JSON.stringify(flags.fetch)}: must be true or false`);
  if (recorded !== "" && !fetch) throw usageError("--data-versions needs --fetch: recorded versions are fetched by this step");
  let dataPath = flags.data ?? "";
  let manifest: VersionEntry[] | undefined;
  if (fetch) {
    const settings = readSettings(ctx.env);
    // The same residency check as preflight: this step reads the data with its own identity.
    const verdict = checkResidency(flags["data-uri"] ?? "", settings.cloud, settings.allowedDataPrefixes);
    if (!verdict.allowed) throw new StepError(`data residency check REFUSED data-uri: ${verdict.reason}`, EXIT.REFUSED);
    const loc = dataLocation(flags["data-uri"] ?? "", settings.region, ctx.env, flags.endpoint || undefined);
    const fetched = await fetchVersions(loc, dataPath, recorded === "" ? undefined : parseManifest(recorded));
    manifest = fetched.manifest;
    dataPath = fetched.path;
    ctx.log(`fetched ${manifest.length} object version(s) of ${flags["data-uri"]}${recorded === "" ? "" : " (the recorded versions)"}`);
  }
  let dataset: ReturnType<typeof loadDataset>;
  try {
    dataset = loadDataset(dataPath);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT")
      throw usageError(`--data ${flags.data} does not exist: the data artifact was not fetched`);
    throw e;
  }
  const report = validateRows(dataset.rows, schema);
  const text = formatValidation(report, flags["data-uri"] ?? "");
  writeOutputs(ctx.env, {
    "data-sha256": dataset.sha256,
    ...(manifest ? { "data-versions": JSON.stringify(manifest) } : {}),
    "validation-report.txt": `${text}\n`,
    "validation-report.json": `${JSON.stringify({ dataUri: flags["data-uri"], sha256: dataset.sha256, ...(manifest ? { versions: manifest } : {}), ...report }, null, 2)}\n`,
  });
  ctx.log(text);
  if (expected !== "" && expected !== dataset.sha256) {
    ctx.log(
      `REFUSED: the data at ${flags["data-uri"]} has sha256 ${dataset.sha256}, not the recorded ${expected}: it changed since the run being reproduced (restore that object version, or reproduce on a copy of the original data)`,
    );
    return EXIT.REFUSED;
  }
  ctx.log(`data sha256 ${dataset.sha256}; report in ${join(outputDir(ctx.env), "validation-report.txt")}`);
  return report.valid ? EXIT.OK : EXIT.REFUSED;
}

if (require.main === module) cli(main);
