/**
 * Training checkpoints in the stack's in-region bucket, so that a run whose spot node is
 * reclaimed resumes where it stopped instead of starting over.
 *
 * Layout under the run's prefix: each save is a generation `g-<time>/` holding the files of the
 * checkpoint directory and a `MANIFEST.json` (path, SHA-256, size of each file); `LATEST` names
 * the newest complete generation and is written last, so a save cut short by the node's loss
 * leaves the previous generation as the one restored.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { EXIT, StepError } from "./cli";
import type { ObjectStore } from "./objects";

/** One file of a generation. */
export interface ManifestEntry {
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
}

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

function listFiles(root: string): string[] {
  let entries: import("node:fs").Dirent[];
  try {
    entries = readdirSync(root, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => (e.isDirectory() ? listFiles(join(root, e.name)) : e.isFile() ? [join(root, e.name)] : [])).sort();
}

/** The files of `dir` as manifest entries (relative POSIX paths). */
export function snapshot(dir: string): { entry: ManifestEntry; body: Buffer }[] {
  return listFiles(dir).map((file) => {
    const body = readFileSync(file);
    return { entry: { path: relative(dir, file).split(sep).join("/"), sha256: sha256(body), bytes: body.length }, body };
  });
}

/** What the saver remembers between saves: the manifest of the last generation it wrote. */
export interface SaveState {
  last?: string;
}

/**
 * Saves `dir` as a new generation when it changed since the last save (or holds files and none
 * was saved). Returns the generation written, or undefined when there was nothing new.
 */
export async function saveCheckpoint(
  store: ObjectStore,
  prefix: string,
  dir: string,
  state: SaveState,
  now: Date = new Date(),
): Promise<string | undefined> {
  const files = snapshot(dir);
  if (files.length === 0) return undefined;
  const manifest = JSON.stringify({ files: files.map((f) => f.entry) });
  if (state.last === manifest) return undefined;
  const generation = `g-${now.toISOString().replace(/[-:.]/g, "")}`;
  for (const f of files) await store.put(`${prefix}${generation}/${f.entry.path}`, f.body);
  await store.put(`${prefix}${generation}/MANIFEST.json`, Buffer.from(manifest));
  await store.put(`${prefix}LATEST`, Buffer.from(generation));
  state.last = manifest;
  return generation;
}

/**
 * Restores the newest complete generation into `dir`. Returns it, or undefined when the run has
 * no checkpoint yet (a first attempt). A file whose checksum differs from the manifest, or a
 * path that leaves `dir`, is refused.
 */
export async function restoreCheckpoint(store: ObjectStore, prefix: string, dir: string): Promise<string | undefined> {
  const latest = (await store.get(`${prefix}LATEST`))?.toString("utf8").trim();
  if (!latest) return undefined;
  if (!/^g-[0-9TZ]+$/.test(latest))
    throw new StepError(`checkpoint ${prefix}LATEST names ${JSON.stringify(latest)}, not a generation`, EXIT.REFUSED);
  const raw = await store.get(`${prefix}${latest}/MANIFEST.json`);
  if (!raw) throw new StepError(`checkpoint generation ${prefix}${latest} has no MANIFEST.json`, EXIT.REFUSED);
  const { files } = JSON.parse(raw.toString("utf8")) as { files: ManifestEntry[] };
  const root = resolve(dir);
  for (const f of files) {
    const target = resolve(root, f.path);
    if (!target.startsWith(root + sep))
      throw new StepError(`checkpoint file ${JSON.stringify(f.path)} leaves the checkpoint directory`, EXIT.REFUSED);
    const body = await store.get(`${prefix}${latest}/${f.path}`);
    if (!body || sha256(body) !== f.sha256)
      throw new StepError(`checkpoint file ${latest}/${f.path} is missing or does not match its checksum`, EXIT.TRANSIENT);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, body);
  }
  return latest;
}

/**
 * Saves `dir` every `intervalMs` until `stop` resolves, then once more (the node's termination
 * notice, or the training container's end, stops the sidecar: the last checkpoint is kept).
 */
export async function syncCheckpoints(o: {
  readonly store: ObjectStore;
  readonly prefix: string;
  readonly dir: string;
  readonly intervalMs: number;
  readonly stop: Promise<void>;
  readonly log: (line: string) => void;
  readonly state?: SaveState;
}): Promise<number> {
  const state = o.state ?? {};
  let saves = 0;
  let stopped = false;
  void o.stop.then(() => {
    stopped = true;
  });
  const save = async () => {
    try {
      const g = await saveCheckpoint(o.store, o.prefix, o.dir, state);
      if (g) {
        saves++;
        o.log(`checkpoint saved: ${o.prefix}${g}`);
      }
    } catch (e) {
      // A failed save is retried at the next tick; the previous generation stays the one restored.
      o.log(`checkpoint save failed, retrying at the next interval: ${(e as Error).message}`);
    }
  };
  while (!stopped) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([o.stop, new Promise<void>((r) => (timer = setTimeout(r, o.intervalMs)))]);
    if (timer) clearTimeout(timer);
    await save();
  }
  return saves;
}
