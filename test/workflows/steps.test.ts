/**
 * The platform's step code end to end against a local MLflow REST server and a local Kubernetes
 * API (both node:http on 127.0.0.1, ephemeral ports; see fake-servers.ts).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { main as drift } from "../../workflows/steps/drift";
import { main as driftReference } from "../../workflows/steps/drift-reference";
import { main as gate } from "../../workflows/steps/gate";
import { BUILT_MODELS_SETTING, TRAINING_ARTIFACT_REPOSITORIES } from "../../workflows/steps/lib/built-training";
import { EXIT, runStep, type StepMain } from "../../workflows/steps/lib/cli";
import { TAGS } from "../../workflows/steps/lib/lineage";
import { main as preflight } from "../../workflows/steps/preflight";
import { main as promote } from "../../workflows/steps/promote";
import { main as recordFailure } from "../../workflows/steps/record-failure";
import { main as register } from "../../workflows/steps/register";
import { main as retrain } from "../../workflows/steps/retrain";
import { main as startRun } from "../../workflows/steps/start-run";
import { main as validateData } from "../../workflows/steps/validate-data";
import { FakeKube, FakeMlflow } from "./fake-servers";

const REGISTRY = "123456789012.dkr.ecr.me-central-1.amazonaws.com";
const IMAGE = `${REGISTRY}/churn-train@sha256:${"a".repeat(64)}`;
const BUILT_CHURN = {
  registeredModel: "churn",
  model: "churn",
  repository: `${REGISTRY}/fraud/churn`,
  account: "train-churn",
  podLabels: { "azure.workload.identity/use": "true" },
};
const BUILT_OTHER = {
  registeredModel: "scorer",
  model: "scorer",
  repository: `${REGISTRY}/credit/scorer`,
  account: "train-scorer",
  podLabels: {},
};
const GATE = JSON.stringify({ metrics: [{ name: "auc", direction: "max", threshold: 0.8 }], primaryMetric: "auc" });
const ROLLOUT_PATH = "/apis/argoproj.io/v1alpha1/namespaces/serving/rollouts/churn";

let mlflow: FakeMlflow;
let kube: FakeKube;
let out: string;
let logs: string[];

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PLATFORM_CLOUD: "aws",
    PLATFORM_REGION: "me-central-1",
    PLATFORM_ENVIRONMENT: "development",
    PLATFORM_ALLOWED_DATA_PREFIXES: "s3://mlops-dev-datasets/platform/",
    PLATFORM_ALLOWED_REGISTRIES: REGISTRY,
    PLATFORM_MLFLOW_URL: mlflow.url,
    PLATFORM_SERVING_NAMESPACE: "serving",
    STEP_OUTPUT_DIR: out,
    STEP_POLL_MS: "5",
    PROMOTE_TIMEOUT_SECONDS: "1",
    KUBE_API_URL: kube.url,
    KUBE_TOKEN: "test-token",
    POD_NAMESPACE: "ml-pipelines",
    ...extra,
  };
}

async function run(main: StepMain, argv: string[], extra: Record<string, string> = {}): Promise<number> {
  return runStep(main, { argv, env: env(extra), log: (l) => logs.push(l) });
}

const output = (name: string) => readFileSync(join(out, name), "utf8");

function rollout(uri: string): Record<string, unknown> {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Rollout",
    metadata: { name: "churn", namespace: "serving", resourceVersion: "10", generation: 1 },
    spec: {
      template: {
        metadata: {
          labels: { app: "churn", "mlops.platform/model-version": "1" },
          annotations: { "mlops.platform/registered-model": "churn" },
        },
        spec: { containers: [{ name: "model", command: ["mlflow", "models", "serve"], args: ["-m", uri, "-h", "0.0.0.0"] }] },
      },
    },
    status: { phase: "Healthy", stableRS: "hash-1", currentPodHash: "hash-1", observedGeneration: "1" },
  };
}

/** start-run for workflow `uid`, then "training" logs `metrics`; returns the run id. */
async function trainedRun(uid: string, metrics: Record<string, number>, gateSpec = GATE): Promise<string> {
  const code = await run(startRun, [
    "--model-name=churn",
    "--code-version=4f2a9c1",
    "--data-uri=s3://mlops-dev-datasets/platform/churn.csv",
    `--data-sha256=${"d".repeat(64)}`,
    `--training-image=${IMAGE}`,
    "--training-command=python train.py",
    '--hyperparameters={"lr":0.01,"depth":6}',
    `--quality-gate=${gateSpec}`,
    "--gpu-count=1",
    "--serving-rollout=churn",
    `--workflow-uid=${uid}`,
    `--workflow-name=wf-${uid}`,
    "--namespace=ml-pipelines",
  ]);
  expect(code).toBe(EXIT.OK);
  const runId = output("run-id");
  mlflow.logMetrics(runId, metrics);
  return runId;
}

