/**
 * Issue 14 item 2, "a commit trains its own code", as planned for the shipped stacks:
 * - one image builder identity per team that owns built models, pushing to that team's
 *   `<team>/<model>` repositories only (AWS: an IRSA role per team on those ECR repository ARNs,
 *   base images pulled from the cache, no KMS, bucket or queue; Azure: a scope-map token per team
 *   on those repositories, and no managed identity or registry role for the builders). A
 *   Dockerfile's RUN steps read the build pod's credential, so one team's must not reach another's;
 * - each team's builder service account carries only its team's AWS role; the admission policy,
 *   evaluated with the real CEL, admits a team's build only under its own account (and on Azure its
 *   own token's secret), and on AWS no secret at all;
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
  builderJob,
  builderRegistrySecret,
  builderServiceAccount,
} from "../../components/k8s/image-builds";
import type { PlanResource } from "../../tools/lib/harness";
import { loadWorkflowManifests } from "../../workflows";
import { evaluatePolicy } from "../../workflows/admission-check";
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
const builtTeams = (stack: string) => [...new Set(built(stack).map((m) => m.team))].sort();
const reposOf = (stack: string, team: string) =>
  built(stack)
    .filter((m) => m.team === team)
    .map((m) => `${m.team}/${m.name}`)
    .sort();
const byType = (stack: string, type: string) => shippedPlan(stack).resources.filter((r) => r.type === type);
const named = (rs: PlanResource[], suffix: string) => rs.filter((r) => r.name.endsWith(suffix));
const manifests = (stack: string) => shippedPlan(stack).manifests.map((m) => m.object as Obj);
const list = (v: string | string[] | undefined) => ([] as string[]).concat(v ?? []);

/** The shipped build admission policy, as the evaluator takes it (the API server's CEL). */
const buildPolicyOf = (stack: string) => {
  const m = manifests(stack).find((o) => o.kind === "ValidatingAdmissionPolicy" && (o.metadata as Obj).name === "mlops-image-builds");
  const spec = (m as Obj).spec as { variables: { name: string; expression: string }[]; validations: never[] };
  return {
    name: "mlops-image-builds",
    description: "",
    target: "pods" as const,
    scope: "guarded" as const,
    variables: spec.variables,
    validations: spec.validations,
  };
};
/** The pod of the build-image step's Job for `model` in `stack`, with the registry and builder the stack configures. */
const buildPod = (stack: string, model: Model, registrySecret: boolean, team = model.team): Obj => {
  const settings = manifests(stack).find(
    (o) =>
      o.kind === "ConfigMap" && (o.metadata as Obj).name === "mlops-pipeline-settings" && (o.metadata as Obj).namespace === "ml-pipelines",
  );
  const data = (settings as Obj).data as Record<string, string>;
  const job = builderJob(
    {
      cloneUrl: String(model.training.repository),
      commit: "0123456789abcdef0123456789abcdef01234567",
      ref: "refs/heads/main",
      registryHost: String(data.PLATFORM_ALLOWED_REGISTRIES).split(",")[0] as string,
      team,
      model: model.name,
      builderImage: data[BUILDER_IMAGE_SETTING] as string,
      registrySecret,
    },
    "b",
  );
  return { apiVersion: "v1", kind: "Pod", metadata: { name: "b" }, spec: ((job.spec as Obj).template as Obj).spec };
};
const admission = (stack: string, pod: Obj) => {
  const v = evaluatePolicy(buildPolicyOf(stack), { object: pod, namespace: BUILD_NAMESPACE });
  expect(v.errors).toEqual([]);
  return v.failures;
};
/** `pod` with its service account and (if any) its registry secret swapped for `team`'s. */
const asTeam = (pod: Obj, team: string, secret: boolean): Obj => {
  const p = structuredClone(pod);
  (p.spec as Obj).serviceAccountName = builderServiceAccount(team);
  if (secret) ((((p.spec as Obj).volumes as Obj[])[0] as Obj).secret as Obj).secretName = builderRegistrySecret(team);
  return p;
};

