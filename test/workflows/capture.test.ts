/**
 * Served-data capture, on the server code against a local fake model server and the fake object
 * store (S3 with SigV4 and IRSA; Azure Blob with workload identity): the proxy returns the model's
 * answers unchanged, writes a sample of scoring requests and predictions as JSON Lines under the
 * day's folder of the capture prefix, never fails a prediction when the bucket does, and the drift
 * monitor's step compares that folder with the training reference column by column.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CaptureProxy, captureSettings, startCaptureProxy } from "../../workflows/steps/capture-proxy";
import { main as drift } from "../../workflows/steps/drift";
import { batchKey, captureRows, inputRows, sampleRate } from "../../workflows/steps/lib/capture";
import { EXIT, runStep } from "../../workflows/steps/lib/cli";
import { type FakeObjectStore, fakeObjectStore } from "./fake-servers";

let store: FakeObjectStore;
let model: Server;
let modelUrl = "";
const tmp = mkdtempSync(join(tmpdir(), "capture-"));
const tokenFile = join(tmp, "token");
writeFileSync(tokenFile, "projected-sa-token");

beforeAll(async () => {
  store = await fakeObjectStore();
  // A model server: predicts 1 when amount > 100, answers MLflow's {"predictions": [...]}.
  model = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.url === "/health") return res.writeHead(200).end("ok");
      if (new URL(req.url ?? "/", "http://m").pathname !== "/invocations") return res.writeHead(404).end();
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { dataframe_split?: { columns: string[]; data: number[][] } };
      if (!body.dataframe_split) return res.writeHead(400, { "content-type": "application/json" }).end('{"error_code":"BAD_REQUEST"}');
      const i = body.dataframe_split.columns.indexOf("amount");
      const predictions = body.dataframe_split.data.map((r) => ((r[i] ?? 0) > 100 ? 1 : 0));
      res.writeHead(200, { "content-type": "application/json", "x-model": "fraud" }).end(JSON.stringify({ predictions }));
    });
  });
  await new Promise<void>((r) => model.listen(0, "127.0.0.1", () => r()));
  modelUrl = `http://127.0.0.1:${(model.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await store.close();
  await new Promise<void>((r) => model.close(() => r()));
});

const aws = (over: Record<string, string> = {}) => ({
  CAPTURE_URI: "s3://artifacts-bucket/capture/fraud-scorer/",
  PLATFORM_REGION: "me-central-1",
  PLATFORM_OBJECT_STORE_ENDPOINT: "",
  AWS_ROLE_ARN: "arn:aws:iam::123456789012:role/serving",
  AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
  MODEL_NAME: "fraud-scorer",
  MODEL_VERSION: "3",
  MODEL_VARIANT: "stable",
  CAPTURE_BATCH_ROWS: "1000",
  ...over,
});

async function call(
  port: number,
  path: string,
  body?: unknown,
): Promise<{ status: number; text: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const r = request(
      { host: "127.0.0.1", port, path, method: body === undefined ? "GET" : "POST", headers: { "content-type": "application/json" } },
      (res) => {
        const out: Buffer[] = [];
        res.on("data", (c: Buffer) => out.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(out).toString("utf8"), headers: res.headers }));
      },
    );
    r.on("error", reject);
    r.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const captured = (prefix: string) =>
  [...store.objects.entries()]
    .filter(([k]) => k.startsWith(prefix))
    .flatMap(([, v]) =>
      v
        .toString("utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    );

async function proxyWith(
  env: Record<string, string>,
  random: () => number,
  log: string[] = [],
): Promise<{ proxy: CaptureProxy; port: number }> {
  const proxy = await startCaptureProxy(
    { ...captureSettings({ ...env, PLATFORM_OBJECT_STORE_ENDPOINT: store.url, UPSTREAM_URL: modelUrl }), random, log: (l) => log.push(l) },
    0,
    "127.0.0.1",
  );
  return { proxy, port: (proxy.server.address() as AddressInfo).port };
}

describe("capture proxy", () => {
  it("answers as the model does and captures sampled scoring rows with their predictions", async () => {
    const { proxy, port } = await proxyWith(aws(), () => 0);
    const req = {
      dataframe_split: {
        columns: ["amount", "country"],
        data: [
          [50, "AE"],
          [500, "AE"],
        ],
      },
    };
    const r = await call(port, "/invocations", req);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toEqual({ predictions: [0, 1] });
    expect(r.headers["x-model"]).toBe("fraud");
    expect((await call(port, "/health")).text).toBe("ok");
    // A refused request (400) is answered as it is and not captured.
    expect((await call(port, "/invocations", { bogus: true })).status).toBe(400);
    await proxy.close();
    const rows = captured("artifacts-bucket/capture/fraud-scorer/");
    expect(rows.map((x) => [x.amount, x.country, x.prediction])).toEqual([
      [50, "AE", 0],
      [500, "AE", 1],
    ]);
    expect(rows[0]).toMatchObject({ _model: "fraud-scorer", _version: "3", _variant: "stable" });
    const key = [...store.objects.keys()].find((k) => k.startsWith("artifacts-bucket/capture/fraud-scorer/")) ?? "";
    expect(key).toMatch(/^artifacts-bucket\/capture\/fraud-scorer\/\d{4}-\d{2}-\d{2}\/\d{6}-[a-f0-9]{12}\.jsonl$/);
  });

  it("captures only the sampled share, and writes a batch as soon as it is full (Azure)", async () => {
    let n = 0;
    const env = {
      CAPTURE_URI: "https://mlopsartifacts.blob.core.windows.net/artifacts/capture/credit-risk/",
      PLATFORM_REGION: "uaenorth",
      AZURE_CLIENT_ID: "client",
      AZURE_TENANT_ID: "tenant",
      AZURE_FEDERATED_TOKEN_FILE: tokenFile,
      AZURE_AUTHORITY_HOST: `${store.url}/`,
      MODEL_NAME: "credit-risk",
      CAPTURE_SAMPLE_RATE: "0.5",
      CAPTURE_BATCH_ROWS: "2",
    };
    // Every other request is sampled (random() alternates below and above the rate).
    const { proxy, port } = await proxyWith(env, () => (n++ % 2 === 0 ? 0.1 : 0.9));
    for (const amount of [1, 2, 3, 4]) await call(port, "/invocations", { dataframe_split: { columns: ["amount"], data: [[amount]] } });
    await new Promise((r) => setTimeout(r, 50));
    expect(captured("artifacts/capture/credit-risk/").map((x) => x.amount)).toEqual([1, 3]);
    await proxy.close();
  });

  it("never fails a prediction when the bucket refuses the batch", async () => {
    const log: string[] = [];
    const { proxy, port } = await proxyWith(aws({ CAPTURE_URI: "s3://artifacts-bucket/capture/lost/" }), () => 0, log);
    store.failPuts(1);
    const r = await call(port, "/invocations", { dataframe_split: { columns: ["amount"], data: [[7]] } });
    expect(r.status).toBe(200);
    await proxy.close();
    expect(log.join("\n")).toMatch(/capture batch of 1 rows lost: .*503/);
  });

  it("captures a scoring request with a query string like one without", async () => {
    const { proxy, port } = await proxyWith(aws({ CAPTURE_URI: "s3://artifacts-bucket/capture/query/" }), () => 0);
    const r = await call(port, "/invocations?content_type=json", { dataframe_split: { columns: ["amount"], data: [[250]] } });
    expect(JSON.parse(r.text)).toEqual({ predictions: [1] });
    await proxy.close();
    expect(captured("artifacts-bucket/capture/query/").map((x) => [x.amount, x.prediction])).toEqual([[250, 1]]);
    expect(proxy.stats.captured).toBe(1);
  });

  it("forwards a body over the cap untouched but never buffers it for capture, and counts it", async () => {
    const log: string[] = [];
    const { proxy, port } = await proxyWith(aws({ CAPTURE_URI: "s3://artifacts-bucket/capture/big/" }), () => 0, log);
    const rows = Array.from({ length: 200_000 }, (_, i) => [i]);
    const r = await call(port, "/invocations", { dataframe_split: { columns: ["amount"], data: rows } });
    expect(r.status).toBe(200);
    expect((JSON.parse(r.text) as { predictions: number[] }).predictions).toHaveLength(200_000);
    await call(port, "/invocations", { dataframe_split: { columns: ["amount"], data: [[5]] } });
    await proxy.close();
    expect(captured("artifacts-bucket/capture/big/").map((x) => x.amount)).toEqual([5]);
    expect(proxy.stats).toMatchObject({ captured: 1, skippedOversize: 1 });
    expect(log.join("\n")).toMatch(/forwarded without capture: body over 1048576 bytes \(1 skipped so far\)/);
  });

  it("gives up a batch write that hangs after the put timeout, and counts it lost", async () => {
    const log: string[] = [];
    const hanging = { get: async () => undefined, put: () => new Promise<void>(() => {}) };
    const settings = captureSettings({ ...aws(), PLATFORM_OBJECT_STORE_ENDPOINT: store.url, UPSTREAM_URL: modelUrl });
    expect(settings.putTimeoutMs).toBe(30_000);
    const proxy = await startCaptureProxy(
      { ...settings, store: hanging, putTimeoutMs: 50, random: () => 0, log: (l) => log.push(l) },
      0,
      "127.0.0.1",
    );
    const port = (proxy.server.address() as AddressInfo).port;
    expect((await call(port, "/invocations", { dataframe_split: { columns: ["amount"], data: [[1]] } })).status).toBe(200);
    await proxy.close();
    expect(log.join("\n")).toMatch(/capture batch of 1 rows lost: object store put of .* timed out after 50 ms/);
    expect(proxy.stats.lostBatches).toBe(1);
    expect(() => captureSettings({ ...aws(), CAPTURE_PUT_TIMEOUT_SECONDS: "0" })).toThrow(/CAPTURE_PUT_TIMEOUT_SECONDS/);
  });

  it("reads every MLflow scoring format and refuses what it cannot pair", () => {
    const by = { model: "m", version: "1", variant: "stable" };
    const at = new Date("2026-11-27T10:11:12Z");
    expect(inputRows({ dataframe_records: [{ a: 1 }] })).toEqual([{ a: 1 }]);
    expect(inputRows({ instances: [{ a: 2 }] })).toEqual([{ a: 2 }]);
    expect(inputRows({ inputs: [{ a: 3 }] })).toEqual([{ a: 3 }]);
    expect(inputRows({ inputs: [[1, 2]] })).toBeUndefined();
    expect(captureRows({ dataframe_records: [{ a: 1 }, { a: 2 }] }, [0.1, 0.9], by, at).map((r) => r.prediction)).toEqual([0.1, 0.9]);
    expect(captureRows({ dataframe_records: [{ a: 1 }, { a: 2 }] }, { predictions: [1] }, by, at)).toEqual([]);
    expect(batchKey("capture/m/", at, "abc")).toBe("capture/m/2026-11-27/101112-abc.jsonl");
    for (const bad of ["0", "1.5", "x", "-0.1"]) expect(() => sampleRate(bad)).toThrow(/CAPTURE_SAMPLE_RATE/);
    expect(() => captureSettings({ ...aws(), CAPTURE_URI: "ftp://x/" })).toThrow(/must be s3:\/\//);
  });
});

describe("drift on the captured data", () => {
  it("compares the capture folder with the training reference, feature by feature", async () => {
    const reference = join(tmp, "reference.csv");
    writeFileSync(reference, `amount,country,label\n${Array.from({ length: 200 }, (_, i) => `${i % 100},AE,${i % 2}`).join("\n")}\n`);
    const run = async (amounts: number[]) => {
      const folder = `artifacts-bucket/capture/drift-${amounts[0]}/`;
      const { proxy, port } = await proxyWith(aws({ CAPTURE_URI: `s3://${folder}` }), () => 0);
      await call(port, "/invocations", { dataframe_split: { columns: ["amount", "country"], data: amounts.map((a) => [a, "AE"]) } });
      await proxy.close();
      // The monitor's current-data-uri is the day's folder; here, the fetched copy of it.
      const dir = mkdtempSync(join(tmp, "current-"));
      for (const [k, v] of store.objects)
        if (k.startsWith(folder)) {
          const file = join(dir, k.slice(folder.length));
          mkdirSync(join(file, ".."), { recursive: true });
          writeFileSync(file, v);
        }
      const out = mkdtempSync(join(tmp, "out-"));
      const logs: string[] = [];
      const code = await runStep(drift, {
        argv: [`--reference=${reference}`, `--current=${dir}`, "--threshold=0.2"],
        env: {
          PLATFORM_CLOUD: "aws",
          PLATFORM_REGION: "me-central-1",
          PLATFORM_ALLOWED_DATA_PREFIXES: "s3://d/",
          STEP_OUTPUT_DIR: out,
        },
        log: (l) => logs.push(l),
      });
      return { code, log: logs.join("\n") };
    };
    const same = await run(Array.from({ length: 100 }, (_, i) => i));
    expect(same.code, same.log).toBe(EXIT.OK);
    // The features in both: the capture's prediction and _fields are not compared.
    expect(same.log).toMatch(/^ok +amount \(numeric\)/m);
    expect(same.log).not.toMatch(/prediction|_model/);
    expect(same.log).toContain("no drift");
    const shifted = await run(Array.from({ length: 100 }, (_, i) => 500 + i));
    expect(shifted.log).toMatch(/DRIFT amount/);
    expect(shifted.log).toContain("drift detected");
  });
});
