/**
 * `node dist/promote.js …`: makes a registered version the champion. In production it first
 * checks that this workflow's `approval` step was approved (so another entrypoint cannot skip
 * it), then re-evaluates the gate against the current champion, points the serving Rollout at
 * the version and waits for the blue-green rollout: on abort or timeout the Rollout's spec is
 * reverted (Argo Rollouts has kept traffic on the previous version) and the step fails. The
 * `champion` alias moves only after the rollout is healthy.
 */

import { cli, EXIT, parseFlags, type StepContext, StepError } from "./lib/cli";
import { formatVerdict, parseGateSpec } from "./lib/gate";
import { currentNamespace, inClusterConnection, KubeClient } from "./lib/kube";
import { LIFECYCLE_TAGS } from "./lib/lifecycle";
import { CHAMPION_ALIAS, evaluateFromMlflow, TAGS } from "./lib/lineage";
import { MlflowClient, mlflowToken } from "./lib/mlflow";
import { findModelUri, modelUriPatch, rolloutState } from "./lib/rollout";
import { readSettings } from "./lib/settings";

/** Name of the approval (suspend) template in the training pipeline. */
export const APPROVAL_TEMPLATE = "approval";

/** True when the workflow object shows a succeeded (resumed) approval node. */
export function approvalGranted(workflow: unknown): boolean {
  type WorkflowNode = { templateName?: string; displayName?: string; type?: string; phase?: string };
  const nodes = (workflow as { status?: { nodes?: Record<string, WorkflowNode> } } | null)?.status?.nodes ?? {};
  // Nodes are written by the workflow controller; with workflowTemplateRef the template name may be
  // absent, so the step's display name (also "approval") counts too.
  return Object.values(nodes).some(
    (n) => (n.templateName === APPROVAL_TEMPLATE || n.displayName === APPROVAL_TEMPLATE) && n.type === "Suspend" && n.phase === "Succeeded",
  );
}

/** The labels Argo's server puts on a workflow after an action by a signed-in (SSO) person. */
export const ARGO_ACTOR_LABELS = {
  action: "workflows.argoproj.io/action",
  actor: "workflows.argoproj.io/actor",
  email: "workflows.argoproj.io/actor-email",
  username: "workflows.argoproj.io/actor-preferred-username",
} as const;

/**
 * The person who resumed (approved) the workflow, from the actor labels Argo's server sets from
 * the SSO identity (e-mail, else preferred username, else subject; Argo spells "@" as ".at."):
 * undefined when the latest action is not a resume by a signed-in person (a resume through
 * kubectl, or through the shared SSO account without user info, names nobody).
 */
export function approverOf(workflow: unknown): string | undefined {
  const labels = (workflow as { metadata?: { labels?: Record<string, string> } } | null)?.metadata?.labels ?? {};
  if (labels[ARGO_ACTOR_LABELS.action] !== "Resume") return undefined;
  const who = labels[ARGO_ACTOR_LABELS.email] || labels[ARGO_ACTOR_LABELS.username] || labels[ARGO_ACTOR_LABELS.actor];
  return who ? who.replace(".at.", "@") : undefined;
}

