import { describe, expect, it } from "vitest";
import { PIPELINE_SERVICE_ACCOUNTS } from "../../components/contracts";
import { FEAST_URL, MLFLOW_URL } from "../../contracts/endpoints";
import { loadWorkflowManifests, pipelineSettingsData, SETTINGS_KEYS, STEPS_IMAGE_PLACEHOLDER } from "../../workflows";
import {
  checkpointUriKey,
  clampedTrainingAccount,
  DEFAULT_TRAINING_ACCOUNT,
  TRAINING_ACCOUNT_EXPRESSION,
  TRAINING_ARTIFACT_REPOSITORIES,
} from "../../workflows/steps/lib/built-training";
import { PLATFORM_PARAMETERS, REPRODUCTION_PARAMETERS, TRAINING_PARAMETERS } from "../../workflows/steps/lib/params";
import { readSettings } from "../../workflows/steps/lib/settings";

type Obj = Record<string, unknown>;
const byName = (kind: string, name: string) =>
  loadWorkflowManifests().find((m) => m.kind === kind && (m.metadata as Obj).name === name) as Obj;
const templatesOf = (spec: Obj) => new Map((spec.templates as Obj[]).map((t) => [String(t.name), t]));
const get = (m: Map<string, Obj>, name: string): Obj => {
  const v = m.get(name);
  if (!v) throw new Error(`no template ${name}`);
  return v;
};

describe("loadWorkflowManifests", () => {
  it("returns every object in a deterministic order, unshared and without namespace", () => {
    const a = loadWorkflowManifests();
    const b = loadWorkflowManifests();
    expect(a).toEqual(b);
    expect(a.map((m) => `${String(m.kind)}/${String((m.metadata as Obj).name)}`)).toEqual([
      "ClusterWorkflowTemplate/drift-monitor",
      "ClusterWorkflowTemplate/feature-apply",
      "CronWorkflow/feature-materialize",
      "CronWorkflow/model-archival",
      "ClusterWorkflowTemplate/training-pipeline",
    ]);
    for (const m of a) expect((m.metadata as Obj).namespace).toBeUndefined();
    // YAML anchors are expanded into independent objects: editing one template leaves the others alone.
    const t = templatesOf((a[4] as Obj).spec as Obj);
    ((get(t, "register").container as Obj).securityContext as Obj).readOnlyRootFilesystem = false;
    expect(((get(t, "preflight").container as Obj).securityContext as Obj).readOnlyRootFilesystem).toBe(true);
  });

  it("replaces only the platform step image, leaving the user's training image parameter alone", () => {
    const image = "123456789012.dkr.ecr.me-central-1.amazonaws.com/steps:0.1.0";
    const json = JSON.stringify(loadWorkflowManifests({ stepsImage: image }));
    expect(json).not.toContain(STEPS_IMAGE_PLACEHOLDER);
    expect(json).toContain(`"image":"${image}"`);
    expect(json).toContain('"image":"{{workflow.parameters.training-image}}"');
    const token = { output: "image" };
    const withOutput = loadWorkflowManifests({ stepsImage: token as never });
    const preflight = get(templatesOf((withOutput[4] as Obj).spec as Obj), "preflight");
    expect((preflight.container as Obj).image).toBe(token);
  });
});

