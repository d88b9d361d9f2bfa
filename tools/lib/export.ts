/**
 * Turns a plan into the files users and tools read: a `pulumi stack export` (version 3)
 * document and one YAML manifest per Kubernetes object the program declares directly.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { stringify } from "yaml";
import type { PlanResource } from "./harness";
import { isSecret, UNKNOWN } from "./values";

/** A `pulumi stack export` document (the parts the plan fills). */
export interface StackExport {
  version: 3;
  deployment: {
    manifest: { time: string; magic: string; version: string };
    resources: ExportResource[];
  };
}

/** One resource of a `pulumi stack export` document. */
export type ExportResource = PlanResource & { created?: string; modified?: string };

/** Builds the export document. `time` is the only part that differs between two runs. */
export function toStackExport(resources: readonly PlanResource[], pulumiVersion: string, time: string): StackExport {
  return {
    version: 3,
    deployment: {
      manifest: { time, magic: "", version: `v${pulumiVersion} (mlops-platform offline plan)` },
      resources: resources.map((r) => ({ ...r, created: time, modified: time })),
    },
  };
}

/**
 * Writes `doc` to `file` exactly as `${JSON.stringify(doc, null, 2)}\n` would, one resource at a
 * time: the whole document as one string (and its encoded copy) was the largest allocation of a
 * plan, several MiB for a shipped stack and tens at 100 teams, at the moment memory peaks.
 */
export function writeStackExport(file: string, doc: StackExport): void {
  const marker = "\u0000resources\u0000";
  const { resources } = doc.deployment;
  const skeleton = JSON.stringify({ ...doc, deployment: { ...doc.deployment, resources: marker } }, null, 2);
  const quoted = JSON.stringify(marker);
  const at = skeleton.indexOf(quoted);
  const head = skeleton.slice(0, at);
  const tail = skeleton.slice(at + quoted.length);
  // The indentation of the `"resources":` line; array elements sit one level (2 spaces) deeper.
  const indent = head.slice(head.lastIndexOf("\n") + 1).match(/^ */)?.[0] ?? "";
  const inner = `${indent}  `;
  const fd = openSync(file, "w");
  try {
    writeSync(fd, head);
    if (resources.length === 0) writeSync(fd, "[]");
    else {
      writeSync(fd, "[");
      resources.forEach((r, i) => {
        writeSync(fd, `${i === 0 ? "" : ","}\n${inner}${JSON.stringify(r, null, 2).replaceAll("\n", `\n${inner}`)}`);
      });
      writeSync(fd, `\n${indent}]`);
    }
    writeSync(fd, `${tail}\n`);
  } finally {
    closeSync(fd);
  }
}

/** A Kubernetes object and the file it is written to. */
export interface Manifest {
  readonly file: string;
  readonly urn: string;
  readonly object: Record<string, unknown>;
}

/** Types that are Pulumi constructs over Kubernetes rather than Kubernetes objects. */
function isKubernetesObject(type: string): boolean {
  return (
    type.startsWith("kubernetes:") &&
    !type.startsWith("kubernetes:helm.sh/") &&
    !type.startsWith("kubernetes:yaml") &&
    !type.startsWith("kubernetes:kustomize")
  );
}

/**
 * Secrets become "[secret]" and unknowns "(known after apply)" in manifests. A Secret's
 * whole `data`/`stringData` map is secret; it keeps its shape (a map) with one redacted entry.
 */
function readable(value: unknown, key = ""): unknown {
  if (value === UNKNOWN) return "(known after apply)";
  if (isSecret(value)) {
    if (key === "data" || key === "binaryData") return { redacted: Buffer.from("[secret]").toString("base64") };
    if (key === "stringData") return { redacted: "[secret]" };
    return "[secret]";
  }
  if (Array.isArray(value)) return value.map((v) => readable(v));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, readable(v, k)]));
  }
  return value;
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** Every Kubernetes object the program declares directly, with a unique file name each. */
export function toManifests(resources: readonly PlanResource[]): Manifest[] {
  const used = new Set<string>();
  const out: Manifest[] = [];
  for (const r of resources) {
    if (!isKubernetesObject(r.type)) continue;
    const object = readable(r.outputs) as Record<string, unknown>;
    const metadata = (object.metadata ?? {}) as Record<string, unknown>;
    const { apiVersion, kind, metadata: _m, ...rest } = object;
    const ordered = { apiVersion, kind, metadata, ...rest };
    const base = slug([kind, metadata.namespace, metadata.name].filter((x) => typeof x === "string" && x).join("-"));
    let file = `${base}.yaml`;
    for (let i = 2; used.has(file); i++) file = `${base}-${i}.yaml`;
    used.add(file);
    out.push({ file, urn: r.urn, object: ordered });
  }
  return out;
}

/** YAML text of a manifest. */
export function manifestYaml(m: Manifest): string {
  return `# ${m.urn}\n${stringify(m.object, { lineWidth: 0 })}`;
}
