/**
 * The admission policies' CEL, evaluated with a real CEL implementation (`@bufbuild/cel`) the way
 * the API server evaluates it, against allowed and refused objects: plain pods, pods shaped like
 * the ones Argo Workflows and Argo Rollouts create, every container list, every field variant and
 * missing fields. Every evaluation must also be free of expression errors (with
 * `failurePolicy: Fail` an error would refuse a good pod in production).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { admissionControlProblems, platformAdmissionArgs } from "../../../components/k8s/admission";
import {
  type AdmissionRuleSettings,
  ALL_VOLUME_SOURCES,
  admissionPolicies,
  admissionPolicyManifests,
  admissionSettingsProblems,
  type NamespaceAccount,
  RESTRICTED_VOLUME_TYPES,
} from "../../../components/k8s/admission-rules";
import { cachedImage } from "../../../contracts/image-cache";
import { IMAGES, imageRef } from "../../../contracts/versions";
import { loadWorkflowDocuments, STEPS_IMAGE_PLACEHOLDER } from "../../../workflows";
import { type AdmissionVerdict, evaluatePolicies, verdictProblems } from "../../../workflows/admission-check";
import { podsOf } from "../../../workflows/admission-lint";
import { DRIFT_TEMPLATE, driftServiceAccount } from "../../../workflows/drift-crons";
import { clampedTrainingAccount, TRAINING_ACCOUNT_EXPRESSION, trainingServiceAccount } from "../../../workflows/steps/lib/built-training";
import { schemaError } from "./schemas";

type Obj = Record<string, unknown>;
const REGISTRY = "123456789012.dkr.ecr.me-central-1.amazonaws.com";
/** Argo's executor as the platform runs it: through the stack registry's pull-through cache. */
const EXECUTOR = cachedImage(imageRef(IMAGES.argoExec), { registryHost: REGISTRY, upstreams: ["quay.io"] });
const UPSTREAM_EXECUTOR = imageRef(IMAGES.argoExec);
const STEPS = `${REGISTRY}/steps:0.1.0`;
const MLFLOW = `${REGISTRY}/serving:mlflow-3.15.1`;
const DIGEST = `@sha256:${"a".repeat(64)}`;
const TEAM_IMAGE = `${REGISTRY}/team-fraud/train${DIGEST}`;
const ACCOUNTS = ["pipeline-data", "pipeline-train", "pipeline-register", "pipeline-deploy"];

function settings(requireDigest: boolean): AdmissionRuleSettings {
  return {
    registryHosts: [REGISTRY],
    platformImages: [EXECUTOR, STEPS, MLFLOW],
    requireDigest,
    pipelineServiceAccounts: ACCOUNTS,
    platformOnlyServiceAccounts: ["pipeline-register", "pipeline-deploy"],
    serving: { namespace: "serving", serviceAccounts: ["model-server"] },
  };
}
const PROD = admissionPolicies(settings(true));
const DEV = admissionPolicies(settings(false));

const sc = (): Obj => ({
  runAsNonRoot: true,
  runAsUser: 8737,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
});
const res = (): Obj => ({ requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "1Gi" } });
const container = (name: string, image: string, extra: Obj = {}): Obj => ({
  name,
  image,
  securityContext: sc(),
  resources: res(),
  ...extra,
});

/** A pod as Argo Workflows (emissary executor) creates it for one step. */
function argoPod(mainImage: string, serviceAccountName = "pipeline-train"): Obj {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: "train-abc-main-123",
      labels: { "workflows.argoproj.io/workflow": "train-abc", "workflows.argoproj.io/completed": "false" },
      annotations: { "workflows.argoproj.io/node-name": "train-abc.train" },
      ownerReferences: [{ apiVersion: "argoproj.io/v1alpha1", kind: "Workflow", name: "train-abc", uid: "u" }],
    },
    spec: {
      serviceAccountName,
      securityContext: { runAsNonRoot: true, runAsUser: 8737, fsGroup: 8737, seccompProfile: { type: "RuntimeDefault" } },
      initContainers: [container("init", EXECUTOR, { command: ["argoexec", "init"] })],
      containers: [
        container("wait", EXECUTOR, { command: ["argoexec", "wait"] }),
        container("main", mainImage, { command: ["/var/run/argo/argoexec", "emissary", "--", "python", "train.py"] }),
      ],
      volumes: [
        { name: "var-run-argo", emptyDir: {} },
        { name: "tmp", emptyDir: { sizeLimit: "1Gi" } },
        { name: "kube-api-access-x", projected: { sources: [{ serviceAccountToken: { path: "token" } }] } },
      ],
    },
  };
}

/** A pod as Argo Rollouts (through its ReplicaSet) creates it for a served model. */
function rolloutPod(image = MLFLOW): Obj {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: "fraud-scorer-7d9f-abcde",
      labels: { "app.kubernetes.io/name": "fraud-scorer", "rollouts-pod-template-hash": "7d9f" },
      ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "fraud-scorer-7d9f", uid: "u" }],
    },
    spec: {
      serviceAccountName: "model-server",
      securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: "RuntimeDefault" } },
      containers: [container("model", image, { ports: [{ containerPort: 8080, name: "http" }] })],
      volumes: [{ name: "tmp", emptyDir: {} }],
    },
  };
}

/** A plain pod with one container and nothing optional. */
function plainPod(image = TEAM_IMAGE): Obj {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p" },
    spec: { serviceAccountName: "pipeline-data", containers: [container("app", image)] },
  };
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
function judge(policies: typeof PROD, object: Obj, namespace = "team-fraud"): AdmissionVerdict[] {
  return evaluatePolicies(policies, { object, namespace, team: namespace.startsWith("team-") });
}
function allowed(policies: typeof PROD, object: Obj, namespace?: string): void {
  const v = judge(policies, object, namespace);
  expect(verdictProblems(v)).toEqual([]);
}
/** Refused with a failure matching `pattern`, and no expression error anywhere. */
function refused(policies: typeof PROD, object: Obj, pattern: RegExp, namespace?: string): void {
  const v = judge(policies, object, namespace);
  expect(v.flatMap((x) => x.errors)).toEqual([]);
  const failures = v.flatMap((x) => x.failures);
  expect(
    failures.some((f) => pattern.test(f)),
    `expected ${pattern} among ${JSON.stringify(failures)}`,
  ).toBe(true);
}

