/** The GPU scheduling contract is one contract on both clouds. */
import { describe, expect, it } from "vitest";
import { poolLabels as awsPoolLabels, poolTaints as awsPoolTaints } from "../../components/aws/nodepool";
import { poolLabels as azurePoolLabels, poolTaints as azurePoolTaints, taintString } from "../../components/azure/nodepool";
import { GPU_TOLERATION } from "../../components/k8s/gpu";
import { GPU_POOL_LABELS, GPU_TAINT, NODE_LABEL_KEYS } from "../../contracts/scheduling";
import { GPU_POOL } from "../../workflows/lint";

describe("GPU scheduling contract", () => {
  it("AWS and Azure node pools carry the same platform labels for the same pool", () => {
    const labels = { ...GPU_POOL_LABELS, team: "x" };
    const aws = awsPoolLabels("gpu", {
      name: "gpuspot",
      instanceTypes: ["g5.xlarge"],
      minSize: 0,
      maxSize: 2,
      diskSizeGiB: 100,
      spot: true,
      labels,
      taints: [],
    });
    const azure = azurePoolLabels({
      name: "gpuspot",
      kind: "gpu",
      vmSize: "Standard_NC4as_T4_v3",
      minCount: 0,
      maxCount: 2,
      diskSizeGiB: 100,
      spot: true,
      labels,
      taints: [],
    });
    expect(aws).toEqual(azure);
    expect(aws[NODE_LABEL_KEYS.kind]).toBe("gpu");
    expect(aws).toMatchObject(GPU_POOL_LABELS);
  });

  it("both clouds taint GPU pools with the one GPU taint, and the agents and lint tolerate exactly it", () => {
    const aws = awsPoolTaints("gpu", {
      name: "gpu",
      instanceTypes: ["g5.xlarge"],
      minSize: 0,
      maxSize: 2,
      diskSizeGiB: 100,
      spot: false,
      labels: {},
      taints: [],
    });
    const azure = azurePoolTaints({
      name: "gpu",
      kind: "gpu",
      vmSize: "Standard_NC4as_T4_v3",
      minCount: 0,
      maxCount: 2,
      diskSizeGiB: 100,
      spot: false,
      labels: {},
      taints: [],
    });
    expect(aws).toEqual([GPU_TAINT]);
    expect(azure).toEqual([taintString(GPU_TAINT)]);
    expect(GPU_TOLERATION).toMatchObject({ key: GPU_TAINT.key, effect: GPU_TAINT.effect });
    expect(GPU_POOL).toMatchObject({
      taintKey: GPU_TAINT.key,
      taintValue: GPU_TAINT.value,
      labelValue: GPU_POOL_LABELS[NODE_LABEL_KEYS.pool],
    });
  });
});
