/**
 * The registry enforces the gate: the MLflow authorization decision (workflows/steps/lib/mlflow-authz.ts)
 * tested on its own, then the deployed MLflow gate (workflows/steps/lib/mlflow-gate.ts, the code
 * `dist/mlflow-gate.js` runs) in front of the local fake MLflow server, resolving tokens with its
 * real TokenReview client against a fake API server, driven by the platform steps' own MLflow client.
 */
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  authorizeMlflow,
  isCanonicalRequestPath,
  type MlflowAuthzSettings,
  type MlflowCaller,
  normalizeMlflowPath,
} from "../../components/k8s/mlflow-authz";
import { MlflowClient, mlflowToken } from "../../workflows/steps/lib/mlflow";
import { createMlflowGate, kubeTokenReviewer, requestedModel } from "../../workflows/steps/lib/mlflow-gate";
import { gateSettings } from "../../workflows/steps/mlflow-gate";
import { FakeMlflow } from "./fake-servers";

const SETTINGS: MlflowAuthzSettings = {
  pipelineNamespaces: ["ml-pipelines", "team-fraud", "team-credit"],
  platformNamespace: "ml-pipelines",
  servingModels: ["fraud-scorer"],
  adminGroups: ["mlops-admins"],
  registerAccount: "pipeline-register",
  promoteAccount: "pipeline-deploy",
};
const wl = (namespace: string, serviceAccount: string): MlflowCaller => ({ kind: "workload", namespace, serviceAccount });

describe("MLflow registry authorization (decision)", () => {
  const alias = { method: "POST", path: "/api/2.0/mlflow/registered-models/alias" };
  it.each([
    ["a team's training code", wl("team-fraud", "pipeline-train")],
    ["a team's data step", wl("team-fraud", "pipeline-data")],
    ["a team's registration step (aliases are the promotion step's)", wl("team-fraud", "pipeline-register")],
    ["a team's promotion step on a model that serves production", wl("team-fraud", "pipeline-deploy")],
    ["the serving workload", wl("serving", "model-server")],
    ["a person outside the admin groups", { kind: "person", user: "ana@example.ae", groups: ["team-fraud"] }],
    ["an anonymous caller", { kind: "anonymous" }],
  ] as [string, MlflowCaller][])("refuses %s setting the production alias of a serving model", (_l, caller) => {
    const d = authorizeMlflow(SETTINGS, caller, { ...alias, model: "fraud-scorer" });
    expect(d.allow).toBe(false);
    expect(d.reason.length).toBeGreaterThan(10);
  });
  it("allows the platform's promotion step to move the alias, and a team's on its own (non-serving) model", () => {
    expect(authorizeMlflow(SETTINGS, wl("ml-pipelines", "pipeline-deploy"), { ...alias, model: "fraud-scorer" }).allow).toBe(true);
    expect(authorizeMlflow(SETTINGS, wl("team-fraud", "pipeline-deploy"), { ...alias, model: "fraud-experiment" }).allow).toBe(true);
    expect(
      authorizeMlflow(SETTINGS, wl("team-fraud", "pipeline-deploy"), { method: "DELETE", path: alias.path, model: "fraud-scorer" }).allow,
    ).toBe(false);
  });
  it("lets only the registration step create versions, and of a serving model only the platform's", () => {
    const create = { method: "POST", path: "/api/2.0/mlflow/model-versions/create" };
    expect(authorizeMlflow(SETTINGS, wl("ml-pipelines", "pipeline-register"), { ...create, model: "fraud-scorer" }).allow).toBe(true);
    expect(authorizeMlflow(SETTINGS, wl("team-fraud", "pipeline-register"), { ...create, model: "fraud-scorer" }).allow).toBe(false);
    expect(authorizeMlflow(SETTINGS, wl("team-fraud", "pipeline-register"), { ...create, model: "team-model" }).allow).toBe(true);
    expect(authorizeMlflow(SETTINGS, wl("team-fraud", "pipeline-train"), { ...create, model: "team-model" }).allow).toBe(false);
    expect(authorizeMlflow(SETTINGS, wl("ml-pipelines", "pipeline-deploy"), { ...create, model: "fraud-scorer" }).allow).toBe(false);
  });
  it("refuses unknown registry writes by default and every path form alike", () => {
    for (const path of [
      "/api/2.0/mlflow/registered-models/delete",
      "/api/2.0/mlflow/model-versions/transition-stage",
      "/ajax-api/2.0/mlflow/registered-models/alias",
      "/api/2.0/preview/mlflow/registered-models/alias",
      "//api/2.0/mlflow//registered-models/alias/",
    ])
      expect(authorizeMlflow(SETTINGS, wl("team-fraud", "pipeline-train"), { method: "POST", path, model: "x" }).allow, path).toBe(false);
    expect(normalizeMlflowPath("/ajax-api/2.0/preview/mlflow/registered-models/alias?name=x")).toBe("mlflow/registered-models/alias");
  });
  it("lets everyone identified read, pipelines log runs, and admins act as themselves", () => {
    const read = { method: "GET", path: "/api/2.0/mlflow/registered-models/alias", model: "fraud-scorer" };
    expect(authorizeMlflow(SETTINGS, wl("serving", "model-server"), read).allow).toBe(true);
    expect(
      authorizeMlflow(SETTINGS, wl("team-fraud", "pipeline-train"), { method: "POST", path: "/api/2.0/mlflow/runs/log-batch" }).allow,
    ).toBe(true);
    expect(authorizeMlflow(SETTINGS, wl("serving", "model-server"), { method: "POST", path: "/api/2.0/mlflow/runs/log-batch" }).allow).toBe(
      false,
    );
    expect(authorizeMlflow(SETTINGS, { kind: "anonymous" }, read).allow).toBe(false);
    const admin = authorizeMlflow(
      SETTINGS,
      { kind: "person", user: "lead@example.ae", groups: ["mlops-admins"] },
      { ...read, method: "POST" },
    );
    expect(admin).toEqual({ allow: true, reason: "platform admin lead@example.ae" });
  });
});

