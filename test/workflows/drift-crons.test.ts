import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../stacks/config";
import { readStackConfig } from "../../tools/lib/stack-config";
import { CAPTURE_DAY, DRIFT_TEMPLATE, driftCronName, driftCronWorkflow } from "../../workflows/drift-crons";
import { lintWorkflowDocuments, upstreamForm } from "../../workflows/lint";
import { shippedPlan } from "../support/shipped-plan";

type Obj = Record<string, unknown>;
const ROOT = resolve(__dirname, "../..");
const SHIPPED = ["dev", "uae-prod", "dev-azure", "uae-prod-azure"] as const;

function modelsOf(stack: string) {
  const { values } = readStackConfig(ROOT, stack);
  const raw = Object.fromEntries(
    Object.entries(values)
      .filter(([k]) => k.startsWith("mlops-platform:"))
      .map(([k, v]) => [k.slice("mlops-platform:".length), v]),
  );
  return resolveConfig(raw, "mlops-platform", stack).models;
}

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
