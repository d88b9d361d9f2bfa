/**
 * The platform-services assertions shared by the AWS and Azure plan tests: the same Kubernetes
 * services must come out right on either cloud layer. Each test file plans one stack.
 */
import { beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { NAMESPACES, PIPELINE_SERVICE_ACCOUNTS, teamNamespace } from "../../components/contracts";
import { repositoryPath } from "../../components/k8s/argo-events";
import { MESH_ROOT_NAMESPACE } from "../../contracts/mesh";
import { CHART_IMAGES, CHARTS, IMAGES, PLATFORM_IMAGES } from "../../contracts/versions";
import { SERVICE_ACCOUNTS } from "../../stacks/identities";
import type { PlanResource, PlanResult } from "../../tools/lib/harness";
import { readStackConfig } from "../../tools/lib/stack-config";
import { isSecret, UNKNOWN } from "../../tools/lib/values";
import { NO_UPSTREAM_SCHEMA, schemaError } from "../components/k8s/schemas";
import { shippedPlan } from "../support/shipped-plan";

const SERVICES = "mlops-platform:k8s:PlatformServices";
const RELEASE = "kubernetes:helm.sh/v3:Release";

/** What a stack's configuration says, for the assertions that depend on it. */
export interface ServicesExpectations {
  readonly stack: string;
  readonly cloud: "aws" | "azure";
  readonly issuer: string;
  readonly adminGroups: readonly string[];
  readonly teams: readonly string[];
  /** Protected stack: namespaces are kept on delete. */
  readonly protectData: boolean;
  readonly models: readonly { name: string; registeredModel: string; version: number; strategy: "blueGreen" | "canary" }[];
  /** `services.git` of the stack: the webhook relay and the git trigger exist only with it. */
  readonly git?: { readonly provider: "github" | "gitlab"; readonly repositories: readonly string[] };
}

type Obj = Record<string, unknown>;

function byUrn(plan: PlanResult, urn: string): PlanResource | undefined {
  return plan.resources.find((r) => r.urn === urn);
}

function underServices(plan: PlanResult, r: PlanResource): boolean {
  let cur: PlanResource | undefined = r;
  while (cur?.parent) {
    cur = byUrn(plan, cur.parent);
    if (cur?.type === SERVICES) return true;
  }
  return false;
}

/** Every value under `key` anywhere in `value`, with its path. */
function findKeys(value: unknown, test: (key: string) => boolean, path = ""): { path: string; value: unknown }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => findKeys(v, test, `${path}[${i}]`));
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value as Obj).flatMap(([k, v]) => [
    ...(test(k) ? [{ path: `${path}.${k}`, value: v }] : []),
    ...findKeys(v, test, `${path}.${k}`),
  ]);
}

/** Containers and pod security contexts of a workload object (Deployment, Rollout, Argo Events pod templates). */
function podSpecs(object: Obj): { pod: Obj; containers: Obj[] }[] {
  const spec = (object.spec ?? {}) as Obj;
  const kind = String(object.kind);
  if (kind === "Deployment" || kind === "Rollout" || kind === "StatefulSet" || kind === "DaemonSet" || kind === "Job") {
    const pod = ((spec.template as Obj)?.spec ?? {}) as Obj;
    return [
      {
        pod: (pod.securityContext ?? {}) as Obj,
        containers: [...((pod.containers as Obj[]) ?? []), ...((pod.initContainers as Obj[]) ?? [])],
      },
    ];
  }
  if (kind === "EventSource" || kind === "Sensor") {
    const t = (spec.template ?? {}) as Obj;
    return [{ pod: (t.securityContext ?? {}) as Obj, containers: [(t.container ?? {}) as Obj] }];
  }
  if (kind === "EventBus") {
    const js = ((spec.jetstream ?? {}) as Obj) ?? {};
    return [
      {
        pod: (js.securityContext ?? {}) as Obj,
        containers: ["containerTemplate", "metricsContainerTemplate", "reloaderContainerTemplate"].map((k) => (js[k] ?? {}) as Obj),
      },
    ];
  }
  return [];
}

/** Restricted container security context problems (empty when compliant). */
export function containerProblems(c: Obj): string[] {
  const sc = (c.securityContext ?? {}) as Obj;
  const p: string[] = [];
  if (sc.runAsNonRoot !== true) p.push("runAsNonRoot is not true");
  if (sc.readOnlyRootFilesystem !== true) p.push("readOnlyRootFilesystem is not true");
  if (sc.allowPrivilegeEscalation !== false) p.push("allowPrivilegeEscalation is not false");
  if (sc.privileged === true) p.push("privileged");
  if (JSON.stringify((sc.capabilities as Obj)?.drop) !== '["ALL"]') p.push("capabilities do not drop ALL");
  if ((sc.seccompProfile as Obj)?.type !== "RuntimeDefault") p.push("seccomp is not RuntimeDefault");
  const res = (c.resources ?? {}) as Obj;
  if (!res.requests || !res.limits) p.push("no requests/limits");
  return p;
}

const STATIC_CREDENTIAL_PATTERNS = [
  /AKIA[0-9A-Z]{16}/,
  /aws_secret_access_key/i,
  /AWS_SECRET_ACCESS_KEY/,
  /AWS_ACCESS_KEY_ID/,
  /AccountKey=/,
  /AZURE_STORAGE_ACCESS_KEY/,
  /AZURE_STORAGE_CONNECTION_STRING/,
  /AZURE_CLIENT_SECRET/,
  /"accessKeySecret"/,
  /"secretKeySecret"/,
  /"accountKeySecret"/,
  /"useStaticCredentials":true/,
];

