/**
 * Datasets by immutable version. The validation step fetches the training data itself, object by
 * object at a named version (S3 `VersionId`, Azure blob `VersionId`; the platform's buckets and
 * storage accounts keep versions), so that lineage can record exactly which bytes were validated
 * and a reproduction can fetch those bytes again after the objects were overwritten.
 *
 * The manifest (`data-versions`) is a JSON list of `[path, versionId, sha256]`, `path` relative to
 * the data URI (empty for a single object). Its sha256 of the whole is the dataset checksum
 * {@link loadDataset} computes on the fetched files, so checksum and versions describe the same bytes.
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { EXIT, StepError, usageError } from "./cli";
import { azureBlobStore, azureWorkloadToken, s3Store, type VersionedStore, webIdentityCredentials } from "./objects";

/** One object of a dataset: its path under the data URI, its version id and the sha256 of that version. */
export type VersionEntry = readonly [path: string, versionId: string, sha256: string];

/** MLflow keeps tag values up to this many characters: a manifest must fit in one tag. */
export const MAX_MANIFEST_CHARS = 8000;

/** Where a data URI's objects live: the store and the key (a single object) or prefix (ending in `/`). */
export interface DataLocation {
  readonly store: VersionedStore;
  readonly key: string;
}

/**
 * The versioned store of a data URI: `s3://<bucket>/<key>` (through `endpoint`, the regional S3
 * endpoint by default, with the pod's IRSA credentials) or
 * `abfss://<container>@<account>.dfs.core.windows.net/<path>` (through the account's blob endpoint,
 * with Entra workload identity).
 */
export function dataLocation(
  uri: string,
  region: string,
  env: Readonly<Record<string, string | undefined>>,
  endpoint?: string,
): DataLocation {
  const s3 = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/.exec(uri);
  if (s3) {
    const base = endpoint ? (/^https?:\/\//.test(endpoint) ? endpoint : `https://${endpoint}`) : `https://s3.${region}.amazonaws.com`;
    const sts = env.PLATFORM_OBJECT_STORE_ENDPOINT || `https://sts.${region}.amazonaws.com`;
    return {
      store: s3Store({ endpoint: base, region, bucket: s3[1] as string, credentials: webIdentityCredentials(env, sts) }),
      key: s3[2] as string,
    };
  }
  const adls = /^abfss:\/\/([a-z0-9-]{3,63})@([a-z0-9]{3,24})\.dfs\.core\.windows\.net\/(.+)$/.exec(uri);
  if (adls) {
    return {
      store: azureBlobStore({
        accountUrl: endpoint || `https://${adls[2]}.blob.core.windows.net`,
        container: adls[1] as string,
        token: azureWorkloadToken(env),
      }),
      key: adls[3] as string,
    };
  }
  throw usageError(
    `data-uri ${JSON.stringify(uri)}: must be s3://<bucket>/<key> or abfss://<container>@<account>.dfs.core.windows.net/<path> to be fetched by version`,
  );
}

/** Parses a recorded manifest, refusing anything that is not one. */
export function parseManifest(text: string): VersionEntry[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw usageError(`data-versions is not JSON (${(e as Error).message}): pass the recorded mlops.platform/data-versions tag`);
  }
  const ok =
    Array.isArray(v) &&
    v.length > 0 &&
    v.every(
      (e) =>
        Array.isArray(e) &&
        e.length === 3 &&
        typeof e[0] === "string" &&
        !e[0].split("/").includes("..") &&
        !e[0].startsWith("/") &&
        typeof e[1] === "string" &&
        e[1] !== "" &&
        typeof e[2] === "string" &&
        /^[a-f0-9]{64}$/.test(e[2]),
    );
  if (!ok) throw usageError(`data-versions ${JSON.stringify(text.slice(0, 200))}: must be a non-empty list of [path, versionId, sha256]`);
  return v as VersionEntry[];
}

const hex = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/**
 * Fetches the data at `loc` into `dir`: with `recorded`, exactly those versions (a reproduction),
 * each checked against its recorded sha256; else the current version of every object under the
 * prefix (or of the single object). Returns the manifest of what was written and the path to load. A prefix without
 * objects, a manifest too long for lineage, or a version whose bytes differ from the record is refused.
 */
export async function fetchVersions(
  loc: DataLocation,
  dir: string,
  recorded?: readonly VersionEntry[],
): Promise<{ manifest: VersionEntry[]; path: string }> {
  const folder = loc.key.endsWith("/");
  let wanted: { path: string; key: string; versionId: string; sha256?: string }[];
  if (recorded) {
    wanted = recorded.map(([path, versionId, sha256]) => ({ path, key: folder ? `${loc.key}${path}` : loc.key, versionId, sha256 }));
  } else {
    const current = (await loc.store.listCurrent(loc.key)).filter((o) => (folder ? !o.key.endsWith("/") : o.key === loc.key));
    wanted = current.map((o) => ({ path: folder ? o.key.slice(loc.key.length) : "", key: o.key, versionId: o.versionId }));
  }
  if (wanted.length === 0) throw new StepError(`no object at ${loc.key}: nothing to train on`, EXIT.REFUSED);
  const missingVersion = wanted.find((w) => w.versionId === "" || w.versionId === "null");
  if (missingVersion)
    throw new StepError(
      `${missingVersion.key} has no version id: versioning is off where the data lives (the platform's buckets keep versions; a data lake must too)`,
      EXIT.REFUSED,
    );
  const manifest: VersionEntry[] = [];
  // A single object is loaded as a file (its checksum is its content's), a prefix as a directory.
  const path = folder ? dir : join(dir, loc.key.split("/").pop() || "data");
  for (const w of wanted) {
    const body = await loc.store.getVersion(w.key, w.versionId);
    const sha256 = hex(body);
    if (w.sha256 !== undefined && w.sha256 !== sha256)
      throw new StepError(`${w.key} version ${w.versionId} has sha256 ${sha256}, not the recorded ${w.sha256}`, EXIT.REFUSED);
    const file = folder ? join(dir, w.path) : path;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, body);
    manifest.push([w.path, w.versionId, sha256]);
  }
  if (JSON.stringify(manifest).length > MAX_MANIFEST_CHARS)
    throw new StepError(
      `the data at ${loc.key} has ${manifest.length} objects: their version manifest is longer than the ${MAX_MANIFEST_CHARS} characters lineage can record; combine the batch into fewer, larger files`,
      EXIT.REFUSED,
    );
  return { manifest, path };
}
