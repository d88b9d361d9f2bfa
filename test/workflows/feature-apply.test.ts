/**
 * Issue 14 item 8 (a feature repository and `feast apply`, run by the pipeline): the check step
 * against its inputs (the repository only from the platform's settings, a full commit SHA), the
 * `feature-apply` ClusterWorkflowTemplate and the Workflow the Sensor creates against the upstream
 * Argo schema, the Sensor's routing of a verified push, the admission of the Feast image (real CEL:
 * for ml-pipelines' feature-apply account only) and the four shipped stacks' plans.
 */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { admissionPolicies } from "../../components/k8s/admission-rules";
import { repositoryPath, sensorSpec } from "../../components/k8s/argo-events";
import { FEAST_CONFIG_SECRET } from "../../components/k8s/feast";
import {
  FEAST_IMAGE_PLACEHOLDER,
  FEATURE_APPLY_SERVICE_ACCOUNT,
  FEATURE_REPOSITORY_SETTINGS,
  featureApplyWorkflow,
} from "../../components/k8s/feature-apply";
import { IMAGES, imageRef } from "../../contracts/versions";
import { loadWorkflowManifests } from "../../workflows";
import { evaluatePolicies } from "../../workflows/admission-check";
import { podsOf } from "../../workflows/admission-lint";
import { lintWorkflowDocuments } from "../../workflows/lint";
import { main as featureApply } from "../../workflows/steps/feature-apply";
import { EXIT, runStep } from "../../workflows/steps/lib/cli";
import { schemaError } from "../components/k8s/schemas";
import { shippedPlan } from "../support/shipped-plan";

type Obj = Record<string, unknown>;
const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const REPO = "https://git.example.ae/ml/feature-repo.git";

async function run(argv: string[], settings: Record<string, string | undefined>) {
  const dir = mkdtempSync(join(tmpdir(), "feature-apply-"));
  const lines: string[] = [];
  const code = await runStep(featureApply, { argv, env: { STEP_OUTPUT_DIR: dir, ...settings }, log: (l) => lines.push(l) });
  const out = (name: string) => readFileSync(join(dir, name), "utf8");
  return { code, log: lines.join("\n"), out };
}
const declared = { [FEATURE_REPOSITORY_SETTINGS.url]: REPO, [FEATURE_REPOSITORY_SETTINGS.path]: "feature_repo" };

describe("the feature-apply check step", () => {
  it("outputs the declared repository and folder and the commit", async () => {
    const r = await run([`--commit=${COMMIT}`, "--ref=refs/heads/main"], declared);
    expect(r.code).toBe(EXIT.OK);
    expect([r.out("repository"), r.out("path"), r.out("commit")]).toEqual([REPO, "feature_repo", COMMIT]);
    // A run by hand: no ref, the repository's root.
    const byHand = await run([`--commit=${COMMIT}`], { [FEATURE_REPOSITORY_SETTINGS.url]: REPO });
    expect(byHand.code).toBe(EXIT.OK);
    expect(byHand.out("path")).toBe(".");
  });

  it("takes no repository from its arguments: only the settings name it", async () => {
    const r = await run([`--commit=${COMMIT}`, "--repository=https://evil.example.com/x/y.git"], declared);
    expect(r.code).toBe(EXIT.USAGE);
    expect(r.log).toMatch(/unknown flag --repository/);
  });

  it.each([
    ["no declared repository", {}, [`--commit=${COMMIT}`], /PLATFORM_FEATURE_REPOSITORY is empty: .*services\.feast\.repository\.url/],
    ["a branch instead of a commit", declared, ["--commit=main"], /commit: "main" must be a full commit SHA/],
    ["a short commit", declared, ["--commit=0123456"], /commit: "0123456" must be a full commit SHA/],
    ["an uppercase commit", declared, [`--commit=${COMMIT.toUpperCase()}`], /must be a full commit SHA/],
    ["a ref that is not a branch", declared, [`--commit=${COMMIT}`, "--ref=main; rm -rf /"], /ref: .* must be refs\/heads\/<branch>/],
    [
      "a repository URL with credentials",
      { ...declared, [FEATURE_REPOSITORY_SETTINGS.url]: "https://user:token@git.example.ae/ml/f.git" },
      [`--commit=${COMMIT}`],
      /PLATFORM_FEATURE_REPOSITORY=.*must be an https:\/\/ clone URL without credentials/,
    ],
    [
      "an ssh URL",
      { ...declared, [FEATURE_REPOSITORY_SETTINGS.url]: "git@git.example.ae:ml/f.git" },
      [`--commit=${COMMIT}`],
      /must be an https:\/\/ clone URL/,
    ],
    [
      "a folder outside the repository",
      { ...declared, [FEATURE_REPOSITORY_SETTINGS.path]: "../../etc" },
      [`--commit=${COMMIT}`],
      /PLATFORM_FEATURE_REPOSITORY_PATH=.*must be a folder inside the repository/,
    ],
    ["no commit", declared, [], /--commit is required/],
  ])("refuses %s, naming it", async (_case, settings, argv, message) => {
    const r = await run(argv as string[], settings as Record<string, string>);
    expect(r.code).toBe(EXIT.USAGE);
    expect(r.log).toMatch(message);
  });
});

