import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { toManifests, toStackExport, writeStackExport } from "../../tools/lib/export";
import { dependencyOrder, type PlanResource } from "../../tools/lib/harness";
import { PLACEHOLDER_AWS_ACCOUNT, PLACEHOLDER_AZURE_SUBSCRIPTION, placeholderOutputs } from "../../tools/lib/placeholders";
import { readStackConfig, toRuntimeConfig, UNDECRYPTABLE_SECRET } from "../../tools/lib/stack-config";
import { summarize } from "../../tools/lib/summary";
import { digest, REDACTED_SECRET, redact, SECRET_SIG, SPECIAL_SIG_KEY, UNKNOWN } from "../../tools/lib/values";

const res = (urn: string, extra: Partial<PlanResource> = {}): PlanResource => ({
  urn,
  type: urn.split("::")[2]?.split("$").pop() ?? "t",
  name: urn.split("::")[3] ?? "n",
  custom: true,
  inputs: {},
  outputs: {},
  dependencies: [],
  ...extra,
});

describe("values", () => {
  it("redacts secrets at any depth and keeps unknowns", () => {
    const secret = { [SPECIAL_SIG_KEY]: SECRET_SIG, value: "hunter2" };
    const out = redact({ a: secret, b: [{ c: secret }], d: UNKNOWN, e: "plain" });
    expect(JSON.stringify(out)).not.toContain("hunter2");
    expect(out).toEqual({ a: REDACTED_SECRET, b: [{ c: REDACTED_SECRET }], d: UNKNOWN, e: "plain" });
  });

  it("digests deterministically", () => {
    expect(digest("a", 12)).toBe(digest("a", 12));
    expect(digest("a", 12)).not.toBe(digest("b", 12));
    expect(digest("a", 40)).toMatch(/^[0-9a-f]{40}$/);
  });
});

