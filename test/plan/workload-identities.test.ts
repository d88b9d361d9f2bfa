/**
 * One workload, one identity, in every shipped plan: in each pipeline namespace the user's
 * training code (`pipeline-train`), the data steps (`pipeline-data`) and the platform's
 * registration and promotion steps (`pipeline-register`, `pipeline-deploy`) assume three different
 * cloud identities. Read from the plan the cloud would receive: IAM trust policies and inline
 * policies on AWS, federated credentials and role assignments on Azure, and the service-account
 * annotations that pick the identity.
 */

import { describe, expect, it } from "vitest";
import type { AdmissionPolicyDefinition } from "../../components/k8s/admission-rules";
import { teamNamespace } from "../../contracts/endpoints";
import type { PlanResource } from "../../tools/lib/harness";
import { readStackConfig } from "../../tools/lib/stack-config";
import { evaluatePolicies, verdictProblems } from "../../workflows/admission-check";
import { shippedPlan } from "../support/shipped-plan";

type Obj = Record<string, unknown>;
const meta = (r: PlanResource) => (r.inputs.metadata ?? {}) as { name?: string; namespace?: string; annotations?: Record<string, string> };

function accountsOf(plan: readonly PlanResource[], namespace: string): Map<string, Record<string, string>> {
  return new Map(
    plan
      .filter(
        (r) => r.type === "kubernetes:core/v1:ServiceAccount" && meta(r).namespace === namespace && meta(r).name?.startsWith("pipeline-"),
      )
      .map((r) => [meta(r).name as string, meta(r).annotations ?? {}]),
  );
}

/** Every string value under `v` (statement fields may be a string or a list). */
const strings = (v: unknown): string[] => (typeof v === "string" ? [v] : Array.isArray(v) ? v.flatMap(strings) : []);

/** A shipped ValidatingAdmissionPolicy of the plan, in the shape the CEL evaluator takes. */
function admissionPolicyOf(
  plan: readonly PlanResource[],
  name: string,
  target: "pods" | "workflows",
  scope: "guarded" | "teams",
): AdmissionPolicyDefinition {
  const r = plan.find((x) => x.type === "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy" && meta(x).name === name);
  const spec = (r?.inputs.spec ?? {}) as Pick<AdmissionPolicyDefinition, "variables" | "validations">;
  return { name, description: "", target, scope, variables: spec.variables ?? [], validations: spec.validations };
}

/** The images a pod policy admits as the platform's own: Argo's executor and the step image. */
function platformImagesOf(policy: AdmissionPolicyDefinition): { executor: string; steps: string } {
  const images = String(policy.variables.find((v) => v.name === "platformImages")?.expression)
    .slice(1, -1)
    .split(", ")
    .map((x) => x.slice(1, -1));
  return {
    executor: images.find((i) => i.includes("argoexec")) as string,
    steps: images.find((i) => /\/steps[:@]/.test(i)) as string,
  };
}

