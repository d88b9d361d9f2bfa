/** Pure helpers of the Kubernetes platform services: values, specs and argument checks, without Pulumi. */

import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { argoEventsProblems, dataUriTemplate, sensorSpec } from "../../../components/k8s/argo-events";
import { argoWorkflowsProblems, artifactRepositoryConfig, groupRule } from "../../../components/k8s/argo-workflows";
import { disruptionBudgetSpec, scaledObjectSpec, servingQuota } from "../../../components/k8s/autoscaling";
import { feastProblems, featureStoreYaml } from "../../../components/k8s/feast";
import { dcgmExporterValues, devicePluginValues, GPU_TOLERATION } from "../../../components/k8s/gpu";
import { internalIngressProblems, traefikValues } from "../../../components/k8s/ingress";
import { alertRuleGroups, grafanaRoleAttributePath } from "../../../components/k8s/monitoring";
import { flows, namespaceArgsProblems, networkPolicySpecs, quotaHard } from "../../../components/k8s/namespace";
import {
  podSecurityLabels,
  resources,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from "../../../components/k8s/security";
import {
  analysisTemplateSpecs,
  canaryRouting,
  modelDashboard,
  modelSloAlerts,
  rolloutSpec,
  type ServedModelSpec,
  servingProblems,
  VARIANT_HEADER,
  variantRecordingRules,
} from "../../../components/k8s/serving";
import { dexConfig, oidcEndpoints } from "../../../components/k8s/sso";
import { teamProblems } from "../../../components/k8s/team";
import { CHARTS, IMAGES, imageRef, splitRegistry } from "../../../contracts/versions";
import { measurementPhase, metricVerdict } from "../../support/argo-analysis";

type Obj = Record<string, unknown>;

describe("versions", () => {
  it("pins every chart to an exact version of an https (or, for OCI-only charts, oci) repository", () => {
    for (const [key, c] of Object.entries(CHARTS)) {
      expect(c.version, key).toMatch(/^v?\d+\.\d+\.\d+$/);
      expect(c.repo, key).toMatch(/^(https|oci):\/\/[a-z0-9.-]+(\/|$)/);
    }
  });
  it("pins every image to a fixed tag, never latest", () => {
    for (const [key, i] of Object.entries(IMAGES)) {
      expect(i.tag, key).not.toBe("latest");
      expect(i.tag, key).toMatch(/^(sha256:[a-f0-9]{64}|[A-Za-z0-9_.-]+)$/);
      expect(i.repository.split("/")[0], key).toMatch(/\./);
    }
  });
  it("renders tags and digests and splits registries", () => {
    expect(imageRef({ repository: "quay.io/a/b", tag: "v1" })).toBe("quay.io/a/b:v1");
    expect(imageRef({ repository: "quay.io/a/b", tag: `sha256:${"a".repeat(64)}` })).toBe(`quay.io/a/b@sha256:${"a".repeat(64)}`);
    expect(splitRegistry({ repository: "quay.io/argoproj/argocli", tag: "x" })).toEqual({
      registry: "quay.io",
      repository: "argoproj/argocli",
    });
  });
});

describe("security presets", () => {
  it("is the restricted standard with a read-only root filesystem", () => {
    expect(restrictedContainerSecurityContext()).toEqual({
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(restrictedPodSecurityContext(1001)).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1001,
      seccompProfile: { type: "RuntimeDefault" },
    });
  });
  it("labels namespaces to enforce a level and always audit and warn at restricted", () => {
    expect(podSecurityLabels("privileged")).toMatchObject({
      "pod-security.kubernetes.io/enforce": "privileged",
      "pod-security.kubernetes.io/audit": "restricted",
      "pod-security.kubernetes.io/warn": "restricted",
    });
  });
  it("returns fresh resource objects with memory limits equal to requests", () => {
    const a = resources("small");
    expect(a).not.toBe(resources("small"));
    expect(a.limits.memory).toBe(a.requests.memory);
  });
});

describe("namespace baseline", () => {
  const specs = networkPolicySpecs({
    ingress: [
      flows.namespace("ingress", "ingress", [8080]),
      { description: "scoped", peers: [{ namespace: "x" }], ports: [{ port: 5000 }], podLabels: { app: "mlflow" } },
    ],
    egress: [flows.postgres("10.0.0.0/16"), flows.cloudApis()],
  });
  it("denies everything first, then allows DNS, same-namespace traffic and the declared flows", () => {
    expect(specs[0]).toEqual({ name: "default-deny", spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } });
    const base = specs[1]?.spec as Obj;
    expect(JSON.stringify(base.egress)).toContain('"k8s-app":"kube-dns"');
    expect(JSON.stringify(base.egress)).toContain('"port":5432');
    expect(JSON.stringify(base.ingress)).toContain('"kubernetes.io/metadata.name":"ingress"');
    expect(JSON.stringify(base.ingress)).not.toContain('"port":5000');
  });
  it("gives flows limited to some pods their own policy selecting those pods", () => {
    expect(specs[2]?.spec).toEqual({
      podSelector: { matchLabels: { app: "mlflow" } },
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "x" } } }],
          ports: [{ port: 5000, protocol: "TCP" }],
        },
        // In the mesh the same peers arrive as HBONE (mesh.test.ts).
        {
          from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "x" } } }],
          ports: [{ port: 15008, protocol: "TCP" }],
        },
      ],
    });
  });
  it("forbids load balancers and node ports through the quota", () => {
    expect(quotaHard({ cpu: 4, memoryGiB: 8, gpu: 0 })).toMatchObject({
      "requests.cpu": "4",
      "requests.memory": "8Gi",
      "requests.nvidia.com/gpu": "0",
      "services.loadbalancer": "0",
      "services.nodeports": "0",
    });
  });
  it("refuses a bad name, bad quotas and an ingress open to the internet, naming each", () => {
    const problems = namespaceArgsProblems({
      name: "Bad_Name",
      quota: { cpu: 0, memoryGiB: -1, gpu: 1.5 },
      ingress: [{ description: "world", peers: [{ cidr: "0.0.0.0/0" }] }],
      egress: [],
    });
    expect(problems.join("\n")).toMatch(/name: "Bad_Name" is not a DNS label/);
    expect(problems.join("\n")).toMatch(/quota.cpu: 0/);
    expect(problems.join("\n")).toMatch(/quota.memoryGiB: -1/);
    expect(problems.join("\n")).toMatch(/quota.gpu: 1.5/);
    expect(problems.join("\n")).toMatch(/ingress "world": 0.0.0.0\/0 would admit any source/);
  });
});

