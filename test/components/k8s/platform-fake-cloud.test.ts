/**
 * PlatformServices on a fake Azure-flavoured CloudLayer built in the test (pulumi.output values),
 * under Pulumi's runtime mocks: the paths the shipped stacks do not take (Dex for LDAP, a known
 * OIDC client secret, no GPU pool) and the refusal of bad input.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import type { CloudLayer, WorkloadIdentitySpec } from "../../../components/contracts";
import { UPSTREAM_REGISTRIES } from "../../../contracts/image-cache";

type Obj = Record<string, unknown>;
interface Recorded {
  type: string;
  name: string;
  inputs: Obj;
  provider?: string;
}
const recorded: Recorded[] = [];

pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      recorded.push({
        type: args.type,
        name: args.name,
        inputs: args.inputs as Obj,
        ...(args.provider ? { provider: args.provider } : {}),
      });
      return { id: `${args.name}-id`, state: args.inputs };
    },
    call: (args) => {
      throw new Error(`unexpected invoke ${args.token}`);
    },
  },
  "mlops-platform",
  "fake",
  true,
);

const o = <T>(v: T) => pulumi.output(v);
const identity = (key: string) => ({
  serviceAccountAnnotations: { "azure.workload.identity/client-id": o(`client-${key}`) },
  podLabels: { "azure.workload.identity/use": "true" },
  principal: o(`client-${key}`),
});
const KEYS = [
  "mlflow",
  "argo-workflows",
  "argo-events",
  "feast",
  "serving",
  "pipelines",
  "pipelines-train",
  "pipelines-release",
  "team-risk",
  "team-risk-train",
  "team-risk-release",
];
const SPECS: WorkloadIdentitySpec[] = [
  {
    key: "mlflow",
    namespace: "mlflow",
    serviceAccounts: ["mlflow"],
    buckets: [],
    readDataLakes: false,
    registry: "none",
    consumeDataEvents: false,
  },
  {
    key: "argo-workflows",
    namespace: "argo",
    serviceAccounts: ["argo-server", "argo-workflow-controller"],
    buckets: [],
    readDataLakes: false,
    registry: "none",
    consumeDataEvents: false,
  },
  {
    key: "argo-events",
    namespace: "argo-events",
    serviceAccounts: ["argo-events-sa"],
    buckets: [],
    readDataLakes: false,
    registry: "none",
    consumeDataEvents: true,
  },
  {
    key: "feast",
    namespace: "feast",
    serviceAccounts: ["feast"],
    buckets: [],
    readDataLakes: false,
    registry: "none",
    consumeDataEvents: false,
  },
  {
    key: "serving",
    namespace: "serving",
    serviceAccounts: ["model-server"],
    buckets: [],
    readDataLakes: false,
    registry: "pull",
    consumeDataEvents: false,
  },
  {
    key: "pipelines",
    namespace: "ml-pipelines",
    serviceAccounts: ["pipeline-data"],
    buckets: [],
    readDataLakes: true,
    registry: "pull",
    consumeDataEvents: false,
  },
];

async function fakeCloud(
  identityKeys: string[],
  repositories: Record<string, pulumi.Output<string>> = { steps: o("mlops.azurecr.io/steps"), serving: o("mlops.azurecr.io/serving") },
): Promise<CloudLayer> {
  const k8s = await import("../../../components/k8s/sdk");
  const bucket = (name: string) => ({
    name: o(name),
    accountName: o("mlopsacct"),
    uri: o(`abfss://${name}@mlopsacct.dfs.core.windows.net`),
    endpoint: o("mlopsacct.blob.core.windows.net"),
    resourceId: o(`/subscriptions/s/containers/${name}`),
  });
  const db = (name: string) => ({
    host: o("pg.postgres.database.azure.com"),
    port: o(5432),
    database: o(name),
    username: o(name),
    password: pulumi.secret("pw"),
    sslMode: "verify-full" as const,
  });
  return {
    cloud: "azure",
    region: "uaenorth",
    clusterName: o("aks"),
    clusterEndpoint: o("https://aks"),
    kubeconfig: pulumi.secret("kubeconfig"),
    kubernetesProvider: new k8s.Provider("fake-k8s", { kubeconfig: "fake" }),
    storageClassName: "managed-csi-encrypted",
    buckets: { artifacts: bucket("artifacts"), datasets: bucket("datasets"), features: bucket("features"), logs: bucket("logs") },
    registryHost: o("mlops.azurecr.io"),
    // Every upstream through the registry's cache, as a production stack has it (contracts/image-cache.ts).
    imageCacheUpstreams: Object.keys(UPSTREAM_REGISTRIES),
    repositoryUrls: repositories,
    databases: { mlflow: db("mlflow"), feast: db("feast"), argo: db("argo") },
    cache: { host: o("redis.redis.cache.windows.net"), port: o(6380), password: pulumi.secret("redis"), tls: true },
    identities: Object.fromEntries(identityKeys.map((k) => [k, identity(k)])),
    dataEvents: { kind: "azure-storage-queue", storageAccountName: o("mlopsacct"), queueName: o("data-arrival") },
    internalLoadBalancerAnnotations: { "service.beta.kubernetes.io/azure-load-balancer-internal": "true" },
    readyDependencies: [],
  };
}

/** The value of an output (resolved by the mocks). */
function resolved<T>(out: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => out.apply((v) => resolve(v)));
}

