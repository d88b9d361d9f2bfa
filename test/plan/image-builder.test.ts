/**
 * Issue 14 item 2, "a commit trains its own code", as planned for the shipped stacks:
 * - the image builder's cloud identity may push to the declared models' `<team>/<model>`
 *   repositories only (AWS: IRSA role on those ECR repository ARNs, base images pulled from the
 *   cache, no KMS, bucket or queue; Azure: a scope-map token on those repositories, and no
 *   registry-wide role for the builder's managed identity);
 * - the builder's service account carries the AWS role, and on Azure the admission policy admits
 *   the token's secret only;
 * - the Sensor builds a push to a model's repository with that model's declared clone URL and
 *   retrains only that model through `build-and-retrain`; other repositories keep retraining every model;
 * - `ml-pipelines`' settings carry the builder image the policy admits.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { BUILD_TEMPLATE, repositoryPath } from "../../components/k8s/argo-events";
import {
  BUILD_NAMESPACE,
  BUILDER_IMAGE_SETTING,
  BUILDER_REGISTRY_SECRET,
  BUILDER_SERVICE_ACCOUNT,
} from "../../components/k8s/image-builds";
import type { PlanResource } from "../../tools/lib/harness";
import { loadWorkflowManifests } from "../../workflows";
import { schemaError } from "../components/k8s/schemas";
import { shippedPlan } from "../support/shipped-plan";

type Obj = Record<string, unknown>;
interface Model {
  name: string;
  team: string;
  training: { repository?: string };
  serving: { registeredModel?: string };
}
const modelsOf = (stack: string): Model[] =>
  (parse(readFileSync(`Pulumi.${stack}.yaml`, "utf8")) as { config: Record<string, unknown> }).config["mlops-platform:models"] as Model[];
const built = (stack: string) => modelsOf(stack).filter((m) => m.training.repository !== undefined);
const byType = (stack: string, type: string) => shippedPlan(stack).resources.filter((r) => r.type === type);
const named = (rs: PlanResource[], suffix: string) => rs.filter((r) => r.name.endsWith(suffix));
const manifests = (stack: string) => shippedPlan(stack).manifests.map((m) => m.object as Obj);

describe.each(["dev", "uae-prod"])("the image builder's identity on AWS (%s)", (stack) => {
  const policyOf = () => {
    const [p] = named(byType(stack, "aws:iam/rolePolicy:RolePolicy"), "-identity-image-builder");
    return JSON.parse(String(p?.inputs.policy)) as { Statement: { Sid: string; Action: string | string[]; Resource: string | string[] }[] };
  };

  it("creates one ECR repository per built model, <team>/<model>, encrypted and immutable", () => {
    const repos = byType(stack, "aws:ecr/repository:Repository").filter((r) => String(r.inputs.name).split("/").length === 2);
    const expected = built(stack).map((m) => `${m.team}/${m.name}`);
    expect(expected.length).toBeGreaterThan(0);
    for (const name of expected) {
      const r = repos.find((x) => x.inputs.name === name);
      expect(r, name).toBeDefined();
      expect(r?.inputs.imageTagMutability).toBe("IMMUTABLE");
      expect(JSON.stringify(r?.inputs.encryptionConfigurations)).toContain('"KMS"');
    }
  });

  it("may push to exactly those repositories, pull base images from the cache, and nothing else", () => {
    const statements = policyOf().Statement;
    const actions = statements.flatMap((s) => ([] as string[]).concat(s.Action));
    expect(actions.filter((a) => !a.startsWith("ecr:"))).toEqual([]);
    const push = statements.filter((s) => ([] as string[]).concat(s.Action).includes("ecr:PutImage"));
    expect(push).toHaveLength(1);
    const pushed = ([] as string[])
      .concat(push[0]?.Resource ?? [])
      .map((arn) => arn.replace(/^arn:aws:ecr:me-central-1:\d{12}:repository\//, ""));
    expect(pushed.sort()).toEqual(
      built(stack)
        .map((m) => `${m.team}/${m.name}`)
        .sort(),
    );
    const base = statements.find((s) => s.Sid === "BaseImagesFromCache");
    expect(([] as string[]).concat(base?.Action ?? []).sort()).toEqual(
      ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:BatchImportUpstreamImage", "ecr:GetDownloadUrlForLayer"].sort(),
    );
    // Base images come from the cache's prefixes only, never a model's or the platform's repositories.
    for (const arn of ([] as string[]).concat(base?.Resource ?? []))
      expect(arn).toMatch(/:repository\/(docker-hub|ghcr|quay|k8s|ecr-public|nvcr|gcr)\/\*$/);
    for (const s of statements) if (([] as string[]).concat(s.Resource).includes("*")) expect(s.Action).toBe("ecr:GetAuthorizationToken");
  });

  it("is assumed by ml-builds/image-builder only, and annotates that service account", () => {
    const [role] = named(byType(stack, "aws:iam/role:Role"), "-identity-image-builder");
    const trust = JSON.stringify(role?.inputs.assumeRolePolicy);
    expect(trust).toContain(`system:serviceaccount:${BUILD_NAMESPACE}:${BUILDER_SERVICE_ACCOUNT}`);
    expect(trust.match(/system:serviceaccount:/g)).toHaveLength(1);
    const sa = manifests(stack).find((o) => o.kind === "ServiceAccount" && (o.metadata as Obj).name === BUILDER_SERVICE_ACCOUNT);
    expect((((sa as Obj).metadata as Obj).annotations as Obj)["eks.amazonaws.com/role-arn"]).toMatch(/image-builder/);
  });

  it("admits no secret in the builder's pods (the role pushes)", () => {
    const policy = manifests(stack).find(
      (o) => o.kind === "ValidatingAdmissionPolicy" && (o.metadata as Obj).name === "mlops-image-builds",
    );
    expect(JSON.stringify(policy)).toContain("reads only the secrets (none)");
  });
});

describe.each(["dev-azure", "uae-prod-azure"])("the image builder's push right on Azure (%s)", (stack) => {
  it("is a token whose scope map names exactly the built models' repositories", () => {
    const [map] = byType(stack, "azure-native:containerregistry:ScopeMap");
    const expected = built(stack).flatMap((m) =>
      ["content/read", "content/write", "metadata/read"].map((a) => `repositories/${m.team}/${m.name}/${a}`),
    );
    expect(expected.length).toBeGreaterThan(0);
    expect([...((map as { inputs: Obj }).inputs.actions as string[])].sort()).toEqual(expected.sort());
    const [token] = byType(stack, "azure-native:containerregistry:Token");
    expect(token?.inputs.status).toBe("enabled");
    expect(String(token?.inputs.scopeMapId)).toMatch(/scopeMaps\/image-builder$/);
  });

  it("gives the builder's managed identity no registry-wide role (nor any other)", () => {
    const assignments = byType(stack, "azure-native:authorization:RoleAssignment").filter((r) => r.name.includes("-image-builder-"));
    expect(assignments).toEqual([]);
  });

  it("admits only the token's secret in the builder's pods, and tells the operator how to create it", () => {
    const policy = manifests(stack).find(
      (o) => o.kind === "ValidatingAdmissionPolicy" && (o.metadata as Obj).name === "mlops-image-builds",
    );
    expect(JSON.stringify(policy)).toContain(`reads only the secrets ${BUILDER_REGISTRY_SECRET}`);
    const actions = shippedPlan(stack).outputs.operatorActions as { id: string; steps: string[] }[];
    const action = actions.find((a) => a.id === "image-builder-registry-token");
    expect(action?.steps.join("\n")).toContain(`-n ${BUILD_NAMESPACE} create secret docker-registry ${BUILDER_REGISTRY_SECRET}`);
  });
});

describe.each(["dev", "uae-prod", "dev-azure", "uae-prod-azure"])("build-and-retrain in %s", (stack) => {
  const sensor = () =>
    shippedPlan(stack).resources.find((r) => r.type === "kubernetes:argoproj.io/v1alpha1:Sensor")?.inputs.spec as
      | { dependencies: Obj[]; triggers: Obj[] }
      | undefined;
  const git = () =>
    (parse(readFileSync(`Pulumi.${stack}.yaml`, "utf8")) as { config: Record<string, { git?: unknown }> }).config["mlops-platform:services"]
      ?.git;

  it("gives ml-pipelines the builder image the admission policy admits", () => {
    const settings = manifests(stack).find(
      (o) =>
        o.kind === "ConfigMap" &&
        (o.metadata as Obj).name === "mlops-pipeline-settings" &&
        (o.metadata as Obj).namespace === "ml-pipelines",
    );
    const image = String(((settings as Obj).data as Obj)[BUILDER_IMAGE_SETTING]);
    expect(image).toMatch(/\/gcr\/kaniko-project\/executor@sha256:[a-f0-9]{64}$/);
    const policy = manifests(stack).find(
      (o) => o.kind === "ValidatingAdmissionPolicy" && (o.metadata as Obj).name === "mlops-image-builds",
    );
    expect(JSON.stringify(policy)).toContain(image);
    // Team namespaces cannot build.
    const team = manifests(stack).find(
      (o) =>
        o.kind === "ConfigMap" &&
        (o.metadata as Obj).name === "mlops-pipeline-settings" &&
        (o.metadata as Obj).namespace !== "ml-pipelines",
    );
    expect(((team as Obj).data as Obj)[BUILDER_IMAGE_SETTING]).toBeUndefined();
  });

  it("builds a push to a model's repository with its declared clone URL and retrains that model only", async () => {
    const spec = sensor();
    if (!git()) {
      // No git server: pushes reach nothing (docs/workflows.md says so).
      expect(JSON.stringify(spec ?? {})).not.toContain(BUILD_TEMPLATE);
      return;
    }
    for (const m of built(stack)) {
      const path = repositoryPath(String(m.training.repository));
      const dep = spec?.dependencies.find((d) => JSON.stringify(d.filters).includes(`repository == \\"${path}\\"`));
      expect(dep, path).toBeDefined();
      const trigger = spec?.triggers.find((t) => (t.template as Obj).conditions === dep?.name)?.template as Obj;
      const k8s = trigger.k8s as { source: { resource: Obj }; parameters: { src: Obj; dest: string }[] };
      const wf = k8s.source.resource;
      expect(await schemaError(wf)).toBeUndefined();
      const step = ((((wf.spec as Obj).templates as Obj[])[0] as Obj).steps as Obj[][])[0]?.[0] as Obj;
      expect(step.templateRef).toEqual({ name: "training-pipeline", template: BUILD_TEMPLATE, clusterScope: true });
      const given = Object.fromEntries(
        ((step.arguments as Obj).parameters as { name: string; value: string }[]).map((p) => [p.name, p.value]),
      );
      expect(given).toMatchObject({
        "model-name": m.serving.registeredModel ?? m.name,
        team: m.team,
        model: m.name,
        "clone-url": m.training.repository,
      });
      // Only the commit, the ref and the reason come from the event.
      expect(k8s.parameters.map((p) => [p.src.dataKey ?? p.src.dataTemplate, p.dest])).toEqual([
        ["body.commit", "spec.arguments.parameters.0.value"],
        ["body.ref", "spec.arguments.parameters.1.value"],
        ["git push {{ .Input.body.repository }}@{{ .Input.body.commit }}", "spec.arguments.parameters.3.value"],
      ]);
      // The referenced steps' volumes are in the workflow.
      expect(((wf.spec as Obj).volumes as Obj[]).map((v) => v.name).sort()).toEqual(["mlflow-token", "tmp"]);
    }
    // The other repositories' pushes still retrain every model, never one that is built.
    const generic = spec?.dependencies.find((d) => d.name === "git");
    for (const m of built(stack))
      expect(JSON.stringify(generic?.filters)).toContain(`repository != \\"${repositoryPath(String(m.training.repository))}\\"`);
  });
});

describe("the build-and-retrain template", () => {
  const template = loadWorkflowManifests().find(
    (m) => m.kind === "ClusterWorkflowTemplate" && (m.metadata as Obj).name === "training-pipeline",
  ) as Obj;
  const byName = (n: string) => ((template.spec as Obj).templates as Obj[]).find((t) => t.name === n) as Obj;

  it("builds, then retrains with the built commit and digest (which start-run records as lineage)", () => {
    const steps = (byName(BUILD_TEMPLATE).steps as Obj[][]).flat();
    expect(steps.map((s) => s.template)).toEqual(["build-image", "retrain-built"]);
    const retrain = Object.fromEntries(
      (((steps[1] as Obj).arguments as Obj).parameters as { name: string; value: string }[]).map((p) => [p.name, p.value]),
    );
    expect(retrain["code-version"]).toBe("{{steps.build.outputs.parameters.commit}}");
    expect(retrain["training-image"]).toBe("{{steps.build.outputs.parameters.image}}");
    expect((byName("retrain-built").container as Obj).args).toEqual(
      expect.arrayContaining([
        "--code-version={{inputs.parameters.code-version}}",
        "--training-image={{inputs.parameters.training-image}}",
      ]),
    );
    // Only the platform's deploy account (the one bound in ml-builds) creates the build Job.
    expect(byName("build-image").serviceAccountName).toBe("pipeline-deploy");
    expect((byName("build-image").container as Obj).args).toEqual(expect.arrayContaining(["dist/build-image.js"]));
  });
});