describe.each(["dev", "uae-prod"])("AWS workload identities of the pipeline namespaces (%s)", (stack) => {
  const plan = shippedPlan(stack).resources;
  const roles = plan.filter((r) => r.type === "aws:iam/role:Role");
  const roleByArn = (arn: string) => roles.find((r) => r.outputs.arn === arn);
  const subjects = (role: PlanResource) => {
    const doc = JSON.parse(String(role.inputs.assumeRolePolicy)) as { Statement: { Condition?: Record<string, Obj> }[] };
    return doc.Statement.flatMap((s) =>
      Object.values(s.Condition ?? {}).flatMap((c) => Object.entries(c).flatMap(([k, v]) => (k.endsWith(":sub") ? strings(v) : []))),
    ).sort();
  };
  const statements = (role: PlanResource) =>
    plan
      .filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.inputs.role === role.outputs.name)
      .flatMap((r) => (JSON.parse(String(r.inputs.policy)) as { Statement: Obj[] }).Statement);
  const namespaces = [
    "ml-pipelines",
    ...new Set(
      plan
        .filter((r) => r.type === "kubernetes:core/v1:Namespace")
        .flatMap((r) => (meta(r).name?.startsWith(teamNamespace("")) ? [meta(r).name as string] : [])),
    ),
  ];

  it.each(namespaces)("%s: training, data steps and release steps assume three roles, each trusting only its accounts", (ns) => {
    const sa = accountsOf(plan, ns);
    const role = (account: string) => {
      const r = roleByArn(sa.get(account)?.["eks.amazonaws.com/role-arn"] ?? "");
      if (!r) throw new Error(`${ns}/${account}: no role`);
      return r;
    };
    const [data, train, register, deploy] = ["pipeline-data", "pipeline-train", "pipeline-register", "pipeline-deploy"].map(role);
    expect(new Set([data?.urn, train?.urn, register?.urn]).size).toBe(3);
    expect(deploy?.urn).toBe(register?.urn);
    expect(subjects(train as PlanResource)).toEqual([`system:serviceaccount:${ns}:pipeline-train`]);
    expect(subjects(data as PlanResource)).toEqual([`system:serviceaccount:${ns}:pipeline-data`]);
    expect(subjects(register as PlanResource)).toEqual([
      `system:serviceaccount:${ns}:pipeline-deploy`,
      `system:serviceaccount:${ns}:pipeline-register`,
    ]);

    // Training: reads its inputs, writes only its namespace's artifacts; no registry, queue or key beyond storage.
    const trainStatements = statements(train as PlanResource);
    const actions = trainStatements.flatMap((s) => strings(s.Action));
    expect(actions.some((a) => a.startsWith("ecr:") || a.startsWith("sqs:"))).toBe(false);
    const writes = trainStatements.filter((s) => strings(s.Action).some((a) => /^s3:(Put|Delete|AbortMultipart)/.test(a)));
    expect(writes.length).toBeGreaterThan(0);
    for (const w of writes) for (const r of strings(w.Resource)) expect(r, ns).toMatch(new RegExp(`-artifacts-[^/]+/pipelines/${ns}/\\*$`));

    // Release (registration, promotion): the namespace's artifacts only, nothing of the data.
    const releaseResources = statements(register as PlanResource).flatMap((s) => strings(s.Resource));
    expect(releaseResources.length).toBeGreaterThan(0);
    for (const r of releaseResources) expect(r, ns).not.toMatch(/-(datasets|features)-|:sqs:|:ecr:/);
  });
});

describe.each(["dev-azure", "uae-prod-azure"])("Azure workload identities of the pipeline namespaces (%s)", (stack) => {
  const plan = shippedPlan(stack).resources;
  const identities = plan.filter((r) => r.type === "azure-native:managedidentity:UserAssignedIdentity");
  const byClientId = (id: string) => identities.find((r) => r.outputs.clientId === id);
  const credentials = (identity: PlanResource) =>
    plan
      .filter(
        (r) => r.type === "azure-native:managedidentity:FederatedIdentityCredential" && r.inputs.resourceName === identity.outputs.name,
      )
      .map((r) => String(r.inputs.subject))
      .sort();
  const grants = (identity: PlanResource) =>
    plan
      .filter((r) => r.type === "azure-native:authorization:RoleAssignment" && r.inputs.principalId === identity.outputs.principalId)
      .map((r) => String(r.inputs.description));
  const namespaces = [
    "ml-pipelines",
    ...plan
      .filter((r) => r.type === "kubernetes:core/v1:Namespace")
      .flatMap((r) => (meta(r).name?.startsWith(teamNamespace("")) ? [meta(r).name as string] : [])),
  ];

  it.each([...new Set(namespaces)])("%s: training, data steps and release steps are three managed identities", (ns) => {
    const sa = accountsOf(plan, ns);
    const identity = (account: string) => {
      const r = byClientId(sa.get(account)?.["azure.workload.identity/client-id"] ?? "");
      if (!r) throw new Error(`${ns}/${account}: no managed identity`);
      return r;
    };
    const [data, train, register, deploy] = ["pipeline-data", "pipeline-train", "pipeline-register", "pipeline-deploy"].map(identity);
    expect(new Set([data?.urn, train?.urn, register?.urn]).size).toBe(3);
    expect(deploy?.urn).toBe(register?.urn);
    expect(credentials(train as PlanResource)).toEqual([`system:serviceaccount:${ns}:pipeline-train`]);
    expect(credentials(register as PlanResource)).toEqual([
      `system:serviceaccount:${ns}:pipeline-deploy`,
      `system:serviceaccount:${ns}:pipeline-register`,
    ]);
    const trainGrants = grants(train as PlanResource);
    const ownArtifacts = new RegExp(`: readwrite artifacts/pipelines/${ns}/$`);
    expect(trainGrants.filter((d) => ownArtifacts.test(d))).toHaveLength(1);
    // Nothing the training code may write except its namespace's artifacts; the rest is read (no registry pull).
    for (const d of trainGrants) expect(d, ns).toMatch(new RegExp(`${ownArtifacts.source}|: read |: read-only data lake `));
    expect(grants(register as PlanResource).map((d) => ownArtifacts.test(d))).toEqual([true]);
  });
});