/** Applies `mutate` to one container of the given list of a base pod (adding the list when absent). */
type ListName = "containers" | "initContainers" | "ephemeralContainers";
function withContainer(list: ListName, mutate: (c: Obj) => void, base: Obj = argoPod(TEAM_IMAGE)): Obj {
  const pod = clone(base);
  const spec = pod.spec as Obj;
  if (list === "ephemeralContainers") {
    const c: Obj = { name: "debug", image: TEAM_IMAGE, securityContext: sc() };
    mutate(c);
    spec.ephemeralContainers = [c];
    return pod;
  }
  const l = (spec[list] as Obj[] | undefined) ?? [];
  spec[list] = l;
  if (l.length === 0) l.push(container("extra", TEAM_IMAGE));
  mutate(l[l.length - 1] as Obj);
  return pod;
}
const LISTS: ListName[] = ["containers", "initContainers", "ephemeralContainers"];

describe("admission policies: allowed objects", () => {
  it.each([
    ["an Argo step pod running a team image by digest", argoPod(TEAM_IMAGE), "team-fraud"],
    ["an Argo step pod running the platform's step image", argoPod(STEPS, "pipeline-register"), "ml-pipelines"],
    ["an Argo Rollouts pod of the platform's MLflow image", rolloutPod(), "serving"],
    ["an Argo Rollouts pod of a model image by digest", rolloutPod(`${REGISTRY}/models/fraud${DIGEST}`), "serving"],
    ["a plain pod", plainPod(), "team-fraud"],
  ])("production allows %s", (_label, pod, ns) => allowed(PROD, pod, ns));

  it("development allows a fixed tag from the registry; production does not", () => {
    const pod = argoPod(`${REGISTRY}/team-fraud/train:1.4.2`);
    allowed(DEV, pod);
    refused(PROD, pod, /pinned by digest/);
  });

  it("allows a pod without a pod-level securityContext when every container sets its own", () => {
    const pod = plainPod();
    allowed(PROD, pod);
    expect((pod.spec as Obj).securityContext).toBeUndefined();
  });

  it("allows an ephemeral debug container that meets the rules (no resources needed: ephemeral containers cannot set them)", () => {
    allowed(
      PROD,
      withContainer("ephemeralContainers", () => {}),
    );
  });
});

