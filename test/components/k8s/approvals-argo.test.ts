/**
 * `mlops-approvals` against the objects Argo Workflows really writes. The writes below follow
 * argoproj/argo-workflows at v4.0.6 (the server and controller pinned in contracts/versions.ts),
 * read from the tag with `git show v4.0.6:<file>`:
 *
 * - workflow/util/util.go `ResumeWorkflow`: without a node field selector (`argo resume`, the UI's
 *   workflow-level Resume) it clears `spec.suspend`, sets every Suspend node in phase Running to
 *   Succeeded with the message "Resumed by: map[…]" and `finishedAt`, labels the actor
 *   (`creator.LabelActor(…, ActionResume)`) and sends an **Update** of the whole object.
 * - `updateSuspendedNode` (a resume or stop with a node field selector: the UI's node Resume sends
 *   `id=<node id>`, ui/src/workflows/components/workflow-details/workflow-details.tsx; `argo node
 *   set` through `SetWorkflow` with `ActionNone`): phase and message of the matching active Suspend
 *   node, the actor labels (the action label removed for `ActionNone`), then an **Update**.
 * - `StopWorkflow` without a selector and `TerminateWorkflow`: `patchShutdownStrategy`, a **JSON
 *   merge patch** of `spec.shutdown` and the actor labels of `creator.UserActionLabel`; the nodes
 *   are left to the controller.
 * - workflow/creator/creator.go `Label`: actor = dnsFriendly(sub), actor-email =
 *   dnsFriendly(email with "@" → ".at."), actor-preferred-username, action; a claim that is empty
 *   removes its label.
 * - server/auth/gatekeeper.go `rbacAuthorization`: with SSO RBAC the server calls the API with the
 *   token of the mapped service account, so the API server's `request.userInfo.username` is
 *   `system:serviceaccount:<namespace>:argo-sso-<…>`.
 * - workflow/controller/operator.go: the controller writes with an **Update** (`persistUpdates`)
 *   under its own account; under a shutdown it fails active Suspend nodes with "Stopped with
 *   strategy '<Stop|Terminate>'" (`failNodesWithoutCreatedPodsAfterDeadlineOrShutdown`).
 *
 * Decision (documented in docs/runtime-guardrails.md): a member may stop or terminate the whole
 * run (it ends without a promotion: the controller fails the approval step), but only approvers
 * (or admins) end the approval step itself, whether they approve (resume) or reject (stop it).
 */
import { describe, expect, it } from "vitest";
import { admissionPolicies } from "../../../components/k8s/admission-rules";
import { type AdmissionVerdict, evaluatePolicies } from "../../../workflows/admission-check";
import { approvalGranted, approverOf } from "../../../workflows/steps/promote";
import { schemaError } from "./schemas";

type Obj = Record<string, unknown>;
type Node = Record<string, unknown> & { id: string; type: string; phase: string; message?: string; finishedAt?: string };
type Wf = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; labels: Record<string, string>; [k: string]: unknown };
  spec: Obj;
  status: Obj & { nodes?: Record<string, Node> };
};
interface Claims {
  readonly sub: string;
  readonly email?: string;
  readonly preferredUsername?: string;
}

const A = "workflows.argoproj.io/";
const NOW = "2026-11-28T05:00:00Z";
const approvals = admissionPolicies({
  registryHosts: ["123456789012.dkr.ecr.me-central-1.amazonaws.com"],
  platformImages: [],
  requireDigest: true,
  pipelineServiceAccounts: ["pipeline-data", "pipeline-train", "pipeline-register", "pipeline-deploy"],
  platformOnlyServiceAccounts: ["pipeline-register", "pipeline-deploy"],
  serving: { namespace: "serving", serviceAccounts: ["model-server"] },
}).filter((p) => p.name === "mlops-approvals");

/** creator.go dnsFriendly. */
function dnsFriendly(s: string): string {
  let v = s.replace(/[^-_.a-z0-9A-Z]/g, "-");
  if (v.length > 63) v = v.slice(v.length - 63);
  return v.replace(/^[^a-z0-9A-Z]*/, "").replace(/[^a-z0-9A-Z]*$/, "");
}

/** creator.go Label(…, LabelKeyActor…, action) with the caller's claims. */
function labelActor(wf: Wf, claims: Claims, action: "Resume" | "Stop" | "Terminate" | ""): void {
  const set = (k: string, v: string | undefined) => {
    if (v) wf.metadata.labels[k] = v;
    else delete wf.metadata.labels[k];
  };
  set(`${A}actor`, claims.sub ? dnsFriendly(claims.sub) : undefined);
  set(`${A}actor-email`, claims.email ? dnsFriendly(claims.email.replace("@", ".at.")) : undefined);
  set(`${A}actor-preferred-username`, claims.preferredUsername ? dnsFriendly(claims.preferredUsername) : undefined);
  set(`${A}action`, action || undefined);
}

