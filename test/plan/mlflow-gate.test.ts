/**
 * The MLflow gate is the only path to MLflow in every shipped plan: it is deployed from the
 * platform's step image, oauth2-proxy hands people to its people port, the steps' settings point
 * at it, and the `mlflow` namespace's NetworkPolicies, evaluated as Kubernetes evaluates them (a
 * pod is reachable when some policy selecting it admits the source and port), let nothing but the
 * namespace's own pods reach MLflow's port. (In the mesh, the ports are enforced again by the
 * AuthorizationPolicies made of the same flows: test/components/k8s/mesh.test.ts.)
 */
import { describe, expect, it } from "vitest";
import { MLFLOW_GATE_SERVICE, MLFLOW_SERVICE, NAMESPACES, teamNamespace } from "../../contracts/endpoints";
import type { PlanResource } from "../../tools/lib/harness";
import { shippedPlan } from "../support/shipped-plan";

type Labels = Record<string, string>;
type Obj = Record<string, unknown>;
const STACKS = ["dev", "uae-prod", "dev-azure", "uae-prod-azure"] as const;

const matches = (selector: unknown, labels: Labels): boolean => {
  const ml = ((selector ?? {}) as { matchLabels?: Labels }).matchLabels ?? {};
  return Object.entries(ml).every(([k, v]) => labels[k] === v);
};

interface Pod {
  readonly namespace: string;
  readonly labels: Labels;
}

/** Whether the plan's NetworkPolicies admit `from` to `to` on `port` (ingress side, as the API defines it). */
function ingressAllowed(plan: readonly PlanResource[], nsLabels: (ns: string) => Labels, from: Pod, to: Pod, port: number): boolean {
  const selecting = plan.filter(
    (r) =>
      r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy" &&
      (r.inputs.metadata as Obj).namespace === to.namespace &&
      ((r.inputs.spec as Obj).policyTypes as string[]).includes("Ingress") &&
      matches((r.inputs.spec as Obj).podSelector, to.labels),
  );
  return selecting.some((p) =>
    (((p.inputs.spec as Obj).ingress as Obj[] | undefined) ?? []).some((rule) => {
      const ports = (rule.ports as { port?: number | string }[] | undefined) ?? [];
      if (ports.length && !ports.some((x) => x.port === undefined || x.port === port)) return false;
      return ((rule.from as Obj[] | undefined) ?? []).some((peer) => {
        // Pod addresses are private: any ipBlock could hold them, so it counts as admitting the pod;
        // except a link-local block (the mesh's kubelet-probe address), which no pod is given.
        if (peer.ipBlock) return !String((peer.ipBlock as Obj).cidr).startsWith("169.254.");
        const nsOk = peer.namespaceSelector ? matches(peer.namespaceSelector, nsLabels(from.namespace)) : from.namespace === to.namespace;
        return nsOk && (peer.podSelector === undefined || matches(peer.podSelector, from.labels));
      });
    }),
  );
}

