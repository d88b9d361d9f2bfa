/**
 * Hand-built plans for rule tests: resources in `pulumi stack export` form, with region-pinned
 * providers, so that the engine hands each rule exactly what it hands it for a real plan.
 */
import { REDACTED_SECRET, UNKNOWN } from "../../tools/lib/values";

export { REDACTED_SECRET, UNKNOWN };

const STACK = "test";
/** API endpoint host the fixture's Kubernetes provider targets (cases of the provider rule declare that cluster). */
export const FIXTURE_CLUSTER_HOST = "0123456789ABCDEF.gr7.me-central-1.eks.amazonaws.com";
const PROJECT = "mlops-platform";

/** The provider a fixture resource goes through. */
export type ProviderKind = "aws" | "azure" | "k8s" | "none";

/** One resource of a fixture. */
export interface Spec {
  readonly type: string;
  readonly name: string;
  inputs: Record<string, unknown>;
  readonly provider?: ProviderKind;
  readonly protect?: boolean;
  /** Name of a provider spec of the fixture (a `pulumi:providers:*` spec) this resource goes through. */
  readonly providerSpec?: string;
  /** Names of fixture resources the `bucket`/`accountName` property depends on. */
  readonly dependsOn?: Record<string, string[]>;
}

/** URN of a fixture resource. */
export function urn(type: string, name: string): string {
  return `urn:pulumi:${STACK}::${PROJECT}::${type}::${name}`;
}

const PROVIDERS = {
  aws: { type: "pulumi:providers:aws", name: "aws-me-central-1", inputs: { region: "me-central-1" } },
  azure: { type: "pulumi:providers:azure-native", name: "azure-uaenorth", inputs: { location: "uaenorth" } },
  k8s: {
    type: "pulumi:providers:kubernetes",
    name: "k8s",
    inputs: { kubeconfig: { apiVersion: "v1", clusters: [{ name: "eks", cluster: { server: `https://${FIXTURE_CLUSTER_HOST}` } }] } },
  },
} as const;

function defaultProvider(type: string): ProviderKind {
  if (type.startsWith("aws:")) return "aws";
  if (type.startsWith("azure-native:")) return "azure";
  if (type.startsWith("kubernetes:")) return "k8s";
  return "none";
}

/** A stack export document of `specs` plus the providers they use. */
export function plan(specs: readonly Spec[], providerInputs: Partial<Record<"aws" | "azure", Record<string, unknown>>> = {}) {
  const resources: Record<string, unknown>[] = [];
  for (const [kind, p] of Object.entries(PROVIDERS)) {
    const inputs = providerInputs[kind as "aws" | "azure"] ?? p.inputs;
    resources.push({ urn: urn(p.type, p.name), type: p.type, custom: true, id: `${p.name}-id`, inputs, outputs: inputs });
  }
  for (const s of specs) {
    const kind = s.provider ?? defaultProvider(s.type);
    const p = kind === "none" ? undefined : PROVIDERS[kind];
    const byName = new Map(specs.map((x) => [x.name, urn(x.type, x.name)]));
    const propertyDependencies: Record<string, string[]> = {};
    for (const [k, names] of Object.entries(s.dependsOn ?? {})) propertyDependencies[k] = names.map((n) => byName.get(n) ?? n);
    resources.push({
      urn: urn(s.type, s.name),
      type: s.type,
      custom: true,
      id: `${s.name}-id`,
      inputs: s.inputs,
      outputs: s.inputs,
      provider:
        providerRefOf(
          s,
          specs,
          (x) => urn(x.type, x.name),
          (x) => `${x.name}-id`,
        ) ?? (p ? `${urn(p.type, p.name)}::${p.name}-id` : undefined),
      dependencies: Object.values(propertyDependencies).flat(),
      propertyDependencies,
      protect: s.protect,
    });
  }
  return { version: 3, deployment: { manifest: { time: "", magic: "", version: "" }, resources } };
}

