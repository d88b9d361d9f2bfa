/**
 * Pulumi's serialized value forms, as they appear in resource-monitor requests and in
 * `pulumi stack export` documents.
 */

/** Pulumi's sentinel for a value that is unknown until the resource is created. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** Key that marks a special serialized object (secret, asset, resource reference). */
export const SPECIAL_SIG_KEY = "4dabf18193072939515e22adb298388d";
/** Signature of a secret value. */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** Signature of a resource reference. */
export const RESOURCE_REF_SIG = "5cf8f73096256a8f31e491e813e4eb8e";

/** The redacted form a secret takes in the plan (what `pulumi stack export` shows without --show-secrets). */
export const REDACTED_SECRET = Object.freeze({ [SPECIAL_SIG_KEY]: SECRET_SIG, ciphertext: "[secret]" });

/** True for a serialized secret (redacted or not). */
export function isSecret(value: unknown): boolean {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SPECIAL_SIG_KEY] === SECRET_SIG;
}

/**
 * Replaces every secret by its redacted form and turns resource references into their URN,
 * recursively. Unknowns stay as the {@link UNKNOWN} sentinel.
 */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value === null || typeof value !== "object") return value;
  const obj = value as Record<string, unknown>;
  if (obj[SPECIAL_SIG_KEY] === SECRET_SIG) return { ...REDACTED_SECRET };
  if (obj[SPECIAL_SIG_KEY] === RESOURCE_REF_SIG) return obj.urn;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(obj)) out[k] = redact(obj[k]);
  return out;
}

/** True when the value or anything inside it is unknown. */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/** Deterministic short hex digest (FNV-1a, 32 bit, repeated) used for placeholder identifiers. */
export function digest(text: string, length = 8): string {
  let out = "";
  let seed = 0;
  while (out.length < length) {
    let h = 0x811c9dc5 ^ seed;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    out += h.toString(16).padStart(8, "0");
    seed++;
  }
  return out.slice(0, length);
}
