/**
 * Tag keys the pipeline writes on MLflow runs and model versions, and the gate evaluation that
 * the gate, registration and promotion steps all run against MLflow (each re-checks it, so
 * submitting the workflow with another entrypoint cannot skip it).
 */
import { EXIT, StepError } from "./cli";
import { type Champion, evaluateGate, type GateSpec, type GateVerdict, parseGateSpec } from "./gate";
import type { MlflowClient, RunInfo } from "./mlflow";

/** Tag keys (lineage). */
export const TAGS = {
  workflowUid: "mlops.platform/workflow-uid",
  workflowName: "mlops.platform/workflow-name",
  namespace: "mlops.platform/namespace",
  modelName: "mlops.platform/model-name",
  codeVersion: "mlops.platform/code-version",
  dataUri: "mlops.platform/data-uri",
  dataChecksum: "mlops.platform/data-sha256",
  /** The data's object versions: JSON `[[path, versionId, sha256], …]` (lib/data-versions.ts). */
  dataVersions: "mlops.platform/data-versions",
  trainingImage: "mlops.platform/training-image",
  evaluation: "mlops.platform/evaluation",
  gate: "mlops.platform/quality-gate",
  pipelineStatus: "mlops.platform/pipeline-status",
  failures: "mlops.platform/failures",
  promotedBy: "mlops.platform/promoted-by-workflow",
  /** The person who approved a production promotion (from Argo's SSO actor labels). */
  approvedBy: "mlops.platform/approved-by",
  /** How the version's rollout ended: `healthy`, `aborted by analysis` or `timed out`, with the Rollout's detail. */
  rolloutOutcome: "mlops.platform/rollout-outcome",
} as const;

/** The alias of the production model. */
export const CHAMPION_ALIAS = "champion";

/** The candidate run, the champion and the verdict. */
export interface GateEvaluation {
  readonly run: RunInfo;
  readonly champion: Champion | null;
  readonly verdict: GateVerdict;
}

/**
 * Reads the candidate run and the champion from MLflow and evaluates the gate. The run must
 * carry this pipeline run's tags (created by the `start-run` step), so a run id from elsewhere
 * cannot be slipped in. Any MLflow failure throws: the gate never defaults to open.
 */
export async function evaluateFromMlflow(
  mlflow: MlflowClient,
  spec: GateSpec,
  modelName: string,
  runId: string,
  workflowUid: string,
): Promise<GateEvaluation> {
  const run = await mlflow.getRun(runId);
  if (!run) throw new StepError(`MLflow run ${runId} does not exist: the gate evaluates only runs created by this pipeline`, EXIT.REFUSED);
  const problems: string[] = [];
  if (run.tags[TAGS.workflowUid] !== workflowUid) {
    problems.push(`run ${runId} was created by workflow ${JSON.stringify(run.tags[TAGS.workflowUid])}, not by this one (${workflowUid})`);
  }
  if (run.tags[TAGS.modelName] !== modelName) {
    problems.push(`run ${runId} trains model ${JSON.stringify(run.tags[TAGS.modelName])}, not ${JSON.stringify(modelName)}`);
  }
  if (problems.length > 0) throw new StepError(`quality gate REFUSED:\n  - ${problems.join("\n  - ")}`, EXIT.REFUSED);

  let champion: Champion | null = null;
  const championVersion = await mlflow.getVersionByAlias(modelName, CHAMPION_ALIAS);
  if (championVersion) {
    const championRun = championVersion.runId ? await mlflow.getRun(championVersion.runId) : null;
    // A champion whose run is gone has no metrics: the comparison then fails closed.
    const recorded = championRun?.tags[TAGS.gate];
    let spec: GateSpec | "invalid" | undefined;
    if (recorded !== undefined) {
      try {
        spec = parseGateSpec(recorded);
      } catch {
        spec = "invalid";
      }
    }
    champion = { version: championVersion.version, metrics: championRun?.metrics ?? {}, ...(spec !== undefined ? { spec } : {}) };
  }
  return { run, champion, verdict: evaluateGate(spec, run.metrics, champion) };
}
