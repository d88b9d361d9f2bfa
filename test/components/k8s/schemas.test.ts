import { describe, expect, it } from "vitest";
import { schemaError } from "./schemas";

// The validator itself: it must refuse what the upstream schemas refuse, or the plan tests prove nothing.
describe("upstream schema validation", () => {
  it("accepts a valid object and refuses a wrong type and an unknown enum value", async () => {
    expect(
      await schemaError({ apiVersion: "v1", kind: "Service", metadata: { name: "a" }, spec: { type: "ClusterIP", ports: [{ port: 80 }] } }),
    ).toBeUndefined();
    const bad = await schemaError({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "a" },
      spec: { type: "Bogus", ports: [{ port: "eighty" }] },
    });
    expect(bad).toMatch(/port must be integer/);
    expect(bad).toMatch(/type must be equal to one of the allowed values/);
  });

  it("validates Argo Workflows, Argo Rollouts, cert-manager and prometheus-operator kinds", async () => {
    expect(
      await schemaError({
        apiVersion: "argoproj.io/v1alpha1",
        kind: "WorkflowTemplate",
        metadata: { name: "t" },
        spec: { templates: "x" },
      }),
    ).toMatch(/templates/);
    expect(
      await schemaError({ apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", metadata: { name: "r" }, spec: { replicas: "two" } }),
    ).toMatch(/replicas/);
    expect(
      await schemaError({ apiVersion: "cert-manager.io/v1", kind: "Certificate", metadata: { name: "c" }, spec: { secretName: "s" } }),
    ).toMatch(/issuerRef/);
    expect(
      await schemaError({
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: { name: "p" },
        spec: { groups: [{ rules: [] }] },
      }),
    ).toMatch(/name/);
  });

  it("validates KEDA and Traefik kinds (the model autoscalers and A/B routes)", async () => {
    expect(
      await schemaError({
        apiVersion: "keda.sh/v1alpha1",
        kind: "ScaledObject",
        metadata: { name: "m" },
        spec: { scaleTargetRef: { name: "m" }, minReplicaCount: "one", triggers: [] },
      }),
    ).toMatch(/minReplicaCount/);
    expect(
      await schemaError({ apiVersion: "keda.sh/v1alpha1", kind: "ScaledObject", metadata: { name: "m" }, spec: { triggers: [] } }),
    ).toMatch(/scaleTargetRef/);
    expect(
      await schemaError({
        apiVersion: "traefik.io/v1alpha1",
        kind: "IngressRoute",
        metadata: { name: "r" },
        spec: { routes: [{ match: "Host(`a`)", kind: "Bogus" }] },
      }),
    ).toMatch(/kind/);
  });

  it("refuses to pass a kind it has no schema for", async () => {
    await expect(schemaError({ apiVersion: "example.com/v1", kind: "Widget" })).rejects.toThrow(
      /no upstream schema for example.com\/v1 Widget/,
    );
  });
});