const gateArgs = (runId: string, uid: string, spec = GATE) => [
  "--model-name=churn",
  `--run-id=${runId}`,
  `--quality-gate=${spec}`,
  `--workflow-uid=${uid}`,
];

beforeAll(async () => {
  mlflow = await new FakeMlflow().start();
  kube = await new FakeKube().start();
});
afterAll(async () => {
  await mlflow.close();
  await kube.close();
});
beforeEach(() => {
  out = mkdtempSync(join(tmpdir(), "step-out-"));
  logs = [];
});
afterEach(() => rmSync(out, { recursive: true, force: true }));

describe("training, gate, registration and promotion against the MLflow REST API", () => {
  it("records lineage, passes a good first model, registers it and promotes it in dev", async () => {
    kube.put(ROLLOUT_PATH, rollout("models:/churn/0"));
    kube.rolloutOutcome = "healthy";
    const runId = await trainedRun("uid-1", { auc: 0.86 });
    const r = mlflow.runs.get(runId)!;
    const tags = Object.fromEntries(r.data.tags.map((t) => [t.key, t.value]));
    expect(tags).toMatchObject({
      [TAGS.workflowUid]: "uid-1",
      [TAGS.codeVersion]: "4f2a9c1",
      [TAGS.dataUri]: "s3://mlops-dev-datasets/platform/churn.csv",
      [TAGS.gate]: GATE,
    });
    expect(r.data.params).toEqual([
      { key: "lr", value: "0.01" },
      { key: "depth", value: "6" },
    ]);

    expect(await run(gate, gateArgs(runId, "uid-1"))).toBe(EXIT.OK);
    expect(JSON.parse(output("evaluation.json"))).toMatchObject({ passed: true, candidateMetrics: { auc: 0.86 }, champion: null });

    expect(await run(register, [...gateArgs(runId, "uid-1"), "--workflow-name=wf-uid-1"])).toBe(EXIT.OK);
    expect(output("model-version")).toBe("1");
    const v = mlflow.versions.find((x) => x.name === "churn" && x.version === "1")!;
    const vt = Object.fromEntries(v.tags.map((t) => [t.key, t.value]));
    expect(v.source).toBe(`mlflow-artifacts:/1/${runId}/artifacts/model`);
    expect(vt).toMatchObject({
      [TAGS.codeVersion]: "4f2a9c1",
      [TAGS.dataUri]: "s3://mlops-dev-datasets/platform/churn.csv",
      [TAGS.dataChecksum]: "d".repeat(64),
      [TAGS.workflowName]: "wf-uid-1",
      [TAGS.trainingImage]: IMAGE,
      "mlops.platform/metrics": '{"auc":0.86}',
      "mlops.platform/params": '{"lr":"0.01","depth":"6"}',
    });
    expect(JSON.parse(vt[TAGS.evaluation] ?? "{}")).toMatchObject({ passed: true });

    // A retried registration reuses the version instead of creating a second one.
    expect(await run(register, [...gateArgs(runId, "uid-1"), "--workflow-name=wf-uid-1"])).toBe(EXIT.OK);
    expect(mlflow.versions.filter((x) => x.name === "churn")).toHaveLength(1);

    expect(
      await run(promote, [
        "--model-name=churn",
        "--model-version=1",
        `--quality-gate=${GATE}`,
        "--workflow-uid=uid-1",
        "--workflow-name=wf-uid-1",
        "--serving-rollout=churn",
      ]),
    ).toBe(EXIT.OK);
    const ro = kube.get(ROLLOUT_PATH) as {
      spec: {
        template: {
          metadata: { labels: Record<string, string>; annotations: Record<string, string> };
          spec: { containers: { args: string[] }[] };
        };
      };
    };
    expect(ro.spec.template.spec.containers[0]?.args).toEqual(["-m", "models:/churn/1", "-h", "0.0.0.0"]);
    expect(ro.spec.template.metadata.labels["mlops.platform/model-version"]).toBe("1");
    expect(ro.spec.template.metadata.annotations["mlops.platform/model-version"]).toBe("1");
    expect(mlflow.models.get("churn")?.aliases.get("champion")).toBe("1");
    const outcome = mlflow.versions
      .find((v) => v.name === "churn" && v.version === "1")
      ?.tags.find((t) => t.key === "mlops.platform/rollout-outcome");
    expect(outcome?.value).toMatch(/^healthy \(Rollout churn/);
  });

  it("refuses a model worse than the champion at the gate, at registration and at promotion", async () => {
    const runId = await trainedRun("uid-2", { auc: 0.84 }); // above 0.8, below the champion's 0.86
    const before = mlflow.versions.length;
    expect(await run(gate, gateArgs(runId, "uid-2"))).toBe(EXIT.REFUSED);
    expect(JSON.parse(output("evaluation.json"))).toMatchObject({ passed: false, champion: { version: "1" } });
    expect(logs.join("\n")).toMatch(/\[FAIL\] champion:auc: auc = 0.84 vs champion version 1 = 0.86/);
    // Submitting with --entrypoint register skips the gate step, not the gate:
    expect(await run(register, [...gateArgs(runId, "uid-2"), "--workflow-name=wf-uid-2"])).toBe(EXIT.REFUSED);
    expect(mlflow.versions.length).toBe(before);
  });

  it("refuses a model below its threshold when there is no champion", async () => {
    const runId = await trainedRun("uid-3", { auc: 0.79 });
    mlflow.models.get("churn")?.aliases.delete("champion");
    try {
      expect(await run(gate, gateArgs(runId, "uid-3"))).toBe(EXIT.REFUSED);
      expect(logs.join("\n")).toContain("[FAIL] threshold:auc: auc = 0.79, required ≥ 0.8");
    } finally {
      mlflow.models.get("churn")?.aliases.set("champion", "1");
    }
  });

  it("refuses a run that another workflow created, and a step output or tag claiming the gate passed", async () => {
    const runId = await trainedRun("uid-4", { auc: 0.5 });
    mlflow.runs.get(runId)?.data.tags.push({ key: TAGS.evaluation, value: '{"passed":true}' }, { key: "passed", value: "true" });
    expect(await run(register, [...gateArgs(runId, "uid-4"), "--workflow-name=wf"])).toBe(EXIT.REFUSED);
    const good = await trainedRun("uid-5", { auc: 0.99 });
    expect(await run(gate, gateArgs(good, "uid-4"))).toBe(EXIT.REFUSED);
    expect(logs.join("\n")).toContain(`run ${good} was created by workflow "uid-5", not by this one (uid-4)`);
  });

  it("never opens when MLflow is unavailable: exits 75 so the template retries", async () => {
    const runId = await trainedRun("uid-6", { auc: 0.99 });
    mlflow.failWith = 503;
    try {
      expect(await run(gate, gateArgs(runId, "uid-6"))).toBe(EXIT.TRANSIENT);
      expect(await run(register, [...gateArgs(runId, "uid-6"), "--workflow-name=wf"])).toBe(EXIT.TRANSIENT);
    } finally {
      mlflow.failWith = undefined;
    }
  });
});

describe("promotion", () => {
  async function registered(uid: string, auc: number): Promise<string> {
    const runId = await trainedRun(uid, { auc });
    expect(await run(register, [...gateArgs(runId, uid), `--workflow-name=wf-${uid}`])).toBe(EXIT.OK);
    return output("model-version");
  }
  const promoteArgs = (version: string, uid: string) => [
    "--model-name=churn",
    `--model-version=${version}`,
    `--quality-gate=${GATE}`,
    `--workflow-uid=${uid}`,
    `--workflow-name=wf-${uid}`,
    "--serving-rollout=churn",
  ];

  it("in production, refuses without the approval step and promotes once it was approved", async () => {
    kube.put(ROLLOUT_PATH, rollout("models:/churn/1"));
    kube.rolloutOutcome = "healthy";
    const version = await registered("uid-p1", 0.9);
    const wfPath = "/apis/argoproj.io/v1alpha1/namespaces/ml-pipelines/workflows/wf-uid-p1";
    const prod = { PLATFORM_ENVIRONMENT: "production" };
    kube.put(wfPath, { status: { nodes: { a: { templateName: "approval", type: "Suspend", phase: "Running" } } } });
    expect(await run(promote, promoteArgs(version, "uid-p1"), prod)).toBe(EXIT.REFUSED);
    expect(logs.join("\n")).toContain('production promotions need the "approval" step');
    expect(mlflow.models.get("churn")?.aliases.get("champion")).toBe("1");
    // Unknown environment values are production too.
    expect(await run(promote, promoteArgs(version, "uid-p1"), { PLATFORM_ENVIRONMENT: "dev" })).toBe(EXIT.REFUSED);
    const staged = mlflow.versions.find((v) => v.name === "churn" && v.version === version);
    expect(staged?.tags.find((t) => t.key === "mlops.platform/lifecycle")?.value).toBe("staging");
    const approved = { status: { nodes: { a: { templateName: "approval", type: "Suspend", phase: "Succeeded" } } } };
    // Resumed without a person (kubectl, or a shared account): refused, since nobody would be recorded.
    kube.put(wfPath, approved);
    expect(await run(promote, promoteArgs(version, "uid-p1"), prod)).toBe(EXIT.REFUSED);
    expect(logs.join("\n")).toContain("names no person");
    kube.put(wfPath, {
      ...approved,
      metadata: { labels: { "workflows.argoproj.io/action": "Stop", "workflows.argoproj.io/actor-email": "ana.at.example.ae" } },
    });
    expect(await run(promote, promoteArgs(version, "uid-p1"), prod)).toBe(EXIT.REFUSED);
    // Resumed through Argo's server by a signed-in approver: the person is recorded on the version.
    kube.put(wfPath, {
      ...approved,
      metadata: {
        labels: {
          "workflows.argoproj.io/action": "Resume",
          "workflows.argoproj.io/actor": "Cg1hbmE",
          "workflows.argoproj.io/actor-email": "lead.at.example.ae",
        },
      },
    });
    expect(await run(promote, promoteArgs(version, "uid-p1"), prod)).toBe(EXIT.OK);
    expect(logs.join("\n")).toContain("approval of workflow wf-uid-p1 by lead@example.ae");
    expect(mlflow.models.get("churn")?.aliases.get("champion")).toBe(version);
    const recorded = mlflow.versions.find((v) => v.name === "churn" && v.version === version)?.tags;
    expect(recorded).toContainEqual({ key: "mlops.platform/approved-by", value: "lead@example.ae" });
    // Lifecycle: the new champion is in production; the former one is marked superseded (archived later).
    const tagOf = (v: string, key: string) =>
      mlflow.versions.find((x) => x.name === "churn" && x.version === v)?.tags.find((t) => t.key === key)?.value;
    expect(tagOf(version, "mlops.platform/lifecycle")).toBe("production");
    expect(Date.parse(tagOf("1", "mlops.platform/superseded-at") ?? "")).toBeGreaterThan(Date.now() - 60_000);
  });

  it("rolls back when the blue-green analysis aborts: spec reverted, champion unchanged", async () => {
    const champion = mlflow.models.get("churn")?.aliases.get("champion") ?? "";
    kube.put(ROLLOUT_PATH, rollout(`models:/churn/${champion}`));
    kube.rolloutOutcome = "degraded";
    const version = await registered("uid-p2", 0.95);
    expect(await run(promote, promoteArgs(version, "uid-p2"))).toBe(EXIT.REFUSED);
    expect(logs.join("\n")).toMatch(/did not become healthy \(aborted by analysis: phase=Degraded abort=true/);
    const ro = kube.get(ROLLOUT_PATH) as { spec: { template: { spec: { containers: { args: string[] }[] } } } };
    expect(ro.spec.template.spec.containers[0]?.args[1]).toBe(`models:/churn/${champion}`);
    expect(mlflow.models.get("churn")?.aliases.get("champion")).toBe(champion);
    const tags = mlflow.versions.find((v) => v.name === "churn" && v.version === version)?.tags ?? [];
    expect(tags.find((t) => t.key === "mlops.platform/rollout-outcome")?.value).toMatch(
      /^aborted by analysis \(Rollout churn: phase=Degraded/,
    );
    const patches = kube.requests.filter((r) => r.method === "PATCH");
    expect(patches.at(-2)?.body).toEqual(
      expect.arrayContaining([{ op: "replace", path: "/spec/template/spec/containers/0/args/1", value: `models:/churn/${version}` }]),
    );
  });

  it("refuses to repoint a Rollout that serves another model, and a version from another workflow", async () => {
    kube.rolloutOutcome = "healthy";
    kube.put(ROLLOUT_PATH, rollout("models:/fraud/3"));
    const version = await registered("uid-p3", 0.97);
    expect(await run(promote, promoteArgs(version, "uid-p3"))).toBe(EXIT.REFUSED);
    expect(logs.join("\n")).toContain('serves "models:/fraud/3", not model churn');
    expect(await run(promote, promoteArgs(version, "uid-other"))).toBe(EXIT.REFUSED);
    expect(logs.join("\n")).toContain("was not registered by this workflow");
  });
});

describe("exit handler, drift and retraining", () => {
  it("marks the workflow's MLflow run FAILED with the failed steps", async () => {
    const runId = await trainedRun("uid-f", {});
    const failures = JSON.stringify([{ displayName: "train", message: "OOMKilled", templateName: "train", phase: "Failed" }]);
    const args = [
      "--model-name=churn",
      "--workflow-uid=uid-f",
      "--workflow-name=wf-f",
      "--workflow-status=Failed",
      "--namespace=ml-pipelines",
      `--failures=${failures}`,
    ];
    expect(await run(recordFailure, args)).toBe(EXIT.OK);
    const r = mlflow.runs.get(runId)!;
    expect(r.info.status).toBe("FAILED");
    expect(r.data.tags.find((t) => t.key === TAGS.failures)?.value).toContain("OOMKilled");
    expect(JSON.parse(output("failure.json"))).toMatchObject({ status: "Failed", failures: [{ displayName: "train" }] });
    expect(
      await run(
        recordFailure,
        args.map((a) => (a.startsWith("--workflow-status") ? "--workflow-status=Succeeded" : a)),
      ),
    ).toBe(EXIT.OK);
  });

  it("computes drift from files and resubmits training with the champion's settings", async () => {
    const dir = mkdtempSync(join(tmpdir(), "drift-"));
    const rows = (shift: number) =>
      ["x,seg", ...Array.from({ length: 400 }, (_, i) => `${(i % 100) + shift},${i % 2 ? "a" : "b"}`)].join("\n");
    writeFileSync(join(dir, "ref.csv"), rows(0));
    writeFileSync(join(dir, "same.csv"), rows(0));
    writeFileSync(join(dir, "shifted.csv"), rows(60));
    expect(
      await run(drift, [`--reference=${join(dir, "ref.csv")}`, `--current=${join(dir, "same.csv")}`, "--features=", "--threshold="], {
        PLATFORM_DRIFT_THRESHOLD: "0.2",
      }),
    ).toBe(EXIT.OK);
    expect(output("drifted")).toBe("false");
    expect(Number(output("max-psi"))).toBe(0);
    expect(await run(drift, [`--reference=${join(dir, "ref.csv")}`, `--current=${join(dir, "shifted.csv")}`, "--features=x"])).toBe(
      EXIT.OK,
    );
    expect(output("drifted")).toBe("true");
    expect(Number(output("max-psi"))).toBeGreaterThan(1);
    expect(await run(drift, [`--reference=${join(dir, "ref.csv")}`, `--current=${join(dir, "same.csv")}`, "--features=nope"])).toBe(
      EXIT.USAGE,
    );

    expect(
      await run(retrain, ["--model-name=churn", "--data-uri=s3://mlops-dev-datasets/platform/churn-2026-12.csv", "--reason=drift"]),
    ).toBe(EXIT.OK);
    const created = [...kube.objects.entries()].find(([p]) =>
      p.startsWith("/apis/argoproj.io/v1alpha1/namespaces/ml-pipelines/workflows/retrain-churn-"),
    );
    expect(created).toBeDefined();
    const spec = (
      (created as [string, unknown])[1] as {
        spec: {
          workflowTemplateRef: { name: string; clusterScope?: boolean };
          arguments: { parameters: { name: string; value: string }[] };
        };
      }
    ).spec;
    expect(spec.workflowTemplateRef).toEqual({ name: "training-pipeline", clusterScope: true });
    const p = Object.fromEntries(spec.arguments.parameters.map((x) => [x.name, x.value]));
    expect(p).toMatchObject({
      "data-uri": "s3://mlops-dev-datasets/platform/churn-2026-12.csv",
      "code-version": "4f2a9c1",
      "training-image": IMAGE,
      "training-command": "python train.py",
      "quality-gate": GATE,
      "serving-rollout": "churn",
    });
  });

  it("takes the drift reference from the champion's lineage, or from the monitor's parameter", async () => {
    const version = mlflow.models.get("churn")?.aliases.get("champion") ?? "";
    expect(version).not.toBe("");
    expect(await run(driftReference, ["--model-name=churn", "--reference-data-uri="])).toBe(EXIT.OK);
    expect(output("uri")).toBe("s3://mlops-dev-datasets/platform/churn.csv");
    expect(output("version")).toBe(version);
    expect(await run(driftReference, ["--model-name=churn", "--reference-data-uri=s3://mlops-dev-datasets/platform/sample/"])).toBe(
      EXIT.OK,
    );
    expect(output("uri")).toBe("s3://mlops-dev-datasets/platform/sample/");
    // No champion, or a champion without lineage: refused, never a silent empty reference.
    expect(await run(driftReference, ["--model-name=unknown-model", "--reference-data-uri="])).toBe(EXIT.REFUSED);
    const run0 = mlflow.runs.get(mlflow.versions.find((v) => v.name === "churn" && v.version === version)?.run_id ?? "");
    const tag = run0?.data.tags.find((t) => t.key === TAGS.dataUri);
    if (!tag) throw new Error("the champion's run has no data-uri tag");
    const saved = tag.value;
    tag.value = "";
    expect(await run(driftReference, ["--model-name=churn", "--reference-data-uri="])).toBe(EXIT.REFUSED);
    expect(logs.join("\n")).toContain("set reference-data-uri on the monitor");
    tag.value = saved;
  });

  it("reproduces a version from its lineage: recorded settings, data URI and checksum, registry only", async () => {
    const version = mlflow.models.get("churn")?.aliases.get("champion") ?? "";
    const before = new Set(kube.objects.keys());
    expect(await run(retrain, ["--model-name=churn", `--reproduce-version=${version}`])).toBe(EXIT.OK);
    const created = [...kube.objects.entries()].find(([p]) => !before.has(p) && p.includes("/workflows/retrain-churn-"));
    if (!created) throw new Error("no reproduction workflow was created");
    const wf = created[1] as { spec: { arguments: { parameters: { name: string; value: string }[] } } };
    const params = Object.fromEntries(wf.spec.arguments.parameters.map((x) => [x.name, x.value]));
    expect(params).toMatchObject({
      "data-uri": "s3://mlops-dev-datasets/platform/churn.csv",
      "expected-data-sha256": "d".repeat(64),
      "code-version": "4f2a9c1",
      "training-image": IMAGE,
      "quality-gate": GATE,
      "serving-rollout": "",
    });
    // Bad invocations: both or neither of data-uri and the version; an unknown version.
    expect(await run(retrain, ["--model-name=churn", `--reproduce-version=${version}`, "--data-uri=s3://x/y"])).toBe(EXIT.USAGE);
    expect(await run(retrain, ["--model-name=churn"])).toBe(EXIT.USAGE);
    expect(await run(retrain, ["--model-name=churn", "--reproduce-version=999"])).toBe(EXIT.REFUSED);
  });

  it("retrains a git push with the pushed commit and the image built from it, so lineage records both", async () => {
    const commit = "0123456789abcdef0123456789abcdef01234567";
    const built = `${REGISTRY}/fraud/churn@sha256:${"e".repeat(64)}`;
    const before = new Set(kube.objects.keys());
    const argv = ["--model-name=churn", "--data-uri=s3://mlops-dev-datasets/platform/churn.csv", "--reason=git push"];
    const settings = { [BUILT_MODELS_SETTING]: JSON.stringify([BUILT_CHURN, BUILT_OTHER]) };
    expect(await run(retrain, [...argv, `--code-version=${commit}`, `--training-image=${built}`], settings)).toBe(EXIT.OK);
    const created = [...kube.objects.entries()].find(([p]) => !before.has(p) && p.includes("/workflows/retrain-churn-"));
    if (!created) throw new Error("no retraining workflow was created");
    const wf = created[1] as {
      spec: { arguments: { parameters: { name: string; value: string }[] }; artifactRepositoryRef?: unknown; podMetadata?: unknown };
    };
    const params = Object.fromEntries(wf.spec.arguments.parameters.map((x) => [x.name, x.value]));
    // start-run records these as mlops.platform/code-version and training-image.
    expect(params).toMatchObject({ "code-version": commit, "training-image": built, "quality-gate": GATE });
    // The pushed code trains as the model's own account, archiving and checkpointing under its own key.
    expect(params["training-account"]).toBe("train-churn");
    expect(wf.spec.artifactRepositoryRef).toEqual({ configMap: TRAINING_ARTIFACT_REPOSITORIES, key: "train-churn" });
    expect(wf.spec.podMetadata).toEqual({ labels: { "azure.workload.identity/use": "true" } });
    // Half an override, a short SHA or an image by tag: refused before anything is submitted.
    expect(await run(retrain, [...argv, `--code-version=${commit}`], settings)).toBe(EXIT.USAGE);
    expect(await run(retrain, [...argv, "--code-version=0123456", `--training-image=${built}`], settings)).toBe(EXIT.USAGE);
    expect(await run(retrain, [...argv, `--code-version=${commit}`, "--training-image=registry.example/fraud/churn:main"], settings)).toBe(
      EXIT.USAGE,
    );
    const count = () => [...kube.objects.keys()].filter((p) => p.includes("/workflows/retrain-churn-")).length;
    const submitted = count();
    // A pushed image that is no built repository of this model, or another model's built image: refused, nothing submitted.
    expect(await run(retrain, [...argv, `--code-version=${commit}`, `--training-image=${built}`])).toBe(EXIT.REFUSED);
    expect(
      await run(
        retrain,
        [...argv, `--code-version=${commit}`, `--training-image=${REGISTRY}/credit/scorer@sha256:${"f".repeat(64)}`],
        settings,
      ),
    ).toBe(EXIT.REFUSED);
    expect(logs.join("\n")).toMatch(/built from scorer's repository, which trains scorer, not churn/);
    expect(await run(retrain, [...argv, `--code-version=${commit}`, `--training-image=${IMAGE}`], settings)).toBe(EXIT.REFUSED);
    // A malformed list of built models is refused too, never read as "none".
    expect(await run(retrain, [...argv, `--code-version=${commit}`, `--training-image=${built}`], { [BUILT_MODELS_SETTING]: "{" })).toBe(
      EXIT.REFUSED,
    );
    expect(
      await run(retrain, [...argv, `--code-version=${commit}`, `--training-image=${built}`], {
        [BUILT_MODELS_SETTING]: JSON.stringify([{ ...BUILT_CHURN, account: "pipeline-data" }]),
      }),
    ).toBe(EXIT.REFUSED);
    expect(count()).toBe(submitted);
  });

  it("retrains a built champion (drift, new data, reproduction) as its model's account; a pinned image as pipeline-train", async () => {
    const settings = { [BUILT_MODELS_SETTING]: JSON.stringify([BUILT_CHURN]) };
    const submittedWith = async (argv: string[], extra: Record<string, string>) => {
      const before = new Set(kube.objects.keys());
      expect(await run(retrain, argv, extra)).toBe(EXIT.OK);
      const created = [...kube.objects.entries()].find(([p]) => !before.has(p) && p.includes("/workflows/retrain-churn-"));
      const wf = created?.[1] as {
        spec: { arguments: { parameters: { name: string; value: string }[] }; artifactRepositoryRef?: unknown };
      };
      return { params: Object.fromEntries(wf.spec.arguments.parameters.map((x) => [x.name, x.value])), spec: wf.spec };
    };
    const drift = ["--model-name=churn", "--data-uri=s3://mlops-dev-datasets/platform/churn-2026-12.csv", "--reason=drift"];
    // The champion trained from a pinned image (not a built repository): pipeline-train, the namespace's repository.
    const pinned = await submittedWith(drift, settings);
    expect(pinned.params["training-account"]).toBe("pipeline-train");
    expect(pinned.spec.artifactRepositoryRef).toBeUndefined();
    // The champion's recorded image is the model's built image: its retraining and reproduction train as its account.
    const champion = mlflow.versions.find((v) => v.name === "churn" && v.version === mlflow.models.get("churn")?.aliases.get("champion"));
    const tag = mlflow.runs.get(champion?.run_id ?? "")?.data.tags.find((t) => t.key === TAGS.trainingImage);
    if (!tag) throw new Error("the champion records no training image");
    const saved = tag.value;
    tag.value = `${REGISTRY}/fraud/churn@sha256:${"e".repeat(64)}`;
    try {
      for (const argv of [drift, ["--model-name=churn", `--reproduce-version=${champion?.version}`]]) {
        const built = await submittedWith(argv, settings);
        expect(built.params).toMatchObject({ "training-image": tag.value, "training-account": "train-churn" });
        expect(built.spec.artifactRepositoryRef).toEqual({ configMap: TRAINING_ARTIFACT_REPOSITORIES, key: "train-churn" });
      }
      // Recorded by tag (a built image is run by digest only): refused rather than submitted to be refused by admission.
      tag.value = `${REGISTRY}/fraud/churn:main`;
      expect(await run(retrain, drift, settings)).toBe(EXIT.REFUSED);
    } finally {
      tag.value = saved;
    }
  });
});

describe("preflight and data validation", () => {
  const args = [
    "--data-uri=s3://mlops-dev-datasets/platform/churn.csv",
    "--model-name=churn",
    "--code-version=4f2a9c1",
    `--training-image=${IMAGE}`,
    "--training-command=python train.py",
    `--quality-gate=${GATE}`,
  ];
  it("outputs the artifact location and the environment from platform settings", async () => {
    expect(await run(preflight, args)).toBe(EXIT.OK);
    expect(["scheme", "bucket", "key", "endpoint", "environment"].map(output)).toEqual([
      "s3",
      "mlops-dev-datasets",
      "platform/churn.csv",
      "s3.me-central-1.amazonaws.com",
      "development",
    ]);
  });
  it("refuses data outside the platform's locations and bad inputs before anything runs", async () => {
    expect(
      await run(
        preflight,
        args.map((a) => (a.startsWith("--data-uri") ? "--data-uri=s3://public-bucket/x.csv" : a)),
      ),
    ).toBe(EXIT.REFUSED);
    expect(logs.join("\n")).toContain("data residency check REFUSED");
    expect(await run(preflight, [...args, "--gpu-count=99"])).toBe(EXIT.USAGE);
    expect(await run(preflight, args, { PLATFORM_CLOUD: "" })).toBe(EXIT.USAGE);
  });
  it("holds the training step's account to the image: a built model's image as its own account, any other as pipeline-train", async () => {
    const settings = { [BUILT_MODELS_SETTING]: JSON.stringify([BUILT_CHURN, BUILT_OTHER]) };
    const builtImage = `${REGISTRY}/fraud/churn@sha256:${"e".repeat(64)}`;
    const withImage = (image: string, account?: string) => [
      ...args.map((a) => (a.startsWith("--training-image") ? `--training-image=${image}` : a)),
      ...(account === undefined ? [] : [`--training-account=${account}`]),
    ];
    expect(await run(preflight, withImage(IMAGE), settings)).toBe(EXIT.OK);
    expect(await run(preflight, withImage(IMAGE, "pipeline-train"), settings)).toBe(EXIT.OK);
    expect(await run(preflight, withImage(builtImage, "train-churn"), settings)).toBe(EXIT.OK);
    for (const [image, account] of [
      [builtImage, "pipeline-train"],
      [builtImage, ""],
      [builtImage, "train-scorer"],
      [IMAGE, "train-churn"],
      [IMAGE, "pipeline-register"],
      [`${REGISTRY}/credit/scorer@sha256:${"f".repeat(64)}`, "train-scorer"],
    ] as const) {
      logs = [];
      expect(await run(preflight, withImage(image, account), settings), `${image} as ${account}`).toBe(EXIT.REFUSED);
      expect(logs.join("\n")).toMatch(/preflight REFUSED/);
    }
    // Without the platform's list (a team namespace), every image trains as pipeline-train.
    expect(await run(preflight, withImage(builtImage, "train-churn"))).toBe(EXIT.REFUSED);
    expect(await run(preflight, withImage(builtImage, "pipeline-train"))).toBe(EXIT.OK);
    expect(await run(preflight, withImage(IMAGE), { [BUILT_MODELS_SETTING]: "[{}]" })).toBe(EXIT.USAGE);
  });
  it("validates data, writes the report and the checksum, and fails fast on bad data", async () => {
    const dir = mkdtempSync(join(tmpdir(), "val-"));
    writeFileSync(join(dir, "ok.csv"), "age\n30\n40\n");
    writeFileSync(join(dir, "bad.csv"), "age\n30\n-4\n");
    const schema = '--schema={"columns":[{"name":"age","type":"integer","min":0}]}';
    expect(await run(validateData, [`--data=${join(dir, "ok.csv")}`, schema, "--data-uri=s3://b/ok.csv"])).toBe(EXIT.OK);
    expect(output("data-sha256")).toMatch(/^[a-f0-9]{64}$/);
    expect(await run(validateData, [`--data=${join(dir, "bad.csv")}`, schema, "--data-uri=s3://b/bad.csv"])).toBe(EXIT.REFUSED);
    expect(output("validation-report.txt")).toContain("column age is below min 0: 1 time (rows 2)");
    expect(await run(validateData, [`--data=${join(dir, "missing.csv")}`, schema, "--data-uri=s3://b/x"])).toBe(EXIT.USAGE);
    // Reproduction: the data must still have the recorded checksum.
    expect(await run(validateData, [`--data=${join(dir, "ok.csv")}`, schema, "--data-uri=s3://b/ok.csv"])).toBe(EXIT.OK);
    const sha = output("data-sha256");
    expect(await run(validateData, [`--data=${join(dir, "ok.csv")}`, schema, "--data-uri=s3://b/ok.csv", `--expected-sha256=${sha}`])).toBe(
      EXIT.OK,
    );
    writeFileSync(join(dir, "ok.csv"), "age\n30\n41\n");
    expect(await run(validateData, [`--data=${join(dir, "ok.csv")}`, schema, "--data-uri=s3://b/ok.csv", `--expected-sha256=${sha}`])).toBe(
      EXIT.REFUSED,
    );
    expect(logs.join("\n")).toContain(`not the recorded ${sha}: it changed since the run being reproduced`);
  });
});