describe("admission policies: images (every container list)", () => {
  const badImages: [string, string][] = [
    ["Docker Hub, short form", "python:3.12"],
    ["Docker Hub, explicit", "docker.io/library/python:3.12"],
    ["another registry", `ghcr.io/org/train@sha256:${"b".repeat(64)}`],
    ["a look-alike host (registry as a prefix of another host)", `${REGISTRY}.evil.example/train${DIGEST}`],
    ["a look-alike host (registry as a subdomain)", `evil.${REGISTRY}/train${DIGEST}`],
    ["the executor's repository at another tag", "quay.io/argoproj/argoexec:latest"],
  ];
  for (const list of LISTS) {
    it.each(badImages)(`refuses %s in ${list}`, (_label, image) => {
      refused(
        PROD,
        withContainer(list, (c) => {
          c.image = image;
        }),
        /stack's registry/,
      );
    });
    it(`refuses a tag instead of a digest in ${list} (production) and "latest" in development`, () => {
      refused(
        PROD,
        withContainer(list, (c) => {
          c.image = `${REGISTRY}/t:1.0`;
        }),
        /digest/,
      );
      refused(
        DEV,
        withContainer(list, (c) => {
          c.image = `${REGISTRY}/t:latest`;
        }),
        /fixed tag or digest/,
      );
      refused(
        DEV,
        withContainer(list, (c) => {
          c.image = `${REGISTRY}/t`;
        }),
        /fixed tag or digest/,
      );
    });
  }
  it("production takes no upstream platform pin; development allows one by its exact reference", () => {
    const upstream = { ...settings(true), platformImages: [UPSTREAM_EXECUTOR, STEPS, MLFLOW] };
    expect(admissionSettingsProblems(upstream).join("\n")).toMatch(/not in the stack's registry.*no upstream image/);
    expect(() => admissionPolicies(upstream)).toThrow(/platformImages/);
    const dev = admissionPolicies({ ...settings(false), platformImages: [UPSTREAM_EXECUTOR, STEPS, MLFLOW] });
    expect(verdictProblems(judge(dev, argoPod(UPSTREAM_EXECUTOR)))).toEqual([]);
    // Forced off: the registry rule alone (a development stack told to allow only its registry) refuses the pin.
    const strict = admissionPolicies({ ...settings(false), registryOnly: true });
    refused(strict, argoPod(UPSTREAM_EXECUTOR), /stack's registry/);
    expect(verdictProblems(judge(PROD, argoPod(EXECUTOR)))).toEqual([]);
  });
  it("names the offending containers in the message", () => {
    const v = judge(PROD, argoPod("python:3.12"));
    expect(verdictProblems(v).join("\n")).toMatch(/another registry: main$/m);
  });
});

describe("admission policies: restricted pod security (every container list, every variant)", () => {
  const variants: [string, (c: Obj) => void, RegExp][] = [
    [
      "privileged",
      (c) => {
        (c.securityContext as Obj).privileged = true;
      },
      /privileged/,
    ],
    [
      "an added capability",
      (c) => {
        (c.securityContext as Obj).capabilities = { drop: ["ALL"], add: ["NET_BIND_SERVICE"] };
      },
      /add Linux capabilities/,
    ],
    [
      "no drop ALL",
      (c) => {
        (c.securityContext as Obj).capabilities = { drop: ["NET_RAW"] };
      },
      /drop ALL/,
    ],
    [
      "no capabilities at all",
      (c) => {
        delete (c.securityContext as Obj).capabilities;
      },
      /drop ALL/,
    ],
    [
      "allowPrivilegeEscalation true",
      (c) => {
        (c.securityContext as Obj).allowPrivilegeEscalation = true;
      },
      /allowPrivilegeEscalation/,
    ],
    [
      "allowPrivilegeEscalation missing",
      (c) => {
        delete (c.securityContext as Obj).allowPrivilegeEscalation;
      },
      /allowPrivilegeEscalation/,
    ],
    [
      "no securityContext at all",
      (c) => {
        delete c.securityContext;
      },
      /allowPrivilegeEscalation/,
    ],
    [
      "runAsNonRoot false overriding the pod",
      (c) => {
        (c.securityContext as Obj).runAsNonRoot = false;
      },
      /non-root/,
    ],
    [
      "runAsUser 0",
      (c) => {
        (c.securityContext as Obj).runAsUser = 0;
      },
      /runAsUser must not be 0/,
    ],
    [
      "seccomp Unconfined",
      (c) => {
        (c.securityContext as Obj).seccompProfile = { type: "Unconfined" };
      },
      /seccompProfile/,
    ],
    [
      "procMount Unmasked",
      (c) => {
        (c.securityContext as Obj).procMount = "Unmasked";
      },
      /procMount/,
    ],
    [
      "an SELinux user",
      (c) => {
        (c.securityContext as Obj).seLinuxOptions = { user: "system_u" };
      },
      /SELinux/,
    ],
    [
      "an SELinux type outside the container types",
      (c) => {
        (c.securityContext as Obj).seLinuxOptions = { type: "spc_t" };
      },
      /SELinux/,
    ],
    [
      "AppArmor Unconfined",
      (c) => {
        (c.securityContext as Obj).appArmorProfile = { type: "Unconfined" };
      },
      /AppArmor/,
    ],
    [
      "a Windows host process",
      (c) => {
        (c.securityContext as Obj).windowsOptions = { hostProcess: true };
      },
      /host-process/,
    ],
  ];
  for (const list of LISTS) {
    it.each(variants)(`refuses %s in ${list}`, (_label, mutate, pattern) => {
      refused(PROD, withContainer(list, mutate), pattern);
      refused(DEV, withContainer(list, mutate), pattern);
    });
  }
  for (const list of ["containers", "initContainers"] as const) {
    it(`refuses a host port in ${list}`, () => {
      refused(
        PROD,
        withContainer(list, (c) => {
          c.ports = [{ containerPort: 80, hostPort: 80 }];
        }),
        /host ports/,
      );
    });
  }

  it("runAsNonRoot and seccomp on the pod only are enough; on neither is refused", () => {
    const ok = withContainer("containers", (c) => {
      const s = c.securityContext as Obj;
      delete s.runAsNonRoot;
      delete s.seccompProfile;
    });
    allowed(PROD, ok);
    const bare = clone(ok);
    delete (bare.spec as Obj).securityContext;
    refused(PROD, bare, /non-root/);
    refused(PROD, bare, /seccompProfile/);
  });

  it.each([["hostNetwork"], ["hostPID"], ["hostIPC"]])("refuses %s", (field) => {
    const pod = argoPod(TEAM_IMAGE);
    (pod.spec as Obj)[field] = true;
    refused(PROD, pod, /host namespaces/);
    (pod.spec as Obj)[field] = false;
    allowed(PROD, pod);
  });

  it("refuses runAsUser 0 on the pod", () => {
    const pod = argoPod(TEAM_IMAGE);
    ((pod.spec as Obj).securityContext as Obj).runAsUser = 0;
    refused(PROD, pod, /runAsUser must not be 0/);
  });
  it("refuses unsafe sysctls and the AppArmor unconfined annotation", () => {
    const pod = argoPod(TEAM_IMAGE);
    ((pod.spec as Obj).securityContext as Obj).sysctls = [{ name: "kernel.msgmax", value: "1" }];
    refused(PROD, pod, /sysctls/);
    ((pod.spec as Obj).securityContext as Obj).sysctls = [{ name: "net.ipv4.tcp_syncookies", value: "1" }];
    allowed(PROD, pod);
    (pod.metadata as Obj).annotations = { "container.apparmor.security.beta.kubernetes.io/main": "unconfined" };
    refused(PROD, pod, /AppArmor/);
  });

  it("the volume list is every volume source of core/v1 Volume (so it is as closed as an allow-list)", () => {
    const dts = readFileSync(join(__dirname, "../../../node_modules/kubernetes-models/v1/Volume.d.ts"), "utf8");
    const iface = dts.slice(dts.indexOf("export interface IVolume"), dts.indexOf("\n}", dts.indexOf("export interface IVolume")));
    const fields = [...iface.matchAll(/^ {4}"(\w+)"\??:/gm)].map((m) => m[1]).filter((f) => f !== "name");
    expect([...ALL_VOLUME_SOURCES].sort()).toEqual(fields.sort());
  });
  it.each(ALL_VOLUME_SOURCES.filter((t) => !(RESTRICTED_VOLUME_TYPES as readonly string[]).includes(t)))("refuses a %s volume", (type) => {
    const pod = argoPod(TEAM_IMAGE);
    ((pod.spec as Obj).volumes as Obj[]).push({ name: "bad", [type]: {} });
    refused(PROD, pod, /forbidden type.*: bad$/);
  });
  it.each([...RESTRICTED_VOLUME_TYPES])("allows a %s volume", (type) => {
    const pod = argoPod(TEAM_IMAGE);
    ((pod.spec as Obj).volumes as Obj[]).push({ name: "ok", [type]: {} });
    allowed(PROD, pod);
  });
});

describe("admission policies: resources", () => {
  for (const list of ["containers", "initContainers"] as const) {
    it.each([
      ["no resources", (c: Obj) => delete c.resources, /request cpu and memory/],
      ["no limits", (c: Obj) => delete (c.resources as Obj).limits, /limits/],
      ["no memory request", (c: Obj) => delete ((c.resources as Obj).requests as Obj).memory, /request cpu and memory/],
      ["no cpu limit", (c: Obj) => delete ((c.resources as Obj).limits as Obj).cpu, /limits/],
    ])(`refuses %s in ${list}`, (_l, mutate, pattern) => {
      refused(PROD, withContainer(list, mutate as (c: Obj) => void), pattern);
    });
  }
});

describe("admission policies: GPUs only through the namespace's GPU queue", () => {
  const gpuPod = (labels: Record<string, string> = {}, list: ListName = "containers"): Obj => {
    const pod = withContainer(list, (c) => {
      c.resources = {
        requests: { cpu: "1", memory: "1Gi", "nvidia.com/gpu": "1" },
        limits: { cpu: "1", memory: "1Gi", "nvidia.com/gpu": "1" },
      };
    });
    Object.assign((pod.metadata as Obj).labels as Obj, labels);
    return pod;
  };
  it("allows a GPU step labelled with the queue, in a team namespace and in ml-pipelines", () => {
    allowed(PROD, gpuPod({ "kueue.x-k8s.io/queue-name": "gpu" }), "team-fraud");
    allowed(PROD, gpuPod({ "kueue.x-k8s.io/queue-name": "gpu" }), "ml-pipelines");
  });
  it.each([
    ["no queue label", {}, "containers"],
    ["another queue", { "kueue.x-k8s.io/queue-name": "fast-lane" }, "containers"],
    ["GPUs on an init container", {}, "initContainers"],
  ] as const)("refuses a GPU pod with %s", (_label, labels, list) => {
    refused(PROD, gpuPod(labels, list), /go through the namespace's GPU queue/);
    refused(DEV, gpuPod(labels, list), /go through the namespace's GPU queue/);
  });
  it("asks nothing of pods without GPUs, nor of the serving namespace", () => {
    allowed(PROD, argoPod(TEAM_IMAGE), "team-fraud");
    const serving = rolloutPod();
    ((serving.spec as Obj).containers as Obj[])[0] = container("model", MLFLOW, {
      resources: {
        requests: { cpu: "1", memory: "1Gi", "nvidia.com/gpu": "1" },
        limits: { cpu: "1", memory: "1Gi", "nvidia.com/gpu": "1" },
      },
    });
    allowed(PROD, serving, "serving");
  });
});

describe("admission policies: service accounts", () => {
  it.each([["default"], ["argo-sso-team"], ["pipeline-admin"]])("refuses a pipeline pod running as %s", (sa) => {
    refused(PROD, argoPod(TEAM_IMAGE, sa), /service account .* is not allowed here/);
  });
  it("refuses a pod with no service account (the API server defaults it to `default`)", () => {
    const pod = argoPod(TEAM_IMAGE);
    delete (pod.spec as Obj).serviceAccountName;
    refused(PROD, pod, /service account default/);
  });
  it("serving pods run as model-server only, and pipeline accounts are refused there", () => {
    const pod = rolloutPod();
    (pod.spec as Obj).serviceAccountName = "pipeline-deploy";
    refused(PROD, pod, /not allowed here; use one of: model-server/, "serving");
    refused(PROD, argoPod(TEAM_IMAGE, "model-server"), /not allowed here/, "team-fraud");
  });
  it.each([["pipeline-register"], ["pipeline-deploy"]])("%s runs the platform's images only", (sa) => {
    allowed(PROD, argoPod(STEPS, sa));
    refused(PROD, argoPod(TEAM_IMAGE, sa), /run only the platform's own images.*: main/);
  });
});

describe("admission policies: a team's workflow objects", () => {
  const spec = (extra: Obj = {}): Obj => ({
    serviceAccountName: "pipeline-train",
    entrypoint: "main",
    templates: [
      {
        name: "main",
        steps: [[{ name: "gate", templateRef: { name: "training-pipeline", template: "gate", clusterScope: true } }]],
      },
      { name: "train", serviceAccountName: "pipeline-train", container: { image: TEAM_IMAGE } },
    ],
    ...extra,
  });
  const wf = (kind: string, s: Obj): Obj =>
    kind === "CronWorkflow"
      ? { apiVersion: "argoproj.io/v1alpha1", kind, metadata: { name: "x" }, spec: { schedule: "0 1 * * *", workflowSpec: s } }
      : { apiVersion: "argoproj.io/v1alpha1", kind, metadata: { name: "x" }, spec: s };
  const kinds = ["Workflow", "WorkflowTemplate", "CronWorkflow"];

  it.each(kinds)("allows a %s that reuses platform steps through templateRef and runs its own step as pipeline-train", (kind) => {
    allowed(PROD, wf(kind, spec()));
  });
  it.each(kinds)("allows a %s that only references a ClusterWorkflowTemplate (no templates of its own)", (kind) => {
    allowed(PROD, wf(kind, { workflowTemplateRef: { name: "training-pipeline", clusterScope: true } }));
  });
  const reserved: [string, (s: Obj) => void][] = [
    ["the workflow's account", (s) => (s.serviceAccountName = "pipeline-register")],
    ["the executor's account", (s) => (s.executor = { serviceAccountName: "pipeline-deploy" })],
    ["a workflow-wide pod patch naming an account", (s) => (s.podSpecPatch = '{"serviceAccountName":"pipeline-deploy"}')],
    ["a workflow-wide pod patch changing the steps' arguments", (s) => (s.podSpecPatch = '{"containers":[{"name":"main","args":["x"]}]}')],
    ["template defaults naming an account", (s) => (s.templateDefaults = { serviceAccountName: "pipeline-register" })],
    [
      "template defaults adding environment",
      (s) => (s.templateDefaults = { container: { env: [{ name: "NODE_OPTIONS", value: "-r /tmp/x" }] } }),
    ],
    ["a template's account", (s) => (((s.templates as Obj[])[1] as Obj).serviceAccountName = "pipeline-register")],
    ["a template's executor account", (s) => (((s.templates as Obj[])[1] as Obj).executor = { serviceAccountName: "pipeline-deploy" })],
    ["a template's pod patch", (s) => (((s.templates as Obj[])[1] as Obj).podSpecPatch = '{"serviceAccountName":"pipeline-register"}')],
  ];
  for (const kind of kinds) {
    it.each(reserved)(`refuses a ${kind} that uses a reserved account through %s`, (_l, mutate) => {
      const s = spec();
      mutate(s);
      refused(PROD, wf(kind, s), /pipeline-register|reserved account|podSpecPatch or templateDefaults/);
    });
  }
  it("allows a team template's own pod patch that does not touch the account (it reaches only that template's pod)", () => {
    const s = spec();
    ((s.templates as Obj[])[1] as Obj).podSpecPatch = '{"containers":[{"name":"main","resources":{"limits":{"nvidia.com/gpu":"1"}}}]}';
    allowed(PROD, wf("Workflow", s));
  });
  it("binds the workflow policy to team namespaces only (the platform's own namespace runs the platform's templates)", () => {
    const s = spec({ serviceAccountName: "pipeline-deploy" });
    expect(verdictProblems(evaluatePolicies(PROD, { object: wf("Workflow", s), namespace: "ml-pipelines", team: false }))).toEqual([]);
  });
});

describe("admission policies: each model's drift account (ml-pipelines only, platform images only)", () => {
  const DRIFT_ACCOUNTS = ["fraud-scorer", "credit-risk"].map(driftServiceAccount);
  /** As the platform declares them: ml-pipelines' own accounts, with no image of their own. */
  const driftAccounts = (namespace = "ml-pipelines", accounts = DRIFT_ACCOUNTS) =>
    accounts.map((serviceAccount) => ({ namespace, serviceAccount, images: [] as string[] }));
  const withDrift = (base: AdmissionRuleSettings): AdmissionRuleSettings => ({ ...base, namespaceAccounts: driftAccounts() });
  const DRIFT = admissionPolicies(withDrift(settings(true)));
  const [own, other] = DRIFT_ACCOUNTS as [string, string];

  it("admits the platform's images running as a model's drift account in the platform's pipeline namespace", () => {
    allowed(DRIFT, argoPod(STEPS, own), "ml-pipelines");
    allowed(DRIFT, argoPod(STEPS, other), "ml-pipelines");
  });
  it("refuses any other image running as a drift account", () => {
    refused(DRIFT, argoPod(TEAM_IMAGE, own), /run only the platform's images and their own.*: main/, "ml-pipelines");
  });
  it.each(["team-fraud", "team-credit", "serving"])("refuses a drift account in %s, with the platform's images too", (ns) => {
    refused(DRIFT, argoPod(STEPS, own), /service account drift-fraud-scorer is not allowed here/, ns);
  });
  it("keeps the pipeline accounts everywhere they were, and refuses the drift accounts without the setting", () => {
    allowed(DRIFT, argoPod(TEAM_IMAGE), "team-fraud");
    allowed(DRIFT, argoPod(TEAM_IMAGE, "pipeline-data"), "ml-pipelines");
    refused(PROD, argoPod(STEPS, own), /not allowed here/, "ml-pipelines");
  });

  const wf = (kind: string, s: Obj): Obj =>
    kind === "CronWorkflow"
      ? { apiVersion: "argoproj.io/v1alpha1", kind, metadata: { name: "x" }, spec: { schedule: "0 1 * * *", workflowSpec: s } }
      : { apiVersion: "argoproj.io/v1alpha1", kind, metadata: { name: "x" }, spec: s };
  const ref = { workflowTemplateRef: { name: DRIFT_TEMPLATE, clusterScope: true } };
  const naming: [string, Obj][] = [
    ["as the workflow's account", { ...ref, serviceAccountName: other }],
    ["as the executor's account", { ...ref, executor: { serviceAccountName: other } }],
    [
      "as a template's account",
      { entrypoint: "m", templates: [{ name: "m", serviceAccountName: other, container: { image: TEAM_IMAGE } }] },
    ],
  ];
  for (const kind of ["Workflow", "WorkflowTemplate", "CronWorkflow"])
    it.each(naming)(`refuses a team ${kind} that names another model's drift account %s`, (_l, spec) => {
      refused(DRIFT, wf(kind, spec), /drift-credit-risk|reserved account/, "team-fraud");
    });
  it("lets a team run the drift template with its own data account", () => {
    allowed(DRIFT, wf("Workflow", { ...ref, serviceAccountName: "pipeline-data" }), "team-fraud");
  });

  it("admits the pods of the real drift-monitor template run as a model's account in ml-pipelines, and nowhere else", () => {
    const shipped = loadWorkflowDocuments().find(
      (d) => d.object.kind === "ClusterWorkflowTemplate" && (d.object.metadata as Obj).name === DRIFT_TEMPLATE,
    );
    if (!shipped) throw new Error("no drift-monitor template");
    // The run as a model's CronWorkflow makes it: the template's spec under the workflow's account.
    const pods = podsOf({ ...(shipped.object.spec as Obj), serviceAccountName: own });
    const accountOf = Object.fromEntries(pods.map((p) => [p.template, (p.pod.spec as Obj).serviceAccountName]));
    // The data steps read as the model's account; lineage, failure and retraining keep the platform's accounts.
    expect(accountOf).toEqual({
      reference: "pipeline-register",
      residency: own,
      "drift-s3": own,
      "drift-azure": own,
      retrain: "pipeline-deploy",
      "record-failure": "pipeline-register",
    });
    const policies = admissionPolicies({
      ...withDrift(settings(true)),
      platformImages: [imageRef(IMAGES.argoExec), STEPS_IMAGE_PLACEHOLDER],
      // The template names the platform's images by stand-ins, as workflows:lint judges them.
      registryOnly: false,
    });
    for (const { template, pod } of pods) {
      expect(verdictProblems(evaluatePolicies(policies, { object: pod, namespace: "ml-pipelines", team: false })), template).toEqual([]);
      if ((pod.spec as Obj).serviceAccountName === own)
        expect(verdictProblems(evaluatePolicies(policies, { object: pod, namespace: "team-fraud", team: true })).join(), template).toMatch(
          /drift-fraud-scorer is not allowed here/,
        );
    }
    // The data steps mount no MLflow token: they call no MLflow (Argo adds only mounted volumes to a pod).
    for (const { template, pod } of pods.filter((p) => (p.pod.spec as Obj).serviceAccountName === own)) {
      const mounts = ((pod.spec as Obj).containers as Obj[]).flatMap((c) => (c.volumeMounts ?? []) as Obj[]);
      expect(
        mounts.map((m) => m.name),
        template,
      ).toEqual(["tmp"]);
    }
  });

  it.each([
    [
      "a drift account named like a pipeline account",
      driftAccounts("ml-pipelines", ["pipeline-data"]),
      /already a pipeline or serving account/,
    ],
    ["a drift account that is not a Kubernetes name", driftAccounts("ml-pipelines", ["drift-x' || true || '"]), /not a Kubernetes name/],
    ["a namespace that is not a namespace name", driftAccounts("ML pipelines"), /namespaceAccounts\[0\]\.namespace/],
  ])("refuses %s", (_l, namespaceAccounts, pattern) => {
    const s = { ...settings(true), namespaceAccounts };
    expect(admissionSettingsProblems(s).join("\n")).toMatch(pattern);
    expect(() => admissionPolicies(s)).toThrow(pattern);
  });
  it("the component refuses drift accounts for a namespace it does not guard, or a team's", () => {
    const args = platformAdmissionArgs({
      environment: "production",
      registryHost: REGISTRY,
      platformImages: [EXECUTOR],
      pipelineNamespaces: ["ml-pipelines"],
      teamNamespaces: ["team-fraud"],
      serving: { namespace: "serving", serviceAccounts: ["model-server"] },
      pipelineServiceAccounts: ACCOUNTS,
      platformOnlyServiceAccounts: ["pipeline-register"],
      namespaceAccounts: driftAccounts(),
      dependsOn: [],
    });
    expect(admissionControlProblems(args)).toEqual([]);
    for (const ns of ["ml-other", "team-fraud"])
      expect(admissionControlProblems({ ...args, namespaceAccounts: driftAccounts(ns) }).join(), ns).toMatch(
        new RegExp(`namespaceAccounts: "${ns}" must be a guarded pipeline namespace that is not a team's`),
      );
  });
});

describe("admission policies: a built model's training account (its own built image by digest, in ml-pipelines only)", () => {
  const FRAUD_REPO = `${REGISTRY}/fraud/fraud-scorer`;
  const CREDIT_REPO = `${REGISTRY}/credit/credit-risk`;
  const FRAUD = `${FRAUD_REPO}@sha256:${"b".repeat(64)}`;
  const CREDIT = `${CREDIT_REPO}@sha256:${"c".repeat(64)}`;
  const own = trainingServiceAccount("fraud-scorer");
  const other = trainingServiceAccount("credit-risk");
  /** As the platform declares them: one account per built model, its repository its own. */
  const trainingAccounts = (namespace = "ml-pipelines") => [
    { namespace, serviceAccount: own, images: [] as string[], imageRepositories: [FRAUD_REPO] },
    { namespace, serviceAccount: other, images: [] as string[], imageRepositories: [CREDIT_REPO] },
  ];
  const forBuilt = (base: AdmissionRuleSettings): AdmissionRuleSettings => ({ ...base, namespaceAccounts: trainingAccounts() });
  const BUILT_PROD = admissionPolicies(forBuilt(settings(true)));
  const BUILT_DEV = admissionPolicies(forBuilt(settings(false)));
  /** The train step's pod: Argo's executor, the checkpoint containers (steps image) and the training image. */
  const trainPod = (image: string, account: string): Obj => {
    const pod = argoPod(image, account);
    (pod.spec as Obj).initContainers = [...((pod.spec as Obj).initContainers as Obj[]), container("checkpoint-restore", STEPS)];
    (pod.spec as Obj).containers = [...((pod.spec as Obj).containers as Obj[]), container("checkpoint-sync", STEPS)];
    return pod;
  };

  it.each([
    ["production", BUILT_PROD],
    ["development", BUILT_DEV],
  ])("admits a model's built image by digest as its own account in ml-pipelines (%s)", (_env, policies) => {
    allowed(policies, trainPod(FRAUD, own), "ml-pipelines");
    allowed(policies, trainPod(CREDIT, other), "ml-pipelines");
    // The platform's own images stay admitted for it (nothing else is).
    allowed(policies, argoPod(STEPS, own), "ml-pipelines");
  });
  it.each([
    ["another model's built image", CREDIT, /run only the platform's images and their own.*: main/],
    ["its own repository by tag", `${FRAUD_REPO}:main`, /run only the platform's images and their own.*: main/],
    ["its own repository with no tag or digest", FRAUD_REPO, /run only the platform's images and their own.*: main/],
    ["a look-alike repository", `${FRAUD_REPO}-evil@sha256:${"b".repeat(64)}`, /run only the platform's images and their own.*: main/],
    ["a nested repository", `${FRAUD_REPO}/x@sha256:${"b".repeat(64)}`, /run only the platform's images and their own.*: main/],
    ["a team's image", TEAM_IMAGE, /run only the platform's images and their own.*: main/],
    ["a digest with a suffix", `${FRAUD}x`, /run only the platform's images and their own.*: main/],
  ])("refuses %s as a model's training account, in production and development", (_l, image, pattern) => {
    refused(BUILT_PROD, trainPod(image, own), pattern, "ml-pipelines");
    refused(BUILT_DEV, trainPod(image, own), pattern, "ml-pipelines");
  });
  it.each(ACCOUNTS)("refuses a built model's image as %s in ml-pipelines, by digest or by tag", (account) => {
    for (const image of [FRAUD, `${FRAUD_REPO}:main`, CREDIT])
      refused(BUILT_DEV, trainPod(image, account), /a built model's images .* run only as that model's account.*: main/, "ml-pipelines");
    refused(BUILT_PROD, trainPod(FRAUD, account), /a built model's images .* run only as that model's account.*: main/, "ml-pipelines");
  });
  it("refuses another model's account for a built image, in a sidecar or an ephemeral container too", () => {
    refused(BUILT_PROD, trainPod(FRAUD, other), /run only the platform's images and their own.*: main/, "ml-pipelines");
    refused(BUILT_PROD, trainPod(FRAUD, other), /run only as that model's account.*: main/, "ml-pipelines");
    const sidecar = trainPod(STEPS, "pipeline-train");
    ((sidecar.spec as Obj).containers as Obj[]).push(container("smuggled", FRAUD));
    refused(BUILT_PROD, sidecar, /run only as that model's account.*: smuggled/, "ml-pipelines");
    const debug = trainPod(FRAUD, own);
    (debug.spec as Obj).ephemeralContainers = [{ name: "debug", image: CREDIT, securityContext: sc() }];
    refused(BUILT_PROD, debug, /: debug/, "ml-pipelines");
  });
  it.each(["team-fraud", "serving"])("refuses a training account in %s, with its own image too", (ns) => {
    refused(BUILT_PROD, trainPod(FRAUD, own), /service account train-fraud-scorer is not allowed here/, ns);
  });
  it("leaves the team namespaces and the non-built images as they were", () => {
    // The team runs its own code in its own namespace as before (its own identity): not reserved there.
    allowed(BUILT_PROD, trainPod(FRAUD, "pipeline-train"), "team-fraud");
    allowed(BUILT_PROD, trainPod(TEAM_IMAGE, "pipeline-train"), "ml-pipelines");
    allowed(BUILT_PROD, argoPod(STEPS, "pipeline-data"), "ml-pipelines");
  });
  it("refuses a team workflow that names a training account", () => {
    const ref = { workflowTemplateRef: { name: "training-pipeline", clusterScope: true } };
    const wf = { apiVersion: "argoproj.io/v1alpha1", kind: "Workflow", metadata: { name: "x" } };
    refused(BUILT_PROD, { ...wf, spec: { ...ref, serviceAccountName: own } }, /train-fraud-scorer|reserved/, "team-fraud");
    refused(
      BUILT_PROD,
      { ...wf, spec: { entrypoint: "m", templates: [{ name: "m", serviceAccountName: own, container: { image: FRAUD } }] } },
      /reserved account/,
      "team-fraud",
    );
  });

  it("admits the real train step's pods as a built run makes them, and the default run as before", () => {
    const shipped = loadWorkflowDocuments().find(
      (d) => d.object.kind === "ClusterWorkflowTemplate" && (d.object.metadata as Obj).name === "training-pipeline",
    );
    if (!shipped) throw new Error("no training-pipeline template");
    const spec = shipped.object.spec as Obj;
    // Argo substitutes the parameters: the retrain step's training-account and image for a built run (the pipeline passes the account to train).
    const submitted = (account: string, image: string): Obj =>
      JSON.parse(
        JSON.stringify(spec)
          // The train step's account: the clamp Argo evaluates (a built model's account, else pipeline-train).
          .split(TRAINING_ACCOUNT_EXPRESSION)
          .join(clampedTrainingAccount(account))
          .split("{{inputs.parameters.training-account}}")
          .join(account)
          .split("{{workflow.parameters.training-image}}")
          .join(image),
      ) as Obj;
    const policies = admissionPolicies({
      ...forBuilt(settings(true)),
      platformImages: [imageRef(IMAGES.argoExec), STEPS_IMAGE_PLACEHOLDER],
      registryOnly: false,
    });
    const trainOf = (s: Obj) => podsOf(s).find((p) => p.template === "train")?.pod as Obj;
    const judgeTrain = (account: string, image: string) =>
      verdictProblems(evaluatePolicies(policies, { object: trainOf(submitted(account, image)), namespace: "ml-pipelines", team: false }));
    expect(judgeTrain(own, FRAUD)).toEqual([]);
    // A caller passing a platform account gets pipeline-train, never the account it named.
    for (const sa of ["pipeline-deploy", "pipeline-register", "pipeline-data"])
      expect((trainOf(submitted(sa, TEAM_IMAGE)).spec as Obj).serviceAccountName).toBe("pipeline-train");
    expect(judgeTrain("pipeline-train", TEAM_IMAGE)).toEqual([]);
    expect(judgeTrain("pipeline-train", FRAUD).join()).toMatch(/run only as that model's account/);
    expect(judgeTrain(other, FRAUD).join()).toMatch(/run only the platform's images and their own/);
    expect(judgeTrain(own, TEAM_IMAGE).join()).toMatch(/run only the platform's images and their own/);
    // Only the train step changes account: every other step keeps the platform's.
    const accounts = (s: Obj) => Object.fromEntries(podsOf(s).map((p) => [p.template, (p.pod.spec as Obj).serviceAccountName]));
    const { train: builtTrain, ...builtRest } = accounts(submitted(own, FRAUD));
    const { train: defaultTrain, ...defaultRest } = accounts(spec);
    expect([builtTrain, defaultTrain]).toEqual([own, "pipeline-train"]);
    expect(builtRest).toEqual(defaultRest);
    expect(Object.values(builtRest)).not.toContain(own);
  });

  it.each([
    ["a repository with a tag", [`${FRAUD_REPO}:v1`], /must be a repository without tag or digest/],
    ["a repository with a digest", [FRAUD], /must be a repository without tag or digest/],
    ["a repository outside the registry", ["evil.example/fraud/fraud-scorer"], /is not in the stack's registry/],
    ["a repository with a quote", [`${FRAUD_REPO}' || true || '`], /must be a repository without tag or digest/],
  ])("refuses %s", (_l, imageRepositories, pattern) => {
    const s = { ...settings(true), namespaceAccounts: [{ namespace: "ml-pipelines", serviceAccount: own, images: [], imageRepositories }] };
    expect(admissionSettingsProblems(s).join("\n")).toMatch(pattern);
    expect(() => admissionPolicies(s)).toThrow(pattern);
  });
  it("refuses one repository given to two accounts", () => {
    const [a, b] = trainingAccounts();
    const s = { ...settings(true), namespaceAccounts: [a, { ...b, imageRepositories: [FRAUD_REPO] }] as NamespaceAccount[] };
    expect(admissionSettingsProblems(s).join("\n")).toMatch(/is also train-credit-risk's; a repository's images run as one account/);
  });
});

describe("admission manifests", () => {
  const bind = { guarded: ["ml-pipelines", "serving", "team-fraud"], teams: ["team-fraud"] };
  it("validate against the upstream admissionregistration.k8s.io/v1 schema", async () => {
    const m = admissionPolicyManifests(PROD, { ...bind, environment: "production" });
    for (const o of [...m.policies, ...m.bindings]) expect(await schemaError(o), JSON.stringify(o.metadata)).toBeUndefined();
    expect(m.policies).toHaveLength(PROD.length);
  });
  it("deny and audit in production, warn and audit in development", () => {
    const prod = admissionPolicyManifests(PROD, { ...bind, environment: "production" });
    const dev = admissionPolicyManifests(DEV, { ...bind, environment: "development" });
    for (const b of prod.bindings) expect((b.spec as Obj).validationActions).toEqual(["Deny", "Audit"]);
    for (const b of dev.bindings) expect((b.spec as Obj).validationActions).toEqual(["Warn", "Audit"]);
    for (const p of prod.policies) expect((p.spec as Obj).failurePolicy).toBe("Fail");
  });
  it("bind pod policies to every guarded namespace by its immutable name label, the workflow policy to teams", () => {
    const m = admissionPolicyManifests(PROD, { ...bind, environment: "production" });
    const values = (name: string) => {
      const b = m.bindings.find((x) => (x.metadata as Obj).name === name) as {
        spec: { matchResources: { namespaceSelector: { matchExpressions: Obj[] } } };
      };
      return b.spec.matchResources.namespaceSelector.matchExpressions[0] as { values: string[] };
    };
    expect(values("mlops-images")).toEqual({ key: "kubernetes.io/metadata.name", operator: "In", values: bind.guarded });
    expect(values("mlops-workflow-identities").values).toEqual(["team-fraud"]);
  });
  it("match pods including ephemeral containers, and the three workflow kinds", () => {
    const m = admissionPolicyManifests(PROD, { ...bind, environment: "production" });
    const rules = (name: string) => {
      const p = m.policies.find((x) => (x.metadata as Obj).name === name) as { spec: { matchConstraints: { resourceRules: Obj[] } } };
      return p.spec.matchConstraints.resourceRules[0] as Obj;
    };
    expect(rules("mlops-pod-security").resources).toEqual(["pods", "pods/ephemeralcontainers"]);
    expect(rules("mlops-workflow-identities").resources).toEqual(["workflows", "workflowtemplates", "cronworkflows"]);
  });
  it("leave the team-only policy unbound when there is no team (a binding needs a namespace)", () => {
    const m = admissionPolicyManifests(PROD, { guarded: ["ml-pipelines", "serving"], teams: [], environment: "production" });
    expect(m.bindings.map((b) => (b.metadata as Obj).name)).not.toContain("mlops-workflow-identities");
  });
});

describe("admission settings are refused when they cannot be baked into CEL safely", () => {
  it.each([
    ["a quote in the registry host", { registryHosts: ["x' || true || '"] }, /registryHosts/],
    ["no registry", { registryHosts: [] }, /registryHosts: \[\]/],
    ["an unpinned platform image", { platformImages: ["quay.io/argoproj/argoexec"] }, /platformImages/],
    ["a reserved account that is not a pipeline account", { platformOnlyServiceAccounts: ["root"] }, /platformOnlyServiceAccounts/],
  ])("%s", (_l, patch, pattern) => {
    const problems = admissionSettingsProblems({ ...settings(true), ...patch } as AdmissionRuleSettings);
    expect(problems.join("\n")).toMatch(pattern);
    expect(() => admissionPolicies({ ...settings(true), ...patch } as AdmissionRuleSettings)).toThrow(pattern);
  });
  it("the component refuses a team namespace it does not guard and an unknown environment", () => {
    const args = platformAdmissionArgs({
      environment: "production",
      registryHost: REGISTRY,
      platformImages: [EXECUTOR],
      pipelineNamespaces: ["ml-pipelines"],
      teamNamespaces: ["team-fraud"],
      serving: { namespace: "serving", serviceAccounts: ["model-server"] },
      pipelineServiceAccounts: ACCOUNTS,
      platformOnlyServiceAccounts: ["pipeline-register"],
      dependsOn: [],
    });
    expect(admissionControlProblems(args)).toEqual([]);
    expect(admissionControlProblems({ ...args, guardedNamespaces: ["ml-pipelines", "serving"] }).join()).toMatch(/team-fraud/);
    expect(admissionControlProblems({ ...args, environment: "staging" as "production" }).join()).toMatch(/environment/);
  });
});

describe("mlops-approvals: only approvers resume, and only the Argo server names who did", () => {
  const approvals = PROD.find((p) => p.name === "mlops-approvals");
  if (!approvals) throw new Error("no mlops-approvals policy");
  const A = "workflows.argoproj.io/";
  const wf = (labels: Record<string, string> = {}) => ({
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Workflow",
    metadata: { name: "wf", namespace: "team-fraud", labels: { "workflows.argoproj.io/creator": "x", ...labels } },
    spec: { workflowTemplateRef: { name: "training-pipeline", clusterScope: true } },
  });
  const resumedBy = (email: string) => wf({ [`${A}action`]: "Resume", [`${A}actor`]: "sub", [`${A}actor-email`]: email });
  const update = (oldObject: unknown, object: unknown, username: string) =>
    evaluatePolicies([approvals], { object, oldObject, namespace: "team-fraud", operation: "UPDATE", username, team: true });
  const sa = (ns: string, name: string) => `system:serviceaccount:${ns}:${name}`;
  const ok = (v: AdmissionVerdict[]) => {
    expect(v.flatMap((x) => x.errors)).toEqual([]);
    return v.flatMap((x) => x.failures);
  };

  it("lets the namespace's approver account, or an admin's, resume through Argo's server", () => {
    expect(ok(update(wf(), resumedBy("lead.at.example.ae"), sa("team-fraud", "argo-sso-approver")))).toEqual([]);
    expect(ok(update(wf(), resumedBy("lead.at.example.ae"), sa("argo", "argo-sso-admin")))).toEqual([]);
    // The controller's status updates and a member's other actions (stop, retry) leave the record alone.
    expect(ok(update(resumedBy("lead.at.example.ae"), resumedBy("lead.at.example.ae"), sa("argo", "argo-workflow-controller")))).toEqual(
      [],
    );
    expect(ok(update(wf(), wf({ [`${A}action`]: "Stop", [`${A}actor`]: "m" }), sa("team-fraud", "argo-sso-team")))).toEqual([]);
  });

  it.each([
    ["a member resuming through the Argo UI", sa("team-fraud", "argo-sso-team")],
    ["another namespace's approver", sa("team-credit", "argo-sso-approver")],
    ["a person with kubectl", "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_MLTeamFraud/ana"],
    ["a pipeline step account", sa("team-fraud", "pipeline-deploy")],
    ["nobody known", ""],
  ])("refuses %s", (_label, username) => {
    const failures = ok(update(wf(), resumedBy("ana.at.example.ae"), username));
    expect(failures.join("\n")).toMatch(/only the approvers of team-fraud \(or platform admins\)/);
  });

  it("refuses ending a waiting approval step by writing the status, whoever is not an approver or the controller", () => {
    const withNode = (phase: string, labels: Record<string, string> = {}) => ({
      ...wf(labels),
      status: { phase: "Running", nodes: { "wf-1": { id: "wf-1", name: "wf.approval", type: "Suspend", phase } } },
    });
    const kubectl = "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_MLTeamFraud/ana";
    for (const [who, user] of [
      ["a member with kubectl", kubectl],
      ["a member through Argo's server", sa("team-fraud", "argo-sso-team")],
      ["a pipeline step account", sa("team-fraud", "pipeline-deploy")],
    ] as const) {
      for (const after of [withNode("Succeeded"), { ...wf(), status: { phase: "Running", nodes: {} } }, wf()])
        expect(ok(update(withNode("Running"), after, user)).join("\n"), who).toMatch(
          /a waiting approval \(Suspend\) step is ended only by the approvers of team-fraud/,
        );
    }
    // The approver's Resume, an admin's, and the controller's timeout end it.
    const resumed = withNode("Succeeded", { [`${A}action`]: "Resume", [`${A}actor`]: "sub", [`${A}actor-email`]: "lead.at.example.ae" });
    expect(ok(update(withNode("Running"), resumed, sa("team-fraud", "argo-sso-approver")))).toEqual([]);
    expect(ok(update(withNode("Running"), resumed, sa("argo", "argo-sso-admin")))).toEqual([]);
    expect(ok(update(withNode("Running"), withNode("Failed"), sa("argo", "argo-workflow-controller")))).toEqual([]);
    // A node that is not waiting, or a step that is not a Suspend, is the controller's business and a member's status edit of it is not an approval.
    expect(ok(update(withNode("Succeeded"), withNode("Succeeded"), kubectl))).toEqual([]);
  });

  it("refuses forged actor labels, changed or planted at creation", () => {
    const kubectl = "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_MLTeamFraud/ana";
    expect(ok(update(resumedBy("lead.at.example.ae"), resumedBy("boss.at.example.ae"), kubectl)).join("\n")).toMatch(
      /only the Argo server, acting for a signed-in person, writes .* \(not arn:aws:sts/,
    );
    const created = evaluatePolicies([approvals], {
      object: resumedBy("boss.at.example.ae"),
      namespace: "team-fraud",
      operation: "CREATE",
      username: sa("team-fraud", "argo-sso-team"),
      team: true,
    });
    expect(ok(created).join("\n")).toMatch(/only the approvers of team-fraud/);
    // What the lint sees (a file, no user, no labels) passes.
    expect(ok(evaluatePolicies([approvals], { object: wf(), namespace: "team-fraud", team: true }))).toEqual([]);
  });
});
