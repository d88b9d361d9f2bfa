/**
 * The Istio ambient mesh on the shipped stacks: every namespace but the mesh's own is enrolled,
 * STRICT mTLS mesh-wide, NetworkPolicies that admit HBONE only between peers they already admit,
 * and AuthorizationPolicies derived from the same catalogue flows (docs/in-cluster-encryption.md).
 */
import { describe, expect, it } from "vitest";
import { PIPELINE_SERVICE_ACCOUNTS } from "../../../components/contracts";
import { admissionPolicies } from "../../../components/k8s/admission-rules";
import { CATALOGUE } from "../../../components/k8s/catalogue";
import {
  authorizationPolicyManifests,
  ISTIO_CHARTS,
  istioMeshProblems,
  meshService,
  peerAuthenticationManifest,
} from "../../../components/k8s/mesh";
import { pipelineResolver } from "../../../components/k8s/mesh-wiring";
import { flows, namespaceArgsProblems, networkPolicySpecs } from "../../../components/k8s/namespace";
import { SERVING_SERVICE_ACCOUNT } from "../../../components/k8s/serving";
import { NAMESPACES, PIPELINE_NAMESPACE_LABEL } from "../../../contracts/endpoints";
import {
  AMBIENT_LABEL,
  HBONE_PORT,
  INBOUND_BYPASS_ANNOTATION,
  KUBELET_PROBE_SNAT_CIDR,
  MESH_EXEMPT_ANNOTATION,
  MESH_ROOT_NAMESPACE,
} from "../../../contracts/mesh";
import { CHARTS, IMAGES, imageRef } from "../../../contracts/versions";
import { modelImageBuilds } from "../../../stacks/image-builds";
import type { PlanResult } from "../../../tools/lib/harness";
import { evaluatePolicies } from "../../../workflows/admission-check";
import { shippedPlan } from "../../support/shipped-plan";
import { modelsOf } from "../../support/stack-values";
import { schemaError } from "./schemas";

const STACKS = ["dev", "uae-prod", "dev-azure", "uae-prod-azure"];
type Obj = Record<string, unknown>;

