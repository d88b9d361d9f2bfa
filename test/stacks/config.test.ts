import { describe, expect, it } from "vitest";
import { ENVIRONMENT_PRESETS } from "../../contracts/environment";
import { ConfigError, deepMerge, resolveConfig } from "../../stacks/config";
import { rawOf } from "../support/stack-values";

const SHIPPED = ["dev", "uae-prod", "dev-azure", "uae-prod-azure"];

/** The `mlops-platform:` keys of a shipped stack, without the namespace. */

function problemsOf(raw: Record<string, unknown>): ConfigError {
  try {
    resolveConfig(raw, "mlops-platform", "test");
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error("configuration was accepted");
}

describe("shipped stacks", () => {
  it.each(SHIPPED)("%s resolves", (stack) => {
    const cfg = resolveConfig(rawOf(stack), "mlops-platform", stack);
    expect(cfg.stack).toBe(stack);
    expect(["me-central-1", "uaenorth", "uaecentral"]).toContain(cfg.region);
  });

  it("enterprise and smb differ in capacity and availability", () => {
    const smb = resolveConfig(rawOf("dev"), "mlops-platform", "dev");
    const ent = resolveConfig(rawOf("uae-prod"), "mlops-platform", "uae-prod");
    expect(smb.availability.multiAz).toBe(false);
    expect(ent.availability.multiAz).toBe(true);
    expect(ent.availability.zoneCount).toBeGreaterThan(smb.availability.zoneCount);
    expect(ent.nodePools.system.minSize).toBeGreaterThan(smb.nodePools.system.minSize);
    // GPU pools scale to zero in every profile.
    for (const cfg of [smb, ent]) for (const p of cfg.nodePools.gpu) expect(p.minSize).toBe(0);
  });

  it("declares the environment explicitly in every shipped stack: production for the uae-prod stacks", () => {
    for (const stack of SHIPPED) {
      expect(rawOf(stack).environment, stack).toBe(stack.startsWith("uae-prod") ? "production" : "development");
    }
  });

  it("takes protection and retention from the environment, at any size", () => {
    for (const profile of ["smb", "enterprise"] as const) {
      const dev = resolveConfig({ ...rawOf("dev"), profile, environment: "development" }, "mlops-platform", "x");
      // What production needs besides (an SSO client secret, the cache's registry credentials, someone alerts reach), as a stack file sets it.
      const needs = {
        oidcClientSecret: { secure: "v1:x" },
        registryCredentials: { "docker-hub": { secure: "v1:x" }, ghcr: { secure: "v1:x" } },
        services: {
          ...(rawOf("dev").services as object),
          alerting: {
            receivers: [
              { name: "ops", type: "email", to: "ops@example.ae", from: "am@example.ae", smarthost: "smtp.example.internal:587" },
            ],
          },
        },
      };
      const prod = resolveConfig({ ...rawOf("dev"), ...needs, profile, environment: "production" }, "mlops-platform", "x");
      expect(dev.protectData, profile).toBe(false);
      expect(prod.protectData, profile).toBe(true);
      expect(prod.retention).toEqual(ENVIRONMENT_PRESETS.production.retention);
      expect(dev.retention).toEqual(ENVIRONMENT_PRESETS.development.retention);
      expect(prod.tags["mlops-platform:environment"]).toBe("production");
      // The profile still decides capacity: an smb production stack stays small.
      expect(prod.availability).toEqual(dev.availability);
      expect(prod.nodePools).toEqual(dev.nodePools);
    }
  });

  it("lets a development stack turn protection on and keep more than its defaults", () => {
    const cfg = resolveConfig({ ...rawOf("dev"), protectData: true, retention: { backupDays: 14 } }, "mlops-platform", "dev");
    expect(cfg.protectData).toBe(true);
    expect(cfg.retention.backupDays).toBe(14);
  });

  it("resolves each model's registered model from its name and its replica bounds from the profile and environment", () => {
    const dev = resolveConfig(rawOf("dev"), "mlops-platform", "dev");
    const [scorer] = dev.models;
    expect(scorer?.serving.registeredModel).toBe("fraud-scorer");
    expect(scorer?.autoscaling).toEqual({ minReplicas: 1, maxReplicas: 4, targetRequestsPerSecond: 20 });
    expect(scorer?.drift).toEqual({ psiThreshold: 0.2, schedule: "0 * * * *" });
    const prod = resolveConfig(rawOf("uae-prod"), "mlops-platform", "uae-prod");
    expect(prod.models.map((m) => [m.name, m.team, m.autoscaling.minReplicas, m.autoscaling.maxReplicas])).toEqual([
      ["fraud-scorer", "fraud", 2, 10],
      ["credit-risk", "credit", 2, 8],
    ]);
    expect(prod.models[1]?.slo.businessMetric?.direction).toBe("higher");
  });

  it("applies per-stack overrides over the profile", () => {
    const raw = { ...rawOf("dev"), availability: { serviceReplicas: 2 }, nodePools: { system: { maxSize: 5 } } };
    const cfg = resolveConfig(raw, "mlops-platform", "dev");
    expect(cfg.availability.serviceReplicas).toBe(2);
    expect(cfg.availability.multiAz).toBe(false); // untouched keys keep the preset
    expect(cfg.nodePools.system.maxSize).toBe(5);
    expect(cfg.nodePools.system.instanceTypes).toEqual(resolveConfig(rawOf("dev"), "m", "d").nodePools.system.instanceTypes);
  });
});

describe("deepMerge", () => {
  it("merges objects key by key and replaces arrays", () => {
    expect(deepMerge({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { c: 3 }, l: [9] })).toEqual({ a: { b: 1, c: 3 }, l: [9] });
    expect(deepMerge({ a: 1 }, undefined)).toEqual({ a: 1 });
  });
});

const gpuPool = {
  name: "gpu",
  instanceTypes: ["g5.2xlarge"],
  minSize: 0,
  maxSize: 2,
  diskSizeGiB: 200,
  taints: [{ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" }],
};
/** A valid model entry of the dev stack (team fraud), with `over` replacing whole fields. */
function model(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "m",
    team: "fraud",
    dataPrefix: "teams/fraud/transactions/",
    training: { repository: "https://git.example.ae/fraud/m.git" },
    serving: { version: 1 },
    ...over,
  };
}
const cpuPool = { name: "inference", instanceTypes: ["m6i.xlarge"], minSize: 1, maxSize: 3, diskSizeGiB: 100 };

/** Each case: a change to the dev stack, and the key the error must name. */
const INVALID: [string, (raw: Record<string, unknown>) => Record<string, unknown>, string][] = [
  ["region outside the UAE", (r) => ({ ...r, region: "us-east-1" }), "mlops-platform:region"],
  ["an Azure location on AWS", (r) => ({ ...r, region: "uaenorth" }), "mlops-platform:region"],
  [
    "an AWS region on Azure",
    (r) => ({ ...r, cloud: "azure", region: "me-central-1", identity: { ...(r.identity as object), clusterAdmins: [] } }),
    "mlops-platform:region",
  ],
  ["unknown cloud", (r) => ({ ...r, cloud: "gcp" }), "mlops-platform:cloud"],
  ["unknown profile", (r) => ({ ...r, profile: "large" }), "mlops-platform:profile"],
  ["missing cloud", ({ cloud: _c, ...r }) => r, "mlops-platform:cloud"],
  ["missing region", ({ region: _r, ...r }) => r, "mlops-platform:region"],
  ["missing identity", ({ identity: _i, ...r }) => r, "mlops-platform:identity"],
  ["unknown top-level key", (r) => ({ ...r, regoin: "me-central-1" }), "mlops-platform:regoin"],
  ["unknown nested key", (r) => ({ ...r, network: { cidr: "10.40.0.0/16", cidrs: [] } }), "mlops-platform:network.cidrs"],
  ["wrong type for protectData", (r) => ({ ...r, protectData: "yes" }), "mlops-platform:protectData"],
  ["production without data protection", (r) => ({ ...r, environment: "production", protectData: false }), "mlops-platform:protectData"],
  [
    "smb production without data protection",
    (r) => ({ ...r, profile: "smb", environment: "production", protectData: false }),
    "mlops-platform:protectData",
  ],
  ["unknown environment", (r) => ({ ...r, environment: "staging" }), "mlops-platform:environment"],
  ["missing environment", ({ environment: _e, ...r }) => r, "mlops-platform:environment"],
  [
    "environment tag set by hand",
    (r) => ({ ...r, tags: { "mlops-platform:environment": "development" } }),
    "mlops-platform:tags.mlops-platform:environment",
  ],
  [
    "production backups below the minimum",
    (r) => ({ ...r, environment: "production", retention: { backupDays: 7 } }),
    "mlops-platform:retention.backupDays",
  ],
  [
    "production logs below the minimum",
    (r) => ({ ...r, environment: "production", retention: { logDays: 30 } }),
    "mlops-platform:retention.logDays",
  ],
  [
    "production model image pinned to a tag only",
    (r) => ({ ...r, environment: "production", models: [model({ serving: { version: 1, image: "repo/m:1.0" } })] }),
    "mlops-platform:models[0].serving.image",
  ],
  ["malformed CIDR", (r) => ({ ...r, network: { cidr: "10.40.0.0/33" } }), "mlops-platform:network.cidr"],
  ["CIDR with host bits", (r) => ({ ...r, network: { cidr: "10.40.1.0/16" } }), "mlops-platform:network.cidr"],
  ["public network range", (r) => ({ ...r, network: { cidr: "8.8.0.0/16" } }), "mlops-platform:network.cidr"],
  [
    "service CIDR overlapping the network",
    (r) => ({ ...r, network: { serviceCidr: "10.40.128.0/20" } }),
    "mlops-platform:network.serviceCidr",
  ],
  ["pod CIDR overlapping the service CIDR", (r) => ({ ...r, network: { podCidr: "172.20.0.0/18" } }), "mlops-platform:network.podCidr"],
  ["API open to the internet", (r) => ({ ...r, network: { apiAllowedCidrs: ["0.0.0.0/0"] } }), "mlops-platform:network.apiAllowedCidrs[0]"],
  [
    "egress allow-list opening everything",
    (r) => ({ ...r, network: { egress: { allowedHosts: ["*"] } } }),
    "mlops-platform:network.egress.allowedHosts[0]",
  ],
  [
    "egress allow-list opening a top-level domain",
    (r) => ({ ...r, network: { egress: { allowedHosts: ["pypi.org", "*.com"] } } }),
    "mlops-platform:network.egress.allowedHosts[1]",
  ],
  [
    "egress allow-list opening a public suffix",
    (r) => ({ ...r, network: { egress: { allowedHosts: ["*.co.uk"] } } }),
    "mlops-platform:network.egress.allowedHosts[0]",
  ],
  [
    "egress allow-list entry with a scheme",
    (r) => ({ ...r, network: { egress: { allowedHosts: ["https://github.com"] } } }),
    "mlops-platform:network.egress.allowedHosts[0]",
  ],
  [
    "egress allow-list entry with a port",
    (r) => ({ ...r, network: { egress: { allowedHosts: ["github.com:443"] } } }),
    "mlops-platform:network.egress.allowedHosts[0]",
  ],
  [
    "egress allow-list not a list",
    (r) => ({ ...r, network: { egress: { allowedHosts: "github.com" } } }),
    "mlops-platform:network.egress.allowedHosts",
  ],
  [
    "firewall opt-out without a reason",
    (r) => ({ ...r, network: { egress: { firewallOptOut: {} } } }),
    "mlops-platform:network.egress.firewallOptOut.reason",
  ],
  [
    "firewall opt-out with a token reason",
    (r) => ({ ...r, network: { egress: { firewallOptOut: { reason: "cost" } } } }),
    "mlops-platform:network.egress.firewallOptOut.reason",
  ],
  [
    "firewall opt-out in enterprise (production)",
    (r) => ({
      ...r,
      profile: "enterprise",
      network: { egress: { firewallOptOut: { reason: "the firewall costs more than the stack itself" } } },
    }),
    "mlops-platform:network.egress.firewallOptOut",
  ],
  [
    "firewall opt-out in an smb production stack",
    (r) => ({
      ...r,
      profile: "smb",
      environment: "production",
      network: { egress: { firewallOptOut: { reason: "the firewall costs more than the stack itself" } } },
    }),
    "mlops-platform:network.egress.firewallOptOut",
  ],
  ["unknown egress key", (r) => ({ ...r, network: { egress: { allowList: ["github.com"] } } }), "mlops-platform:network.egress.allowList"],
  [
    "node pool min > max",
    (r) => ({ ...r, nodePools: { cpu: [{ ...cpuPool, minSize: 5, maxSize: 2 }] } }),
    "mlops-platform:nodePools.cpu[0].minSize",
  ],
  ["negative pool size", (r) => ({ ...r, nodePools: { cpu: [{ ...cpuPool, minSize: -1 }] } }), "mlops-platform:nodePools.cpu[0].minSize"],
  [
    "negative disk size",
    (r) => ({ ...r, nodePools: { cpu: [{ ...cpuPool, diskSizeGiB: -20 }] } }),
    "mlops-platform:nodePools.cpu[0].diskSizeGiB",
  ],
  [
    "fractional node count",
    (r) => ({ ...r, nodePools: { cpu: [{ ...cpuPool, maxSize: 2.5 }] } }),
    "mlops-platform:nodePools.cpu[0].maxSize",
  ],
  [
    "Azure VM size on AWS",
    (r) => ({ ...r, nodePools: { cpu: [{ ...cpuPool, instanceTypes: ["Standard_D4s_v5"] }] } }),
    "mlops-platform:nodePools.cpu[0].instanceTypes[0]",
  ],
  [
    "GPU pool without the GPU taint",
    (r) => ({ ...r, nodePools: { gpu: [{ ...gpuPool, taints: [] }] } }),
    "mlops-platform:nodePools.gpu[0].taints",
  ],
  [
    "a team's GPU queue quota above the GPU pools' capacity (max nodes × GPUs per node)",
    (r) => ({ ...r, teams: [{ name: "fraud", groups: ["team-fraud"], gpuQuota: 4 }] }),
    "mlops-platform:teams[0].gpuQuota",
  ],
  [
    "the teams' GPU queue quotas together above the GPU pools' capacity",
    (r) => ({
      ...r,
      teams: [
        { name: "fraud", groups: ["team-fraud"], gpuQuota: 2 },
        { name: "credit", groups: ["team-credit"], gpuQuota: 2 },
      ],
    }),
    "mlops-platform:teams[1].gpuQuota",
  ],
  [
    "a GPU pool of an instance type the catalogue does not know, without gpusPerNode",
    (r) => ({ ...r, nodePools: { gpu: [{ ...gpuPool, instanceTypes: ["p5en.48xlarge"] }] } }),
    "mlops-platform:nodePools.gpu[0].gpusPerNode",
  ],
  ["only spot GPU pools", (r) => ({ ...r, nodePools: { gpu: [{ ...gpuPool, spot: true }] } }), "mlops-platform:nodePools.gpu"],
  ["spot system pool", (r) => ({ ...r, nodePools: { system: { spot: true } } }), "mlops-platform:nodePools.system.spot"],
  ["duplicate pool names", (r) => ({ ...r, nodePools: { cpu: [cpuPool, cpuPool] } }), "mlops-platform:nodePools.cpu[1].name"],
  ["no CPU pool", (r) => ({ ...r, nodePools: { cpu: [] } }), "mlops-platform:nodePools.cpu"],
  [
    "bad pool name",
    (r) => ({ ...r, nodePools: { cpu: [{ ...cpuPool, name: "Inference_Pool" }] } }),
    "mlops-platform:nodePools.cpu[0].name",
  ],
  [
    "duplicate team",
    (r) => ({
      ...r,
      teams: [
        { name: "a", groups: ["g"] },
        { name: "a", groups: ["g"] },
      ],
    }),
    "mlops-platform:teams[1].name",
  ],
  ["team without groups", (r) => ({ ...r, teams: [{ name: "a", groups: [] }] }), "mlops-platform:teams[0].groups"],
  ["team name not a DNS label", (r) => ({ ...r, teams: [{ name: "Team A", groups: ["g"] }] }), "mlops-platform:teams[0].name"],
  [
    "data lake outside the UAE",
    (r) => ({ ...r, dataLakes: [{ name: "x", uri: "s3://lake/x", region: "eu-west-1" }] }),
    "mlops-platform:dataLakes[0].region",
  ],
  [
    "data lake URI of the other cloud",
    (r) => ({ ...r, dataLakes: [{ name: "x", uri: "abfss://c@acct.dfs.core.windows.net/x", region: "me-central-1" }] }),
    "mlops-platform:dataLakes[0].uri",
  ],
  [
    "OIDC issuer over http",
    (r) => ({ ...r, identity: { ...(r.identity as object), oidcIssuerUrl: "http://sso.example.ae" } }),
    "mlops-platform:identity.oidcIssuerUrl",
  ],
  ["unsupported Kubernetes version", (r) => ({ ...r, kubernetesVersion: "1.21" }), "mlops-platform:kubernetesVersion"],
  ["image digest given as a tag", (r) => ({ ...r, images: { steps: "0.1.0" } }), "mlops-platform:images.steps"],
  ["image digest in upper case", (r) => ({ ...r, images: { mlflow: `sha256:${"A".repeat(64)}` } }), "mlops-platform:images.mlflow"],
  [
    "digest of an image the platform does not build",
    (r) => ({ ...r, images: { feast: `sha256:${"a".repeat(64)}` } }),
    "mlops-platform:images.feast",
  ],
  ["retention below the audit minimum", (r) => ({ ...r, retention: { auditLogDays: 30 } }), "mlops-platform:retention.auditLogDays"],
  [
    "served model pinned to latest",
    (r) => ({ ...r, models: [model({ serving: { version: 1, image: "repo/m:latest" } })] }),
    "mlops-platform:models[0].serving.image",
  ],
  [
    "decreasing canary weights",
    (r) => ({ ...r, models: [model({ serving: { version: 1, strategy: "canary", weights: [50, 10] } })] }),
    "mlops-platform:models[0].serving.weights",
  ],
  ["model version zero", (r) => ({ ...r, models: [model({ serving: { version: 0 } })] }), "mlops-platform:models[0].serving.version"],
  [
    "the old services.serving.models key",
    (r) => ({ ...r, services: { serving: { models: [{ name: "m", registeredModel: "m", version: 1 }] } } }),
    "mlops-platform:services.serving",
  ],
  ["a model of an unknown team", (r) => ({ ...r, models: [model({ team: "payments" })] }), "mlops-platform:models[0].team"],
  [
    "a drift threshold of zero",
    (r) => ({ ...r, models: [model({ drift: { psiThreshold: 0 } })] }),
    "mlops-platform:models[0].drift.psiThreshold",
  ],
  [
    "a drift schedule that is not a cron expression",
    (r) => ({ ...r, models: [model({ drift: { schedule: "hourly" } })] }),
    "mlops-platform:models[0].drift.schedule",
  ],
  ["an unknown drift key", (r) => ({ ...r, models: [model({ drift: { threshold: 0.3 } })] }), "mlops-platform:models[0].drift.threshold"],
  [
    "duplicate model names",
    (r) => ({ ...r, models: [model(), model({ dataPrefix: "teams/fraud/other/" })] }),
    "mlops-platform:models[1].name",
  ],
  [
    "a team's Entra group id that is not a GUID",
    () => ({ ...rawOf("uae-prod-azure"), teams: [{ name: "fraud", groups: ["team-fraud"], entraGroupIds: ["team-fraud"] }] }),
    "mlops-platform:teams[0].entraGroupIds[0]",
  ],
  [
    "Entra group ids on an AWS stack",
    (r) => ({ ...r, teams: [{ name: "fraud", groups: ["team-fraud"], entraGroupIds: ["00000000-0000-0000-0000-0000000000f1"] }] }),
    "mlops-platform:teams[0].entraGroupIds",
  ],
  [
    "a team's SSO role that is not an IAM role ARN",
    (r) => ({ ...r, teams: [{ name: "fraud", groups: ["team-fraud"], ssoRoleArns: ["arn:aws:iam::123456789012:user/ana"] }] }),
    "mlops-platform:teams[0].ssoRoleArns[0]",
  ],
  [
    "SSO roles on an Azure stack",
    () => ({
      ...rawOf("uae-prod-azure"),
      teams: [{ name: "fraud", groups: ["team-fraud"], ssoRoleArns: ["arn:aws:iam::123456789012:role/sso-fraud"] }],
    }),
    "mlops-platform:teams[0].ssoRoleArns",
  ],
  [
    "a platform-wide approver group that is also a team's member group (the team would approve itself)",
    (r) => ({ ...r, identity: { ...(r.identity as object), approverGroups: ["mlops-approvers", "team-fraud"] } }),
    "mlops-platform:identity.approverGroups[1]",
  ],
  [
    "a team's approver group that is one of its member groups",
    (r) => ({ ...r, teams: [{ name: "fraud", groups: ["team-fraud"], approverGroups: ["team-fraud"] }] }),
    "mlops-platform:teams[0].approverGroups[0]",
  ],
  [
    "an empty platform-wide approver group",
    (r) => ({ ...r, identity: { ...(r.identity as object), approverGroups: [""] } }),
    "mlops-platform:identity.approverGroups[0]",
  ],
  [
    "overlapping data prefixes",
    (r) => ({ ...r, models: [model(), model({ name: "m2", dataPrefix: "teams/fraud/transactions/cards/" })] }),
    "mlops-platform:models[1].dataPrefix",
  ],
  ["an absolute data prefix", (r) => ({ ...r, models: [model({ dataPrefix: "/teams/fraud/" })] }), "mlops-platform:models[0].dataPrefix"],
  [
    "minReplicas above maxReplicas",
    (r) => ({ ...r, models: [model({ autoscaling: { minReplicas: 5, maxReplicas: 2 } })] }),
    "mlops-platform:models[0].autoscaling.minReplicas",
  ],
  [
    "minReplicas above the profile's default maximum",
    (r) => ({ ...r, models: [model({ autoscaling: { minReplicas: 9 } })] }),
    "mlops-platform:models[0].autoscaling.minReplicas",
  ],
  [
    "scale to zero in production",
    (r) => ({
      ...r,
      environment: "production",
      models: [model({ serving: { version: 1, strategy: "canary" }, autoscaling: { minReplicas: 0 } })],
    }),
    "mlops-platform:models[0].autoscaling.minReplicas",
  ],
  [
    "scale to zero with blue-green",
    (r) => ({ ...r, models: [model({ autoscaling: { minReplicas: 0 } })] }),
    "mlops-platform:models[0].autoscaling.minReplicas",
  ],
  [
    "training with both an image and a repository",
    (r) => ({ ...r, models: [model({ training: { image: "reg.example.ae/t/m:1", repository: "https://git.example.ae/m.git" } })] }),
    "mlops-platform:models[0].training",
  ],
  [
    "a business metric on a blue-green model",
    (r) => ({ ...r, models: [model({ slo: { businessMetric: { name: "approvals", query: 'sum(x{variant="{{variant}}"})' } } })] }),
    "mlops-platform:models[0].slo.businessMetric",
  ],
  [
    "production training image pinned to a tag only",
    (r) => ({ ...r, environment: "production", models: [model({ training: { image: "reg.example.ae/train/m:1.0" } })] }),
    "mlops-platform:models[0].training.image",
  ],
  ["a malformed schedule", (r) => ({ ...r, models: [model({ schedule: "every day" })] }), "mlops-platform:models[0].schedule"],
  [
    "a business metric without {{variant}}",
    (r) => ({ ...r, models: [model({ slo: { businessMetric: { name: "approvals", query: "sum(rate(approved_total[5m]))" } } })] }),
    "mlops-platform:models[0].slo.businessMetric.query",
  ],
];

describe("invalid configuration is refused with the key, the value and the fix", () => {
  it("has a corpus of at least 25 cases", () => {
    expect(INVALID.length).toBeGreaterThanOrEqual(25);
  });

  it.each(INVALID)("%s", (_label, mutate, key) => {
    const err = problemsOf(mutate(rawOf("dev")));
    const problem = err.problems.find((p) => p.key === key);
    expect(problem, `no problem for ${key} in:\n${err.message}`).toBeDefined();
    expect(problem?.message.length).toBeGreaterThan(10);
    expect(err.message).toContain(key);
    expect(err.message).toContain("received:");
  });

  it("refuses the old services.serving.models key by naming the top-level models key that replaces it", () => {
    const err = problemsOf({ ...rawOf("dev"), services: { serving: { models: [] } } });
    expect(err.message).toMatch(/mlops-platform:services\.serving: has moved to the top-level key mlops-platform:models/);
  });

  it.each([
    ["a cache prefix", "docker-hub", "the stack registry's cache prefix of docker.io"],
    ["another cache prefix", "gcr", "the stack registry's cache prefix of gcr.io"],
    ["the stack's ECR prefix", "mlops-platform-test", "the stack's ECR repository prefix"],
  ])("refuses a team named like %s when it builds a model, and only then", (_what, team, why) => {
    const raw = rawOf("dev");
    const teams = [
      ...(raw.teams as Record<string, unknown>[]),
      { ...(raw.teams as Record<string, unknown>[])[0], name: team, gpuQuota: 0 },
    ];
    const err = problemsOf({ ...raw, teams, models: [model({ team, dataPrefix: `teams/${team}/x/` })] });
    expect(err.message).toContain(
      `mlops-platform:models[0].team: is ${why}: a model built from training.repository pushes to <team>/<model>`,
    );
    expect(err.message).toContain(`(received: "${team}")`);
    expect(err.message).toContain("teams[].name");
    // The same team with a model that is not built in the cluster has no repository there.
    expect(() =>
      resolveConfig(
        {
          ...raw,
          teams,
          models: [model({ team, dataPrefix: `teams/${team}/x/`, training: { image: `r.example/m@sha256:${"a".repeat(64)}` } })],
        },
        "mlops-platform",
        "test",
      ),
    ).not.toThrow();
  });

  it("names the received value", () => {
    const err = problemsOf({ ...rawOf("dev"), region: "eu-central-1" });
    expect(err.message).toContain(
      'mlops-platform:region: is outside the UAE allow-list for aws: use one of me-central-1 (received: "eu-central-1")',
    );
  });

  it("names the key to set when a production fork lacks what production requires", () => {
    const err = problemsOf({ ...rawOf("dev"), environment: "production", protectData: false, retention: { backupDays: 7 } });
    expect(err.message).toContain("mlops-platform:protectData: cannot be false in a production stack");
    expect(err.message).toContain("set mlops-platform:retention.backupDays to at least 35 (received: 7)");
    const missing = problemsOf(Object.fromEntries(Object.entries(rawOf("dev")).filter(([k]) => k !== "environment")));
    expect(missing.message).toContain('mlops-platform:environment: must be one of "development", "production" (received: (missing))');
  });

  it("lists every problem at once", () => {
    const err = problemsOf({ ...rawOf("dev"), network: { cidr: "10.40.0.0/33" }, teams: [{ name: "Bad Name", groups: [] }] });
    const keys = err.problems.map((p) => p.key);
    expect(keys).toEqual(
      expect.arrayContaining(["mlops-platform:network.cidr", "mlops-platform:teams[0].name", "mlops-platform:teams[0].groups"]),
    );
  });
});

describe("network.egress", () => {
  it("extends the firewall allow-list per stack, and lets an smb development stack opt out with a recorded reason", () => {
    const withHosts = resolveConfig(
      { ...rawOf("dev"), network: { egress: { allowedHosts: ["github.com", "*.pythonhosted.org"] } } },
      "p",
      "dev",
    );
    expect(withHosts.network.egress).toEqual({ allowedHosts: ["github.com", "*.pythonhosted.org"] });
    expect(resolveConfig(rawOf("dev"), "p", "dev").network.egress).toEqual({ allowedHosts: [] });
    const reason = "throw-away sandbox without data; costs reviewed by the platform owner";
    const optedOut = resolveConfig({ ...rawOf("dev"), network: { egress: { firewallOptOut: { reason } } } }, "p", "dev");
    expect(optedOut.network.egress.firewallOptOut).toEqual({ reason });
  });
});
