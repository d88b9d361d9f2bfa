/**
 * The Argo Events sensor must submit runs Argo accepts: every parameter the training template
 * requires (no default) is supplied, by the sensor's workflow or by the retrain step it runs, and
 * the quality gate comes from the champion's run, never from the event.
 */
import { describe, expect, it } from "vitest";
import { PIPELINE_SERVICE_ACCOUNTS } from "../../../components/contracts";
import {
  argoEventsProblems,
  BUILD_TEMPLATE,
  DATA_BATCH_MARKER,
  dataPrefixFilter,
  dataUriTemplate,
  RETRAIN_TEMPLATE,
  repositoryPath,
  sensorSpec,
} from "../../../components/k8s/argo-events";
import { loadWorkflowManifests } from "../../../workflows";
import { TAGS } from "../../../workflows/steps/lib/lineage";
import { retrainArguments, retrainWorkflow } from "../../../workflows/steps/retrain";
import { PARAMETER_TAG_PREFIX } from "../../../workflows/steps/start-run";

type Obj = Record<string, unknown>;
type Param = { name: string; value?: unknown };

const template = loadWorkflowManifests().find(
  (m) => m.kind === "ClusterWorkflowTemplate" && (m.metadata as Obj).name === "training-pipeline",
) as Obj;
const templateSpec = template.spec as Obj;
const required = ((templateSpec.arguments as Obj).parameters as Param[]).filter((p) => p.value === undefined).map((p) => p.name);
const templateByName = (name: string) => (templateSpec.templates as Obj[]).find((t) => t.name === name);

const models = ["fraud-scorer", "credit"];
const spec = sensorSpec(
  {
    dataEvents: { kind: "sqs" } as never,
    pipelinesNamespaceName: "ml-pipelines",
    retrainModels: [...models, "credit"],
    git: { provider: "github", repositories: ["acme/churn"], branches: ["main"], secret: "x" },
  },
  "s3://d/platform/latest/",
  {},
);
const triggers = spec.triggers as Obj[];
const workflowOf = (t: Obj) => (((t.template as Obj).k8s as Obj).source as Obj).resource as Obj;

