/**
 * Every rule, through the offline engine: the compliant case passes, each single change is
 * reported, and an unknown value behaves as in a preview (residency: a mandatory violation;
 * otherwise the CLI's advisory "can't run policy during preview").
 */
import { describe, expect, it } from "vitest";
import { stackEnvironmentFromConfig } from "../../contracts/environment";
import { parsePackConfig } from "../../policies/config";
import { allPolicies } from "../../policies/rules";
import { checkPlan } from "../../tools/lib/check";
import { applyChange } from "./apply";
import { CASES, type ViolationCase } from "./cases";
import { plan, type Spec, UNKNOWN } from "./fixture";

const packConfig = parsePackConfig({});
// Production (data-safety rules apply) with the production minima: 35 days of backups, 365 of logs.
const environment = stackEnvironmentFromConfig({ environment: "production" }, "test");

async function run(name: string, specs: readonly Spec[], provider?: ViolationCase["provider"]) {
  const policy = allPolicies.find((p) => p.name === name);
  if (!policy) throw new Error(`no rule ${name}`);
  const result = await checkPlan(plan(specs, provider), { stack: "test", packConfig, environment, policies: [policy] });
  return result.violations;
}

for (const policy of allPolicies) {
  const c = CASES[policy.name];
  describe(policy.name, () => {
    it("has test cases", () => {
      expect(c, `add cases for ${policy.name} in test/policies/cases.ts`).toBeDefined();
    });
    if (!c) return;

    it("passes the compliant resources", async () => {
      expect(await run(policy.name, c.specs)).toEqual([]);
    });

    for (const v of c.violations) {
      it(`reports: ${v.why}`, async () => {
        const violations = await run(policy.name, applyChange(c, v, v.value), v.provider);
        const mandatory = violations.filter((x) => x.enforcementLevel === "mandatory");
        expect(mandatory.length, JSON.stringify(violations)).toBeGreaterThan(0);
        if (v.expect) expect(mandatory.map((x) => x.message).join("\n")).toContain(v.expect);
      });
    }

    const unknownTitle = { mandatory: "a violation", advisory: "not checkable during preview (advisory)", none: "having no effect" }[
      c.unknown.expect
    ];
    it(`treats an unknown value as ${unknownTitle}`, async () => {
      const violations = await run(policy.name, applyChange(c, c.unknown, UNKNOWN), c.unknown.provider);
      if (c.unknown.expect === "none") {
        expect(violations).toEqual([]);
      } else if (c.unknown.expect === "mandatory") {
        expect(violations.some((x) => x.enforcementLevel === "mandatory")).toBe(true);
      } else {
        expect(violations).toHaveLength(1);
        expect(violations[0]?.enforcementLevel).toBe("advisory");
        expect(violations[0]?.message).toMatch(
          /can't run policy '.+' from policy pack 'mlops-platform@v.+' during preview: .+ can't be known during preview/,
        );
      }
    });
  });
}

describe("kubernetes-admissionregistration-binding-enforce-guarded-namespaces: the approval policy in either environment", () => {
  const name = "kubernetes-admissionregistration-binding-enforce-guarded-namespaces";
  const c = CASES[name];
  if (!c) throw new Error(`no cases for ${name}`);
  const development = stackEnvironmentFromConfig({ environment: "development" }, "test");
  const check = async (specs: readonly Spec[], env: typeof environment) => {
    const policy = allPolicies.find((p) => p.name === name);
    if (!policy) throw new Error(`no rule ${name}`);
    return (await checkPlan(plan(specs), { stack: "test", packConfig, environment: env, policies: [policy] })).violations;
  };
  const at = (target: string, ...path: (string | number)[]): ViolationCase => ({ why: `${target} changed`, target, path });
  const selected = ["spec", "matchResources", "namespaceSelector", "matchExpressions", 0, "values"];
  // Development binds with Warn+Audit (components/k8s/admission-rules.ts validationActions).
  const warnEverywhere = (specs: readonly Spec[]) =>
    applyChange({ ...c, specs }, at("bind-mlops-approvals", "spec", "validationActions"), ["Warn", "Audit"]);

  it("accepts the development form (Warn+Audit) in a development stack, and refuses it in production", async () => {
    expect(await check(warnEverywhere(c.specs), development)).toEqual([]);
    expect((await check(warnEverywhere(c.specs), environment)).map((v) => v.message).join("\n")).toMatch(
      /binding of mlops-approvals only Warn\+Audit in a production stack/,
    );
  });

  it("still requires the approval binding for ml-pipelines in development", async () => {
    const narrowed = applyChange({ ...c, specs: warnEverywhere(c.specs) }, at("bind-mlops-approvals", ...selected), [
      "serving",
      "team-fraud",
    ]);
    const messages = (await check(narrowed, development)).filter((v) => v.enforcementLevel === "mandatory").map((v) => v.message);
    expect(messages.join("\n")).toMatch(/ml-pipelines is not bound to the admission policy mlops-approvals/);
  });

  it("reports an approval binding whose namespaces are unknown during preview", async () => {
    const unknown = applyChange(c, at("bind-mlops-approvals", "spec", "matchResources"), UNKNOWN);
    const violations = await check(unknown, development);
    expect(violations.some((v) => v.enforcementLevel === "mandatory" && /unknown during preview/.test(v.message))).toBe(true);
  });

  it("does not ask the serving namespace (no pipelines run there) for the approval policy", async () => {
    const withoutServing = applyChange(c, at("bind-mlops-approvals", ...selected), ["ml-pipelines", "team-fraud"]);
    expect(await check(withoutServing, environment)).toEqual([]);
  });
});

describe("kubernetes-core-pod-enforce-stack-registry on Argo templates", () => {
  const NAME = "kubernetes-core-pod-enforce-stack-registry";
  const c = CASES[NAME];
  const template = (image: unknown): Spec => ({
    type: "kubernetes:argoproj.io/v1alpha1:ClusterWorkflowTemplate",
    name: "tpl",
    inputs: {
      metadata: { name: "tpl" },
      spec: { templates: [{ name: "train", container: { name: "main", image, resources: { limits: { memory: "1Gi" } } } }] },
    },
  });
  it("leaves a parameterised image to admission at submission, and still reports a fixed foreign one", async () => {
    const repo = (c?.specs ?? []).filter((x) => x.name === "repo");
    expect(await run(NAME, [...repo, template("{{workflow.parameters.training-image}}")])).toEqual([]);
    const foreign = await run(NAME, [...repo, template("ghcr.io/acme/train:1.0.0")]);
    expect(foreign.map((v) => v.message).join("\n")).toContain("ghcr.io");
  });
  it("reports an unknown image and goes on judging the other workloads", async () => {
    const specs = applyChange(c as NonNullable<typeof c>, c?.unknown as NonNullable<typeof c>["unknown"], UNKNOWN);
    const violations = await run(NAME, [...specs, { ...template("ghcr.io/acme/train:1.0.0") }]);
    const messages = violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => v.message);
    expect(messages.join("\n")).toMatch(/image is unknown during preview/);
    expect(messages.join("\n")).toContain("ghcr.io/acme/train:1.0.0");
  });
});