describe.each(STACKS)("the MLflow gate in the %s plan", (stack) => {
  const plan = shippedPlan(stack).resources;
  const namespaces = new Map(
    plan
      .filter((r) => r.type === "kubernetes:core/v1:Namespace")
      .map((r) => {
        const m = r.inputs.metadata as { name: string; labels?: Labels };
        return [m.name, { ...m.labels, "kubernetes.io/metadata.name": m.name }];
      }),
  );
  const nsLabels = (ns: string) => namespaces.get(ns) ?? { "kubernetes.io/metadata.name": ns };
  const team = [...namespaces.keys()].find((n) => n.startsWith(teamNamespace(""))) ?? "";
  const mlflowPod: Pod = {
    namespace: NAMESPACES.mlflow,
    labels: { "app.kubernetes.io/name": "mlflow", "app.kubernetes.io/instance": "mlflow" },
  };
  const gatePod: Pod = { namespace: NAMESPACES.mlflow, labels: { "app.kubernetes.io/name": "mlflow-gate" } };
  const authPod: Pod = { namespace: NAMESPACES.mlflow, labels: { "app.kubernetes.io/name": "oauth2-proxy" } };
  const any = (namespace: string): Pod => ({ namespace, labels: { "app.kubernetes.io/name": "anything" } });
  const allowed = (from: Pod, to: Pod, port: number) => ingressAllowed(plan, nsLabels, from, to, port);

  it("lets no pod outside the mlflow namespace reach MLflow itself", () => {
    expect(team).not.toBe("");
    for (const ns of [
      team,
      NAMESPACES.pipelines,
      NAMESPACES.serving,
      NAMESPACES.monitoring,
      NAMESPACES.ingress,
      NAMESPACES.argo,
      "default",
    ])
      expect(allowed(any(ns), mlflowPod, MLFLOW_SERVICE.containerPort), `${ns} → mlflow:${MLFLOW_SERVICE.containerPort}`).toBe(false);
    expect(allowed(gatePod, mlflowPod, MLFLOW_SERVICE.containerPort)).toBe(true);
  });

  it("lets pipelines and model servers reach the gate's workload port only, and only the ingress reach oauth2-proxy", () => {
    for (const ns of [team, NAMESPACES.pipelines, NAMESPACES.serving]) {
      expect(allowed(any(ns), gatePod, MLFLOW_GATE_SERVICE.containerPort), ns).toBe(true);
      // The people port believes oauth2-proxy's identity headers: nothing outside the namespace reaches it.
      expect(allowed(any(ns), gatePod, MLFLOW_GATE_SERVICE.peoplePort), ns).toBe(false);
    }
    expect(allowed(any(NAMESPACES.ingress), gatePod, MLFLOW_GATE_SERVICE.peoplePort)).toBe(false);
    expect(allowed(any(NAMESPACES.monitoring), gatePod, MLFLOW_GATE_SERVICE.containerPort)).toBe(false);
    expect(allowed(any(NAMESPACES.ingress), authPod, 4180)).toBe(true);
    expect(allowed(authPod, gatePod, MLFLOW_GATE_SERVICE.peoplePort)).toBe(true);
  });

  it("deploys the gate from the step image, asks the API server who a token is, and routes people and steps through it", () => {
    const deployment = plan.find((r) => r.type === "kubernetes:apps/v1:Deployment" && (r.inputs.metadata as Obj).name === "mlflow-gate");
    if (!deployment) throw new Error("no mlflow-gate Deployment");
    const pod = ((deployment.inputs.spec as Obj).template as Obj).spec as Obj;
    const container = (pod.containers as Obj[])[0] as Obj;
    expect(container.args).toEqual(["dist/mlflow-gate.js"]);
    expect(String(container.image)).toMatch(/\/steps:\d+\.\d+\.\d+$/);
    const env = Object.fromEntries((container.env as { name: string; value: string }[]).map((e) => [e.name, e.value]));
    const settings = JSON.parse(env.MLFLOW_GATE_SETTINGS ?? "{}") as Obj;
    expect(settings).toMatchObject({
      platformNamespace: "ml-pipelines",
      registerAccount: "pipeline-register",
      promoteAccount: "pipeline-deploy",
    });
    expect(settings.pipelineNamespaces).toContain(team);
    expect(env.MLFLOW_UPSTREAM).toBe(`http://${MLFLOW_SERVICE.name}.${NAMESPACES.mlflow}.svc:${MLFLOW_SERVICE.port}`);
    const binding = plan.find(
      (r) =>
        r.type === "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding" &&
        (r.inputs.metadata as Obj).name === "mlflow-gate-token-review",
    );
    expect(binding?.inputs.roleRef).toMatchObject({ kind: "ClusterRole" });
    expect((binding?.inputs.roleRef as Obj | undefined)?.name).toBe("system:auth-delegator");
    expect(binding?.inputs.subjects).toEqual([{ kind: "ServiceAccount", name: pod.serviceAccountName, namespace: NAMESPACES.mlflow }]);
    const auth = plan.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.name === "mlflow-auth");
    expect(((auth?.inputs.values as Obj | undefined)?.config as Obj | undefined)?.upstreams).toEqual([
      `http://${MLFLOW_GATE_SERVICE.name}.${NAMESPACES.mlflow}.svc:${MLFLOW_GATE_SERVICE.peoplePort}`,
    ]);
    const settingsMaps = plan.filter(
      (r) => r.type === "kubernetes:core/v1:ConfigMap" && (r.inputs.metadata as Obj).name === "mlops-pipeline-settings",
    );
    expect(settingsMaps.length).toBeGreaterThan(1);
    for (const cm of settingsMaps) expect((cm.inputs.data as Obj).PLATFORM_MLFLOW_URL).toMatch(/^http:\/\/mlflow-gate\.mlflow\.svc/);
  });
});