describe("training sensor", () => {
  it("has the template's required parameters to check against", () => {
    expect(required).toEqual(["data-uri", "code-version", "model-name", "training-image", "training-command", "quality-gate"]);
  });

  it.each(triggers.map((t) => [String((t.template as Obj).name), t] as const))(
    "trigger %s supplies every parameter the training template requires",
    (_name, trigger) => {
      const wf = workflowOf(trigger);
      const wfSpec = wf.spec as Obj;
      expect(wf.kind).toBe("Workflow");
      expect((wf.metadata as Obj).namespace).toBe("ml-pipelines");
      const wfParams = ((wfSpec.arguments as Obj).parameters as Param[]).map((p) => p.name);
      // Submitting the template directly would need every required parameter.
      if (wfSpec.workflowTemplateRef !== undefined) for (const p of required) expect(wfParams).toContain(p);
      // Every trigger parameter writes an existing workflow argument.
      for (const p of ((trigger.template as Obj).k8s as Obj).parameters as Obj[]) {
        const m = /^spec\.arguments\.parameters\.(\d+)\.value$/.exec(String(p.dest));
        expect(m, String(p.dest)).not.toBeNull();
        expect(wfParams[Number(m?.[1])]).toBeDefined();
      }
      // Every workflow parameter the steps use is declared.
      for (const ref of JSON.stringify(wfSpec.templates).matchAll(/\{\{workflow\.parameters\.([a-z-]+)\}\}/g))
        expect(wfParams).toContain(ref[1]);
      const steps = ((wfSpec.templates as Obj[]).flatMap((t) => (t.steps as Obj[][] | undefined) ?? []).flat() as Obj[]).filter(
        (s) => s.templateRef !== undefined,
      );
      expect(steps.length).toBeGreaterThan(0);
      for (const step of steps) {
        const ref = step.templateRef as Obj;
        expect(ref.name).toBe("training-pipeline");
        expect(ref.clusterScope).toBe(true);
        const target = templateByName(String(ref.template));
        expect(target, `template ${String(ref.template)}`).toBeDefined();
        const inputs = (((target?.inputs as Obj | undefined)?.parameters as Param[] | undefined) ?? []).filter(
          (p) => p.value === undefined,
        );
        const given = ((step.arguments as Obj).parameters as Param[]).map((p) => p.name);
        for (const p of inputs) expect(given, `${String(ref.template)} input ${p.name}`).toContain(p.name);
        const name = String((trigger.template as Obj).name);
        // A data event retrains its own model only; git and the schedule retrain every model.
        expect(step.withItems).toEqual(name.startsWith("data-") ? [name.slice("data-".length)] : models);
      }
    },
  );

  it("runs the retrain step (champion's settings) as pipeline-deploy and names no gate, image or command itself", () => {
    for (const t of triggers) {
      const wf = workflowOf(t);
      expect((wf.spec as Obj).serviceAccountName).toBe(PIPELINE_SERVICE_ACCOUNTS.deploy);
      const text = JSON.stringify(wf);
      for (const p of ["quality-gate", "training-image", "training-command", "code-version"]) expect(text).not.toContain(p);
    }
    const retrain = templateByName(RETRAIN_TEMPLATE) as Obj;
    expect(retrain.serviceAccountName).toBe(PIPELINE_SERVICE_ACCOUNTS.deploy);
    expect((retrain.container as Obj).args).toEqual([
      "dist/retrain.js",
      "--model-name={{inputs.parameters.model-name}}",
      "--data-uri={{inputs.parameters.data-uri}}",
      "--reason={{inputs.parameters.reason}}",
    ]);
    // The retrain step is not part of the training run itself.
    expect(JSON.stringify(templateByName("pipeline"))).not.toContain(RETRAIN_TEMPLATE);
  });

  it("puts the event's data URI into data-uri and the git commit into the reason only", () => {
    expect(triggers.map((t) => (t.template as Obj).name)).toEqual(["data-fraud-scorer", "data-credit", "git", "schedule"]);
    const [data, , git, schedule] = triggers.map((t) => ((t.template as Obj).k8s as Obj).parameters as Obj[]);
    const params = ((workflowOf(triggers[0] as Obj).spec as Obj).arguments as Obj).parameters;
    expect(params).toEqual([
      { name: "data-uri", value: "s3://d/platform/latest/" },
      { name: "reason", value: "data-fraud-scorer" },
    ]);
    expect(data?.map((p) => p.dest)).toEqual(["spec.arguments.parameters.0.value"]);
    expect(git?.map((p) => p.dest)).toEqual(["spec.arguments.parameters.1.value"]);
    expect(schedule).toEqual([]);
  });

  it("has no git dependency or trigger when no git server is configured", () => {
    const off = sensorSpec(
      { dataEvents: { kind: "sqs" } as never, pipelinesNamespaceName: "ml-pipelines", retrainModels: models },
      "s3://d/",
      {},
    );
    expect((off.dependencies as Obj[]).map((d) => d.name)).toEqual(["data0", "data1", "schedule"]);
    expect((off.triggers as Obj[]).map((t) => (t.template as Obj).name)).toEqual(["data-fraud-scorer", "data-credit", "schedule"]);
  });

  it("resubmits training with every required parameter, the gate taken from the champion's run", () => {
    const gate = '{"metrics":[{"name":"auc","direction":"max","threshold":0.8}],"primaryMetric":"auc"}';
    const run = {
      runId: "r1",
      experimentId: "1",
      status: "FINISHED",
      artifactUri: "s3://a",
      metrics: {},
      params: {},
      tags: {
        [TAGS.codeVersion]: "abc123",
        [TAGS.trainingImage]: "reg/train@sha256:00",
        [TAGS.gate]: gate,
        [`${PARAMETER_TAG_PREFIX}training-command`]: "python train.py",
      },
    };
    const args = retrainArguments(run, "credit", "s3://d/new.csv");
    for (const p of required) expect(args[p as keyof typeof args], p).not.toBe("");
    expect(args["quality-gate"]).toBe(gate);
    expect(args["data-uri"]).toBe("s3://d/new.csv");
    const wf = retrainWorkflow("ml-pipelines", "credit", args, "data");
    const spec = wf.spec as Obj;
    expect(spec.workflowTemplateRef).toEqual({ name: "training-pipeline", clusterScope: true });
    const names = ((spec.arguments as Obj).parameters as Param[]).map((p) => p.name);
    for (const p of required) expect(names).toContain(p);
  });

  it("refuses a blank model name, naming the key, the value and the fix", () => {
    expect(argoEventsProblems({ schedule: "0 2 * * *", serviceAccountName: "sa", retrainModels: ["ok", " "] } as never)).toEqual([
      'retrainModels[1]: " " must be a registered model name without surrounding spaces, e.g. "fraud-scorer"',
    ]);
  });

  it("refuses a data prefix that is not a folder", () => {
    const base = { schedule: "0 2 * * *", serviceAccountName: "sa", retrainModels: ["credit"] } as never;
    expect(argoEventsProblems({ ...(base as object), dataPrefixes: { credit: "/abs*" } } as never)).toEqual([
      'dataPrefixes.credit: "/abs*" must be a key prefix of path segments ending in "/", e.g. "platform/credit/"',
    ]);
  });
});

