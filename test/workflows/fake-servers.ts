/**
 * Test doubles on node:http (127.0.0.1, ephemeral port):
 * - an MLflow tracking/registry server speaking the documented `/api/2.0/mlflow/*` REST endpoints
 *   the steps call, with MLflow's error format (`{error_code, message}`, 404 RESOURCE_DOES_NOT_EXIST);
 * - a Kubernetes API serving Argo Rollouts and Workflows with JSON Patch and a simulated Rollouts controller.
 * A real MLflow server cannot run here (no Python, no network); see docs/workflows.md.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

type Tag = { key: string; value: string };
interface Run {
  info: { run_id: string; experiment_id: string; status: string; artifact_uri: string; run_name: string };
  data: { metrics: { key: string; value: number; timestamp: number; step: number }[]; params: Tag[]; tags: Tag[] };
}
interface Version {
  name: string;
  version: string;
  run_id: string;
  source: string;
  status: string;
  description: string;
  tags: Tag[];
  creation_timestamp?: number;
}

/** A running fake server. */
export interface FakeServer {
  readonly url: string;
  readonly requests: { method: string; path: string; body: unknown }[];
  close(): Promise<void>;
}

function listen(handler: (req: IncomingMessage, body: unknown, res: ServerResponse) => unknown): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      handler(req, body, res);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
  });
}

function send(res: ServerResponse, status: number, body: unknown): true {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
  return true;
}

function setTag(tags: Tag[], key: string, value: string): void {
  const t = tags.find((x) => x.key === key);
  if (t) t.value = value;
  else tags.push({ key, value });
}

/** The in-memory MLflow. */
export class FakeMlflow implements FakeServer {
  url = "";
  readonly requests: { method: string; path: string; body: unknown }[] = [];
  readonly experiments = new Map<string, string>();
  readonly runs = new Map<string, Run>();
  readonly models = new Map<string, { name: string; tags: Tag[]; aliases: Map<string, string> }>();
  readonly versions: Version[] = [];
  /** When set, every request answers this status (e.g. 503 to test transient failures). */
  failWith: number | undefined;
  private server: Server | undefined;
  private seq = 0;

  async start(): Promise<this> {
    const { server, url } = await listen((req, body, res) => this.handle(req, body, res));
    this.server = server;
    this.url = url;
    return this;
  }

  close(): Promise<void> {
    return new Promise((r) => this.server?.close(() => r()));
  }