describe("SSO", () => {
  it("knows the endpoints of Keycloak, Entra ID, Okta and Dex issuers", () => {
    expect(oidcEndpoints("https://sso.example.ae/realms/mlops").authUrl).toBe(
      "https://sso.example.ae/realms/mlops/protocol/openid-connect/auth",
    );
    expect(oidcEndpoints("https://login.microsoftonline.com/tid/v2.0").tokenUrl).toBe(
      "https://login.microsoftonline.com/tid/oauth2/v2.0/token",
    );
    expect(oidcEndpoints("https://acme.okta.com/oauth2/default").authUrl).toBe("https://acme.okta.com/oauth2/default/v1/authorize");
    expect(oidcEndpoints("https://dex.dev.mlops.internal").userInfoUrl).toBe("https://dex.dev.mlops.internal/userinfo");
  });
  it("refuses an unknown or plain-http issuer, naming the key and the fix", () => {
    expect(() => oidcEndpoints("https://idp.example.com/")).toThrow(
      /identity.oidcIssuerUrl: "https:\/\/idp.example.com\/" is not an issuer .* bridge the provider through Dex/,
    );
    expect(() => oidcEndpoints("http://sso.example.ae/realms/x")).toThrow(/must use https/);
  });
  it("bridges LDAP over LDAPS with the bind password from the environment, never inline", () => {
    const cfg = dexConfig({
      issuerUrl: "https://dex.x.internal",
      clientId: "c",
      redirectUris: ["https://argo.x/oauth2/callback"],
      ldap: { host: "ldap.corp:636", bindDn: "cn=svc", userBaseDn: "ou=u", groupBaseDn: "ou=g" },
    });
    const ldap = ((cfg.connectors as Obj[])[0] as Obj).config as Obj;
    expect(ldap.insecureNoSSL).toBe(false);
    expect(ldap.insecureSkipVerify).toBe(false);
    expect(ldap.bindPW).toBe("$LDAP_BIND_PASSWORD");
    expect(((cfg.staticClients as Obj[])[0] as Obj).secretEnv).toBe("DEX_CLIENT_SECRET");
    expect(JSON.stringify(cfg)).not.toMatch(/"secret":/);
  });
  it("maps groups onto Argo and Grafana roles, quoting group names", () => {
    expect(groupRule(["a", "b'c"])).toBe("'a' in groups || 'b\\'c' in groups");
    expect(grafanaRoleAttributePath(["adm"], ["v1", "v2"])).toBe(
      "(contains(groups[*], 'adm')) && 'Admin' || (contains(groups[*], 'v1') || contains(groups[*], 'v2')) && 'Viewer'",
    );
  });
});

