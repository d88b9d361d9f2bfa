import { describe, expect, it } from "vitest";
import {
  GPU_COHORT,
  GPU_LOCAL_QUEUE,
  type GpuPoolCapacity,
  gpuQueueNames,
  gpuQueueObjects,
  gpuQueuePlan,
  gpuQuotaProblems,
} from "../../../components/k8s/gpu-queues";
import { kueueManagerConfig, kueueService, kueueValues } from "../../../components/k8s/kueue";
import { NAMESPACES, PIPELINE_NAMESPACE_LABEL } from "../../../contracts/endpoints";
import { CHARTS, IMAGES } from "../../../contracts/versions";
import { shippedPlan } from "../../support/shipped-plan";
import { schemaError } from "./schemas";

type Obj = Record<string, unknown>;

const POOLS: GpuPoolCapacity[] = [
  { name: "gpuspot", spot: true, maxNodes: 8, gpusPerNode: 4 },
  { name: "gpu", spot: false, maxNodes: 4, gpusPerNode: 4 },
];
const TEAMS = [
  { name: "fraud", gpuQuota: 24 },
  { name: "credit", gpuQuota: 16 },
];

type Flavor = { name: string; resources: { name: string; nominalQuota: unknown; borrowingLimit?: unknown }[] };

function flavorsOf(cq: Obj): Flavor[] {
  const groups = (cq.spec as Obj).resourceGroups as { flavors: Flavor[] }[];
  return (groups[0] as { flavors: Flavor[] }).flavors;
}

function nominal(objects: Obj[], queue: string): Record<string, number> {
  const cq = objects.find((o) => o.kind === "ClusterQueue" && (o.metadata as Obj).name === queue) as Obj;
  return Object.fromEntries(flavorsOf(cq).map((f) => [f.name, Number(f.resources[0]?.nominalQuota ?? 0)]));
}