  /** Test helper: a run as training would leave it (metrics logged, model artifact). */
  seedRun(experimentId: string, tags: Record<string, string>, metrics: Record<string, number>): string {
    const id = `run${++this.seq}`;
    this.runs.set(id, {
      info: {
        run_id: id,
        experiment_id: experimentId,
        status: "FINISHED",
        artifact_uri: `mlflow-artifacts:/${experimentId}/${id}/artifacts`,
        run_name: id,
      },
      data: {
        metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp: 0, step: 0 })),
        params: [],
        tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
      },
    });
    return id;
  }

  /** Test helper: logs metrics into a run (what the user's training code does). */
  logMetrics(runId: string, metrics: Record<string, number>): void {
    const run = this.runs.get(runId);
    if (!run) throw new Error(`no run ${runId}`);
    for (const [key, value] of Object.entries(metrics)) run.data.metrics.push({ key, value, timestamp: 0, step: 0 });
  }

  /** Test helper: registers a version and points an alias at it. */
  seedVersion(name: string, runId: string, alias?: string): string {
    if (!this.models.has(name)) this.models.set(name, { name, tags: [], aliases: new Map() });
    const version = String(this.versions.filter((v) => v.name === name).length + 1);
    this.versions.push({ name, version, run_id: runId, source: "s3://x", status: "READY", description: "", tags: [] });
    if (alias) this.models.get(name)?.aliases.set(alias, version);
    return version;
  }

  private handle(req: IncomingMessage, body: unknown, res: ServerResponse): boolean {
    const url = new URL(req.url ?? "/", this.url);
    const path = url.pathname.replace(/^\/api\/2\.0\/mlflow\//, "");
    const q = Object.fromEntries(url.searchParams.entries());
    const b = (body ?? {}) as Record<string, unknown>;
    this.requests.push({ method: req.method ?? "", path, body: req.method === "GET" ? q : body });
    if (this.failWith) return send(res, this.failWith, { error_code: "TEMPORARILY_UNAVAILABLE", message: "unavailable" });
    const missing = (what: string) => send(res, 404, { error_code: "RESOURCE_DOES_NOT_EXIST", message: `${what} not found` });
    const invalid = (message: string) => send(res, 400, { error_code: "INVALID_PARAMETER_VALUE", message });
    const runOf = (id: unknown) => this.runs.get(String(id));
    const key = `${req.method} ${path}`;
    switch (key) {
      case "GET experiments/get-by-name": {
        const id = this.experiments.get(q.experiment_name ?? "");
        return id ? send(res, 200, { experiment: { experiment_id: id, name: q.experiment_name } }) : missing("experiment");
      }
      case "POST experiments/create": {
        if (this.experiments.has(String(b.name))) return send(res, 400, { error_code: "RESOURCE_ALREADY_EXISTS", message: "exists" });
        const id = String(this.experiments.size + 1);
        this.experiments.set(String(b.name), id);
        return send(res, 200, { experiment_id: id });
      }
      case "POST runs/create": {
        if (![...this.experiments.values()].includes(String(b.experiment_id))) return missing("experiment");
        const id = this.seedRun(String(b.experiment_id), {}, {});
        const run = runOf(id) as Run;
        run.info.status = "RUNNING";
        run.data.tags = ((b.tags as Tag[]) ?? []).map((t) => ({ ...t }));
        return send(res, 200, { run });
      }
      case "POST runs/log-batch": {
        const run = runOf(b.run_id);
        if (!run) return missing("run");
        for (const p of (b.params as Tag[]) ?? []) run.data.params.push(p);
        for (const m of (b.metrics as Run["data"]["metrics"]) ?? []) run.data.metrics.push(m);
        for (const t of (b.tags as Tag[]) ?? []) setTag(run.data.tags, t.key, t.value);
        return send(res, 200, {});
      }
      case "POST runs/set-tag": {
        const run = runOf(b.run_id);
        if (!run) return missing("run");
        setTag(run.data.tags, String(b.key), String(b.value));
        return send(res, 200, {});
      }
      case "POST runs/update": {
        const run = runOf(b.run_id);
        if (!run) return missing("run");
        run.info.status = String(b.status);
        return send(res, 200, { run_info: run.info });
      }
      case "GET runs/get": {
        const run = runOf(q.run_id);
        if (!run) return missing("run");
        // Like MLflow: the latest value of each metric.
        const latest = new Map<string, Run["data"]["metrics"][number]>();
        for (const m of run.data.metrics) latest.set(m.key, m);
        return send(res, 200, { run: { info: run.info, data: { ...run.data, metrics: [...latest.values()] } } });
      }
      case "POST runs/search": {
        const m = /^tags\.`([^`]+)` = '([^']*)'$/.exec(String(b.filter ?? ""));
        if (!m) return invalid(`unsupported filter ${String(b.filter)}`);
        const ids = (b.experiment_ids as string[]) ?? [];
        const runs = [...this.runs.values()].filter(
          (r) => ids.includes(r.info.experiment_id) && r.data.tags.some((t) => t.key === m[1] && t.value === m[2]),
        );
        return send(res, 200, { runs });
      }
      case "GET registered-models/get": {
        const rm = this.models.get(q.name ?? "");
        return rm ? send(res, 200, { registered_model: { name: rm.name, tags: rm.tags } }) : missing("registered model");
      }
      case "POST registered-models/create": {
        if (this.models.has(String(b.name))) return send(res, 400, { error_code: "RESOURCE_ALREADY_EXISTS", message: "exists" });
        this.models.set(String(b.name), { name: String(b.name), tags: (b.tags as Tag[]) ?? [], aliases: new Map() });
        return send(res, 200, { registered_model: { name: b.name } });
      }
      case "POST model-versions/create": {
        if (!this.models.has(String(b.name))) return missing("registered model");
        if (!runOf(b.run_id)) return missing("run");
        const version = String(this.versions.filter((v) => v.name === b.name).length + 1);
        const v: Version = {
          name: String(b.name),
          version,
          run_id: String(b.run_id),
          source: String(b.source),
          status: "PENDING_REGISTRATION",
          description: String(b.description ?? ""),
          tags: (b.tags as Tag[]) ?? [],
          creation_timestamp: Date.now(),
        };
        this.versions.push(v);
        return send(res, 200, { model_version: v });
      }
      case "GET model-versions/get": {
        const v = this.versions.find((x) => x.name === q.name && x.version === q.version);
        if (!v) return missing("model version");
        const copy = { ...v };
        v.status = "READY"; // registration completes asynchronously, like MLflow's
        return send(res, 200, { model_version: copy });
      }
      case "GET model-versions/search": {
        const aliased = (v: Version) => ({
          ...v,
          aliases: [...(this.models.get(v.name)?.aliases.entries() ?? [])].filter(([, n]) => n === v.version).map(([a]) => a),
        });
        const byName = /^name='([^']*)'$/.exec(q.filter ?? "");
        if (byName) return send(res, 200, { model_versions: this.versions.filter((v) => v.name === byName[1]).map(aliased) });
        const m = /^name='([^']*)' and run_id='([^']*)'$/.exec(q.filter ?? "");
        if (!m) return invalid(`unsupported filter ${q.filter}`);
        return send(res, 200, { model_versions: this.versions.filter((v) => v.name === m[1] && v.run_id === m[2]).map(aliased) });
      }
      case "GET registered-models/search":
        return send(res, 200, { registered_models: [...this.models.values()].map((m) => ({ name: m.name })) });
      case "GET registered-models/alias": {
        const version = this.models.get(q.name ?? "")?.aliases.get(q.alias ?? "");
        const v = this.versions.find((x) => x.name === q.name && x.version === version);
        return v ? send(res, 200, { model_version: v }) : missing("alias");
      }
      case "POST registered-models/alias": {
        const rm = this.models.get(String(b.name));
        if (!rm || !this.versions.some((v) => v.name === b.name && v.version === String(b.version))) return missing("model version");
        rm.aliases.set(String(b.alias), String(b.version));
        return send(res, 200, {});
      }
      case "POST model-versions/set-tag": {
        const v = this.versions.find((x) => x.name === b.name && x.version === String(b.version));
        if (!v) return missing("model version");
        setTag(v.tags, String(b.key), String(b.value));
        return send(res, 200, {});
      }
      default:
        return send(res, 404, { error_code: "ENDPOINT_NOT_FOUND", message: `${key} is not an MLflow endpoint` });
    }
  }
}

type Json = Record<string, unknown>;

function applyPatch(doc: Json, ops: { op: string; path: string; value?: unknown }[]): string | undefined {
  for (const op of ops) {
    const parts = op.path
      .split("/")
      .slice(1)
      .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
    const last = parts.pop() ?? "";
    let parent: unknown = doc;
    for (const p of parts) parent = (parent as Json)?.[p];
    if (parent === undefined || parent === null) return `path ${op.path} does not exist`;
    const target = parent as Json;
    if (op.op === "test") {
      if (JSON.stringify(target[last]) !== JSON.stringify(op.value)) return `test failed at ${op.path}`;
    } else if (op.op === "replace") {
      if (!(last in target)) return `replace: ${op.path} does not exist`;
      target[last] = op.value;
    } else if (op.op === "add") target[last] = op.value;
    else if (op.op === "remove") delete target[last];
  }
  return undefined;
}

/** The in-memory Kubernetes API with a simulated Argo Rollouts controller. */
export class FakeKube implements FakeServer {
  url = "";
  readonly requests: { method: string; path: string; body: unknown }[] = [];
  readonly objects = new Map<string, Json>();
  /** What the simulated controller does after a Rollout's spec changes. */
  rolloutOutcome: "healthy" | "degraded" | "stuck" = "healthy";
  private server: Server | undefined;
  private created = 0;

  async start(): Promise<this> {
    const { server, url } = await listen((req, body, res) => this.handle(req, body, res));
    this.server = server;
    this.url = url;
    return this;
  }

  close(): Promise<void> {
    return new Promise((r) => this.server?.close(() => r()));
  }

  put(path: string, obj: Json): void {
    this.objects.set(path, JSON.parse(JSON.stringify(obj)) as Json);
  }

  get(path: string): Json | undefined {
    return this.objects.get(path);
  }

  private handle(req: IncomingMessage, body: unknown, res: ServerResponse): boolean {
    const path = new URL(req.url ?? "/", this.url).pathname;
    this.requests.push({ method: req.method ?? "", path, body });
    if (req.headers.authorization !== "Bearer test-token") return send(res, 401, { kind: "Status", reason: "Unauthorized" });
    const obj = this.objects.get(path);
    if (req.method === "GET") {
      if (!obj) return send(res, 404, { kind: "Status", reason: "NotFound" });
      if (path.includes("/rollouts/")) this.reconcile(obj);
      return send(res, 200, obj);
    }
    if (req.method === "PATCH") {
      if (!obj) return send(res, 404, { kind: "Status", reason: "NotFound" });
      if (req.headers["content-type"] !== "application/json-patch+json") return send(res, 415, { kind: "Status" });
      const copy = JSON.parse(JSON.stringify(obj)) as Json;
      const problem = applyPatch(copy, body as { op: string; path: string }[]);
      if (problem) return send(res, 422, { kind: "Status", message: problem });
      const meta = copy.metadata as Json;
      meta.generation = Number(meta.generation ?? 1) + 1;
      meta.resourceVersion = String(Number(meta.resourceVersion ?? 1) + 1);
      copy.status = { ...(copy.status as Json), phase: "Progressing", currentPodHash: `hash-${meta.generation}` };
      this.objects.set(path, copy);
      return send(res, 200, copy);
    }
    if (req.method === "POST" && path.endsWith("/workflows")) {
      const wf = body as Json;
      const meta = wf.metadata as Json;
      const name = `${String(meta.generateName ?? "wf-")}${++this.created}`;
      const stored = { ...wf, metadata: { ...meta, name } };
      this.objects.set(`${path}/${name}`, stored);
      return send(res, 201, stored);
    }
    return send(res, 405, { kind: "Status", reason: "MethodNotAllowed" });
  }

  /** Rollouts controller: after a spec change, the next read shows the outcome. */
  private reconcile(obj: Json): void {
    const status = (obj.status ?? {}) as Json;
    const meta = obj.metadata as Json;
    if (status.phase !== "Progressing") return;
    if (this.rolloutOutcome === "stuck") return;
    if (this.rolloutOutcome === "healthy") {
      obj.status = { ...status, phase: "Healthy", stableRS: status.currentPodHash, observedGeneration: String(meta.generation) };
    } else {
      obj.status = {
        ...status,
        phase: "Degraded",
        abort: true,
        message: "RolloutAborted: pre-promotion analysis failed",
        observedGeneration: String(meta.generation),
      };
    }
  }
}

/** A fake object store: S3 (path-style, SigV4-signed, IRSA credentials from its STS) and Azure Blob (bearer token from its Entra token endpoint). */
export interface FakeObjectStore extends FakeServer {
  /** `<bucket or container>/<key>` → bytes (the current version). */
  readonly objects: Map<string, Buffer>;
  /** `<bucket or container>/<key>` → every version written, oldest first (bucket versioning on). */
  readonly versions: Map<string, { id: string; body: Buffer }[]>;
  /** Fail the next `n` PUTs with 503 (a save cut short). */
  failPuts(n: number): void;
}

/** Starts a fake object store; it refuses unsigned S3 calls and calls without the bearer token it issued. */
export async function fakeObjectStore(): Promise<FakeObjectStore> {
  const objects = new Map<string, Buffer>();
  const versions = new Map<string, { id: string; body: Buffer }[]>();
  let nextVersion = 1;
  /** The version id of the current object at `key` (an object set directly gets one on first sight). */
  const currentVersion = (key: string): string => {
    const body = objects.get(key) as Buffer;
    const list = versions.get(key) ?? [];
    const last = list[list.length - 1];
    if (last?.body.equals(body)) return last.id;
    const id = `v${nextVersion++}`;
    versions.set(key, [...list, { id, body }]);
    return id;
  };
  const xmlEscape = (t: string) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const requests: { method: string; path: string; body: unknown }[] = [];
  let failing = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://fake");
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method ?? "", path: url.pathname + url.search, body: body.length });
      const reply = (status: number, text = "", type = "application/xml") => {
        res.writeHead(status, { "content-type": type });
        res.end(text);
      };
      if (url.searchParams.get("Action") === "AssumeRoleWithWebIdentity") {
        if (!url.searchParams.get("WebIdentityToken") || !url.searchParams.get("RoleArn")) return reply(400, "<Error>missing</Error>");
        return reply(
          200,
          "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIAFAKE</AccessKeyId><SecretAccessKey>secret</SecretAccessKey><SessionToken>session</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>",
        );
      }
      if (/\/oauth2\/v2\.0\/token$/.test(url.pathname)) {
        const form = new URLSearchParams(body.toString("utf8"));
        if (!form.get("client_assertion") || form.get("scope") !== "https://storage.azure.com/.default")
          return reply(400, "{}", "application/json");
        return reply(200, JSON.stringify({ access_token: "blob-token", expires_in: 3600 }), "application/json");
      }
      const auth = String(req.headers.authorization ?? "");
      const s3 = auth.startsWith("AWS4-HMAC-SHA256 Credential=ASIAFAKE/") && req.headers["x-amz-security-token"] === "session";
      const blob = auth === "Bearer blob-token" && typeof req.headers["x-ms-version"] === "string";
      if (!s3 && !blob) return reply(403, "<Error>AccessDenied</Error>");
      const key = decodeURIComponent(url.pathname.slice(1));
      // Listing the current versions: S3 ListObjectVersions (`GET /<bucket>?versions`) and Azure List
      // Blobs with versions (`GET /<container>?restype=container&comp=list&include=versions`).
      if (req.method === "GET" && !key.includes("/") && (url.searchParams.has("versions") || url.searchParams.get("comp") === "list")) {
        const prefix = `${key}/${url.searchParams.get("prefix") ?? ""}`;
        const keys = [...objects.keys()].filter((k) => k.startsWith(prefix)).sort();
        const entries = keys.map((k) => ({
          name: k.slice(key.length + 1),
          id: currentVersion(k),
          size: (objects.get(k) as Buffer).length,
        }));
        if (s3) {
          // An old version listed too (IsLatest false), as S3 does.
          const old = keys.flatMap((k) => (versions.get(k) ?? []).slice(0, -1).map((v) => ({ name: k.slice(key.length + 1), id: v.id })));
          return reply(
            200,
            `<ListVersionsResult><Name>${key}</Name>${old.map((v) => `<Version><Key>${xmlEscape(v.name)}</Key><VersionId>${v.id}</VersionId><IsLatest>false</IsLatest><Size>0</Size></Version>`).join("")}${entries.map((e) => `<Version><Key>${xmlEscape(e.name)}</Key><VersionId>${e.id}</VersionId><IsLatest>true</IsLatest><Size>${e.size}</Size></Version>`).join("")}<IsTruncated>false</IsTruncated></ListVersionsResult>`,
          );
        }
        if (url.searchParams.get("include") !== "versions") return reply(400, "<Error>include</Error>");
        return reply(
          200,
          `<EnumerationResults><Blobs>${entries.map((e) => `<Blob><Name>${xmlEscape(e.name)}</Name><VersionId>${e.id}</VersionId><IsCurrentVersion>true</IsCurrentVersion><Properties><Content-Length>${e.size}</Content-Length></Properties></Blob>`).join("")}</Blobs><NextMarker /></EnumerationResults>`,
        );
      }
      const versionId = url.searchParams.get(s3 ? "versionId" : "versionid");
      if (req.method === "GET" && versionId !== null) {
        if (objects.has(key)) currentVersion(key);
        const v = (versions.get(key) ?? []).find((x) => x.id === versionId);
        if (!v) return reply(404, "<Error>NoSuchVersion</Error>");
        res.writeHead(200, { "content-type": "application/octet-stream" });
        return res.end(v.body);
      }
      if (req.method === "PUT") {
        if (failing > 0) {
          failing--;
          return reply(503, "<Error>SlowDown</Error>");
        }
        if (blob && req.headers["x-ms-blob-type"] !== "BlockBlob") return reply(400, "<Error>blob type</Error>");
        objects.set(key, body);
        currentVersion(key);
        return reply(blob ? 201 : 200);
      }
      if (req.method === "GET") {
        const o = objects.get(key);
        if (!o) return reply(404, "<Error>NoSuchKey</Error>");
        res.writeHead(200, { "content-type": "application/octet-stream" });
        return res.end(o);
      }
      return reply(405);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    objects,
    versions,
    failPuts: (n: number) => {
      failing = n;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