/** creator.go UserInfoMap, printed by Go's %v (keys sorted). */
function resumedBy(claims: Claims): string {
  const m: Record<string, string> = { User: claims.sub };
  if (claims.email) m.Email = claims.email;
  if (claims.preferredUsername) m.PreferredUsername = claims.preferredUsername;
  return `Resumed by: map[${Object.keys(m)
    .sort()
    .map((k) => `${k}:${m[k]}`)
    .join(" ")}]`;
}

const copy = (wf: Wf): Wf => structuredClone(wf);
const activeSuspend = (n: Node) => n.type === "Suspend" && n.phase === "Running";

/** util.go ResumeWorkflow without a node field selector: the object it sends with Update. */
function argoResume(old: Wf, claims: Claims): Wf {
  const wf = copy(old);
  if (wf.spec.suspend === true) delete wf.spec.suspend;
  let msg = resumedBy(claims);
  for (const node of Object.values(wf.status.nodes ?? {})) {
    if (!activeSuspend(node)) continue;
    node.phase = "Succeeded";
    if (node.message) msg = `${node.message}; ${msg}`;
    node.message = msg;
    node.finishedAt = NOW;
  }
  labelActor(wf, claims, "Resume");
  return wf;
}

/** util.go updateSuspendedNode for the selector `id=<id>` (UI node resume, `argo stop --node-field-selector`, `argo node set`). */
function argoUpdateSuspendedNode(
  old: Wf,
  nodeId: string,
  values: { phase?: "Succeeded" | "Failed"; message?: string },
  claims: Claims,
  action: "Resume" | "Stop" | "",
): Wf {
  const wf = copy(old);
  const node = wf.status.nodes?.[nodeId];
  if (!node || !activeSuspend(node)) throw new Error("no suspend nodes matching nodeFieldSelector");
  if (values.phase) {
    node.phase = values.phase;
    node.finishedAt = NOW;
  }
  if (values.message) node.message = values.message;
  labelActor(wf, claims, action);
  return wf;
}

/** util.go patchShutdownStrategy: the object the API server admits after the merge patch. */
function argoShutdownPatch(old: Wf, strategy: "Stop" | "Terminate", claims: Claims): Wf {
  const wf = copy(old);
  wf.spec.shutdown = strategy;
  // UserActionLabel: only the claims that are set; a merge patch never removes a label.
  wf.metadata.labels[`${A}actor`] = dnsFriendly(claims.sub);
  if (claims.email) wf.metadata.labels[`${A}actor-email`] = dnsFriendly(claims.email.replace("@", ".at."));
  if (claims.preferredUsername) wf.metadata.labels[`${A}actor-preferred-username`] = dnsFriendly(claims.preferredUsername);
  wf.metadata.labels[`${A}action`] = strategy;
  return wf;
}

/** operator.go under a shutdown: active Suspend nodes fail, the workflow ends Failed. */
function controllerShutdown(old: Wf): Wf {
  const wf = copy(old);
  const strategy = String(wf.spec.shutdown);
  for (const node of Object.values(wf.status.nodes ?? {})) {
    if (activeSuspend(node)) Object.assign(node, { phase: "Failed", message: `Stopped with strategy '${strategy}'`, finishedAt: NOW });
  }
  Object.assign(wf.status, { phase: "Failed", message: `Stopped with strategy '${strategy}'`, finishedAt: NOW });
  wf.metadata.labels[`${A}phase`] = "Failed";
  wf.metadata.labels[`${A}completed`] = "true";
  return wf;
}

/** operator.go after a resume: the next step (promote) is scheduled. */
function controllerSchedulesPromote(old: Wf): Wf {
  const wf = copy(old);
  const id = `${wf.metadata.name}-2283512334`;
  (wf.status.nodes as Record<string, Node>)[id] = {
    id,
    name: `${wf.metadata.name}.promote`,
    displayName: "promote",
    type: "Pod",
    templateName: "promote",
    templateScope: "cluster/training-pipeline",
    phase: "Pending",
    boundaryID: wf.metadata.name,
    startedAt: NOW,
  };
  wf.status.progress = "6/8";
  return wf;
}

const APPROVAL_ID = "training-pipeline-x7k2p-1780458830";