const objects = (plan: PlanResult, kind: string) => plan.manifests.map((m) => m.object as Obj).filter((o) => o.kind === kind);
const meta = (o: Obj) =>
  o.metadata as { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
const spec = (o: Obj) => o.spec as Obj;
/** A pod set by its labels, order-independent (`{}`: every pod of the namespace). */
const selectorKey = (labels?: Record<string, string>) => JSON.stringify(Object.entries(labels ?? {}).sort());

describe("the mesh's pins and namespace", () => {
  it("pins the four Istio charts to one version of one repository", () => {
    expect(new Set(ISTIO_CHARTS.map((c) => c.version)).size).toBe(1);
    expect(new Set(ISTIO_CHARTS.map((c) => c.repo))).toEqual(new Set(["https://istio-release.storage.googleapis.com/charts"]));
    expect(ISTIO_CHARTS.map((c) => c.chart)).toEqual(["base", "istiod", "cni", "ztunnel"]);
    expect(CHARTS.ztunnel.version).toBe("1.30.3");
  });

  it("refuses bad mesh arguments, naming each", () => {
    const problems = istioMeshProblems({
      replicas: 0,
      authorized: [
        { namespace: "mlflow", ingress: [] },
        { namespace: "mlflow", ingress: [] },
        { namespace: MESH_ROOT_NAMESPACE, ingress: [] },
      ],
    }).join("\n");
    expect(problems).toMatch(/replicas: 0 must be an integer/);
    expect(problems).toMatch(/namespace "mlflow" appears twice/);
    expect(problems).toMatch(/"istio-system" is outside the mesh/);
    expect(istioMeshProblems({ replicas: 2, authorized: [{ namespace: "mlflow", ingress: [] }] })).toEqual([]);
  });

  it("runs istio-system privileged with a reason, and keeps it (alone) out of the mesh with a reason", () => {
    expect(meshService.namespace).toMatchObject({ name: MESH_ROOT_NAMESPACE, podSecurity: "privileged" });
    expect(meshService.namespace.reason).toMatch(/ztunnel/);
    expect(CATALOGUE.filter((d) => d.namespace.meshExemptReason).map((d) => d.namespace.name)).toEqual([MESH_ROOT_NAMESPACE]);
  });
});

describe("NetworkPolicies in the mesh", () => {
  const egress = [
    flows.namespace("MLflow gate", NAMESPACES.mlflow, [8080]),
    flows.postgres("10.0.0.0/16"),
    flows.webhook("10.0.0.0/16", 9443),
  ];
  const ingress = [flows.webhook("10.0.0.0/16", 9443), flows.scrape()];

  it("adds HBONE only towards pod peers that a flow with ports already names", () => {
    const [, base] = networkPolicySpecs({ ingress, egress });
    const rules = (base?.spec.egress ?? []) as Obj[];
    const hbone = rules.filter((r) => JSON.stringify(r.ports ?? []).includes(String(HBONE_PORT)));
    // The gate's namespace, and kube-system of the webhook flow; never the database's CIDR.
    expect(hbone.map((r) => r.to)).toEqual([
      [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": NAMESPACES.mlflow } } }],
      [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }],
    ]);
    const inRules = (base?.spec.ingress ?? []) as Obj[];
    const inHbone = inRules.filter((r) => JSON.stringify(r.ports ?? []).includes(String(HBONE_PORT)));
    expect(inHbone).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }],
        ports: [{ port: HBONE_PORT, protocol: "TCP" }],
      },
    ]);
    expect(JSON.stringify(inHbone)).not.toContain("ipBlock");
    expect(inRules).toContainEqual({ from: [{ ipBlock: { cidr: KUBELET_PROBE_SNAT_CIDR } }] });
  });

  it("refuses a namespace below restricted or out of the mesh without a reason, naming the argument", () => {
    const base = { name: "n", quota: { cpu: 1, memoryGiB: 1, gpu: 0 }, ingress: [], egress: [] };
    expect(namespaceArgsProblems({ ...base, podSecurity: "privileged" }).join("\n")).toMatch(/podSecurityReason: "" must say why/);
    expect(namespaceArgsProblems({ ...base, meshExemptReason: "no" }).join("\n")).toMatch(/meshExemptReason: "no" must say why/);
    expect(namespaceArgsProblems({ ...base, podSecurity: "privileged", podSecurityReason: "node agents with host paths" })).toEqual([]);
  });

  it("adds nothing to a namespace out of the mesh", () => {
    const specs = networkPolicySpecs({ ingress, egress, meshExemptReason: "the mesh's own namespace, for this test" });
    expect(JSON.stringify(specs)).not.toContain(String(HBONE_PORT));
    expect(JSON.stringify(specs)).not.toContain(KUBELET_PROBE_SNAT_CIDR);
  });
});

describe("AuthorizationPolicies from the catalogue's flows", () => {
  const resolve = pipelineResolver([NAMESPACES.pipelines, "team-a"]);
  const mlflow = CATALOGUE.find((d) => d.key === "mlflow");
  const ctx = { networkCidr: "10.0.0.0/16" };

  it("admits to the MLflow gate only the identities that call it today, on its workload port", () => {
    const policies = authorizationPolicyManifests(NAMESPACES.mlflow, mlflow?.ingress(ctx) ?? [], resolve);
    const gate = policies.find((p) => JSON.stringify(spec(p).selector ?? {}).includes("mlflow-gate"));
    const principals = (spec(gate as Obj).rules as { from: { source: { principals: string[] } }[] }[]).flatMap((r) =>
      r.from.flatMap((f) => f.source.principals),
    );
    const expected = [
      ...[NAMESPACES.pipelines, "team-a"].flatMap((ns) =>
        Object.values(PIPELINE_SERVICE_ACCOUNTS).map((sa) => `cluster.local/ns/${ns}/sa/${sa}`),
      ),
      `cluster.local/ns/${NAMESPACES.serving}/sa/${SERVING_SERVICE_ACCOUNT}`,
    ];
    expect(principals.sort()).toEqual(expected.sort());
    expect(JSON.stringify(spec(gate as Obj).rules)).toContain('"ports":["8080"]');
    // MLflow itself: its own namespace only (the gate and oauth2-proxy).
    const all = policies.find((p) => spec(p).selector === undefined);
    expect(spec(all as Obj).rules).toEqual([{ from: [{ source: { namespaces: [NAMESPACES.mlflow] } }] }]);
  });

  it("turns an address peer into ipBlocks and an unresolvable label peer into no rule", () => {
    const p = authorizationPolicyManifests(
      "x",
      [flows.webhook("10.0.0.0/16", 9443), { description: "n", peers: [{ namespaceLabels: { other: "x" } }] }],
      resolve,
    );
    expect(spec(p[0] as Obj).rules).toEqual([
      { from: [{ source: { namespaces: ["x"] } }] },
      {
        from: [{ source: { ipBlocks: ["10.0.0.0/16"] } }, { source: { principals: ["cluster.local/ns/kube-system/sa/*"] } }],
        to: [{ operation: { ports: ["9443"] } }],
      },
    ]);
  });

  it("validates against the upstream CRD schemas, which refuse a wrong mode and numeric ports", async () => {
    expect(await schemaError(peerAuthenticationManifest())).toBeUndefined();
    for (const p of authorizationPolicyManifests(NAMESPACES.mlflow, mlflow?.ingress(ctx) ?? [], resolve))
      expect(await schemaError(p)).toBeUndefined();
    const pa = peerAuthenticationManifest();
    expect(await schemaError({ ...pa, spec: { mtls: { mode: "STRICTEST" } } })).toMatch(/allowed values/);
    expect(
      await schemaError({
        apiVersion: "security.istio.io/v1",
        kind: "AuthorizationPolicy",
        metadata: { name: "a", namespace: "b" },
        spec: { action: "ALLOW", rules: [{ to: [{ operation: { ports: [8080] } }] }] },
      }),
    ).toMatch(/must be string/);
  });
});

