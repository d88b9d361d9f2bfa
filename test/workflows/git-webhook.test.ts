/**
 * The git webhook relay: GitHub's HMAC-SHA256 signature and GitLab's token, computed for real on
 * fixture push payloads, and the relay served on 127.0.0.1 forwarding to a fake Argo Events webhook.
 */
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRelay } from "../../workflows/steps/git-webhook";
import { githubSignature, judgeDelivery, type RelaySettings, relaySettings } from "../../workflows/steps/lib/git-webhook";

const fixture = (f: string) => readFileSync(join(__dirname, "../fixtures/git", f));
const GITHUB_BODY = fixture("github-push.json");
const GITLAB_BODY = fixture("gitlab-push.json");
const SECRET = "s3cr3t-webhook-value-0123456789";
const github: RelaySettings = { provider: "github", secret: SECRET, repositories: ["acme-bank/churn-model"], branches: ["main"] };
const gitlab: RelaySettings = { provider: "gitlab", secret: SECRET, repositories: ["risk/fraud-scorer"], branches: ["main"] };
const signed = (body: Buffer, secret = SECRET) => ({
  "x-github-event": "push",
  "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
});

describe("GitHub signature", () => {
  it("matches GitHub's documented test vector", () => {
    // https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
    expect(githubSignature("It's a Secret to Everybody", "Hello, World!")).toBe(
      "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
    );
  });

  it("accepts a push signed over the exact body and extracts commit, ref and clone URL", () => {
    expect(judgeDelivery(github, signed(GITHUB_BODY), GITHUB_BODY)).toEqual({
      kind: "push",
      push: {
        provider: "github",
        repository: "acme-bank/churn-model",
        commit: "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c",
        ref: "refs/heads/main",
        cloneUrl: "https://github.com/acme-bank/churn-model.git",
      },
    });
  });

  it("refuses a tampered body, a wrong secret, a missing signature, a bearer token and a GitLab token", () => {
    const tampered = Buffer.from(GITHUB_BODY.toString().replace("0d1a26e6", "ffffffff"));
    expect(judgeDelivery(github, signed(GITHUB_BODY), tampered)).toMatchObject({ kind: "refuse", status: 401 });
    expect(judgeDelivery(github, signed(GITHUB_BODY, "another-secret-000000"), GITHUB_BODY)).toMatchObject({ kind: "refuse", status: 401 });
    expect(judgeDelivery(github, { "x-github-event": "push" }, GITHUB_BODY)).toMatchObject({ kind: "refuse", status: 401 });
    expect(judgeDelivery(github, { "x-github-event": "push", authorization: `Bearer ${SECRET}` }, GITHUB_BODY)).toMatchObject({
      kind: "refuse",
    });
    expect(judgeDelivery(github, { "x-github-event": "push", "x-gitlab-token": SECRET }, GITHUB_BODY)).toMatchObject({ kind: "refuse" });
    // The SHA-1 header alone (X-Hub-Signature) is not accepted.
    const sha1 = `sha1=${createHmac("sha1", SECRET).update(GITHUB_BODY).digest("hex")}`;
    expect(judgeDelivery(github, { "x-github-event": "push", "x-hub-signature": sha1 }, GITHUB_BODY)).toMatchObject({ kind: "refuse" });
  });

  it("drops pings, deleted branches and other branches; refuses other repositories", () => {
    const ping = Buffer.from('{"zen":"Keep it logically awesome."}');
    expect(judgeDelivery(github, { ...signed(ping), "x-github-event": "ping" }, ping)).toMatchObject({ kind: "ignore" });
    const edit = (f: (o: Record<string, unknown>) => void) => {
      const o = JSON.parse(GITHUB_BODY.toString());
      f(o);
      const b = Buffer.from(JSON.stringify(o));
      return judgeDelivery(github, signed(b), b);
    };
    expect(edit((o) => (o.after = "0".repeat(40)))).toMatchObject({ kind: "ignore" });
    expect(edit((o) => (o.ref = "refs/heads/feature-x"))).toMatchObject({ kind: "ignore" });
    expect(edit((o) => (o.ref = "refs/tags/v1"))).toMatchObject({ kind: "ignore" });
    expect(edit((o) => ((o.repository as Record<string, unknown>).full_name = "someone/else"))).toMatchObject({
      kind: "refuse",
      status: 403,
    });
    expect(edit((o) => (o.after = "not-a-commit"))).toMatchObject({ kind: "refuse", status: 400 });
    expect(edit((o) => ((o.repository as Record<string, unknown>).clone_url = "https://user:pw@github.com/x.git"))).toMatchObject({
      kind: "refuse",
    });
  });
});

