/**
 * `node dist/capture-proxy.js`: a sidecar in front of a model server that captures a sample of
 * what was served into the stack's in-region bucket, for the drift monitor.
 *
 * Every request is forwarded to the model server unchanged and its answer returned unchanged; a
 * capture failure never fails or delays a prediction. A sampled scoring request (`POST
 * /invocations`, 2xx) is reduced to rows (lib/capture.ts) and buffered; a batch is written as JSON
 * Lines to `<CAPTURE_URI><yyyy-mm-dd>/<time>-<id>.jsonl` when it reaches CAPTURE_BATCH_ROWS rows or
 * every CAPTURE_FLUSH_SECONDS, and once more on SIGTERM. The bucket is the platform's encrypted
 * one (SSE-KMS / customer-managed key) and its lifecycle keeps the capture for the profile's
 * retention; the writes go through the pod's workload identity (lib/objects.ts).
 *
 * Environment: UPSTREAM_URL (default http://127.0.0.1:8080), PORT (default 8081), CAPTURE_URI
 * (s3://<bucket>/<prefix>/ or https://<account>.blob.core.windows.net/<container>/<prefix>/),
 * CAPTURE_SAMPLE_RATE (default 0.1), CAPTURE_BATCH_ROWS (default 500), CAPTURE_FLUSH_SECONDS
 * (default 60), MODEL_NAME, MODEL_VERSION, MODEL_VARIANT, PLATFORM_REGION,
 * PLATFORM_OBJECT_STORE_ENDPOINT (tests, private endpoints).
 */
import { randomBytes } from "node:crypto";
import { createServer, request as httpRequest, type Server } from "node:http";
import { batchKey, type CapturedRow, captureRows, type ServedBy, sampleRate } from "./lib/capture";
import { type ObjectStore, storeForUri } from "./lib/objects";

/** Largest request body the proxy captures (larger ones are forwarded as they are, never captured). */
export const MAX_CAPTURE_BYTES = 1024 * 1024;

/** The proxy's settings. */
export interface CaptureSettings {
  readonly upstream: URL;
  readonly store: ObjectStore;
  readonly prefix: string;
  readonly rate: number;
  readonly batchRows: number;
  readonly flushMs: number;
  readonly by: ServedBy;
  /** @default Math.random */
  readonly random?: () => number;
  readonly log?: (line: string) => void;
}

/** Settings from the environment; throws naming the variable. */
export function captureSettings(env: Readonly<Record<string, string | undefined>>): CaptureSettings {
  const uri = env.CAPTURE_URI ?? "";
  const { store, prefix } = storeForUri(uri, env.PLATFORM_REGION ?? "", env, env.PLATFORM_OBJECT_STORE_ENDPOINT || undefined);
  const int = (name: string, fallback: number) => {
    const v = Number(env[name] ?? fallback);
    if (!Number.isInteger(v) || v < 1) throw new Error(`${name}=${JSON.stringify(env[name])}: must be a whole number ≥ 1`);
    return v;
  };
  return {
    upstream: new URL(env.UPSTREAM_URL || "http://127.0.0.1:8080"),
    store,
    prefix,
    rate: sampleRate(env.CAPTURE_SAMPLE_RATE),
    batchRows: int("CAPTURE_BATCH_ROWS", 500),
    flushMs: int("CAPTURE_FLUSH_SECONDS", 60) * 1000,
    by: { model: env.MODEL_NAME ?? "", version: env.MODEL_VERSION ?? "", variant: env.MODEL_VARIANT ?? "" },
  };
}

/** A running proxy: its server, and a flush that writes what is buffered. */
export interface CaptureProxy {
  readonly server: Server;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the proxy on `port` (0: ephemeral, for tests). */
export async function startCaptureProxy(s: CaptureSettings, port: number, host = "0.0.0.0"): Promise<CaptureProxy> {
  const log = s.log ?? ((l: string) => console.log(l));
  const random = s.random ?? Math.random;
  let buffer: CapturedRow[] = [];
  let writing: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    if (buffer.length === 0) return writing;
    const rows = buffer;
    buffer = [];
    const key = batchKey(s.prefix, new Date(), randomBytes(6).toString("hex"));
    const body = Buffer.from(`${rows.map((r) => JSON.stringify(r)).join("\n")}\n`);
    writing = writing
      .then(() => s.store.put(key, body))
      .then(() => log(`captured ${rows.length} rows to ${key}`))
      // Never fail serving: a lost batch is logged (and the monitor runs on what was captured).
      .catch((e: Error) => log(`capture batch of ${rows.length} rows lost: ${e.message}`));
    return writing;
  };
  const timer = setInterval(() => void flush(), s.flushMs);
  timer.unref();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      chunks.push(c);
    });
    req.on("end", () => {
      const forwarded = Buffer.concat(chunks);
      const body = size <= MAX_CAPTURE_BYTES ? forwarded : undefined;
      const up = httpRequest(
        new URL(req.url ?? "/", s.upstream),
        { method: req.method, headers: { ...req.headers, host: s.upstream.host } },
        (upRes) => {
          const out: Buffer[] = [];
          upRes.on("data", (c: Buffer) => out.push(c));
          upRes.on("end", () => {
            const answer = Buffer.concat(out);
            res.writeHead(upRes.statusCode ?? 502, upRes.headers);
            res.end(answer);
            const status = upRes.statusCode ?? 0;
            if (req.method === "POST" && req.url === "/invocations" && status >= 200 && status < 300 && body && random() < s.rate) {
              try {
                const rows = captureRows(JSON.parse(body.toString("utf8")), JSON.parse(answer.toString("utf8")), s.by, new Date());
                buffer.push(...rows);
                if (buffer.length >= s.batchRows) void flush();
              } catch {
                // Not JSON: nothing to capture.
              }
            }
          });
        },
      );
      up.on("error", (e) => {
        res.writeHead(502, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: `model server unreachable: ${e.message}` }));
      });
      if (size > MAX_CAPTURE_BYTES) log(`request of ${size} bytes forwarded without capture`);
      up.end(forwarded);
    });
  });
  await new Promise<void>((r) => server.listen(port, host, () => r()));
  return {
    server,
    flush,
    close: async () => {
      clearInterval(timer);
      await new Promise<void>((r) => server.close(() => r()));
      await flush();
    },
  };
}

if (require.main === module) {
  const settings = captureSettings(process.env);
  void startCaptureProxy(settings, Number(process.env.PORT ?? "8081")).then((proxy) => {
    process.on("SIGTERM", () => void proxy.close().then(() => process.exit(0)));
  });
}