describe("Argo Workflows", () => {
  it("writes an S3 artifact repository reached with the pod's identity, encrypted, under the namespace prefix", () => {
    const repo = parse(
      artifactRepositoryConfig(
        { cloud: "aws", bucket: "b", endpoint: "s3.me-central-1.amazonaws.com", region: "me-central-1" },
        "pipelines/team-a/",
      ),
    );
    expect(repo.s3).toMatchObject({ bucket: "b", useSDKCreds: true, insecure: false, encryptionOptions: { enableEncryption: true } });
    expect(repo.s3.keyFormat.startsWith("pipelines/team-a/")).toBe(true);
    expect(repo.s3.accessKeySecret).toBeUndefined();
  });
  it("writes an Azure Blob artifact repository with workload identity", () => {
    const repo = parse(
      artifactRepositoryConfig(
        { cloud: "azure", container: "artifacts", accountName: "acct", endpoint: "acct.blob.core.windows.net" },
        "pipelines/ml-pipelines/",
      ),
    );
    expect(repo.azure).toMatchObject({ endpoint: "https://acct.blob.core.windows.net", container: "artifacts", useSDKCreds: true });
    expect(repo.azure.blobNameFormat.startsWith("pipelines/ml-pipelines/")).toBe(true);
    expect(repo.azure.accountKeySecret).toBeUndefined();
  });
  it("refuses an archive database without TLS", () => {
    const problems = argoWorkflowsProblems({
      namespace: "argo",
      pipelineNamespaces: [],
      database: { sslMode: "disable" } as never,
      sso: {} as never,
      host: "argo.x",
      replicas: 0,
      identity: {} as never,
      archiveTtlDays: 0,
      dependsOn: [],
    });
    expect(problems.join("\n")).toMatch(/database.sslMode: "disable" must be "require" or "verify-full"/);
    expect(problems.join("\n")).toMatch(/pipelineNamespaces: \[\]/);
    expect(problems.join("\n")).toMatch(/replicas: 0/);
  });
});

describe("Argo Events", () => {
  it("turns S3 notifications and Event Grid blob events into data URIs", () => {
    expect(dataUriTemplate("sqs")).toContain("s3://{{ (index .Input.body.Records 0).s3.bucket.name }}/");
    expect(dataUriTemplate("azure-storage-queue")).toContain('"abfss://$2@$1.dfs.core.windows.net/$3"');
  });
  it("retrains the model whose data arrived on the data URI of the event", () => {
    const spec = sensorSpec(
      { dataEvents: { kind: "sqs" } as never, pipelinesNamespaceName: "ml-pipelines", retrainModels: ["m"] },
      "s3://d/platform/latest/",
      {},
    );
    const data = (spec.triggers as Obj[])[0] as Obj;
    const k8s = (data.template as Obj).k8s as Obj;
    expect(((k8s.parameters as Obj[])[0] as Obj).dest).toBe("spec.arguments.parameters.0.value");
    const wf = (k8s.source as Obj).resource as Obj;
    expect(((wf.spec as Obj).arguments as Obj).parameters).toEqual([
      { name: "data-uri", value: "s3://d/platform/latest/" },
      { name: "reason", value: "data-m" },
    ]);
  });
  it("refuses a schedule that is not a 5-field cron", () => {
    expect(argoEventsProblems({ schedule: "every night", serviceAccountName: "sa", retrainModels: [] } as never)).toEqual([
      'schedule: "every night" must be a 5-field cron expression, e.g. "0 2 * * *"',
    ]);
  });
});