describe("placeholders", () => {
  it("builds AWS ARNs in the placeholder account and the provider's region", () => {
    const bucket = placeholderOutputs({ type: "aws:s3/bucketV2:BucketV2", name: "art", urn: "u1", inputs: {}, region: "me-central-1" });
    expect(bucket.bucket).toMatch(/^art-[0-9a-f]{7}$/);
    expect(bucket.arn).toBe(`arn:aws:s3:::${bucket.bucket}`);
    const role = placeholderOutputs({
      type: "aws:iam/role:Role",
      name: "r",
      urn: "u2",
      inputs: { name: "mlflow" },
      region: "me-central-1",
    });
    expect(role.arn).toBe(`arn:aws:iam::${PLACEHOLDER_AWS_ACCOUNT}:role/mlflow`);
    expect(role.name).toBeUndefined(); // given names are not overwritten
    // The provider's auto-name (logical name, "-", 7 characters) must fit the AWS limit, as in a real preview.
    const role56 = { type: "aws:iam/role:Role", name: "r".repeat(56), urn: "u5", inputs: {}, region: "me-central-1" };
    expect(String(placeholderOutputs(role56).name)).toHaveLength(64);
    expect(() => placeholderOutputs({ ...role56, name: "r".repeat(57) })).toThrow(/longer than the 64 AWS allows.*shorten/);
    expect(() => placeholderOutputs({ ...role56, name: "r".repeat(57), inputs: { name: "explicit" } })).not.toThrow();
    expect(() =>
      placeholderOutputs({
        type: "aws:elasticache/replicationGroup:ReplicationGroup",
        name: "c".repeat(33),
        urn: "u6",
        inputs: {},
        region: "me-central-1",
      }),
    ).toThrow(/40 AWS allows/);
    const key = placeholderOutputs({ type: "aws:kms/key:Key", name: "k", urn: "u3", inputs: {}, region: "me-central-1" });
    expect(key.arn).toMatch(new RegExp(`^arn:aws:kms:me-central-1:${PLACEHOLDER_AWS_ACCOUNT}:key/[0-9a-f-]{36}$`));
    const vpc = placeholderOutputs({ type: "aws:ec2/vpc:Vpc", name: "v", urn: "u4", inputs: {}, region: "me-central-1" });
    expect(vpc.id).toMatch(/^vpc-[0-9a-f]{17}$/);
  });

  it("builds Azure resource ids under the placeholder subscription", () => {
    const acct = placeholderOutputs({
      type: "azure-native:storage:StorageAccount",
      name: "sa",
      urn: "u5",
      inputs: { accountName: "mlopsdev", resourceGroupName: "rg-data" },
      region: "uaenorth",
    });
    expect(acct.id).toBe(
      `/subscriptions/${PLACEHOLDER_AZURE_SUBSCRIPTION}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/mlopsdev`,
    );
    const acr = placeholderOutputs({
      type: "azure-native:containerregistry:Registry",
      name: "acr",
      urn: "u8",
      inputs: { registryName: "mlopsDevAcr", resourceGroupName: "rg" },
      region: "uaenorth",
    });
    // Spelled as ARM does: irregular plurals and parents included.
    expect(acr.id).toBe(
      `/subscriptions/${PLACEHOLDER_AZURE_SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/mlopsDevAcr`,
    );
    expect(acr.loginServer).toBeUndefined(); // a service endpoint: the program derives it from the name
    const uai = placeholderOutputs({
      type: "azure-native:managedidentity:UserAssignedIdentity",
      name: "id",
      urn: "u9",
      inputs: { resourceName: "mlflow", resourceGroupName: "rg" },
      region: "uaenorth",
    });
    expect(uai.id).toBe(
      `/subscriptions/${PLACEHOLDER_AZURE_SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/mlflow`,
    );
    const fic = placeholderOutputs({
      type: "azure-native:managedidentity:FederatedIdentityCredential",
      name: "fic",
      urn: "u10",
      inputs: { resourceName: "mlflow", federatedIdentityCredentialResourceName: "mlflow-sa", resourceGroupName: "rg" },
      region: "uaenorth",
    });
    expect(fic.id).toBe(
      `/subscriptions/${PLACEHOLDER_AZURE_SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/mlflow/federatedIdentityCredentials/mlflow-sa`,
    );
    const server = placeholderOutputs({
      type: "azure-native:dbforpostgresql:Server",
      name: "pg",
      urn: "u11",
      inputs: { serverName: "psql", resourceGroupName: "rg" },
      region: "uaenorth",
    });
    expect(server.id).toBe(
      `/subscriptions/${PLACEHOLDER_AZURE_SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/psql`,
    );
    const rg = placeholderOutputs({ type: "azure-native:resources:ResourceGroup", name: "rg", urn: "u6", inputs: {}, region: "uaenorth" });
    expect(rg.id).toBe(`/subscriptions/${PLACEHOLDER_AZURE_SUBSCRIPTION}/resourceGroups/${rg.name}`);
  });

  it("invents no endpoint a first preview would not know (cluster endpoint, database address, cache endpoint)", () => {
    const at = (type: string, inputs: Record<string, unknown> = {}) =>
      placeholderOutputs({ type, name: "x", urn: `u-${type}`, inputs, region: "me-central-1" });
    const eks = at("aws:eks/cluster:Cluster");
    expect(eks.endpoint).toBeUndefined();
    // The OIDC issuer is invented on purpose (docs/offline-plan.md): IRSA trust policies embed its id.
    expect(eks.identities).toEqual([
      { oidcs: [{ issuer: expect.stringMatching(/^https:\/\/oidc\.eks\.me-central-1\.amazonaws\.com\/id\/[0-9A-F]{32}$/) }] },
    ]);
    const db = at("aws:rds/instance:Instance", { port: 5432 });
    expect([db.address, db.endpoint]).toEqual([undefined, undefined]);
    expect(at("aws:elasticache/replicationGroup:ReplicationGroup").primaryEndpointAddress).toBeUndefined();
    expect(at("aws:ecr/repository:Repository", { name: "mlops/steps" }).repositoryUrl).toBeUndefined();
    expect(at("aws:s3/bucketV2:BucketV2").bucketRegionalDomainName).toBeUndefined();
  });

  it("is deterministic", () => {
    const a = placeholderOutputs({ type: "aws:sqs/queue:Queue", name: "q", urn: "u7", inputs: {}, region: "me-central-1" });
    const b = placeholderOutputs({ type: "aws:sqs/queue:Queue", name: "q", urn: "u7", inputs: {}, region: "me-central-1" });
    expect(a).toEqual(b);
  });
});

describe("dependencyOrder", () => {
  it("puts parents, providers and dependencies first, ties by URN", () => {
    const stack = res("urn:pulumi:s::p::pulumi:pulumi:Stack::p-s", { custom: false });
    const prov = res("urn:pulumi:s::p::pulumi:providers:aws::aws", { parent: stack.urn });
    const b = res("urn:pulumi:s::p::aws:s3/bucketV2:BucketV2::b", { parent: stack.urn, provider: `${prov.urn}::id1` });
    const a = res("urn:pulumi:s::p::aws:s3/bucketPolicy:BucketPolicy::a", {
      parent: stack.urn,
      provider: `${prov.urn}::id1`,
      dependencies: [b.urn],
    });
    const ordered = dependencyOrder([a, b, prov, stack]).map((r) => r.urn);
    expect(ordered).toEqual([stack.urn, prov.urn, b.urn, a.urn]);
    expect(dependencyOrder([b, a, stack, prov]).map((r) => r.urn)).toEqual(ordered);
  });
});

