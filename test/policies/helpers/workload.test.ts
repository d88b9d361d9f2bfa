/**
 * The workload view the pod rules share (policies/lib/kubernetes.ts): built once per props object
 * and type, so the six pod rules of one resource read one view, and never handed to another
 * resource or another type.
 */
import { describe, expect, it } from "vitest";
import { settingsFromPolicyConfig } from "../../../policies/config";
import { workloadOf } from "../../../policies/lib/kubernetes";

const pod = (image: string) => ({ metadata: { name: "p", namespace: "ml" }, spec: { containers: [{ name: "c", image }] } });
const deployment = (image: string) => ({
  metadata: { name: "d", namespace: "ml" },
  spec: { template: { metadata: {}, spec: { containers: [{ name: "c", image }] } } },
});

describe("workloadOf", () => {
  it("gives the same view for the same props and type, and its own view to other props", () => {
    const a = pod("registry.example/a@sha256:1");
    const first = workloadOf("kubernetes:core/v1:Pod", a);
    expect(workloadOf("kubernetes:core/v1:Pod", a)).toBe(first);
    expect(first?.containers.map((c) => c.container.image)).toEqual(["registry.example/a@sha256:1"]);
    const b = pod("registry.example/b@sha256:2");
    expect(workloadOf("kubernetes:core/v1:Pod", b)?.containers.map((c) => c.container.image)).toEqual(["registry.example/b@sha256:2"]);
  });

  it("reads the same props by the type it is asked for", () => {
    const props = { ...pod("registry.example/pod@sha256:1"), ...deployment("registry.example/deploy@sha256:2") };
    const asPod = workloadOf("kubernetes:core/v1:Pod", props);
    const asDeployment = workloadOf("kubernetes:apps/v1:Deployment", props);
    expect(asPod?.podSpecs.map((p) => p.path)).toEqual(["spec"]);
    expect(asDeployment?.podSpecs.map((p) => p.path)).toEqual(["spec.template.spec"]);
    expect(workloadOf("kubernetes:core/v1:ConfigMap", props)).toBeUndefined();
  });
});

describe("settingsFromPolicyConfig", () => {
  it("fills what the configuration leaves out with the defaults, which no rule can change", () => {
    const settings = settingsFromPolicyConfig({ allowedRegistries: ["registry.example"] });
    expect(settings.allowedRegistries).toEqual(["registry.example"]);
    expect(settings.allowedAwsRegions).toContain("me-central-1");
    expect(() => (settings.allowedAwsRegions as string[]).push("us-east-1")).toThrow(TypeError);
    expect(settingsFromPolicyConfig({}).allowedAwsRegions).not.toContain("us-east-1");
  });
});
