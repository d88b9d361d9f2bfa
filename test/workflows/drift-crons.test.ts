import type * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import type { ArgoWorkflows } from "../../components/k8s/argo-workflows";
import { driftCronResources } from "../../components/k8s/drift-crons";
import type { ServedModelSpec } from "../../components/k8s/serving";
import { driftIdentitySpecs } from "../../stacks/identities";
import {
  CAPTURE_DAY,
  DRIFT_ARTIFACT_REPOSITORIES,
  DRIFT_TEMPLATE,
  driftArtifactPrefix,
  driftCronName,
  driftCronWorkflow,
  driftServiceAccount,
} from "../../workflows/drift-crons";
import { lintWorkflowDocuments, upstreamForm } from "../../workflows/lint";
import { shippedPlan } from "../support/shipped-plan";
import { modelsOf } from "../support/stack-values";

type Obj = Record<string, unknown>;
const SHIPPED = ["dev", "uae-prod", "dev-azure", "uae-prod-azure"] as const;

const params = (cron: Obj) =>
  Object.fromEntries(
    (((cron.spec as Obj).workflowSpec as Obj).arguments as { parameters: { name: string; value: unknown }[] }).parameters.map((p) => [
      p.name,
      p.value,
    ]),
  );

describe("driftCronWorkflow", () => {
  const cron = driftCronWorkflow(
    { name: "fraud-scorer", team: "fraud", registeredModel: "fraud-scorer", drift: { psiThreshold: 0.3, schedule: "*/30 * * * *" } },
    { captureUri: "s3://artifacts/capture/", retrainDataUri: "s3://datasets/teams/fraud/transactions/" },
  );

  it("is a valid CronWorkflow under the upstream Argo schema", async () => {
    const models = (await import("@kubernetes-models/argo-workflows")).argoprojIo.v1alpha1;
    const CronWorkflow = models.CronWorkflow as unknown as new (d: unknown) => { validate(): void };
    expect(() => new CronWorkflow(upstreamForm(cron)).validate()).not.toThrow();
    // The schema check is real: a CronWorkflow without its schedules is refused.
    const { schedules: _s, ...noSchedule } = cron.spec as Obj;
    expect(() => new CronWorkflow(upstreamForm({ ...cron, spec: noSchedule })).validate()).toThrow();
  });

  it("references the shared ClusterWorkflowTemplate, which the platform ships", async () => {
    expect(((cron.spec as Obj).workflowSpec as Obj).workflowTemplateRef).toEqual({ name: DRIFT_TEMPLATE, clusterScope: true });
    const { loadWorkflowDocuments } = await import("../../workflows");
    const shipped = loadWorkflowDocuments().find(
      (d) => d.object.kind === "ClusterWorkflowTemplate" && (d.object.metadata as Obj).name === DRIFT_TEMPLATE,
    );
    if (!shipped) throw new Error("workflows/drift-monitor.yaml ships no ClusterWorkflowTemplate drift-monitor");
    // Every parameter the CronWorkflow passes is one the template declares.
    const declared = ((shipped.object.spec as Obj).arguments as { parameters: { name: string }[] }).parameters.map((p) => p.name);
    for (const name of Object.keys(params(cron))) expect(declared).toContain(name);
    expect(await lintWorkflowDocuments([shipped])).toEqual([]);
  });

  it("carries the model's schedule, threshold, capture prefix, lineage reference and retraining data", () => {
    expect((cron.spec as Obj).schedules).toEqual(["*/30 * * * *"]);
    expect((cron.spec as Obj).timezone).toBe("UTC");
    expect((cron.spec as Obj).concurrencyPolicy).toBe("Forbid");
    expect(params(cron)).toEqual({
      "model-name": "fraud-scorer",
      team: "fraud",
      "reference-data-uri": "",
      "current-data-uri": `s3://artifacts/capture/fraud-scorer/${CAPTURE_DAY}/`,
      "psi-threshold": "0.3",
      "retrain-data-uri": "s3://datasets/teams/fraud/transactions/",
    });
    expect((cron.metadata as Obj).name).toBe("drift-fraud-scorer");
  });

  it("runs as the model's own drift account and archives under the model's own artifact repository key", () => {
    const spec = (cron.spec as Obj).workflowSpec as Obj;
    expect(spec.serviceAccountName).toBe(driftServiceAccount("fraud-scorer"));
    expect(spec.artifactRepositoryRef).toEqual({ configMap: DRIFT_ARTIFACT_REPOSITORIES, key: "fraud-scorer" });
    expect(driftArtifactPrefix("pipelines/ml-pipelines/", "fraud-scorer")).toBe("pipelines/ml-pipelines/drift/fraud-scorer/");
    // The identity's pod labels (Azure workload identity) reach every pod of the run, under the model's labels.
    const labelled = driftCronWorkflow(
      { name: "fraud-scorer", team: "fraud", registeredModel: "fraud-scorer", drift: { psiThreshold: 0.3, schedule: "0 * * * *" } },
      { captureUri: "s3://a/capture/", retrainDataUri: "s3://d/x/" },
      { "azure.workload.identity/use": "true", "mlops.platform/model": "spoofed" },
    );
    expect((((labelled.spec as Obj).workflowSpec as Obj).podMetadata as Obj).labels).toEqual({
      "azure.workload.identity/use": "true",
      "mlops.platform/model": "fraud-scorer",
      "mlops.platform/team": "fraud",
    });
  });

  it("refuses to declare a model's drift runs without the model's drift identity", () => {
    const model = {
      name: "fraud-scorer",
      team: "fraud",
      registeredModel: "fraud-scorer",
      version: 1,
      dataPrefix: "teams/fraud/transactions/",
      drift: { psiThreshold: 0.2, schedule: "0 * * * *" },
    } as unknown as ServedModelSpec;
    const args = {
      namespace: "ml-pipelines",
      namespaceName: "ml-pipelines",
      models: [model],
      captureUri: "s3://a/capture/",
      datasetsUri: "s3://d",
      identities: {},
      artifactStore: { cloud: "aws", bucket: "a", region: "me-central-1", endpoint: "s3.me-central-1.amazonaws.com" },
      artifactPrefix: "pipelines/ml-pipelines/",
      argo: {} as ArgoWorkflows,
      dependsOn: [],
    } as const;
    expect(() => driftCronResources("drift", args, {} as pulumi.Resource)).toThrow(
      /identities: no drift identity for fraud-scorer; the cloud layer must bind one per model/,
    );
    // Without capture there is no drift run, so no identity is needed.
    const { captureUri: _c, ...noCapture } = args;
    expect(() => driftCronResources("drift", noCapture, {} as pulumi.Resource)).not.toThrow();
  });
});

