/**
 * A small JSON-over-HTTP client on `node:http`/`node:https` (no dependencies in the step image).
 * Maps failures to step exit codes: 5xx, 429 and network errors are transient (retried by the
 * template), other 4xx are final.
 */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { EXIT, StepError } from "./cli";

/** One JSON request. */
export interface JsonRequest {
  readonly method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  readonly url: string;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** PEM CA bundle for https (the in-cluster Kubernetes CA). */
  readonly ca?: string;
  /** @default 30000 */
  readonly timeoutMs?: number;
}

/** A response with its parsed JSON body (undefined when empty or not JSON). */
export interface JsonResponse {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
}

/** Sends a request and returns the response, whatever its status; network errors throw a transient {@link StepError}. */
export function sendJson(req: JsonRequest): Promise<JsonResponse> {
  const url = new URL(req.url);
  const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
  const headers: Record<string, string> = { accept: "application/json", ...req.headers };
  if (payload) {
    headers["content-type"] ??= "application/json";
    headers["content-length"] = String(payload.length);
  }
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const r = send(url, { method: req.method, headers, ...(req.ca ? { ca: req.ca } : {}), timeout: req.timeoutMs ?? 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let body: unknown;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode ?? 0, body, text });
      });
      res.on("error", (e) => reject(new StepError(`${req.method} ${url.origin}${url.pathname}: ${e.message}`, EXIT.TRANSIENT)));
    });
    r.on("timeout", () => r.destroy(new Error("timed out")));
    r.on("error", (e) => reject(new StepError(`${req.method} ${url.origin}${url.pathname}: ${e.message}`, EXIT.TRANSIENT)));
    if (payload) r.write(payload);
    r.end();
  });
}

/** The exit code a non-2xx status maps to. */
export function exitCodeForStatus(status: number): number {
  return status >= 500 || status === 429 || status === 0 ? EXIT.TRANSIENT : EXIT.REFUSED;
}
