/**
 * Served-data capture in every shipped plan: each model's pod fronts its server with the capture
 * sidecar (the platform's step image) on the `http` port; it writes under `capture/<model>/` of the
 * stack's encrypted artifacts bucket, which the serving identity may write and only the model's own
 * drift account in ml-pipelines may read (test/plan/workload-identities.test.ts holds the rest of
 * that identity); the capture expires with the log retention.
 */
import { describe, expect, it } from "vitest";
import type { PlanResource } from "../../tools/lib/harness";
import { shippedPlan } from "../support/shipped-plan";

type Obj = Record<string, unknown>;
const meta = (r: PlanResource) => (r.inputs.metadata ?? {}) as { name?: string; namespace?: string; annotations?: Record<string, string> };
const strings = (v: unknown): string[] => (typeof v === "string" ? [v] : Array.isArray(v) ? v.flatMap(strings) : []);

describe.each([
  ["dev", "aws"],
  ["uae-prod", "aws"],
  ["dev-azure", "azure"],
  ["uae-prod-azure", "azure"],
] as const)("served-data capture (%s)", (stack, cloud) => {
  const plan = shippedPlan(stack).resources;
  const rollouts = plan.filter((r) => r.type === "kubernetes:argoproj.io/v1alpha1:Rollout");

  it("puts the capture sidecar on each model's http port, in front of the server", () => {
    expect(rollouts.length).toBeGreaterThan(0);
    for (const r of rollouts) {
      const name = meta(r).name as string;
      const containers = ((((r.inputs.spec as Obj).template as Obj).spec as Obj).containers ?? []) as Obj[];
      const [server, capture] = [containers.find((c) => c.name === "model"), containers.find((c) => c.name === "capture")];
      expect(capture, name).toBeDefined();
      expect(capture?.ports).toEqual([{ name: "http", containerPort: 8080 }]);
      // The model server listens on 127.0.0.1 only, behind the proxy, and is probed through it.
      expect(server?.ports).toBeUndefined();
      const args = (server?.args ?? []) as string[];
      expect(args[args.indexOf("-h") + 1]).toBe("127.0.0.1");
      expect(args[args.indexOf("-p") + 1]).toBe("8081");
      expect(((server?.readinessProbe as Obj)?.httpGet as Obj)?.port).toBe("http");
      expect(String(capture?.image)).toMatch(/\/steps[:@]/);
      const env = Object.fromEntries(((capture?.env ?? []) as { name: string; value?: string }[]).map((e) => [e.name, e.value]));
      expect(env.UPSTREAM_URL).toBe("http://127.0.0.1:8081");
      expect(env.CAPTURE_URI).toMatch(
        cloud === "aws"
          ? new RegExp(`^s3://[a-z0-9-]+-artifacts-[a-z0-9]+/capture/${name}/$`)
          : new RegExp(`^https://[a-z0-9]+\\.blob\\.core\\.windows\\.net/artifacts/capture/${name}/$`),
      );
      expect(Number(env.CAPTURE_SAMPLE_RATE)).toBeGreaterThan(0);
    }
  });

  it("lets the serving identity write the capture, each model's drift account read its own, and the pipeline accounts none", () => {
    const accounts = new Map(
      plan
        .filter((r) => r.type === "kubernetes:core/v1:ServiceAccount")
        .map((r) => [`${meta(r).namespace}/${meta(r).name}`, meta(r).annotations ?? {}]),
    );
    /** What `account` may do under `capture/` (`model`: under `capture/<model>/`, or the whole capture). */
    const capture = (account: string, model = ""): string[] => {
      const a = accounts.get(account) ?? {};
      if (cloud === "aws") {
        const role = plan.find((r) => r.type === "aws:iam/role:Role" && r.outputs.arn === a["eks.amazonaws.com/role-arn"]);
        return plan
          .filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.inputs.role === role?.outputs.name)
          .flatMap((r) => (JSON.parse(String(r.inputs.policy)) as { Statement: Obj[] }).Statement)
          .filter((s) => strings(s.Resource).some((x) => new RegExp(`-artifacts-[^/]+/capture/${model ? `(${model}/)?` : ""}\\*$`).test(x)))
          .flatMap((s) => strings(s.Action).map((x) => (/^s3:(Put|Delete)/.test(x) ? "write" : "read")))
          .filter((v, i, l) => l.indexOf(v) === i)
          .sort();
      }
      const identity = plan.find(
        (r) =>
          r.type === "azure-native:managedidentity:UserAssignedIdentity" && r.outputs.clientId === a["azure.workload.identity/client-id"],
      );
      return plan
        .filter(
          (r) =>
            r.type === "azure-native:authorization:RoleAssignment" &&
            r.inputs.principalId === identity?.outputs.principalId &&
            new RegExp(`StringStartsWith 'capture/${model ? `(${model}/)?` : ""}'`).test(String(r.inputs.condition)),
        )
        .map((r) => (/: readwrite /.test(String(r.inputs.description)) ? "write" : "read"))
        .sort();
    };
    expect(capture("serving/model-server")).toContain("write");
    for (const r of rollouts) {
      const model = meta(r).name as string;
      expect(capture(`ml-pipelines/drift-${model}`, model), model).toEqual(["read"]);
      for (const other of rollouts.map((o) => meta(o).name as string).filter((o) => o !== model))
        expect(capture(`ml-pipelines/drift-${other}`, model), `${other} reads ${model}`).toEqual([]);
    }
    for (const sa of ["pipeline-data", "pipeline-train", "pipeline-register"]) {
      expect(capture(`ml-pipelines/${sa}`), sa).toEqual([]);
      for (const r of rollouts) expect(capture(`ml-pipelines/${sa}`, meta(r).name as string), sa).toEqual([]);
    }
  });

  it("lets the drift monitor of ml-pipelines name the capture as its current data", () => {
    const cm = plan.find(
      (r) =>
        r.type === "kubernetes:core/v1:ConfigMap" &&
        meta(r).namespace === "ml-pipelines" &&
        String((r.inputs.data as Obj | undefined)?.PLATFORM_ALLOWED_DATA_PREFIXES ?? "") !== "",
    );
    const allowed = String(((cm?.inputs.data ?? {}) as Obj).PLATFORM_ALLOWED_DATA_PREFIXES).split("\n");
    expect(allowed.filter((a) => /artifacts.*\/capture\/$/.test(a))).toHaveLength(1);
  });

  it("expires the capture with the log retention", () => {
    if (cloud === "aws") {
      const rules = plan
        .filter((r) => r.type === "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")
        .flatMap((r) => (r.inputs.rules ?? []) as Obj[]);
      const capture = rules.filter((r) => (r.filter as Obj | undefined)?.prefix === "capture/");
      expect(capture).toHaveLength(1);
      const logs = rules.find((r) => r.id === "expire-current-objects" && (r.expiration as Obj).days !== undefined);
      expect(((capture[0]?.expiration ?? {}) as Obj).days).toBeGreaterThan(0);
      expect(logs).toBeDefined();
    } else {
      const rules = plan
        .filter((r) => r.type === "azure-native:storage:ManagementPolicy")
        .flatMap((r) => ((r.inputs.policy as Obj).rules ?? []) as Obj[]);
      const days = (name: string) => {
        const definition = (rules.find((r) => r.name === name)?.definition ?? {}) as Obj;
        const del = ((definition.actions as Obj).baseBlob as Obj).delete as Obj;
        return del.daysAfterModificationGreaterThan as number;
      };
      const capture = rules.find((r) => r.name === "expire-capture");
      expect((((capture?.definition ?? {}) as Obj).filters as Obj).prefixMatch).toEqual(["artifacts/capture/"]);
      expect(days("expire-capture")).toBe(days("expire-logs"));
    }
  });
});
