/**
 * The model lifecycle's last step: superseded and never-promoted versions are archived after the
 * retention; the champion and versions outside the pipeline never are. Against the fake MLflow.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main as archive } from "../../workflows/steps/archive";
import { EXIT, runStep } from "../../workflows/steps/lib/cli";
import { archiveDecision, LIFECYCLE_TAGS, stageOf } from "../../workflows/steps/lib/lifecycle";
import { FakeMlflow } from "./fake-servers";

const DAY = 86_400_000;
const NOW = Date.parse("2026-11-28T00:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();

describe("archiveDecision", () => {
  const v = (tags: Record<string, string>, createdMs = NOW - 100 * DAY, aliased = false) => ({ version: "1", tags, createdMs, aliased });
  it("archives a production version superseded longer than the retention ago, not before", () => {
    const superseded = (ago: number) => v({ [LIFECYCLE_TAGS.stage]: "production", [LIFECYCLE_TAGS.supersededAt]: iso(NOW - ago) });
    expect(archiveDecision(superseded(31 * DAY), NOW, 30)).toMatch(/superseded on .* more than 30 days ago/);
    expect(archiveDecision(superseded(29 * DAY), NOW, 30)).toBeUndefined();
    // The serving champion (never superseded) stays.
    expect(archiveDecision(v({ [LIFECYCLE_TAGS.stage]: "production" }), NOW, 30)).toBeUndefined();
  });
  it("archives a candidate never promoted within the retention", () => {
    expect(archiveDecision(v({ [LIFECYCLE_TAGS.stage]: "staging" }, NOW - 31 * DAY), NOW, 30)).toMatch(/never promoted/);
    expect(archiveDecision(v({ [LIFECYCLE_TAGS.stage]: "staging" }, NOW - 2 * DAY), NOW, 30)).toBeUndefined();
  });
  it("never archives an aliased, archived or development version", () => {
    const old = { [LIFECYCLE_TAGS.stage]: "production", [LIFECYCLE_TAGS.supersededAt]: iso(NOW - 400 * DAY) };
    expect(archiveDecision(v(old, NOW - 400 * DAY, true), NOW, 30)).toBeUndefined();
    expect(archiveDecision(v({ [LIFECYCLE_TAGS.stage]: "archived" }), NOW, 30)).toBeUndefined();
    expect(archiveDecision(v({}), NOW, 30)).toBeUndefined();
    expect(stageOf({ [LIFECYCLE_TAGS.stage]: "bogus" })).toBe("development");
  });
});

describe("archive step", () => {
  let mlflow: FakeMlflow;
  const out = mkdtempSync(join(tmpdir(), "archive-"));
  beforeAll(async () => {
    mlflow = await new FakeMlflow().start();
  });
  afterAll(() => mlflow.close());

  it("archives what the retention says, across every model, and leaves the champion", async () => {
    const tag = (key: string, value: string) => ({ key, value });
    const old = Date.now() - 90 * DAY;
    mlflow.models.set("churn", { name: "churn", tags: [], aliases: new Map([["champion", "3"]]) });
    mlflow.models.set("fraud", { name: "fraud", tags: [], aliases: new Map() });
    const version = (name: string, version: string, tags: { key: string; value: string }[], created = old) =>
      mlflow.versions.push({
        name,
        version,
        run_id: "r",
        source: "s3://x",
        status: "READY",
        description: "",
        tags,
        creation_timestamp: created,
      });
    version("churn", "1", [tag(LIFECYCLE_TAGS.stage, "production"), tag(LIFECYCLE_TAGS.supersededAt, iso(Date.now() - 60 * DAY))]);
    version("churn", "2", [tag(LIFECYCLE_TAGS.stage, "production"), tag(LIFECYCLE_TAGS.supersededAt, iso(Date.now() - 5 * DAY))]);
    // The champion, even with a stale superseded-at (a manual rollback moved the alias back).
    version("churn", "3", [tag(LIFECYCLE_TAGS.stage, "production"), tag(LIFECYCLE_TAGS.supersededAt, iso(Date.now() - 60 * DAY))]);
    version("fraud", "1", [tag(LIFECYCLE_TAGS.stage, "staging")]);
    version("fraud", "2", []);
    const env = {
      PLATFORM_CLOUD: "aws",
      PLATFORM_REGION: "me-central-1",
      PLATFORM_ALLOWED_DATA_PREFIXES: "s3://d/platform/",
      PLATFORM_MLFLOW_URL: mlflow.url,
      PLATFORM_MODEL_RETENTION_DAYS: "30",
      STEP_OUTPUT_DIR: out,
    };
    const logs: string[] = [];
    expect(await runStep(archive, { argv: [], env, log: (l) => logs.push(l) })).toBe(EXIT.OK);
    const report = JSON.parse(readFileSync(join(out, "archived.json"), "utf8"));
    expect(report.archived.map((a: { model: string; version: string }) => `${a.model}/${a.version}`)).toEqual(["churn/1", "fraud/1"]);
    const stage = (name: string, v: string) =>
      mlflow.versions.find((x) => x.name === name && x.version === v)?.tags.find((t) => t.key === LIFECYCLE_TAGS.stage)?.value;
    expect([stage("churn", "1"), stage("churn", "2"), stage("churn", "3"), stage("fraud", "1"), stage("fraud", "2")]).toEqual([
      "archived",
      "production",
      "production",
      "archived",
      undefined,
    ]);
    // Idempotent: a second run archives nothing more.
    expect(await runStep(archive, { argv: [], env, log: () => {} })).toBe(EXIT.OK);
    expect(JSON.parse(readFileSync(join(out, "archived.json"), "utf8")).archived).toEqual([]);
    // Bad retention is refused.
    expect(await runStep(archive, { argv: ["--retention-days=0"], env, log: () => {} })).toBe(EXIT.USAGE);
  });
});
