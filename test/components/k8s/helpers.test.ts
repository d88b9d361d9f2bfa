/** Pure helpers of the Kubernetes platform services: values, specs and argument checks, without Pulumi. */

import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { argoEventsProblems, dataUriTemplate, sensorSpec } from "../../../components/k8s/argo-events";
import { argoWorkflowsProblems, artifactRepositoryConfig, groupRule } from "../../../components/k8s/argo-workflows";
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
  ANALYSIS_THRESHOLDS,
  analysisTemplateSpecs,
  rolloutSpec,
  type ServedModelSpec,
  servingProblems,
} from "../../../components/k8s/serving";
import { dexConfig, oidcEndpoints } from "../../../components/k8s/sso";
import { teamProblems } from "../../../components/k8s/team";
import { CHARTS, IMAGES, imageRef, splitRegistry } from "../../../contracts/versions";

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
    namespace: "serving",
    trackingUri: "http://mlflow",
    serviceAccountName: "model-server",
    podLabels: {},
    nodeSelector: { "mlops.platform/pool": "cpu-inference" },
    defaultReplicas: 2,
    defaultImage: "reg.example/serving:mlflow-3.15.1",
  };
  const bg: ServedModelSpec = { name: "m", registeredModel: "reg", version: 3, strategy: "blueGreen", canaryWeights: [10] };
  it("serves the registry version and promotes blue-green only after the analysis passes", () => {
    const spec = rolloutSpec(bg, ctx);
    const strategy = (spec.strategy as Obj).blueGreen as Obj;
    expect(strategy.activeService).toBe("m");
    expect(strategy.previewService).toBe("m-preview");
    expect((strategy.prePromotionAnalysis as Obj).templates).toEqual([
      { templateName: "model-error-rate" },
      { templateName: "model-latency-p95" },
    ]);
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
  it("turns a version change into a new pod template (the promotion or rollback)", () => {
    const a = JSON.stringify(rolloutSpec(bg, ctx).template);
    const b = JSON.stringify(rolloutSpec({ ...bg, version: 2 }, ctx).template);
    expect(a).not.toBe(b);
    expect(b).toContain("models:/reg/2");
  });
  it("steps canary traffic through the configured weights with background analysis", () => {
    const spec = rolloutSpec({ ...bg, strategy: "canary", canaryWeights: [10, 50] }, ctx);
    const canary = (spec.strategy as Obj).canary as Obj;
    expect(canary.steps).toEqual([{ setWeight: 10 }, { pause: { duration: "5m" } }, { setWeight: 50 }, { pause: { duration: "5m" } }]);
    expect((canary.analysis as Obj).startingStep).toBe(1);
  });
  it("fails the analysis above the error-rate and latency limits", () => {
    const specs = analysisTemplateSpecs("http://prom:9090");
    const err = ((specs["model-error-rate"] as Obj).metrics as Obj[])[0] as Obj;
    expect(err.successCondition).toContain(`result[0] <= ${ANALYSIS_THRESHOLDS.maxErrorRate}`);
    expect(((err.provider as Obj).prometheus as Obj).address).toBe("http://prom:9090");
  });
  it("refuses unpinned images, duplicate names and empty canary steps", () => {
    const problems = servingProblems([
      { ...bg, image: "repo/model:latest" },
      { ...bg, strategy: "canary", canaryWeights: [] },
    ]).join("\n");
    expect(problems).toMatch(/models\[0\].image: "repo\/model:latest" must be pinned/);
    expect(problems).toMatch(/models\[1\].name: "m" is served twice/);
    expect(problems).toMatch(/models\[1\].canaryWeights: \[\]/);
  });
});

describe("monitoring, GPU, ingress, teams", () => {
  it("alerts on drift above the configured threshold", () => {
    const rules = alertRuleGroups({ driftPsi: 0.3 }, "serving").flatMap((g) => g.rules as Obj[]);
    expect(String(rules.find((r) => r.alert === "FeatureDriftDetected")?.expr)).toMatch(/model_data_drift_psi.*> 0.3$/);
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
