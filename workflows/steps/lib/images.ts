/**
 * Container image references: pinned (fixed tag or digest, never `latest` or no tag) and from an
 * allowed registry. Shared by the preflight step (for the user's training image) and the
 * workflow lint (for every image in `workflows/`).
 */

const DIGEST = /@sha256:[a-f0-9]{64}$/;

/** Splits `registry/repo:tag@digest` into its parts. */
export function parseImage(ref: string): { registry: string; repository: string; tag?: string; digest?: string } {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.indexOf("/");
  const first = slash >= 0 ? rest.slice(0, slash) : "";
  const hasRegistry = slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost");
  const registry = hasRegistry ? first : "docker.io";
  const path = hasRegistry ? rest.slice(slash + 1) : rest;
  const colon = path.lastIndexOf(":");
  const tag = colon >= 0 ? path.slice(colon + 1) : undefined;
  const repository = colon >= 0 ? path.slice(0, colon) : path;
  return { registry, repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** Why `ref` is not pinned, or undefined when it is (a digest, or a tag other than `latest`). */
export function imagePinProblem(ref: string): string | undefined {
  if (!ref || /\s/.test(ref)) return `image "${ref}" is empty or contains whitespace`;
  const p = parseImage(ref);
  if (p.digest !== undefined) {
    return DIGEST.test(`@${p.digest}`) ? undefined : `image "${ref}" has a malformed digest: use @sha256:<64 hex characters>`;
  }
  if (p.tag === undefined || p.tag === "") return `image "${ref}" has no tag: pin it to a fixed version tag or a digest`;
  if (p.tag === "latest") return `image "${ref}" uses the moving tag "latest": pin it to a fixed version tag or a digest`;
  return undefined;
}

/** True when the image is pinned by digest. */
export function isDigestPinned(ref: string): boolean {
  return DIGEST.test(ref);
}
