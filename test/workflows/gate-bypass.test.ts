/**
 * "No parameter, flag or step output can force the gate open": drives the gate, registration and
 * promotion steps exactly as the shipped training-pipeline template invokes them (its container
 * args with Argo's parameter substitution), for every combination of adversarial values a user can
 * set, against a candidate that is worse than the champion.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadWorkflowManifests } from "../../workflows";
import { main as gate } from "../../workflows/steps/gate";
import { EXIT, runStep, type StepMain } from "../../workflows/steps/lib/cli";
import { TAGS } from "../../workflows/steps/lib/lineage";
import { PLATFORM_PARAMETERS, REPRODUCTION_PARAMETERS, TRAINING_PARAMETERS } from "../../workflows/steps/lib/params";
import { main as promote } from "../../workflows/steps/promote";
import { main as register } from "../../workflows/steps/register";
import { FakeKube, FakeMlflow } from "./fake-servers";

type Obj = Record<string, unknown>;
const GATE = JSON.stringify({ metrics: [{ name: "auc", direction: "max", threshold: 0.8 }], primaryMetric: "auc" });
const UID = "uid-candidate";
const STEPS: Record<string, StepMain> = { "dist/gate.js": gate, "dist/register.js": register, "dist/promote.js": promote };

const template = loadWorkflowManifests().find(
  (m) => m.kind === "ClusterWorkflowTemplate" && (m.metadata as Obj).name === "training-pipeline",
) as Obj;
const spec = template.spec as Obj;
const templates = new Map((spec.templates as Obj[]).map((t) => [String(t.name), t]));
const defaults = Object.fromEntries(
  (spec.arguments as { parameters: { name: string; value?: string }[] }).parameters.map((p) => [p.name, p.value ?? ""]),
);

/** Argo's substitution of one template's container args. */
function argv(templateName: string, params: Record<string, string>, inputs: Record<string, string>): { main: StepMain; argv: string[] } {
  const c = templates.get(templateName)?.container as { args: string[] };
  const [script = "", ...rest] = c.args;
  const sub = (s: string) =>
    s.replace(/\{\{\s*([^}]+?)\s*\}\}/g, (_, expr: string) => {
      if (expr.startsWith("workflow.parameters.")) return params[expr.slice(20)] ?? "";
      if (expr.startsWith("inputs.parameters.")) return inputs[expr.slice(18)] ?? "";
      const globals: Record<string, string> = {
        "workflow.uid": UID,
        "workflow.name": "wf-candidate",
        "workflow.namespace": "ml-pipelines",
      };
      if (expr in globals) return globals[expr] ?? "";
      throw new Error(`unresolved {{${expr}}} in template ${templateName}`);
    });
  const main = STEPS[script];
  if (!main) throw new Error(`template ${templateName} does not run a guard step (${script})`);
  return { main, argv: rest.map(sub) };
}

const GATE_VARIANTS = [
  GATE,
  JSON.stringify({ metrics: [{ name: "auc", direction: "max", threshold: 0 }], primaryMetric: "auc" }),
  JSON.stringify({ metrics: [{ name: "auc", direction: "max", threshold: -1e308 }], primaryMetric: "auc" }),
  JSON.stringify({ metrics: [{ name: "auc", direction: "min", threshold: 1 }], primaryMetric: "auc" }),
  JSON.stringify({ metrics: [{ name: "loss", direction: "min", threshold: 1 }], primaryMetric: "loss" }),
  JSON.stringify({ metrics: [{ name: "rmse", direction: "min", threshold: 1e9 }], primaryMetric: "rmse" }),
  JSON.stringify({ metrics: [{ name: "auc", direction: "max", threshold: 0.8 }], primaryMetric: "auc", minImprovement: -1 }),
  JSON.stringify({ metrics: [{ name: "auc", direction: "max", threshold: 0.8 }], primaryMetric: "auc", force: true }),
  JSON.stringify({
    metrics: [{ name: "auc", direction: "max", threshold: 0.8 }],
    primaryMetric: "auc",
    skip: true,
    passed: true,
    approved: true,
  }),
  JSON.stringify({ metrics: [{ name: "auc", direction: "max", threshold: 0.8 }], primaryMetric: "auc", champion: null }),
  JSON.stringify({ metrics: [], primaryMetric: "auc" }),
  "{}",
  "force",
  "",
  "true",
  `${GATE} --force`,
];
const MODEL_VARIANTS = ["churn", "churn-shadow", "", "churn --force"];
const GENERIC_VALUES = ["", "true", "--force", "x --skip-gate=true --force-deploy=true", '{"force":true}', "\n--force=true", "0"];

let mlflow: FakeMlflow;
let kube: FakeKube;
let candidateRun = "";
let forgedVersion = "";
let attempts = 0;
/** One output directory for every attempt (the steps overwrite their outputs), removed at the end. */
const outputDir = mkdtempSync(join(tmpdir(), "bypass-"));
afterAll(() => rmSync(outputDir, { recursive: true, force: true }));