const template = loadWorkflowManifests().find(
  (m) => m.kind === "ClusterWorkflowTemplate" && (m.metadata as Obj).name === "feature-apply",
) as Obj;
const spec = template.spec as Obj;
const byName = (name: string) => (spec.templates as Obj[]).find((t) => t.name === name) as Obj;

describe("the feature-apply ClusterWorkflowTemplate", () => {
  it("validates against the upstream Argo schema, and so does the Workflow the Sensor creates", async () => {
    expect(await schemaError(template)).toBeUndefined();
    expect(await schemaError(featureApplyWorkflow("ml-pipelines"))).toBeUndefined();
  });

  it("takes only a commit and a ref; the clone is of the checked, declared repository at that commit, submodules off", () => {
    expect(((spec.arguments as Obj).parameters as Obj[]).map((p) => p.name)).toEqual(["commit", "ref"]);
    const apply = byName("apply");
    const [artifact] = (apply.inputs as Obj).artifacts as Obj[];
    expect(artifact?.git).toEqual({
      repo: "{{inputs.parameters.repository}}",
      revision: "{{inputs.parameters.commit}}",
      disableSubmodules: true,
    });
    const step = ((byName("feature-apply").steps as Obj[][])[1] as Obj[])[0] as Obj;
    expect((step.arguments as Obj).parameters).toEqual([
      { name: "repository", value: "{{steps.check.outputs.parameters.repository}}" },
      { name: "path", value: "{{steps.check.outputs.parameters.path}}" },
      { name: "commit", value: "{{steps.check.outputs.parameters.commit}}" },
    ]);
    expect(JSON.stringify(spec)).not.toMatch(/workflow\.parameters\.(repository|url|clone)/);
  });

  it("runs the pinned Feast image as feature-apply with the platform's feature_store.yaml, no source validation", () => {
    const apply = byName("apply");
    const c = apply.container as Obj;
    expect(c.image).toBe(FEAST_IMAGE_PLACEHOLDER);
    expect(FEAST_IMAGE_PLACEHOLDER.split(":")[1]).toBe(IMAGES.feastFeatureServer.tag);
    expect(c.args).toEqual([
      "--chdir=/work/repo/{{inputs.parameters.path}}",
      "--feature-store-yaml=/feast/feature_store.yaml",
      "apply",
      "--skip-source-validation",
    ]);
    expect(c.volumeMounts).toContainEqual({ name: "feast-config", mountPath: "/feast", readOnly: true });
    expect((spec.volumes as Obj[]).find((v) => v.name === "feast-config")?.secret).toEqual({
      secretName: "feast-feature-store",
      defaultMode: 0o440,
    });
    expect([byName("check").serviceAccountName, apply.serviceAccountName]).toEqual([
      FEATURE_APPLY_SERVICE_ACCOUNT,
      FEATURE_APPLY_SERVICE_ACCOUNT,
    ]);
  });
});

