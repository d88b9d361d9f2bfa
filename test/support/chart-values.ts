/**
 * Checks a Helm release's values the way the chart itself would, from the copies kept under
 * `test/fixtures/charts/<chart>/<version>/` (each with a SOURCE.md saying where it came from):
 * - against the chart's `values.schema.json` when the chart ships one (Helm enforces it too);
 * - always against the keys of the chart's default `values.yaml`, because Helm silently ignores
 *   a key that no template reads, so a misspelled key is a setting that never happens.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import Ajv2020 from "ajv/dist/2020";
import YAML from "yaml";

/** Where the chart copies live. */
export const CHARTS_DIR = join(__dirname, "..", "fixtures", "charts");

/** Pulumi's marker for a value only known after deployment (how the offline plan writes it). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** One chart version's copies. */
export interface ChartFixture {
  readonly chart: string;
  readonly version: string;
  readonly dir: string;
  /** `Chart repository:` line of SOURCE.md. */
  readonly repo: string;
  readonly defaults: Record<string, unknown>;
  readonly schema?: Record<string, unknown>;
  /** `entries[chart]` of the repository index, when the index is stored. */
  readonly indexEntries?: readonly { version: string; digest?: string; urls?: string[] }[];
  readonly chartYaml: Record<string, unknown>;
  /** Every `.name` token of the chart's templates (template-names.txt), for charts without a schema. */
  readonly templateNames: ReadonlySet<string>;
  /**
   * The placeholder version the chart's Chart.yaml carries in git when the release tooling stamps
   * the real one at packaging (`Unstamped version:` line of SOURCE.md; Istio's `1.0.0`).
   */
  readonly unstampedVersion?: string;
}

const loaded = new Map<string, ChartFixture>();

/**
 * Loads the copies for `chart` at `version`, or throws naming what is missing. Parsed once per
 * worker (the files do not change during a run): the release tests read the same charts again
 * and again.
 */
export function loadChart(chart: string, version: string): ChartFixture {
  const key = `${chart}@${version}`;
  const cached = loaded.get(key);
  if (cached) return cached;
  const fixture = readChart(chart, version);
  loaded.set(key, fixture);
  return fixture;
}

function readChart(chart: string, version: string): ChartFixture {
  const dir = join(CHARTS_DIR, chart, version);
  if (!existsSync(join(dir, "SOURCE.md")))
    throw new Error(`no copy of chart ${chart} ${version} under test/fixtures/charts/${chart}/${version}/ (with SOURCE.md)`);
  const source = readFileSync(join(dir, "SOURCE.md"), "utf8");
  const repo = /^Chart repository: (\S+)$/m.exec(source)?.[1] ?? "";
  const unstamped = /^Unstamped version: (\S+)$/m.exec(source)?.[1];
  const read = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), "utf8") : undefined);
  const schemaText = read("values.schema.json");
  const indexText = read("index-entry.yaml");
  return {
    chart,
    version,
    dir,
    repo,
    defaults: chartDefaults((YAML.parse(read("values.yaml") ?? "{}") ?? {}) as Record<string, unknown>),
    ...(unstamped ? { unstampedVersion: unstamped } : {}),
    ...(schemaText ? { schema: JSON.parse(schemaText) as Record<string, unknown> } : {}),
    ...(indexText ? { indexEntries: (YAML.parse(indexText) as { entries: Record<string, never[]> }).entries[chart] ?? [] } : {}),
    chartYaml: YAML.parse(read("Chart.yaml") ?? "{}") as Record<string, unknown>,
    templateNames: new Set((read("template-names.txt") ?? "").split("\n").filter(Boolean)),
  };
}

/**
 * The defaults as users set them. Istio's charts keep every default under
 * `_internal_defaults_do_not_set` and merge the user's top-level values over it
 * (`templates/zzz_profile.yaml`), so that key is the chart's real top level.
 */
