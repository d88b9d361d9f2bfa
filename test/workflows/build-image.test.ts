/**
 * The `build-image` step against a local fake Kubernetes API: it creates the Kaniko Job of
 * lib/image-build.ts in ml-builds (the exact object the build namespace's admission admits), waits
 * for it, and outputs the pushed image by the digest Kaniko reported; a retry reuses the Job; a
 * failed build, a build without digest and a bad request are refused.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { imageBuildPolicy } from "../../components/k8s/image-builds";
import { mirroredImages } from "../../contracts/image-cache";
import { IMAGES } from "../../contracts/versions";
import { evaluatePolicy } from "../../workflows/admission-check";
import { main as buildImage } from "../../workflows/steps/build-image";
import { EXIT, runStep } from "../../workflows/steps/lib/cli";
import { BUILD_NAMESPACE, BUILDER_IMAGE } from "../../workflows/steps/lib/image-build";

type Obj = Record<string, unknown>;
const REGISTRY = "123456789012.dkr.ecr.me-central-1.amazonaws.com";
const BUILDER = `${REGISTRY}/mirror/kaniko-project/executor@sha256:${"9".repeat(64)}`;
const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const DIGEST = `sha256:${"f".repeat(64)}`;

/** A fake API server: Jobs finish after `pollsToFinish` reads with `outcome`, their pod reports `message`. */
const jobs = new Map<string, { job: Obj; reads: number }>();
const behaviour = { pollsToFinish: 2, outcome: "succeeded" as "succeeded" | "failed", message: `${DIGEST}\n` };
const champion = { state: "lineage" as "none" | "no-lineage" | "lineage" };
let server: Server;
let url = "";

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== "Bearer sa-token") return send(401, {});
      const u = new URL(req.url ?? "/", "http://x");
      const base = `/apis/batch/v1/namespaces/${BUILD_NAMESPACE}/jobs`;
      if (req.method === "POST" && u.pathname === base) {
        const job = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Obj;
        const name = String((job.metadata as Obj).name);
        if (jobs.has(name)) return send(409, { reason: "AlreadyExists" });
        jobs.set(name, { job, reads: 0 });
        return send(201, job);
      }
      if (req.method === "GET" && u.pathname.startsWith(`${base}/`)) {
        const j = jobs.get(u.pathname.slice(base.length + 1));
        if (!j) return send(404, {});
        j.reads++;
        const done = j.reads >= behaviour.pollsToFinish;
        return send(200, { ...j.job, status: done ? { [behaviour.outcome]: 2 } : { active: 1 } });
      }
      // The fake MLflow: the champion of "fraud-scorer" (when `champion` says so).
      if (req.method === "GET" && u.pathname === "/api/2.0/mlflow/registered-models/alias") {
        if (champion.state === "none" || u.searchParams.get("name") !== "fraud-scorer")
          return send(404, { error_code: "RESOURCE_DOES_NOT_EXIST", message: "no alias" });
        return send(200, { model_version: { name: "fraud-scorer", version: "3", run_id: "run-3", aliases: ["champion"] } });
      }
      if (req.method === "GET" && u.pathname === "/api/2.0/mlflow/runs/get") {
        const tags = champion.state === "lineage" ? [{ key: "mlops.platform/code-version", value: "a".repeat(40) }] : [];
        return send(200, { run: { info: { run_id: u.searchParams.get("run_id") }, data: { tags } } });
      }
      if (req.method === "GET" && u.pathname === `/api/v1/namespaces/${BUILD_NAMESPACE}/pods`) {
        const name = (u.searchParams.get("labelSelector") ?? "").replace(/^job-name=/, "");
        if (!jobs.has(name)) return send(200, { items: [] });
        const ok = behaviour.outcome === "succeeded";
        return send(200, {
          items: [{ status: { containerStatuses: [{ state: { terminated: { exitCode: ok ? 0 : 1, message: behaviour.message } } }] } }],
        });
      }
      return send(404, {});
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function build(flags: Record<string, string> = {}, env: Obj = {}) {
  const out = mkdtempSync(join(tmpdir(), "build-image-"));
  const log: string[] = [];
  const all: Record<string, string> = {
    "clone-url": "https://git.example.ae/fraud/fraud-scorer.git",
    commit: COMMIT,
    ref: "refs/heads/main",
    team: "fraud",
    model: "fraud-scorer",
    "poll-seconds": "0",
    ...flags,
  };
  const code = await runStep(buildImage, {
    argv: Object.entries(all).map(([k, v]) => `--${k}=${v}`),
    env: {
      PLATFORM_CLOUD: "aws",
      PLATFORM_REGION: "me-central-1",
      PLATFORM_ALLOWED_DATA_PREFIXES: "s3://d/platform/",
      PLATFORM_ALLOWED_REGISTRIES: REGISTRY,
      PLATFORM_BUILDER_IMAGE: BUILDER,
      KUBE_API_URL: url,
      KUBE_TOKEN: "sa-token",
      PLATFORM_MLFLOW_URL: url,
      MLFLOW_TRACKING_TOKEN: "sa-token",
      STEP_OUTPUT_DIR: out,
      ...env,
    } as Record<string, string>,
    log: (l) => log.push(l),
  });
  const output = (n: string) => readFileSync(join(out, n), "utf8");
  return { code, log: log.join("\n"), output };
}