describe("training-pipeline template", () => {
  it("never runs the training step as a platform registration or promotion account, whatever a caller passes", () => {
    // A team's Workflow may reference the train step with any training-account: the template's
    // expression keeps only a built model's train-<model> (which exists, and is admitted, in
    // ml-pipelines only) and otherwise runs pipeline-train. Argo evaluates the expression; here its
    // meaning is held by clampedTrainingAccount and the template by the constant.
    for (const account of [
      ...Object.values(PIPELINE_SERVICE_ACCOUNTS),
      "default",
      "argo-server",
      "image-builder-fraud",
      "drift-fraud-scorer",
      "",
      "xtrain-a",
    ]) {
      expect(clampedTrainingAccount(account), account).toBe(DEFAULT_TRAINING_ACCOUNT);
    }
    expect(clampedTrainingAccount("train-fraud-scorer")).toBe("train-fraud-scorer");
    expect(TRAINING_ACCOUNT_EXPRESSION).toBe(
      "{{=inputs.parameters['training-account'] startsWith 'train-' ? inputs.parameters['training-account'] : 'pipeline-train'}}",
    );
  });

  const wt = byName("ClusterWorkflowTemplate", "training-pipeline");
  const spec = wt.spec as Obj;
  const t = templatesOf(spec);
  const params = (spec.arguments as { parameters: { name: string; value?: string }[] }).parameters;

  it("declares exactly the parameters the step code checks, required ones without defaults", () => {
    expect(params.map((p) => p.name)).toEqual([...TRAINING_PARAMETERS, ...REPRODUCTION_PARAMETERS, ...PLATFORM_PARAMETERS]);
    // The training step's account defaults to the namespace's training account (a built image's own is set by the retrain step).
    expect(params.find((p) => p.name === "training-account")?.value).toBe("pipeline-train");
    expect(params.filter((p) => p.value === undefined).map((p) => p.name)).toEqual([
      "data-uri",
      "code-version",
      "model-name",
      "training-image",
      "training-command",
      "quality-gate",
    ]);
    const preflightArgs = ((get(t, "preflight").container as Obj).args as string[]).join(" ");
    for (const p of TRAINING_PARAMETERS) expect(preflightArgs).toContain(`--${p}={{workflow.parameters.${p}}}`);
  });

  it("has no parameter that names an environment, an endpoint or a switch for the gate or the approval", () => {
    for (const p of params) expect(p.name).not.toMatch(/env|environment|mlflow|url|endpoint|force|skip|approv|bypass|gate-enabled/i);
  });

  it("runs the steps in order, with approval only in production, and never conditions the gate, registration or promotion", () => {
    const steps = (get(t, "pipeline").steps as Obj[][]).map((g) => g.map((s) => s.name));
    expect(steps).toEqual([
      ["preflight"],
      ["validate-data"],
      ["features"],
      ["start-run"],
      ["train"],
      ["quality-gate"],
      ["register"],
      ["approval"],
      ["promote"],
    ]);
    const flat = (get(t, "pipeline").steps as Obj[][]).flat();
    expect(flat.find((s) => s.name === "approval")?.when).toBe("'{{steps.preflight.outputs.parameters.environment}}' == 'production'");
    for (const name of ["quality-gate", "register", "promote"]) {
      expect(flat.find((s) => s.name === name)?.when, name).toBeUndefined();
      expect(flat.find((s) => s.name === name)?.continueOn, name).toBeUndefined();
    }
    expect(t.get("approval")).toEqual({ name: "approval", suspend: {} });
  });

  it("gives each kind of step its own platform service account", () => {
    const sa = Object.fromEntries([...t].filter(([, x]) => x.container).map(([n, x]) => [n, x.serviceAccountName]));
    expect(sa).toEqual({
      preflight: PIPELINE_SERVICE_ACCOUNTS.data,
      "validate-data-s3": PIPELINE_SERVICE_ACCOUNTS.data,
      "validate-data-azure": PIPELINE_SERVICE_ACCOUNTS.data,
      "materialize-features": PIPELINE_SERVICE_ACCOUNTS.data,
      "start-run": PIPELINE_SERVICE_ACCOUNTS.register,
      // pipeline-train unless the parameter names a built model's own train-<model> (clamped: see below).
      train: TRAINING_ACCOUNT_EXPRESSION,
      "quality-gate": PIPELINE_SERVICE_ACCOUNTS.register,
      register: PIPELINE_SERVICE_ACCOUNTS.register,
      promote: PIPELINE_SERVICE_ACCOUNTS.deploy,
      "record-failure": PIPELINE_SERVICE_ACCOUNTS.register,
      retrain: PIPELINE_SERVICE_ACCOUNTS.deploy,
      // The build Job in ml-builds may be created by ml-pipelines' deploy account only.
      "build-image": PIPELINE_SERVICE_ACCOUNTS.deploy,
      "retrain-built": PIPELINE_SERVICE_ACCOUNTS.deploy,
      reproduce: PIPELINE_SERVICE_ACCOUNTS.deploy,
    });
  });

  it("checkpoints a built model's run under its own prefix, any other run under the namespace's", () => {
    const train = t.get("train") as Obj;
    const checkpointContainers = [...((train.initContainers ?? []) as Obj[]), ...((train.sidecars ?? []) as Obj[])];
    expect(checkpointContainers.map((c) => c.name)).toEqual(["checkpoint-restore", "checkpoint-sync"]);
    // env wins over envFrom's PLATFORM_CHECKPOINT_URI; an absent key (pipeline-train, team namespaces) leaves it.
    for (const c of checkpointContainers)
      expect(c.env).toEqual([
        {
          name: "PLATFORM_CHECKPOINT_URI",
          valueFrom: {
            configMapKeyRef: {
              name: TRAINING_ARTIFACT_REPOSITORIES,
              key: `{{inputs.parameters.training-account}}.checkpoint-uri`,
              optional: true,
            },
          },
        },
      ]);
    expect(checkpointUriKey("train-fraud")).toBe("train-fraud.checkpoint-uri");
    // The pipeline passes the workflow's training-account to preflight (checked) and train; a team's own
    // pipeline that references either step without it gets pipeline-train.
    const passed = (step: string) => {
      const call = (get(t, "pipeline").steps as Obj[][]).flat().find((x) => x.name === step) as Obj;
      return ((call.arguments as { parameters: Obj[] }).parameters ?? []).find((p) => p.name === "training-account")?.value;
    };
    expect([passed("preflight"), passed("train")]).toEqual([
      "{{workflow.parameters.training-account}}",
      "{{workflow.parameters.training-account}}",
    ]);
    for (const step of ["preflight", "train"])
      expect((get(t, step).inputs as { parameters: Obj[] }).parameters.find((p) => p.name === "training-account")?.value).toBe(
        "pipeline-train",
      );
  });

  it("trains on the GPU pool with the user's image, the MLflow run and the lineage in the environment", () => {
    const train = t.get("train") as Obj;
    expect(train.nodeSelector).toEqual({ "mlops.platform/pool": "gpu-training" });
    // The GPU taint, and the taint of AKS spot nodes (no node carries it on AWS).
    expect(train.tolerations).toEqual([
      { key: "nvidia.com/gpu", operator: "Equal", value: "present", effect: "NoSchedule" },
      { key: "kubernetes.azure.com/scalesetpriority", operator: "Equal", value: "spot", effect: "NoSchedule" },
    ]);
    const c = train.container as Obj;
    expect(c.image).toBe("{{workflow.parameters.training-image}}");
    expect((c.env as { name: string }[]).map((e) => e.name)).toEqual([
      "MLFLOW_TRACKING_URI",
      "MLFLOW_RUN_ID",
      "DATA_URI",
      "DATA_SHA256",
      "DATA_VERSIONS",
      "HYPERPARAMETERS",
      "CODE_VERSION",
      "MODEL_NAME",
      "CHECKPOINT_DIR",
      "CHECKPOINT_INTERVAL_MINUTES",
      "HOME",
    ]);
    expect((JSON.parse(String(train.podSpecPatch)) as Obj).containers).toEqual([
      {
        name: "main",
        resources: {
          requests: { "nvidia.com/gpu": "{{workflow.parameters.gpu-count}}" },
          limits: { "nvidia.com/gpu": "{{workflow.parameters.gpu-count}}" },
        },
      },
    ]);
  });

  /** The capacity values the train pod requires on retry `retries`, with Argo's expression evaluated (expr-lang ⊂ JS here). */
  const requiredCapacity = (retries: number, losses: string): string[] => {
    const patch = String((t.get("train") as Obj).podSpecPatch).replace(/\{\{=([^}]+)\}\}/g, (_m, expr: string) => {
      const js = expr
        .replace(/workflow\.parameters\['spot-losses-before-on-demand'\]/g, JSON.stringify(losses))
        .replace(/\bretries\b/g, String(retries))
        .replace(/asInt\(/g, "Number(");
      return String(new Function(`return (${js});`)());
    });
    const affinity = (JSON.parse(patch) as Obj).affinity as Obj;
    const terms = (
      ((affinity.nodeAffinity as Obj).requiredDuringSchedulingIgnoredDuringExecution as Obj).nodeSelectorTerms as Obj[]
    )[0] as Obj;
    const req = (terms.matchExpressions as Obj[])[0] as Obj;
    expect(req.key).toBe("mlops.platform/capacity");
    expect(req.operator).toBe("In");
    return [...new Set(req.values as string[])].sort();
  };

  it("falls back to the on-demand pool after spot-losses-before-on-demand pod losses, with retries left to train there", () => {
    const train = t.get("train") as Obj;
    const retry = train.retryStrategy as Obj;
    expect(retry.retryPolicy).toBe("OnError");
    for (const losses of ["0", "1", "2", "3"]) {
      const n = Number(losses);
      for (let r = 0; r <= Number(retry.limit); r++)
        expect(requiredCapacity(r, losses), `retry ${r} with ${losses}`).toEqual(r >= n ? ["on-demand"] : ["on-demand", "spot"]);
      // The largest allowed value still leaves an attempt on on-demand capacity.
      expect(Number(retry.limit)).toBeGreaterThanOrEqual(n + 1);
    }
  });

  it("checkpoints to the in-region bucket: restores before training, saves at the configured interval while training", () => {
    const train = t.get("train") as Obj;
    const init = (train.initContainers as Obj[])[0] as Obj;
    const sidecar = (train.sidecars as Obj[])[0] as Obj;
    for (const c of [init, sidecar]) {
      expect(c.args).toContain("dist/checkpoint.js");
      expect(c.args).toContain("--run-key={{workflow.uid}}/{{workflow.parameters.model-name}}");
      expect(c.args).toContain("--dir=/workspace/checkpoints");
      expect(c.envFrom).toEqual([{ configMapRef: { name: "mlops-pipeline-settings" } }]);
    }
    expect(init.args).toContain("--mode=restore");
    expect(sidecar.args).toEqual(
      expect.arrayContaining(["--mode=sync", "--interval-minutes={{workflow.parameters.checkpoint-interval-minutes}}"]),
    );
    const env = Object.fromEntries(((train.container as Obj).env as { name: string; value?: string }[]).map((e) => [e.name, e.value]));
    expect(env.CHECKPOINT_DIR).toBe("/workspace/checkpoints");
  });

  it("retries only transient failures of platform steps and pod errors of training", () => {
    expect((get(t, "quality-gate").retryStrategy as Obj).expression).toBe("lastRetry.status == 'Error' || asInt(lastRetry.exitCode) == 75");
    expect((get(t, "train").retryStrategy as Obj).retryPolicy).toBe("OnError");
  });

  it("records failures in an exit handler and counts runs by status", () => {
    expect(spec.onExit).toBe("exit-handler");
    expect((get(t, "exit-handler").steps as Obj[][]).flat()[0]?.when).toBe("'{{workflow.status}}' != 'Succeeded'");
    expect(JSON.stringify(spec.metrics)).toContain("ml_pipeline_runs_total");
  });
});