function chartDefaults(values: Record<string, unknown>): Record<string, unknown> {
  const internal = values._internal_defaults_do_not_set;
  if (typeof internal !== "object" || internal === null) return values;
  const { _internal_defaults_do_not_set: _, ...rest } = values;
  return { ...(internal as Record<string, unknown>), ...rest };
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Keys whose value is a Kubernetes API object that charts render whole (`toYaml`): the API
 * server, not Helm, decides what is valid inside them, so any field of the object type goes.
 */
export const KUBERNETES_OBJECT_KEYS: ReadonlySet<string> = new Set([
  "securityContext",
  "containerSecurityContext",
  "podSecurityContext",
  "resources",
  "affinity",
  "nodeSelector",
  "tolerations",
  "topologySpreadConstraints",
  "volumeClaimTemplate",
  "env",
  "envValueFrom",
]);

/**
 * The keys of `values` that the chart does not read, as dotted paths. A key is read when the
 * chart's default values have it, or when its name occurs in the chart's templates (keys that
 * values.yaml only documents in a comment, or reads inside a `with` block). Below a default that
 * is an empty map or null anything goes (free-form by design: podAnnotations, extraArgs...), and
 * so below a Kubernetes object key. `open` lists further free-form paths (e.g. `grafana.ini`).
 */
export function unknownKeys(
  values: Record<string, unknown>,
  defaults: Record<string, unknown>,
  templateNames: ReadonlySet<string>,
  open: readonly string[] = [],
  prefix = "",
): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (open.includes(path) || KUBERNETES_OBJECT_KEYS.has(key)) continue;
    if (!(key in defaults)) {
      if (!templateNames.has(key)) out.push(path);
      continue;
    }
    const def = defaults[key];
    if (isMap(value) && isMap(def) && Object.keys(def).length > 0) out.push(...unknownKeys(value, def, templateNames, open, path));
  }
  return out;
}

/** Helm's coalescing of user values over chart defaults: maps merge, anything else replaces, null deletes. */
export function coalesce(defaults: unknown, values: unknown): unknown {
  if (!isMap(defaults) || !isMap(values)) return values;
  const out: Record<string, unknown> = { ...defaults };
  for (const [k, v] of Object.entries(values)) {
    if (v === null) delete out[k];
    else out[k] = coalesce(defaults[k], v);
  }
  return out;
}

/** Paths (JSON pointer) whose value is Pulumi's unknown marker. */
function unknownPointers(v: unknown, ptr = ""): string[] {
  if (v === UNKNOWN) return [ptr];
  if (Array.isArray(v)) return v.flatMap((x, i) => unknownPointers(x, `${ptr}/${i}`));
  if (isMap(v)) return Object.entries(v).flatMap(([k, x]) => unknownPointers(x, `${ptr}/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`));
  return [];
}

const validators = new WeakMap<object, ValidateFunction>();

/** The compiled schema, compiled once per schema object (compiling is most of the cost). */
function validatorOf(schema: Record<string, unknown>): ValidateFunction {
  const cached = validators.get(schema);
  if (cached) return cached;
  const draft7 = String(schema.$schema ?? "").includes("draft-07");
  const ajv = draft7
    ? new Ajv({ allErrors: true, strict: false, validateFormats: false })
    : new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
  const validate = ajv.compile(schema);
  validators.set(schema, validate);
  return validate;
}

/** Schema violations of `values` against the chart's values.schema.json (none when it has none). */
export function schemaViolations(fixture: ChartFixture, values: Record<string, unknown>): string[] {
  if (!fixture.schema) return [];
  const validate = validatorOf(fixture.schema);
  // Helm validates the values it renders with: the chart's defaults with the release's on top.
  const merged = coalesce(fixture.defaults, values);
  if (validate(merged)) return [];
  // A value only known after deployment has the right type once known; the plan cannot say more.
  const unknown = unknownPointers(values);
  return (validate.errors ?? [])
    .filter((e) => !unknown.includes(e.instancePath))
    .map(
      (e) =>
        `${e.instancePath || "/"} ${e.message}${e.params && "additionalProperty" in e.params ? ` (${String(e.params.additionalProperty)})` : ""}`,
    );
}
