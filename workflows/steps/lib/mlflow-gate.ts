/**
 * The MLflow gate: an authorizing reverse proxy in front of MLflow that applies
 * {@link authorizeMlflow} to every request. It listens twice:
 *
 * - the **workload** listener (pipeline and serving pods): the caller presents its pod's projected
 *   service-account token (audience `mlflow`); the gate asks the API server who it is
 *   (TokenReview) and never trusts a header for identity;
 * - the **people** listener, reachable only from oauth2-proxy (NetworkPolicy): the person is the
 *   one oauth2-proxy signed in through SSO, from its `X-Forwarded-User`/`-Email`/`-Groups` headers.
 *
 * Registry requests are buffered (small JSON) so that the model they name is known; everything
 * else, artifacts included, is streamed. A registry write whose model cannot be told for sure
 * (unparsable body, two different names) is refused. Node built-ins only.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { sendJson } from "./http";
import type { KubeConnection } from "./kube";
import { authorizeMlflow, isCanonicalRequestPath, type MlflowAuthzSettings, type MlflowCaller, normalizeMlflowPath } from "./mlflow-authz";

/** The audience of the projected tokens workloads present to the gate. */
export const MLFLOW_TOKEN_AUDIENCE = "mlflow";

/** Resolves a bearer token to a workload (undefined when the token is not valid for the gate). */
export type TokenReviewer = (token: string) => Promise<{ namespace: string; serviceAccount: string } | undefined>;

/** A TokenReview against the API server (the gate's account needs `system:auth-delegator`). */
export function kubeTokenReviewer(conn: KubeConnection, audience = MLFLOW_TOKEN_AUDIENCE): TokenReviewer {
  return async (token) => {
    const res = await sendJson({
      method: "POST",
      url: `${conn.baseUrl}/apis/authentication.k8s.io/v1/tokenreviews`,
      headers: { authorization: `Bearer ${conn.token}` },
      body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: { token, audiences: [audience] } },
      ...(conn.ca ? { ca: conn.ca } : {}),
    });
    const status = (res.body as { status?: { authenticated?: boolean; audiences?: string[]; user?: { username?: string } } })?.status;
    if (res.status !== 201 && res.status !== 200) return undefined;
    if (!status?.authenticated || !(status.audiences ?? []).includes(audience)) return undefined;
    const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(status.user?.username ?? "");
    return m ? { namespace: m[1] ?? "", serviceAccount: m[2] ?? "" } : undefined;
  };
}

/** How the gate is set up. */
export interface MlflowGateOptions {
  readonly settings: MlflowAuthzSettings;
  /** MLflow's own URL (`http://mlflow.mlflow.svc:80`). */
  readonly upstream: string;
  readonly reviewToken: TokenReviewer;
  /** Largest registry request body the gate reads. @default 1 MiB */
  readonly maxRegistryBody?: number;
  /** Where each decision is logged (one JSON line). @default console.log */
  readonly log?: (line: string) => void;
}

const REGISTRY = /^mlflow\/(registered-models|model-versions)\//;
/** Headers that describe the hop or could smuggle an identity past MLflow; never forwarded. */
const DROPPED = new Set([
  "authorization",
  "cookie",
  "host",
  "connection",
  "keep-alive",
  "transfer-encoding",
  "upgrade",
  "proxy-authorization",
  "x-forwarded-user",
  "x-forwarded-email",
  "x-forwarded-groups",
  "x-forwarded-preferred-username",
  "x-forwarded-access-token",
]);

function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ error_code: status === 401 ? "UNAUTHENTICATED" : "PERMISSION_DENIED", message }));
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        resolve(undefined);
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** The model a registry request names: `undefined` when none, `null` when it cannot be told for sure. */
export function requestedModel(url: string, body: Buffer | undefined): string | undefined | null {
  const names = new URL(url, "http://gate").searchParams.getAll("name");
  if (body?.length) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      return null;
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return null;
    const name = (parsed as Record<string, unknown>).name;
    if (name !== undefined) {
      if (typeof name !== "string") return null;
      names.push(name);
    }
  }
  const distinct = [...new Set(names)];
  if (distinct.length > 1) return null;
  return distinct[0];
}

function forward(opts: MlflowGateOptions, req: IncomingMessage, res: ServerResponse, body: Buffer | undefined): void {
  const target = new URL(req.url ?? "/", opts.upstream);
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !DROPPED.has(k.toLowerCase())) headers[k] = v;
  if (body) headers["content-length"] = String(body.length);
  const up = httpRequest(target, { method: req.method ?? "GET", headers }, (upRes) => {
    res.writeHead(upRes.statusCode ?? 502, upRes.headers);
    upRes.pipe(res);
  });
  up.on("error", (e) => {
    if (!res.headersSent) refuse(res, 502, `MLflow unreachable: ${e.message}`);
    else res.destroy();
  });
  if (body) up.end(body);
  else req.pipe(up);
}

async function handle(opts: MlflowGateOptions, who: "people" | "workloads", req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.url === "/healthz") {
    res.writeHead(200).end("ok");
    return;
  }
  let caller: MlflowCaller = { kind: "anonymous" };
  if (who === "workloads") {
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
    const workload = token ? await opts.reviewToken(token) : undefined;
    if (workload) caller = { kind: "workload", ...workload };
  } else {
    const one = (h: string) => {
      const v = req.headers[h];
      return Array.isArray(v) ? undefined : v;
    };
    const user = one("x-forwarded-email") || one("x-forwarded-user");
    const groups = (one("x-forwarded-groups") ?? "")
      .split(",")
      .map((g) => g.trim())
      .filter(Boolean);
    if (user) caller = { kind: "person", user, groups };
  }
  if (caller.kind === "anonymous")
    return refuse(res, 401, "no identity: sign in through SSO or present the pod's projected service-account token (audience mlflow)");
  // Judged and forwarded as the same plain path: MLflow must not read a path other than the one checked.
  if (!isCanonicalRequestPath(req.url ?? "/"))
    return refuse(res, 400, "the request path must be plain: no dot segments, percent-encoding, // or ;");
  const path = normalizeMlflowPath(req.url ?? "/");
  const method = (req.method ?? "GET").toUpperCase();
  let body: Buffer | undefined;
  let model: string | undefined | null;
  if (REGISTRY.test(path)) {
    body = await readBody(req, opts.maxRegistryBody ?? 1024 * 1024);
    if (body === undefined) return refuse(res, 413, "registry request body too large");
    model = requestedModel(req.url ?? "/", body);
    if (model === null && method !== "GET")
      return refuse(res, 403, "the registered model this request names cannot be told for sure (unparsable body or two names)");
  }
  const decision = authorizeMlflow(opts.settings, caller, { method, path: req.url ?? "/", ...(model ? { model } : {}) });
  const who_ = caller.kind === "person" ? caller.user : `${caller.namespace}/${caller.serviceAccount}`;
  (opts.log ?? console.log)(
    JSON.stringify({ msg: "mlflow-gate", caller: who_, method, path, model, allow: decision.allow, reason: decision.reason }),
  );
  if (!decision.allow) return refuse(res, 403, decision.reason);
  forward(opts, req, res, body);
}

/** The two servers of the gate (not listening yet). */
export function createMlflowGate(opts: MlflowGateOptions): { people: Server; workloads: Server } {
  const serve = (who: "people" | "workloads") =>
    createServer((req, res) => {
      handle(opts, who, req, res).catch((e: unknown) => {
        if (!res.headersSent) refuse(res, 503, `gate error: ${e instanceof Error ? e.message : String(e)}`);
      });
    });
  return { people: serve("people"), workloads: serve("workloads") };
}
