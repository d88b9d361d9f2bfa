/**
 * The MLflow registry's authorization decision lives with the gate that enforces it
 * (`workflows/steps/lib/mlflow-authz.ts`, built into the pipeline-step image and run by
 * `mlflow-gate` in front of MLflow, see ./mlflow.ts); re-exported here for the platform's code.
 */
export * from "../../workflows/steps/lib/mlflow-authz";
