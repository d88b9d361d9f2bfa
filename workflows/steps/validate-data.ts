/**
 * `node dist/validate-data.js --data <path> --schema <json> --data-uri <uri> [--expected-sha256 <hex>]`:
 * validates the fetched data against the declared schema, writes a readable report, outputs the
 * data checksum for lineage, and fails fast (exit 1) when the data is invalid, or, in a
 * reproduction, when its checksum is not the recorded one.
 */
import { join } from "node:path";
import { cli, EXIT, parseFlags, type StepContext, usageError } from "./lib/cli";
import { formatValidation, loadDataset, parseDataSchema, validateRows } from "./lib/dataset";
import { outputDir, writeOutputs } from "./lib/outputs";

/** Entry point. */
export async function main(ctx: StepContext): Promise<number> {
  const flags = parseFlags(ctx.argv, {
    data: { required: true, description: "path of the fetched data (file or directory)" },
    schema: { required: false, description: "the data-schema parameter (JSON)" },
    "data-uri": { required: true, description: "the source URI, for the report" },
    "expected-sha256": { required: false, description: "reproduction: the recorded data-sha256 the data must still have" },
  });
  const expected = (flags["expected-sha256"] ?? "").trim();
  if (expected !== "" && !/^[a-f0-9]{64}$/.test(expected))
    throw usageError(`--expected-sha256=${JSON.stringify(expected)}: must be 64 lowercase hex digits (a recorded data-sha256), or empty`);
  const schema = parseDataSchema(flags.schema || "{}");
  let dataset: ReturnType<typeof loadDataset>;
  try {
    dataset = loadDataset(flags.data ?? "");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT")
      throw usageError(`--data ${flags.data} does not exist: the data artifact was not fetched`);
    throw e;
  }
  const report = validateRows(dataset.rows, schema);
  const text = formatValidation(report, flags["data-uri"] ?? "");
  writeOutputs(ctx.env, {
    "data-sha256": dataset.sha256,
    "validation-report.txt": `${text}\n`,
    "validation-report.json": `${JSON.stringify({ dataUri: flags["data-uri"], sha256: dataset.sha256, ...report }, null, 2)}\n`,
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
