/**
 * A minimal object-store client on `node:http(s)` and `node:crypto` (the step image has no
 * dependencies): get and put of whole objects in the stack's in-region bucket, with the pod's
 * workload identity.
 * - AWS S3: Signature Version 4, with credentials from IRSA (`AWS_ROLE_ARN` and
 *   `AWS_WEB_IDENTITY_TOKEN_FILE`, exchanged at the regional STS endpoint by
 *   AssumeRoleWithWebIdentity).
 * - Azure Blob Storage: a bearer token from Entra workload identity (`AZURE_CLIENT_ID`,
 *   `AZURE_TENANT_ID`, `AZURE_FEDERATED_TOKEN_FILE`, `AZURE_AUTHORITY_HOST`).
 * Failures map to the steps' exit codes: 5xx, 429 and network errors are transient.
 */
import { createHash, createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { EXIT, StepError, usageError } from "./cli";

/** A store of whole objects under keys. */
export interface ObjectStore {
  /** The object's bytes, or undefined when there is none. */
  get(key: string): Promise<Buffer | undefined>;
  put(key: string, body: Buffer): Promise<void>;
}

/** The current version of one object: what a dataset's lineage records. */
export interface ObjectVersion {
  readonly key: string;
  /** S3 `VersionId` or Azure blob `VersionId` (immutable; bucket/blob versioning is on). */
  readonly versionId: string;
  readonly size: number;
}

/** A store whose objects are versioned: list the current versions, read one version. */
export interface VersionedStore extends ObjectStore {
  /** The current version of every object whose key starts with `prefix` (deleted objects excluded), sorted by key. */
  listCurrent(prefix: string): Promise<ObjectVersion[]>;
  /** The bytes of one version of an object; a missing version is refused (exit 1). */
  getVersion(key: string, versionId: string): Promise<Buffer>;
}

/** The text of every `<tag>…</tag>` element in `xml` (XML entities decoded). */
export function xmlElements(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g"))].map((m) =>
    (m[1] ?? "")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, "&"),
  );
}
const xmlValue = (xml: string, tag: string) => xmlElements(xml, tag)[0] ?? "";

interface RawResponse {
  readonly status: number;
  readonly body: Buffer;
}

/** One HTTP request with a binary body; network errors are transient. */
export function sendRaw(method: string, url: URL, headers: Record<string, string>, body?: Buffer): Promise<RawResponse> {
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  const h = { ...headers, ...(body ? { "content-length": String(body.length) } : {}) };
  return new Promise((resolve, reject) => {
    const r = send(url, { method, headers: h, timeout: 60_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on("error", (e) => reject(new StepError(`${method} ${url.origin}${url.pathname}: ${e.message}`, EXIT.TRANSIENT)));
    });
    r.on("timeout", () => r.destroy(new Error("timed out")));
    r.on("error", (e) => reject(new StepError(`${method} ${url.origin}${url.pathname}: ${e.message}`, EXIT.TRANSIENT)));
    if (body) r.write(body);
    r.end();
  });
}

function failure(what: string, res: RawResponse): StepError {
  const code = res.status >= 500 || res.status === 429 || res.status === 0 ? EXIT.TRANSIENT : EXIT.REFUSED;
  return new StepError(`${what}: HTTP ${res.status} ${res.body.toString("utf8").slice(0, 300)}`, code);
}

const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");
const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data).digest();
/** RFC 3986 encoding of a path segment, as SigV4 canonical URIs want it. */
const encodeSegment = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Temporary AWS credentials. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** The SigV4 `Authorization` and `x-amz-*` headers of one S3 request (exported for tests). */
export function signS3(
  method: string,
  url: URL,
  region: string,
  creds: AwsCredentials,
  payloadHash: string,
  now: Date,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const amzDate = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
  const date = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    ...extra,
    host: url.host,
    "x-amz-content-sha256": payloadHash,
    "x-amz-date": amzDate,
    ...(creds.sessionToken ? { "x-amz-security-token": creds.sessionToken } : {}),
  };
  const names = Object.keys(headers).sort();
  const query = [...url.searchParams.entries()]
    .map(([k, v]) => `${encodeSegment(k)}=${encodeSegment(v)}`)
    .sort()
    .join("&");
  const canonical = [method, url.pathname, query, names.map((n) => `${n}:${headers[n]}\n`).join(""), names.join(";"), payloadHash].join(
    "\n",
  );
  const scope = `${date}/${region}/s3/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonical)].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${creds.secretAccessKey}`, date), region), "s3"), "aws4_request");
  const signature = createHmac("sha256", key).update(toSign).digest("hex");
  const { host: _host, ...rest } = headers;
  return {
    ...rest,
    authorization: `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${names.join(";")}, Signature=${signature}`,
  };
}

