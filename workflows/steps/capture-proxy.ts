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
 * (default 60), CAPTURE_PUT_TIMEOUT_SECONDS (default 30), MODEL_NAME, MODEL_VERSION, MODEL_VARIANT, PLATFORM_REGION,
 * PLATFORM_OBJECT_STORE_ENDPOINT (tests, private endpoints).
 */
import { randomBytes } from "node:crypto";
import { createServer, request as httpRequest, type Server } from "node:http";
import { batchKey, type CapturedRow, captureRows, type ServedBy, sampleRate } from "./lib/capture";
import { type ObjectStore, storeForUri } from "./lib/objects";

/**
 * Largest request or response body the proxy keeps a copy of for capture (larger ones stream
 * through as they are, never captured, and are counted in `stats.skippedOversize`).
 */
export const MAX_CAPTURE_BYTES = 1024 * 1024;

/** A copy of a streamed body kept only while it stays within {@link MAX_CAPTURE_BYTES}. */
function boundedCopy(wanted: boolean): { add(c: Buffer): void; bytes(): Buffer | undefined } {
  let chunks: Buffer[] | undefined = wanted ? [] : undefined;
  let size = 0;
  return {
    add(c) {
      if (!chunks) return;
      size += c.length;
      if (size > MAX_CAPTURE_BYTES) chunks = undefined;
      else chunks.push(c);
    },
    bytes: () => (chunks ? Buffer.concat(chunks) : undefined),
  };
}

/** `p`, or a rejection naming `what` once `ms` have passed (the write itself is abandoned). */
function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

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
  /** How long one batch write may take before it is given up (and counted lost). @default 30 s (CAPTURE_PUT_TIMEOUT_SECONDS) */
  readonly putTimeoutMs?: number;
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
    putTimeoutMs: int("CAPTURE_PUT_TIMEOUT_SECONDS", 30) * 1000,
    by: { model: env.MODEL_NAME ?? "", version: env.MODEL_VERSION ?? "", variant: env.MODEL_VARIANT ?? "" },
  };
}

/** A running proxy: its server, and a flush that writes what is buffered. */
export interface CaptureProxy {
  readonly server: Server;
  /** Rows captured, scoring requests skipped for a body over the cap, batches lost (failed or timed-out writes). */
  readonly stats: { readonly captured: number; readonly skippedOversize: number; readonly lostBatches: number };
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the proxy on `port` (0: ephemeral, for tests). */
export async function startCaptureProxy(s: CaptureSettings, port: number, host = "0.0.0.0"): Promise<CaptureProxy> {
  const log = s.log ?? ((l: string) => console.log(l));
  const random = s.random ?? Math.random;
  const stats = { captured: 0, skippedOversize: 0, lostBatches: 0 };
  const putTimeoutMs = s.putTimeoutMs ?? 30_000;
  let buffer: CapturedRow[] = [];
  let writing: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    if (buffer.length === 0) return writing;
    const rows = buffer;
    buffer = [];
    const key = batchKey(s.prefix, new Date(), randomBytes(6).toString("hex"));
    const body = Buffer.from(`${rows.map((r) => JSON.stringify(r)).join("\n")}\n`);
    writing = writing
      .then(() => withTimeout(s.store.put(key, body), putTimeoutMs, `object store put of ${key}`))
      .then(() => log(`captured ${rows.length} rows to ${key}`))
      // Never fail serving: a lost batch is logged (and the monitor runs on what was captured).
      .catch((e: Error) => {
        stats.lostBatches += 1;
        log(`capture batch of ${rows.length} rows lost: ${e.message}`);
      });
    return writing;
  };
  const timer = setInterval(() => void flush(), s.flushMs);
  timer.unref();

  const server = createServer((req, res) => {
    // Both bodies stream through as they arrive; a copy is kept for capture only up to the cap, so
    // a large request or answer costs the proxy no more than MAX_CAPTURE_BYTES each.
    const path = new URL(req.url ?? "/", "http://proxy").pathname;
    const scoring = req.method === "POST" && path === "/invocations";
    const reqCopy = boundedCopy(scoring);
    const up = httpRequest(
      new URL(req.url ?? "/", s.upstream),
      { method: req.method, headers: { ...req.headers, host: s.upstream.host } },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        const status = upRes.statusCode ?? 0;
        const resCopy = boundedCopy(scoring && status >= 200 && status < 300);
        // pipe() keeps backpressure (a slow client pauses the model server's answer, so nothing
        // piles up here); the copy listens to the same chunks.
        upRes.on("data", (c: Buffer) => resCopy.add(c));
        upRes.pipe(res);
        upRes.on("end", () => {
          if (!scoring || status < 200 || status >= 300) return;
          const request = reqCopy.bytes();
          const answer = resCopy.bytes();
          if (request === undefined || answer === undefined) {
            stats.skippedOversize += 1;
            log(
              `scoring request forwarded without capture: body over ${MAX_CAPTURE_BYTES} bytes (${stats.skippedOversize} skipped so far)`,
            );
            return;
          }
          if (random() >= s.rate) return;
          try {
            const rows = captureRows(JSON.parse(request.toString("utf8")), JSON.parse(answer.toString("utf8")), s.by, new Date());
            buffer.push(...rows);
            stats.captured += rows.length;
            if (buffer.length >= s.batchRows) void flush();
          } catch {
            // Not JSON: nothing to capture.
          }
        });
      },
    );
    up.on("error", (e) => {
      if (res.headersSent) return void res.destroy(e);
      res.writeHead(502, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: `model server unreachable: ${e.message}` }));
    });
    req.on("data", (c: Buffer) => reqCopy.add(c));
    req.on("error", () => up.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(port, host, () => r()));
  return {
    server,
    stats,
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