const listen = async (server: Server): Promise<string> => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};
const close = (server: Server) => new Promise((r) => server.close(r));

describe("the MLflow gate in front of the fake MLflow server", () => {
  let mlflow: FakeMlflow;
  let api: Server;
  let gate: { people: Server; workloads: Server };
  let url = "";
  let peopleUrl = "";
  const reviews: unknown[] = [];
  const decisions: Record<string, unknown>[] = [];
  // The API server's TokenReview: a token "sa:<ns>/<name>" is that account's, for audience mlflow only;
  // "other-audience:<ns>/<name>" is valid for another audience (a token stolen from elsewhere).
  beforeAll(async () => {
    mlflow = await new FakeMlflow().start();
    api = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const review = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { spec: { token: string; audiences: string[] } };
        reviews.push({ path: req.url, auth: req.headers.authorization, audiences: review.spec.audiences });
        const m = /^(sa|other-audience):([^/]+)\/(.+)$/.exec(review.spec.token);
        const status = m
          ? {
              authenticated: true,
              audiences: m[1] === "sa" ? review.spec.audiences : ["https://kubernetes.default.svc"],
              user: { username: `system:serviceaccount:${m[2]}:${m[3]}` },
            }
          : { authenticated: false };
        res.writeHead(201, { "content-type": "application/json" });
        res.end(JSON.stringify({ ...review, status }));
      });
    });
    const apiUrl = await listen(api);
    gate = createMlflowGate({
      settings: gateSettings({ MLFLOW_GATE_SETTINGS: JSON.stringify(SETTINGS) }),
      upstream: mlflow.url,
      reviewToken: kubeTokenReviewer({ baseUrl: apiUrl, token: "gate-own-token" }),
      log: (line) => decisions.push(JSON.parse(line) as Record<string, unknown>),
    });
    url = await listen(gate.workloads);
    peopleUrl = await listen(gate.people);
  });
  afterAll(async () => {
    await close(gate.workloads);
    await close(gate.people);
    await close(api);
    await mlflow.close();
  });
  const client = (who?: string) => new MlflowClient(url, who ? `sa:${who}` : undefined);

  it("refuses a team identity setting the production alias; the platform's promotion step sets it", async () => {
    const platformRegister = client("ml-pipelines/pipeline-register");
    await platformRegister.ensureRegisteredModel("fraud-scorer", {});
    const exp = await client("ml-pipelines/pipeline-train").ensureExperiment("ml-pipelines/fraud-scorer");
    const run = await client("ml-pipelines/pipeline-train").createRun(exp, "r", {});
    const { version } = await platformRegister.createModelVersion("fraud-scorer", `runs:/${run}/model`, run, {}, "v");

    const team = client("team-fraud/pipeline-deploy");
    await expect(team.setAlias("fraud-scorer", "champion", version)).rejects.toThrow(
      /403 PERMISSION_DENIED: fraud-scorer serves production/,
    );
    await expect(client("team-fraud/pipeline-train").setAlias("fraud-scorer", "champion", version)).rejects.toThrow(/403/);
    await expect(
      client("team-fraud/pipeline-register").createModelVersion("fraud-scorer", `runs:/${run}/model`, run, {}, "x"),
    ).rejects.toThrow(/403/);
    await expect(client().setAlias("fraud-scorer", "champion", version)).rejects.toThrow(/401 UNAUTHENTICATED/);
    expect(await team.getVersionByAlias("fraud-scorer", "champion")).toBeNull();

    await client("ml-pipelines/pipeline-deploy").setAlias("fraud-scorer", "champion", version);
    expect((await team.getVersionByAlias("fraud-scorer", "champion"))?.version).toBe(version);
    // The gate asked the API server with its own token, for the gate's audience.
    expect(reviews.at(-1)).toEqual({
      path: "/apis/authentication.k8s.io/v1/tokenreviews",
      auth: "Bearer gate-own-token",
      audiences: ["mlflow"],
    });
  });

  it("believes no header on the workload port, and no token meant for another audience", async () => {
    const res = await fetch(`${url}/api/2.0/mlflow/registered-models/alias`, {
      method: "POST",
      headers: { "x-forwarded-email": "lead@example.ae", "x-forwarded-groups": "mlops-admins", "content-type": "application/json" },
      body: JSON.stringify({ name: "fraud-scorer", alias: "champion", version: "1" }),
    });
    expect(res.status).toBe(401);
    await expect(
      new MlflowClient(url, "other-audience:ml-pipelines/pipeline-deploy").setAlias("fraud-scorer", "champion", "1"),
    ).rejects.toThrow(/401/);
    await expect(new MlflowClient(url, "forged").getVersionByAlias("fraud-scorer", "champion")).rejects.toThrow(/401/);
  });

  it("refuses a path that is not plain, so a tracking-looking path cannot reach the registry or another host", async () => {
    const raw = (path: string) =>
      new Promise<number>((resolve, reject) => {
        const u = new URL(url);
        const r = httpRequest(
          {
            host: u.hostname,
            port: u.port,
            path,
            method: "POST",
            headers: { authorization: "Bearer sa:team-fraud/pipeline-train", "content-type": "application/json" },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        r.on("error", reject);
        r.end(JSON.stringify({ name: "fraud-scorer", alias: "champion", version: "1" }));
      });
    for (const path of [
      "/api/2.0/mlflow/runs/../registered-models/alias",
      "/api/2.0/mlflow/./registered-models/alias",
      "/api/2.0/mlflow/registered%2Dmodels/alias",
      "/api/2.0/mlflow/runs;x/../registered-models/alias",
      "//evil.example/api/2.0/mlflow/runs/create",
      "/api/2.0/mlflow\\registered-models/alias",
    ]) {
      expect(await raw(path), path).toBe(400);
      expect(authorizeMlflow(SETTINGS, wl("team-fraud", "pipeline-train"), { method: "POST", path }).allow, path).toBe(false);
    }
    expect(isCanonicalRequestPath("/api/2.0/mlflow/runs/create?x=%2E%2E")).toBe(true);
    expect(await raw("/api/2.0/mlflow/runs/create")).not.toBe(400);
  });

  it("refuses a registry write whose model it cannot tell for sure", async () => {
    const post = (path: string, body: string) =>
      fetch(`${url}${path}`, { method: "POST", headers: { authorization: "Bearer sa:ml-pipelines/pipeline-deploy" }, body });
    expect((await post("/api/2.0/mlflow/registered-models/alias?name=team-model", JSON.stringify({ name: "fraud-scorer" }))).status).toBe(
      403,
    );
    expect((await post("/api/2.0/mlflow/registered-models/alias", "{not json")).status).toBe(403);
    expect(requestedModel("/x?name=a", Buffer.from('{"name":"a"}'))).toBe("a");
    expect(requestedModel("/x", Buffer.from('{"name":["a"]}'))).toBeNull();
    expect(requestedModel("/x?name=a&name=b", undefined)).toBeNull();
  });

  it("takes people from oauth2-proxy's headers on the people port: an admin acts as themselves, a team member only reads", async () => {
    const as = (email: string, groups: string) =>
      fetch(`${peopleUrl}/api/2.0/mlflow/registered-models/alias`, {
        method: "POST",
        headers: { "x-forwarded-email": email, "x-forwarded-groups": groups, "content-type": "application/json" },
        body: JSON.stringify({ name: "fraud-scorer", alias: "champion", version: "1" }),
      });
    const member = await as("ana@example.ae", "team-fraud");
    expect(member.status).toBe(403);
    expect(((await member.json()) as { message: string }).message).toMatch(/ana@example.ae may read the registry/);
    expect(decisions.at(-1)).toMatchObject({ caller: "ana@example.ae", allow: false, model: "fraud-scorer" });
    expect((await as("lead@example.ae", "team-fraud,mlops-admins")).status).toBe(200);
    expect((await fetch(`${peopleUrl}/api/2.0/mlflow/registered-models/get?name=fraud-scorer`)).status).toBe(401);
  });

  it("reads the settings strictly and the steps' token from the projected file", async () => {
    expect(() => gateSettings({ MLFLOW_GATE_SETTINGS: JSON.stringify({ ...SETTINGS, adminGroups: "mlops-admins" }) })).toThrow(
      /MLFLOW_GATE_SETTINGS.adminGroups must be a list of strings/,
    );
    expect(() => gateSettings({})).toThrow(/JSON of the authorization settings/);
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const dir = mkdtempSync(`${(await import("node:os")).tmpdir()}/tok-`);
    writeFileSync(`${dir}/token`, "projected\n");
    expect(mlflowToken({ MLFLOW_TRACKING_TOKEN_FILE: `${dir}/token` })).toBe("projected");
    expect(mlflowToken({ MLFLOW_TRACKING_TOKEN: "explicit", MLFLOW_TRACKING_TOKEN_FILE: `${dir}/token` })).toBe("explicit");
    expect(mlflowToken({ MLFLOW_TRACKING_TOKEN_FILE: `${dir}/absent` })).toBeUndefined();
  });
});