/** S3 (path-style requests to `endpoint`, e.g. `https://s3.me-central-1.amazonaws.com`). */
export function s3Store(o: {
  readonly endpoint: string;
  readonly region: string;
  readonly bucket: string;
  readonly credentials: () => Promise<AwsCredentials>;
  readonly now?: () => Date;
}): VersionedStore {
  const urlOf = (key: string) =>
    new URL(`${o.endpoint.replace(/\/+$/, "")}/${encodeSegment(o.bucket)}/${key.split("/").map(encodeSegment).join("/")}`);
  const call = async (method: string, key: string, body?: Buffer): Promise<RawResponse> => {
    const url = urlOf(key);
    const headers = signS3(method, url, o.region, await o.credentials(), sha256(body ?? ""), (o.now ?? (() => new Date()))());
    return sendRaw(method, url, headers, body);
  };
  const signed = async (url: URL) =>
    sendRaw("GET", url, signS3("GET", url, o.region, await o.credentials(), sha256(""), (o.now ?? (() => new Date()))()));
  return {
    async listCurrent(prefix) {
      // ListObjectVersions: the version marked IsLatest of each key; a delete marker hides the key.
      const out: ObjectVersion[] = [];
      let markers: Record<string, string> = {};
      for (;;) {
        const url = new URL(`${o.endpoint.replace(/\/+$/, "")}/${encodeSegment(o.bucket)}`);
        url.search = new URLSearchParams({ versions: "", prefix, ...markers }).toString();
        const res = await signed(url);
        if (res.status !== 200) throw failure(`ListObjectVersions s3://${o.bucket}/${prefix}`, res);
        const xml = res.body.toString("utf8");
        for (const v of xmlElements(xml, "Version"))
          if (xmlValue(v, "IsLatest") === "true")
            out.push({ key: xmlValue(v, "Key"), versionId: xmlValue(v, "VersionId"), size: Number(xmlValue(v, "Size")) });
        if (xmlValue(xml, "IsTruncated") !== "true") break;
        markers = { "key-marker": xmlValue(xml, "NextKeyMarker"), "version-id-marker": xmlValue(xml, "NextVersionIdMarker") };
      }
      return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },
    async getVersion(key, versionId) {
      const url = urlOf(key);
      url.search = new URLSearchParams({ versionId }).toString();
      const res = await signed(url);
      if (res.status !== 200) throw failure(`GET s3://${o.bucket}/${key} version ${versionId}`, res);
      return res.body;
    },
    async get(key) {
      const res = await call("GET", key);
      if (res.status === 404) return undefined;
      if (res.status !== 200) throw failure(`GET s3://${o.bucket}/${key}`, res);
      return res.body;
    },
    async put(key, body) {
      const res = await call("PUT", key, body);
      if (res.status !== 200) throw failure(`PUT s3://${o.bucket}/${key}`, res);
    },
  };
}

/** IRSA credentials: the projected service-account token exchanged at STS (cached until near expiry). */
export function webIdentityCredentials(
  env: Readonly<Record<string, string | undefined>>,
  stsEndpoint: string,
): () => Promise<AwsCredentials> {
  let cached: { creds: AwsCredentials; expires: number } | undefined;
  return async () => {
    if (cached && cached.expires - Date.now() > 5 * 60_000) return cached.creds;
    const role = env.AWS_ROLE_ARN;
    const tokenFile = env.AWS_WEB_IDENTITY_TOKEN_FILE;
    if (!role || !tokenFile)
      throw usageError("AWS_ROLE_ARN / AWS_WEB_IDENTITY_TOKEN_FILE are unset: the pod's service account has no workload identity (IRSA)");
    const url = new URL(stsEndpoint);
    url.search = new URLSearchParams({
      Action: "AssumeRoleWithWebIdentity",
      Version: "2011-06-15",
      RoleArn: role,
      RoleSessionName: "mlops-checkpoint",
      WebIdentityToken: readFileSync(tokenFile, "utf8").trim(),
    }).toString();
    const res = await sendRaw("GET", url, { accept: "application/xml" });
    if (res.status !== 200) throw failure("STS AssumeRoleWithWebIdentity", res);
    const xml = res.body.toString("utf8");
    const tag = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1] ?? "";
    const creds = { accessKeyId: tag("AccessKeyId"), secretAccessKey: tag("SecretAccessKey"), sessionToken: tag("SessionToken") };
    if (!creds.accessKeyId || !creds.secretAccessKey) throw new StepError("STS answered without credentials", EXIT.TRANSIENT);
    cached = { creds, expires: Date.parse(tag("Expiration")) || Date.now() + 15 * 60_000 };
    return creds;
  };
}

