/**
 * The registry enforces the gate: the MLflow authorization decision (components/k8s/mlflow-authz.ts)
 * tested on its own and in front of the local fake MLflow server, with the platform steps' own
 * MLflow client. The bearer token stands for the caller's identity (the proxy would resolve a
 * projected service-account token with a TokenReview; here the token names the account).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorizeMlflow, type MlflowAuthzSettings, type MlflowCaller, normalizeMlflowPath } from "../../components/k8s/mlflow-authz";
import { MlflowClient } from "../../workflows/steps/lib/mlflow";
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

describe("MLflow registry authorization in front of the fake MLflow server", () => {
  let mlflow: FakeMlflow;
  let proxy: Server;
  let url = "";
  beforeAll(async () => {
    mlflow = await new FakeMlflow().start();
    proxy = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", async () => {
        const text = Buffer.concat(chunks).toString("utf8");
        const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
        const [namespace, sa] = (token ?? "").split("/");
        const caller: MlflowCaller = namespace && sa ? wl(namespace, sa) : { kind: "anonymous" };
        const query = new URL(req.url ?? "/", "http://x").searchParams;
        const model = (text ? (JSON.parse(text) as { name?: string }).name : undefined) ?? query.get("name") ?? undefined;
        const d = authorizeMlflow(SETTINGS, caller, { method: req.method ?? "GET", path: req.url ?? "/", ...(model ? { model } : {}) });
        if (!d.allow) {
          res.writeHead(403, { "content-type": "application/json" });
          res.end(JSON.stringify({ error_code: "PERMISSION_DENIED", message: d.reason }));
          return;
        }
        const upstream = await fetch(`${mlflow.url}${req.url}`, {
          method: req.method ?? "GET",
          headers: { "content-type": "application/json" },
          ...(text ? { body: text } : {}),
        });
        res.writeHead(upstream.status, { "content-type": "application/json" });
        res.end(await upstream.text());
      });
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", () => r()));
    url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => proxy.close(r));
    await mlflow.close();
  });

  it("refuses a team identity setting the production alias; the platform's promotion step sets it", async () => {
    const platformRegister = new MlflowClient(url, "ml-pipelines/pipeline-register");
    await platformRegister.ensureRegisteredModel("fraud-scorer", {});
    const exp = await new MlflowClient(url, "ml-pipelines/pipeline-train").ensureExperiment("ml-pipelines/fraud-scorer");
    const run = await new MlflowClient(url, "ml-pipelines/pipeline-train").createRun(exp, "r", {});
    const { version } = await platformRegister.createModelVersion("fraud-scorer", `runs:/${run}/model`, run, {}, "v");

    const team = new MlflowClient(url, "team-fraud/pipeline-deploy");
    await expect(team.setAlias("fraud-scorer", "champion", version)).rejects.toThrow(
      /403 PERMISSION_DENIED: fraud-scorer serves production/,
    );
    await expect(new MlflowClient(url, "team-fraud/pipeline-train").setAlias("fraud-scorer", "champion", version)).rejects.toThrow(/403/);
    await expect(new MlflowClient(url).setAlias("fraud-scorer", "champion", version)).rejects.toThrow(/403/);
    expect(await team.getVersionByAlias("fraud-scorer", "champion")).toBeNull();

    await new MlflowClient(url, "ml-pipelines/pipeline-deploy").setAlias("fraud-scorer", "champion", version);
    expect((await team.getVersionByAlias("fraud-scorer", "champion"))?.version).toBe(version);
  });
});