/** Entry point. */
export async function main(ctx: StepContext): Promise<number> {
  const f = parseFlags(ctx.argv, {
    "model-name": { required: true, description: "registered model name" },
    "model-version": { required: true, description: "the version registered by this workflow" },
    "quality-gate": { required: true, description: "gate specification (JSON)" },
    "workflow-uid": { required: true, description: "{{workflow.uid}}" },
    "workflow-name": { required: true, description: "{{workflow.name}}" },
    "serving-rollout": { required: false, description: "Rollout in the serving namespace (empty: registry alias only)" },
  });
  const spec = parseGateSpec(f["quality-gate"] ?? "");
  const settings = readSettings(ctx.env);
  const model = f["model-name"] ?? "";
  const version = f["model-version"] ?? "";
  const needKube = settings.environment === "production" || Boolean(f["serving-rollout"]);
  const kube = needKube ? new KubeClient(inClusterConnection(ctx.env)) : null;

  let approver: string | undefined;
  if (settings.environment === "production") {
    const ns = currentNamespace(ctx.env);
    const wf = await kube?.get(`/apis/argoproj.io/v1alpha1/namespaces/${ns}/workflows/${f["workflow-name"]}`);
    if (!wf || !approvalGranted(wf)) {
      throw new StepError(
        `promotion refused: production promotions need the "${APPROVAL_TEMPLATE}" step of workflow ${f["workflow-name"]} to be approved (argo resume)`,
        EXIT.REFUSED,
      );
    }
    approver = approverOf(wf);
    if (!approver)
      throw new StepError(
        `promotion refused: the approval of workflow ${f["workflow-name"]} names no person; approvers resume it signed in through SSO (Argo UI or argo resume with an SSO token), which records who approved`,
        EXIT.REFUSED,
      );
    ctx.log(`approval of workflow ${f["workflow-name"]} by ${approver}`);
  }

  const mlflow = new MlflowClient(settings.mlflowUrl, mlflowToken(ctx.env));
  const mv = await mlflow.getModelVersion(model, version);
  if (!mv) throw new StepError(`model ${model} version ${version} does not exist`, EXIT.REFUSED);
  if (mv.tags[TAGS.workflowUid] !== f["workflow-uid"]) {
    throw new StepError(`promotion refused: ${model} version ${version} was not registered by this workflow`, EXIT.REFUSED);
  }
  if (mv.status !== "READY") throw new StepError(`${model} version ${version} is ${mv.status}, not READY`, EXIT.REFUSED);
  const { champion, verdict } = await evaluateFromMlflow(mlflow, spec, model, mv.runId, f["workflow-uid"] ?? "");
  if (champion?.version === version) {
    ctx.log(`${model} version ${version} is already the champion`);
    return EXIT.OK;
  }
  ctx.log(formatVerdict(verdict));
  if (!verdict.passed)
    throw new StepError("promotion refused: the version does not pass the quality gate against the current champion", EXIT.REFUSED);

  const rolloutName = f["serving-rollout"];
  if (rolloutName && kube) {
    const path = `/apis/argoproj.io/v1alpha1/namespaces/${settings.servingNamespace}/rollouts/${rolloutName}`;
    const rollout = await kube.get(path);
    if (!rollout) throw new StepError(`Rollout ${settings.servingNamespace}/${rolloutName} does not exist`, EXIT.REFUSED);
    const loc = findModelUri(rollout, model);
    if (typeof loc === "string") throw new StepError(`Rollout ${settings.servingNamespace}/${rolloutName} ${loc}`, EXIT.REFUSED);
    const uri = `models:/${model}/${version}`;
    const patched = await kube.jsonPatch(path, modelUriPatch(rollout, loc, uri, version));
    const generation = (patched.metadata as { generation?: number } | undefined)?.generation;
    ctx.log(`Rollout ${rolloutName}: ${loc.current} → ${uri}; waiting for the blue-green analysis`);
    const pollMs = Number(ctx.env.STEP_POLL_MS ?? "10000");
    const deadline = Date.now() + Number(ctx.env.PROMOTE_TIMEOUT_SECONDS ?? "1800") * 1000;
    let last = { state: "progressing", detail: "" };
    for (;;) {
      const now = await kube.get(path);
      last = rolloutState(now, generation);
      if (last.state !== "progressing" || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, pollMs));
    }
    // The outcome of the rollout's analyses (blue-green smoke and SLOs, or the A/B comparison) is
    // recorded on the version either way, so the registry shows why a version did or did not serve.
    const outcome = last.state === "healthy" ? "healthy" : last.state === "failed" ? "aborted by analysis" : "timed out";
    await mlflow.setModelVersionTag(
      model,
      version,
      TAGS.rolloutOutcome,
      `${outcome} (Rollout ${rolloutName}${last.detail ? `: ${last.detail}` : ""})`,
    );
    if (last.state !== "healthy") {
      const current = await kube.get(path);
      const back = current ? findModelUri(current, model) : "is gone";
      if (current && typeof back !== "string") {
        await kube.jsonPatch(path, modelUriPatch(current, back, loc.current, loc.current.split("/").pop() ?? ""));
      }
      throw new StepError(
        `rollout of ${uri} did not become healthy (${last.state === "failed" ? "aborted by analysis" : "timed out"}: ${last.detail}); traffic stays on ${loc.current} and the Rollout spec was reverted`,
        EXIT.REFUSED,
      );
    }
    ctx.log(`Rollout ${rolloutName} healthy on ${uri}`);
  }
  await mlflow.setAlias(model, CHAMPION_ALIAS, version);
  await mlflow.setModelVersionTag(model, version, TAGS.promotedBy, f["workflow-name"] ?? "");
  if (approver) await mlflow.setModelVersionTag(model, version, TAGS.approvedBy, approver);
  await mlflow.setModelVersionTag(model, version, LIFECYCLE_TAGS.stage, "production");
  // The former champion stays in production (kept for rollback) until the archive step's retention.
  if (champion) await mlflow.setModelVersionTag(model, champion.version, LIFECYCLE_TAGS.supersededAt, new Date().toISOString());
  ctx.log(`${model} version ${version} is now the champion`);
  return EXIT.OK;
}

if (require.main === module) cli(main);
