/**
 * Issue 14 item 2 (a commit builds its own training image in the cluster): the in-cluster
 * builders as their projects document them for Kubernetes, judged by the platform's admission
 * policies (real CEL) in the pipeline namespace of a production stack. Both are refused, which is
 * why the pipeline does not build images yet (docs/workflows.md, "What is not built yet"):
 * - rootless BuildKit needs seccomp and AppArmor `Unconfined` (user namespaces, mounts);
 * - Kaniko runs as root and needs capabilities to unpack and chown the base image.
 * Admitting either is a decision to relax the restricted profile for one pinned builder image,
 * one service account and one namespace; this test fails the day that decision is made silently.
 */
import { describe, expect, it } from "vitest";
import { admissionPolicies } from "../../../components/k8s/admission-rules";
import { evaluatePolicies } from "../../../workflows/admission-check";

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