describe("GPU queues", () => {
  const objects = gpuQueueObjects(gpuQueuePlan(TEAMS, POOLS));

  it("has a flavor and a ClusterQueue per GPU pool, a ClusterQueue and a LocalQueue per team, all in one cohort", () => {
    const names = (kind: string) => objects.filter((o) => o.kind === kind).map((o) => (o.metadata as Obj).name);
    expect(names("ResourceFlavor")).toEqual(["gpu-gpuspot", "gpu-gpu"]);
    expect(names("ClusterQueue")).toEqual(["team-fraud", "team-credit", "platform", "pool-gpuspot", "pool-gpu"]);
    for (const cq of objects.filter((o) => o.kind === "ClusterQueue")) expect((cq.spec as Obj).cohortName).toBe(GPU_COHORT);
    const local = objects.filter((o) => o.kind === "LocalQueue").map((o) => [(o.metadata as Obj).namespace, (o.spec as Obj).clusterQueue]);
    expect(local).toEqual([
      [NAMESPACES.pipelines, "platform"],
      ["team-fraud", "team-fraud"],
      ["team-credit", "team-credit"],
    ]);
    // Every local queue has the one name the training template uses, and points at a queue that exists.
    for (const l of objects.filter((o) => o.kind === "LocalQueue")) {
      expect((l.metadata as Obj).name).toBe(GPU_LOCAL_QUEUE);
      expect(names("ClusterQueue")).toContain((l.spec as Obj).clusterQueue);
    }
    // A queue's flavors are flavors that exist.
    for (const cq of objects.filter((o) => o.kind === "ClusterQueue"))
      for (const f of Object.keys(nominal(objects, String((cq.metadata as Obj).name)))) expect(names("ResourceFlavor")).toContain(f);
  });

  it("gives each team its gpuQuota as nominal quota, and the cohort exactly each pool's capacity", () => {
    expect(Object.values(nominal(objects, "team-fraud")).reduce((a, b) => a + b)).toBe(24);
    expect(Object.values(nominal(objects, "team-credit")).reduce((a, b) => a + b)).toBe(16);
    expect(Object.values(nominal(objects, "platform")).reduce((a, b) => a + b)).toBe(0);
    const cqs = objects.filter((o) => o.kind === "ClusterQueue").map((o) => nominal(objects, String((o.metadata as Obj).name)));
    for (const pool of POOLS) {
      const total = cqs.reduce((sum, q) => sum + (q[`gpu-${pool.name}`] ?? 0), 0);
      expect(total, pool.name).toBe(pool.maxNodes * pool.gpusPerNode);
    }
  });

  it("lends idle GPUs and reclaims a team's quota by preemption; pools lend to no namespace of their own", () => {
    for (const cq of objects.filter((o) => o.kind === "ClusterQueue")) {
      const spec = cq.spec as Obj;
      expect((spec.preemption as Obj).reclaimWithinCohort).toBe("Any");
      const flavors = flavorsOf(cq).flatMap((f) => f.resources);
      for (const r of flavors) expect(r.borrowingLimit).toBeUndefined();
      const name = String((cq.metadata as Obj).name);
      if (name.startsWith("pool-")) expect(spec.namespaceSelector).toBeUndefined();
      else
        expect(spec.namespaceSelector).toEqual({
          matchLabels: { "kubernetes.io/metadata.name": gpuQueueNames(name === "platform" ? undefined : name.slice(5)).namespace },
        });
    }
  });

  it("selects each pool's nodes by name and capacity, so a pod that requires on-demand is only admitted on an on-demand flavor", () => {
    const flavors = objects.filter((o) => o.kind === "ResourceFlavor").map((o) => (o.spec as Obj).nodeLabels);
    expect(flavors).toEqual([
      { "mlops.platform/node-pool": "gpuspot", "mlops.platform/capacity": "spot" },
      { "mlops.platform/node-pool": "gpu", "mlops.platform/capacity": "on-demand" },
    ]);
  });

  it("validates every object against Kueue's v1beta2 CRD schema, which refuses a broken one", async () => {
    for (const o of objects) expect(await schemaError(o), `${o.kind}`).toBeUndefined();
    const bad = structuredClone(objects.find((o) => o.kind === "ClusterQueue")) as Obj;
    (flavorsOf(bad)[0] as Flavor).resources = [{ name: "nvidia.com/gpu", nominalQuota: "lots" }];
    expect(await schemaError(bad)).toMatch(/nominalQuota/);
    expect(
      await schemaError({
        apiVersion: "kueue.x-k8s.io/v1beta2",
        kind: "LocalQueue",
        metadata: { name: "q" },
        spec: { clusterQueue: "Not_A_Name" },
      }),
    ).toMatch(/clusterQueue/);
  });

  it("refuses a team quota above the pools' capacity, and quotas that together exceed it, naming the team", () => {
    expect(gpuQuotaProblems([{ name: "a", gpuQuota: 49 }], POOLS)).toEqual([
      { team: 0, message: expect.stringMatching(/capacity of 48 GPUs.*gpuspot: 8 × 4/) },
    ]);
    expect(
      gpuQuotaProblems(
        [
          { name: "a", gpuQuota: 30 },
          { name: "b", gpuQuota: 20 },
        ],
        POOLS,
      ),
    ).toEqual([{ team: 1, message: expect.stringMatching(/brings the teams' GPU quotas to 50/) }]);
    expect(gpuQuotaProblems([{ name: "a", gpuQuota: 48 }], POOLS)).toEqual([]);
    expect(() => gpuQueuePlan([{ name: "a", gpuQuota: 1 }], [])).toThrow(/teams\[0\].gpuQuota \(1\)/);
  });
});

describe("Kueue's configuration", () => {
  it("manages pods only in the pipeline namespaces and only with a queue name, and counts only GPUs", () => {
    const cfg = kueueManagerConfig();
    expect(cfg.managedJobsNamespaceSelector).toEqual({ matchLabels: { ...PIPELINE_NAMESPACE_LABEL } });
    expect(cfg.manageJobsWithoutQueueName).toBe(false);
    expect((cfg.integrations as Obj).frameworks).toEqual(["pod"]);
    expect(cfg.resources).toEqual({ quotaCheckStrategy: "IgnoreUndeclared" });
  });

  it("runs the pinned release image, never the chart's floating staging tag", () => {
    const manager = ((kueueValues(2).controllerManager as Obj).manager as Obj).image as Obj;
    expect(manager).toEqual({ repository: IMAGES.kueue.repository, tag: IMAGES.kueue.tag, pullPolicy: "IfNotPresent" });
    expect(String((kueueValues(1).managerConfig as Obj).controllerManagerConfigYaml)).toContain("managedJobsNamespaceSelector");
  });
});

describe("Kueue's catalogue entry", () => {
  it("lets the control plane reach the admission webhooks and the aggregated visibility API, and nothing else in", () => {
    const flows = kueueService.ingress({ networkCidr: "10.40.0.0/16" });
    const ports = flows.flatMap((f) => (f.ports ?? []).map((p) => p.port));
    expect(ports).toEqual([9443, 8082]);
    for (const f of flows.filter((x) => (x.ports ?? []).length > 0))
      expect(f.peers).toEqual([{ cidr: "10.40.0.0/16" }, { namespace: "kube-system" }]);
    expect(kueueService.charts).toEqual([CHARTS.kueue]);
  });
});

describe("the GPU queues in the uae-prod plan", () => {
  it("make each team's LocalQueue wait for its own namespace only, so a plan grows linearly with teams", () => {
    const plan = shippedPlan("uae-prod");
    const local = plan.resources.filter((r) => r.type === "kubernetes:kueue.x-k8s.io/v1beta2:LocalQueue");
    const teams = local.map((r) => String((r.inputs.metadata as { namespace: string }).namespace)).filter((ns) => ns.startsWith("team-"));
    expect(teams.length).toBeGreaterThanOrEqual(2);
    for (const r of local) {
      const ns = String((r.inputs.metadata as { namespace: string }).namespace);
      for (const other of teams.filter((t) => t !== ns)) {
        const name = other.replace("team-", "");
        const foreign = (r.dependencies ?? []).filter(
          (d) => d.includes("mlops-platform:k8s:Team") && d.split("::").pop()?.includes(`-${name}`),
        );
        expect(foreign, `${ns} waits for ${other}`).toEqual([]);
      }
    }
  });
});
