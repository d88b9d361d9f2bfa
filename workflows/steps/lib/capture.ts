/**
 * Served-data capture: what a model server received and answered, reduced to the rows the drift
 * monitor compares with the training reference. Pure apart from the sampler's randomness.
 *
 * A request in any of MLflow's scoring formats (`dataframe_split`, `dataframe_records`,
 * `instances`, `inputs`) and its response (`{"predictions": [...]}` or a bare list) become one JSON
 * line per input row: the row's feature columns, plus `prediction` and the `_model`, `_version`,
 * `_variant` and `_ts` fields. The reference data has the same feature columns, so the monitor
 * compares them column by column (lib/drift.ts); the underscore fields are ignored.
 */

/** One captured row: feature columns, the prediction and where it came from. */
export type CapturedRow = Record<string, unknown>;

/** Who served the request. */
export interface ServedBy {
  readonly model: string;
  readonly version: string;
  readonly variant: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** The input rows of an MLflow scoring request, or undefined when the body is not one. */
export function inputRows(body: unknown): Obj[] | undefined {
  if (!isObj(body)) return undefined;
  const split = body.dataframe_split;
  if (isObj(split) && Array.isArray(split.columns) && Array.isArray(split.data)) {
    const cols = split.columns.map(String);
    return split.data.filter(Array.isArray).map((r) => Object.fromEntries(cols.map((c, i) => [c, (r as unknown[])[i] ?? null])));
  }
  const records = body.dataframe_records ?? body.instances ?? body.inputs;
  if (Array.isArray(records) && records.every(isObj)) return records as Obj[];
  return undefined;
}

/** The predictions of a response, one per input row, or undefined. */
export function predictions(body: unknown): unknown[] | undefined {
  if (Array.isArray(body)) return body;
  if (isObj(body) && Array.isArray(body.predictions)) return body.predictions;
  return undefined;
}

/**
 * The captured rows of one request/response pair (empty when either is not a scoring payload or
 * their lengths differ: nothing is guessed).
 */
export function captureRows(request: unknown, response: unknown, by: ServedBy, at: Date): CapturedRow[] {
  const rows = inputRows(request);
  const preds = predictions(response);
  if (!rows || !preds || rows.length !== preds.length) return [];
  return rows.map((r, i) => ({
    ...r,
    prediction: preds[i],
    _model: by.model,
    _version: by.version,
    _variant: by.variant,
    _ts: at.toISOString(),
  }));
}

/** The object key of one batch: `<prefix><yyyy-mm-dd>/<hhmmss>-<id>.jsonl` (a folder per day: the monitor's current-data-uri). */
export function batchKey(prefix: string, at: Date, id: string): string {
  const iso = at.toISOString();
  return `${prefix}${iso.slice(0, 10)}/${iso.slice(11, 19).replace(/:/g, "")}-${id}.jsonl`;
}

/** Parses a sample rate (0 < rate ≤ 1), refusing anything else with the variable's name. */
export function sampleRate(text: string | undefined, name = "CAPTURE_SAMPLE_RATE"): number {
  const v = Number(text ?? "0.1");
  if (!Number.isFinite(v) || v <= 0 || v > 1) throw new Error(`${name}=${JSON.stringify(text)}: must be a fraction in (0, 1], e.g. 0.1`);
  return v;
}
