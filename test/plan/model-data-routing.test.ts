/**
 * New data retrains only its model, where the configuration says the model's data lands: in every
 * shipped plan the training Sensor has one data dependency per model, filtered on that model's
 * `models[].dataPrefix`, and the platform pipeline namespace's data and training identities (which
 * run those retrainings) can read exactly those prefixes: not the rest of the team's prefix, and not
 * the release identity. Its settings (the runs' allowed data prefixes) list them too.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { PlanResource } from "../../tools/lib/harness";
import { shippedPlan } from "../support/shipped-plan";

type Obj = Record<string, unknown>;
interface Model {
  name: string;
  team: string;
  dataPrefix: string;
  serving: { registeredModel?: string };
}
const modelsOf = (stack: string): Model[] =>
  (parse(readFileSync(`Pulumi.${stack}.yaml`, "utf8")) as { config: Record<string, unknown> }).config["mlops-platform:models"] as Model[];
const meta = (r: PlanResource) => (r.inputs.metadata ?? {}) as { name?: string; namespace?: string; annotations?: Record<string, string> };
const strings = (v: unknown): string[] => (typeof v === "string" ? [v] : Array.isArray(v) ? v.flatMap(strings) : []);

/** The regular expression of each data dependency, by the model its trigger retrains. */
function routes(plan: readonly PlanResource[], kind: "aws" | "azure") {
  const sensor = plan.find((r) => r.type === "kubernetes:argoproj.io/v1alpha1:Sensor");
  const spec = sensor?.inputs.spec as { dependencies: Obj[]; triggers: Obj[] };
  const out = new Map<string, RegExp>();
  for (const t of spec.triggers) {
    const tpl = t.template as { name: string; conditions: string; k8s: { source: { resource: { spec: Obj } } } };
    if (!tpl.name.startsWith("data-")) continue;
    const dep = spec.dependencies.find((d) => d.name === tpl.conditions) as { filters: { data: { path: string; value: string[] }[] } };
    const filter = dep.filters.data[0];
    expect(filter?.path).toBe(kind === "aws" ? "body.Records.0.s3.object.key" : "body.subject");
    const step = (tpl.k8s.source.resource.spec.templates as { steps: { withItems: string[] }[][] }[])[0]?.steps[0]?.[0];
    out.set(String(step?.withItems[0]), new RegExp(String(filter?.value[0])));
  }
  return out;
}