describe("CronWorkflows", () => {
  it("publishes drift as a gauge and retrains only on drift with a retraining data set", () => {
    // The shared logic is one ClusterWorkflowTemplate; each model's CronWorkflow is generated (drift-crons.test.ts).
    const spec = byName("ClusterWorkflowTemplate", "drift-monitor").spec as Obj;
    const t = templatesOf(spec);
    const gauge = JSON.stringify(get(t, "drift-s3").metrics);
    expect(gauge).toContain('"name":"model_data_drift_psi"');
    // The owning team labels the gauge, so FeatureDriftDetected routes to the team's receiver.
    expect(gauge).toContain('{"key":"team","value":"{{workflow.parameters.team}}"}');
    const retrain = (get(t, "monitor").steps as Obj[][]).flat().find((s) => s.name === "retrain");
    expect(retrain?.when).toBe(
      "'{{steps.drift.outputs.parameters.drifted}}' == 'true' && '{{workflow.parameters.retrain-data-uri}}' != ''",
    );
  });

  it("materialises features hourly without overlapping runs", () => {
    const cw = byName("CronWorkflow", "feature-materialize").spec as Obj;
    expect(cw).toMatchObject({ schedules: ["15 * * * *"], concurrencyPolicy: "Forbid" });
    expect((get(templatesOf(cw.workflowSpec as Obj), "materialize").container as Obj).args).toEqual([
      "dist/materialize.js",
      "--feature-views={{workflow.parameters.feature-views}}",
      "--when-empty=all",
    ]);
  });
});