/** Declares the platform-services tests for one stack. */
export function describeServicesPlan(e: ServicesExpectations): void {
  let plan: PlanResult;
  let mine: PlanResource[];
  const releases = () => mine.filter((r) => r.type === RELEASE);
  const release = (name: string) => releases().find((r) => r.inputs.name === name) as PlanResource;
  const values = (name: string) => release(name).inputs.values as Obj;
  const objects = () => mine.filter((r) => r.custom && r.type.startsWith("kubernetes:") && r.type !== RELEASE);
  const manifestsOfMine = () => {
    const urns = new Set(objects().map((r) => r.urn));
    return plan.manifests.filter((m) => urns.has(m.urn));
  };

  beforeAll(async () => {
    plan = shippedPlan(e.stack);
    mine = plan.resources.filter((r) => underServices(plan, r));
  });

  describe(`platform services on ${e.stack} (${e.cloud})`, () => {
    it("declares every service and at least one object per platform namespace", () => {
      const nsNames = mine.filter((r) => r.type === "kubernetes:core/v1:Namespace").map((r) => (r.inputs.metadata as Obj).name);
      expect(nsNames).toEqual(expect.arrayContaining([...Object.values(NAMESPACES), ...e.teams.map(teamNamespace)]));
      expect(
        releases()
          .map((r) => r.inputs.name)
          .sort(),
      ).toEqual(
        [
          "argo-events",
          "argo-rollouts",
          "argo-workflows",
          "cert-manager",
          "dcgm-exporter",
          "keda",
          "kube-prometheus-stack",
          "kueue",
          "istio-base",
          "istiod",
          "istio-cni",
          "ztunnel",
          "mlflow",
          "mlflow-auth",
          "nvidia-device-plugin",
          "traefik",
        ].sort(),
      );
    });

    it("has a GPU queue for every team and GPU pool, and sends the training pipeline's GPU step through its namespace's queue", () => {
      const ms = manifestsOfMine().map((m) => m.object);
      const named = (kind: string) => ms.filter((o) => o.kind === kind).map((o) => o.metadata as Obj);
      const clusterQueues = named("ClusterQueue").map((m) => m.name);
      expect(clusterQueues).toEqual(expect.arrayContaining([...e.teams.map((t) => `team-${t}`), "platform"]));
      const flavors = named("ResourceFlavor").map((m) => String(m.name));
      expect(flavors.length).toBeGreaterThan(0);
      for (const f of flavors) expect(clusterQueues).toContain(`pool-${f.replace(/^gpu-/, "")}`);
      const locals = ms.filter((o) => o.kind === "LocalQueue");
      expect(locals.map((l) => (l.metadata as Obj).namespace).sort()).toEqual([NAMESPACES.pipelines, ...e.teams.map(teamNamespace)].sort());
      for (const l of locals) expect(clusterQueues).toContain((l.spec as Obj).clusterQueue);
      // Every queue's flavors exist, and every flavor selects a node pool the cloud layer creates.
      for (const cq of ms.filter((o) => o.kind === "ClusterQueue"))
        for (const g of (cq.spec as Obj).resourceGroups as { flavors: { name: string }[] }[])
          for (const f of g.flavors) expect(flavors, String((cq.metadata as Obj).name)).toContain(f.name);
      const poolLabels = plan.resources
        .filter((r) => r.type === "aws:eks/nodeGroup:NodeGroup" || r.type.includes("AgentPool"))
        .map((r) => JSON.stringify(r.inputs));
      for (const f of ms.filter((o) => o.kind === "ResourceFlavor")) {
        const pool = ((f.spec as Obj).nodeLabels as Obj)["mlops.platform/node-pool"];
        expect(
          poolLabels.some((l) => l.includes(`"mlops.platform/node-pool":"${pool}"`)),
          `flavor ${(f.metadata as Obj).name}: no node pool labelled ${pool}`,
        ).toBe(true);
      }
      const template = ms.find((o) => o.kind === "ClusterWorkflowTemplate" && (o.metadata as Obj).name === "training-pipeline") as Obj;
      const train = ((template.spec as Obj).templates as Obj[]).find((t) => t.name === "train") as Obj;
      const queue = ((train.metadata as Obj).labels as Obj)["kueue.x-k8s.io/queue-name"];
      for (const l of locals) expect((l.metadata as Obj).name).toBe(queue);
      // Kueue manages pods exactly in the namespaces that carry the pipeline label.
      const config = YAML.parse(String((values("kueue").managerConfig as Obj).controllerManagerConfigYaml)) as Obj;
      const selector = (config.managedJobsNamespaceSelector as Obj).matchLabels as Obj;
      const pipelineNs = mine
        .filter((r) => r.type === "kubernetes:core/v1:Namespace")
        .map((r) => r.inputs.metadata as Obj)
        .filter((m) => Object.entries(selector).every(([k, v]) => (m.labels as Obj)[k] === v))
        .map((m) => m.name);
      expect(pipelineNs.sort()).toEqual([NAMESPACES.pipelines, ...e.teams.map(teamNamespace)].sort());
    });

    it("tells each pipeline namespace's training step to checkpoint under its own prefix of the in-region artifacts bucket", () => {
      const settings = manifestsOfMine()
        .map((m) => m.object)
        .filter((o) => o.kind === "ConfigMap" && (o.metadata as Obj).name === "mlops-pipeline-settings");
      const namespaces = [NAMESPACES.pipelines, ...e.teams.map(teamNamespace)];
      expect(settings.map((o) => (o.metadata as Obj).namespace).sort()).toEqual([...namespaces].sort());
      for (const o of settings) {
        const ns = String((o.metadata as Obj).namespace);
        const uri = String((o.data as Obj).PLATFORM_CHECKPOINT_URI);
        expect(uri, ns).toMatch(
          e.cloud === "aws"
            ? new RegExp(`^s3://[a-z0-9.-]+/pipelines/${ns}/checkpoints/$`)
            : new RegExp(`^https://[a-z0-9]+\\.blob\\.core\\.windows\\.net/artifacts/pipelines/${ns}/checkpoints/$`),
        );
      }
    });

    it("validates every Kubernetes object of the plan against its upstream schema", async () => {
      const failures: string[] = [];
      for (const m of plan.manifests) {
        const err = await schemaError(m.object);
        if (err) failures.push(`${m.file}: ${err}`);
      }
      expect(failures).toEqual([]);
      expect(plan.manifests.length).toBeGreaterThan(100);
    });

    it("gives Argo Events objects (no upstream schema) the fields their controller needs", () => {
      const events = manifestsOfMine().filter((m) => NO_UPSTREAM_SCHEMA.has(`${m.object.apiVersion}/${m.object.kind}`));
      expect(events.map((m) => m.object.kind).sort()).toEqual(
        ["EventBus", "EventSource", "EventSource", ...(e.git ? ["EventSource"] : []), "Sensor"].sort(),
      );
      for (const m of events) {
        const meta = m.object.metadata as Obj;
        expect(meta.namespace).toBe(NAMESPACES.argoEvents);
        expect(typeof meta.name).toBe("string");
      }
      const sensor = events.find((m) => m.object.kind === "Sensor")?.object.spec as Obj;
      const triggers = sensor.triggers as Obj[];
      const dataTriggers = triggers.filter((t) => String((t.template as Obj).name).startsWith("data-"));
      expect(dataTriggers.map((t) => (t.template as Obj).name)).toEqual([...new Set(e.models.map((m) => `data-${m.registeredModel}`))]);
      for (const t of triggers) {
        const k8s = ((t.template as Obj).k8s ?? {}) as Obj;
        const wf = ((k8s.source as Obj).resource ?? {}) as Obj;
        expect(wf.kind).toBe("Workflow");
        expect((wf.metadata as Obj).namespace).toBe(NAMESPACES.pipelines);
        const name = String((t.template as Obj).name);
        if (name === "feature-apply") {
          // A push to the feature repository runs feast apply of that commit (test/workflows/feature-apply.test.ts).
          expect((wf.spec as Obj).workflowTemplateRef).toEqual({ name: "feature-apply", clusterScope: true });
          continue;
        }
        const steps = ((wf.spec as Obj).templates as Obj[]).flatMap((x) => ((x.steps as Obj[][]) ?? []).flat());
        if (name.startsWith("build-")) {
          // A push to a built model's repository builds that commit and retrains that model only.
          expect(steps.map((s) => s.templateRef)).toEqual([
            { name: "training-pipeline", template: "build-and-retrain", clusterScope: true },
          ]);
          const params = Object.fromEntries(
            (((steps[0] as Obj).arguments as Obj).parameters as { name: string; value: string }[]).map((p) => [p.name, p.value]),
          );
          expect(e.models.map((m) => m.registeredModel)).toContain(params["model-name"]);
          expect(params.commit).toBe("{{workflow.parameters.commit}}");
          continue;
        }
        // Retraining with the champion's settings (the training template's retrain step), per served model.
        expect(steps.map((s) => s.templateRef)).toEqual([{ name: "training-pipeline", template: "retrain", clusterScope: true }]);
        // A data event retrains the model whose prefix it arrived under; git and the schedule retrain all.
        expect((steps[0] as Obj).withItems).toEqual(
          name.startsWith("data-") ? [name.slice("data-".length)] : [...new Set(e.models.map((m) => m.registeredModel))],
        );
      }
    });

    it(e.git ? "verifies git pushes in the relay before the event bus" : "deploys no git webhook relay without services.git", () => {
      const relay = manifestsOfMine().find((m) => m.object.kind === "Deployment" && (m.object.metadata as Obj).name === "git-webhook");
      const sensor = manifestsOfMine().find((m) => m.object.kind === "Sensor")?.object.spec as Obj;
      const deps = (sensor.dependencies as Obj[]).map((d) => d.name);
      if (!e.git) {
        expect(relay).toBeUndefined();
        expect(deps).not.toContain("git");
        return;
      }
      expect(deps).toContain("git");
      if (!relay) throw new Error("no git-webhook Deployment in the plan");
      const pod = (((relay.object.spec as Obj).template as Obj).spec ?? {}) as Obj;
      expect(pod.automountServiceAccountToken).toBe(false);
      const c = (pod.containers as Obj[])[0] ?? {};
      expect(c.command).toEqual(["node", "dist/git-webhook.js"]);
      const env = Object.fromEntries((c.env as Obj[]).map((v) => [v.name, v.value ?? v.valueFrom]));
      expect(env.GIT_PROVIDER).toBe(e.git.provider);
      // The configured repositories, then those of the models built from their own repository
      // (models[].training.repository), then the declared feature repository's
      // (services.feast.repository, whose pushes run feast apply): all read from the stack file,
      // not from the Sensor under test.
      const values = readStackConfig(process.cwd(), e.stack).values;
      const builtRepos = ((values["mlops-platform:models"] ?? []) as { training?: { repository?: string } }[]).flatMap((m) =>
        m.training?.repository ? [repositoryPath(m.training.repository)] : [],
      );
      const feature = (values["mlops-platform:services"] as { feast?: { repository?: { url?: string } } } | undefined)?.feast?.repository
        ?.url;
      const featureRepos = feature ? [repositoryPath(feature)] : [];
      expect(builtRepos.length).toBeGreaterThan(0);
      expect(env.GIT_REPOSITORIES).toBe([...new Set([...e.git.repositories, ...builtRepos, ...featureRepos])].join("\n"));
      expect(env.GIT_WEBHOOK_SECRET).toEqual({ secretKeyRef: { name: "git-webhook", key: "secret" } });
      expect(env.FORWARD_TOKEN).toEqual({ secretKeyRef: { name: "git-webhook", key: "token" } });
      // The internal ingress routes the events host to the relay, never to the Argo Events webhook.
      const routed = JSON.stringify(
        manifestsOfMine()
          .filter((m) => m.object.kind === "Ingress")
          .map((m) => m.object),
      );
      expect(routed).toContain('"name":"git-webhook"');
      expect(routed).not.toContain("git-push-eventsource-svc");
    });

    it("sends every Kubernetes object through the cluster's provider", () => {
      const k8sProviders = plan.resources.filter((r) => r.type === "pulumi:providers:kubernetes").map((r) => r.urn);
      expect(k8sProviders.length).toBe(1);
      for (const r of mine.filter((x) => x.custom && x.type.startsWith("kubernetes:"))) {
        expect(r.provider?.startsWith(`${k8sProviders[0]}::`), `${r.urn} provider ${r.provider}`).toBe(true);
      }
    });

    it("pins every chart to the exact version of its official repository", () => {
      for (const r of releases()) {
        // An OCI chart is one reference, `<repo>/<chart>`, without repositoryOpts.
        const pin = Object.values(CHARTS).find((c) => c.chart === r.inputs.chart || `${c.repo}/${c.chart}` === r.inputs.chart);
        expect(pin, `chart ${String(r.inputs.chart)}`).toBeDefined();
        expect(r.inputs.version).toBe(pin?.version);
        expect(String(r.inputs.version)).toMatch(/^v?\d+\.\d+\.\d+$/);
        if (String(pin?.repo).startsWith("oci://")) expect(r.inputs.repositoryOpts).toBeUndefined();
        else expect((r.inputs.repositoryOpts as Obj).repo).toBe(pin?.repo);
        expect(String(pin?.repo)).toMatch(/^(https|oci):\/\//);
        expect(r.inputs.createNamespace).toBe(false);
        expect(r.inputs.atomic).toBe(true);
      }
    });

    it("pins every image of the services to a fixed tag or digest", () => {
      // A WorkflowTemplate's training image is a run parameter ({{workflow.parameters.…}}): checked at admission, not here.
      const images = manifestsOfMine()
        .flatMap((m) => findKeys(m.object, (k) => k === "image").map((x) => x.value))
        .filter((img) => !/^\{\{.*\}\}$/.test(String(img)))
        // The steps image is `<registry>/steps:<STEPS_IMAGE_VERSION>`; its registry host is only known after apply on some clouds.
        .filter((img) => img !== "(known after apply)");
      // Through the stack registry's pull-through cache (contracts/image-cache.ts).
      expect(images.some((i) => String(i).endsWith(`/quay/feastdev/feature-server:${IMAGES.feastFeatureServer.tag}`))).toBe(true);
      if (e.cloud === "aws") expect(images.some((i) => String(i).endsWith(`/serving:${PLATFORM_IMAGES.mlflow.tag}`))).toBe(true);
      // Every known image comes from a registry the policies allow (the platform's own, or vendors' official registries).
      for (const img of images) {
        expect(String(img)).toMatch(
          /^(quay\.io|ghcr\.io|nvcr\.io|public\.ecr\.aws|registry\.k8s\.io|[0-9]+\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com|[a-z0-9]+\.azurecr\.io)\//,
        );
      }
      for (const img of images) {
        expect(String(img)).toMatch(/(@sha256:[a-f0-9]{64}|:[A-Za-z0-9_.-]+)$/);
        expect(String(img)).not.toMatch(/:latest$/);
      }
      // The images the platform sets in chart values are the ones of versions.ts.
      const tags = new Set<string>([
        ...Object.values(IMAGES).map((i) => i.tag),
        ...Object.values(PLATFORM_IMAGES).map((i) => i.tag),
        ...Object.values(CHART_IMAGES).flatMap((i) => ("tag" in i ? [i.tag] : [])),
      ]);
      for (const r of releases()) {
        for (const t of findKeys(r.inputs.values, (k) => k === "tag"))
          expect(tags.has(String(t.value)), `${String(r.inputs.name)}${t.path}`).toBe(true);
      }
    });

    it("makes every custom resource depend on the release that installs its CRD", () => {
      const crdRelease: Record<string, string> = {
        Rollout: "argo-rollouts",
        AnalysisTemplate: "argo-rollouts",
        EventBus: "argo-events",
        EventSource: "argo-events",
        Sensor: "argo-events",
        WorkflowTemplate: "argo-workflows",
        CronWorkflow: "argo-workflows",
        ClusterWorkflowTemplate: "argo-workflows",
        Certificate: "cert-manager",
        ClusterIssuer: "cert-manager",
        PrometheusRule: "kube-prometheus-stack",
        AlertmanagerConfig: "kube-prometheus-stack",
        ScaledObject: "keda",
        IngressRoute: "traefik",
        TraefikService: "traefik",
      };
      const crs = objects().filter((r) =>
        /^kubernetes:(argoproj\.io|cert-manager\.io|monitoring\.coreos\.com|keda\.sh|traefik\.io)\//.test(r.type),
      );
      expect(crs.length).toBeGreaterThan(10);
      for (const r of crs) {
        const kind = r.type.split(":").pop() as string;
        const needed = release(crdRelease[kind] as string);
        expect(needed, kind).toBeDefined();
        expect(r.dependencies, `${r.urn} must depend on ${String(needed.inputs.name)}`).toContain(needed.urn);
      }
    });

    it("runs every workload the platform declares with the restricted security context and requests/limits", () => {
      const workloads = manifestsOfMine().filter((m) => podSpecs(m.object).length > 0);
      expect(workloads.map((m) => m.object.kind)).toEqual(
        expect.arrayContaining(["Deployment", "Rollout", "EventBus", "EventSource", "Sensor"]),
      );
      for (const m of workloads) {
        for (const { pod, containers } of podSpecs(m.object)) {
          expect(pod.runAsNonRoot, `${m.file} pod runAsNonRoot`).toBe(true);
          expect((pod.seccompProfile as Obj)?.type, `${m.file} pod seccomp`).toBe("RuntimeDefault");
          for (const c of containers) expect(containerProblems(c), `${m.file} ${String(c.name ?? "")}`).toEqual([]);
        }
      }
    });

    it("runs the GPU agents on spot GPU nodes too (AKS spot taint on Azure, none on AWS)", () => {
      const spot = { key: "kubernetes.azure.com/scalesetpriority", operator: "Exists", effect: "NoSchedule" };
      const agents = releases().filter((r) => ["nvidia-device-plugin", "dcgm-exporter"].includes(String(r.inputs.name)));
      expect(agents.length).toBe(2);
      for (const r of agents) {
        expect((r.inputs.values as Obj).tolerations, String(r.inputs.name)).toEqual([
          { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
          ...(e.cloud === "azure" ? [spot] : []),
        ]);
      }
    });

    it("sets restricted security contexts explicitly in every chart's values (node agents: root without capabilities)", () => {
      const nodeAgents = new Set(["nvidia-device-plugin", "dcgm-exporter"]);
      // Istio's charts take no container security context: istiod's template sets a restricted one,
      // ztunnel and the CNI agent set the capabilities they need (privileged istio-system, mesh.test.ts);
      // the values ask for the RuntimeDefault seccomp profile where the chart takes one.
      const mesh = new Set(["istio-base", "istiod", "istio-cni", "ztunnel"]);
      for (const r of releases().filter((x) => mesh.has(String(x.inputs.name)))) {
        if (["istiod", "istio-cni"].includes(String(r.inputs.name)))
          expect((r.inputs.values as Obj).seccompProfile, String(r.inputs.name)).toEqual({ type: "RuntimeDefault" });
      }
      for (const r of releases().filter((x) => !mesh.has(String(x.inputs.name)))) {
        const name = String(r.inputs.name);
        // A chart may take one context per component (KEDA: securityContext.operator, .metricServer, …).
        const perComponent = (v: unknown) =>
          typeof v === "object" &&
          v !== null &&
          !("seccompProfile" in v) &&
          !("capabilities" in v) &&
          Object.keys(v).length > 0 &&
          Object.values(v).every((x) => typeof x === "object" && x !== null);
        const contexts = findKeys(r.inputs.values, (k) => /securityContext$/i.test(k)).flatMap((c) =>
          perComponent(c.value) ? Object.entries(c.value as Obj).map(([k, v]) => ({ path: `${c.path}.${k}`, value: v })) : [c],
        );
        expect(contexts.length, `${name} sets no security context`).toBeGreaterThan(0);
        for (const { path, value } of contexts) {
          const sc = value as Obj;
          const where = `${name}${path}`;
          if ("capabilities" in sc || "allowPrivilegeEscalation" in sc) {
            expect(sc.allowPrivilegeEscalation, where).toBe(false);
            expect((sc.capabilities as Obj).drop, where).toEqual(["ALL"]);
            expect((sc.capabilities as Obj).add, where).toBeUndefined();
            expect(sc.privileged === true, where).toBe(false);
            expect(sc.readOnlyRootFilesystem, where).toBe(true);
            expect(sc.runAsNonRoot, where).toBe(!nodeAgents.has(name));
          } else {
            expect((sc.seccompProfile as Obj)?.type, where).toBe("RuntimeDefault");
            if (!nodeAgents.has(name)) expect(sc.runAsNonRoot, where).toBe(true);
          }
        }
        expect(findKeys(r.inputs.values, (k) => k === "resources").length, `${name} sets no resources`).toBeGreaterThan(0);
        expect(JSON.stringify(r.inputs.values)).not.toMatch(/"hostNetwork":true|"hostPID":true|"privileged":true/);
      }
    });

    it("labels every namespace with the enforced restricted standard, except the node-agent, mesh and build namespaces", () => {
      for (const r of mine.filter((x) => x.type === "kubernetes:core/v1:Namespace")) {
        const meta = r.inputs.metadata as Obj;
        const labels = meta.labels as Record<string, string>;
        expect(labels["pod-security.kubernetes.io/enforce"], String(meta.name)).toBe(
          meta.name === NAMESPACES.gpu || meta.name === MESH_ROOT_NAMESPACE
            ? "privileged"
            : meta.name === "ml-builds"
              ? "baseline"
              : "restricted",
        );
        expect(labels["pod-security.kubernetes.io/audit"]).toBe("restricted");
        expect(labels["pod-security.kubernetes.io/warn"]).toBe("restricted");
        expect(r.retainOnDelete === true, `${String(meta.name)} retainOnDelete`).toBe(e.protectData);
      }
    });

    it("denies all traffic by default in every namespace and allows only declared flows", () => {
      const policies = mine.filter((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy").map((r) => r.inputs as Obj);
      const namespaces = mine.filter((r) => r.type === "kubernetes:core/v1:Namespace").map((r) => (r.inputs.metadata as Obj).name);
      for (const ns of namespaces) {
        const inNs = policies.filter((p) => (p.metadata as Obj).namespace === ns);
        const deny = inNs.find((p) => (p.metadata as Obj).name === "default-deny")?.spec as Obj;
        expect(deny, `${String(ns)} default-deny`).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
        const base = inNs.find((p) => (p.metadata as Obj).name === "allow-baseline")?.spec as Obj;
        expect(JSON.stringify(base.egress)).toContain('"k8s-app":"kube-dns"');
        // Nothing admits the whole internet.
        expect(JSON.stringify(inNs.map((p) => (p.spec as Obj).ingress ?? []))).not.toContain("0.0.0.0/0");
      }
      const allow = (ns: string) =>
        policies.filter((p) => (p.metadata as Obj).namespace === ns && (p.metadata as Obj).name !== "default-deny");
      // MLflow: the login proxy from the ingress controller; pipelines and serving reach the MLflow gate only
      // (test/plan/mlflow-gate.test.ts evaluates these policies in full).
      const mlflow = JSON.stringify(allow(NAMESPACES.mlflow));
      expect(mlflow).toContain('"port":4180');
      expect(mlflow).toContain('"mlops.platform/pipelines":"true"');
      const scoped = allow(NAMESPACES.mlflow).find(
        (p) => (((p.spec as Obj).podSelector as Obj).matchLabels as Obj | undefined)?.["app.kubernetes.io/name"] === "mlflow-gate",
      )?.spec as Obj;
      expect(JSON.stringify(scoped.ingress)).toContain('"port":8080');
      expect(mlflow).not.toContain('"port":5000');
      // The ingress controller admits private networks only.
      const ing = JSON.stringify(allow(NAMESPACES.ingress).map((p) => (p.spec as Obj).ingress));
      expect(ing).toContain("10.0.0.0/8");
      expect(ing).toContain('"port":8443');
      // Pipelines reach the managed PostgreSQL and Redis only on their ports.
      const pipes = JSON.stringify(allow(NAMESPACES.pipelines).map((p) => (p.spec as Obj).egress));
      expect(pipes).toContain('"port":5432');
      expect(pipes).toContain('"port":6380');
    });

    it("sets quotas and default limits in every namespace, GPUs only where configured", () => {
      const quotas = mine.filter((r) => r.type === "kubernetes:core/v1:ResourceQuota").map((r) => r.inputs as Obj);
      const limits = mine.filter((r) => r.type === "kubernetes:core/v1:LimitRange");
      const namespaces = mine.filter((r) => r.type === "kubernetes:core/v1:Namespace");
      expect(quotas.length).toBe(namespaces.length);
      expect(limits.length).toBe(namespaces.length);
      for (const q of quotas) {
        const hard = (q.spec as Obj).hard as Record<string, string>;
        expect(hard["services.loadbalancer"]).toBe("0");
        const ns = String((q.metadata as Obj).namespace);
        if (![NAMESPACES.pipelines, ...e.teams.map(teamNamespace)].includes(ns)) expect(hard["requests.nvidia.com/gpu"], ns).toBe("0");
      }
    });

    it("signs users in through the configured OIDC issuer with group-based RBAC everywhere", () => {
      const argo = values("argo-workflows").server as Obj;
      expect(argo.authModes).toEqual(["sso", "client"]);
      const sso = argo.sso as Obj;
      expect(sso.enabled).toBe(true);
      expect(sso.issuer).toBe(e.issuer);
      expect((sso.rbac as Obj).enabled).toBe(true);
      expect(sso.insecureSkipVerify).toBe(false);
      const adminSa = mine.find(
        (r) => r.type === "kubernetes:core/v1:ServiceAccount" && (r.inputs.metadata as Obj).name === "argo-sso-admin",
      );
      expect((((adminSa as PlanResource).inputs.metadata as Obj).annotations as Obj)["workflows.argoproj.io/rbac-rule"]).toBe(
        e.adminGroups.map((g) => `'${g}' in groups`).join(" || "),
      );

      const grafana = (values("kube-prometheus-stack").grafana as Obj)["grafana.ini"] as Obj;
      expect((grafana.auth as Obj).disable_login_form).toBe(true);
      expect((grafana["auth.basic"] as Obj).enabled).toBe(false);
      expect((grafana["auth.anonymous"] as Obj).enabled).toBe(false);
      const oauth = grafana["auth.generic_oauth"] as Obj;
      expect(oauth.enabled).toBe(true);
      expect(oauth.role_attribute_strict).toBe(true);
      expect(String(oauth.auth_url).startsWith(e.issuer)).toBe(true);

      const proxy = values("mlflow-auth");
      const args = proxy.extraArgs as string[];
      expect(args).toContain("--provider=oidc");
      expect(args).toContain(`--oidc-issuer-url=${e.issuer}`);
      for (const g of e.adminGroups) expect(args).toContain(`--allowed-group=${g}`);
      expect(args).toContain("--cookie-secure=true");
      // MLflow itself is reachable from the ingress only through the login proxy.
      const mlflowIngress = mine.find(
        (r) => r.type === "kubernetes:networking.k8s.io/v1:Ingress" && (r.inputs.metadata as Obj).namespace === NAMESPACES.mlflow,
      );
      expect(JSON.stringify(mlflowIngress?.inputs.spec)).toContain('"name":"mlflow-auth-oauth2-proxy"');
    });

    it("binds each team's identity-provider groups to its namespace only", () => {
      for (const team of e.teams) {
        const rb = mine.find(
          (r) =>
            r.type === "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding" &&
            (r.inputs.metadata as Obj).namespace === teamNamespace(team) &&
            (r.inputs.metadata as Obj).name === "team-members",
        );
        expect(rb, team).toBeDefined();
        expect(((rb as PlanResource).inputs.roleRef as Obj).kind).toBe("ClusterRole");
        expect(JSON.stringify(rb?.inputs.subjects)).toContain('"kind":"Group"');
      }
      // The only ClusterRoleBinding naming team groups lets them read the platform's cluster templates, nothing else.
      for (const r of mine.filter((x) => x.type === "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding")) {
        if (!JSON.stringify(r.inputs.subjects).includes('"kind":"Group"')) continue;
        expect((r.inputs.metadata as Obj).name).toBe("mlops-team-template-readers");
        expect((r.inputs.roleRef as Obj).name).toBe("mlops-cluster-template-reader");
        const role = mine.find(
          (x) =>
            x.type === "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole" &&
            (x.inputs.metadata as Obj).name === "mlops-cluster-template-reader",
        );
        expect(role?.inputs.rules).toEqual([
          { apiGroups: ["argoproj.io"], resources: ["clusterworkflowtemplates"], verbs: ["get", "list", "watch"] },
        ]);
      }
    });

    it("binds the platform and pipeline service accounts to their workload identities", () => {
      const annotationKey = e.cloud === "aws" ? "eks.amazonaws.com/role-arn" : "azure.workload.identity/client-id";
      const sas = mine.filter((r) => r.type === "kubernetes:core/v1:ServiceAccount");
      for (const ns of [NAMESPACES.pipelines, ...e.teams.map(teamNamespace)]) {
        for (const name of Object.values(PIPELINE_SERVICE_ACCOUNTS)) {
          const sa = sas.find((r) => (r.inputs.metadata as Obj).namespace === ns && (r.inputs.metadata as Obj).name === name);
          expect(((sa?.inputs.metadata as Obj)?.annotations as Obj)?.[annotationKey], `${ns}/${name}`).toBeDefined();
        }
      }
      expect(((values("mlflow").serviceAccount as Obj).annotations as Obj)[annotationKey]).toBeDefined();
      expect((values("mlflow").serviceAccount as Obj).name).toBe(SERVICE_ACCOUNTS.mlflow);
      expect(((values("argo-workflows").controller as Obj).serviceAccount as Obj).name).toBe(SERVICE_ACCOUNTS.argoController);
      expect(((values("argo-workflows").server as Obj).serviceAccount as Obj).name).toBe(SERVICE_ACCOUNTS.argoServer);
      // Workflow pods (platform and teams) receive their account's identity: on Azure only a pod
      // that carries the label gets it, so every workflow's pods carry it by default.
      const defaults = (values("argo-workflows").controller as Obj).workflowDefaults as { spec: Obj };
      if (e.cloud === "azure") {
        expect((values("mlflow").extraPodLabels as Obj)["azure.workload.identity/use"]).toBe("true");
        expect(defaults.spec.podMetadata).toEqual({ labels: { "azure.workload.identity/use": "true" } });
      } else {
        expect(defaults.spec.podMetadata).toBeUndefined();
      }
    });

    it("keeps the archive and registry on PostgreSQL over TLS and the online store on Redis over TLS", () => {
      const pg = ((values("argo-workflows").controller as Obj).persistence as Obj).postgresql as Obj;
      expect(pg.ssl).toBe(true);
      expect(["require", "verify-full"]).toContain(pg.sslMode);
      expect(["require", "verify-full"]).toContain((values("mlflow").extraEnvVars as Obj).PGSSLMODE);
      const feastConfig = mine.filter(
        (r) => r.type === "kubernetes:core/v1:Secret" && (r.inputs.metadata as Obj).name === "feast-feature-store",
      );
      expect(feastConfig.length).toBe(2);
      for (const s of feastConfig) expect(isSecret(s.inputs.stringData) || s.inputs.stringData === UNKNOWN).toBe(true);
    });

    it("puts workflow artifacts in the encrypted bucket through workload identity, one prefix per namespace", () => {
      const repos = mine.filter(
        (r) => r.type === "kubernetes:core/v1:ConfigMap" && (r.inputs.metadata as Obj).name === "artifact-repositories",
      );
      expect(repos.length).toBe(1 + e.teams.length);
      for (const r of repos) {
        const ns = String((r.inputs.metadata as Obj).namespace);
        const text = String((r.inputs.data as Obj)["default-v1"]);
        if (text === UNKNOWN) continue;
        expect(text).toContain("useSDKCreds: true");
        expect(text).toContain(`pipelines/${ns}/`);
        expect(text).toContain(e.cloud === "aws" ? "s3:" : "azure:");
        expect(text).not.toMatch(/accessKeySecret|secretKeySecret|accountKeySecret/);
      }
      expect(values("argo-workflows").useStaticCredentials).toBe(false);
    });

    it("contains no static cloud credential anywhere in the plan", () => {
      const text = JSON.stringify(plan.resources.map((r) => ({ i: r.inputs, o: r.outputs })));
      for (const p of STATIC_CREDENTIAL_PATTERNS) expect(text, String(p)).not.toMatch(p);
      for (const r of mine.filter((x) => x.type === "kubernetes:core/v1:Secret" && x.inputs.type === "Opaque")) {
        expect(isSecret(r.inputs.stringData) || r.inputs.stringData === UNKNOWN, r.urn).toBe(true);
      }
    });

    it("publishes nothing: ClusterIP services, one internal load balancer, TLS on every ingress", () => {
      for (const r of mine.filter((x) => x.type === "kubernetes:core/v1:Service")) expect((r.inputs.spec as Obj).type).toBe("ClusterIP");
      for (const r of releases()) {
        const lbs = findKeys(r.inputs.values, (k) => k === "type" || k === "serviceType").filter(
          (x) => x.value === "LoadBalancer" || x.value === "NodePort",
        );
        if (r.inputs.name === "traefik") {
          expect(lbs.map((x) => x.path)).toEqual([".service.type"]);
          expect(Object.keys(((r.inputs.values as Obj).service as Obj).annotations as Obj).length).toBeGreaterThan(0);
        } else expect(lbs, String(r.inputs.name)).toEqual([]);
      }
      for (const r of mine.filter((x) => x.type === "kubernetes:networking.k8s.io/v1:Ingress")) {
        const spec = r.inputs.spec as Obj;
        expect(spec.ingressClassName).toBe("internal");
        const hosts = (spec.rules as Obj[]).map((x) => x.host);
        expect(((spec.tls as Obj[])[0] as Obj).hosts).toEqual(hosts);
      }
    });

    it("installs the pipeline templates once, cluster-wide (no team copy), the CronWorkflows in the pipelines namespace, after the CRDs", () => {
      const wf = mine.filter(
        (r) =>
          r.type === "kubernetes:argoproj.io/v1alpha1:WorkflowTemplate" ||
          r.type === "kubernetes:argoproj.io/v1alpha1:ClusterWorkflowTemplate" ||
          r.type === "kubernetes:argoproj.io/v1alpha1:CronWorkflow",
      );
      const where = (kind: string) => wf.filter((r) => r.type.endsWith(`:${kind}`)).map((r) => (r.inputs.metadata as Obj).namespace);
      expect(where("WorkflowTemplate")).toEqual([]);
      expect(where("ClusterWorkflowTemplate")).toEqual([undefined, undefined, undefined]);
      expect(where("CronWorkflow").every((n) => n === NAMESPACES.pipelines)).toBe(true);
      const settings = mine.filter(
        (r) => r.type === "kubernetes:core/v1:ConfigMap" && (r.inputs.metadata as Obj).name === "mlops-pipeline-settings",
      );
      expect(settings.length).toBe(1 + e.teams.length);
      for (const r of wf) expect(r.dependencies).toContain(release("argo-workflows").urn);
    });

    it("authenticates Feast callers by their service-account token and names who may write or read", () => {
      const roleBindings = mine.filter(
        (r) =>
          r.type === "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding" && (r.inputs.metadata as Obj).namespace === NAMESPACES.feast,
      );
      const subjects = (name: string) =>
        ((roleBindings.find((r) => (r.inputs.metadata as Obj).name === name)?.inputs.subjects as Obj[]) ?? []).map(
          (s) => `${String(s.namespace)}/${String(s.name)}`,
        );
      for (const ns of [NAMESPACES.pipelines, ...e.teams.map(teamNamespace)])
        expect(subjects("feast-writer")).toContain(`${ns}/${PIPELINE_SERVICE_ACCOUNTS.data}`);
      expect(subjects("feast-reader")).toContain(`${NAMESPACES.serving}/${SERVICE_ACCOUNTS.serving}`);
      expect(subjects("feast-writer")).not.toContain(`${NAMESPACES.serving}/${SERVICE_ACCOUNTS.serving}`);
      const review = mine.find(
        (r) =>
          r.type === "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole" &&
          (r.inputs.metadata as Obj).name === "mlops-feast-token-review",
      );
      expect(review?.inputs.rules).toEqual([{ apiGroups: ["authentication.k8s.io"], resources: ["tokenreviews"], verbs: ["create"] }]);
    });

    it("gives the deploy step only what it needs: read and submit workflows in its namespace, patch serving Rollouts from ml-pipelines only", () => {
      const bindings = mine.filter((r) => r.type === "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding").map((r) => r.inputs as Obj);
      for (const ns of [NAMESPACES.pipelines, ...e.teams.map(teamNamespace)]) {
        const approval = bindings.find(
          (b) => (b.metadata as Obj).namespace === ns && (b.metadata as Obj).name === "pipeline-deploy-workflows",
        );
        expect((approval?.subjects as Obj[]) ?? []).toEqual([
          { kind: "ServiceAccount", name: PIPELINE_SERVICE_ACCOUNTS.deploy, namespace: ns },
        ]);
      }
      const deployers = bindings.filter((b) => (b.roleRef as Obj).name === "mlops-pipeline-deployer");
      expect(deployers.map((b) => (b.metadata as Obj).namespace)).toEqual([NAMESPACES.serving]);
      expect(deployers.flatMap((b) => (b.subjects as Obj[]).map((s) => s.namespace))).toEqual([NAMESPACES.pipelines]);
      const roles = mine.filter((r) => r.type === "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole").map((r) => r.inputs as Obj);
      // Least privilege: get (approval check) and create (retraining) on workflows, nothing else, no wildcard.
      const deployRole = roles.find((r) => (r.metadata as Obj).name === "mlops-pipeline-deploy-workflows");
      expect(deployRole?.rules).toEqual([{ apiGroups: ["argoproj.io"], resources: ["workflows"], verbs: ["get", "create"] }]);
      const deployBindings = bindings.filter((b) => ((b.subjects as Obj[]) ?? []).some((s) => s.name === PIPELINE_SERVICE_ACCOUNTS.deploy));
      // Bound by RoleBindings only (its own namespace), never a ClusterRoleBinding.
      expect(new Set(deployBindings.map((b) => (b.roleRef as Obj).name))).toEqual(
        new Set([
          "mlops-pipeline-executor",
          "mlops-pipeline-deploy-workflows",
          "mlops-pipeline-deployer",
          // The build step launches builder Jobs in ml-builds (when a model builds from its repository).
          ...(mine.some((r) => r.type === "kubernetes:core/v1:Namespace" && (r.inputs.metadata as Obj).name === "ml-builds")
            ? ["image-build-launcher"]
            : []),
        ]),
      );
      // The launcher's Role lives in ml-builds only: its Jobs and reading their pods, nothing else.
      for (const r of mine.filter(
        (x) => x.type === "kubernetes:rbac.authorization.k8s.io/v1:Role" && (x.inputs.metadata as Obj).name === "image-build-launcher",
      )) {
        expect((r.inputs.metadata as Obj).namespace).toBe("ml-builds");
        expect(JSON.stringify(r.inputs.rules)).not.toMatch(/"\*"|secrets|pods\/exec/);
      }
      const clusterBindings = mine.filter((r) => r.type === "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding");
      expect(
        clusterBindings.filter((b) =>
          (((b.inputs as Obj).subjects as Obj[]) ?? []).some((s) => s.name === PIPELINE_SERVICE_ACCOUNTS.deploy),
        ),
      ).toEqual([]);
    });

    it("serves each configured model version with its strategy, analysis and automatic rollback", () => {
      const rollouts = mine.filter((r) => r.type === "kubernetes:argoproj.io/v1alpha1:Rollout");
      expect(rollouts.map((r) => (r.inputs.metadata as Obj).name).sort()).toEqual(e.models.map((m) => m.name).sort());
      for (const m of e.models) {
        const spec = rollouts.find((r) => (r.inputs.metadata as Obj).name === m.name)?.inputs.spec as Obj;
        const container = (((spec.template as Obj).spec as Obj).containers as Obj[])[0] as Obj;
        expect(container.args).toContain(`models:/${m.registeredModel}/${m.version}`);
        const strategy = spec.strategy as Obj;
        const templates = mine
          .filter((r) => r.type === "kubernetes:argoproj.io/v1alpha1:AnalysisTemplate")
          .map((r) => (r.inputs.metadata as Obj).name);
        const used = (a: unknown) => ((a as Obj).templates as Obj[]).map((t) => t.templateName);
        if (m.strategy === "blueGreen") {
          const bg = strategy.blueGreen as Obj;
          expect(bg.previewService).toBe(`${m.name}-preview`);
          expect(used(bg.prePromotionAnalysis)).toEqual([`${m.name}-pre-promotion`]);
          expect(used(bg.postPromotionAnalysis)).toEqual([`${m.name}-post-promotion`]);
          expect(templates).toEqual(expect.arrayContaining([`${m.name}-pre-promotion`, `${m.name}-post-promotion`]));
          expect(bg.abortScaleDownDelaySeconds).toBeGreaterThan(0);
        } else {
          const canary = strategy.canary as Obj;
          expect((canary.steps as Obj[]).filter((s) => "setWeight" in s).length).toBeGreaterThan(0);
          expect(used(canary.analysis)).toEqual([`${m.name}-ab`]);
          expect(templates).toContain(`${m.name}-ab`);
          // The weighted TraefikService Argo Rollouts drives exists, and the IngressRoute sends the host to it.
          const weighted = (canary.trafficRouting as Obj & { traefik: Obj }).traefik.weightedTraefikServiceName;
          const ts = mine.find(
            (r) => r.type === "kubernetes:traefik.io/v1alpha1:TraefikService" && (r.inputs.metadata as Obj).name === weighted,
          );
          expect(ts, String(weighted)).toBeDefined();
          const route = mine.find(
            (r) => r.type === "kubernetes:traefik.io/v1alpha1:IngressRoute" && (r.inputs.metadata as Obj).name === m.name,
          );
          const services = (((route as PlanResource).inputs.spec as Obj).routes as Obj[]).flatMap((x) =>
            (x.services as Obj[]).map((y) => y.name),
          );
          expect(services).toEqual(expect.arrayContaining([weighted, `${m.name}-canary`, `${m.name}-stable`]));
        }
      }
      for (const m of e.models)
        expect((plan.outputs.modelEndpoints as Obj)[m.name]).toBe(`https://${m.name}.models.${e.stack}.mlops.internal`);
    });

    it("scales every served model's Rollout with a ScaledObject, keeps it available with a PodDisruptionBudget, and charts it", () => {
      const rollouts = mine.filter((r) => r.type === "kubernetes:argoproj.io/v1alpha1:Rollout");
      const named = (type: string, name: string) =>
        mine.filter(
          (r) => r.type === type && (r.inputs.metadata as Obj).name === name && (r.inputs.metadata as Obj).namespace === "serving",
        );
      for (const r of rollouts) {
        const name = String((r.inputs.metadata as Obj).name);
        const [so] = named("kubernetes:keda.sh/v1alpha1:ScaledObject", name);
        const spec = (so as PlanResource).inputs.spec as Obj;
        expect(spec.scaleTargetRef, name).toEqual({ apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", name });
        expect(Number(spec.minReplicaCount)).toBeLessThanOrEqual(Number(spec.maxReplicaCount));
        expect(so?.dependencies).toContain(r.urn);
        const [pdb] = named("kubernetes:policy/v1:PodDisruptionBudget", name);
        expect((((pdb as PlanResource).inputs.spec as Obj).selector as Obj).matchLabels).toEqual(
          ((r.inputs.spec as Obj).selector as Obj).matchLabels,
        );
        const [dash] = named("kubernetes:core/v1:ConfigMap", `${name}-dashboard`);
        expect(((dash as PlanResource).inputs.metadata as Obj).labels).toMatchObject({ grafana_dashboard: "1" });
        expect(JSON.parse(String(Object.values(dash?.inputs.data as Obj)[0])).title).toContain(name);
      }
      expect(rollouts.length).toBe(e.models.length);
    });

    it("alerts on model errors and latency, drift, GPU use, failed pipelines and certificate expiry", () => {
      const rule = mine.find(
        (r) => r.type === "kubernetes:monitoring.coreos.com/v1:PrometheusRule" && (r.inputs.metadata as Obj).name === "mlops-platform",
      );
      const alerts = (((rule as PlanResource).inputs.spec as Obj).groups as Obj[]).flatMap((g) => (g.rules as Obj[]).map((x) => x.alert));
      expect(alerts).toEqual(
        expect.arrayContaining([
          "ModelHighErrorRate",
          "ModelHighLatency",
          "FeatureDriftDetected",
          "GpuIdle",
          "PipelineRunFailed",
          "CertificateExpiringSoon",
        ]),
      );
    });

    it("exports the internal URLs of the services", () => {
      const urls = plan.outputs.urls as Record<string, string>;
      for (const key of ["mlflow", "argo", "grafana", "featureServer"])
        expect(urls[key]).toMatch(new RegExp(`^https://[a-z]+\\.${e.stack}\\.mlops\\.internal$`));
    });
  });
}
