/**
 * Reads a stack's configuration the way the Pulumi CLI does: project-level defaults from
 * `Pulumi.yaml` under the stack's own values from `Pulumi.<stack>.yaml`.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

/** The configuration of one stack, as the runtime receives it. */
export interface StackConfigFile {
  readonly project: string;
  /** Fully-qualified key (`namespace:key`) → value (objects and arrays as parsed YAML). */
  readonly values: Record<string, unknown>;
  /** Keys whose values are secrets. Their encrypted values cannot be read offline. */
  readonly secretKeys: string[];
}

/**
 * Marker value of a secret config value that cannot be decrypted without the Pulumi CLI. It has
 * the shape `<text>:<text>`, so the program's form check of a registry credential
 * (stacks/config.ts) accepts it, as a real value it cannot see (test/stacks/secrets-alerting.test.ts).
 */
export const UNDECRYPTABLE_SECRET = "[secret: encrypted in the stack file, not readable offline]";

function qualify(project: string, key: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}

/** Lists the stacks that have a `Pulumi.<stack>.yaml` file in `root`. */
export function stackFileName(stack: string): string {
  return `Pulumi.${stack}.yaml`;
}

/** Reads `Pulumi.yaml` and `Pulumi.<stack>.yaml` from `root`. Throws a clear error when either is missing or malformed. */
export function readStackConfig(root: string, stack: string): StackConfigFile {
  const projectPath = join(root, "Pulumi.yaml");
  if (!existsSync(projectPath)) throw new Error(`No Pulumi.yaml in ${root}: run the plan from the project directory.`);
  const project = parse(readFileSync(projectPath, "utf8")) as { name?: string; config?: Record<string, unknown> };
  if (!project?.name) throw new Error(`${projectPath} has no project name.`);
  const stackPath = join(root, stackFileName(stack));
  if (!existsSync(stackPath)) {
    throw new Error(
      `Stack "${stack}" has no configuration file ${stackFileName(stack)} in ${root}. Copy an existing stack file to create it.`,
    );
  }
  const stackDoc = (parse(readFileSync(stackPath, "utf8")) ?? {}) as { config?: Record<string, unknown> };

  const values: Record<string, unknown> = {};
  const secretKeys: string[] = [];
  for (const [key, decl] of Object.entries(project.config ?? {})) {
    const k = qualify(project.name, key);
    if (decl !== null && typeof decl === "object" && !Array.isArray(decl)) {
      const d = decl as Record<string, unknown>;
      if ("value" in d) values[k] = d.value;
      else if ("default" in d) values[k] = d.default;
      if (d.secret === true) secretKeys.push(k);
    } else {
      values[k] = decl;
    }
  }
  for (const [key, value] of Object.entries(stackDoc.config ?? {})) {
    const k = qualify(project.name, key);
    const { value: readable, secret } = replaceSecure(value);
    values[k] = readable;
    // As the CLI does: a key holding any secure value (also one set with --path) is a secret key.
    if (secret) secretKeys.push(k);
  }
  return { project: project.name, values, secretKeys };
}

/** Replaces every `{secure: …}` (at any depth) by {@link UNDECRYPTABLE_SECRET}; says whether there was one. */
function replaceSecure(value: unknown): { value: unknown; secret: boolean } {
  if (value === null || typeof value !== "object") return { value, secret: false };
  if (!Array.isArray(value) && "secure" in value) return { value: UNDECRYPTABLE_SECRET, secret: true };
  let secret = false;
  const walk = (v: unknown) => {
    const r = replaceSecure(v);
    secret ||= r.secret;
    return r.value;
  };
  const out = Array.isArray(value) ? value.map(walk) : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
  return { value: out, secret };
}

/** The string form the Pulumi runtime receives for each key (`PULUMI_CONFIG`). */
export function toRuntimeConfig(values: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || v === null) continue;
    out[k] = typeof v === "string" ? v : JSON.stringify(v);
  }
  return out;
}
