/**
 * Bring your own Feast (`services.feast.external`): an existing registry and online store are
 * attached instead of the platform's own, with their passwords as secret keys. Bad entries are
 * refused naming the key; the attached store reaches the feature server's `feature_store.yaml`
 * with its own project, hosts and TLS.
 */
import type * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { feastProblems, featureStoreYaml } from "../../components/k8s/feast";
import { ConfigError, resolveConfig } from "../../stacks/config";
import { externalFeastStore, featureRepositoryOf } from "../../stacks/services";
import { rawOf } from "../support/stack-values";

const external = {
  project: "risk_features",
  registry: { host: "feast-registry.risk.internal", database: "feast", username: "feast_app" },
  onlineStore: { type: "redis", host: "feast-online.risk.internal" },
};
const secrets = { feastRegistryPassword: { secure: "v1:x" }, feastOnlineStorePassword: { secure: "v1:y" } };
function withFeast(stack: string, feast: unknown, extra: Record<string, unknown> = secrets): Record<string, unknown> {
  const raw = rawOf(stack);
  return { ...raw, services: { ...(raw.services as object), feast }, ...extra };
}
function problems(raw: Record<string, unknown>): string {
  try {
    resolveConfig(raw, "mlops-platform", "dev");
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error("configuration was accepted");
}

describe("services.feast.external", () => {
  it("attaches an existing Feast with TLS defaults, on both clouds", () => {
    for (const stack of ["dev", "uae-prod-azure"]) {
      const cfg = resolveConfig(withFeast(stack, { external }), "mlops-platform", stack);
      expect(cfg.services.feast.external?.registry).toEqual({ ...external.registry, port: 5432, sslMode: "verify-full" });
      expect(cfg.services.feast.external?.onlineStore.port).toBe(6380);
    }
    // Without the key, the platform's own Feast.
    expect(resolveConfig(rawOf("dev"), "mlops-platform", "dev").services.feast).toEqual({});
  });

  it.each([
    ["a project name Feast refuses", { ...external, project: "risk-features" }, "services.feast.external.project"],
    [
      "a registry without TLS",
      { ...external, registry: { ...external.registry, sslMode: "disable" } },
      "services.feast.external.registry.sslMode",
    ],
    [
      "a URL instead of a host",
      { ...external, registry: { ...external.registry, host: "postgres://x:5432" } },
      "services.feast.external.registry.host",
    ],
    [
      "another online store",
      { ...external, onlineStore: { ...external.onlineStore, type: "dynamodb" } },
      "services.feast.external.onlineStore.type",
    ],
    [
      "a port out of range",
      { ...external, onlineStore: { ...external.onlineStore, port: 70000 } },
      "services.feast.external.onlineStore.port",
    ],
    ["an unknown key", { ...external, offlineStore: { type: "spark" } }, "services.feast.external"],
  ])("refuses %s, naming the key", (_what, value, key) => {
    expect(problems(withFeast("dev", { external: value }))).toContain(`mlops-platform:${key}`);
  });

  it("requires both passwords with an attached Feast, as secrets, and refuses them without one", () => {
    expect(problems(withFeast("dev", { external }, {}))).toMatch(
      /mlops-platform:feastRegistryPassword: is required with services\.feast\.external[^\n]*pulumi config set --secret 'mlops-platform:feastRegistryPassword'/,
    );
    expect(problems(withFeast("dev", { external }, { feastRegistryPassword: { secure: "v1:x" } }))).toContain(
      "mlops-platform:feastOnlineStorePassword: is required",
    );
    expect(problems({ ...rawOf("dev"), ...secrets })).toContain(
      "mlops-platform:feastRegistryPassword: is set but services.feast.external is not",
    );
  });

  it("hands the attached registry and online store to the feature server's feature_store.yaml", async () => {
    const cfg = resolveConfig(withFeast("dev", { external }), "mlops-platform", "dev");
    const store = externalFeastStore(cfg.services.feast.external, { registryPassword: "p@ss", onlineStorePassword: "r3dis" });
    if (!store) throw new Error("no store");
    const value = <T>(o: pulumi.Output<T>) => new Promise<T>((r) => o.apply((v) => r(v)));
    const yaml = featureStoreYaml({
      project: store.project,
      database: {
        host: await value(store.database.host),
        port: await value(store.database.port),
        database: await value(store.database.database),
        username: await value(store.database.username),
        password: await value(store.database.password),
        sslMode: store.database.sslMode,
      },
      cache: { host: await value(store.cache.host), port: await value(store.cache.port), password: await value(store.cache.password) },
      offlineUri: "s3://features",
    });
    expect(yaml).toContain("project: risk_features");
    expect(yaml).toContain("postgresql+psycopg://feast_app:p%40ss@feast-registry.risk.internal:5432/feast?sslmode=verify-full");
    expect(yaml).toContain("feast-online.risk.internal:6380,ssl=true,password=r3dis");
    expect(externalFeastStore(undefined, undefined)).toBeUndefined();
    expect(
      feastProblems({ project: "risk-features", cache: { tls: true }, database: { sslMode: "require" }, replicas: 1 } as never),
    ).toEqual(['project: "risk-features" must be a Feast project name (letters, digits, underscores), e.g. risk_features']);
  });
});

describe("services.feast.repository", () => {
  const repository = { url: "https://git.example.ae/ml/feature-repo.git", path: "feature_repo" };

  it("declares the feature repository, with the platform's own Feast or an attached one, on both clouds", () => {
    for (const stack of ["dev", "uae-prod-azure"]) {
      const own = resolveConfig(withFeast(stack, { repository }, {}), "mlops-platform", stack);
      expect(own.services.feast.repository).toEqual(repository);
      const attached = resolveConfig(withFeast(stack, { external, repository }), "mlops-platform", stack);
      expect(attached.services.feast.repository).toEqual(repository);
      expect(featureRepositoryOf(attached)).toEqual({ cloneUrl: repository.url, path: "feature_repo" });
    }
    // The folder defaults to the repository's root.
    const root = resolveConfig(withFeast("dev", { repository: { url: repository.url } }, {}), "mlops-platform", "dev");
    expect(root.services.feast.repository?.path).toBe(".");
    expect(featureRepositoryOf(resolveConfig(rawOf("dev"), "mlops-platform", "dev"))).toBeUndefined();
  });

  it.each([
    [
      "an http URL",
      { url: "http://git.example.ae/ml/feature-repo.git" },
      "services.feast.repository.url",
      /must be an https:\/\/ git clone URL/,
    ],
    [
      "credentials in the URL",
      { url: "https://bot:token@git.example.ae/ml/f.git" },
      "services.feast.repository.url",
      /without credentials/,
    ],
    [
      "an ssh remote",
      { url: "git@git.example.ae:ml/f.git" },
      "services.feast.repository.url",
      /e\.g\. https:\/\/git\.example\.ae\/ml\/features\.git/,
    ],
    ["a repository without an owner", { url: "https://git.example.ae/features.git" }, "services.feast.repository.url", /owner\/name/],
    [
      "a folder outside the repository",
      { ...repository, path: "../secrets" },
      "services.feast.repository.path",
      /folder inside the repository/,
    ],
    ["an absolute folder", { ...repository, path: "/etc" }, "services.feast.repository.path", /relative, no "\.\."/],
    [
      "its own store configuration",
      { ...repository, featureStoreYaml: "feature_store.yaml" },
      "services.feast.repository",
      /featureStoreYaml/,
    ],
  ])("refuses %s, naming the key, the value and the fix", (_what, value, key, fix) => {
    const message = problems(withFeast("dev", { repository: value }, {}));
    expect(message).toContain(`mlops-platform:${key}`);
    expect(message).toMatch(fix);
  });
});
