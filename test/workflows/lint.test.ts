import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runWorkflowsLint } from "../../tools/workflows-lint";
import { loadWorkflowDocuments, WORKFLOWS_DIR, type WorkflowDocument } from "../../workflows";
import { lintWorkflowDocuments } from "../../workflows/lint";
import { TRAINING_ACCOUNT_EXPRESSION } from "../../workflows/steps/lib/built-training";

// biome-ignore lint/suspicious/noExplicitAny: fixtures are edited by path in each case
type Obj = Record<string, any>;

const shipped = loadWorkflowDocuments();
const training = (): WorkflowDocument => {
  const d = shipped.find((x) => x.file === "training-pipeline.yaml");
  if (!d) throw new Error("training-pipeline.yaml missing");
  return { file: d.file, object: JSON.parse(JSON.stringify(d.object)) };
};
const tpl = (doc: WorkflowDocument, name: string): Obj => (doc.object.spec as Obj).templates.find((t: Obj) => t.name === name);

async function problemsAfter(edit: (doc: WorkflowDocument) => void): Promise<string> {
  const doc = training();
  edit(doc);
  return (await lintWorkflowDocuments([doc])).join("\n");
}

describe("workflows lint", () => {
  it("passes every shipped file (upstream schema included)", async () => {
    expect(shipped.map((d) => `${d.file}:${d.object.kind}`)).toEqual([
      "drift-monitor.yaml:ClusterWorkflowTemplate",
      "feature-apply.yaml:ClusterWorkflowTemplate",
      "feature-materialize.yaml:CronWorkflow",
      "model-archival.yaml:CronWorkflow",
      "training-pipeline.yaml:ClusterWorkflowTemplate",
    ]);
    expect(await lintWorkflowDocuments(shipped)).toEqual([]);
  });

  const cases: [string, (d: WorkflowDocument) => void, RegExp][] = [
    [
      "a GPU step without the taint toleration",
      (d) => delete tpl(d, "train").tolerations,
      /template train: requests GPUs but does not tolerate the taint nvidia\.com\/gpu=present:NoSchedule/,
    ],
    [
      "a GPU step without the GPU nodeSelector",
      (d) => delete tpl(d, "train").nodeSelector,
      /template train: requests GPUs but has no nodeSelector mlops\.platform\/pool: gpu-training/,
    ],
    [
      "a GPU step without a GPU limit",
      (d) => delete tpl(d, "train").container.resources.limits["nvidia.com/gpu"],
      /template train: runs on the GPU pool but sets no resources\.limits\["nvidia\.com\/gpu"\]/,
    ],
    [
      "a GPU step outside the GPU queue",
      (d) => delete tpl(d, "train").metadata,
      /template train: requests GPUs outside the GPU queue: set metadata\.labels\["kueue\.x-k8s\.io\/queue-name"\]: gpu/,
    ],
    [
      "a GPU step in a queue the namespaces do not have",
      (d) => (tpl(d, "train").metadata.labels["kueue.x-k8s.io/queue-name"] = "fast-lane"),
      /template train: requests GPUs outside the GPU queue/,
    ],
    [
      "a GPU step outside the GPU queue, as the cluster's admission sees its pod",
      (d) => delete tpl(d, "train").metadata,
      /go through the namespace's GPU queue/,
    ],
    [
      "an image on latest",
      (d) => (tpl(d, "preflight").container.image = "mlops-platform/pipeline-steps:latest"),
      /container main: image "mlops-platform\/pipeline-steps:latest" uses the moving tag "latest"/,
    ],
    ["an untagged image", (d) => (tpl(d, "preflight").container.image = "busybox"), /image "busybox" has no tag/],
    [
      "a parameterised image with an unpinned default",
      (d) => ((d.object.spec as Obj).arguments.parameters.find((p: Obj) => p.name === "training-image").value = "trainer:latest"),
      /default of parameter training-image: image "trainer:latest" uses the moving tag/,
    ],
    [
      "a computed image",
      (d) => (tpl(d, "preflight").container.image = "repo/{{workflow.parameters.model-name}}:1"),
      /is computed: use a pinned image or exactly/,
    ],
    [
      "a service account the platform does not create",
      (d) => (tpl(d, "register").serviceAccountName = "default"),
      /template register: serviceAccountName "default" is not created by the platform: use one of pipeline-data, pipeline-train, pipeline-register, pipeline-deploy/,
    ],
    [
      "a missing service account (neither the template's nor the workflow's)",
      (d) => {
        delete tpl(d, "register").serviceAccountName;
        delete (d.object.spec as Obj).serviceAccountName;
      },
      /template register: has no serviceAccountName and the workflow sets none/,
    ],
    [
      "privilege escalation",
      (d) =>
        (tpl(d, "register").container.securityContext = {
          ...tpl(d, "register").container.securityContext,
          allowPrivilegeEscalation: true,
        }),
      /template register container main: securityContext\.allowPrivilegeEscalation must be false/,
    ],
    [
      "a writable root filesystem",
      (d) => (tpl(d, "register").container.securityContext = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } }),
      /readOnlyRootFilesystem must be true/,
    ],
    [
      "capabilities kept",
      (d) => (tpl(d, "register").container.securityContext = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true }),
      /capabilities\.drop must include "ALL"/,
    ],
    [
      "no seccomp profile",
      (d) => delete (d.object.spec as Obj).securityContext.seccompProfile,
      /spec\.securityContext\.seccompProfile\.type: must be RuntimeDefault/,
    ],
    ["no retries", (d) => delete tpl(d, "register").retryStrategy, /template register: has no retryStrategy with a limit/],
    ["retries without backoff", (d) => (tpl(d, "register").retryStrategy = { limit: "3" }), /retryStrategy has no backoff\.duration/],
    ["no step deadline", (d) => delete tpl(d, "register").activeDeadlineSeconds, /template register: has no activeDeadlineSeconds/],
    ["no resource limits", (d) => (tpl(d, "register").container.resources = {}), /resources\.limits needs cpu and memory/],
    ["no pod GC", (d) => delete (d.object.spec as Obj).podGC, /spec\.podGC: missing/],
    ["no TTL", (d) => delete (d.object.spec as Obj).ttlStrategy, /spec\.ttlStrategy: missing/],
    ["no exit handler", (d) => delete (d.object.spec as Obj).onExit, /spec\.onExit: missing/],
    ["no workflow deadline", (d) => delete (d.object.spec as Obj).activeDeadlineSeconds, /spec\.activeDeadlineSeconds: missing/],
    [
      "a step calling a missing template",
      (d) => (tpl(d, "pipeline").steps[0][0].template = "preflite"),
      /step preflight calls template "preflite", which does not exist/,
    ],
    [
      "an undeclared workflow parameter",
      (d) => tpl(d, "register").container.args.push("--x={{workflow.parameters.nope}}"),
      /uses \{\{workflow\.parameters\.nope\}\} but the workflow declares no parameter "nope"/,
    ],
    [
      "an undeclared input",
      (d) => tpl(d, "register").container.args.push("--x={{inputs.parameters.nope}}"),
      /uses \{\{inputs\.parameters\.nope\}\} but template register declares no such input/,
    ],
    [
      "an undeclared step output",
      (d) => (tpl(d, "pipeline").steps[4][0].arguments.parameters[0].value = "{{steps.start-run.outputs.parameters.runid}}"),
      /reads parameters "runid" of step "start-run", but template start-run declares no such output/,
    ],
    [
      "a step output read before the step runs",
      (d) => (tpl(d, "pipeline").steps[1][0].arguments.parameters[0].value = "{{steps.promote.outputs.parameters.scheme}}"),
      /refers to step "promote", which does not run before it/,
    ],
    [
      "an output expression naming a missing step",
      (d) => (tpl(d, "validate-data").outputs.parameters[0].valueFrom.expression = "steps['nope'].outputs.parameters['data-sha256']"),
      /refers to step "nope", which is not a step of this template/,
    ],
    [
      "an unknown argument",
      (d) => tpl(d, "pipeline").steps[5][0].arguments.parameters.push({ name: "force", value: "true" }),
      /step quality-gate passes parameter "force" but template quality-gate has no such input/,
    ],
    [
      "a missing required argument",
      (d) => (tpl(d, "pipeline").steps[5][0].arguments.parameters = []),
      /step quality-gate does not pass required input "run-id" of template quality-gate/,
    ],
    [
      "a conditional gate",
      (d) => (tpl(d, "pipeline").steps[5][0].when = "'{{workflow.parameters.hyperparameters}}' != 'skip'"),
      /step quality-gate runs dist\/gate\.js under a "when" condition: release guards must always run/,
    ],
    [
      "a gate allowed to fail",
      (d) => (tpl(d, "pipeline").steps[6][0].continueOn = { failed: true }),
      /step register runs dist\/register\.js with continueOn/,
    ],
    [
      "an approval that resumes by itself",
      (d) => (tpl(d, "approval").suspend = { duration: "1h" }),
      /template approval: suspend\.duration resumes the workflow by itself/,
    ],
    [
      "an inline S3 credential",
      // The platform's steps fetch data themselves (by version); a team's template may still read an artifact.
      (d) =>
        (tpl(d, "validate-data-s3").inputs.artifacts = [
          {
            name: "data",
            path: "/data/input",
            s3: { bucket: "b", key: "k", useSDKCreds: true, accessKeySecret: { name: "s3", key: "id" } },
          },
        ]),
      /s3\.accessKeySecret is an inline credential/,
    ],
    [
      "an artifact read without workload identity",
      (d) =>
        (tpl(d, "validate-data-azure").inputs.artifacts = [
          { name: "data", path: "/data/input", azure: { endpoint: "https://a.blob.core.windows.net", container: "c", blob: "b" } },
        ]),
      /azure\.useSDKCreds must be true \(workload identity\)/,
    ],
    [
      "an output artifact sent elsewhere",
      (d) => (tpl(d, "quality-gate").outputs.artifacts[0].s3 = { bucket: "public", key: "x" }),
      /output artifact evaluation sets s3: leave the location out/,
    ],
    [
      "a misspelt field the upstream validator ignores",
      (d) => (tpl(d, "register").retryStratgy = tpl(d, "register").retryStrategy),
      /template register.*|templates\[\d+\]\.retryStratgy is not a field of Template/,
    ],
    [
      "a misspelt nested field",
      (d) => (tpl(d, "register").container.securityContex = {}),
      /container\.securityContex is not a field of Container/,
    ],
    [
      "a wrong type (upstream schema)",
      (d) => ((d.object.spec as Obj).parallelism = "many"),
      /schema: data\/spec\/parallelism must be integer/,
    ],
    ["a namespace in the file", (d) => ((d.object.metadata as Obj).namespace = "default"), /metadata\.namespace: remove it/],
  ];
  for (const [label, edit, message] of cases) {
    it(`refuses ${label}`, async () => {
      expect(await problemsAfter(edit)).toMatch(message);
    });
  }

  it("the command exits non-zero with the problems listed", () => {
    const dir = mkdtempSync(join(tmpdir(), "wf-lint-"));
    // The train step's account is the training-account parameter (workflow and step input): the lint judges its default.
    const text = readFileSync(join(WORKFLOWS_DIR, "training-pipeline.yaml"), "utf8").replaceAll("value: pipeline-train", "value: default");
    writeFileSync(join(dir, "training-pipeline.yaml"), text);
    const root = join(__dirname, "..", "..");
    let status = 0;
    let stderr = "";
    try {
      execFileSync(process.execPath, ["--import", "tsx", "tools/workflows-lint.ts", dir], { cwd: root, encoding: "utf8", stdio: "pipe" });
    } catch (e) {
      status = (e as { status: number }).status;
      stderr = (e as { stderr: string }).stderr;
    }
    expect(status).toBe(1);
    // Linted as a team's file: an account given by a parameter is refused, and its default judged by admission.
    expect(stderr).toContain(
      `training-pipeline.yaml: ClusterWorkflowTemplate/training-pipeline: template train: serviceAccountName "${TRAINING_ACCOUNT_EXPRESSION}" is not created by the platform`,
    );
    expect(stderr).toMatch(
      /template train: admission \(as the cluster judges its pod\): mlops-service-accounts: service account default is not allowed here/,
    );
  }, 120_000);

  it("exits zero on the shipped files, naming how many objects it checked", async () => {
    let stdout = "";
    const status = await runWorkflowsLint([], { stdout: (t) => (stdout += t), stderr: (t) => (stdout += t) });
    expect(stdout).toMatch(/5 object\(s\) in 5 file\(s\) are valid/);
    expect(status).toBe(0);
  });

  it("exits 2 on a bad argument", async () => {
    let stderr = "";
    expect(await runWorkflowsLint(["--colour"], { stdout: () => {}, stderr: (t) => (stderr += t) })).toBe(2);
    expect(stderr).toContain("unknown option --colour");
  });
});
