/**
 * docs/capacity.md's table, recomputed from the profiles: every cell the document derives must
 * equal what `stacks/capacity.ts` computes from `stacks/profiles.ts` and the instance catalogue,
 * and the assumptions the computation uses must match the code they describe.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { RESOURCE_PRESETS } from "../../components/k8s/security";
import {
  ASSUMED_RPS_PER_REPLICA,
  AWS_PRICES,
  MESH_NODE_AGENTS,
  quantity as parseQuantity,
  podsPerNode,
  profileCapacity,
  SERVING_REPLICA,
  TRAINING_POD,
} from "../../stacks/capacity";
import { shippedPlan } from "../support/shipped-plan";

type Obj = Record<string, unknown>;
const ROOT = join(__dirname, "..", "..");
const doc = readFileSync(join(ROOT, "docs", "capacity.md"), "utf8");

/** The table's rows: profile, cloud and the cells after them. */
function rows(): string[][] {
  return doc
    .split("\n")
    .filter((l) => /^\| (smb|enterprise) \|/.test(l))
    .map((l) =>
      l
        .split("|")
        .slice(1, -1)
        .map((c) => c.trim()),
    );
}

const usd = (v: number | undefined) => (v === undefined ? "not known offline" : Math.round(v).toLocaleString("en-US"));
const num = (v: number) => v.toLocaleString("en-US");

/** Parses a Kubernetes CPU or memory quantity into cores or GiB. */
function quantity(q: string): number {
  const m = /^([0-9.]+)(m|Mi|Gi)?$/.exec(q);
  if (!m) throw new Error(`quantity ${q}`);
  const v = Number(m[1]);
  return m[2] === "m" ? v / 1000 : m[2] === "Mi" ? v / 1024 : v;
}

describe("docs/capacity.md", () => {
  it("has one row per profile and cloud", () => {
    expect(rows().map((r) => `${r[0]}/${r[1]}`)).toEqual(["smb/aws", "smb/azure", "enterprise/aws", "enterprise/azure"]);
  });

  it.each(rows().map((r) => [`${r[0]} ${r[1]}`, r] as const))("%s: every cell equals what the profile gives", (_label, r) => {
    const c = profileCapacity(r[0] as "smb" | "enterprise", r[1] as "aws" | "azure");
    expect(r.slice(2)).toEqual([
      num(c.gpus),
      num(c.maxTrainingRuns),
      `${c.cpuPoolMaxNodes} × ${c.replicasPerCpuNode}`,
      num(c.inferenceRps),
      usd(c.idleMonthlyUsd),
      usd(c.fullMonthlyUsd),
    ]);
  });

  it("states the sourced prices the computation uses, and the per-replica throughput", () => {
    for (const [type, p] of Object.entries(AWS_PRICES).filter(([, p]) => p.kind === "sourced"))
      expect(doc, type).toContain(`\`${type}\` ${p.usdPerHour}`);
    expect(doc).toContain(`**Per-replica throughput: ${ASSUMED_RPS_PER_REPLICA} requests/s**`);
  });

  it("counts a training run as what the pipeline's train step requests (main container, checkpoint sidecar, Argo's wait container)", () => {
    const yaml = YAML.parse(readFileSync(join(ROOT, "workflows", "training-pipeline.yaml"), "utf8")) as Obj;
    const train = ((yaml.spec as Obj).templates as Obj[]).find((t) => t.name === "train") as Obj;
    const requests = [
      ((train.container as Obj).resources as Obj).requests as Record<string, string>,
      ...(train.sidecars as Obj[]).map((s) => (s.resources as Obj).requests as Record<string, string>),
      RESOURCE_PRESETS.tiny.requests, // Argo's wait container (the platform's executor resources)
    ];
    expect(requests.reduce((s, r) => s + quantity(String(r.cpu)), 0)).toBeCloseTo(TRAINING_POD.cpu, 6);
    expect(requests.reduce((s, r) => s + quantity(String(r.memory)), 0)).toBeCloseTo(TRAINING_POD.memoryGiB, 6);
    expect(SERVING_REPLICA).toEqual({
      cpu: quantity(RESOURCE_PRESETS.large.requests.cpu),
      memoryGiB: quantity(RESOURCE_PRESETS.large.requests.memory),
    });
  });

  it("fits pods by CPU, memory and GPUs (the smallest GPU node holds one training pod, a 4-CPU pod would not fit)", () => {
    expect(podsPerNode("Standard_NC4as_T4_v3", TRAINING_POD)).toBe(1);
    expect(podsPerNode("Standard_NC4as_T4_v3", { ...TRAINING_POD, cpu: 4.125 })).toBe(0);
    expect(podsPerNode("g5.12xlarge", TRAINING_POD)).toBe(4); // GPU-bound
    expect(podsPerNode("c5.2xlarge", SERVING_REPLICA)).toBe(6); // memory-bound (16 GiB less 2 + 0.75 for the node and mesh)
    expect(() => podsPerNode("x9.huge", SERVING_REPLICA)).toThrow(/not in stacks\/catalog\/instances.ts/);
  });

  it.each(["uae-prod", "uae-prod-azure"])("counts the mesh's node agents as %s installs them (ztunnel and CNI requests)", (stack) => {
    const releases = shippedPlan(stack).resources.filter(
      (r) => r.type === "kubernetes:helm.sh/v3:Release" && ["ztunnel", "cni"].includes(String((r.inputs as Obj).chart)),
    );
    expect(releases).toHaveLength(2);
    const sum = releases.reduce(
      (acc, r) => {
        const req = (((r.inputs as Obj).values as Obj).resources as Obj).requests as Record<string, string>;
        return { cpu: acc.cpu + parseQuantity(req.cpu as string), memoryGiB: acc.memoryGiB + parseQuantity(req.memory as string) };
      },
      { cpu: 0, memoryGiB: 0 },
    );
    expect(sum.cpu).toBeCloseTo(MESH_NODE_AGENTS.cpu, 6);
    expect(sum.memoryGiB).toBeCloseTo(MESH_NODE_AGENTS.memoryGiB, 6);
  });

  it("refuses a quantity it cannot read", () => {
    expect(parseQuantity("250m")).toBe(0.25);
    expect(parseQuantity("2Gi")).toBe(2);
    expect(() => parseQuantity("1.5Ki")).toThrow(/not in m, Mi or Gi/);
  });
});