describe("driftIdentitySpecs: one identity per model, limited to its own data", () => {
  const longest = "m".repeat(30);
  const specs = driftIdentitySpecs({
    models: [
      { name: "fraud-scorer", dataPrefix: "teams/fraud/transactions/" },
      { name: longest, dataPrefix: "platform/x/" },
    ] as never,
  });

  it("reads the model's capture and data prefix and writes only its own runs' archive, in ml-pipelines", () => {
    expect(specs[0]).toEqual({
      key: "drift-fraud-scorer",
      namespace: "ml-pipelines",
      serviceAccounts: ["drift-fraud-scorer"],
      buckets: [
        { purpose: "artifacts", prefix: "capture/fraud-scorer/", mode: "read" },
        { purpose: "datasets", prefix: "teams/fraud/transactions/", mode: "read" },
        { purpose: "artifacts", prefix: "pipelines/ml-pipelines/drift/fraud-scorer/", mode: "readwrite" },
      ],
      readDataLakes: false,
      registry: "none",
      consumeDataEvents: false,
    });
  });

  it("keeps the longest model name (30 characters) within both clouds' identity keys", () => {
    // components/aws/identity.ts accepts 41 characters, components/azure/identity.ts 40.
    expect(specs[1]?.key).toMatch(/^[a-z][a-z0-9-]{0,39}$/);
  });
});

describe("shipped stacks: one drift CronWorkflow per declared model", () => {
  it.each(SHIPPED)("%s", (stack) => {
    const models = modelsOf(stack);
    expect(models.length).toBeGreaterThan(0);
    const crons = shippedPlan(stack).resources.filter(
      (r) => r.type === "kubernetes:argoproj.io/v1alpha1:CronWorkflow" && (r.inputs.metadata as Obj)?.labels !== undefined,
    );
    const drift = crons.filter((r) => ((r.inputs.metadata as Obj).labels as Obj)["mlops.platform/pipeline"] === DRIFT_TEMPLATE);
    expect(drift.map((r) => (r.inputs.metadata as Obj).name).sort()).toEqual(models.map((m) => driftCronName(m.name)).sort());
    for (const m of models) {
      const r = drift.find((c) => (c.inputs.metadata as Obj).name === driftCronName(m.name));
      const cron = r?.inputs as Obj;
      expect((cron.metadata as Obj).namespace).toBe("ml-pipelines");
      expect((cron.spec as Obj).schedules).toEqual([m.drift.schedule]);
      const p = params(cron);
      expect(p["model-name"]).toBe(m.serving.registeredModel);
      expect(p.team).toBe(m.team);
      expect(p["psi-threshold"]).toBe(String(m.drift.psiThreshold));
      expect(String(p["current-data-uri"])).toMatch(new RegExp(`/capture/${m.name}/\\{\\{workflow\\.creationTimestamp\\.Y\\}\\}-.*/$`));
      expect(String(p["retrain-data-uri"])).toMatch(new RegExp(`/${m.dataPrefix}$`));
    }
  });
});
