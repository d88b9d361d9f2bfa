/**
 * Reading tabular data (CSV with a header row, or JSON Lines) and validating it against a
 * declared schema, producing a readable report. Pure apart from `loadDataset`.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, relative } from "node:path";
import { usageError } from "./cli";

/** A row: column name → raw value (strings from CSV, JSON values from JSONL). */
export type Row = Record<string, unknown>;

/** Parses RFC 4180 CSV with a header row. */
export function parseCsv(text: string): Row[] {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === ",") {
      record.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      record.push(field);
      field = "";
      if (!(record.length === 1 && record[0] === "")) records.push(record);
      record = [];
    } else field += c;
  }
  if (field !== "" || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  const [header, ...rows] = records;
  if (!header) return [];
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ""])));
}

/** Parses JSON Lines (one object per line). */
export function parseJsonl(text: string, source = "input"): Row[] {
  const rows: Row[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "") return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      throw usageError(`${source} line ${i + 1} is not JSON (${(e as Error).message})`);
    }
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw usageError(`${source} line ${i + 1} is not a JSON object`);
    rows.push(v as Row);
  });
  return rows;
}

const READABLE = new Set([".csv", ".jsonl", ".ndjson"]);

function listFiles(root: string): string[] {
  if (!statSync(root).isDirectory()) return [root];
  const out: string[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const p = join(root, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out.sort();
}

/** A loaded dataset with its content checksum (lineage). */
export interface Dataset {
  readonly rows: Row[];
  readonly files: string[];
  /** sha256 of the file, or of (relative path NUL content NUL)* over the sorted files of a directory. */
  readonly sha256: string;
}

/** Loads a file or a directory of `.csv`/`.jsonl` files. */
export function loadDataset(path: string): Dataset {
  const files = listFiles(path);
  const single = files.length === 1 && files[0] === path;
  const hash = createHash("sha256");
  const rows: Row[] = [];
  const used: string[] = [];
  for (const f of files) {
    const content = readFileSync(f);
    if (single) hash.update(content);
    else hash.update(relative(path, f)).update("\0").update(content).update("\0");
    const ext = extname(f).toLowerCase();
    if (!READABLE.has(ext)) continue;
    used.push(f);
    rows.push(...(ext === ".csv" ? parseCsv(content.toString("utf8")) : parseJsonl(content.toString("utf8"), f)));
  }
  if (used.length === 0)
    throw usageError(`no .csv or .jsonl file found at ${path}: the data URI must name CSV (with header) or JSON Lines data`);
  return { rows, files: used, sha256: hash.digest("hex") };
}

/** One column of the data schema. */
export interface ColumnSpec {
  readonly name: string;
  readonly type: "number" | "integer" | "string" | "boolean";
  /** @default false */
  readonly nullable?: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly allowed?: readonly (string | number | boolean)[];
}

/** The `data-schema` parameter. */
export interface DataSchema {
  /** @default 1 */
  readonly minRows?: number;
  readonly columns?: readonly ColumnSpec[];
  /** Refuse columns that the schema does not declare. @default false */
  readonly strictColumns?: boolean;
}

const SCHEMA_KEYS = ["minRows", "columns", "strictColumns"];
const COLUMN_KEYS = ["name", "type", "nullable", "min", "max", "allowed"];

/** Parses the `data-schema` parameter, refusing unknown keys and wrong types with one error. */
export function parseDataSchema(text: string): DataSchema {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw usageError(
      `data-schema is not valid JSON (${(e as Error).message}): pass e.g. {"minRows":1000,"columns":[{"name":"age","type":"integer","min":0}]}`,
    );
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw usageError(`data-schema must be a JSON object, got ${JSON.stringify(raw)}`);
  const o = raw as Record<string, unknown>;
  const problems: string[] = [];
  for (const k of Object.keys(o))
    if (!SCHEMA_KEYS.includes(k)) problems.push(`data-schema.${k} is unknown: allowed keys are ${SCHEMA_KEYS.join(", ")}`);
  if (o.minRows !== undefined && (!Number.isInteger(o.minRows) || (o.minRows as number) < 1))
    problems.push(`data-schema.minRows=${JSON.stringify(o.minRows)}: must be an integer ≥ 1`);
  if (o.strictColumns !== undefined && typeof o.strictColumns !== "boolean")
    problems.push(`data-schema.strictColumns=${JSON.stringify(o.strictColumns)}: must be true or false`);
  if (o.columns !== undefined && !Array.isArray(o.columns))
    problems.push(`data-schema.columns=${JSON.stringify(o.columns)}: must be a list`);
  (Array.isArray(o.columns) ? o.columns : []).forEach((c: unknown, i: number) => {
    const at = `data-schema.columns[${i}]`;
    if (typeof c !== "object" || c === null) {
      problems.push(`${at} must be an object`);
      return;
    }
    const col = c as Record<string, unknown>;
    for (const k of Object.keys(col))
      if (!COLUMN_KEYS.includes(k)) problems.push(`${at}.${k} is unknown: allowed keys are ${COLUMN_KEYS.join(", ")}`);
    if (typeof col.name !== "string" || col.name === "") problems.push(`${at}.name=${JSON.stringify(col.name)}: must be the column name`);
    if (!["number", "integer", "string", "boolean"].includes(col.type as string))
      problems.push(`${at}.type=${JSON.stringify(col.type)}: must be number, integer, string or boolean`);
    for (const k of ["min", "max"])
      if (col[k] !== undefined && !Number.isFinite(col[k])) problems.push(`${at}.${k}=${JSON.stringify(col[k])}: must be a finite number`);
    if (col.allowed !== undefined && !Array.isArray(col.allowed)) problems.push(`${at}.allowed must be a list of values`);
  });
  if (problems.length > 0) throw usageError(`invalid data-schema:\n  - ${problems.join("\n  - ")}`);
  return o as DataSchema;
}

/** One validation finding. */
export interface Finding {
  readonly column: string;
  readonly problem: string;
  readonly count: number;
  /** 1-based row numbers of the first few offending rows. */
  readonly examples: number[];
}

/** The validation report. */
export interface ValidationReport {
  readonly valid: boolean;
  readonly rows: number;
  readonly columns: string[];
  readonly findings: Finding[];
}

function isNull(v: unknown): boolean {
  return v === null || v === undefined || v === "";
}

function typed(v: unknown, type: ColumnSpec["type"]): number | string | boolean | undefined {
  if (type === "string") return typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined;
  if (type === "boolean") {
    if (typeof v === "boolean") return v;
    if (v === "true" || v === "false") return v === "true";
    return undefined;
  }
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : Number.NaN;
  if (!Number.isFinite(n)) return undefined;
  if (type === "integer" && !Number.isInteger(n)) return undefined;
  return n;
}

/** Validates rows against the schema. */
export function validateRows(rows: readonly Row[], schema: DataSchema): ValidationReport {
  const findings = new Map<string, Finding & { examples: number[] }>();
  const add = (column: string, problem: string, row: number) => {
    const key = `${column}\0${problem}`;
    const f = findings.get(key) ?? { column, problem, count: 0, examples: [] };
    f.examples.length < 5 && f.examples.push(row);
    findings.set(key, { ...f, count: f.count + 1 });
  };
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  const minRows = schema.minRows ?? 1;
  if (rows.length < minRows)
    findings.set("rows", { column: "*", problem: `has ${rows.length} rows, fewer than minRows ${minRows}`, count: 1, examples: [] });
  const declared = new Set((schema.columns ?? []).map((c) => c.name));
  for (const c of schema.columns ?? []) {
    if (!seen.has(c.name) && rows.length > 0) {
      findings.set(`missing ${c.name}`, {
        column: c.name,
        problem: "is declared in the schema but absent from the data",
        count: 1,
        examples: [],
      });
      continue;
    }
    rows.forEach((r, i) => {
      const v = r[c.name];
      if (isNull(v)) {
        if (!c.nullable) add(c.name, "is empty but the column is not nullable", i + 1);
        return;
      }
      const t = typed(v, c.type);
      if (t === undefined) {
        add(c.name, `is not a ${c.type}`, i + 1);
        return;
      }
      if (typeof t === "number" && c.min !== undefined && t < c.min) add(c.name, `is below min ${c.min}`, i + 1);
      if (typeof t === "number" && c.max !== undefined && t > c.max) add(c.name, `is above max ${c.max}`, i + 1);
      if (c.allowed && !c.allowed.some((a) => a === t || String(a) === String(t)))
        add(c.name, `is not one of ${JSON.stringify(c.allowed)}`, i + 1);
    });
  }
  if (schema.strictColumns) {
    for (const k of [...seen].sort()) {
      if (!declared.has(k))
        findings.set(`extra ${k}`, { column: k, problem: "is not declared in the schema (strictColumns)", count: 1, examples: [] });
    }
  }
  const list = [...findings.values()];
  return { valid: list.length === 0, rows: rows.length, columns: [...seen].sort(), findings: list };
}

/** The report as readable text. */
export function formatValidation(report: ValidationReport, source: string): string {
  const lines = [
    `data validation ${report.valid ? "PASSED" : "FAILED"} for ${source}: ${report.rows} rows, columns ${report.columns.join(", ") || "(none)"}`,
  ];
  for (const f of report.findings) {
    lines.push(
      `  - column ${f.column} ${f.problem}: ${f.count} ${f.count === 1 ? "time" : "times"}${f.examples.length ? ` (rows ${f.examples.join(", ")})` : ""}`,
    );
  }
  return lines.join("\n");
}