/**
 * Each model's drift runs in every shipped plan: the model's CronWorkflow runs as `drift-<model>`,
 * bound to an identity of its own that reads only the model's capture and training data and
 * writes only its own run's logs and report; no other identity reads a model's capture but the
 * model servers that write it.
 */
describe.each([
  ["dev", "aws"],
  ["uae-prod", "aws"],
  ["dev-azure", "azure"],
  ["uae-prod-azure", "azure"],
] as const)("each model's drift identity, and each built model's training identity (%s)", (stack, cloud) => {
  const plan = shippedPlan(stack).resources;
  const labelsOf = (r: PlanResource): Record<string, string> => (r.inputs.metadata as { labels?: Record<string, string> }).labels ?? {};
  const drift = plan.filter(
    (r) => r.type === "kubernetes:argoproj.io/v1alpha1:CronWorkflow" && labelsOf(r)["mlops.platform/pipeline"] === "drift-monitor",
  );
  const modelOf = (r: PlanResource) => labelsOf(r)["mlops.platform/model"] as string;
  const models = drift.map(modelOf).sort();
  const workflowSpec = (r: PlanResource) => (r.inputs.spec as Obj).workflowSpec as Obj;
  /** The model's data prefix, from the retraining data its CronWorkflow passes. */
  const dataPrefixOf = (r: PlanResource) => {
    const p = ((workflowSpec(r).arguments as Obj).parameters as { name: string; value: string }[]).find(
      (x) => x.name === "retrain-data-uri",
    );
    return String(p?.value).replace(/^[a-z0-9]+:\/\/[^/]+\//, "");
  };
  const account = (ns: string, name: string) =>
    plan.find((r) => r.type === "kubernetes:core/v1:ServiceAccount" && meta(r).namespace === ns && meta(r).name === name);

  /** The object keys (`<bucket purpose>/<key>`) an identity may read and write, with a probe object of each prefix. */
  type Access = (purpose: string, key: string) => { read: boolean; write: boolean };
  const glob = (pattern: string) =>
    new RegExp(
      `^${pattern
        .split("*")
        .map((x) => x.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join(".*")}$`,
    );
  function awsAccess(role: PlanResource | undefined): Access {
    const statements = plan
      .filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.inputs.role === role?.outputs.name)
      .flatMap((r) => (JSON.parse(String(r.inputs.policy)) as { Statement: Obj[] }).Statement);
    return (purpose, key) => {
      const matching = statements.filter((s) =>
        strings(s.Resource).some((res) => {
          const m = /^arn:aws:s3:::[a-z0-9-]+-([a-z]+)-[a-z0-9]+\/(.*)$/.exec(res);
          return m !== null && m[1] === purpose && glob(m[2] as string).test(key);
        }),
      );
      const actions = matching.flatMap((s) => strings(s.Action));
      return { read: actions.includes("s3:GetObject"), write: actions.includes("s3:PutObject") };
    };
  }
  function azureAccess(identity: PlanResource | undefined): Access {
    const assignments = plan.filter(
      (r) => r.type === "azure-native:authorization:RoleAssignment" && r.inputs.principalId === identity?.outputs.principalId,
    );
    return (purpose, key) => {
      const matching = assignments.filter((a) => {
        if (!String(a.inputs.scope).endsWith(`/blobServices/default/containers/${purpose}`)) return false;
        const prefix = /StringStartsWith '([^']*)'/.exec(String(a.inputs.condition ?? ""));
        return prefix === null || key.startsWith(prefix[1] as string);
      });
      return {
        read: matching.length > 0,
        write: matching.some((a) => String(a.inputs.roleDefinitionId).endsWith("ba92f5b4-2d11-453d-a403-e96b0029c9fe")),
      };
    };
  }
  /** Every identity of the plan with what it may touch. */
  const identities: { name: string; access: Access }[] =
    cloud === "aws"
      ? plan.filter((r) => r.type === "aws:iam/role:Role").map((r) => ({ name: r.name, access: awsAccess(r) }))
      : plan
          .filter((r) => r.type === "azure-native:managedidentity:UserAssignedIdentity")
          .map((r) => ({ name: r.name, access: azureAccess(r) }));
  const identityOf = (sa: PlanResource | undefined) => {
    const a = meta(sa as PlanResource).annotations ?? {};
    return cloud === "aws"
      ? plan.find((r) => r.type === "aws:iam/role:Role" && r.outputs.arn === a["eks.amazonaws.com/role-arn"])
      : plan.find(
          (r) =>
            r.type === "azure-native:managedidentity:UserAssignedIdentity" && r.outputs.clientId === a["azure.workload.identity/client-id"],
        );
  };

  it("declares a drift CronWorkflow per model, each running as the model's own account with its own artifact repository", () => {
    // One per declared model (the stack file's models:), no more, no fewer.
    const declared = (readStackConfig(process.cwd(), stack).values["mlops-platform:models"] as { name: string }[]).map((m) => m.name);
    expect(models).toEqual([...declared].sort());
    expect(models.length).toBeGreaterThan(0);
    const repositories = plan.find(
      (r) =>
        r.type === "kubernetes:core/v1:ConfigMap" && meta(r).name === "drift-artifact-repositories" && meta(r).namespace === "ml-pipelines",
    );
    for (const r of drift) {
      const m = modelOf(r);
      expect(meta(r).namespace).toBe("ml-pipelines");
      expect(workflowSpec(r).serviceAccountName).toBe(`drift-${m}`);
      expect(workflowSpec(r).artifactRepositoryRef).toEqual({ configMap: "drift-artifact-repositories", key: m });
      expect(String(((repositories?.inputs.data ?? {}) as Obj)[m])).toContain(
        `pipelines/ml-pipelines/drift/${m}/{{workflow.creationTimestamp.Y}}`,
      );
      expect(account("ml-pipelines", `drift-${m}`), m).toBeDefined();
      expect(account(teamNamespace("fraud"), `drift-${m}`), m).toBeUndefined();
      if (cloud === "azure") expect(((workflowSpec(r).podMetadata as Obj).labels as Obj)["azure.workload.identity/use"]).toBe("true");
    }
  });

  it("binds each drift account to an identity of its own that trusts only that account", () => {
    const seen = new Set<string>();
    for (const m of models) {
      const id = identityOf(account("ml-pipelines", `drift-${m}`));
      if (!id) throw new Error(`drift-${m}: no identity`);
      expect(seen.has(id.urn)).toBe(false);
      seen.add(id.urn);
      if (cloud === "aws") {
        const doc = JSON.parse(String(id.inputs.assumeRolePolicy)) as { Statement: { Condition?: Record<string, Obj> }[] };
        const subjects = doc.Statement.flatMap((s) =>
          Object.values(s.Condition ?? {}).flatMap((c) => Object.entries(c).flatMap(([k, v]) => (k.endsWith(":sub") ? strings(v) : []))),
        );
        expect(subjects).toEqual([`system:serviceaccount:ml-pipelines:drift-${m}`]);
      } else {
        const subjects = plan
          .filter((r) => r.type === "azure-native:managedidentity:FederatedIdentityCredential" && r.inputs.resourceName === id.outputs.name)
          .map((r) => r.inputs.subject);
        expect(subjects).toEqual([`system:serviceaccount:ml-pipelines:drift-${m}`]);
      }
    }
  });

  it("lets a model's drift identity read only its own capture and training data, and write only its own run's logs", () => {
    for (const r of drift) {
      const m = modelOf(r);
      const prefix = dataPrefixOf(r);
      const access = (cloud === "aws" ? awsAccess : azureAccess)(identityOf(account("ml-pipelines", `drift-${m}`)));
      expect(access("artifacts", `capture/${m}/2026-01-01/part-0.jsonl`)).toEqual({ read: true, write: false });
      expect(access("datasets", `${prefix}batch-1/part-0.csv`)).toEqual({ read: true, write: false });
      expect(access("artifacts", `pipelines/ml-pipelines/drift/${m}/2026/01/01/drift-${m}-1/pod/main.log`)).toEqual({
        read: true,
        write: true,
      });
      for (const other of models.filter((o) => o !== m)) {
        expect(access("artifacts", `capture/${other}/2026-01-01/part-0.jsonl`), `${m} reads ${other}`).toEqual({
          read: false,
          write: false,
        });
        expect(access("artifacts", `pipelines/ml-pipelines/drift/${other}/x.log`)).toEqual({ read: false, write: false });
      }
      // Nothing else of the platform's data: not the training artifacts, other data, features or logs.
      for (const [purpose, key] of [
        ["artifacts", "pipelines/ml-pipelines/2026/01/01/training-x/pod/model.tgz"],
        ["artifacts", "mlflow/1/model.pkl"],
        ["datasets", "platform/x.csv"],
        ["datasets", "teams/other/x.csv"],
        ["features", "feast/registry.db"],
        ["logs", "x"],
      ] as const)
        expect(access(purpose, key), `${m}: ${purpose}/${key}`).toEqual({ read: false, write: false });
      if (cloud === "aws") {
        const role = identityOf(account("ml-pipelines", `drift-${m}`));
        const statements = plan
          .filter((x) => x.type === "aws:iam/rolePolicy:RolePolicy" && x.inputs.role === role?.outputs.name)
          .flatMap((x) => (JSON.parse(String(x.inputs.policy)) as { Statement: Obj[] }).Statement);
        const actions = statements.flatMap((s) => strings(s.Action));
        expect(actions.filter((a) => !a.startsWith("s3:") && !a.startsWith("kms:"))).toEqual([]);
        for (const s of statements.filter((x) => strings(x.Action).some((a) => a.startsWith("kms:"))))
          expect(Object.values((s.Condition as Obj).StringEquals as Obj)).toEqual([
            expect.stringMatching(/^s3\.me-central-1\.amazonaws\.com$/),
          ]);
        // Listing is limited to the same prefixes.
        for (const s of statements.filter((x) => strings(x.Action).includes("s3:ListBucket")))
          for (const p of strings(((s.Condition as Obj).StringLike as Obj)["s3:prefix"]))
            expect(p, m).toMatch(new RegExp(`^(capture/${m}/|pipelines/ml-pipelines/drift/${m}/|${prefix.replace(/[.]/g, "\\.")})`));
      } else {
        const id = identityOf(account("ml-pipelines", `drift-${m}`));
        const assignments = plan.filter(
          (x) => x.type === "azure-native:authorization:RoleAssignment" && x.inputs.principalId === id?.outputs.principalId,
        );
        expect(assignments).toHaveLength(3);
        for (const a of assignments) {
          expect(a.inputs.conditionVersion).toBe("2.0");
          expect(String(a.inputs.condition)).toContain("@Request[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:prefix]");
        }
      }
    }
  });

  it("agrees with the shipped admission policies, evaluated with the real CEL: drift accounts in ml-pipelines only, platform images only", () => {
    const policy = (name: string, target: "pods" | "workflows", scope: "guarded" | "teams") => admissionPolicyOf(plan, name, target, scope);
    const accounts = policy("mlops-service-accounts", "pods", "guarded");
    const identities = policy("mlops-workflow-identities", "workflows", "teams");
    expect(accounts.validations.length).toBeGreaterThan(0);
    const { executor, steps } = platformImagesOf(accounts);
    const pod = (serviceAccountName: string, image: string) => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "drift-x-residency-1" },
      spec: {
        serviceAccountName,
        initContainers: [{ name: "init", image: executor }],
        containers: [
          { name: "wait", image: executor },
          { name: "main", image },
        ],
      },
    });
    const judge = (policies: AdmissionPolicyDefinition[], object: unknown, namespace: string) =>
      verdictProblems(evaluatePolicies(policies, { object, namespace, team: namespace.startsWith("team-") }));
    for (const m of models) {
      const sa = `drift-${m}`;
      expect(judge([accounts], pod(sa, steps), "ml-pipelines"), m).toEqual([]);
      expect(judge([accounts], pod(sa, "registry.example/team/own:1"), "ml-pipelines").join(), m).toMatch(
        /run only the platform's images and their own/,
      );
      for (const ns of [teamNamespace("fraud"), teamNamespace("credit"), "serving"])
        expect(judge([accounts], pod(sa, steps), ns).join(), `${m} in ${ns}`).toMatch(
          new RegExp(`service account ${sa} is not allowed here`),
        );
      const run = {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Workflow",
        metadata: { name: "x" },
        spec: { serviceAccountName: sa, workflowTemplateRef: { name: "drift-monitor", clusterScope: true } },
      };
      expect(judge([identities], run, teamNamespace("fraud")).join(), m).toMatch(new RegExp(sa));
    }
  });

  it("gives the drift accounts no Kubernetes right but Argo's executor role: retraining stays with pipeline-deploy", () => {
    const bindings = plan.filter((r) => /:rbac.authorization.k8s.io\/v1:(Cluster)?RoleBinding$/.test(r.type));
    for (const m of models) {
      const roles = bindings
        .filter((b) => ((b.inputs.subjects ?? []) as { name?: string }[]).some((x) => x.name === `drift-${m}`))
        .map((b) => `${meta(b).namespace}/${(b.inputs.roleRef as { name: string }).name}`);
      expect(roles, m).toEqual(["ml-pipelines/mlops-pipeline-executor"]);
    }
  });

  it("lets no other identity read a model's capture but the model servers that write it", () => {
    const serving = identityOf(account("serving", "model-server"));
    for (const m of models) {
      const readers = identities.filter((i) => i.access("artifacts", `capture/${m}/2026-01-01/part-0.jsonl`).read).map((i) => i.name);
      const own = identityOf(account("ml-pipelines", `drift-${m}`));
      expect(readers.sort(), m).toEqual([own?.name, serving?.name].sort());
    }
  });

  // Each built model (models[].training.repository): its pushed code trains as train-<model>.
  const settingsMap = plan.find(
    (r) => r.type === "kubernetes:core/v1:ConfigMap" && meta(r).name === "mlops-pipeline-settings" && meta(r).namespace === "ml-pipelines",
  );
  const built = JSON.parse(String(((settingsMap?.inputs.data ?? {}) as Obj).PLATFORM_BUILT_MODELS ?? "[]")) as {
    registeredModel: string;
    model: string;
    repository: string;
    account: string;
    podLabels: Record<string, string>;
  }[];
  const dataPrefixOfModel = (m: string) => dataPrefixOf(drift.find((r) => modelOf(r) === m) as PlanResource);
  const trainAccess = (m: string) => (cloud === "aws" ? awsAccess : azureAccess)(identityOf(account("ml-pipelines", `train-${m}`)));

  it("lists each built model in ml-pipelines' settings with its own account, artifact repository key and checkpoint location", () => {
    expect(built.length).toBeGreaterThan(0);
    expect(built.map((b) => b.model).sort()).toEqual(
      plan
        .filter(
          (r) =>
            r.type === "kubernetes:core/v1:ServiceAccount" && meta(r).namespace === "ml-pipelines" && /^train-/.test(meta(r).name ?? ""),
        )
        .map((r) => String(meta(r).name).slice("train-".length))
        .sort(),
    );
    const repositories = plan.find(
      (r) =>
        r.type === "kubernetes:core/v1:ConfigMap" &&
        meta(r).name === "training-artifact-repositories" &&
        meta(r).namespace === "ml-pipelines",
    );
    const data = (repositories?.inputs.data ?? {}) as Record<string, string>;
    expect(Object.keys(data).sort()).toEqual(built.flatMap((b) => [b.account, `${b.account}.checkpoint-uri`]).sort());
    for (const b of built) {
      expect(b.account).toBe(`train-${b.model}`);
      expect(b.repository).toMatch(new RegExp(`^[a-z0-9.-]+/[a-z0-9-]+/${b.model}$`));
      expect(data[b.account]).toContain(`pipelines/ml-pipelines/train/${b.model}/{{workflow.creationTimestamp.Y}}`);
      expect(data[`${b.account}.checkpoint-uri`]).toMatch(new RegExp(`/pipelines/ml-pipelines/train/${b.model}/checkpoints/$`));
      expect(account(teamNamespace("fraud"), b.account)).toBeUndefined();
      if (cloud === "azure") expect(b.podLabels).toEqual({ "azure.workload.identity/use": "true" });
    }
    // ml-pipelines' own checkpoints stay where they were, for every other run.
    expect(String(((settingsMap?.inputs.data ?? {}) as Obj).PLATFORM_CHECKPOINT_URI)).toMatch(/\/pipelines\/ml-pipelines\/checkpoints\/$/);
  });

  it("binds each training account to an identity of its own that trusts only that account", () => {
    const seen = new Set<string>();
    for (const b of built) {
      const id = identityOf(account("ml-pipelines", b.account));
      if (!id) throw new Error(`${b.account}: no identity`);
      expect(seen.has(id.urn)).toBe(false);
      seen.add(id.urn);
      const subjects =
        cloud === "aws"
          ? (JSON.parse(String(id.inputs.assumeRolePolicy)) as { Statement: { Condition?: Record<string, Obj> }[] }).Statement.flatMap(
              (s) =>
                Object.values(s.Condition ?? {}).flatMap((c) =>
                  Object.entries(c).flatMap(([k, v]) => (k.endsWith(":sub") ? strings(v) : [])),
                ),
            )
          : plan
              .filter(
                (r) => r.type === "azure-native:managedidentity:FederatedIdentityCredential" && r.inputs.resourceName === id.outputs.name,
              )
              .map((r) => r.inputs.subject);
      expect(subjects).toEqual([`system:serviceaccount:ml-pipelines:${b.account}`]);
    }
  });

  it("lets a built model's training identity read only its own data prefix and write only its own runs' prefix", () => {
    for (const b of built) {
      const access = trainAccess(b.model);
      const prefix = dataPrefixOfModel(b.model);
      expect(access("datasets", `${prefix}batch-1/part-0.csv`), b.model).toEqual({ read: true, write: false });
      for (const key of ["2026/01/01/retrain-x/train-1/main.log", `checkpoints/wf-uid/${b.registeredModel}/ckpt.pt`])
        expect(access("artifacts", `pipelines/ml-pipelines/train/${b.model}/${key}`), b.model).toEqual({ read: true, write: true });
      for (const other of models.filter((o) => o !== b.model)) {
        expect(access("datasets", `${dataPrefixOfModel(other)}batch-1/part-0.csv`), `${b.model} reads ${other}`).toEqual({
          read: false,
          write: false,
        });
        expect(access("artifacts", `pipelines/ml-pipelines/train/${other}/x.log`)).toEqual({ read: false, write: false });
      }
      // Not the namespace's shared artifacts or checkpoints, other data, capture, features, MLflow's store or logs.
      for (const [purpose, key] of [
        ["artifacts", "pipelines/ml-pipelines/2026/01/01/training-x/pod/model.tgz"],
        ["artifacts", "pipelines/ml-pipelines/checkpoints/uid/model/ckpt.pt"],
        ["artifacts", `pipelines/ml-pipelines/drift/${b.model}/x.log`],
        ["artifacts", `capture/${b.model}/2026-01-01/part-0.jsonl`],
        ["artifacts", "mlflow/1/model.pkl"],
        ["datasets", "platform/x.csv"],
        ["datasets", "teams/other/x.csv"],
        ["features", "feast/registry.db"],
        ["logs", "x"],
      ] as const)
        expect(access(purpose, key), `${b.model}: ${purpose}/${key}`).toEqual({ read: false, write: false });
      if (cloud === "aws") {
        const role = identityOf(account("ml-pipelines", b.account));
        const statements = plan
          .filter((x) => x.type === "aws:iam/rolePolicy:RolePolicy" && x.inputs.role === role?.outputs.name)
          .flatMap((x) => (JSON.parse(String(x.inputs.policy)) as { Statement: Obj[] }).Statement);
        // No registry, queue, data lake or other service: objects and their key only.
        expect(statements.flatMap((x) => strings(x.Action)).filter((a) => !a.startsWith("s3:") && !a.startsWith("kms:"))).toEqual([]);
        for (const st of statements.filter((x) => strings(x.Action).includes("s3:ListBucket")))
          for (const p of strings(((st.Condition as Obj).StringLike as Obj)["s3:prefix"]))
            expect(p, b.model).toMatch(new RegExp(`^(pipelines/ml-pipelines/train/${b.model}/|${prefix.replace(/[.]/g, "\\.")})`));
      } else {
        const id = identityOf(account("ml-pipelines", b.account));
        const assignments = plan.filter(
          (x) => x.type === "azure-native:authorization:RoleAssignment" && x.inputs.principalId === id?.outputs.principalId,
        );
        expect(assignments).toHaveLength(2);
        for (const a of assignments) expect(String(a.inputs.condition)).toContain("StringStartsWith");
      }
    }
  });

  it("gives no one else a right on a built model's prefix: its writers are its own identity and the platform steps that write all of ml-pipelines", () => {
    for (const b of built) {
      const writers = (key: string) => identities.filter((i) => i.access("artifacts", key).write).map((i) => i.name);
      const own = identityOf(account("ml-pipelines", b.account))?.name;
      expect(writers(`pipelines/ml-pipelines/train/${b.model}/x.log`).sort(), b.model).toEqual(
        [...writers("pipelines/ml-pipelines/2026/01/01/x.log"), own].sort(),
      );
      // The model's data: its training identity is one more reader, never a writer.
      const key = `${dataPrefixOfModel(b.model)}batch/part-0.csv`;
      expect(identities.filter((i) => i.access("datasets", key).write).map((i) => i.name)).not.toContain(own);
    }
  });

  it("agrees with the shipped admission policies (real CEL): a built image runs in ml-pipelines as its model's account only, by digest", () => {
    const policy = (name: string, target: "pods" | "workflows", scope: "guarded" | "teams") => admissionPolicyOf(plan, name, target, scope);
    const pods = [policy("mlops-service-accounts", "pods", "guarded"), policy("mlops-images", "pods", "guarded")];
    const identitiesPolicy = policy("mlops-workflow-identities", "workflows", "teams");
    const { executor, steps } = platformImagesOf(pods[0] as AdmissionPolicyDefinition);
    const pod = (serviceAccountName: string, image: string) => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "retrain-x-train-1" },
      spec: {
        serviceAccountName,
        initContainers: [
          { name: "init", image: executor },
          { name: "checkpoint-restore", image: steps },
        ],
        containers: [
          { name: "wait", image: executor },
          { name: "main", image },
          { name: "checkpoint-sync", image: steps },
        ],
      },
    });
    const judge = (policies: AdmissionPolicyDefinition[], object: unknown, namespace: string) =>
      verdictProblems(evaluatePolicies(policies, { object, namespace, team: namespace.startsWith("team-") }));
    const digest = `@sha256:${"d".repeat(64)}`;
    for (const b of built) {
      const image = `${b.repository}${digest}`;
      expect(judge(pods, pod(b.account, image), "ml-pipelines"), b.model).toEqual([]);
      for (const sa of ["pipeline-train", "pipeline-data"])
        expect(judge(pods, pod(sa, image), "ml-pipelines").join(), `${b.model} as ${sa}`).toMatch(/run only as that model's account/);
      expect(judge(pods, pod(b.account, `${b.repository}:main`), "ml-pipelines").join()).toMatch(
        /run only the platform's images and their own/,
      );
      for (const other of built.filter((o) => o.model !== b.model))
        expect(judge(pods, pod(b.account, `${other.repository}${digest}`), "ml-pipelines").join()).toMatch(
          /run only the platform's images and their own/,
        );
      expect(judge(pods, pod(b.account, image), teamNamespace("fraud")).join()).toMatch(
        new RegExp(`service account ${b.account} is not allowed here`),
      );
      const run = {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Workflow",
        metadata: { name: "x" },
        spec: { serviceAccountName: b.account, workflowTemplateRef: { name: "training-pipeline", clusterScope: true } },
      };
      expect(judge([identitiesPolicy], run, teamNamespace("fraud")).join(), b.model).toMatch(new RegExp(b.account));
    }
  });

  it("gives the training accounts no Kubernetes right but Argo's executor role", () => {
    const bindings = plan.filter((r) => /:rbac.authorization.k8s.io\/v1:(Cluster)?RoleBinding$/.test(r.type));
    for (const b of built) {
      const roles = bindings
        .filter((x) => ((x.inputs.subjects ?? []) as { name?: string }[]).some((s) => s.name === b.account))
        .map((x) => `${meta(x).namespace}/${(x.inputs.roleRef as { name: string }).name}`);
      expect(roles, b.model).toEqual(["ml-pipelines/mlops-pipeline-executor"]);
    }
  });
});