describe("data events: routed by the model's data prefix, one per batch", () => {
  const deps = spec.dependencies as Obj[];
  const filterOf = (name: string) => (((deps.find((d) => d.name === name) as Obj).filters as Obj).data as Obj[])[0] as Obj;
  // Argo Events matches string data filters as Go regular expressions; this subset means the same in JS.
  const matches = (f: Obj, value: string) => (f.value as string[]).some((re) => new RegExp(re).test(value));

  it("gives each model a dependency filtered on the S3 key under its prefix, markers only", () => {
    const fraud = filterOf("data0");
    expect(fraud.path).toBe("body.Records.0.s3.object.key");
    expect(matches(fraud, `platform/fraud-scorer/2026-11-27/${DATA_BATCH_MARKER}`)).toBe(true);
    expect(matches(fraud, `platform/fraud-scorer/${DATA_BATCH_MARKER}`)).toBe(true);
    // Not the data files of the batch, not another model, not a model whose name extends this one.
    expect(matches(fraud, "platform/fraud-scorer/2026-11-27/part-00001.csv")).toBe(false);
    expect(matches(fraud, `platform/credit/2026-11-27/${DATA_BATCH_MARKER}`)).toBe(false);
    expect(matches(fraud, `platform/fraud-scorer-v2/2026-11-27/${DATA_BATCH_MARKER}`)).toBe(false);
    expect(matches(fraud, `platform/fraud-scorer/2026-11-27/NOT${DATA_BATCH_MARKER}`)).toBe(false);
    expect(matches(filterOf("data1"), `platform/credit/2026-11-27/${DATA_BATCH_MARKER}`)).toBe(true);
  });

  it("filters the Event Grid subject on Azure the same way", () => {
    const f = dataPrefixFilter("azure-storage-queue", "platform/fraud-scorer/");
    expect(f.path).toBe("body.subject");
    expect(matches(f, `/blobServices/default/containers/datasets/blobs/platform/fraud-scorer/b1/${DATA_BATCH_MARKER}`)).toBe(true);
    expect(matches(f, "/blobServices/default/containers/datasets/blobs/platform/fraud-scorer/b1/x.csv")).toBe(false);
    expect(matches(f, `/blobServices/default/containers/datasets/blobs/platform/credit/b1/${DATA_BATCH_MARKER}`)).toBe(false);
  });

  it("escapes the prefix: a dot in a prefix is literal", () => {
    const f = dataPrefixFilter("sqs", "platform/a.b/");
    expect(matches(f, `platform/a.b/x/${DATA_BATCH_MARKER}`)).toBe(true);
    expect(matches(f, `platform/aXb/x/${DATA_BATCH_MARKER}`)).toBe(false);
  });

  it("trains on the batch folder that holds the marker, not on the marker", () => {
    expect(dataUriTemplate("sqs")).toContain(`s3.object.key | trimSuffix "${DATA_BATCH_MARKER}"`);
    // The Azure template's regular expression, as Go's regexReplaceAll sees it after template unquoting.
    const goRegex = /regexReplaceAll "(.*?)" \.Input/.exec(dataUriTemplate("azure-storage-queue"))?.[1]?.replace(/\\\\/g, "\\");
    const url = `https://acct.blob.core.windows.net/datasets/platform/credit/2026-11-27/${DATA_BATCH_MARKER}`;
    expect(url.replace(new RegExp(goRegex ?? "^$"), "abfss://$2@$1.dfs.core.windows.net/$3")).toBe(
      "abfss://datasets@acct.dfs.core.windows.net/platform/credit/2026-11-27/",
    );
  });
});

