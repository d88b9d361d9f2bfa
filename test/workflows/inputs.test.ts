import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseFlags } from "../../workflows/steps/lib/cli";
import { formatValidation, loadDataset, parseCsv, parseDataSchema, validateRows } from "../../workflows/steps/lib/dataset";
import { imagePinProblem, parseImage } from "../../workflows/steps/lib/images";
import { trainingInputProblems } from "../../workflows/steps/lib/params";
import { artifactFields, checkResidency, parseDataUri } from "../../workflows/steps/lib/residency";
import { readSettings } from "../../workflows/steps/lib/settings";

const AWS_PREFIXES = ["s3://mlops-dev-datasets/platform/", "s3://central-lake/curated"];
const AZ_PREFIXES = ["abfss://datasets@mlopsdevdata.dfs.core.windows.net/platform/"];

describe("data residency", () => {
  it("allows objects under the platform's data locations and gives the artifact fields", () => {
    const v = checkResidency("s3://mlops-dev-datasets/platform/churn/2026-11.csv", "aws", AWS_PREFIXES);
    expect(v.allowed).toBe(true);
    expect(artifactFields(v.location!, "me-central-1")).toEqual({
      scheme: "s3",
      endpoint: "s3.me-central-1.amazonaws.com",
      region: "me-central-1",
      bucket: "mlops-dev-datasets",
      key: "platform/churn/2026-11.csv",
      container: "",
      blob: "",
    });
    expect(checkResidency("s3://central-lake/curated/x/y.jsonl", "aws", AWS_PREFIXES).allowed).toBe(true);
    const az = checkResidency("abfss://datasets@mlopsdevdata.dfs.core.windows.net/platform/a.csv", "azure", AZ_PREFIXES);
    expect(az.allowed).toBe(true);
    expect(artifactFields(az.location!, "uaenorth")).toMatchObject({
      scheme: "abfss",
      endpoint: "https://mlopsdevdata.blob.core.windows.net",
      container: "datasets",
      blob: "platform/a.csv",
    });
  });

  const refused: [string, string, string[], RegExp][] = [
    ["another bucket", "s3://someone-else/platform/a.csv", AWS_PREFIXES, /outside the platform's data locations/],
    ["a bucket sharing a name prefix", "s3://mlops-dev-datasets-evil/platform/a.csv", AWS_PREFIXES, /outside/],
    ["another team's prefix", "s3://mlops-dev-datasets/teams/fraud/a.csv", AWS_PREFIXES, /outside/],
    ["a sibling prefix with a shared stem", "s3://central-lake/curated-raw/a.csv", AWS_PREFIXES, /outside/],
    ["path traversal", "s3://mlops-dev-datasets/platform/../teams/fraud/a.csv", AWS_PREFIXES, /"\.\." path segments/],
    ["an https URL", "https://example.com/data.csv", AWS_PREFIXES, /only s3:\/\/ \(AWS\) and abfss:\/\/ \(Azure\)/],
    ["a query string", "s3://mlops-dev-datasets/platform/a.csv?versionId=1", AWS_PREFIXES, /contains whitespace, "\?"/],
    ["the bucket root", "s3://mlops-dev-datasets", AWS_PREFIXES, /empty object key/],
    [
      "an Azure URI on AWS",
      "abfss://datasets@mlopsdevdata.dfs.core.windows.net/platform/a.csv",
      AWS_PREFIXES,
      /platform runs on aws: use a s3:\/\/ location/,
    ],
    ["another storage account", "abfss://datasets@otheraccount.dfs.core.windows.net/platform/a.csv", AZ_PREFIXES, /outside/],
    ["a blob endpoint", "abfss://datasets@mlopsdevdata.blob.core.windows.net/platform/a.csv", AZ_PREFIXES, /dfs\.core\.windows\.net/],
    ["an empty URI", "", AWS_PREFIXES, /not an object-store URI/],
  ];
  for (const [label, uri, prefixes, message] of refused) {
    it(`refuses ${label}`, () => {
      const v = checkResidency(uri, prefixes === AZ_PREFIXES ? "azure" : "aws", prefixes);
      expect(v.allowed).toBe(false);
      expect(v.reason).toMatch(message);
    });
  }

  it("never matches a malformed allowed prefix", () => {
    expect(checkResidency("s3://a-bucket/x", "aws", ["s3://", "*", ""]).allowed).toBe(false);
    expect(typeof parseDataUri("s3://UPPER/x")).toBe("string");
  });
});

describe("platform settings", () => {
  const env = { PLATFORM_CLOUD: "aws", PLATFORM_REGION: "me-central-1", PLATFORM_ALLOWED_DATA_PREFIXES: AWS_PREFIXES.join("\n") };
  it("fails safe: anything but exactly 'development' means production", () => {
    expect(readSettings({ ...env, PLATFORM_ENVIRONMENT: "development" }).environment).toBe("development");
    for (const e of [undefined, "", "dev", "Development", "staging"])
      expect(readSettings({ ...env, PLATFORM_ENVIRONMENT: e }).environment).toBe("production");
  });
  it("refuses missing settings, naming the key and the ConfigMap", () => {
    expect(() => readSettings({})).toThrow(
      /PLATFORM_CLOUD=undefined: must be "aws" or "azure".*mlops-pipeline-settings[\s\S]*PLATFORM_REGION is empty[\s\S]*PLATFORM_ALLOWED_DATA_PREFIXES is empty/,
    );
  });
});

describe("images", () => {
  it("accepts fixed tags and digests, refuses latest, missing tags and bad digests", () => {
    expect(imagePinProblem("123456789012.dkr.ecr.me-central-1.amazonaws.com/train:1.4.2")).toBeUndefined();
    expect(imagePinProblem(`registry.local:5000/train@sha256:${"a".repeat(64)}`)).toBeUndefined();
    expect(imagePinProblem("train:latest")).toMatch(/moving tag "latest"/);
    expect(imagePinProblem("registry.local:5000/train")).toMatch(/has no tag/);
    expect(imagePinProblem("train@sha256:abc")).toMatch(/malformed digest/);
    expect(parseImage("registry.local:5000/team/train:1")).toEqual({ registry: "registry.local:5000", repository: "team/train", tag: "1" });
    expect(parseImage("python:3.12").registry).toBe("docker.io");
  });
});

describe("training inputs", () => {
  const good = {
    "data-uri": "s3://mlops-dev-datasets/platform/a.csv",
    "model-name": "churn",
    "code-version": "4f2a9c1",
    "training-image": `123456789012.dkr.ecr.me-central-1.amazonaws.com/churn@sha256:${"b".repeat(64)}`,
    "training-command": "python train.py",
    "quality-gate": '{"metrics":[{"name":"auc","direction":"max","threshold":0.8}],"primaryMetric":"auc"}',
  };
  const ctx = { environment: "production" as const, allowedRegistries: ["123456789012.dkr.ecr.me-central-1.amazonaws.com"] };

  it("accepts valid inputs", () => {
    expect(trainingInputProblems(good, ctx)).toEqual([]);
  });

  it("refuses each bad input with the parameter, the value and the fix", () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ "model-name": "Churn Model" }, /model-name="Churn Model": use 1-63 lowercase/],
      [{ "code-version": "" }, /code-version="": give the git commit SHA/],
      [{ "training-image": "123456789012.dkr.ecr.me-central-1.amazonaws.com/churn:1.0" }, /production runs need an image pinned by digest/],
      [
        { "training-image": `docker.io/evil/train@sha256:${"c".repeat(64)}` },
        /registry docker\.io is not one of the platform's registries/,
      ],
      [{ "training-image": "churn:latest" }, /moving tag "latest"/],
      [{ "training-command": "  " }, /training-command is empty/],
      [{ hyperparameters: "[1]" }, /hyperparameters="\[1\]": must be a JSON object/],
      [{ hyperparameters: '{"layers":[1,2]}' }, /hyperparameters\.layers: must be a string, number or boolean/],
      [{ "quality-gate": '{"force":true}' }, /quality-gate\.force is not a gate setting/],
      [{ "data-schema": '{"rows":1}' }, /data-schema\.rows is unknown/],
      [{ "gpu-count": "0" }, /gpu-count="0": must be an integer from 1 to 8/],
      [{ "gpu-count": "16" }, /gpu-count="16"/],
      [{ "serving-rollout": "Churn_Model" }, /serving-rollout="Churn_Model"/],
      [{ "feature-views": "a;rm -rf" }, /feature-views="a;rm -rf"/],
    ];
    for (const [override, message] of cases) {
      const problems = trainingInputProblems({ ...good, ...override }, ctx);
      expect(problems.join("\n"), JSON.stringify(override)).toMatch(message);
    }
  });

  it("allows a fixed tag in development", () => {
    expect(
      trainingInputProblems(
        { ...good, "training-image": "123456789012.dkr.ecr.me-central-1.amazonaws.com/churn:1.0" },
        { ...ctx, environment: "development" },
      ),
    ).toEqual([]);
  });
});

