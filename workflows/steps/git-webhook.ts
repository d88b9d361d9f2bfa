/**
 * `node dist/git-webhook.js`: the git servers' webhook endpoint. It authenticates each delivery
 * the way the configured server signs it (GitHub `X-Hub-Signature-256`, GitLab `X-Gitlab-Token`,
 * see ./lib/git-webhook.ts), keeps pushes of a configured repository and branch, and forwards
 * `{provider, repository, commit, ref, cloneUrl}` to the Argo Events webhook inside the namespace
 * with that webhook's bearer token. Nothing unauthenticated reaches the event bus.
 *
 * Environment: GIT_PROVIDER, GIT_WEBHOOK_SECRET, GIT_REPOSITORIES, GIT_BRANCHES (default main),
 * FORWARD_URL, FORWARD_TOKEN, PORT (default 8080).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { judgeDelivery, type RelaySettings, relaySettings } from "./lib/git-webhook";
import { sendJson } from "./lib/http";

/** Largest body accepted (GitHub caps deliveries at 25 MB; pushes are far smaller). */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

/** Where verified pushes go. */
export interface ForwardTarget {
  readonly url: string;
  readonly token: string;
}

function reply(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ message }));
}

async function handle(
  settings: RelaySettings,
  forward: ForwardTarget,
  req: IncomingMessage,
  body: Buffer,
  res: ServerResponse,
): Promise<void> {
  if (req.method === "GET" && req.url === "/healthz") return reply(res, 200, "ok");
  if (req.method !== "POST" || req.url !== "/push") return reply(res, 404, "POST /push only");
  const verdict = judgeDelivery(settings, req.headers, body);
  if (verdict.kind !== "push") {
    console.log(`${verdict.kind === "refuse" ? "refused" : "ignored"}: ${verdict.reason}`);
    return reply(res, verdict.status, verdict.reason);
  }
  const r = await sendJson({
    method: "POST",
    url: forward.url,
    body: verdict.push,
    headers: { authorization: `Bearer ${forward.token}` },
    timeoutMs: 10_000,
  }).catch((e: Error) => ({ status: 0, text: e.message }));
  if (r.status < 200 || r.status > 299) {
    console.log(`forward of ${verdict.push.repository}@${verdict.push.commit} failed: ${r.status} ${r.text}`);
    // 502 makes the git server show a failed delivery that can be redelivered.
    return reply(res, 502, "the event bus did not accept the push; redeliver later");
  }
  console.log(`forwarded ${verdict.push.repository} ${verdict.push.ref}@${verdict.push.commit}`);
  return reply(res, 202, `training ${verdict.push.commit}`);
}

/** Starts the relay on `port` (0: ephemeral, for tests). */
export function startRelay(settings: RelaySettings, forward: ForwardTarget, port: number, host = "0.0.0.0"): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reply(res, 413, "body too large");
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => {
      if (size > MAX_BODY_BYTES) return;
      handle(settings, forward, req, Buffer.concat(chunks), res).catch((e: Error) => reply(res, 500, e.message));
    });
  });
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}

if (require.main === module) {
  const env = process.env;
  const settings = relaySettings(env);
  if (!env.FORWARD_URL || !env.FORWARD_TOKEN)
    throw new Error("git webhook relay is misconfigured: FORWARD_URL and FORWARD_TOKEN must be set");
  void startRelay(settings, { url: env.FORWARD_URL, token: env.FORWARD_TOKEN }, Number(env.PORT ?? 8080)).then(() =>
    console.log(`git webhook relay (${settings.provider}) listening on :${env.PORT ?? 8080}`),
  );
}