/**
 * Argo Events' expr filter (govaluate) on the subset the platform writes: `name == "literal"`,
 * `name != "literal"`, joined by `&&` / `||` (`&&` binds tighter). Anything else throws, so a
 * changed expression fails here instead of being judged by a look-alike. Fields are read at their
 * dotted path in the event; a missing field makes the filter false, as Argo Events documents.
 */
function exprFilterPasses(expr: string, fields: { name: string; path: string }[], event: Obj): boolean {
  const values: Record<string, unknown> = {};
  for (const f of fields) {
    const v = f.path.split(".").reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Obj)[k] : undefined), event);
    if (v === undefined) return false;
    values[f.name] = v;
  }
  const tokens = expr.match(/"(?:[^"\\]|\\.)*"|==|!=|&&|\|\||[A-Za-z_][A-Za-z0-9_]*|\S/g) ?? [];
  let i = 0;
  const comparison = (): boolean => {
    const name = tokens[i++] ?? "";
    const op = tokens[i++];
    const lit = tokens[i++] ?? "";
    if (!/^[A-Za-z_]\w*$/.test(name) || !(name in values) || (op !== "==" && op !== "!=") || !/^".*"$/.test(lit))
      throw new Error(`unsupported expr filter: ${expr}`);
    const equal = values[name] === JSON.parse(lit);
    return op === "==" ? equal : !equal;
  };
  const and = (): boolean => {
    let v = comparison();
    while (tokens[i] === "&&") {
      i++;
      v = comparison() && v;
    }
    return v;
  };
  let v = and();
  while (tokens[i] === "||") {
    i++;
    v = and() || v;
  }
  if (i !== tokens.length) throw new Error(`unsupported expr filter: ${expr}`);
  return v;
}

/** The git-push dependencies of `deps` a relayed push of `repository` satisfies (expr filters, logical and). */
function pushRoutes(deps: Obj[], repository: string | undefined): string[] {
  const event = { body: repository === undefined ? {} : { repository } };
  return deps
    .filter((d) => d.eventName === "push")
    .filter((d) =>
      (((d.filters as Obj | undefined)?.exprs as { expr: string; fields: { name: string; path: string }[] }[] | undefined) ?? []).every(
        (x) => exprFilterPasses(x.expr, x.fields, event),
      ),
    )
    .map((d) => String(d.name));
}