describe("Feast", () => {
  const yaml = parse(
    featureStoreYaml({
      project: "p",
      database: { host: "db", port: 5432, database: "feast", username: "u", password: "p@ss/word", sslMode: "require" },
      cache: { host: "redis", port: 6380, password: "tok" },
      offlineUri: "s3://features",
    }),
  );
  it("keeps the registry in PostgreSQL over TLS, with the password URL-encoded", () => {
    expect(yaml.registry.registry_type).toBe("sql");
    expect(yaml.registry.path).toBe("postgresql+psycopg://u:p%40ss%2Fword@db:5432/feast?sslmode=require");
  });
  it("reaches Redis over TLS with auth and authenticates callers with their Kubernetes tokens", () => {
    expect(yaml.online_store.connection_string).toBe("redis:6380,ssl=true,password=tok");
    expect(yaml.auth).toEqual({ type: "kubernetes" });
  });
  it("refuses a cache without TLS", () => {
    expect(feastProblems({ cache: { tls: false }, database: { sslMode: "require" }, replicas: 1 } as never)).toEqual([
      "cache.tls: false must be true: the online store only speaks TLS",
    ]);
  });
});

describe("serving", () => {
  const ctx = {
    trackingUri: "http://mlflow",
    serviceAccountName: "model-server",
    podLabels: {},
    nodeSelector: { "mlops.platform/pool": "cpu-inference" },
    defaultImage: "reg.example/serving:mlflow-3.15.1",
  };
  const bg: ServedModelSpec = {
    name: "m",
    team: "fraud",
    registeredModel: "reg",
    version: 3,
    strategy: "blueGreen",
    weights: [10],
    slo: { p95LatencyMs: 300, errorRate: 0.01 },
    autoscaling: { minReplicas: 2, maxReplicas: 6, targetRequestsPerSecond: 20 },
  };
  const ab: ServedModelSpec = {
    ...bg,
    name: "ab",
    strategy: "canary",
    weights: [10, 50],
    slo: {
      ...bg.slo,
      businessMetric: { name: "approvals", query: 'sum(rate(x_total{variant="{{variant}}"}[5m]))', direction: "higher", tolerance: 0.05 },
    },
  };
  const actx = {
    namespace: "serving",
    prometheusUrl: "http://prom:9090",
    smokeImage: "reg.example/serving:mlflow-3.15.1",
    serviceAccountName: "model-server",
    podLabels: {},
    trackingUri: "http://mlflow",
    previewHost: "m-preview.models.dev.mlops.internal",
    ingressHost: "traefik.ingress.svc.cluster.local",
  };
  const metricsOf = (spec: Obj) => spec.metrics as Obj[];
  type Metric = Obj & {
    successCondition?: string;
    failureCondition?: string;
    count?: number;
    failureLimit?: number;
    inconclusiveLimit?: number;
  };
  const metric = (spec: Obj, name: string) => metricsOf(spec).find((m) => m.name === name) as Metric;

  it("serves the registry version; blue-green promotes after the pre-promotion analysis and rolls back after the post-promotion one", () => {
    const spec = rolloutSpec(bg, ctx);
    const strategy = (spec.strategy as Obj).blueGreen as Obj;
    expect(strategy.activeService).toBe("m");
    expect(strategy.previewService).toBe("m-preview");
    expect(strategy.prePromotionAnalysis).toEqual({ templates: [{ templateName: "m-pre-promotion" }] });
    expect(strategy.postPromotionAnalysis).toEqual({ templates: [{ templateName: "m-post-promotion" }] });
    // The old version must still run while the post-promotion analysis can fail (5 × 1m).
    expect(strategy.scaleDownDelaySeconds).toBeGreaterThan(5 * 60);
    expect(spec.replicas, "replicas are the ScaledObject's").toBeUndefined();
    const container = (((spec.template as Obj).spec as Obj).containers as Obj[])[0] as Obj;
    expect(container.args).toContain("models:/reg/3");
    // The model server presents its own projected token (audience mlflow) to the MLflow gate; "$@" keeps the arguments.
    expect(container.command).toEqual([
      "/bin/sh",
      "-c",
      'MLFLOW_TRACKING_TOKEN="$(cat /var/run/secrets/mlflow/token)" exec mlflow models serve "$@"',
      "mlflow-serve",
    ]);
    expect(((spec.template as Obj).spec as Obj).volumes).toContainEqual({
      name: "mlflow-token",
      projected: { sources: [{ serviceAccountToken: { audience: "mlflow", expirationSeconds: 3600, path: "token" } }] },
    });
    expect(container.image).toBe("reg.example/serving:mlflow-3.15.1");
    const own = (
      ((rolloutSpec({ ...bg, image: "reg.example/models/m:1.2.0" }, ctx).template as Obj).spec as Obj).containers as Obj[]
    )[0] as Obj;
    expect(own.image).toBe("reg.example/models/m:1.2.0");
  });
  it("behind the capture proxy, the model server listens on 127.0.0.1 only and is probed through the proxy", () => {
    const capture = { image: "reg.example/steps:0.1.0", uri: "s3://artifacts/capture/", region: "me-central-1" };
    const containers = ((rolloutSpec(bg, { ...ctx, capture }).template as Obj).spec as Obj).containers as Obj[];
    const [server, proxy] = containers as [Obj, Obj];
    const args = server.args as string[];
    expect(args[args.indexOf("-h") + 1]).toBe("127.0.0.1");
    expect(args[args.indexOf("-p") + 1]).toBe("8081");
    expect(server.ports, "no pod port: the server is reachable only through the proxy").toBeUndefined();
    expect((server.readinessProbe as Obj).httpGet).toEqual({ path: "/ping", port: "http" });
    expect((server.livenessProbe as Obj).httpGet).toEqual({ path: "/health", port: "http" });
    expect(proxy.name).toBe("capture");
    expect(proxy.ports).toEqual([{ name: "http", containerPort: 8080 }]);
    // Without capture the model server owns the pod's http port on every interface.
    const alone = (((rolloutSpec(bg, ctx).template as Obj).spec as Obj).containers as Obj[])[0] as Obj;
    expect((alone.args as string[])[(alone.args as string[]).indexOf("-h") + 1]).toBe("0.0.0.0");
    expect(alone.ports).toEqual([{ name: "http", containerPort: 8080 }]);
  });
  it("turns a version change into a new pod template (the promotion or rollback)", () => {
    const a = JSON.stringify(rolloutSpec(bg, ctx).template);
    const b = JSON.stringify(rolloutSpec({ ...bg, version: 2 }, ctx).template);
    expect(a).not.toBe(b);
    expect(b).toContain("models:/reg/2");
  });
  it("splits canary traffic through Traefik by weight, and by the variant header", () => {
    const canary = (rolloutSpec(ab, ctx).strategy as Obj).canary as Obj;
    expect(canary.trafficRouting).toEqual({ traefik: { weightedTraefikServiceName: "ab-weighted" } });
    expect(canary.steps).toEqual([{ setWeight: 10 }, { pause: { duration: "5m" } }, { setWeight: 50 }, { pause: { duration: "5m" } }]);
    expect(canary.canaryMetadata).toEqual({ labels: { "mlops.platform/variant": "canary" } });
    expect(canary.stableMetadata).toEqual({ labels: { "mlops.platform/variant": "stable" } });
    expect(canary.analysis).toEqual({ templates: [{ templateName: "ab-ab" }], startingStep: 1 });
    const { ingressRoute, weighted } = canaryRouting(ab, "ab.models.x");
    const routes = ingressRoute.routes as Obj[];
    expect(routes[0]).toMatchObject({
      match: `Host(\`ab.models.x\`) && Header(\`${VARIANT_HEADER}\`, \`canary\`)`,
      services: [{ name: "ab-canary", port: 8080 }],
    });
    expect(routes[1]).toMatchObject({ services: [{ name: "ab-stable", port: 8080 }] });
    // The header routes win over the weighted split.
    expect(Number(routes[0]?.priority)).toBeGreaterThan(Number(routes[2]?.priority));
    expect(routes[2]).toMatchObject({ match: "Host(`ab.models.x`)", services: [{ name: "ab-weighted", kind: "TraefikService" }] });
    expect(((weighted.weighted as Obj).services as Obj[]).map((x) => [x.name, x.weight])).toEqual([
      ["ab-stable", 100],
      ["ab-canary", 0],
    ]);
  });

  describe("analysis conditions, judged as Argo Rollouts judges them (test/support/argo-analysis.ts)", () => {
    const pre = analysisTemplateSpecs(bg, actx)["m-pre-promotion"] as Obj;
    const post = analysisTemplateSpecs(bg, actx)["m-post-promotion"] as Obj;
    const abSpec = analysisTemplateSpecs(ab, actx)["ab-ab"] as Obj;

    it("pre-promotion: no data FAILS (empty result, NaN, all three measurements empty); within the SLO passes; above fails", () => {
      const err = metric(pre, "error-rate");
      const lat = metric(pre, "latency-p95");
      for (const m of [err, lat]) {
        expect(measurementPhase(m, [])).toBe("Failed");
        expect(measurementPhase(m, [Number.NaN])).toBe("Failed");
        expect(metricVerdict(m, [[], [], []])).toBe("Failed");
        expect(metricVerdict(m, [[0.001], [Number.NaN]])).toBe("Failed");
      }
      expect(metricVerdict(err, [[0], [0.005], [0.01]])).toBe("Successful");
      expect(metricVerdict(err, [[0], [0.02], [0]])).toBe("Failed");
      expect(metricVerdict(lat, [[0.1], [0.2], [0.3]])).toBe("Successful");
      expect(metricVerdict(lat, [[0.1], [0.31], [0.1]])).toBe("Failed");
      expect(err.inconclusiveLimit).toBe(0);
      expect(err.failureLimit).toBe(0);
      for (const m of metricsOf(pre).filter((x) => x.successCondition !== undefined))
        expect(String(m.successCondition), "no escape for an empty result").not.toMatch(/^len\(result\) == 0 \|\|/);
    });
    it("pre-promotion: the smoke job sends the model's input example to the preview host through the ingress", () => {
      const smoke = metric(pre, "smoke-traffic");
      const job = ((smoke.provider as Obj).job as Obj).spec as Obj;
      const pod = (job.template as Obj).spec as Obj;
      const c = (pod.containers as Obj[])[0] as Obj;
      const env = Object.fromEntries((c.env as Obj[]).map((e) => [e.name, e.value]));
      expect(env).toMatchObject({
        MODEL: "reg",
        VERSION: "3",
        HOST: "m-preview.models.dev.mlops.internal",
        INGRESS: "traefik.ingress.svc.cluster.local",
      });
      expect(String((c.command as string[])[2])).toMatch(
        /serving_input_example\.json[\s\S]*\/invocations[\s\S]*sys\.exit\(1 if bad or not sent/,
      );
      expect(job.backoffLimit).toBe(0);
      // The Prometheus measurements (initialDelay 1m, then every minute, three of them) fall inside the smoke traffic.
      expect(metric(pre, "error-rate")).toMatchObject({ initialDelay: "1m", interval: "1m", count: 3 });
    });
    it("post-promotion: an SLO breach fails at once (rollback); quiet minutes are tolerated; Prometheus errors end in Error", () => {
      const err = metric(post, "error-rate");
      expect(metricVerdict(err, [[0], [0.5]])).toBe("Failed");
      expect(metricVerdict(err, [[], [Number.NaN], [], [], []])).toBe("Successful");
      expect(metricVerdict(err, [[0.001], [0.002], [0], [0.001], [0]])).toBe("Successful");
      expect(measurementPhase(err, [])).toBe("Inconclusive");
      const lat = metric(post, "latency-p95");
      expect(metricVerdict(lat, [[0.29], [0.35]])).toBe("Failed");
    });
    it("A/B: the canary's SLOs and business metric against the stable version; unmeasured pauses (Inconclusive), never promotes", () => {
      const err = metric(abSpec, "error-rate");
      expect(metricVerdict(err, [[]])).toBe("Inconclusive");
      expect(metricVerdict(err, [[0.5]])).toBe("Failed");
      const biz = metric(abSpec, "business-approvals");
      const query = ((biz.provider as Obj).prometheus as Obj).query as string;
      expect(query).toBe('(sum(rate(x_total{variant="canary"}[5m]))) / (sum(rate(x_total{variant="stable"}[5m])))');
      expect(measurementPhase(biz, [0.97])).toBe("Successful");
      expect(measurementPhase(biz, [0.9])).toBe("Failed");
      expect(measurementPhase(biz, [1.3])).toBe("Successful");
      expect(measurementPhase(biz, [])).toBe("Inconclusive");
      expect(measurementPhase(biz, [Number.NaN])).toBe("Inconclusive");
      expect(measurementPhase(biz, [Number.POSITIVE_INFINITY])).toBe("Inconclusive");
      const lower = metric(
        analysisTemplateSpecs(
          {
            ...ab,
            slo: {
              ...ab.slo,
              businessMetric: { ...(ab.slo.businessMetric as NonNullable<ServedModelSpec["slo"]["businessMetric"]>), direction: "lower" },
            },
          },
          actx,
        )["ab-ab"] as Obj,
        "business-approvals",
      );
      expect(measurementPhase(lower, [1.3])).toBe("Failed");
      expect(measurementPhase(lower, [0.5])).toBe("Successful");
    });
    it("the evaluator refuses what Argo Rollouts would: indexing an empty result is an Error, not a pass", () => {
      expect(measurementPhase({ successCondition: "result[0] <= 0.01" }, [])).toBe("Error");
      // The old escape: an empty result passed it.
      expect(measurementPhase({ successCondition: "len(result) == 0 || isNaN(result[0]) || result[0] <= 0.01" }, [])).toBe("Successful");
      expect(() => measurementPhase({ successCondition: "foo(result)" }, [1])).not.toThrow();
      expect(measurementPhase({ successCondition: "foo(result)" }, [1])).toBe("Error");
    });
  });

  it("labels each variant's metrics and charts them against the SLOs in a dashboard per model", () => {
    const [group] = variantRecordingRules("serving", [ab]);
    const rules = (group?.rules as Obj[]) ?? [];
    expect(rules.filter((r) => r.record === "mlops:model_error_ratio:rate2m").map((r) => r.labels)).toEqual([
      { model: "ab", variant: "stable", team: "fraud" },
      { model: "ab", variant: "canary", team: "fraud" },
    ]);
    expect(rules.find((r) => r.record === "mlops:model_business_metric" && (r.labels as Obj).variant === "canary")?.expr).toBe(
      'sum(rate(x_total{variant="canary"}[5m]))',
    );
    const alerts = modelSloAlerts([ab]).rules as Obj[];
    expect(alerts.map((a) => a.expr)).toEqual([
      'mlops:model_error_ratio:rate2m{model="ab"} > 0.01',
      'mlops:model_latency_p95_seconds:2m{model="ab"} > 0.3',
    ]);
    const dash = modelDashboard(ab);
    const exprs = (dash.panels as Obj[]).map((p) => ((p.targets as Obj[])[0] as Obj).expr);
    expect(exprs).toEqual(
      expect.arrayContaining(['mlops:model_error_ratio:rate2m{model="ab"}', 'mlops:model_business_metric{model="ab"}']),
    );
  });

  it("scales each Rollout with KEDA between the model's bounds, stabilised on the way down, with a disruption budget", () => {
    const so = scaledObjectSpec(bg, { namespace: "serving", prometheusUrl: "http://prom:9090" });
    expect(so.scaleTargetRef).toEqual({ apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", name: "m" });
    expect([so.minReplicaCount, so.maxReplicaCount]).toEqual([2, 6]);
    expect(so.cooldownPeriod).toBeUndefined();
    const behavior = (((so.advanced as Obj).horizontalPodAutoscalerConfig as Obj).behavior as Obj).scaleDown as Obj;
    expect(behavior.stabilizationWindowSeconds).toBeGreaterThanOrEqual(300);
    const triggers = so.triggers as Obj[];
    expect(triggers.map((t) => t.type)).toEqual(["prometheus", "cpu"]);
    expect(((triggers[0] as Obj).metadata as Obj).threshold).toBe("20");
    expect(String(((triggers[0] as Obj).metadata as Obj).query)).toContain("traefik_service_requests_total");
    const zero = scaledObjectSpec(
      { ...ab, autoscaling: { ...ab.autoscaling, minReplicas: 0 } },
      { namespace: "serving", prometheusUrl: "p" },
    );
    expect(zero.minReplicaCount).toBe(0);
    expect(zero.cooldownPeriod).toBeGreaterThan(0);
    expect(disruptionBudgetSpec(bg)).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: { "app.kubernetes.io/name": "m", "mlops.platform/model": "m" } },
    });
  });

  it("raises the serving quota to what the models can scale to, both versions of each at its maximum", () => {
    const base = { cpu: 16, memoryGiB: 64, gpu: 0 };
    expect(servingQuota(base, [bg])).toEqual(base);
    const big = { ...bg, autoscaling: { ...bg.autoscaling, maxReplicas: 20 } };
    const q = servingQuota(base, [big, big]);
    // 81 pods of the large preset (limits 2 CPU, 2Gi): limits.cpu = 2 × cpu ≥ 162, limits.memory ≥ 162Gi.
    expect(2 * q.cpu).toBeGreaterThanOrEqual(81 * 2);
    expect(q.memoryGiB).toBeGreaterThanOrEqual(81 * 2);
  });

  it("refuses unpinned images, duplicate names, empty canary steps, min above max and scale to zero with blue-green", () => {
    const problems = servingProblems([
      { ...bg, image: "repo/model:latest" },
      { ...bg, strategy: "canary", weights: [] },
      { ...bg, name: "x", autoscaling: { minReplicas: 5, maxReplicas: 2, targetRequestsPerSecond: 1 } },
      { ...bg, name: "y", autoscaling: { minReplicas: 0, maxReplicas: 2, targetRequestsPerSecond: 1 } },
    ]).join("\n");
    expect(problems).toMatch(/models\[0\].serving.image: "repo\/model:latest" must be pinned/);
    expect(problems).toMatch(/models\[1\].name: "m" is served twice/);
    expect(problems).toMatch(/models\[1\].serving.weights: \[\]/);
    expect(problems).toMatch(/models\[2\].autoscaling.minReplicas: 5 is above maxReplicas 2/);
    expect(problems).toMatch(/models\[3\].autoscaling.minReplicas: 0 with blueGreen/);
  });
});

