/**
 * Hand-built plans for rule tests: resources in `pulumi stack export` form, with region-pinned
 * providers, so that the engine hands each rule exactly what it hands it for a real plan.
 */
import { REDACTED_SECRET, UNKNOWN } from "../../tools/lib/values";

export { REDACTED_SECRET, UNKNOWN };

const STACK = "test";
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
  k8s: { type: "pulumi:providers:kubernetes", name: "k8s", inputs: {} },
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
      provider: p ? `${urn(p.type, p.name)}::${p.name}-id` : undefined,
      dependencies: Object.values(propertyDependencies).flat(),
      propertyDependencies,
      protect: s.protect,
    });
  }
  return { version: 3, deployment: { manifest: { time: "", magic: "", version: "" }, resources } };
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
