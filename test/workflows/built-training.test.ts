/**
 * The training identity of a built model (`models[].training.repository`): its identity spec, the
 * settings entry the retrain step reads, and the refusals before anything is created. Pure (the
 * plans and the step code are tested in test/plan/workload-identities.test.ts and steps.test.ts).
 */
import type * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import type { WorkloadIdentityRef } from "../../components/contracts";
import { trainingAccountProblems, trainingAccountResources } from "../../components/k8s/training-accounts";
import { trainingIdentitySpecs } from "../../stacks/identities";
import {
  BUILT_MODELS_SETTING,
  builtTrainingFor,
  parseBuiltModels,
  trainingArtifactPrefix,
  trainingServiceAccount,
} from "../../workflows/steps/lib/built-training";

const REGISTRY = "123456789012.dkr.ecr.me-central-1.amazonaws.com";
const DIGEST = `@sha256:${"a".repeat(64)}`;
const entry = {
  registeredModel: "fraud-scorer",
  model: "fraud-scorer",
  repository: `${REGISTRY}/fraud/fraud-scorer`,
  account: "train-fraud-scorer",
  podLabels: {},
};

describe("trainingIdentitySpecs: one identity per built model, limited to its own data and prefix", () => {
  const longest = "m".repeat(30);
  const specs = trainingIdentitySpecs({
    models: [
      {
        name: "fraud-scorer",
        team: "fraud",
        dataPrefix: "teams/fraud/transactions/",
        training: { repository: "https://git.example.ae/f.git" },
      },
      { name: "pinned", team: "fraud", dataPrefix: "teams/fraud/pinned/", training: { image: `${REGISTRY}/x${DIGEST}` } },
      { name: longest, team: "credit", dataPrefix: "platform/x/", training: { repository: "https://git.example.ae/c.git" } },
    ] as never,
  });

  it("reads the model's data prefix and writes only its own runs' prefix, in ml-pipelines; a pinned image's model gets none", () => {
    expect(specs.map((s) => s.key)).toEqual(["train-fraud-scorer", `train-${longest}`]);
    expect(specs[0]).toEqual({
      key: "train-fraud-scorer",
      namespace: "ml-pipelines",
      serviceAccounts: ["train-fraud-scorer"],
      buckets: [
        { purpose: "datasets", prefix: "teams/fraud/transactions/", mode: "read" },
        { purpose: "artifacts", prefix: "pipelines/ml-pipelines/train/fraud-scorer/", mode: "readwrite" },
      ],
      readDataLakes: false,
      registry: "none",
      consumeDataEvents: false,
    });
    expect(trainingArtifactPrefix("pipelines/ml-pipelines/", "x")).toBe("pipelines/ml-pipelines/train/x/");
  });

  it("keeps the longest model name (30 characters) within both clouds' identity keys", () => {
    expect(specs[1]?.key).toMatch(/^[a-z][a-z0-9-]{0,39}$/);
    expect(trainingServiceAccount(longest)).toHaveLength(36);
  });
});

describe("the built models' settings entry", () => {
  it("reads the list the platform writes, and none when the key is absent or empty", () => {
    expect(parseBuiltModels(JSON.stringify([entry]))).toEqual([entry]);
    expect(parseBuiltModels(undefined)).toEqual([]);
    expect(parseBuiltModels(" ")).toEqual([]);
  });
  it.each([
    ["not JSON", "{", /is not JSON/],
    ["not a list", "{}", /must be a JSON list/],
    ["another account than the model's", JSON.stringify([{ ...entry, account: "pipeline-data" }]), /\[0\]: invalid account/],
    ["a repository of another model", JSON.stringify([{ ...entry, repository: `${REGISTRY}/fraud/other` }]), /invalid repository/],
    [
      "a repository with a digest",
      JSON.stringify([{ ...entry, repository: `${REGISTRY}/fraud/fraud-scorer${DIGEST}` }]),
      /invalid repository/,
    ],
    ["labels that are not strings", JSON.stringify([{ ...entry, podLabels: { a: 1 } }]), /invalid podLabels/],
    ["no registered model", JSON.stringify([{ ...entry, registeredModel: "" }]), /invalid registeredModel/],
  ])("refuses %s, naming the key", (_l, value, pattern) => {
    expect(() => parseBuiltModels(value)).toThrow(new RegExp(`${BUILT_MODELS_SETTING}.*`));
    expect(() => parseBuiltModels(value)).toThrow(pattern);
  });

  it("gives a built image its model's entry, any other image none, and refuses another model's or a tag", () => {
    const other = {
      ...entry,
      registeredModel: "credit-risk",
      model: "credit-risk",
      repository: `${REGISTRY}/credit/credit-risk`,
      account: "train-credit-risk",
    };
    const built = [entry, other];
    expect(builtTrainingFor(built, "fraud-scorer", `${entry.repository}${DIGEST}`)).toEqual(entry);
    expect(builtTrainingFor(built, "fraud-scorer", `${REGISTRY}/fraud/trainer${DIGEST}`)).toBeUndefined();
    expect(builtTrainingFor(built, "fraud-scorer", `${entry.repository}-x${DIGEST}`)).toBeUndefined();
    expect(() => builtTrainingFor(built, "fraud-scorer", `${other.repository}${DIGEST}`)).toThrow(/trains credit-risk, not fraud-scorer/);
    expect(() => builtTrainingFor(built, "fraud-scorer", `${entry.repository}:main`)).toThrow(/by digest only/);
    expect(() => builtTrainingFor(built, "fraud-scorer", `${entry.repository}${DIGEST}x`)).toThrow(/by digest only/);
  });
});

describe("trainingAccountResources", () => {
  it("refuses a built model without its training identity, before creating anything; nothing to do without built models", () => {
    const args = {
      namespace: "ml-pipelines",
      namespaceName: "ml-pipelines",
      models: ["fraud-scorer", "credit-risk"],
      identities: { "fraud-scorer": {} as WorkloadIdentityRef },
      artifactStore: { cloud: "aws", bucket: "a", region: "me-central-1", endpoint: "s3.me-central-1.amazonaws.com" },
      artifactPrefix: "pipelines/ml-pipelines/",
      dependsOn: [],
    } as const;
    expect(trainingAccountProblems("t", args).join()).toMatch(
      /identities: no training identity for credit-risk; the cloud layer must bind one per built model/,
    );
    expect(() => trainingAccountResources("t", args, {} as pulumi.Resource)).toThrow(/no training identity for credit-risk/);
    expect(() => trainingAccountResources("t", { ...args, models: [] }, {} as pulumi.Resource)).not.toThrow();
  });
});