describe("monitoring, GPU, ingress, teams", () => {
  it("alerts on drift above the configured threshold", () => {
    const rules = alertRuleGroups({ driftPsi: 0.3 }, "serving").flatMap((g) => g.rules as Obj[]);
    expect(String(rules.find((r) => r.alert === "FeatureDriftDetected")?.expr)).toMatch(/model_data_drift_psi.*> 0.3$/);
    // Each model alerts at its own threshold (the one its drift CronWorkflow retrains at), the others at the stack's.
    const own = alertRuleGroups({ driftPsi: 0.3, driftPsiByModel: { "fraud-scorer": 0.1, "a.b": 0.5 } }, "serving")
      .flatMap((g) => g.rules as Obj[])
      .find((r) => r.alert === "FeatureDriftDetected");
    const psi = (m: string) => `max by (model, team) ({__name__=~"model_data_drift_psi|argo_workflows_model_data_drift_psi"${m}})`;
    // PromQL strings escape like Go: "a\\.b" is the regular expression a\.b (a literal dot).
    expect(own?.expr).toBe(
      `(${psi(',model="a.b"')} > 0.5) or (${psi(',model="fraud-scorer"')} > 0.1) or (${psi(',model!~"a\\\\.b|fraud-scorer"')} > 0.3)`,
    );
    expect(String(rules.find((r) => r.alert === "CertificateExpiringSoon")?.expr)).toContain(String(14 * 86400));
  });
  it("keeps the GPU agents on GPU nodes, tolerating their taint", () => {
    for (const v of [devicePluginValues(), dcgmExporterValues()]) {
      expect(v.nodeSelector).toEqual({ "nvidia.com/gpu.present": "true" });
      expect(v.tolerations).toEqual([GPU_TOLERATION]);
      expect(v.affinity).toEqual({});
    }
  });
  it("lets the GPU agents onto the cloud's spot GPU nodes when the cloud layer names their taint", () => {
    const spot = [{ key: "kubernetes.azure.com/scalesetpriority", operator: "Exists", effect: "NoSchedule" }] as const;
    for (const v of [devicePluginValues(undefined, spot), dcgmExporterValues(undefined, spot)]) {
      expect(v.tolerations).toEqual([GPU_TOLERATION, spot[0]]);
    }
  });
  it("never exposes plain HTTP and refuses an ingress without internal load-balancer annotations", () => {
    const v = traefikValues({
      internalLoadBalancerAnnotations: { "service.beta.kubernetes.io/azure-load-balancer-internal": "true" },
      replicas: 2,
    });
    expect(((v.ports as Obj).web as Obj).expose).toEqual({ default: false });
    for (const bad of [
      { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing" },
      {
        "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
        "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
      },
      { "example.com/anything": "x" },
    ]) {
      expect(internalIngressProblems({ internalLoadBalancerAnnotations: bad, replicas: 1 } as never)[0]).toMatch(
        /internalLoadBalancerAnnotations: .* would publish the ingress on a public load balancer; set .*internal/,
      );
    }
    expect(
      internalIngressProblems({
        internalLoadBalancerAnnotations: { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" },
        replicas: 1,
      } as never),
    ).toEqual([]);
    expect(internalIngressProblems({ internalLoadBalancerAnnotations: {}, replicas: 1 } as never)[0]).toMatch(
      /internalLoadBalancerAnnotations: \{\} would publish the ingress on a public load balancer/,
    );
  });
  it("refuses a team without groups or with negative quotas", () => {
    const problems = teamProblems({ name: "Fraud", groups: [], gpuQuota: -1, cpuQuota: 0, memoryQuotaGiB: 1 }).join("\n");
    expect(problems).toMatch(/team.name: "Fraud"/);
    expect(problems).toMatch(/team.groups: \[\]/);
    expect(problems).toMatch(/team.gpuQuota: -1/);
    expect(problems).toMatch(/team.cpuQuota: 0/);
  });
});