describe("build-image step", () => {
  it("creates the admitted builder Job for the commit and outputs the pushed image by digest", async () => {
    jobs.clear();
    Object.assign(behaviour, { pollsToFinish: 2, outcome: "succeeded", message: `${DIGEST}\n` });
    const r = await build();
    expect(r.code, r.log).toBe(EXIT.OK);
    expect(r.output("image")).toBe(`${REGISTRY}/fraud/fraud-scorer@${DIGEST}`);
    expect(r.output("commit")).toBe(COMMIT);
    const [job] = [...jobs.values()].map((j) => j.job);
    const template = (((job?.spec ?? {}) as Obj).template as Obj).spec as Obj;
    // The pod the Job makes is the one shape the build namespace admits.
    const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: template };
    expect(
      evaluatePolicy(
        imageBuildPolicy(BUILDER, {
          registryHost: REGISTRY,
          builds: [{ team: "fraud", model: "fraud-scorer", cloneUrl: "https://git.example.ae/fraud/fraud-scorer.git" }],
        }),
        { object: pod, namespace: BUILD_NAMESPACE },
      ).failures,
    ).toEqual([]);
    expect(((template.containers as Obj[])[0] as Obj).args).toContain(`--destination=${REGISTRY}/fraud/fraud-scorer:${COMMIT}`);
  });

  describe("the team's push credential", () => {
    const scope = {
      registryHost: REGISTRY,
      builds: [
        { team: "fraud", model: "fraud-scorer", cloneUrl: "https://git.example.ae/fraud/fraud-scorer.git" },
        { team: "credit", model: "credit-risk", cloneUrl: "https://git.example.ae/credit/credit-risk.git" },
      ],
    };
    const lastPodSpec = () => (((([...jobs.values()][0]?.job.spec ?? {}) as Obj).template as Obj).spec ?? {}) as Obj;
    const admitted = (spec: Obj, registrySecrets: boolean) =>
      evaluatePolicy(imageBuildPolicy(BUILDER, { ...scope, registrySecrets }), {
        object: { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec },
        namespace: BUILD_NAMESPACE,
      }).failures;

    it("on AWS, runs as the team's account (its IRSA role pushes) and mounts no volume at all", async () => {
      jobs.clear();
      Object.assign(behaviour, { pollsToFinish: 1, outcome: "succeeded", message: `${DIGEST}\n` });
      const aws = await build({ "clone-url": "https://git.example.ae/credit/credit-risk.git", team: "credit", model: "credit-risk" });
      expect(aws.code, aws.log).toBe(EXIT.OK);
      const spec = lastPodSpec();
      expect(spec.serviceAccountName).toBe("image-builder-credit");
      expect(spec.volumes).toBeUndefined();
      expect(((spec.containers as Obj[])[0] as Obj).volumeMounts).toBeUndefined();
      expect(admitted(spec, false)).toEqual([]);
      // The same pod under another team's account is refused.
      expect(admitted({ ...spec, serviceAccountName: "image-builder-fraud" }, false).join("; ")).toMatch(/destination team's/);
    });
    it("on Azure, runs as the team's account and mounts only the team's registry token secret (the ones the policy admits)", async () => {
      jobs.clear();
      Object.assign(behaviour, { pollsToFinish: 1, outcome: "succeeded", message: `${DIGEST}\n` });
      const azure = await build(
        {},
        {
          PLATFORM_CLOUD: "azure",
          PLATFORM_REGION: "uaenorth",
          PLATFORM_ALLOWED_DATA_PREFIXES: "abfss://d@a.dfs.core.windows.net/platform/",
        },
      );
      expect(azure.code, azure.log).toBe(EXIT.OK);
      const spec = lastPodSpec();
      expect(spec.serviceAccountName).toBe("image-builder-fraud");
      expect((spec.volumes as Obj[]).map((v) => (v.secret as Obj | undefined)?.secretName)).toEqual(["image-builder-registry-fraud"]);
      expect(admitted(spec, true)).toEqual([]);
    });
  });

  it.each([
    [
      "no champion (the model's first push)",
      "none",
      /has no champion: there is no production run to retrain; submit training-pipeline by hand/,
    ],
    ["a champion without lineage", "no-lineage", /was not trained by this pipeline/],
  ] as const)("refuses, before building anything, a model with %s", async (_what, state, message) => {
    jobs.clear();
    champion.state = state;
    const r = await build({ "model-name": "fraud-scorer" });
    champion.state = "lineage";
    expect(r.code).toBe(EXIT.REFUSED);
    expect(r.log).toMatch(message);
    expect(jobs.size).toBe(0);
  });

  it("builds a model whose champion can be retrained", async () => {
    jobs.clear();
    Object.assign(behaviour, { pollsToFinish: 1, outcome: "succeeded", message: `${DIGEST}\n` });
    const r = await build({ "model-name": "fraud-scorer" });
    expect(r.code, r.log).toBe(EXIT.OK);
    expect(r.log).toContain("fraud-scorer has a champion (run run-3)");
    expect(jobs.size).toBe(1);
  });

  it("reuses the Job of the same commit on a retry", async () => {
    Object.assign(behaviour, { pollsToFinish: 1 });
    const r = await build();
    expect(r.code, r.log).toBe(EXIT.OK);
    expect(r.log).toContain("exists (a retry)");
    expect(jobs.size).toBe(1);
  });

  it("refuses a failed build and a build that reported no digest", async () => {
    jobs.clear();
    Object.assign(behaviour, { pollsToFinish: 1, outcome: "failed" });
    expect((await build()).code).toBe(EXIT.REFUSED);
    jobs.clear();
    Object.assign(behaviour, { outcome: "succeeded", message: "done" });
    const r = await build();
    expect(r.code).toBe(EXIT.REFUSED);
    expect(r.log).toContain("without reporting a digest");
  });

  it.each([
    ["a short commit", { commit: "0123456" }, /commit: "0123456"/],
    ["an ssh clone URL", { "clone-url": "git@git.example.ae:fraud/x.git" }, /cloneUrl:/],
    ["a Dockerfile outside the repository", { dockerfile: "../x" }, /dockerfile:/],
  ])("refuses %s before creating anything, naming it", async (_what, flags, message) => {
    jobs.clear();
    const r = await build(flags);
    expect(r.code).toBe(EXIT.USAGE);
    expect(r.log).toMatch(message);
    expect(jobs.size).toBe(0);
  });

  it("refuses a builder image not pinned by digest", async () => {
    jobs.clear();
    expect((await build({}, { PLATFORM_BUILDER_IMAGE: `${REGISTRY}/mirror/kaniko:v1.23.2` })).code).toBe(EXIT.USAGE);
    expect(jobs.size).toBe(0);
  });
});

describe("the builder image is served by the stack's registry", () => {
  it("is a platform pin (the same repository and tag as the digest the admission policy admits)", () => {
    expect(IMAGES.kanikoExecutor).toEqual({ repository: BUILDER_IMAGE.repository, tag: BUILDER_IMAGE.tag });
  });

  it("is copied into the AWS registry (ECR cannot cache gcr.io) and cached by ACR", () => {
    expect(mirroredImages("aws", Object.values(IMAGES)).map((m) => m.repository)).toContain("gcr/kaniko-project/executor");
    expect(mirroredImages("azure", Object.values(IMAGES)).map((m) => m.repository)).not.toContain("gcr/kaniko-project/executor");
  });
});
