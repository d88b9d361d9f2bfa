/**
 * The stack registry's pull-through cache in the shipped plans: one rule per upstream the stack
 * serves, KMS-encrypted cached repositories and credentials, the credentials' secrets only where
 * set; and the components refuse what their cloud cannot do.
 */
import { describe, expect, it } from "vitest";
import { ImageCache as AwsImageCache } from "../../components/aws/image-cache";
import { ImageCache as AzureImageCache } from "../../components/azure/image-cache";
import { UPSTREAM_REGISTRIES } from "../../contracts/image-cache";
import { isSecret } from "../../tools/lib/values";
import { shippedPlan } from "../support/shipped-plan";

const of = (stack: string, type: string) => shippedPlan(stack).resources.filter((r) => r.type === type);

describe("ECR pull-through cache (AWS)", () => {
  it("production: a rule per upstream ECR supports, Docker Hub and GHCR with their KMS-encrypted secrets", () => {
    const rules = of("uae-prod", "aws:ecr/pullThroughCacheRule:PullThroughCacheRule").map((r) => r.inputs);
    expect(rules.map((r) => `${r.ecrRepositoryPrefix}=${r.upstreamRegistryUrl}`).sort()).toEqual([
      "docker-hub=registry-1.docker.io",
      "ecr-public=public.ecr.aws",
      "ghcr=ghcr.io",
      "k8s=registry.k8s.io",
      "quay=quay.io",
    ]);
    for (const r of rules)
      expect(r.credentialArn !== undefined, String(r.ecrRepositoryPrefix)).toBe(
        ["ghcr", "docker-hub"].includes(String(r.ecrRepositoryPrefix)),
      );
    const secrets = of("uae-prod", "aws:secretsmanager/secret:Secret").filter((s) =>
      String(s.inputs.name).startsWith("ecr-pullthroughcache/"),
    );
    expect(secrets.map((s) => s.inputs.name).sort()).toEqual([
      "ecr-pullthroughcache/mlops-platform-uae-prod-docker-hub",
      "ecr-pullthroughcache/mlops-platform-uae-prod-ghcr",
    ]);
    for (const s of secrets) expect(String(s.inputs.kmsKeyId)).toMatch(/^arn:aws:kms:me-central-1:/);
    for (const v of of("uae-prod", "aws:secretsmanager/secretVersion:SecretVersion").filter((v) => v.urn.includes("image-cache")))
      expect(isSecret(v.inputs.secretString), v.urn).toBe(true);
  });

  it("every cached repository is KMS-encrypted under the stack's key, created through a role only ECR of this account assumes", () => {
    const templates = of("uae-prod", "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate").map((t) => t.inputs);
    expect(templates.map((t) => t.prefix).sort()).toEqual(["docker-hub", "ecr-public", "ghcr", "k8s", "quay"]);
    for (const t of templates) {
      expect(t.appliedFors).toEqual(["PULL_THROUGH_CACHE"]);
      expect(t.encryptionConfigurations).toEqual([{ encryptionType: "KMS", kmsKey: expect.stringMatching(/^arn:aws:kms:me-central-1:/) }]);
      expect(t.customRoleArn).toBeDefined();
    }
    const role = of("uae-prod", "aws:iam/role:Role").find((r) => r.urn.endsWith("image-cache-creation"));
    expect(JSON.parse(String(role?.inputs.assumeRolePolicy)).Statement[0]).toMatchObject({
      Principal: { Service: "ecr.amazonaws.com" },
      Condition: { StringEquals: { "aws:SourceAccount": expect.stringMatching(/^\d{12}$/) } },
    });
    // The role may create grants on the stack key only for ECR's own use of it.
    const policy = of("uae-prod", "aws:iam/rolePolicy:RolePolicy").find((r) => r.urn.endsWith("image-cache-creation"));
    const statements = JSON.parse(String(policy?.inputs.policy)).Statement as { Action: unknown; Condition?: unknown }[];
    const createGrant = statements.filter((st) => [st.Action].flat().includes("kms:CreateGrant"));
    expect(createGrant).toEqual([
      expect.objectContaining({
        Condition: { Bool: { "kms:GrantIsForAWSResource": "true" }, StringEquals: { "kms:ViaService": "ecr.me-central-1.amazonaws.com" } },
      }),
    ]);
  });

  it("nvcr.io: repositories the images workflow fills, immutable and KMS-encrypted", () => {
    const mirrors = of("uae-prod", "aws:ecr/repository:Repository").filter((r) => String(r.inputs.name).startsWith("nvcr/"));
    expect(mirrors.map((r) => r.inputs.name).sort()).toEqual(["nvcr/nvidia/k8s-device-plugin", "nvcr/nvidia/k8s/dcgm-exporter"]);
    for (const m of mirrors) expect(m.inputs.imageTagMutability).toBe("IMMUTABLE");
  });

  it("development without credentials: no Docker Hub or GHCR rule and no secret", () => {
    const prefixes = of("dev", "aws:ecr/pullThroughCacheRule:PullThroughCacheRule").map((r) => r.inputs.ecrRepositoryPrefix);
    expect(prefixes.sort()).toEqual(["ecr-public", "k8s", "quay"]);
    expect(of("dev", "aws:secretsmanager/secret:Secret").filter((s) => String(s.inputs.name).startsWith("ecr-pullthroughcache/"))).toEqual(
      [],
    );
  });

  it("refuses an upstream ECR cannot cache and a credentialed upstream without credentials", () => {
    const base = {
      credentials: {},
      namePrefix: "p",
      kmsKeyArn: "k",
      accountId: "1",
      partition: "aws",
      region: "me-central-1",
      protect: false,
    };
    expect(() => new AwsImageCache("c", { ...base, upstreams: [UPSTREAM_REGISTRIES["nvcr.io"]] })).toThrow(
      /upstreams: ECR has no pull-through rule for it.*nvcr.io/s,
    );
    expect(() => new AwsImageCache("c", { ...base, upstreams: [UPSTREAM_REGISTRIES["docker.io"]] })).toThrow(/credentials.docker-hub/);
  });
});