/** Azure Blob Storage (`accountUrl` = `https://<account>.blob.core.windows.net`). */
export function azureBlobStore(o: {
  readonly accountUrl: string;
  readonly container: string;
  readonly token: () => Promise<string>;
}): VersionedStore {
  const urlOf = (key: string) =>
    new URL(`${o.accountUrl.replace(/\/+$/, "")}/${o.container}/${key.split("/").map(encodeSegment).join("/")}`);
  const headers = async (extra: Record<string, string> = {}) => ({
    authorization: `Bearer ${await o.token()}`,
    "x-ms-version": "2023-11-03",
    "x-ms-date": new Date().toUTCString(),
    ...extra,
  });
  return {
    async listCurrent(prefix) {
      // List Blobs with versions: the version marked IsCurrentVersion of each blob.
      const out: ObjectVersion[] = [];
      let marker = "";
      for (;;) {
        const url = new URL(`${o.accountUrl.replace(/\/+$/, "")}/${o.container}`);
        url.search = new URLSearchParams({
          restype: "container",
          comp: "list",
          include: "versions",
          prefix,
          ...(marker ? { marker } : {}),
        }).toString();
        const res = await sendRaw("GET", url, await headers());
        if (res.status !== 200) throw failure(`List Blobs ${o.container}/${prefix}`, res);
        const xml = res.body.toString("utf8");
        for (const b of xmlElements(xml, "Blob"))
          if (xmlValue(b, "IsCurrentVersion") === "true")
            out.push({ key: xmlValue(b, "Name"), versionId: xmlValue(b, "VersionId"), size: Number(xmlValue(b, "Content-Length")) });
        marker = xmlValue(xml, "NextMarker");
        if (!marker) break;
      }
      return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },
    async getVersion(key, versionId) {
      const url = urlOf(key);
      url.search = new URLSearchParams({ versionid: versionId }).toString();
      const res = await sendRaw("GET", url, await headers());
      if (res.status !== 200) throw failure(`GET ${o.container}/${key} version ${versionId}`, res);
      return res.body;
    },
    async get(key) {
      const res = await sendRaw("GET", urlOf(key), await headers());
      if (res.status === 404) return undefined;
      if (res.status !== 200) throw failure(`GET ${o.container}/${key}`, res);
      return res.body;
    },
    async put(key, body) {
      const res = await sendRaw("PUT", urlOf(key), await headers({ "x-ms-blob-type": "BlockBlob" }), body);
      if (res.status !== 201) throw failure(`PUT ${o.container}/${key}`, res);
    },
  };
}

/** Entra workload identity: the federated token exchanged for a Storage token (cached until near expiry). */
export function azureWorkloadToken(env: Readonly<Record<string, string | undefined>>): () => Promise<string> {
  let cached: { token: string; expires: number } | undefined;
  return async () => {
    if (cached && cached.expires - Date.now() > 5 * 60_000) return cached.token;
    const { AZURE_CLIENT_ID: client, AZURE_TENANT_ID: tenant, AZURE_FEDERATED_TOKEN_FILE: file } = env;
    if (!client || !tenant || !file)
      throw usageError("AZURE_CLIENT_ID / AZURE_TENANT_ID / AZURE_FEDERATED_TOKEN_FILE are unset: the pod has no workload identity");
    const authority = (env.AZURE_AUTHORITY_HOST || "https://login.microsoftonline.com/").replace(/\/?$/, "/");
    const body = Buffer.from(
      new URLSearchParams({
        grant_type: "client_credentials",
        client_id: client,
        scope: "https://storage.azure.com/.default",
        client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        client_assertion: readFileSync(file, "utf8").trim(),
      }).toString(),
    );
    const res = await sendRaw(
      "POST",
      new URL(`${authority}${tenant}/oauth2/v2.0/token`),
      { "content-type": "application/x-www-form-urlencoded" },
      body,
    );
    if (res.status !== 200) throw failure("Entra token exchange", res);
    const json = JSON.parse(res.body.toString("utf8")) as { access_token?: string; expires_in?: number };
    if (!json.access_token) throw new StepError("Entra answered without an access token", EXIT.TRANSIENT);
    cached = { token: json.access_token, expires: Date.now() + (json.expires_in ?? 3600) * 1000 };
    return json.access_token;
  };
}

/**
 * The store and key prefix of a checkpoint location: `s3://<bucket>/<prefix>` or
 * `https://<account>.blob.core.windows.net/<container>/<prefix>`. `endpoint` overrides the
 * service endpoint (S3 and STS), for a private endpoint or a local fake.
 */
export function storeForUri(
  uri: string,
  region: string,
  env: Readonly<Record<string, string | undefined>>,
  endpoint?: string,
): { store: ObjectStore; prefix: string } {
  const s3 = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/?(.*)$/.exec(uri);
  if (s3) {
    const base = endpoint || `https://s3.${region}.amazonaws.com`;
    const sts = endpoint || `https://sts.${region}.amazonaws.com`;
    return {
      store: s3Store({ endpoint: base, region, bucket: s3[1] as string, credentials: webIdentityCredentials(env, sts) }),
      prefix: (s3[2] ?? "").replace(/\/?$/, "/").replace(/^\/$/, ""),
    };
  }
  const blob = /^https:\/\/([a-z0-9]{3,24})\.blob\.core\.windows\.net\/([a-z0-9-]{3,63})\/?(.*)$/.exec(uri);
  if (blob) {
    return {
      store: azureBlobStore({
        accountUrl: endpoint || `https://${blob[1]}.blob.core.windows.net`,
        container: blob[2] as string,
        token: azureWorkloadToken(env),
      }),
      prefix: (blob[3] ?? "").replace(/\/?$/, "/").replace(/^\/$/, ""),
    };
  }
  throw usageError(
    `checkpoint location ${JSON.stringify(uri)}: must be s3://<bucket>/<prefix> or https://<account>.blob.core.windows.net/<container>/<prefix> (the platform's settings set it)`,
  );
}