async function settle(): Promise<void> {
  let last = -1;
  while (recorded.length !== last) {
    last = recorded.length;
    await new Promise((r) => setTimeout(r, 300));
  }
}

const STEPS_DIGEST = `sha256:${"a".repeat(64)}`;
const MLFLOW_DIGEST = `sha256:${"b".repeat(64)}`;

const find = (type: string, pred: (r: Recorded) => boolean = () => true) => recorded.filter((r) => r.type === type && pred(r));
const meta = (r: Recorded) => r.inputs.metadata as Obj;

describe("PlatformServices on a fake Azure cloud layer with LDAP through Dex", () => {
  let providerRef = "";
  beforeAll(async () => {
    const { PlatformServices } = await import("../../../components/k8s/platform");
    const cloud = await fakeCloud(KEYS);
    const services = new PlatformServices(
      "platform",
      {
        cloud,
        identitySpecs: SPECS,
        domain: "test.mlops.internal",
        networkCidr: "10.60.0.0/16",
        identity: {
          oidcIssuerUrl: "https://login.microsoftonline.com/tenant/v2.0",
          oidcClientId: "mlops",
          adminGroups: ["admins"],
          viewerGroups: [],
          ldap: {
            host: "ldap.corp.example.ae:636",
            bindDn: "cn=svc,dc=corp",
            userBaseDn: "ou=users,dc=corp",
            groupBaseDn: "ou=groups,dc=corp",
          },
        },
        teams: [{ name: "risk", groups: ["team-risk"], gpuQuota: 0, cpuQuota: 8, memoryQuotaGiB: 32 }],
        models: [
          {
            name: "credit",
            team: "risk",
            registeredModel: "credit",
            version: 7,
            strategy: "canary",
            weights: [20, 50],
            slo: { p95LatencyMs: 400, errorRate: 0.01 },
            autoscaling: { minReplicas: 0, maxReplicas: 3, targetRequestsPerSecond: 10 },
          },
        ],
        serviceReplicas: 2,
        serviceSize: "large",
        retentionDays: 30,
        driftThreshold: 0.25,
        cpuPoolSelector: { "mlops.platform/pool": "cpu-inference" },
        workflowManifests: [
          {
            apiVersion: "argoproj.io/v1alpha1",
            kind: "WorkflowTemplate",
            metadata: { name: "training-pipeline" },
            spec: { templates: [] },
          },
          { apiVersion: "argoproj.io/v1alpha1", kind: "ClusterWorkflowTemplate", metadata: { name: "shared" }, spec: { templates: [] } },
        ],
        artifactPrefix: (ns) => `pipelines/${ns}/`,
        // The digests the deploy workflow resolves from the registry (the shipped plans take the tag path).
        stepsImage: `mlops.azurecr.io/steps@${STEPS_DIGEST}`,
        mlflowImageDigest: MLFLOW_DIGEST,
      },
      { providers: [cloud.kubernetesProvider] },
    );
    await resolved(services.urls.mlflow);
    await settle();
    providerRef = await resolved(cloud.kubernetesProvider.urn);
  });

  it("creates every Kubernetes object through the cluster provider passed once at the top", () => {
    const k8sObjects = recorded.filter((r) => r.type.startsWith("kubernetes:"));
    expect(k8sObjects.length).toBeGreaterThan(100);
    for (const r of k8sObjects) expect(r.provider?.startsWith(providerRef), `${r.type} ${r.name}`).toBe(true);
  });

  it("references the platform's own images by digest when the stack carries the digests", () => {
    const mlflow = find("kubernetes:helm.sh/v3:Release", (r) => r.inputs.name === "mlflow")[0] as Recorded;
    expect(((mlflow.inputs.values as Obj).image as Obj).digest).toBe(MLFLOW_DIGEST);
    const rollouts = find("kubernetes:argoproj.io/v1alpha1:Rollout");
    expect(rollouts.length).toBeGreaterThan(0);
    for (const r of rollouts) expect(JSON.stringify(r.inputs.spec)).toContain(`mlops.azurecr.io/serving@${MLFLOW_DIGEST}`);
    // Admission lets exactly these digests through as the platform's own images.
    const admission = JSON.stringify(find("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy").map((r) => r.inputs));
    expect(admission).toContain(`mlops.azurecr.io/steps@${STEPS_DIGEST}`);
    expect(admission).toContain(`mlops.azurecr.io/serving@${MLFLOW_DIGEST}`);
    expect(admission).not.toContain("mlops.azurecr.io/serving:mlflow-");
  });

  it("bridges LDAP through Dex, which becomes the issuer of every UI", () => {
    const dex = find("kubernetes:helm.sh/v3:Release", (r) => r.inputs.name === "dex")[0];
    expect(dex).toBeDefined();
    const config = ((dex as Recorded).inputs.values as Obj).config as Obj;
    expect(config.issuer).toBe("https://dex.test.mlops.internal");
    const argo = find("kubernetes:helm.sh/v3:Release", (r) => r.inputs.name === "argo-workflows")[0] as Recorded;
    expect((((argo.inputs.values as Obj).server as Obj).sso as Obj).issuer).toBe("https://dex.test.mlops.internal");
    const dexNs = find("kubernetes:core/v1:Namespace", (r) => meta(r).name === "dex");
    expect(dexNs.length).toBe(1);
  });

  it("creates the LDAP bind Secret Dex reads (dex-ldap)", () => {
    const ldap = find("kubernetes:core/v1:Secret", (r) => meta(r).name === "dex-ldap");
    expect(ldap.map((r) => meta(r).namespace)).toEqual(["dex"]);
    const dex = find("kubernetes:helm.sh/v3:Release", (r) => r.inputs.name === "dex")[0] as Recorded;
    expect(JSON.stringify((dex.inputs.values as Obj).envFrom)).toContain('"dex-ldap"');
  });

  it("writes the generated client secret into a Secret in each SSO namespace, never into chart values", () => {
    const secrets = find("kubernetes:core/v1:Secret", (r) => meta(r).name === "oidc-client").map((r) => meta(r).namespace);
    expect(secrets.sort()).toEqual(["argo", "mlflow", "monitoring"]);
    for (const r of find("kubernetes:helm.sh/v3:Release")) expect(JSON.stringify(r.inputs.values)).not.toMatch(/client-secret":"[^"]/);
  });

  it("consumes data-arrival events from the Azure storage queue with workload identity", () => {
    const source = find("kubernetes:argoproj.io/v1alpha1:EventSource", (r) => meta(r).name === "data-arrival")[0] as Recorded;
    const spec = source.inputs.spec as Obj;
    expect(((spec.azureQueueStorage as Obj).datasets as Obj).storageAccountName).toBe("mlopsacct");
    expect(JSON.stringify(spec)).not.toMatch(/connectionString/);
    expect((spec.template as Obj).serviceAccountName).toBe("argo-events-sa");
  });

  it("puts Argo artifacts in Azure Blob with workload identity and MLflow artifacts in the same container", () => {
    const repo = find(
      "kubernetes:core/v1:ConfigMap",
      (r) => meta(r).name === "artifact-repositories" && meta(r).namespace === "team-risk",
    )[0] as Recorded;
    const text = String((repo.inputs.data as Obj)["default-v1"]);
    expect(text).toContain("useSDKCreds: true");
    expect(text).toContain("blobNameFormat: pipelines/team-risk/");
    const mlflow = find("kubernetes:helm.sh/v3:Release", (r) => r.inputs.name === "mlflow")[0] as Recorded;
    expect(((mlflow.inputs.values as Obj).artifactRoot as Obj).azureBlob).toMatchObject({
      enabled: true,
      container: "artifacts",
      storageAccount: "mlopsacct",
    });
    expect(JSON.stringify(mlflow.inputs.values)).not.toMatch(/accessKey":"[^"]|connectionString":"[^"]/);
  });

  it("installs no GPU agents without a GPU pool, and installs cluster-scoped templates once", () => {
    const names = find("kubernetes:helm.sh/v3:Release").map((r) => r.inputs.name);
    expect(names).not.toContain("nvidia-device-plugin");
    expect(names).not.toContain("dcgm-exporter");
    // The ClusterWorkflowTemplate of workflows/ and the cluster-wide copy of its WorkflowTemplate, which teams run.
    expect(
      find("kubernetes:argoproj.io/v1alpha1:ClusterWorkflowTemplate")
        .map((r) => meta(r).name)
        .sort(),
    ).toEqual(["shared", "training-pipeline"]);
    expect(find("kubernetes:argoproj.io/v1alpha1:WorkflowTemplate").map((r) => meta(r).namespace)).toEqual(["ml-pipelines"]);
  });

  it("lets a development canary model scale to zero, with its disruption budget and weighted route", () => {
    const so = find("kubernetes:keda.sh/v1alpha1:ScaledObject", (r) => meta(r).name === "credit")[0] as Recorded;
    const spec = so.inputs.spec as Record<string, unknown>;
    expect([spec.minReplicaCount, spec.maxReplicaCount]).toEqual([0, 3]);
    expect(spec.cooldownPeriod).toBeGreaterThan(0);
    expect(find("kubernetes:policy/v1:PodDisruptionBudget", (r) => meta(r).name === "credit")).toHaveLength(1);
    expect(find("kubernetes:traefik.io/v1alpha1:TraefikService", (r) => meta(r).name === "credit-weighted")).toHaveLength(1);
  });

  it("uses the profile's replicas and sizes", () => {
    const mlflow = find("kubernetes:helm.sh/v3:Release", (r) => r.inputs.name === "mlflow")[0] as Recorded;
    expect((mlflow.inputs.values as Obj).replicaCount).toBe(2);
    expect(((mlflow.inputs.values as Obj).resources as Obj).limits).toEqual({ cpu: "2", memory: "2Gi" });
  });
});

describe("PlatformServices refuses bad input before creating anything", () => {
  it("lists every missing identity and every bad argument in one error", async () => {
    const { PlatformServices } = await import("../../../components/k8s/platform");
    const cloud = await fakeCloud(["mlflow"], { steps: o("mlops.azurecr.io/steps") });
    const before = recorded.length;
    expect(
      () =>
        new PlatformServices("bad", {
          cloud,
          identitySpecs: SPECS,
          domain: "Not A Domain",
          networkCidr: "10.60.0.0/16",
          identity: { oidcIssuerUrl: "https://idp.example.com/", oidcClientId: "c", adminGroups: [], viewerGroups: [] },
          teams: [],
          models: [],
          serviceReplicas: 0,
          serviceSize: "medium",
          retentionDays: 30,
          driftThreshold: 0.2,
          cpuPoolSelector: {},
          workflowManifests: [],
          artifactPrefix: (ns) => ns,
        }),
    ).toThrow(
      /cloud.identities: missing argo-workflows, argo-events, feast, serving, pipelines[\s\S]*domain: "Not A Domain"[\s\S]*serviceReplicas: 0[\s\S]*cpuPoolSelector: \{\}[\s\S]*identity.adminGroups: \[\][\s\S]*stepsImage: undefined, but the MLflow gate[\s\S]*identity.oidcIssuerUrl: "https:\/\/idp.example.com\/" is not an issuer[\s\S]*cloud.repositoryUrls: no "serving" repository \(keys: steps\)/,
    );
    await settle();
    // Only the component itself was registered: no child exists.
    expect(
      recorded.slice(before).filter((r) => r.type !== "mlops-platform:k8s:PlatformServices" && !r.type.startsWith("pulumi:providers:")),
    ).toEqual([]);
  });
});