describe.each(["dev", "uae-prod"])("the image builders' identities on AWS (%s)", (stack) => {
  const roles = () => named(byType(stack, "aws:iam/role:Role"), "").filter((r) => /-identity-builder-[a-z0-9-]+$/.test(r.name));
  const policyOf = (team: string) => {
    const [p] = named(byType(stack, "aws:iam/rolePolicy:RolePolicy"), `-identity-builder-${team}`);
    return JSON.parse(String(p?.inputs.policy)) as { Statement: { Sid: string; Action: string | string[]; Resource: string | string[] }[] };
  };
  const cachePrefixes = /:repository\/(docker-hub|ghcr|quay|k8s|ecr-public|nvcr|gcr)\/\*$/;

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

  it("has one builder role per team that owns built models, and no shared one", () => {
    expect(
      roles()
        .map((r) => r.name.replace(/^.*-identity-builder-/, ""))
        .sort(),
    ).toEqual(builtTeams(stack));
    expect(named(byType(stack, "aws:iam/role:Role"), "-identity-image-builder")).toEqual([]);
  });

  it.each(["push", "first pull"])("lets each team's role %s only where it must (exact actions, exact resources)", (what) => {
    for (const team of builtTeams(stack)) {
      const statements = policyOf(team).Statement;
      expect(statements.flatMap((s) => list(s.Action)).filter((a) => !a.startsWith("ecr:"))).toEqual([]);
      if (what === "push") {
        const push = statements.filter((s) => list(s.Action).includes("ecr:PutImage"));
        expect(push).toHaveLength(1);
        // Exactly pull + push: no BatchDeleteImage, PutImageTagMutability, SetRepositoryPolicy, …
        expect(list(push[0]?.Action).sort()).toEqual(
          [
            "ecr:BatchCheckLayerAvailability",
            "ecr:BatchGetImage",
            "ecr:GetDownloadUrlForLayer",
            "ecr:InitiateLayerUpload",
            "ecr:UploadLayerPart",
            "ecr:CompleteLayerUpload",
            "ecr:PutImage",
          ].sort(),
        );
        // Its own team's repositories only: never another team's, a cache prefix or the platform's.
        const pushed = list(push[0]?.Resource).map((arn) => arn.replace(/^arn:aws:ecr:me-central-1:\d{12}:repository\//, ""));
        expect(pushed.sort(), team).toEqual(reposOf(stack, team));
        for (const other of builtTeams(stack).filter((t) => t !== team))
          expect(JSON.stringify(policyOf(team)), `${team} reaches ${other}`).not.toContain(`:repository/${other}/`);
        const base = statements.find((s) => s.Sid === "BaseImagesFromCache");
        expect(list(base?.Action).sort()).toEqual(["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]);
        for (const arn of list(base?.Resource)) expect(arn).toMatch(cachePrefixes);
        for (const s of statements) if (list(s.Resource).includes("*")) expect(s.Action).toBe("ecr:GetAuthorizationToken");
      } else {
        // A new base image's first pull through a pull-through rule: import and create its
        // repository, on the pull-through prefixes only (not the mirrored nvcr/gcr, not a model's).
        const first = statements.filter((s) =>
          list(s.Action).some((a) => a === "ecr:CreateRepository" || a === "ecr:BatchImportUpstreamImage"),
        );
        expect(first).toHaveLength(1);
        expect(list(first[0]?.Action).sort()).toEqual(["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"]);
        const prefixes = list(first[0]?.Resource).map((arn) => arn.replace(/^.*:repository\/([^/]+)\/\*$/, "$1"));
        expect(prefixes.sort()).toEqual(
          byType(stack, "aws:ecr/pullThroughCacheRule:PullThroughCacheRule")
            .map((r) => String(r.inputs.ecrRepositoryPrefix))
            .sort(),
        );
        expect(prefixes.length).toBeGreaterThan(0);
      }
    }
  });

  it("is assumed by that team's ml-builds account only, which the role annotates", () => {
    for (const team of builtTeams(stack)) {
      const [role] = named(byType(stack, "aws:iam/role:Role"), `-identity-builder-${team}`);
      const trust = JSON.stringify(role?.inputs.assumeRolePolicy);
      expect(trust).toContain(`system:serviceaccount:${BUILD_NAMESPACE}:${builderServiceAccount(team)}`);
      expect(trust.match(/system:serviceaccount:/g)).toHaveLength(1);
      const sa = manifests(stack).find((o) => o.kind === "ServiceAccount" && (o.metadata as Obj).name === builderServiceAccount(team));
      expect((((sa as Obj).metadata as Obj).annotations as Obj)["eks.amazonaws.com/role-arn"]).toMatch(
        new RegExp(`identity-builder-${team}`),
      );
    }
  });

  it("admits each team's build under its own account with no secret, and refuses a mounted secret or another team's account (real CEL)", () => {
    for (const m of built(stack)) {
      expect(admission(stack, buildPod(stack, m, false))).toEqual([]);
      // Even the team's own registry secret name is refused: AWS builds hold no secret.
      expect(admission(stack, buildPod(stack, m, true)).join("; ")).toMatch(/reads only the secrets \(none\)/);
      for (const other of builtTeams(stack).filter((t) => t !== m.team)) {
        expect(admission(stack, asTeam(buildPod(stack, m, false), other, false)).join("; ")).toMatch(/destination team's/);
        // Another team's model built as this team: refused too.
        expect(admission(stack, buildPod(stack, m, false, other)).length).toBeGreaterThan(0);
      }
    }
  });
});

describe.each(["dev-azure", "uae-prod-azure"])("the image builders' push rights on Azure (%s)", (stack) => {
  it("are one token per team whose scope map names exactly that team's built repositories, and reads the cache", () => {
    const maps = byType(stack, "azure-native:containerregistry:ScopeMap");
    const tokens = byType(stack, "azure-native:containerregistry:Token");
    expect(maps).toHaveLength(builtTeams(stack).length);
    expect(tokens).toHaveLength(builtTeams(stack).length);
    for (const team of builtTeams(stack)) {
      const map = maps.find((m) => m.inputs.scopeMapName === builderServiceAccount(team));
      // Read (pull, filling the cache) under each cache rule's target, e.g. `docker-hub/*`: base images.
      const cacheTargets = byType(stack, "azure-native:containerregistry:CacheRule").map((r) => String(r.inputs.targetRepository));
      expect(cacheTargets.length).toBeGreaterThan(0);
      const expected = [
        ...reposOf(stack, team).flatMap((r) => ["content/read", "content/write", "metadata/read"].map((a) => `repositories/${r}/${a}`)),
        ...cacheTargets.flatMap((t) => ["content/read", "metadata/read"].map((a) => `repositories/${t}/${a}`)),
      ];
      expect(expected.length).toBeGreaterThan(0);
      expect([...((map as { inputs: Obj }).inputs.actions as string[])].sort(), team).toEqual(expected.sort());
      const token = tokens.find((t) => t.inputs.tokenName === `image-builder-${team}`);
      expect(token?.inputs.status).toBe("enabled");
      expect(String(token?.inputs.scopeMapId)).toMatch(new RegExp(`scopeMaps/image-builder-${team}$`));
    }
  });

  it("give the builders no managed identity and no role (the token is their only credential)", () => {
    expect(byType(stack, "azure-native:authorization:RoleAssignment").filter((r) => /builder/.test(r.name))).toEqual([]);
    expect(byType(stack, "azure-native:managedidentity:UserAssignedIdentity").filter((r) => /builder/.test(r.name))).toEqual([]);
  });

  it("admit each team's build only with its own account and its own token's secret (real CEL), and tell the operator how to create each", () => {
    for (const m of built(stack)) {
      expect(admission(stack, buildPod(stack, m, true))).toEqual([]);
      for (const other of builtTeams(stack).filter((t) => t !== m.team)) {
        const own = buildPod(stack, m, true);
        const withOthersSecret = structuredClone(own);
        ((((withOthersSecret.spec as Obj).volumes as Obj[])[0] as Obj).secret as Obj).secretName = builderRegistrySecret(other);
        expect(admission(stack, withOthersSecret).join("; ")).toMatch(/holds only that team's registry secret/);
        expect(admission(stack, asTeam(own, other, false)).join("; ")).toMatch(/destination team's/);
        expect(admission(stack, asTeam(own, other, true)).join("; ")).toMatch(/destination team's/);
      }
    }
    const actions = shippedPlan(stack).outputs.operatorActions as { id: string; steps: string[] }[];
    for (const team of builtTeams(stack)) {
      const action = actions.find((a) => a.id === `image-builder-registry-token-${team}`);
      expect(action?.steps.join("\n")).toContain(`-n ${BUILD_NAMESPACE} create secret docker-registry ${builderRegistrySecret(team)}`);
      expect(action?.steps.join("\n")).toContain(`--name image-builder-${team} `);
    }
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
    expect((byName("build-image").container as Obj).args).toEqual(
      expect.arrayContaining(["dist/build-image.js", "--model-name={{inputs.parameters.model-name}}"]),
    );
    // build-image asks MLflow for the champion before building (a first push is refused there, not after the build).
    const build = Object.fromEntries(
      (((steps[0] as Obj).arguments as Obj).parameters as { name: string; value: string }[]).map((p) => [p.name, p.value]),
    );
    expect(build["model-name"]).toBe("{{inputs.parameters.model-name}}");
  });
});
