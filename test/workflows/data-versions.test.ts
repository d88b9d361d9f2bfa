/**
 * Datasets by immutable version, on the step code against the local fake object store (S3
 * ListObjectVersions and GET ?versionId with SigV4 and IRSA's STS exchange; Azure List Blobs with
 * versions and GET ?versionid with the Entra workload-identity token): validation fetches the
 * current version of each object and outputs the manifest lineage records; a reproduction fetches
 * the recorded versions even after the objects were overwritten; a tampered or unversioned record
 * is refused; the lineage tags carry the manifest to the reproduction.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT, runStep } from "../../workflows/steps/lib/cli";
import { parseManifest, type VersionEntry } from "../../workflows/steps/lib/data-versions";
import { loadDataset } from "../../workflows/steps/lib/dataset";
import { TAGS } from "../../workflows/steps/lib/lineage";
import { reproduceArguments, retrainArguments } from "../../workflows/steps/retrain";
import { main as validate } from "../../workflows/steps/validate-data";
import { type FakeObjectStore, fakeObjectStore } from "./fake-servers";

let fake: FakeObjectStore;
const tmp = mkdtempSync(join(tmpdir(), "data-versions-"));
const tokenFile = join(tmp, "token");
writeFileSync(tokenFile, "projected-sa-token");
const sha = (t: string) => createHash("sha256").update(t).digest("hex");

const clouds = {
  aws: {
    container: "datasets-bucket",
    uri: (path: string) => `s3://datasets-bucket/${path}`,
    env: () => ({
      PLATFORM_CLOUD: "aws",
      PLATFORM_REGION: "me-central-1",
      PLATFORM_ALLOWED_DATA_PREFIXES: "s3://datasets-bucket/teams/fraud/transactions/",
      PLATFORM_OBJECT_STORE_ENDPOINT: fake.url,
      AWS_ROLE_ARN: "arn:aws:iam::123456789012:role/pipelines",
      AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
    }),
  },
  azure: {
    container: "datasets",
    uri: (path: string) => `abfss://datasets@mlopsdata.dfs.core.windows.net/${path}`,
    env: () => ({
      PLATFORM_CLOUD: "azure",
      PLATFORM_REGION: "uaenorth",
      PLATFORM_ALLOWED_DATA_PREFIXES: "abfss://datasets@mlopsdata.dfs.core.windows.net/teams/fraud/transactions/",
      AZURE_CLIENT_ID: "client",
      AZURE_TENANT_ID: "tenant",
      AZURE_FEDERATED_TOKEN_FILE: tokenFile,
      AZURE_AUTHORITY_HOST: `${fake.url}/`,
    }),
  },
} as const;

async function validateRun(cloud: keyof typeof clouds, uri: string, extra: string[] = []) {
  const out = mkdtempSync(join(tmp, "out-"));
  const data = join(mkdtempSync(join(tmp, "data-")), "input");
  const log: string[] = [];
  const code = await runStep(validate, {
    argv: [`--data=${data}`, "--fetch=true", `--endpoint=${fake.url}`, `--data-uri=${uri}`, ...extra],
    env: { ...clouds[cloud].env(), STEP_OUTPUT_DIR: out },
    log: (l) => log.push(l),
  });
  const read = (name: string) => {
    try {
      return readFileSync(join(out, name), "utf8");
    } catch {
      return undefined;
    }
  };
  return { code, log: log.join("\n"), sha256: read("data-sha256"), versions: read("data-versions"), data };
}

beforeAll(async () => {
  fake = await fakeObjectStore();
});
afterAll(async () => {
  await fake.close();
});

describe.each(["aws", "azure"] as const)("data by object version (%s)", (cloud) => {
  const c = clouds[cloud];
  const batch = `teams/fraud/transactions/${cloud}-2026-11-27/`;
  const put = (path: string, text: string) => {
    // Through the store's own PUT, so that the fake keeps a version per write.
    fake.objects.set(`${c.container}/${path}`, Buffer.from(text));
  };

  it("fetches the current version of each object and outputs the manifest with each version's sha256", async () => {
    put(`${batch}part-0.csv`, "amount,label\n1,0\n2,1\n");
    put(`${batch}part-1.csv`, "amount,label\n3,0\n");
    put(`${batch}_SUCCESS`, "");
    const r = await validateRun(cloud, c.uri(batch));
    expect(r.code, r.log).toBe(EXIT.OK);
    const manifest = parseManifest(r.versions ?? "");
    expect(manifest.map((e) => e[0])).toEqual(["_SUCCESS", "part-0.csv", "part-1.csv"]);
    expect(manifest.map((e) => e[2])).toEqual([sha(""), sha("amount,label\n1,0\n2,1\n"), sha("amount,label\n3,0\n")]);
    for (const [path, versionId] of manifest) {
      const history = fake.versions.get(`${c.container}/${batch}${path}`) ?? [];
      expect(history[history.length - 1]?.id).toBe(versionId);
    }
    // The checksum lineage records is the one of the fetched files, so versions and checksum describe the same bytes.
    expect(r.sha256).toBe(loadDataset(r.data).sha256);
  });

  it("reproduces from the recorded versions after the objects were overwritten, and only from them", async () => {
    put(`${batch}part-0.csv`, "amount,label\n5,0\n6,1\n");
    put(`${batch}part-1.csv`, "amount,label\n7,0\n");
    const first = await validateRun(cloud, c.uri(batch));
    const recorded = { sha256: first.sha256 ?? "", versions: first.versions ?? "" };
    put(`${batch}part-0.csv`, "amount,label\n99,1\n");

    // The current data no longer has the recorded checksum: refused.
    const current = await validateRun(cloud, c.uri(batch), [`--expected-sha256=${recorded.sha256}`]);
    expect(current.code).toBe(EXIT.REFUSED);
    expect(current.log).toContain(`not the recorded ${recorded.sha256}`);

    // The recorded versions are fetched, whatever the current object is: the same bytes, the same checksum.
    const again = await validateRun(cloud, c.uri(batch), [`--expected-sha256=${recorded.sha256}`, `--data-versions=${recorded.versions}`]);
    expect(again.code, again.log).toBe(EXIT.OK);
    expect(again.sha256).toBe(recorded.sha256);
    expect(readFileSync(join(again.data, "part-0.csv"), "utf8")).toBe("amount,label\n5,0\n6,1\n");
    expect(again.versions).toBe(recorded.versions);
  });

  it("refuses a record whose sha256 is not the version's, an unknown version, and a record without --fetch", async () => {
    const first = await validateRun(cloud, c.uri(batch));
    const manifest = parseManifest(first.versions ?? "") as VersionEntry[];
    const tampered = manifest.map((e, i) => (i === 1 ? ([e[0], e[1], sha("other")] as const) : e));
    const t = await validateRun(cloud, c.uri(batch), [`--data-versions=${JSON.stringify(tampered)}`]);
    expect(t.code).toBe(EXIT.REFUSED);
    expect(t.log).toMatch(/has sha256 [a-f0-9]{64}, not the recorded/);
    const unknown = manifest.map((e, i) => (i === 1 ? ([e[0], "v999999", e[2]] as const) : e));
    expect((await validateRun(cloud, c.uri(batch), [`--data-versions=${JSON.stringify(unknown)}`])).code).toBe(EXIT.REFUSED);
    const out = mkdtempSync(join(tmp, "out-"));
    const noFetch = await runStep(validate, {
      argv: [`--data=${tmp}`, `--data-uri=${c.uri(batch)}`, `--data-versions=${first.versions}`],
      env: { ...c.env(), STEP_OUTPUT_DIR: out },
      log: () => {},
    });
    expect(noFetch).toBe(EXIT.USAGE);
  });

  it("fetches a single object by version, with the checksum of its content", async () => {
    const key = `teams/fraud/transactions/${cloud}-single.csv`;
    put(key, "amount,label\n1,0\n");
    const r = await validateRun(cloud, c.uri(key));
    expect(r.code, r.log).toBe(EXIT.OK);
    expect(r.sha256).toBe(sha("amount,label\n1,0\n"));
    expect(parseManifest(r.versions ?? "").map((e) => e[0])).toEqual([""]);
  });

  it("refuses data outside the allowed prefixes before reading anything", async () => {
    const before = fake.requests.length;
    const r = await validateRun(cloud, c.uri("teams/credit/applications/x/"));
    expect(r.code).toBe(EXIT.REFUSED);
    expect(r.log).toMatch(/residency check REFUSED/);
    expect(fake.requests.slice(before).filter((q) => q.path.includes("teams/credit"))).toEqual([]);
  });
});

describe("manifests and lineage", () => {
  it.each([
    ["not JSON", "{"],
    ["empty", "[]"],
    ["a path leaving the URI", JSON.stringify([["../x.csv", "v1", sha("")]])],
    ["an absolute path", JSON.stringify([["/x.csv", "v1", sha("")]])],
    ["no version id", JSON.stringify([["x.csv", "", sha("")]])],
    ["a bad checksum", JSON.stringify([["x.csv", "v1", "abc"]])],
  ])("refuses a manifest with %s", (_what, text) => {
    expect(() => parseManifest(text)).toThrow(/data-versions/);
  });

  it("passes the recorded versions to a reproduction, and none to a retraining on new data", () => {
    const versions = JSON.stringify([["part-0.csv", "v1", sha("x")]]);
    const run = {
      runId: "r",
      status: "FINISHED",
      metrics: {},
      params: {},
      tags: { [TAGS.dataUri]: "s3://d/teams/fraud/transactions/b/", [TAGS.dataChecksum]: sha("y"), [TAGS.dataVersions]: versions },
    } as never;
    expect(reproduceArguments(run, "fraud-scorer")["data-versions"]).toBe(versions);
    expect(reproduceArguments(run, "fraud-scorer")["expected-data-sha256"]).toBe(sha("y"));
    expect(retrainArguments(run, "fraud-scorer", "s3://d/new/")["data-versions"]).toBe("");
  });
});
