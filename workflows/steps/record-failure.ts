/**
 * `node dist/record-failure.js …`: the exit handler. When the workflow did not succeed it writes
 * a failure record (an Argo output artifact) and marks this workflow's MLflow run FAILED with the
 * failed steps as a tag. Nothing to do on success.
 */
import { cli, EXIT, parseFlags, type StepContext } from "./lib/cli";
import { TAGS } from "./lib/lineage";
import { MlflowClient, mlflowToken } from "./lib/mlflow";
import { writeOutputs } from "./lib/outputs";
import { readSettings } from "./lib/settings";
import { experimentName } from "./start-run";

/** The failed nodes from Argo's `{{workflow.failures}}` JSON (tolerates empty or malformed input). */
export function summariseFailures(text: string): { displayName: string; message: string; templateName: string; phase: string }[] {
  try {
    const list = JSON.parse(text || "[]") as unknown;
    if (!Array.isArray(list)) return [];
    return list.map((n) => {
      const x = (n ?? {}) as Record<string, unknown>;
      return {
        displayName: String(x.displayName ?? ""),
        message: String(x.message ?? ""),
        templateName: String(x.templateName ?? ""),
        phase: String(x.phase ?? ""),
      };
    });
  } catch {
    return [{ displayName: "(unparsed)", message: text.slice(0, 1000), templateName: "", phase: "" }];
  }
}

/** Entry point. */
export async function main(ctx: StepContext): Promise<number> {
  const f = parseFlags(ctx.argv, {
    "model-name": { required: true, description: "registered model name" },
    "workflow-uid": { required: true, description: "{{workflow.uid}}" },
    "workflow-name": { required: true, description: "{{workflow.name}}" },
    "workflow-status": { required: true, description: "{{workflow.status}}" },
    namespace: { required: true, description: "{{workflow.namespace}}" },
    failures: { required: false, description: "{{workflow.failures}}" },
  });
  if (f["workflow-status"] === "Succeeded") {
    ctx.log("workflow succeeded: nothing to record");
    return EXIT.OK;
  }
  const failures = summariseFailures(f.failures ?? "");
  const record = {
    workflow: f["workflow-name"],
    uid: f["workflow-uid"],
    namespace: f.namespace,
    status: f["workflow-status"],
    failures,
    recordedAt: new Date().toISOString(),
  };
  writeOutputs(ctx.env, { "failure.json": `${JSON.stringify(record, null, 2)}\n` });
  for (const x of failures) ctx.log(`failed: ${x.displayName} (${x.templateName}) ${x.phase}: ${x.message}`);

  const settings = readSettings(ctx.env);
  const mlflow = new MlflowClient(settings.mlflowUrl, mlflowToken(ctx.env));
  const experimentId = await mlflow.findExperiment(experimentName(f.namespace ?? "", f["model-name"] ?? ""));
  const runs = experimentId ? await mlflow.searchRuns(experimentId, `tags.\`${TAGS.workflowUid}\` = '${f["workflow-uid"]}'`) : [];
  for (const runId of runs) {
    await mlflow.logBatch(runId, {
      tags: { [TAGS.pipelineStatus]: f["workflow-status"] ?? "", [TAGS.failures]: JSON.stringify(failures) },
    });
    await mlflow.updateRun(runId, "FAILED");
    ctx.log(`marked MLflow run ${runId} FAILED`);
  }
  if (runs.length === 0)
    ctx.log("the workflow failed before its MLflow run was created; the failure record is in the workflow's artifacts");
  return EXIT.OK;
}

if (require.main === module) cli(main);