describe("the workflows lint on the feature-apply template", () => {
  const doc = (edit: (spec: Obj) => void, file = "feature-apply.yaml") => {
    const object = structuredClone(template);
    edit(object.spec as Obj);
    return { file, object };
  };
  const gitOf = (spec: Obj) =>
    ((((spec.templates as Obj[]).find((t) => t.name === "apply") as Obj).inputs as Obj).artifacts as Obj[])[0]?.git as Obj;

  it("passes as shipped, and refuses a clone with submodules, a credential or a URL not taken from the checked inputs", async () => {
    expect(await lintWorkflowDocuments([doc(() => {})])).toEqual([]);
    const problems = async (edit: (git: Obj) => void) => (await lintWorkflowDocuments([doc((spec) => edit(gitOf(spec)))])).join("\n");
    expect(
      await problems((g) => {
        delete g.disableSubmodules;
      }),
    ).toMatch(/input artifact feature-repository: git\.disableSubmodules must be true/);
    expect(
      await problems((g) => {
        g.passwordSecret = { name: "git", key: "token" };
      }),
    ).toMatch(/git\.passwordSecret is not allowed/);
    expect(
      await problems((g) => {
        g.repo = "{{workflow.parameters.repository}}";
      }),
    ).toMatch(/git\.repo must be exactly \{\{inputs\.parameters\.<name>\}\}/);
  });

  it("refuses the git clone, the feature-apply account and the Feast image in a team's files", async () => {
    const problems = (await lintWorkflowDocuments([doc(() => {}, "team.yaml")], { team: true })).join("\n");
    expect(problems).toMatch(/input artifact feature-repository reads from git: only the platform's own object store is allowed/);
    expect(problems).toMatch(/serviceAccountName "feature-apply" is not created by the platform/);
    expect(problems).toMatch(/template apply: admission .*mlops-images/);
  });
});

describe("the Sensor routes a push to the feature repository", () => {
  const git = { provider: "github" as const, repositories: ["acme/churn"], branches: ["main"], secret: "x" };
  const base = { dataEvents: { kind: "sqs" } as never, pipelinesNamespaceName: "ml-pipelines", retrainModels: ["churn"] };
  const featureRepository = { cloneUrl: REPO, path: "feature_repo" };

  it("to feast apply of its commit only, never retraining, with no URL from the event", () => {
    const s = sensorSpec({ ...base, git, featureRepository }, "s3://d/platform/latest/", {});
    const deps = s.dependencies as Obj[];
    expect(deps.map((d) => d.name)).toEqual(["data0", "git", "features", "schedule"]);
    expect(deps.find((d) => d.name === "features")?.filters).toEqual({
      exprs: [{ expr: `repository == "${repositoryPath(REPO)}"`, fields: [{ name: "repository", path: "body.repository" }] }],
    });
    expect(JSON.stringify(deps.find((d) => d.name === "git")?.filters)).toContain(`repository != \\"ml/feature-repo\\"`);
    const trigger = (s.triggers as Obj[]).find((t) => (t.template as Obj).name === "feature-apply") as Obj;
    const k8s = (trigger.template as Obj).k8s as Obj;
    expect((trigger.template as Obj).conditions).toBe("features");
    expect(k8s.parameters).toEqual([
      { src: { dependencyName: "features", dataKey: "body.commit" }, dest: "spec.arguments.parameters.0.value" },
      { src: { dependencyName: "features", dataKey: "body.ref" }, dest: "spec.arguments.parameters.1.value" },
    ]);
    const wf = (k8s.source as Obj).resource as Obj;
    expect((wf.spec as Obj).workflowTemplateRef).toEqual({ name: "feature-apply", clusterScope: true });
    expect(JSON.stringify(wf)).not.toContain("https://");
    // Its parameters 0 and 1 are the template's commit and ref.
    expect((((wf.spec as Obj).arguments as Obj).parameters as Obj[]).map((p) => p.name)).toEqual(["commit", "ref"]);
  });

  it("not at all without a git server or without a declared repository", () => {
    for (const s of [sensorSpec({ ...base, featureRepository }, "s3://d/", {}), sensorSpec({ ...base, git }, "s3://d/", {})]) {
      expect((s.dependencies as Obj[]).map((d) => d.name)).not.toContain("features");
      expect(JSON.stringify(s.triggers)).not.toContain("feature-apply");
    }
  });

  it("with no model served, only the feature push remains", () => {
    const s = sensorSpec({ ...base, retrainModels: [], git, featureRepository }, "s3://d/", {});
    expect((s.dependencies as Obj[]).map((d) => d.name)).toEqual(["features"]);
  });
});

describe("admission of the Feast image (real CEL, production)", () => {
  const REGISTRY = "123456789012.dkr.ecr.me-central-1.amazonaws.com";
  const feast = `${REGISTRY}/quay/feastdev/feature-server:${IMAGES.feastFeatureServer.tag}`;
  const steps = `${REGISTRY}/steps@sha256:${"a".repeat(64)}`;
  const argoexec = `${REGISTRY}/quay/argoproj/argoexec:${IMAGES.argoExec.tag}`;
  const settings = {
    registryHosts: [REGISTRY],
    platformImages: [argoexec, steps],
    requireDigest: true,
    pipelineServiceAccounts: ["pipeline-data", "pipeline-train", "pipeline-register", "pipeline-deploy"],
    platformOnlyServiceAccounts: ["pipeline-register", "pipeline-deploy"],
    serving: { namespace: "serving", serviceAccounts: ["model-server"] },
  };
  const policies = admissionPolicies({
    ...settings,
    namespaceAccounts: [{ namespace: "ml-pipelines", serviceAccount: FEATURE_APPLY_SERVICE_ACCOUNT, images: [feast] }],
  });
  // The apply step's pod as Argo creates it (executor init and wait containers), images as installed.
  const installed = (image: string, serviceAccount = FEATURE_APPLY_SERVICE_ACCOUNT): Obj => {
    const pod = structuredClone(podsOf(spec).find((p) => p.template === "apply")?.pod) as Obj;
    const s = pod.spec as { serviceAccountName: string; containers: Obj[]; initContainers: Obj[] };
    s.serviceAccountName = serviceAccount;
    for (const c of [...s.containers, ...s.initContainers])
      c.image = c.image === imageRef(IMAGES.argoExec) ? argoexec : c.image === FEAST_IMAGE_PLACEHOLDER ? image : c.image;
    return pod;
  };
  const failures = (pod: Obj, namespace: string, p = policies) => {
    const v = evaluatePolicies(p, { object: pod, namespace, team: namespace.startsWith("team-") });
    expect(v.flatMap((x) => x.errors)).toEqual([]);
    return v.flatMap((x) => x.failures.map((f) => `${x.policy}: ${f}`));
  };

  it("admits the apply step's pod as feature-apply in ml-pipelines", () => {
    expect(failures(installed(feast), "ml-pipelines")).toEqual([]);
  });

  it("refuses it without the namespace account: the image needs a digest, the account does not exist", () => {
    const f = failures(installed(feast), "ml-pipelines", admissionPolicies(settings));
    expect(f.join("\n")).toMatch(/mlops-images: production images must be pinned by digest; containers not pinned: main/);
    expect(f.join("\n")).toMatch(/mlops-service-accounts: .*feature-apply is not allowed here/);
  });

  it("admits the Feast image for no other account, and in no other namespace", () => {
    expect(failures(installed(feast, "pipeline-data"), "ml-pipelines").join("\n")).toMatch(
      /mlops-images: production images must be pinned/,
    );
    const inTeam = failures(installed(feast), "team-fraud").join("\n");
    expect(inTeam).toMatch(/mlops-images: production images must be pinned/);
    expect(inTeam).toMatch(/service account feature-apply is not allowed here/);
  });

  it("lets feature-apply run nothing but the platform's images and the Feast image", () => {
    const other = `${REGISTRY}/team-fraud/anything@sha256:${"c".repeat(64)}`;
    expect(failures(installed(other), "ml-pipelines").join("\n")).toMatch(
      /mlops-service-accounts: the accounts ml-pipelines\/feature-apply run only the platform's images and their own; containers with another image: main/,
    );
    // Another tag of the Feast image is not the pin.
    expect(failures(installed(feast.replace(/:[^:]+$/, ":0.68.0")), "ml-pipelines").join("\n")).toMatch(/pinned by digest/);
  });
});

describe.each(["dev", "uae-prod", "dev-azure", "uae-prod-azure"])("feast apply in the shipped stack %s", (stack) => {
  const objects = () => shippedPlan(stack).manifests.map((m) => m.object as Obj);
  const one = (kind: string, name: string, namespace?: string) =>
    objects().find(
      (o) =>
        o.kind === kind && (o.metadata as Obj).name === name && (namespace === undefined || (o.metadata as Obj).namespace === namespace),
    ) as Obj;

  it("installs the template with the cached Feast pin the admission policy admits for feature-apply in ml-pipelines only", async () => {
    const cwt = one("ClusterWorkflowTemplate", "feature-apply");
    expect(await schemaError(cwt)).toBeUndefined();
    const apply = ((cwt.spec as Obj).templates as Obj[]).find((t) => t.name === "apply") ?? {};
    const image = (apply.container as Obj).image as string;
    expect(image).toMatch(new RegExp(`^[a-z0-9.-]+\\/quay\\/feastdev\\/feature-server:${IMAGES.feastFeatureServer.tag}$`));
    const policy = JSON.stringify(one("ValidatingAdmissionPolicy", "mlops-images"));
    expect(policy).toContain(
      `(namespaceObject.metadata.name == 'ml-pipelines' && (has(object.spec.serviceAccountName) ? object.spec.serviceAccountName : 'default') == 'feature-apply') ? ['${image}'] : []`,
    );
    // The feature_store.yaml it mounts is the one the Feast component writes into ml-pipelines (own or attached store).
    const volume = ((cwt.spec as Obj).volumes as Obj[]).find((v) => v.name === "feast-config") as Obj;
    expect((volume.secret as Obj).secretName).toBe(FEAST_CONFIG_SECRET);
    expect(one("Secret", FEAST_CONFIG_SECRET, "ml-pipelines")).toBeDefined();
    const sa = one("ServiceAccount", FEATURE_APPLY_SERVICE_ACCOUNT, "ml-pipelines");
    // No cloud identity: no IRSA role, no Azure client id.
    expect((sa.metadata as Obj).annotations ?? {}).toEqual({});
    const bindings = objects().filter(
      (o) =>
        (o.kind === "RoleBinding" || o.kind === "ClusterRoleBinding") &&
        JSON.stringify(o.subjects ?? []).includes(`"${FEATURE_APPLY_SERVICE_ACCOUNT}"`),
    );
    expect(bindings.map((b) => (b.roleRef as Obj).name as string)).toEqual(["mlops-pipeline-executor"]);
  });

  it("names the declared feature repository in ml-pipelines' settings only, and lets only the apply pods reach its host", () => {
    const prod = stack.startsWith("uae-prod");
    const settings = (ns: string) => (one("ConfigMap", "mlops-pipeline-settings", ns)?.data ?? {}) as Record<string, string>;
    expect(settings("ml-pipelines")[FEATURE_REPOSITORY_SETTINGS.url]).toBe(prod ? REPO : undefined);
    for (const o of objects().filter((x) => x.kind === "ConfigMap" && (x.metadata as Obj).name === "mlops-pipeline-settings"))
      if ((o.metadata as Obj).namespace !== "ml-pipelines") expect(JSON.stringify(o.data)).not.toContain("FEATURE_REPOSITORY");
    const egress = objects().filter(
      (o) => o.kind === "NetworkPolicy" && JSON.stringify((o.spec as Obj).podSelector).includes("feature-apply"),
    );
    expect(egress.map((o) => (o.metadata as Obj).namespace)).toEqual(prod ? ["ml-pipelines"] : []);
    const sensor = JSON.stringify(one("Sensor", "training-trigger") ?? {});
    expect(sensor.includes('"name":"features"')).toBe(prod);
    // The definitions' offline sources, as the feature server sees them.
    if (prod) expect(settings("ml-pipelines")[FEATURE_REPOSITORY_SETTINGS.offlineUri]).toMatch(/^(s3|abfss):\/\/.+\/feast\/$/);
  });
});

describe("the example feature repository (workflows/examples/feature-repo)", () => {
  const dir = join(__dirname, "..", "..", "workflows", "examples", "feature-repo");
  const repoDir = join(dir, "feature_repo");
  const files = readdirSync(repoDir);
  const python = files.filter((f) => f.endsWith(".py")).map((f) => readFileSync(join(repoDir, f), "utf8"));

  it("carries definitions only: no feature_store.yaml, no credential, sources under FEAST_OFFLINE_URI", () => {
    expect(files).not.toContain("feature_store.yaml");
    expect(readdirSync(dir)).not.toContain("feature_store.yaml");
    const all = python.join("\n");
    expect(all).not.toMatch(/password|secret|token|postgresql|redis:\/\/|s3:\/\/|abfss:\/\//i);
    expect(all).toContain('os.environ["FEAST_OFFLINE_URI"]');
  });

  it("declares every feature view's schema and every entity's value type (the apply step infers nothing)", () => {
    const all = python.join("\n");
    const views = all.match(/= FeatureView\(/g) ?? [];
    expect(views.length).toBeGreaterThan(0);
    expect((all.match(/\n {4}schema=\[/g) ?? []).length).toBe(views.length);
    const entities = all.match(/= Entity\(/g) ?? [];
    expect(entities.length).toBeGreaterThan(0);
    expect((all.match(/\n {4}value_type=ValueType\./g) ?? []).length).toBe(entities.length);
  });
});