describe("git pushes to a model's repository: build that commit, retrain that model", () => {
  const git = { provider: "gitlab" as const, repositories: ["acme/shared", "risk/models/churn"], branches: ["main"], secret: "x" };
  const builds = [{ registeredModel: "churn", team: "risk", model: "churn", cloneUrl: "https://git.example.ae/risk/models/churn.git" }];
  const withBuilds = sensorSpec(
    { dataEvents: { kind: "sqs" } as never, pipelinesNamespaceName: "ml-pipelines", retrainModels: ["churn", "credit"], git, builds },
    "s3://d/",
    {},
  );
  const deps = withBuilds.dependencies as Obj[];

  it("names the repository as pushes do (GitLab subgroups, no .git)", () => {
    expect(repositoryPath("https://git.example.ae/risk/models/churn.git")).toBe("risk/models/churn");
    expect(repositoryPath("https://github.example.ae/acme/churn")).toBe("acme/churn");
  });

  it("routes the model's repository to its build trigger and every other repository to the generic one", () => {
    expect(deps.map((d) => d.name)).toEqual(["data0", "data1", "git", "build0", "schedule"]);
    // Evaluated on relayed push events: each push reaches exactly one route.
    expect(pushRoutes(deps, "risk/models/churn")).toEqual(["build0"]);
    expect(pushRoutes(deps, "acme/shared")).toEqual(["git"]);
    // Look-alikes of the built repository are not built: prefixes, suffixes, case, .git.
    for (const other of ["risk/models/churn2", "risk/models", "risk/models/churn/x", "Risk/Models/Churn", "risk/models/churn.git", ""])
      expect(pushRoutes(deps, other), other).toEqual(["git"]);
    // An event without the field matches no filtered route (Argo Events: an error is false).
    expect(pushRoutes(deps, undefined)).toEqual([]);
    // With two built repositories, each routes to its own build only, the rest to the generic trigger.
    const two = sensorSpec(
      {
        dataEvents: { kind: "sqs" } as never,
        pipelinesNamespaceName: "ml-pipelines",
        retrainModels: ["churn", "credit"],
        git: { ...git, repositories: [...git.repositories, "risk/credit"] },
        builds: [
          ...builds,
          { registeredModel: "credit", team: "risk", model: "credit", cloneUrl: "https://git.example.ae/risk/credit.git" },
        ],
      },
      "s3://d/",
      {},
    ).dependencies as Obj[];
    expect(pushRoutes(two, "risk/models/churn")).toEqual(["build0"]);
    expect(pushRoutes(two, "risk/credit")).toEqual(["build1"]);
    expect(pushRoutes(two, "acme/shared")).toEqual(["git"]);
    const trigger = (withBuilds.triggers as Obj[]).find((t) => (t.template as Obj).name === "build-churn") as Obj;
    expect((trigger.template as Obj).conditions).toBe("build0");
    const wf = workflowOf(trigger);
    const step = ((((wf.spec as Obj).templates as Obj[])[0] as Obj).steps as Obj[][])[0]?.[0] as Obj;
    expect(step.templateRef).toEqual({ name: "training-pipeline", template: BUILD_TEMPLATE, clusterScope: true });
    // Every input the template requires is given, and the clone URL is the declared one.
    const target = templateByName(BUILD_TEMPLATE) as Obj;
    const given = ((step.arguments as Obj).parameters as Param[]).map((p) => p.name);
    for (const p of ((target.inputs as Obj).parameters as Param[]).filter((x) => x.value === undefined)) expect(given).toContain(p.name);
    expect(((step.arguments as Obj).parameters as Param[]).find((p) => p.name === "clone-url")?.value).toBe(builds[0]?.cloneUrl);
  });

  it("has no generic git trigger when every configured repository is built", () => {
    const only = sensorSpec(
      {
        dataEvents: { kind: "sqs" } as never,
        pipelinesNamespaceName: "ml-pipelines",
        retrainModels: ["churn"],
        git: { ...git, repositories: ["risk/models/churn"] },
        builds,
      },
      "s3://d/",
      {},
    );
    expect((only.triggers as Obj[]).map((t) => (t.template as Obj).name)).toEqual(["data-churn", "build-churn", "schedule"]);
  });

  it("refuses builds without a git server, and a build of a model the sensor does not retrain", () => {
    const base = {
      dataEvents: { kind: "sqs" } as never,
      pipelinesNamespace: "ml-pipelines",
      pipelinesNamespaceName: "ml-pipelines",
      region: "me-central-1",
      identity: {} as never,
      serviceAccountName: "argo-events-sa",
      webhookToken: "t",
      schedule: "0 2 * * *",
      defaultDataUri: "s3://d/",
      namespace: "argo-events",
      replicas: 1,
      dependsOn: [],
    };
    expect(argoEventsProblems({ ...base, retrainModels: ["churn"], builds }).join("\n")).toMatch(/^builds: .*configure services\.git/m);
    expect(argoEventsProblems({ ...base, stepsImage: "s", git, retrainModels: ["credit"], builds }).join("\n")).toMatch(
      /^builds\[0\]\.registeredModel: "churn" is not one of retrainModels/m,
    );
  });
});
