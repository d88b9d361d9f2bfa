/** How `stacks/services.ts` maps the configuration onto the platform services (pure parts). */
import { describe, expect, it } from "vitest";
import { ConfigError, resolveConfig } from "../../stacks/config";
import { commonLabels, ingressDomain } from "../../stacks/services";
import { rawOf } from "../support/stack-values";

describe("services configuration", () => {
  it("puts the internal hosts under <stack>.mlops.internal unless services.domain says otherwise", () => {
    const dev = resolveConfig(rawOf("dev"), "mlops-platform", "dev");
    expect(ingressDomain(dev)).toBe("dev.mlops.internal");
    const raw = rawOf("dev");
    const custom = resolveConfig({ ...raw, services: { ...(raw.services as object), domain: "mlops.bank.ae" } }, "mlops-platform", "dev");
    expect(ingressDomain(custom)).toBe("mlops.bank.ae");
  });

  it("refuses a services.domain that is not a DNS domain, naming the key, the value and the form", () => {
    const raw = rawOf("dev");
    let error: unknown;
    try {
      resolveConfig({ ...raw, services: { ...(raw.services as object), domain: "Not A Domain" } }, "mlops-platform", "dev");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(
      /mlops-platform:services.domain: must be a lowercase DNS domain such as dev.mlops.example.ae \(received: "Not A Domain"\)/,
    );
  });

  it("selects a pool kind by the labels all its pools share", () => {
    const dev = resolveConfig(rawOf("dev"), "mlops-platform", "dev");
    expect(commonLabels(dev.nodePools.gpu, ["nvidia.com/gpu.present", "mlops.platform/pool", "mlops.platform/capacity"])).toEqual({
      "nvidia.com/gpu.present": "true",
      "mlops.platform/pool": "gpu-training",
    });
    expect(commonLabels(dev.nodePools.cpu, ["mlops.platform/pool"])).toEqual({ "mlops.platform/pool": "cpu-inference" });
  });
});
