/**
 * A first `pulumi up` that succeeds: no Helm release (atomic, with a timeout) waits on something
 * created later or by hand. Every Secret a release's values reference is created by the stack in
 * the release's namespace and is among the release's dependencies; every release that declares
 * monitoring objects comes after the release that installs their CRDs; every release comes after
 * its namespace. The order is the plan's dependency list, which is what the engine follows.
 */
import { describe, expect, it } from "vitest";
import type { PlanResource, PlanResult } from "../../../tools/lib/harness";
import { shippedPlan } from "../../support/shipped-plan";

const STACKS = ["dev", "uae-prod", "dev-azure", "uae-prod-azure"];
const RELEASE = "kubernetes:helm.sh/v3:Release";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Names of the Secrets a chart's values point at (existingSecret…, secretKeyRef, secretRef, SSO client refs). */
function referencedSecrets(values: unknown, path = ""): { path: string; name: string }[] {
  const out: { path: string; name: string }[] = [];
  if (Array.isArray(values)) for (const [i, v] of values.entries()) out.push(...referencedSecrets(v, `${path}[${i}]`));
  if (!isObj(values)) return out;
  for (const [k, v] of Object.entries(values)) {
    const p = path ? `${path}.${k}` : k;
    if (/^existing.*Secret$|^existingSecret/.test(k) && typeof v === "string" && v !== "") out.push({ path: p, name: v });
    else if (/secret|^clientId$/i.test(k) && isObj(v) && typeof v.name === "string") out.push({ path: `${p}.name`, name: v.name });
    out.push(...referencedSecrets(v, p));
  }
  return out;
}

function secretsOf(plan: PlanResult): Map<string, PlanResource> {
  const out = new Map<string, PlanResource>();
  for (const r of plan.resources.filter((x) => x.type === "kubernetes:core/v1:Secret")) {
    const md = (r.inputs as { metadata?: { name?: string; namespace?: string } }).metadata;
    if (md?.name && md.namespace) out.set(`${md.namespace}/${md.name}`, r);
  }
  return out;
}

describe.each(STACKS)("first pulumi up of %s", (stack) => {
  const plan = shippedPlan(stack);
  const releases = plan.resources.filter((r) => r.type === RELEASE);
  const inputs = (r: PlanResource) => r.inputs as { chart: string; namespace: string; values: Obj };

  it("creates every Secret a release reads, in its namespace, before the release", () => {
    const secrets = secretsOf(plan);
    const refs = releases.flatMap((r) => referencedSecrets(inputs(r).values).map((ref) => ({ r, ...ref })));
    // The SSO, database, cookie and admin Secrets are all referenced somewhere.
    expect(refs.length).toBeGreaterThanOrEqual(6);
    for (const { r, path, name } of refs) {
      const key = `${inputs(r).namespace}/${name}`;
      const secret = secrets.get(key);
      expect(secret, `${inputs(r).chart} ${path} reads Secret ${key}, which the stack does not create`).toBeDefined();
      expect(r.dependencies, `${inputs(r).chart} must wait for Secret ${key}`).toContain(secret?.urn);
    }
  });

  it("creates the OIDC client Secret in every namespace whose UI signs in (nothing by hand)", () => {
    const secrets = secretsOf(plan);
    for (const ns of ["argo", "mlflow", "monitoring"]) expect(secrets.has(`${ns}/oidc-client`), ns).toBe(true);
  });

  it("installs the monitoring CRDs before every release that declares monitoring objects", () => {
    const kps = releases.find((r) => inputs(r).chart === "kube-prometheus-stack");
    expect(kps).toBeDefined();
    const monitored = releases.filter(
      (r) => r !== kps && /"(serviceMonitor|podMonitor|prometheusRule)":\{[^}]*"enabled":true/.test(JSON.stringify(inputs(r).values)),
    );
    expect(monitored.length).toBeGreaterThanOrEqual(2);
    for (const r of monitored) expect(r.dependencies, inputs(r).chart).toContain(kps?.urn);
  });

  it("creates each release's namespace before it", () => {
    const namespaces = new Map(
      plan.resources
        .filter((r) => r.type === "kubernetes:core/v1:Namespace")
        .map((r) => [(r.inputs as { metadata: { name: string } }).metadata.name, r.urn]),
    );
    for (const r of releases) {
      const ns = namespaces.get(inputs(r).namespace);
      if (inputs(r).namespace === "kube-system") continue;
      expect(ns, `${inputs(r).chart}: namespace ${inputs(r).namespace} is not created by the stack`).toBeDefined();
      expect(r.dependencies, inputs(r).chart).toContain(ns);
    }
  });
});

describe("the Secret reference finder", () => {
  it("finds each form of reference the charts use", () => {
    expect(
      referencedSecrets({
        config: { existingSecret: "a" },
        grafana: { envValueFrom: { X: { secretKeyRef: { name: "b", key: "k" } } } },
        envFrom: [{ secretRef: { name: "c" } }],
        backendStore: { existingDatabaseSecret: { name: "d" } },
        server: { sso: { clientId: { name: "e", key: "client-id" }, clientSecret: { name: "e", key: "client-secret" } } },
        other: { name: "not-a-secret" },
      }).map((x) => x.name),
    ).toEqual(["a", "b", "c", "d", "e", "e"]);
  });
});