/** A production training run waiting at its approval step, as the controller last wrote it. */
function waiting(namespace: string): Wf {
  const name = "training-pipeline-x7k2p";
  const node = (id: string, extra: Obj & { type: string; phase: string }): Node => ({
    id,
    boundaryID: name,
    templateScope: "cluster/training-pipeline",
    startedAt: "2026-11-28T03:00:00Z",
    ...extra,
  });
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Workflow",
    metadata: {
      name,
      namespace,
      uid: "5c1d3b52-7c5e-4d1f-9d53-3f0b8f3c2a11",
      resourceVersion: "48213",
      generation: 9,
      creationTimestamp: "2026-11-28T03:00:00Z",
      labels: {
        [`${A}creator`]: "ana-sub",
        [`${A}creator-email`]: "ana.at.example.ae",
        [`${A}creator-preferred-username`]: "ana",
        [`${A}phase`]: "Running",
        [`${A}completed`]: "false",
      },
      annotations: { [`${A}pod-name-format`]: "v2" },
    },
    spec: {
      workflowTemplateRef: { name: "training-pipeline", clusterScope: true },
      arguments: { parameters: [{ name: "model-name", value: "fraud-scorer" }] },
    },
    status: {
      phase: "Running",
      startedAt: "2026-11-28T03:00:00Z",
      progress: "6/7",
      nodes: {
        [name]: node(name, {
          name,
          displayName: name,
          type: "DAG",
          templateName: "pipeline",
          phase: "Running",
          children: ["training-pipeline-x7k2p-3962212931"],
          boundaryID: undefined,
        }),
        "training-pipeline-x7k2p-3962212931": node("training-pipeline-x7k2p-3962212931", {
          name: `${name}.register`,
          displayName: "register",
          type: "Pod",
          templateName: "register",
          phase: "Succeeded",
          finishedAt: "2026-11-28T03:40:00Z",
          children: [APPROVAL_ID],
        }),
        [APPROVAL_ID]: node(APPROVAL_ID, {
          name: `${name}.approval`,
          displayName: "approval",
          type: "Suspend",
          templateName: "approval",
          phase: "Running",
        }),
      },
    },
  };
}

const LEAD: Claims = { sub: "8f14e45f-ceea-467f-a0e6-1b9c4b4f5c0d", email: "lead@example.ae", preferredUsername: "lead" };
const ANA: Claims = { sub: "ana-sub", email: "ana@example.ae", preferredUsername: "ana" };
const sa = (ns: string, name: string) => `system:serviceaccount:${ns}:${name}`;
const CONTROLLER = sa("argo", "argo-workflow-controller");

function admit(oldObject: Wf, object: Wf, username: string): AdmissionVerdict[] {
  return evaluatePolicies(approvals, {
    object: JSON.parse(JSON.stringify(object)),
    oldObject: JSON.parse(JSON.stringify(oldObject)),
    namespace: object.metadata.namespace,
    operation: "UPDATE",
    username,
    team: object.metadata.namespace.startsWith("team-"),
  });
}
function failures(v: AdmissionVerdict[]): string[] {
  expect(v.flatMap((x) => x.errors)).toEqual([]);
  return v.flatMap((x) => x.failures);
}