describe("export and manifests", () => {
  it("writes a version 3 stack export", () => {
    const doc = toStackExport([res("urn:pulumi:s::p::pulumi:pulumi:Stack::p-s")], "3.270.0", "2026-01-01T00:00:00.000Z");
    expect(doc.version).toBe(3);
    expect(doc.deployment.resources[0]?.created).toBe("2026-01-01T00:00:00.000Z");
    expect(doc.deployment.manifest.version).toContain("3.270.0");
  });

  it("writes the export file resource by resource, byte for byte as JSON.stringify would", () => {
    const dir = mkdtempSync(join(tmpdir(), "export-"));
    const stack = res("urn:pulumi:s::p::pulumi:pulumi:Stack::p-s", { custom: false, outputs: { kubeconfig: REDACTED_SECRET } });
    const cm = res("urn:pulumi:s::p::kubernetes:core/v1:ConfigMap::cm", {
      inputs: { data: { "a.yaml": 'line one\nline two\n  "quoted" é ✓', empty: {}, list: [] }, nested: [[1, { x: null }], true] },
      dependencies: [stack.urn],
      parent: stack.urn,
    });
    const docs = [
      toStackExport([stack, cm], "3.270.0", "2026-01-01T00:00:00.000Z"),
      toStackExport([stack], "3.270.0", "2026-01-01T00:00:00.000Z"),
      toStackExport([], "3.270.0", "2026-01-01T00:00:00.000Z"),
    ];
    for (const [i, doc] of docs.entries()) {
      const file = join(dir, `plan-${i}.json`);
      writeStackExport(file, doc);
      expect(readFileSync(file, "utf8")).toBe(`${JSON.stringify(doc, null, 2)}\n`);
    }
  });

  it("writes Kubernetes objects, not Helm releases, with secrets redacted", () => {
    const ns = res("urn:pulumi:s::p::kubernetes:core/v1:Namespace::ns", {
      outputs: { apiVersion: "v1", kind: "Namespace", metadata: { name: "argo" } },
    });
    const secret = res("urn:pulumi:s::p::kubernetes:core/v1:Secret::s", {
      outputs: { apiVersion: "v1", kind: "Secret", metadata: { name: "db", namespace: "argo" }, stringData: REDACTED_SECRET },
    });
    const release = res("urn:pulumi:s::p::kubernetes:helm.sh/v3:Release::argo", { outputs: { chart: "argo-workflows" } });
    const manifests = toManifests([ns, secret, release]);
    expect(manifests.map((m) => m.file)).toEqual(["namespace-argo.yaml", "secret-argo-db.yaml"]);
    expect(manifests[1]?.object.stringData).toEqual({ redacted: "[secret]" });
  });

  it("summarises by top-level component and type", () => {
    const stack = res("urn:pulumi:s::p::pulumi:pulumi:Stack::p-s", { custom: false });
    const comp = res("urn:pulumi:s::p::mlops-platform:aws:Network::net", { custom: false, parent: stack.urn });
    const vpc = res("urn:pulumi:s::p::mlops-platform:aws:Network$aws:ec2/vpc:Vpc::net-vpc", { parent: comp.urn });
    const s = summarize([stack, comp, vpc]);
    expect(s.byComponent).toEqual({ "mlops-platform:aws:Network net": 2 });
    expect(s.byType["aws:ec2/vpc:Vpc"]).toBe(1);
  });
});

describe("stack configuration files", () => {
  it("merges project defaults under stack values and keeps secrets unreadable", () => {
    const dir = mkdtempSync(join(tmpdir(), "stackcfg-"));
    writeFileSync(
      join(dir, "Pulumi.yaml"),
      "name: demo\nruntime: nodejs\nconfig:\n  a:\n    type: string\n    default: x\n  b:\n    type: string\n    default: y\n  pulumi:disable-default-providers:\n    value: ['*']\n",
    );
    writeFileSync(join(dir, "Pulumi.s.yaml"), "config:\n  demo:b: z\n  demo:pw:\n    secure: v1:abc\n  demo:obj:\n    k: [1, 2]\n");
    const cfg = readStackConfig(dir, "s");
    expect(cfg.values).toMatchObject({
      "demo:a": "x",
      "demo:b": "z",
      "demo:pw": UNDECRYPTABLE_SECRET,
      "pulumi:disable-default-providers": ["*"],
    });
    expect(cfg.secretKeys).toEqual(["demo:pw"]);
    expect(toRuntimeConfig(cfg.values)["demo:obj"]).toBe('{"k":[1,2]}');
    expect(() => readStackConfig(dir, "nope")).toThrow(/Pulumi\.nope\.yaml/);
  });
});