function env(): Record<string, string> {
  return {
    PLATFORM_CLOUD: "aws",
    PLATFORM_REGION: "me-central-1",
    PLATFORM_ENVIRONMENT: "development", // the most permissive environment: no approval step
    PLATFORM_ALLOWED_DATA_PREFIXES: "s3://mlops-dev-datasets/platform/",
    PLATFORM_MLFLOW_URL: mlflow.url,
    STEP_OUTPUT_DIR: outputDir,
    STEP_POLL_MS: "1",
    PROMOTE_TIMEOUT_SECONDS: "1",
    KUBE_API_URL: kube.url,
    KUBE_TOKEN: "test-token",
    POD_NAMESPACE: "ml-pipelines",
  };
}

async function tryAll(params: Record<string, string>): Promise<void> {
  const inputs = { "run-id": candidateRun, "model-version": forgedVersion };
  for (const name of ["quality-gate", "register", "promote"]) {
    const { main, argv: args } = argv(name, params, inputs);
    for (const extra of [[], ["--force"], ["--skip-gate=true"], ["--force-deploy", "true"]]) {
      attempts++;
      const code = await runStep(main, { argv: [...args, ...extra], env: env(), log: () => {} });
      expect(code, `${name} ${JSON.stringify(params)} ${extra.join(" ")}`).not.toBe(EXIT.OK);
    }
  }
}

beforeAll(async () => {
  mlflow = await new FakeMlflow().start();
  kube = await new FakeKube().start();
  mlflow.experiments.set("ml-pipelines/churn", "1");
  // Champion: auc 0.9 under the recorded gate "auc ≥ 0.8, higher is better".
  const championRun = mlflow.seedRun("1", { [TAGS.gate]: GATE, [TAGS.modelName]: "churn" }, { auc: 0.9, loss: 0.3, rmse: 2 });
  mlflow.seedVersion("churn", championRun, "champion");
  // Candidate from this workflow: above the threshold, worse than the champion on auc, better on loss and rmse.
  candidateRun = mlflow.seedRun(
    "1",
    { [TAGS.workflowUid]: UID, [TAGS.modelName]: "churn", [TAGS.gate]: GATE },
    { auc: 0.85, loss: 0.01, rmse: 0.1 },
  );
  // A version of the candidate created behind the gate's back (e.g. through the MLflow API), with forged tags.
  forgedVersion = mlflow.seedVersion("churn", candidateRun);
  mlflow.versions.at(-1)?.tags.push({ key: TAGS.workflowUid, value: UID }, { key: TAGS.evaluation, value: '{"passed":true}' });
  kube.put("/apis/argoproj.io/v1alpha1/namespaces/serving/rollouts/churn", {
    metadata: { name: "churn", resourceVersion: "1", generation: 1 },
    spec: { template: { spec: { containers: [{ name: "model", args: ["-m", "models:/churn/1"] }] } } },
    status: { phase: "Healthy" },
  });
});
afterAll(async () => {
  await mlflow.close();
  await kube.close();
});

describe("the quality gate cannot be forced open", () => {
  it("the template's guard steps take only the gate, the model name, the run/version and the workflow identity", () => {
    for (const name of ["quality-gate", "register", "promote"]) {
      const args = (((templates.get(name) as Obj).container as Obj).args as string[]).join(" ");
      const params = [...args.matchAll(/workflow\.parameters\.([a-z-]+)/g)].map((m) => m[1]);
      expect(
        params.every((p) => ["model-name", "quality-gate", "serving-rollout"].includes(p ?? "")),
        `${name}: ${params.join(", ")}`,
      ).toBe(true);
    }
    // The reproduction checksum is read by validation only, never by a guard step (checked above).
    expect(Object.keys(defaults).sort()).toEqual([...TRAINING_PARAMETERS, ...REPRODUCTION_PARAMETERS, ...PLATFORM_PARAMETERS].sort());
  });

  it("refuses every combination of gate specification and model name, with and without extra flags", async () => {
    for (const qg of GATE_VARIANTS) {
      for (const model of MODEL_VARIANTS) {
        await tryAll({ ...defaults, "quality-gate": qg, "model-name": model, "serving-rollout": "churn" });
      }
    }
  }, 60_000);

  it("refuses whatever value any other parameter takes", async () => {
    for (const p of TRAINING_PARAMETERS) {
      if (p === "quality-gate" || p === "model-name") continue;
      for (const value of GENERIC_VALUES) await tryAll({ ...defaults, "quality-gate": GATE, "model-name": "churn", [p]: value });
    }
  }, 60_000);

  it("left production untouched after all attempts", () => {
    expect(attempts).toBeGreaterThan(800);
    expect(mlflow.models.get("churn")?.aliases.get("champion")).toBe("1");
    expect(mlflow.versions).toHaveLength(2); // the champion and the forged version; registration never created one
    expect(kube.requests.filter((r) => r.method === "PATCH")).toHaveLength(0);
  });

  it("positive control: the same invocation passes a candidate that is better than the champion", async () => {
    const better = mlflow.seedRun("1", { [TAGS.workflowUid]: UID, [TAGS.modelName]: "churn", [TAGS.gate]: GATE }, { auc: 0.95 });
    const { main, argv: args } = argv("quality-gate", { ...defaults, "quality-gate": GATE, "model-name": "churn" }, { "run-id": better });
    expect(await runStep(main, { argv: args, env: env(), log: () => {} })).toBe(EXIT.OK);
  });
});
