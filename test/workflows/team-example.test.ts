/**
 * The team's path of docs/submit-your-own-pipeline.md: the worked example under
 * `workflows/examples/` passes `npm run workflows:lint -- workflows/examples`, and broken variants
 * fail with the refusal the cluster's admission would give (same CEL, evaluated offline).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { parseLintArgs, runWorkflowsLint } from "../../tools/workflows-lint";
import { loadWorkflowDocuments, WORKFLOWS_DIR, type WorkflowDocument } from "../../workflows";
import { lintWorkflowDocuments, lintWorkflowsDir } from "../../workflows/lint";

// biome-ignore lint/suspicious/noExplicitAny: fixtures are edited by path in each case
type Obj = Record<string, any>;

const EXAMPLES = join(WORKFLOWS_DIR, "examples");
const REGISTRY = "123456789012.dkr.ecr.me-central-1.amazonaws.com";
const DIGEST = `@sha256:${"c".repeat(64)}`;
const example = (): WorkflowDocument => {
  const [d] = loadWorkflowDocuments(EXAMPLES);
  if (!d) throw new Error("workflows/examples has no document");
  return { file: d.file, object: JSON.parse(JSON.stringify(d.object)) };
};
const tpl = (d: WorkflowDocument, name: string): Obj => (d.object.spec as Obj).templates.find((t: Obj) => t.name === name);
const param = (d: WorkflowDocument, name: string): Obj => (d.object.spec as Obj).arguments.parameters.find((p: Obj) => p.name === name);
const step = (d: WorkflowDocument, name: string): Obj =>
  (tpl(d, "pipeline").steps as Obj[][]).flat().find((s: Obj) => s.name === name) as Obj;

async function lint(edit: (d: WorkflowDocument) => void, registryHosts = [REGISTRY]): Promise<string> {
  const d = example();
  edit(d);
  return (await lintWorkflowDocuments([d], { team: true, registryHosts })).join("\n");
}

describe("a team's own pipeline (workflows/examples)", () => {
  it("the worked example passes the lint as a team's file, with and without the registry named", async () => {
    const r = await lintWorkflowsDir(EXAMPLES);
    expect(r.problems).toEqual([]);
    expect(r.objects).toBe(1);
    expect(await lint(() => {})).toBe("");
  });

  it("reuses the platform's validation, gate, registration and promotion by reference, and brings its own training step", () => {
    const d = example();
    const refs = (tpl(d, "pipeline").steps as Obj[][]).flat().filter((s) => s.templateRef);
    expect(refs.map((s) => s.templateRef.template)).toEqual(
      expect.arrayContaining(["preflight", "validate-data", "quality-gate", "register", "promote"]),
    );
    for (const s of refs) expect(s.templateRef).toMatchObject({ name: "training-pipeline", clusterScope: true });
    expect(step(d, "train").template).toBe("train");
    expect(tpl(d, "train").serviceAccountName).toBe("pipeline-train");
  });

  const broken: [string, (d: WorkflowDocument) => void, RegExp][] = [
    [
      "a training image from Docker Hub",
      (d) => (param(d, "training-image").value = "python:3.12-slim"),
      /template train: admission .*images must come from the stack's registry.*: main/,
    ],
    [
      "a training image from another registry, by digest",
      (d) => (param(d, "training-image").value = `ghcr.io/acme/train${DIGEST}`),
      /template train: admission .*stack's registry/,
    ],
    [
      "a training image by tag (production admission wants a digest)",
      (d) => (param(d, "training-image").value = `${REGISTRY}/team-fraud/train:1.2.0`),
      /template train: admission .*pinned by digest/,
    ],
    [
      "its own step running as the registration account",
      (d) => (tpl(d, "train").serviceAccountName = "pipeline-register"),
      /templates that use a reserved account: train/,
    ],
    [
      "a workflow-wide pod patch (it would reach the platform's steps)",
      (d) => ((d.object.spec as Obj).podSpecPatch = '{"containers":[{"name":"main","args":["x"]}]}'),
      /podSpecPatch or templateDefaults/,
    ],
    [
      "a hostPath volume",
      (d) => (d.object.spec as Obj).volumes.push({ name: "host", hostPath: { path: "/var/run" } }),
      /forbidden type.*: host/,
    ],
    [
      "a privileged training container",
      (d) => (tpl(d, "train").container.securityContext.privileged = true),
      /privileged containers are not allowed: main/,
    ],
    [
      "a namespaced copy of a platform step instead of the cluster template",
      (d) => delete step(d, "quality-gate").templateRef.clusterScope,
      /templateRef training-pipeline\/quality-gate without clusterScope: true/,
    ],
    [
      "a reference to a template the platform does not have",
      (d) => (step(d, "register").templateRef.template = "register-without-gate"),
      /only the platform's ClusterWorkflowTemplates may be referenced/,
    ],
    [
      "a workflow parameter the platform's steps read is missing",
      (d) => {
        const ps = (d.object.spec as Obj).arguments.parameters as Obj[];
        ps.splice(
          ps.findIndex((p) => p.name === "quality-gate"),
          1,
        );
      },
      /reads workflow parameter "quality-gate": declare it/,
    ],
    [
      "a volume the platform's steps mount is missing",
      (d) => ((d.object.spec as Obj).volumes = (d.object.spec as Obj).volumes.filter((v: Obj) => v.name !== "tmp")),
      /mounts volume "tmp": declare it in spec.volumes/,
    ],
    [
      "the gate made conditional",
      (d) => (step(d, "quality-gate").when = "'{{workflow.parameters.model-name}}' == 'x'"),
      /runs dist\/gate\.js under a "when" condition/,
    ],
  ];
  it.each(broken)("refuses %s", async (_label, edit, pattern) => {
    expect(await lint(edit)).toMatch(pattern);
  });

  it("without --registry only in-region registries count: an ECR outside the UAE is refused", async () => {
    const out = await lint(
      (d) => (param(d, "training-image").value = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/t${DIGEST}`),
      undefined,
    );
    expect(out).toMatch(/stack's registry/);
    expect(
      await lint((d) => (param(d, "training-image").value = `${REGISTRY}/team-fraud/train${DIGEST}`), undefined as unknown as string[]),
    ).toBe("");
  });

  it("development admission accepts a fixed tag; production (the lint's default) does not", async () => {
    const d = example();
    param(d, "training-image").value = `${REGISTRY}/team-fraud/train:1.2.0`;
    expect(await lintWorkflowDocuments([d], { team: true, registryHosts: [REGISTRY], environment: "development" })).toEqual([]);
  });

  it("the command line lints a team's directory and exits 1 on a Docker Hub image", async () => {
    const dir = mkdtempSync(join(tmpdir(), "team-lint-"));
    const d = example();
    param(d, "training-image").value = "docker.io/library/python:3.12";
    writeFileSync(join(dir, "team.yaml"), stringify(d.object));
    let stderr = "";
    const status = await runWorkflowsLint([dir, "--registry", REGISTRY], { stdout: () => {}, stderr: (t) => (stderr += t) });
    expect(status).toBe(1);
    expect(stderr).toMatch(/team\.yaml: WorkflowTemplate\/fraud-training: template train: admission .*stack's registry/);
  });

  it("parses the command line and refuses bad options", () => {
    expect(parseLintArgs(["dir", "--registry", "a.io", "--environment", "development"])).toEqual({
      dir: "dir",
      registryHosts: ["a.io"],
      environment: "development",
    });
    expect(() => parseLintArgs(["--environment", "staging"])).toThrow(/development or production/);
    expect(() => parseLintArgs(["--registry"])).toThrow(/needs a host/);
    expect(() => parseLintArgs(["--bogus"])).toThrow(/unknown option/);
  });
});
