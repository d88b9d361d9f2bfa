/** The service endpoints the pipeline steps call are the Services the platform creates. */
import { describe, expect, it } from "vitest";
import { FEAST_SERVICE as FEAST_CREATED } from "../../components/k8s/feast";
import { MLFLOW_GATE_SERVICE as MLFLOW_CREATED } from "../../components/k8s/mlflow";
import { FEAST_URL, MLFLOW_URL, NAMESPACES, serviceUrl } from "../../contracts/endpoints";
import { pipelineSettingsData } from "../../workflows";
import { DEFAULT_FEAST_URL, DEFAULT_MLFLOW_URL, readSettings } from "../../workflows/steps/lib/settings";

describe("service endpoints", () => {
  it("the URLs are built from the Services the platform creates", () => {
    expect(MLFLOW_URL).toBe(`http://${MLFLOW_CREATED.name}.${NAMESPACES.mlflow}.svc.cluster.local:${MLFLOW_CREATED.port}`);
    expect(FEAST_URL).toBe(`http://${FEAST_CREATED.name}.${NAMESPACES.feast}.svc.cluster.local:${FEAST_CREATED.port}`);
    // Steps and model servers call the MLflow gate, never MLflow itself.
    expect(MLFLOW_URL).toBe("http://mlflow-gate.mlflow.svc.cluster.local:80");
    expect(serviceUrl({ name: "a", port: 1 }, "b")).toBe("http://a.b.svc.cluster.local:1");
  });

  it("the steps' own fallbacks (self-contained image) equal the shared contract", () => {
    expect(DEFAULT_MLFLOW_URL).toBe(MLFLOW_URL);
    expect(DEFAULT_FEAST_URL).toBe(FEAST_URL);
  });

  it("a step with an empty settings environment calls the platform's Services", () => {
    const s = readSettings({
      PLATFORM_CLOUD: "aws",
      PLATFORM_REGION: "me-central-1",
      PLATFORM_ENVIRONMENT: "development",
      PLATFORM_ALLOWED_DATA_PREFIXES: "s3://b/",
      PLATFORM_ALLOWED_REGISTRIES: "r",
      PLATFORM_DRIFT_THRESHOLD: "0.2",
    });
    expect(s.mlflowUrl).toBe(MLFLOW_URL);
    expect(s.feastUrl).toBe(FEAST_URL);
  });

  it("the settings ConfigMap defaults to the shared endpoints", () => {
    const data = pipelineSettingsData({
      cloud: "aws",
      region: "me-central-1",
      environment: "development",
      allowedDataPrefixes: ["s3://b/platform/"],
      allowedRegistries: ["r"],
      driftThreshold: 0.2,
    });
    expect(Object.values(data)).toContain(MLFLOW_URL);
    expect(Object.values(data)).toContain(FEAST_URL);
    expect(Object.values(data)).toContain(NAMESPACES.serving);
  });
});