describe("strict flags", () => {
  const spec = { a: { required: true, description: "a" }, b: { required: false, description: "b" } } as const;
  it("parses --k=v and --k v, keeping '=' inside values", () => {
    expect(parseFlags(["--a=x=y", "--b", "z"], spec)).toEqual({ a: "x=y", b: "z" });
  });
  it("refuses unknown, repeated and missing flags in one error", () => {
    expect(() => parseFlags(["--force", "--a=1", "--a=2", "stray"], spec)).toThrow(/unknown flag --force[\s\S]*--a given more than once/);
    expect(() => parseFlags(["stray"], spec)).toThrow(/unexpected argument "stray"[\s\S]*--a is required/);
  });
});

describe("data validation", () => {
  it("parses quoted CSV", () => {
    expect(parseCsv('a,b\n1,"x, ""y"""\r\n2,\n')).toEqual([
      { a: "1", b: 'x, "y"' },
      { a: "2", b: "" },
    ]);
  });

  it("reports every problem with counts and example rows", () => {
    const schema = parseDataSchema(
      JSON.stringify({
        minRows: 3,
        strictColumns: true,
        columns: [
          { name: "age", type: "integer", min: 0, max: 120 },
          { name: "plan", type: "string", allowed: ["basic", "pro"] },
          { name: "churned", type: "boolean" },
        ],
      }),
    );
    const rows = parseCsv("age,plan,churned,extra\n34,basic,true,1\n-1,gold,maybe,2\n12.5,,false,3\n");
    const report = validateRows(rows, schema);
    expect(report.valid).toBe(false);
    const text = formatValidation(report, "s3://b/k.csv");
    expect(text).toContain("data validation FAILED for s3://b/k.csv: 3 rows");
    expect(text).toContain("column age is below min 0: 1 time (rows 2)");
    expect(text).toContain("column age is not a integer: 1 time (rows 3)");
    expect(text).toContain('column plan is not one of ["basic","pro"]: 1 time (rows 2)');
    expect(text).toContain("column plan is empty but the column is not nullable: 1 time (rows 3)");
    expect(text).toContain("column churned is not a boolean: 1 time (rows 2)");
    expect(text).toContain("column extra is not declared in the schema (strictColumns)");
  });

  it("passes valid data and fails too few rows", () => {
    const schema = parseDataSchema('{"minRows":2,"columns":[{"name":"x","type":"number"}]}');
    expect(validateRows(parseCsv("x\n1.5\n2\n"), schema).valid).toBe(true);
    expect(formatValidation(validateRows(parseCsv("x\n1\n"), schema), "d")).toContain("has 1 rows, fewer than minRows 2");
  });

  it("refuses a malformed schema naming the key", () => {
    expect(() => parseDataSchema('{"minRows":0,"columns":[{"name":"x","type":"float","min":"a"}]}')).toThrow(
      /data-schema\.minRows=0[\s\S]*columns\[0\]\.type="float"[\s\S]*columns\[0\]\.min="a"/,
    );
  });

  it("checksums a file like sha256sum and a directory over its sorted files", () => {
    const dir = mkdtempSync(join(tmpdir(), "ds-"));
    writeFileSync(join(dir, "a.csv"), "x\n1\n");
    // printf 'x\n1\n' | sha256sum
    expect(loadDataset(join(dir, "a.csv")).sha256).toBe("daff832f802000e645771a60983c76c963f6ee602a6230e45237bd360e91cc1a");
    mkdirSync(join(dir, "part"));
    writeFileSync(join(dir, "part", "b.jsonl"), '{"x":2}\n');
    const ds = loadDataset(dir);
    expect(ds.rows).toEqual([{ x: "1" }, { x: 2 }]);
    expect(ds.sha256).toMatch(/^[a-f0-9]{64}$/);
    writeFileSync(join(dir, "part", "b.jsonl"), '{"x":3}\n');
    expect(loadDataset(dir).sha256).not.toBe(ds.sha256);
  });
});