describe("ACR cache rules (Azure)", () => {
  it("production: a wildcard rule per upstream, Docker Hub and GHCR through credential sets reading only their own secrets", () => {
    const rules = of("uae-prod-azure", "azure-native:containerregistry:CacheRule").map((r) => r.inputs);
    expect(rules.map((r) => `${r.targetRepository}=${r.sourceRepository}`).sort()).toEqual([
      "docker-hub/*=docker.io/*",
      "ecr-public/*=public.ecr.aws/*",
      "gcr/*=gcr.io/*",
      "ghcr/*=ghcr.io/*",
      "k8s/*=registry.k8s.io/*",
      "nvcr/*=nvcr.io/*",
      "quay/*=quay.io/*",
    ]);
    const sets = of("uae-prod-azure", "azure-native:containerregistry:CredentialSet");
    expect(sets.map((s) => s.inputs.loginServer).sort()).toEqual(["docker.io", "ghcr.io"]);
    const grants = of("uae-prod-azure", "azure-native:authorization:RoleAssignment").filter((g) => g.urn.includes("image-cache"));
    expect(grants).toHaveLength(4);
    for (const g of grants) expect(String(g.inputs.scope)).toMatch(/\/secrets\/registry-cache-(docker-hub|ghcr)-(username|password)$/);
  });

  it("development without credentials: no credential set", () => {
    expect(of("dev-azure", "azure-native:containerregistry:CredentialSet")).toEqual([]);
    expect(of("dev-azure", "azure-native:containerregistry:CacheRule")).toHaveLength(5);
  });

  it("refuses a credentialed upstream without credentials", () => {
    const base = {
      resourceGroupName: "g",
      registryName: "r",
      credentials: {},
      vault: { resourceGroupName: "g", vaultName: "v", vaultId: "/v" },
      subscriptionId: "s",
    };
    expect(() => new AzureImageCache("c", { ...base, upstreams: [UPSTREAM_REGISTRIES["ghcr.io"]] })).toThrow(/credentials.ghcr/);
  });
});