describe("GitLab token", () => {
  it("accepts the shared secret in X-Gitlab-Token and uses checkout_sha", () => {
    const v = judgeDelivery(gitlab, { "x-gitlab-event": "Push Hook", "x-gitlab-token": SECRET }, GITLAB_BODY);
    expect(v).toEqual({
      kind: "push",
      push: {
        provider: "gitlab",
        repository: "risk/fraud-scorer",
        commit: "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
        ref: "refs/heads/main",
        cloneUrl: "https://gitlab.bank.internal/risk/fraud-scorer.git",
      },
    });
  });

  it("refuses a wrong or missing token and a GitHub signature; drops non-push events", () => {
    expect(judgeDelivery(gitlab, { "x-gitlab-event": "Push Hook", "x-gitlab-token": `${SECRET}x` }, GITLAB_BODY)).toMatchObject({
      kind: "refuse",
      status: 401,
    });
    expect(judgeDelivery(gitlab, { "x-gitlab-event": "Push Hook" }, GITLAB_BODY)).toMatchObject({ kind: "refuse", status: 401 });
    expect(judgeDelivery(gitlab, { ...signed(GITLAB_BODY), "x-gitlab-event": "Push Hook" }, GITLAB_BODY)).toMatchObject({ kind: "refuse" });
    expect(judgeDelivery(gitlab, { "x-gitlab-event": "Tag Push Hook", "x-gitlab-token": SECRET }, GITLAB_BODY)).toMatchObject({
      kind: "ignore",
    });
  });
});

describe("relay settings", () => {
  it("names every missing variable", () => {
    expect(() => relaySettings({ GIT_PROVIDER: "bitbucket", GIT_WEBHOOK_SECRET: "short" })).toThrow(
      /GIT_PROVIDER: "bitbucket"[\s\S]*GIT_WEBHOOK_SECRET[\s\S]*GIT_REPOSITORIES/,
    );
    expect(relaySettings({ GIT_PROVIDER: "gitlab", GIT_WEBHOOK_SECRET: SECRET, GIT_REPOSITORIES: "risk/fraud-scorer\nrisk/aml" })).toEqual({
      provider: "gitlab",
      secret: SECRET,
      repositories: ["risk/fraud-scorer", "risk/aml"],
      branches: ["main"],
    });
  });
});

describe("relay server", () => {
  let bus: Server;
  let relay: Server;
  const received: { auth: string | undefined; body: unknown }[] = [];
  let relayUrl = "";
  beforeAll(async () => {
    bus = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        received.push({ auth: req.headers.authorization, body: JSON.parse(Buffer.concat(chunks).toString()) });
        res.writeHead(req.headers.authorization === "Bearer internal-token" ? 200 : 401).end();
      });
    });
    await new Promise<void>((r) => bus.listen(0, "127.0.0.1", () => r()));
    const busUrl = `http://127.0.0.1:${(bus.address() as AddressInfo).port}/push`;
    relay = await startRelay(github, { url: busUrl, token: "internal-token" }, 0, "127.0.0.1");
    relayUrl = `http://127.0.0.1:${(relay.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => relay.close(r));
    await new Promise((r) => bus.close(r));
  });

  it("forwards a signed push with the internal bearer token, and nothing unsigned", async () => {
    const ok = await fetch(`${relayUrl}/push`, { method: "POST", headers: signed(GITHUB_BODY), body: GITHUB_BODY });
    expect(ok.status).toBe(202);
    const bad = await fetch(`${relayUrl}/push`, {
      method: "POST",
      headers: { ...signed(GITHUB_BODY), "x-hub-signature-256": githubSignature("wrong-secret-0000000", GITHUB_BODY) },
      body: GITHUB_BODY,
    });
    expect(bad.status).toBe(401);
    expect(received).toEqual([
      {
        auth: "Bearer internal-token",
        body: expect.objectContaining({ commit: "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c", repository: "acme-bank/churn-model" }),
      },
    ]);
  });
});