describe("pipelineSettingsData", () => {
  it("produces settings the steps accept", () => {
    const data = pipelineSettingsData({
      cloud: "azure",
      region: "uaenorth",
      environment: "production",
      allowedDataPrefixes: ["abfss://datasets@acct.dfs.core.windows.net/platform/"],
      allowedRegistries: ["acr.azurecr.io"],
      driftThreshold: 0.25,
      checkpointUri: "https://acct.blob.core.windows.net/artifacts/pipelines/ml-pipelines/checkpoints/",
      modelRetentionDays: 90,
    });
    expect(Object.keys(data).sort()).toEqual(Object.values(SETTINGS_KEYS).sort());
    expect(readSettings(data)).toMatchObject({
      cloud: "azure",
      environment: "production",
      allowedRegistries: ["acr.azurecr.io"],
      driftThreshold: 0.25,
      modelRetentionDays: 90,
      // The platform's MLflow Service (port 80), not the container port the steps used to default to.
      mlflowUrl: MLFLOW_URL,
      feastUrl: FEAST_URL,
    });
  });
});

describe("approval check", () => {
  it("accepts only a succeeded Suspend node of the approval step", async () => {
    const { approvalGranted } = await import("../../workflows/steps/promote");
    const wf = (node: Obj) => ({ status: { nodes: { n1: node } } });
    expect(approvalGranted(wf({ templateName: "approval", type: "Suspend", phase: "Succeeded" }))).toBe(true);
    expect(approvalGranted(wf({ displayName: "approval", type: "Suspend", phase: "Succeeded" }))).toBe(true);
    expect(approvalGranted(wf({ templateName: "approval", type: "Suspend", phase: "Running" }))).toBe(false);
    expect(approvalGranted(wf({ templateName: "approval", type: "Suspend", phase: "Failed" }))).toBe(false);
    expect(approvalGranted(wf({ templateName: "approval", type: "Pod", phase: "Succeeded" }))).toBe(false);
    expect(approvalGranted(wf({ templateName: "promote", type: "Suspend", phase: "Succeeded" }))).toBe(false);
    expect(approvalGranted({})).toBe(false);
    expect(approvalGranted(null)).toBe(false);
  });
  it("names the approver only from a resume by a signed-in person", async () => {
    const { approverOf } = await import("../../workflows/steps/promote");
    const labelled = (labels: Record<string, string>) => ({ metadata: { labels } });
    const A = "workflows.argoproj.io/";
    expect(approverOf(labelled({ [`${A}action`]: "Resume", [`${A}actor-email`]: "ana.at.example.ae", [`${A}actor`]: "sub" }))).toBe(
      "ana@example.ae",
    );
    expect(approverOf(labelled({ [`${A}action`]: "Resume", [`${A}actor-preferred-username`]: "ana" }))).toBe("ana");
    expect(approverOf(labelled({ [`${A}action`]: "Resume", [`${A}actor`]: "sub-123" }))).toBe("sub-123");
    expect(approverOf(labelled({ [`${A}action`]: "Resume" }))).toBeUndefined();
    expect(approverOf(labelled({ [`${A}action`]: "Update", [`${A}actor-email`]: "ana.at.example.ae" }))).toBeUndefined();
    expect(approverOf({})).toBeUndefined();
    expect(approverOf(null)).toBeUndefined();
  });
});