describe.each([
  ["dev", "aws"],
  ["uae-prod", "aws"],
  ["dev-azure", "azure"],
  ["uae-prod-azure", "azure"],
] as const)("data routing by models[].dataPrefix (%s)", (stack, cloud) => {
  const plan = shippedPlan(stack).resources;
  const models = modelsOf(stack);
  const key = (m: Model, object: string) =>
    cloud === "aws" ? `${m.dataPrefix}${object}` : `/blobServices/default/containers/datasets/blobs/${m.dataPrefix}${object}`;

  it("has one URN per resource (a repeated grant name would collide)", () => {
    const urns = plan.map((r) => r.urn);
    expect(urns.filter((u, i) => urns.indexOf(u) !== i)).toEqual([]);
  });

  it("routes a batch marker under a model's prefix to that model only, never by platform/<model>/", () => {
    const byModel = routes(plan, cloud);
    expect([...byModel.keys()].sort()).toEqual(models.map((m) => m.serving.registeredModel ?? m.name).sort());
    for (const m of models) {
      const re = byModel.get(m.serving.registeredModel ?? m.name) as RegExp;
      expect(re.test(key(m, "2026-11-27/_SUCCESS")), m.name).toBe(true);
      expect(re.test(key(m, "_SUCCESS")), m.name).toBe(true);
      expect(re.test(key(m, "2026-11-27/part-0001.csv")), m.name).toBe(false);
      const platformKey =
        cloud === "aws" ? `platform/${m.name}/x/_SUCCESS` : `/blobServices/default/containers/d/blobs/platform/${m.name}/x/_SUCCESS`;
      expect(re.test(platformKey), m.name).toBe(false);
      // A look-alike prefix (the same letters, then more) is not the model's.
      expect(re.test(key({ ...m, dataPrefix: m.dataPrefix.replace(/\/$/, "-v2/") }, "x/_SUCCESS")), m.name).toBe(false);
      for (const o of models.filter((x) => x !== m)) expect(re.test(key(o, "x/_SUCCESS")), `${m.name} vs ${o.name}`).toBe(false);
    }
  });

  it("lists each model's prefix in ml-pipelines' allowed data prefixes", () => {
    const cm = plan.find(
      (r) =>
        r.type === "kubernetes:core/v1:ConfigMap" &&
        meta(r).namespace === "ml-pipelines" &&
        String((r.inputs.data as Obj | undefined)?.PLATFORM_ALLOWED_DATA_PREFIXES ?? "") !== "",
    );
    const allowed = String(((cm?.inputs.data ?? {}) as Obj).PLATFORM_ALLOWED_DATA_PREFIXES).split("\n");
    for (const m of models)
      expect(
        allowed.some((a) => a.endsWith(`/${m.dataPrefix}`)),
        m.dataPrefix,
      ).toBe(true);
    // Only the models' prefixes of the teams, never a whole team prefix.
    expect(allowed.filter((a) => /\/teams\/[^/]+\/$/.test(a))).toEqual([]);
  });

  if (cloud === "aws") {
    const roles = plan.filter((r) => r.type === "aws:iam/role:Role");
    const accounts = new Map(
      plan
        .filter((r) => r.type === "kubernetes:core/v1:ServiceAccount" && meta(r).namespace === "ml-pipelines")
        .map((r) => [meta(r).name, meta(r).annotations?.["eks.amazonaws.com/role-arn"]]),
    );
    const readable = (account: string) => {
      const role = roles.find((r) => r.outputs.arn === accounts.get(account));
      expect(role, account).toBeDefined();
      return plan
        .filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.inputs.role === role?.outputs.name)
        .flatMap((r) => (JSON.parse(String(r.inputs.policy)) as { Statement: Obj[] }).Statement)
        .filter((s) => strings(s.Action).includes("s3:GetObject"))
        .flatMap((s) => strings(s.Resource))
        .filter((r) => /-datasets-/.test(r))
        .map((r) => r.replace(/^arn:aws:s3:::[^/]+\//, ""))
        .sort();
    };
    it("lets the data and training identities of ml-pipelines read exactly platform/ and the models' prefixes", () => {
      const expected = ["platform/*", ...models.map((m) => `${m.dataPrefix}*`)].sort();
      expect(readable("pipeline-data")).toEqual(expected);
      expect(readable("pipeline-train")).toEqual(expected);
      expect(readable("pipeline-register")).toEqual([]);
    });
  } else {
    const identities = plan.filter((r) => r.type === "azure-native:managedidentity:UserAssignedIdentity");
    const accounts = new Map(
      plan
        .filter((r) => r.type === "kubernetes:core/v1:ServiceAccount" && meta(r).namespace === "ml-pipelines")
        .map((r) => [meta(r).name, meta(r).annotations?.["azure.workload.identity/client-id"]]),
    );
    const readable = (account: string) => {
      const identity = identities.find((r) => r.outputs.clientId === accounts.get(account));
      expect(identity, account).toBeDefined();
      return plan
        .filter(
          (r) =>
            r.type === "azure-native:authorization:RoleAssignment" &&
            r.inputs.principalId === identity?.outputs.principalId &&
            /: read datasets\//.test(String(r.inputs.description)),
        )
        .map((r) => {
          // The condition, not the description, is what Azure enforces.
          const m = /StringStartsWith '([^']+)'/.exec(String(r.inputs.condition));
          return m?.[1] ?? "(no path condition)";
        })
        .sort();
    };
    it("lets the data and training identities of ml-pipelines read exactly platform/ and the models' prefixes", () => {
      const expected = ["platform/", ...models.map((m) => m.dataPrefix)].sort();
      expect(readable("pipeline-data")).toEqual(expected);
      expect(readable("pipeline-train")).toEqual(expected);
      expect(readable("pipeline-register")).toEqual([]);
    });
  }
});