describe("mlops-approvals against the writes of Argo Workflows v4.0.6", () => {
  it("the objects built here are valid Workflows (upstream schema)", async () => {
    const old = waiting("team-fraud");
    for (const wf of [
      old,
      argoResume(old, LEAD),
      argoUpdateSuspendedNode(old, APPROVAL_ID, { phase: "Failed", message: "rejected" }, LEAD, "Stop"),
      controllerShutdown(argoShutdownPatch(old, "Stop", ANA)),
    ])
      expect(await schemaError(JSON.parse(JSON.stringify(wf)))).toBeUndefined();
    // The schema reads the node status: a node shaped otherwise is refused.
    const broken = JSON.parse(JSON.stringify(old)) as Wf;
    (broken.status.nodes as Record<string, Obj>)[APPROVAL_ID] = { id: APPROVAL_ID, phase: 7 };
    expect(await schemaError(broken as unknown as Obj)).toBeDefined();
  });

  for (const namespace of ["team-fraud", "ml-pipelines"]) {
    describe(namespace, () => {
      const old = waiting(namespace);
      const approver = sa(namespace, "argo-sso-approver");

      it("lets the namespace's approver resume, from the UI's node button (id selector) or argo resume, and promotion then names the person", () => {
        const byNode = argoUpdateSuspendedNode(old, APPROVAL_ID, { phase: "Succeeded", message: resumedBy(LEAD) }, LEAD, "Resume");
        const whole = argoResume(old, LEAD);
        for (const resumed of [byNode, whole]) {
          expect(failures(admit(old, resumed, approver))).toEqual([]);
          expect(approvalGranted(resumed)).toBe(true);
          expect(approverOf(resumed)).toBe("lead@example.ae");
        }
        // Admins keep approving with their own account.
        expect(failures(admit(old, whole, sa("argo", "argo-sso-admin")))).toEqual([]);
      });

      it("lets the controller carry on after the approval, keeping the approver's record", () => {
        const resumed = argoResume(old, LEAD);
        const next = controllerSchedulesPromote(resumed);
        expect(failures(admit(resumed, next, CONTROLLER))).toEqual([]);
        expect(approverOf(next)).toBe("lead@example.ae");
      });

      it.each([
        ["a member through Argo's server", sa(namespace, "argo-sso-team")],
        ["another namespace's approver", sa(namespace === "ml-pipelines" ? "team-fraud" : "ml-pipelines", "argo-sso-approver")],
        ["the viewers' account", sa("argo", "argo-sso-viewer")],
      ])("refuses a resume by %s, in every form Argo sends it", (_who, user) => {
        const forms = [
          argoResume(old, ANA),
          argoUpdateSuspendedNode(old, APPROVAL_ID, { phase: "Succeeded", message: resumedBy(ANA) }, ANA, "Resume"),
          // argo node set --phase Succeeded: SetWorkflow, ActionNone (the action label is removed).
          argoUpdateSuspendedNode(old, APPROVAL_ID, { phase: "Succeeded" }, ANA, ""),
        ];
        for (const resumed of forms)
          expect(failures(admit(old, resumed, user)).join("\n")).toMatch(
            new RegExp(`a waiting approval \\(Suspend\\) step is ended only by the approvers of ${namespace}`),
          );
      });

      it("refuses a member's rejection of the approval step (argo stop with a node selector): the approval is the approvers' decision either way", () => {
        const rejected = argoUpdateSuspendedNode(old, APPROVAL_ID, { phase: "Failed", message: "not now" }, ANA, "Stop");
        expect(failures(admit(old, rejected, sa(namespace, "argo-sso-team"))).join("\n")).toMatch(/ended only by the approvers/);
        expect(failures(admit(old, rejected, approver))).toEqual([]);
      });

      it("lets a member stop or terminate the whole run: the controller then fails the approval step and nothing is promoted", () => {
        for (const strategy of ["Stop", "Terminate"] as const) {
          const patched = argoShutdownPatch(old, strategy, ANA);
          expect(failures(admit(old, patched, sa(namespace, "argo-sso-team")))).toEqual([]);
          const ended = controllerShutdown(patched);
          expect(failures(admit(patched, ended, CONTROLLER))).toEqual([]);
          expect((ended.status.nodes as Record<string, Node>)[APPROVAL_ID]?.message).toBe(`Stopped with strategy '${strategy}'`);
          expect(approvalGranted(ended)).toBe(false);
          expect(approverOf(ended)).toBeUndefined();
        }
      });

      it("refuses a member's status rewrite of a workflow whose nodes are compressed (CEL cannot see the waiting step)", () => {
        const compressed = copy(old);
        delete compressed.status.nodes;
        compressed.status.compressedNodes = "H4sIAAAAAAAA/6tWKkktLlGyUlAqS8wpTVWqBQBR8jZ4EgAAAA==";
        const rewritten = copy(compressed);
        rewritten.status.compressedNodes = "H4sIAAAAAAAA/6tWKkktLlGyUlAqS8wpTVWqBQBR8jZ4EwAAAA==";
        labelActor(rewritten, ANA, "Resume");
        expect(failures(admit(compressed, rewritten, sa(namespace, "argo-sso-team"))).join("\n")).toMatch(/compressed or offloaded/);
        expect(failures(admit(compressed, rewritten, CONTROLLER)).join("\n")).not.toMatch(/compressed or offloaded/);
        // A member's stop of such a run patches the spec only.
        expect(failures(admit(compressed, argoShutdownPatch(compressed, "Stop", ANA), sa(namespace, "argo-sso-team")))).toEqual([]);
      });
    });
  }
});

