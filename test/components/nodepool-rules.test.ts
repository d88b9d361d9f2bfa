/** The node-pool rules both clouds share are written once and refuse the same pools on both. */
import { describe, expect, it } from "vitest";
import { checkPool } from "../../components/azure/nodepool";
import { ArgsCheck } from "../../components/azure/validate";
import { nodePoolProblems } from "../../components/nodepool-rules";
import { GPU_TAINT } from "../../contracts/scheduling";

const bounds = { min: "minSize", max: "maxSize" };
const good = { name: "gpu", kind: "gpu" as const, min: 0, max: 4, diskSizeGiB: 200, spot: false, taints: [GPU_TAINT] };

describe("shared node-pool rules", () => {
  it("accept a sound pool", () => {
    expect(nodePoolProblems(good, bounds)).toEqual([]);
  });

  it("name each problem with the cloud's own argument names, the value and the fix", () => {
    const bad = { ...good, kind: "system" as const, name: "System-1", min: 0, max: 0, diskSizeGiB: 10, spot: true, taints: [GPU_TAINT] };
    const problems = nodePoolProblems(bad, bounds);
    expect(problems.map((p) => p.arg).sort()).toEqual(["diskSizeGiB", "maxSize", "minSize", "name", "spot", "taints"]);
    expect(problems.find((p) => p.arg === "spot")).toEqual({ arg: "spot", value: true, fix: "run the system pool on on-demand capacity" });
    expect(nodePoolProblems({ ...good, min: 5, max: 2 }, { min: "minCount", max: "maxCount" })).toEqual([
      { arg: "minCount", value: 5, fix: "make minCount at most maxCount (2)" },
    ]);
  });

  it("the Azure check reports them through its own error, before anything is created", () => {
    const check = new ArgsCheck("mlops-platform:azure:NodePools", "p");
    checkPool(
      check,
      {
        name: "inference",
        kind: "cpu",
        vmSize: "Standard_D4s_v5",
        minCount: 1,
        maxCount: 2,
        diskSizeGiB: 64,
        spot: false,
        labels: {},
        taints: [GPU_TAINT],
      },
      "pools[0]",
    );
    expect(() => check.done()).toThrow(/pools\[0\]\.taints: only GPU pools carry the nvidia\.com\/gpu taint/);
  });
});
