/**
 * Verification of git-server webhooks the way GitHub and GitLab sign them, and the push event
 * reduced to what the pipeline needs. Pure: no I/O.
 *
 * - GitHub signs the raw body: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>`.
 * - GitLab sends the shared secret itself: `X-Gitlab-Token: <secret>`.
 *
 * Both are compared in constant time. Argo Events' own generic webhook accepts only a bearer
 * token (which neither server can send), and its GitLab source checks `X-Gitlab-Token` only when
 * it also manages the hook with an access token, so the platform verifies here, in front of it.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** The git servers the relay understands. */
export type GitProvider = "github" | "gitlab";

/** A push reduced to what the pipeline needs (what the relay forwards to Argo Events). */
export interface GitPush {
  readonly provider: GitProvider;
  /** `owner/name` (GitHub `full_name`, GitLab `path_with_namespace`). */
  readonly repository: string;
  /** The pushed commit (40 hex). */
  readonly commit: string;
  /** `refs/heads/<branch>`. */
  readonly ref: string;
  /** HTTPS clone URL of the repository. */
  readonly cloneUrl: string;
}

/** Outcome of one delivery: forward it, acknowledge and drop it, or refuse it. */
export type Verdict =
  | { readonly kind: "push"; readonly push: GitPush }
  | { readonly kind: "ignore"; readonly status: 202; readonly reason: string }
  | { readonly kind: "refuse"; readonly status: 400 | 401 | 403; readonly reason: string };

/** What the relay is configured with (environment of its pod). */
export interface RelaySettings {
  readonly provider: GitProvider;
  /** The shared secret configured on the git server's webhook. */
  readonly secret: string;
  /** Repositories (`owner/name`) whose pushes may start a pipeline. */
  readonly repositories: readonly string[];
  /** Branches (`main`, not `refs/heads/main`) whose pushes may start a pipeline. */
  readonly branches: readonly string[];
}

/** `sha256=<hex>`: the GitHub signature of `body` under `secret`. */
export function githubSignature(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** Constant-time string equality (lengths are hidden by hashing both sides first). */
export function sameSecret(a: string, b: string): boolean {
  const h = (s: string) => createHash("sha256").update(s, "utf8").digest();
  return timingSafeEqual(h(a), h(b)) && a.length === b.length;
}

function header(headers: Readonly<Record<string, string | string[] | undefined>>, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

const COMMIT = /^[0-9a-f]{40}$/;
const ZERO_COMMIT = "0".repeat(40);

function str(o: unknown, ...path: string[]): string | undefined {
  let v: unknown = o;
  for (const k of path) v = v !== null && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined;
  return typeof v === "string" ? v : undefined;
}

/**
 * Judges one delivery: authenticates it for the configured provider (a delivery signed the other
 * provider's way is refused), then keeps only pushes of a new commit to a configured repository
 * and branch. `ping` (GitHub) and other events are acknowledged and dropped.
 */
export function judgeDelivery(
  settings: RelaySettings,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  body: Buffer,
): Verdict {
  if (settings.secret.length < 16) return { kind: "refuse", status: 401, reason: "the relay has no webhook secret configured" };
  let event: string | undefined;
  if (settings.provider === "github") {
    const sig = header(headers, "x-hub-signature-256");
    if (!sig) return { kind: "refuse", status: 401, reason: "missing X-Hub-Signature-256 (set the webhook's secret on GitHub)" };
    if (!sameSecret(sig, githubSignature(settings.secret, body)))
      return { kind: "refuse", status: 401, reason: "X-Hub-Signature-256 does not match the body" };
    event = header(headers, "x-github-event");
    if (event !== "push") return { kind: "ignore", status: 202, reason: `GitHub event "${event ?? ""}" is not a push` };
  } else {
    const token = header(headers, "x-gitlab-token");
    if (!token) return { kind: "refuse", status: 401, reason: "missing X-Gitlab-Token (set the webhook's secret token on GitLab)" };
    if (!sameSecret(token, settings.secret)) return { kind: "refuse", status: 401, reason: "X-Gitlab-Token does not match" };
    event = header(headers, "x-gitlab-event");
    if (event !== "Push Hook") return { kind: "ignore", status: 202, reason: `GitLab event "${event ?? ""}" is not a push` };
  }
  let payload: unknown;
  try {
    payload = JSON.parse(body.toString("utf8"));
  } catch {
    return { kind: "refuse", status: 400, reason: "the body is not JSON (set the webhook's content type to application/json)" };
  }
  const github = settings.provider === "github";
  const repository = github ? str(payload, "repository", "full_name") : str(payload, "project", "path_with_namespace");
  const cloneUrl = github ? str(payload, "repository", "clone_url") : str(payload, "project", "git_http_url");
  const commit = github ? str(payload, "after") : (str(payload, "checkout_sha") ?? str(payload, "after"));
  const ref = str(payload, "ref");
  if (!repository || !cloneUrl || !commit || !ref)
    return { kind: "refuse", status: 400, reason: "not a push payload (repository, ref, commit)" };
  if (commit === ZERO_COMMIT) return { kind: "ignore", status: 202, reason: `${ref} was deleted` };
  if (!COMMIT.test(commit)) return { kind: "refuse", status: 400, reason: `commit "${commit}" is not a 40-hex commit id` };
  if (!settings.repositories.includes(repository))
    return { kind: "refuse", status: 403, reason: `repository "${repository}" is not one the platform builds` };
  const branch = ref.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : undefined;
  if (branch === undefined || !settings.branches.includes(branch))
    return { kind: "ignore", status: 202, reason: `${ref} is not a training branch (${settings.branches.join(", ")})` };
  if (!/^https:\/\/[^\s@]+$/.test(cloneUrl))
    return { kind: "refuse", status: 400, reason: `clone URL "${cloneUrl}" must be https without credentials` };
  return { kind: "push", push: { provider: settings.provider, repository, commit, ref, cloneUrl } };
}

/** Reads the relay's settings from its environment; names each missing or bad variable. */
export function relaySettings(env: Readonly<Record<string, string | undefined>>): RelaySettings {
  const problems: string[] = [];
  const provider = env.GIT_PROVIDER;
  if (provider !== "github" && provider !== "gitlab") problems.push(`GIT_PROVIDER: "${provider ?? ""}" must be github or gitlab`);
  const secret = env.GIT_WEBHOOK_SECRET ?? "";
  if (secret.length < 16) problems.push("GIT_WEBHOOK_SECRET: must be set to the webhook's secret (at least 16 characters)");
  const list = (v: string | undefined) =>
    (v ?? "")
      .split(/[\n,]/)
      .map((s) => s.trim())
      .filter(Boolean);
  const repositories = list(env.GIT_REPOSITORIES);
  if (repositories.length === 0) problems.push('GIT_REPOSITORIES: must list at least one "owner/name"');
  const branches = list(env.GIT_BRANCHES);
  if (problems.length) throw new Error(`git webhook relay is misconfigured:\n  - ${problems.join("\n  - ")}`);
  return { provider: provider as GitProvider, secret, repositories, branches: branches.length ? branches : ["main"] };
}
