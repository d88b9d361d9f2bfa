/**
 * `node dist/build-image.js --clone-url … --commit … --ref … --team … --model …`: builds the
 * pushed commit's training image inside the cluster and outputs it by digest.
 *
 * Creates the Kaniko Job of lib/image-build.ts in `ml-builds` (an existing Job of the same
 * commit is reused, so a retried step does not build twice), waits for it, and reads the digest
 * Kaniko wrote to its termination message. Outputs `image`
 * (`<registry>/<team>/<model>@sha256:<digest>`) and `commit`: the pipeline trains with that image,
 * and lineage records both. The registry is the platform's (`PLATFORM_ALLOWED_REGISTRIES`, first
 * entry); the builder image is the platform's pin (`PLATFORM_BUILDER_IMAGE`).
 *
 * With `--model-name`, MLflow is asked first: a model without a retrainable champion (its first
 * push, before the hand-run first training) is refused before anything is built, since the
 * following `retrain-built` step would refuse it anyway.
 */
import { cli, EXIT, parseFlags, type StepContext, StepError, usageError } from "./lib/cli";
import { exitCodeForStatus, sendJson } from "./lib/http";
import { BUILD_NAMESPACE, BUILDER_IMAGE_SETTING, builderJob, buildRequestProblems } from "./lib/image-build";
import { inClusterConnection, KubeClient } from "./lib/kube";
import { MlflowClient, mlflowToken } from "./lib/mlflow";
import { writeOutputs } from "./lib/outputs";
import { readSettings } from "./lib/settings";
import { retrainableChampion } from "./retrain";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Entry point. */
export async function main(ctx: StepContext): Promise<number> {
  const f = parseFlags(ctx.argv, {
    "clone-url": { required: true, description: "https:// clone URL of the repository" },
    commit: { required: true, description: "the pushed commit (40 hex)" },
    ref: { required: true, description: "the pushed ref (refs/heads/<branch>)" },
    team: { required: true, description: "the model's team" },
    model: { required: true, description: "the model's name" },
    dockerfile: { required: false, description: "Dockerfile path in the repository (default Dockerfile)" },
    "model-name": { required: false, description: "registered model: refuse before building when it has no champion to retrain" },
    "poll-seconds": { required: false, description: "seconds between status checks (default 10)" },
    "timeout-seconds": { required: false, description: "give up after this long (default 3600)" },
  });
  const settings = readSettings(ctx.env);
  const registryHost = settings.allowedRegistries[0] ?? "";
  const builderImage = ctx.env[BUILDER_IMAGE_SETTING] ?? "";
  if (!/@sha256:[a-f0-9]{64}$/.test(builderImage))
    throw usageError(`PLATFORM_BUILDER_IMAGE=${JSON.stringify(builderImage)}: must be the platform's builder image pinned by digest`);
  const request = {
    cloneUrl: f["clone-url"] ?? "",
    commit: f.commit ?? "",
    ref: f.ref ?? "",
    registryHost,
    team: f.team ?? "",
    model: f.model ?? "",
    builderImage,
    ...(f.dockerfile ? { dockerfile: f.dockerfile } : {}),
    // Azure pushes with the repository-scoped registry token; AWS with the builder's IRSA role.
    registrySecret: settings.cloud === "azure",
  };
  const problems = buildRequestProblems(request);
  if (problems.length) throw usageError(`build refused:\n  - ${problems.join("\n  - ")}`);
  const registered = (f["model-name"] ?? "").trim();
  if (registered !== "") {
    const run = await retrainableChampion(new MlflowClient(settings.mlflowUrl, mlflowToken(ctx.env)), registered);
    ctx.log(`${registered} has a champion (run ${run.runId}) to retrain with the built commit`);
  }
  const poll = Number(f["poll-seconds"] ?? "10") * 1000;
  const deadline = Date.now() + Number(f["timeout-seconds"] ?? "3600") * 1000;

  const conn = inClusterConnection(ctx.env);
  const kube = new KubeClient(conn);
  const name = `build-${request.model.slice(0, 40)}-${request.commit.slice(0, 12)}`;
  const jobPath = `/apis/batch/v1/namespaces/${BUILD_NAMESPACE}/jobs`;
  const created = await sendJson({
    method: "POST",
    url: `${conn.baseUrl}${jobPath}`,
    body: builderJob(request, name),
    headers: conn.token ? { authorization: `Bearer ${conn.token}` } : {},
    ...(conn.ca ? { ca: conn.ca } : {}),
  });
  if (created.status === 409) ctx.log(`build job ${name} exists (a retry): waiting for it`);
  else if (created.status < 200 || created.status >= 300)
    throw new StepError(
      `creating build job ${name} answered ${created.status}: ${created.text.slice(0, 300)}`,
      exitCodeForStatus(created.status),
    );
  else ctx.log(`building ${request.cloneUrl}@${request.commit} in ${BUILD_NAMESPACE}/${name}`);

  for (;;) {
    const job = (await kube.get(`${jobPath}/${name}`)) as { status?: { succeeded?: number; failed?: number } } | null;
    if (!job) throw new StepError(`build job ${name} disappeared`, EXIT.TRANSIENT);
    if ((job.status?.succeeded ?? 0) > 0) break;
    if ((job.status?.failed ?? 0) > 1)
      throw new StepError(`build of ${request.commit} failed: see kubectl logs -n ${BUILD_NAMESPACE} job/${name}`, EXIT.REFUSED);
    if (Date.now() > deadline) throw new StepError(`build job ${name} did not finish in time`, EXIT.REFUSED);
    await sleep(poll);
  }
  const pods = (await kube.get(`/api/v1/namespaces/${BUILD_NAMESPACE}/pods?labelSelector=job-name%3D${name}`)) as {
    items?: { status?: { containerStatuses?: { state?: { terminated?: { exitCode?: number; message?: string } } }[] } }[];
  } | null;
  const digests = (pods?.items ?? []).flatMap((p) =>
    (p.status?.containerStatuses ?? []).flatMap((c) => {
      const t = c.state?.terminated;
      const m = t?.exitCode === 0 ? /^(sha256:[a-f0-9]{64})\s*$/.exec(t.message ?? "") : null;
      return m ? [m[1] as string] : [];
    }),
  );
  const digest = digests[0];
  if (!digest) throw new StepError(`build job ${name} succeeded without reporting a digest`, EXIT.REFUSED);
  const image = `${registryHost}/${request.team}/${request.model}@${digest}`;
  writeOutputs(ctx.env, { image, commit: request.commit });
  ctx.log(`built ${image} from ${request.cloneUrl}@${request.commit}`);
  return EXIT.OK;
}

if (require.main === module) cli(main);