describe.each(STACKS)("the mesh in stack %s", (stack) => {
  const plan = shippedPlan(stack);
  const namespaces = objects(plan, "Namespace");

  it("labels every namespace ambient except istio-system, which says why", () => {
    expect(namespaces.length).toBeGreaterThan(10);
    for (const ns of namespaces) {
      const m = meta(ns);
      if (m.name === MESH_ROOT_NAMESPACE) {
        expect(m.labels?.["istio.io/dataplane-mode"]).toBeUndefined();
        expect(m.annotations?.[MESH_EXEMPT_ANNOTATION]).toMatch(/ztunnel/);
        expect(m.labels?.["pod-security.kubernetes.io/enforce"]).toBe("privileged");
      } else {
        expect(m.labels, m.name).toMatchObject(AMBIENT_LABEL);
      }
    }
    expect(namespaces.map((n) => meta(n).name)).toEqual(
      expect.arrayContaining([NAMESPACES.pipelines, NAMESPACES.serving, MESH_ROOT_NAMESPACE]),
    );
    expect(namespaces.some((n) => meta(n).name.startsWith("team-"))).toBe(true);
  });

  it("has exactly one PeerAuthentication: mesh-wide, STRICT, without port exceptions", () => {
    const pas = objects(plan, "PeerAuthentication");
    expect(pas).toHaveLength(1);
    expect(meta(pas[0] as Obj)).toMatchObject({ name: "default", namespace: MESH_ROOT_NAMESPACE });
    expect(spec(pas[0] as Obj)).toEqual({ mtls: { mode: "STRICT" } });
  });

  it("authorizes every enrolled namespace on exactly the (pod set, source namespace, port) triples its NetworkPolicies admit", () => {
    const policies = objects(plan, "AuthorizationPolicy");
    const enrolled = namespaces.map((n) => meta(n).name).filter((n) => n !== MESH_ROOT_NAMESPACE);
    // Every enrolled namespace: HBONE hides the service port from the NetworkPolicies, the AuthorizationPolicies restore it.
    expect(new Set(policies.map((p) => meta(p).namespace))).toEqual(new Set(enrolled));
    for (const ns of enrolled) {
      // Pairs from the NetworkPolicies' ingress rules (HBONE and the probe address left out)...
      const fromNp = new Set<string>();
      for (const np of objects(plan, "NetworkPolicy").filter((p) => meta(p).namespace === ns)) {
        const target = selectorKey((spec(np).podSelector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels);
        for (const r of (spec(np).ingress ?? []) as { from?: Obj[]; ports?: { port: number }[] }[]) {
          const ports = (r.ports ?? []).map((p) => String(p.port)).filter((p) => p !== String(HBONE_PORT));
          if (r.ports?.length && ports.length === 0) continue;
          for (const f of r.from ?? []) {
            const sel = (f.namespaceSelector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels;
            const named = sel?.["kubernetes.io/metadata.name"];
            // A pipeline namespace named on its own (ml-pipelines' train-<model> accounts) is one of "pipelines", as on the mesh side.
            const source =
              named !== undefined && (named === NAMESPACES.pipelines || named.startsWith("team-"))
                ? "pipelines"
                : (named ?? (sel ? "pipelines" : f.ipBlock ? "ip" : ns));
            if (source === "ip") continue;
            for (const port of ports.length ? ports : ["*"]) fromNp.add(`${target} ${source}:${port}`);
          }
        }
      }
      // ...and from the AuthorizationPolicies' rules.
      const fromAp = new Set<string>();
      for (const ap of policies.filter((p) => meta(p).namespace === ns)) {
        const target = selectorKey((spec(ap).selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels);
        for (const r of (spec(ap).rules ?? []) as {
          from: { source: { principals?: string[]; namespaces?: string[] } }[];
          to?: { operation: { ports: string[] } }[];
        }[]) {
          const ports = r.to?.flatMap((t) => t.operation.ports) ?? ["*"];
          for (const f of r.from) {
            const sources = [
              ...(f.source.namespaces ?? []),
              ...(f.source.principals ?? []).map((p) => {
                const n = p.split("/")[2] as string;
                return n === NAMESPACES.pipelines || n.startsWith("team-") ? "pipelines" : n;
              }),
            ];
            for (const s of sources) for (const port of ports) fromAp.add(`${target} ${s}:${port}`);
          }
        }
      }
      // The build namespace admits nothing from outside itself (no scrape, no ingress).
      expect(fromNp.size, ns).toBeGreaterThanOrEqual(ns === "ml-builds" ? 1 : 2);
      expect([...fromAp].sort(), ns).toEqual([...fromNp].sort());
    }
  });

  it("names each authorized service's callers by exactly the service accounts its catalogue flows declare, per pod set and port", () => {
    const present = new Set(namespaces.map((n) => meta(n).name));
    const pipelineNs = namespaces
      .filter((n) => Object.entries(PIPELINE_NAMESPACE_LABEL).every(([k, v]) => meta(n).labels?.[k] === v))
      .map((n) => meta(n).name);
    expect(pipelineNs).toContain(NAMESPACES.pipelines);
    const declared = new Set<string>();
    // The stack's built models: the MLflow gate also admits their training accounts (train-<model>).
    const imageBuilds = modelImageBuilds({ models: modelsOf(stack) });
    for (const d of CATALOGUE.filter((x) => present.has(x.namespace.name) && !x.namespace.meshExemptReason)) {
      for (const f of d.ingress({ networkCidr: "10.0.0.0/16", imageBuilds })) {
        for (const p of f.peers) {
          if (!("serviceAccounts" in p) || !p.serviceAccounts?.length) continue;
          const from = "namespace" in p ? [p.namespace] : pipelineNs;
          for (const ns of from)
            for (const sa of p.serviceAccounts)
              for (const port of f.ports?.map((x) => String(x.port)) ?? ["*"])
                declared.add(`${d.namespace.name} ${selectorKey(f.podLabels)} cluster.local/ns/${ns}/sa/${sa}:${port}`);
        }
      }
    }
    // The identities the plan's AuthorizationPolicies admit by name (not namespace-wide "sa/*").
    const named = new Set<string>();
    for (const ap of objects(plan, "AuthorizationPolicy")) {
      const target = selectorKey((spec(ap).selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels);
      for (const r of (spec(ap).rules ?? []) as {
        from: { source: { principals?: string[] } }[];
        to?: { operation: { ports: string[] } }[];
      }[]) {
        const ports = r.to?.flatMap((t) => t.operation.ports) ?? ["*"];
        for (const pr of r.from.flatMap((x) => x.source.principals ?? []))
          if (!pr.endsWith("/sa/*") && pr !== "*") for (const port of ports) named.add(`${meta(ap).namespace} ${target} ${pr}:${port}`);
      }
    }
    expect(declared.size).toBeGreaterThan(5);
    expect([...named].sort()).toEqual([...declared].sort());
    // The MLflow gate's callers include every pipeline namespace's accounts, teams' included.
    expect([...named].some((x) => x.includes("/ns/team-"))).toBe(true);
    // ...and each built model's training account, in ml-pipelines only (its code logs its own run).
    expect(imageBuilds.length).toBeGreaterThan(0);
    for (const b of imageBuilds)
      expect([...named].filter((x) => x.includes(`/sa/train-${b.model}:`)).map((x) => x.split(" ")[0])).toEqual([NAMESPACES.mlflow]);
  });

  it("leaves inbound capture only to the pods that callers outside the mesh reach (webhooks, the ingress controller)", () => {
    const outside = CATALOGUE.filter(
      (d) => !d.namespace.meshExemptReason && d.ingress({ networkCidr: "10.0.0.0/16" }).some((f) => f.peers.some((p) => "cidr" in p)),
    ).map((d) => d.namespace.name);
    const releases = plan.resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release");
    const bypassing = new Set(
      releases
        .filter((r) => JSON.stringify((r.inputs as Obj).values ?? {}).includes(Object.keys(INBOUND_BYPASS_ANNOTATION)[0] as string))
        .map((r) => String((r.inputs as Obj).namespace)),
    );
    expect([...bypassing].sort()).toEqual(
      outside
        .filter((n) => plan.resources.some((r) => (r.inputs as Obj)?.namespace === n && r.type === "kubernetes:helm.sh/v3:Release"))
        .sort(),
    );
  });
});

describe("the privileged node agents are accepted only in istio-system", () => {
  /** ztunnel's pod as its chart (1.30.3, templates/daemonset.yaml) renders it: root, three added capabilities, host paths. */
  const ztunnelPod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "ztunnel-abcde" },
    spec: {
      serviceAccountName: "ztunnel",
      containers: [
        {
          name: "istio-proxy",
          image: imageRef(IMAGES.istioZtunnel),
          resources: { requests: { cpu: "200m", memory: "512Mi" }, limits: { cpu: "1", memory: "512Mi" } },
          securityContext: {
            privileged: false,
            runAsNonRoot: false,
            runAsUser: 0,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"], add: ["NET_ADMIN", "SYS_ADMIN", "NET_RAW"] },
          },
        },
      ],
      volumes: [{ name: "cni-ztunnel-sock-dir", hostPath: { path: "/var/run/ztunnel", type: "DirectoryOrCreate" } }],
    },
  };
  const policies = admissionPolicies({
    registryHosts: ["docker.io"],
    platformImages: [imageRef(IMAGES.istioZtunnel)],
    requireDigest: false,
    pipelineServiceAccounts: ["ztunnel"],
    platformOnlyServiceAccounts: [],
    serving: { namespace: NAMESPACES.serving, serviceAccounts: ["ztunnel"] },
  });

  it.each([NAMESPACES.pipelines, "team-fraud", NAMESPACES.serving])("admission refuses a ztunnel-shaped pod in %s", (namespace) => {
    const verdicts = evaluatePolicies(policies, { object: ztunnelPod, namespace, team: namespace.startsWith("team-") });
    const failures = verdicts.flatMap((v) => v.failures).join("\n");
    expect(verdicts.flatMap((v) => v.errors)).toEqual([]);
    expect(failures).toMatch(/capabilit/);
    expect(failures).toMatch(/volumes of a forbidden type/);
    expect(failures).toMatch(/run as root|runAsNonRoot|non-root/i);
  });

  it.each(STACKS)(
    "%s: admission guards no privileged namespace, only istio-system and the GPU agents' namespace are privileged and ml-builds baseline, each with its reason",
    (stack) => {
      const plan = shippedPlan(stack);
      const below = objects(plan, "Namespace").filter((n) => meta(n).labels?.["pod-security.kubernetes.io/enforce"] !== "restricted");
      for (const n of below) expect(meta(n).annotations?.["mlops.platform/pod-security-reason"], meta(n).name).toMatch(/.{20}/);
      // The build namespace is baseline, not privileged, and guarded by its own policy (image-build-admission.test.ts).
      expect(below.filter((n) => meta(n).labels?.["pod-security.kubernetes.io/enforce"] === "baseline").map((n) => meta(n).name)).toEqual([
        "ml-builds",
      ]);
      const privileged = below.filter((n) => meta(n).labels?.["pod-security.kubernetes.io/enforce"] === "privileged");
      expect(privileged.map((n) => meta(n).name).sort()).toEqual([NAMESPACES.gpu, MESH_ROOT_NAMESPACE].sort());
      for (const n of privileged) expect(meta(n).annotations?.["mlops.platform/pod-security-reason"], meta(n).name).toMatch(/.{20}/);
      const bound = objects(plan, "ValidatingAdmissionPolicyBinding").flatMap(
        (b) =>
          (
            (spec(b).matchResources as Obj | undefined)?.namespaceSelector as { matchExpressions?: { values: string[] }[] } | undefined
          )?.matchExpressions?.flatMap((e) => e.values) ?? [],
      );
      expect(bound.length).toBeGreaterThan(0);
      for (const n of privileged) expect(bound).not.toContain(meta(n).name);
    },
  );
});