/**
 * What runs after the approval is what the approver approved. Argo's Workflow CRD has no status
 * subresource, so a member's `update` right reaches the whole object: the stored platform
 * templates (`status.storedWorkflowTemplateSpec`, what `workflowTemplateRef` resolved to, and
 * `status.storedTemplates`, what `templateRef` resolved to), node outputs later steps read, the
 * arguments, templates and pod settings of the spec. The controller (v4.0.6 `setStoredWfSpec`)
 * keeps a stored spec it finds and re-joins the spec on a suspend or shutdown change, so each
 * rewrite below would change the promotion that runs after the approval.
 */
describe("mlops-approvals: a member cannot rewrite what runs after the approval", () => {
  const PROMOTE = {
    name: "promote",
    container: {
      name: "main",
      image: "123456789012.dkr.ecr.me-central-1.amazonaws.com/mlops-platform/pipeline-steps:0.1.0",
      command: ["node", "dist/promote.js"],
      args: ["--quality-gate={{workflow.parameters.quality-gate}}", "--model-name={{workflow.parameters.model-name}}"],
    },
  };
  const GATE = '{"metrics":[{"name":"auc","direction":"max","threshold":0.8}],"primaryMetric":"auc"}';
  /** A waiting run as the controller stores it: the resolved platform template and a registration output. */
  function stored(namespace: string): Wf {
    const wf = waiting(namespace);
    (wf.spec.arguments as { parameters: Obj[] }).parameters.push({ name: "quality-gate", value: GATE });
    wf.status.storedWorkflowTemplateSpec = {
      entrypoint: "pipeline",
      serviceAccountName: "pipeline-data",
      arguments: structuredClone(wf.spec.arguments),
      templates: [{ name: "pipeline", dag: { tasks: [{ name: "promote", template: "promote" }] } }, structuredClone(PROMOTE)],
    };
    wf.status.storedTemplates = { "cluster/training-pipeline/promote": structuredClone(PROMOTE) };
    const register = (wf.status.nodes as Record<string, Node>)["training-pipeline-x7k2p-3962212931"] as Node;
    register.outputs = { parameters: [{ name: "model-version", value: "7" }] };
    wf.status.outputs = { parameters: [{ name: "model-version", value: "7" }] };
    return wf;
  }
  const weakGate = '{"metrics":[{"name":"auc","direction":"max","threshold":0}],"primaryMetric":"auc"}';
  const promoteWith = (args: string[]) => ({ ...structuredClone(PROMOTE), container: { ...PROMOTE.container, args } });
  const params = (wf: Wf) => (wf.spec.arguments as { parameters: { name: string; value: string }[] }).parameters;
  /** Each rewrite, as a member would send it (kubectl edit/replace/patch: an update of the object). */
  const REWRITES: [string, (wf: Wf) => void][] = [
    [
      "status.storedWorkflowTemplateSpec (the platform's promote step)",
      (wf) => {
        const spec = wf.status.storedWorkflowTemplateSpec as { templates: Obj[] };
        spec.templates[1] = promoteWith([`--quality-gate=${weakGate}`, "--model-name={{workflow.parameters.model-name}}"]);
      },
    ],
    [
      "status.storedTemplates (a templateRef step)",
      (wf) => {
        (wf.status.storedTemplates as Record<string, Obj>)["cluster/training-pipeline/promote"] = promoteWith(["--model-name=other-model"]);
      },
    ],
    [
      "spec.arguments.parameters (the gate)",
      (wf) => {
        (params(wf).find((p) => p.name === "quality-gate") as { value: string }).value = weakGate;
      },
    ],
    [
      "spec.templates (a promote template of the member's own)",
      (wf) => {
        wf.spec.templates = [promoteWith(["--model-name=other-model"])];
      },
    ],
    [
      "spec.workflowTemplateRef (another template)",
      (wf) => {
        wf.spec.workflowTemplateRef = { name: "team-pipeline" };
      },
    ],
    [
      "spec.podSpecPatch",
      (wf) => {
        wf.spec.podSpecPatch = '{"containers":[{"name":"main","env":[{"name":"MLFLOW_TRACKING_URI","value":"http://elsewhere"}]}]}';
      },
    ],
    [
      "spec.serviceAccountName",
      (wf) => {
        wf.spec.serviceAccountName = "pipeline-deploy";
      },
    ],
    [
      "spec.templateDefaults",
      (wf) => {
        wf.spec.templateDefaults = { container: { name: "main", env: [{ name: "GATE_OVERRIDE", value: "pass" }] } };
      },
    ],
    [
      "spec.onExit (a hook after the approval)",
      (wf) => {
        wf.spec.onExit = "exfiltrate";
      },
    ],
    [
      "status.nodes[…].outputs (the registered version the promotion reads)",
      (wf) => {
        const register = (wf.status.nodes as Record<string, Node>)["training-pipeline-x7k2p-3962212931"] as Node;
        register.outputs = { parameters: [{ name: "model-version", value: "3" }] };
      },
    ],
    [
      "status.outputs (global outputs)",
      (wf) => {
        wf.status.outputs = { parameters: [{ name: "model-version", value: "3" }] };
      },
    ],
    [
      "status.nodes (a step marked done before it ran)",
      (wf) => {
        const nodes = wf.status.nodes as Record<string, Node>;
        nodes["training-pipeline-x7k2p-1111"] = {
          id: "training-pipeline-x7k2p-1111",
          name: "training-pipeline-x7k2p.preflight",
          displayName: "preflight",
          type: "Pod",
          phase: "Succeeded",
          boundaryID: "training-pipeline-x7k2p",
        };
      },
    ],
    [
      "status removed (kubectl replace without it)",
      (wf) => {
        (wf as { status?: unknown }).status = undefined;
        delete (wf as { status?: unknown }).status;
      },
    ],
  ];
  const rewrite = (old: Wf, f: (wf: Wf) => void): Wf => {
    const wf = copy(old);
    f(wf);
    return wf;
  };

  for (const namespace of ["team-fraud", "ml-pipelines"]) {
    describe(namespace, () => {
      const old = stored(namespace);
      const approver = sa(namespace, "argo-sso-approver");
      const members = [sa(namespace, "argo-sso-team"), "arn:aws:sts::123456789012:assumed-role/mlops-team-fraud/ana"];

      it("the objects are valid Workflows (upstream schema)", async () => {
        for (const wf of [old, ...REWRITES.map(([, f]) => rewrite(old, f))])
          expect(await schemaError(JSON.parse(JSON.stringify(wf)))).toBeUndefined();
      });

      it.each(REWRITES)(
        "refuses a member's rewrite of %s while the approval waits; the controller, the approver and the admins may",
        (what, f) => {
          const changed = rewrite(old, f);
          const field = what.split(" ")[0]?.replace(/\[.*\]/, "") ?? "";
          for (const member of members) {
            const refused = failures(admit(old, changed, member)).join("\n");
            expect(refused).toMatch(/only by the workflow controller, the approvers of [a-z-]+ or the admins/);
            expect(refused).toContain(field.split(".").slice(0, 2).join("."));
          }
          for (const who of [CONTROLLER, approver, sa("argo", "argo-sso-admin")]) expect(failures(admit(old, changed, who))).toEqual([]);
        },
      );

      it("still lets a member stop, terminate or suspend the run and label or annotate it", () => {
        for (const strategy of ["Stop", "Terminate"] as const)
          expect(failures(admit(old, argoShutdownPatch(old, strategy, ANA), sa(namespace, "argo-sso-team")))).toEqual([]);
        // util.go SuspendWorkflow: spec.suspend = true and the actor labels, sent as an Update.
        const suspended = copy(old);
        suspended.spec.suspend = true;
        labelActor(suspended, ANA, "");
        suspended.metadata.labels[`${A}action`] = "Suspend";
        expect(failures(admit(old, suspended, sa(namespace, "argo-sso-team")))).toEqual([]);
        const labelled = copy(old);
        labelled.metadata.labels["team.example/owner"] = "ana";
        labelled.metadata.annotations = { ...(labelled.metadata.annotations as Obj), "team.example/note": "waiting for lead" };
        expect(failures(admit(old, labelled, members[1] as string))).toEqual([]);
      });
    });
  }

  it("refuses a member's suspend toggle on a started run of a namespaced WorkflowTemplate (Argo re-joins the stored spec from the edited template); stop still passes", () => {
    // Review finding: the controller rewrites status.storedWorkflowTemplateSpec from the template as
    // it is now when spec.suspend changes, and a team may edit its own WorkflowTemplates.
    const teamRun = copy(stored("team-fraud"));
    teamRun.spec.workflowTemplateRef = { name: "team-pipeline" };
    const member = sa("team-fraud", "argo-sso-team");
    const suspended = copy(teamRun);
    suspended.spec.suspend = true;
    const unsuspended = copy(suspended);
    delete unsuspended.spec.suspend;
    const refusal = /may not suspend or unsuspend a started run that references a namespaced WorkflowTemplate/;
    for (const who of [member, "arn:aws:sts::123456789012:assumed-role/mlops-team-fraud/ana"]) {
      expect(failures(admit(teamRun, suspended, who)).join("\n")).toMatch(refusal);
      expect(failures(admit(suspended, unsuspended, who)).join("\n")).toMatch(refusal);
    }
    for (const who of [CONTROLLER, sa("team-fraud", "argo-sso-approver"), sa("argo", "argo-sso-admin")])
      expect(failures(admit(teamRun, suspended, who))).toEqual([]);
    for (const strategy of ["Stop", "Terminate"] as const)
      expect(failures(admit(teamRun, argoShutdownPatch(teamRun, strategy, ANA), member))).toEqual([]);
    // The platform's ClusterWorkflowTemplate cannot be edited by a team: its runs keep the toggle.
    const platformRun = copy(stored("team-fraud"));
    const platformSuspended = copy(platformRun);
    platformSuspended.spec.suspend = true;
    expect(failures(admit(platformRun, platformSuspended, member)).join("\n")).not.toMatch(refusal);
  });

  it("holds for the whole run, not only while the approval waits: a stored template rewritten during training would run after the approval", () => {
    const training = stored("team-fraud");
    const nodes = training.status.nodes as Record<string, Node>;
    delete nodes[APPROVAL_ID];
    (nodes["training-pipeline-x7k2p-3962212931"] as Node).phase = "Running";
    const member = sa("team-fraud", "argo-sso-team");
    for (const [, f] of REWRITES) {
      expect(failures(admit(training, rewrite(training, f), member)).join("\n")).toMatch(/may not change (spec|status)\./);
      expect(failures(admit(training, rewrite(training, f), CONTROLLER))).toEqual([]);
    }
    expect(failures(admit(training, argoShutdownPatch(training, "Terminate", ANA), member))).toEqual([]);
  });

  /** A run whose registration failed (before the approval), as the controller left it. */
  function failed(namespace: string): Wf {
    const wf = stored(namespace);
    const nodes = wf.status.nodes as Record<string, Node>;
    delete nodes[APPROVAL_ID];
    const register = nodes["training-pipeline-x7k2p-3962212931"] as Node;
    Object.assign(register, { phase: "Failed", message: "exit code 1", finishedAt: "2026-11-28T03:40:00Z", children: [] });
    Object.assign(nodes["training-pipeline-x7k2p"] as Node, { phase: "Failed", finishedAt: "2026-11-28T03:40:00Z" });
    Object.assign(wf.status, { phase: "Failed", message: "child failed", finishedAt: "2026-11-28T03:40:00Z" });
    wf.status.conditions = [{ type: "Completed", status: "True" }];
    wf.metadata.labels[`${A}phase`] = "Failed";
    wf.metadata.labels[`${A}completed`] = "true";
    return wf;
  }
  /** util.go FormulateRetryWorkflow + createNewRetryWorkflow, then the server's actor labels. */
  function argoRetry(old: Wf, claims: Claims): Wf {
    const wf = copy(old);
    delete wf.metadata.labels[`${A}completed`];
    wf.status.conditions = [{ type: "Completed", status: "False" }];
    delete wf.status.phase;
    delete wf.status.message;
    delete wf.status.finishedAt;
    wf.status.startedAt = NOW;
    delete wf.spec.shutdown;
    const nodes = wf.status.nodes as Record<string, Node>;
    const failedPods = Object.keys(nodes).filter((id) => nodes[id]?.type === "Pod" && nodes[id]?.phase === "Failed");
    for (const id of failedPods) delete nodes[id];
    for (const node of Object.values(nodes)) {
      if (node.children) node.children = (node.children as string[]).filter((c) => !failedPods.includes(c));
      if (node.type === "DAG") {
        Object.assign(node, { phase: "Running", startedAt: NOW });
        delete node.message;
        delete node.finishedAt;
      }
    }
    labelActor(wf, claims, "");
    wf.metadata.labels[`${A}action`] = "Retry";
    return wf;
  }

  it("lets a member retry a failed run as Argo does, and refuses a retry that changes anything else", async () => {
    const old = failed("team-fraud");
    const member = sa("team-fraud", "argo-sso-team");
    const retried = argoRetry(old, ANA);
    for (const wf of [old, retried]) expect(await schemaError(JSON.parse(JSON.stringify(wf)))).toBeUndefined();
    expect(failures(admit(old, retried, member))).toEqual([]);
    const forged: [string, (wf: Wf) => void][] = [
      [
        "a node marked Succeeded",
        (wf) => Object.assign((wf.status.nodes as Record<string, Node>)["training-pipeline-x7k2p"] as Node, { phase: "Succeeded" }),
      ],
      [
        "a node added",
        (wf) => Object.assign(wf.status.nodes as Record<string, Node>, { x: { id: "x", name: "x", type: "Pod", phase: "Succeeded" } }),
      ],
      [
        "a node's outputs",
        (wf) =>
          Object.assign((wf.status.nodes as Record<string, Node>)["training-pipeline-x7k2p"] as Node, {
            outputs: { parameters: [{ name: "p", value: "1" }] },
          }),
      ],
      [
        "a node's template",
        (wf) => Object.assign((wf.status.nodes as Record<string, Node>)["training-pipeline-x7k2p"] as Node, { templateName: "other" }),
      ],
      [
        "a child link added",
        (wf) => ((wf.status.nodes as Record<string, Node>)["training-pipeline-x7k2p"] as Node & { children: string[] }).children.push("y"),
      ],
      ...REWRITES.filter(([what]) => !what.startsWith("status.nodes") && !what.startsWith("status removed")),
    ];
    for (const [what, f] of forged) {
      expect(failures(admit(old, rewrite(retried, f), member)).join("\n"), what).toMatch(/may not change/);
      expect(failures(admit(old, rewrite(old, f), CONTROLLER)), what).toEqual([]);
    }
    // A run that failed after its approval: a retry keeping the granted approval would promote
    // whatever the re-run steps produce; a retry that asks again (approval node deleted) is a retry.
    const afterApproval = copy(old);
    const approvalNode = (waiting("team-fraud").status.nodes as Record<string, Node>)[APPROVAL_ID] as Node;
    (afterApproval.status.nodes as Record<string, Node>)[APPROVAL_ID] = {
      ...approvalNode,
      phase: "Succeeded",
      finishedAt: "2026-11-28T04:00:00Z",
    };
    const keepsApproval = argoRetry(afterApproval, ANA);
    expect(failures(admit(afterApproval, keepsApproval, member)).join("\n")).toMatch(/may not change/);
    const asksAgain = copy(keepsApproval);
    delete (asksAgain.status.nodes as Record<string, Node>)[APPROVAL_ID];
    expect(failures(admit(afterApproval, asksAgain, member))).toEqual([]);
    // A running run is not retried: the same status change is refused while the approval waits.
    const running = stored("team-fraud");
    expect(failures(admit(running, argoRetry(running, ANA), member)).join("\n")).toMatch(/may not change status\./);
  });

  it("refuses a member's run created with a status (a forged stored template), not one submitted as Argo does", () => {
    const submitted = stored("team-fraud");
    delete (submitted as { status?: unknown }).status;
    for (const k of ["uid", "resourceVersion", "generation", "creationTimestamp"]) delete submitted.metadata[k];
    const created = (object: Wf, username: string) =>
      evaluatePolicies(approvals, {
        object: JSON.parse(JSON.stringify(object)),
        namespace: "team-fraud",
        operation: "CREATE",
        username,
        team: true,
      });
    expect(failures(created(submitted, sa("team-fraud", "argo-sso-team")))).toEqual([]);
    const forged = copy(submitted);
    forged.status = { storedWorkflowTemplateSpec: { entrypoint: "pipeline", templates: [promoteWith(["--model-name=other-model"])] } };
    expect(failures(created(forged, "arn:aws:sts::123456789012:assumed-role/mlops-team-fraud/ana")).join("\n")).toMatch(
      /status.storedWorkflowTemplateSpec/,
    );
    // The cron controller creates runs under the controller's account.
    expect(failures(created(submitted, CONTROLLER))).toEqual([]);
  });

  it("leaves WorkflowTemplates and CronWorkflows to the team (their edits are judged by the other policies)", () => {
    const template = {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "WorkflowTemplate",
      metadata: { name: "team-pipeline", namespace: "team-fraud", labels: {} },
      spec: { entrypoint: "main", templates: [promoteWith(["--model-name=a"])] },
      status: {},
    } as unknown as Wf;
    const edited = copy(template);
    edited.spec.templates = [promoteWith(["--model-name=b"])];
    expect(failures(admit(template, edited, sa("team-fraud", "argo-sso-team")))).toEqual([]);
    const cron = {
      ...copy(template),
      kind: "CronWorkflow",
      spec: { schedules: ["0 3 * * *"], workflowSpec: { workflowTemplateRef: { name: "team-pipeline" } } },
    } as unknown as Wf;
    const cronEdited = copy(cron);
    cronEdited.spec.schedules = ["0 4 * * *"];
    expect(failures(admit(cron, cronEdited, "arn:aws:sts::123456789012:assumed-role/mlops-team-fraud/ana"))).toEqual([]);
  });
});