/** The provider reference of a spec that names a provider spec (`providerSpec`). */
function providerRefOf(s: Spec, specs: readonly Spec[], urnOf: (x: Spec) => string, idOf: (x: Spec) => string): string | undefined {
  const p = s.providerSpec ? specs.find((x) => x.name === s.providerSpec) : undefined;
  return p ? `${urnOf(p)}::${idOf(p)}` : undefined;
}

/** A deep copy of `specs`. */
export function clone(specs: readonly Spec[]): Spec[] {
  return specs.map((s) => ({ ...s, inputs: structuredClone(s.inputs) }));
}

/** Sets `path` (dot/bracket-free list of keys) in `target` to `value`; `undefined` deletes. */
export function setPath(target: Record<string, unknown>, path: readonly (string | number)[], value: unknown): void {
  let cur: Record<string | number, unknown> = target;
  for (const k of path.slice(0, -1)) {
    if (cur[k] === undefined || cur[k] === null || typeof cur[k] !== "object") cur[k] = {};
    cur = cur[k] as Record<string | number, unknown>;
  }
  const last = path[path.length - 1] as string | number;
  if (value === undefined) delete cur[last];
  else cur[last] = value;
}

/** A resource of a stack export, as far as planting needs it. */
interface ExportResource {
  urn: string;
  type: string;
  [key: string]: unknown;
}

/**
 * A copy of `real` (a stack export) with `specs` added as resources named `planted-<name>`,
 * going through the real plan's providers (or through new planted providers with
 * `providerInputs` when given, or when the plan has none of that kind).
 */
export function plantInto(
  real: { deployment: { resources: ExportResource[] } },
  specs: readonly Spec[],
  providerInputs: Partial<Record<"aws" | "azure", Record<string, unknown>>> = {},
): { plan: { version: 3; deployment: { resources: ExportResource[] } }; urns: string[] } {
  // The real plan's resources are shared, not copied (shipped plans are frozen: nothing here or in
  // the checker changes them); only the list grows.
  const resources = [...real.deployment.resources];
  const prefix = (resources[0]?.urn ?? "urn:pulumi:test::mlops-platform::x::y").split("::").slice(0, 2).join("::");
  const providerRef: Partial<Record<ProviderKind, string>> = {};
  const types = { aws: "pulumi:providers:aws", azure: "pulumi:providers:azure-native", k8s: "pulumi:providers:kubernetes" } as const;
  for (const [kind, type] of Object.entries(types) as [Exclude<ProviderKind, "none">, string][]) {
    const override = kind === "k8s" ? undefined : providerInputs[kind];
    const existing = resources.find((r) => r.type === type);
    if (existing && !override) {
      providerRef[kind] = `${existing.urn}::${String(existing.id ?? "id")}`;
      continue;
    }
    const inputs = override ?? (PROVIDERS[kind].inputs as Record<string, unknown>);
    const provUrn = `${prefix}::${type}::planted-${kind}`;
    resources.push({ urn: provUrn, type, custom: true, id: `planted-${kind}-id`, inputs, outputs: inputs });
    providerRef[kind] = `${provUrn}::planted-${kind}-id`;
  }
  const urns: string[] = [];
  const urnOf = (sp: Spec) => `${prefix}::${sp.type}::planted-${sp.name}`;
  for (const sp of specs) {
    const kind = sp.provider ?? defaultProvider(sp.type);
    const propertyDependencies: Record<string, string[]> = {};
    for (const [k, names] of Object.entries(sp.dependsOn ?? {})) {
      propertyDependencies[k] = names.map((n) => {
        const dep = specs.find((x) => x.name === n);
        return dep ? urnOf(dep) : n;
      });
    }
    const u = urnOf(sp);
    urns.push(u);
    resources.push({
      urn: u,
      type: sp.type,
      custom: true,
      id: `planted-${sp.name}-id`,
      inputs: sp.inputs,
      outputs: sp.inputs,
      provider: providerRefOf(sp, specs, urnOf, (x) => `planted-${x.name}-id`) ?? (kind === "none" ? undefined : providerRef[kind]),
      dependencies: Object.values(propertyDependencies).flat(),
      propertyDependencies,
      protect: sp.protect,
    });
  }
  return { plan: { version: 3, deployment: { resources } }, urns };
}
