/**
 * The offline plan: runs the real `index.ts` under Pulumi's runtime mocks, in preview mode,
 * and records what the engine would record.
 *
 * Mocks hand their callbacks only a resource's type, name, inputs and provider, so the plan
 * uses its own resource monitor (a {@link MockMonitor} subclass) that sees the whole
 * registration request: parent, dependencies, provider reference, protect, retainOnDelete.
 * It models what the engine does and mocks do not: the root stack resource, providers as
 * resources with their inputs, default providers (refused, as the project disables them),
 * cloud-assigned identifiers (deterministic placeholders), everything else unknown, secrets
 * redacted.
 */
import { resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import * as settings from "@pulumi/pulumi/runtime/settings";
import { runInPulumiStack } from "@pulumi/pulumi/runtime/stack";
import { type Manifest, type StackExport, toManifests, toStackExport } from "./export";
import {
  PLACEHOLDER_AWS_ACCOUNT,
  PLACEHOLDER_AZURE_OBJECT_ID,
  PLACEHOLDER_AZURE_SUBSCRIPTION,
  PLACEHOLDER_AZURE_TENANT,
  placeholderOutputs,
} from "./placeholders";
import { readStackConfig, toRuntimeConfig } from "./stack-config";
import { redact } from "./values";

/** One resource of the plan, in the shape of a `pulumi stack export` resource. */
export interface PlanResource {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  id?: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  parent?: string;
  /** `<provider urn>::<provider id>` for custom resources. */
  provider?: string;
  dependencies: string[];
  propertyDependencies?: Record<string, string[]>;
  protect?: boolean;
  retainOnDelete?: boolean;
  deleteBeforeReplace?: boolean;
  ignoreChanges?: string[];
  additionalSecretOutputs?: string[];
  deletedWith?: string;
}

/** The result of planning one stack. */
export interface PlanResult {
  readonly project: string;
  readonly stack: string;
  /** Resources in a deterministic dependency order (stack first, then parents before children). */
  readonly resources: PlanResource[];
  /** Stack outputs (secrets redacted). */
  readonly outputs: Record<string, unknown>;
  /** The `pulumi stack export` (version 3) document of the plan. */
  readonly deployment: StackExport;
  /** Kubernetes objects declared directly by the program. */
  readonly manifests: Manifest[];
}

/** Options of {@link planStack}. */
export interface PlanOptions {
  /** Project directory (holds Pulumi.yaml and index.ts). Defaults to the repository root. */
  readonly root?: string;
  /** Directory holding the `Pulumi.yaml` and `Pulumi.<stack>.yaml` to read the configuration from; defaults to `root`. */
  readonly configRoot?: string;
  /** Overrides of top-level keys of the project namespace, e.g. `{ teams: [...] }`. */
  readonly config?: Record<string, unknown>;
  /** Timestamp written into the export document; defaults to now. */
  readonly time?: string;
  /** Called every few hundred registrations with the count so far. */
  readonly onProgress?: (registered: number) => void;
}

/** Raised when the program cannot be planned; carries every problem found. */
export class PlanError extends Error {
  constructor(
    message: string,
    readonly problems: readonly string[],
  ) {
    super(message);
    this.name = "PlanError";
  }
}

/**
 * Offline answers to the provider functions the program calls, and only those: any other call
 * fails the plan, so a new lookup gets a deliberate answer (or none) instead of an invented one.
 */
function answerInvoke(token: string, region: string | undefined): Record<string, unknown> {
  switch (token) {
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return {
        accountId: PLACEHOLDER_AWS_ACCOUNT,
        arn: `arn:aws:sts::${PLACEHOLDER_AWS_ACCOUNT}:assumed-role/deployer/offline-plan`,
        userId: "AROAOFFLINEPLAN:offline-plan",
        id: PLACEHOLDER_AWS_ACCOUNT,
      };
    case "aws:index/getPartition:getPartition":
      return { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" };
    case "aws:lb/getLoadBalancer:getLoadBalancer": {
      // The internal NLB the cloud controller creates for the ingress Service: cloud-assigned
      // names in AWS's format, from the placeholder account (the real ones exist after deployment).
      const r = region ?? "";
      const name = "k8s-ingress-traefik-offline";
      return {
        arn: `arn:aws:elasticloadbalancing:${r}:${PLACEHOLDER_AWS_ACCOUNT}:loadbalancer/net/${name}/0123456789abcdef`,
        name,
        dnsName: `${name}-0123456789abcdef.elb.${r}.amazonaws.com`,
        zoneId: "Z0OFFLINEPLANNLB",
        internal: true,
        loadBalancerType: "network",
        id: name,
      };
    }
    case "azure-native:authorization:getClientConfig":
      return {
        clientId: PLACEHOLDER_AZURE_OBJECT_ID,
        objectId: PLACEHOLDER_AZURE_OBJECT_ID,
        subscriptionId: PLACEHOLDER_AZURE_SUBSCRIPTION,
        tenantId: PLACEHOLDER_AZURE_TENANT,
      };
    default:
      throw new Error(
        `offline plan: the program calls provider function "${token}", which has no offline answer. Derive the value from configuration, or add an answer in tools/lib/harness.ts.`,
      );
  }
}

interface Registration {
  record: PlanResource;
  order: number;
}

type StructLike = { toJavaScript(): Record<string, unknown> } | undefined;

/**
 * The URN the engine gives a resource: the parent's qualified type chain (the root stack
 * left out), then the resource's type, then its name. The stock MockMonitor keeps only the
 * last parent type and keeps the stack in the chain, which real URNs never do.
 */
export function urnOf(parent: string, type: string, name: string): string {
  let qualified = type;
  const parentType = parent ? (parent.split("::")[2] ?? "") : "";
  if (parentType && parentType !== "pulumi:pulumi:Stack") qualified = `${parentType}$${type}`;
  return `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${qualified}::${name}`;
}

/**
 * The resource monitor of the offline plan. It answers registrations itself rather than through
 * MockMonitor.registerResource, which decodes each request twice, re-encodes the answer and keeps a
 * serialized copy of every resource's state for its whole run: about a third of a plan's time and
 * most of its memory went there. The answer is the same: the inputs (already in wire form, so
 * secrets stay secret and unknowns unknown) plus what the cloud would assign.
 */
class PlanMonitor extends MockMonitor {
  readonly registrations: Registration[] = [];
  readonly stackOutputs = new Map<string, Record<string, unknown>>();
  readonly providerRegions = new Map<string, string | undefined>();
  /** URNs registered so far, with their id (what `pulumi:pulumi:getResource` and outputs need). */
  private readonly registered = new Map<string, string>();

  constructor(private readonly onRegistered: (count: number) => void) {
    super({
      newResource: () => {
        throw new Error("offline plan: registrations are answered by PlanMonitor.registerResource");
      },
      call: (args) => answerInvoke(args.token, args.provider ? this.providerRegions.get(args.provider) : undefined),
    });
    // MockMonitor.newUrn is private in the typings; replace it with the engine's URN scheme.
    Object.assign(this, { newUrn: urnOf });
  }

  // biome-ignore lint/suspicious/noExplicitAny: the gRPC request/callback types are internal to @pulumi/pulumi.
  override async registerResource(req: any, callback: (err: any, resp: any) => void): Promise<void> {
    try {
      const type: string = req.getType();
      const name: string = req.getName();
      const parent: string = req.getParent();
      const provider: string = req.getProvider();
      const custom: boolean = req.getCustom();
      const inputs = ((req.getObject() as StructLike)?.toJavaScript() ?? {}) as Record<string, unknown>;
      const propertyDependencies: Record<string, string[]> = {};
      // biome-ignore lint/suspicious/noExplicitAny: protobuf map entries.
      req.getPropertydependenciesMap().forEach((deps: any, key: string) => {
        propertyDependencies[key] = deps.getUrnsList();
      });
      const urn = urnOf(parent, type, name);
      const region = type.startsWith("pulumi:providers:") ? undefined : provider ? this.providerRegions.get(provider) : undefined;
      const { id, ...assigned } = placeholderOutputs({ type, name, urn, inputs, region });
      const resourceId = type === "pulumi:pulumi:Stack" || !custom ? "" : String(id);
      const redactedInputs = redact(inputs) as Record<string, unknown>;
      const record: PlanResource = {
        urn,
        type,
        name,
        custom,
        inputs: redactedInputs,
        // As in a preview, the planned state of a custom resource is its inputs plus what the cloud
        // assigns. Shares the redacted inputs' values rather than copying them.
        outputs: { ...redactedInputs, ...(redact(assigned) as Record<string, unknown>) },
        dependencies: [...req.getDependenciesList()].sort(),
      };
      if (resourceId) record.id = resourceId;
      if (parent) record.parent = parent;
      if (provider) record.provider = provider;
      if (Object.keys(propertyDependencies).length > 0) record.propertyDependencies = propertyDependencies;
      if (req.getProtect()) record.protect = true;
      if (req.getRetainondelete()) record.retainOnDelete = true;
      if (req.getDeletebeforereplace()) record.deleteBeforeReplace = true;
      if (req.getIgnorechangesList().length > 0) record.ignoreChanges = req.getIgnorechangesList();
      if (req.getAdditionalsecretoutputsList().length > 0) record.additionalSecretOutputs = req.getAdditionalsecretoutputsList();
      if (req.getDeletedwith()) record.deletedWith = req.getDeletedwith();
      if (type.startsWith("pulumi:providers:")) {
        const providerRegion = inputs.region ?? inputs.location;
        this.providerRegions.set(`${urn}::${resourceId}`, typeof providerRegion === "string" ? providerRegion : undefined);
      }
      this.registered.set(urn, resourceId);
      this.registrations.push({ record, order: this.registrations.length });
      this.onRegistered(this.registrations.length);

      // The answer in the shape the SDK reads (it builds the same shape itself when it runs without
      // a monitor): encoding it as a protobuf message only for the SDK to decode it again, and to
      // format it into a debug line nobody reads, was a tenth of a plan's CPU.
      const state = custom ? { ...inputs, ...assigned } : assigned;
      callback(null, {
        getUrn: () => urn,
        getId: () => resourceId,
        getObject: () => ({ toJavaScript: () => state }),
        getPropertydependenciesMap: () => undefined,
        getResult: () => resproto.Result.SUCCESS,
        getUnknown: () => false,
      });
    } catch (err) {
      callback(err, undefined);
    }
  }

  // biome-ignore lint/suspicious/noExplicitAny: the gRPC request/callback types are internal to @pulumi/pulumi.
  override registerResourceOutputs(req: any, callback: (err: any, resp: any) => void): void {
    const urn: string = req.getUrn();
    if (!this.registered.has(urn)) {
      callback(new Error(`unknown resource ${urn}`), undefined);
      return;
    }
    const outputs = ((req.getOutputs() as StructLike)?.toJavaScript() ?? {}) as Record<string, unknown>;
    this.stackOutputs.set(urn, redact(outputs) as Record<string, unknown>);
    callback(null, {});
  }
}

/** Orders resources so that every resource follows its parent, provider and dependencies; ties by URN. */
export function dependencyOrder(resources: PlanResource[]): PlanResource[] {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const deps = new Map<string, Set<string>>();
  const dependents = new Map<string, string[]>();
  for (const r of resources) {
    const d = new Set<string>();
    if (r.parent && byUrn.has(r.parent)) d.add(r.parent);
    const providerUrn = r.provider?.split("::").slice(0, -1).join("::");
    if (providerUrn && byUrn.has(providerUrn)) d.add(providerUrn);
    for (const x of r.dependencies) if (byUrn.has(x) && x !== r.urn) d.add(x);
    deps.set(r.urn, d);
    for (const x of d) {
      const list = dependents.get(x);
      if (list) list.push(r.urn);
      else dependents.set(x, [r.urn]);
    }
  }
  const ready = resources.filter((r) => deps.get(r.urn)?.size === 0).map((r) => r.urn);
  ready.sort();
  const out: PlanResource[] = [];
  while (ready.length > 0) {
    const urn = ready.shift() as string;
    out.push(byUrn.get(urn) as PlanResource);
    for (const child of dependents.get(urn) ?? []) {
      const d = deps.get(child) as Set<string>;
      d.delete(urn);
      if (d.size === 0) {
        // Insert keeping `ready` sorted (binary search).
        let lo = 0;
        let hi = ready.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if ((ready[mid] as string) < child) lo = mid + 1;
          else hi = mid;
        }
        ready.splice(lo, 0, child);
      }
    }
  }
  if (out.length !== resources.length) throw new PlanError("offline plan: the resources have a dependency cycle", []);
  return out;
}

function pulumiVersion(): string {
  return (require("@pulumi/pulumi/package.json") as { version: string }).version;
}

/**
 * The SDK spends most of a plan's time and memory on diagnostics a plan does not carry: a full
 * stack trace per resource (source positions for the engine) and a formatted stack trace kept on
 * every internal promise (for PULUMI_DEBUG_PROMISE_LEAKS), each mapped through source maps under
 * tsx. The plan turns these off while the program runs and restores them afterwards; what the
 * program registers is unchanged. V8 formats an error's stack lazily, so an error the program
 * throws is still source-mapped when it is printed. Under `pulumi up` the SDK runs as published.
 */
function tuneSdkForPlanning(): () => void {
  const resourceClass = pulumi.Resource as unknown as { stackTrace: (skip?: number) => unknown[] };
  const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: <T>(p: Promise<T>, ctx?: unknown) => Promise<T> };
  const saved = {
    stackTrace: resourceClass.stackTrace,
    debuggablePromise: debuggable.debuggablePromise,
    sourceMaps: process.sourceMapsEnabled,
  };
  resourceClass.stackTrace = () => [];
  if (!process.env.PULUMI_DEBUG_PROMISE_LEAKS) debuggable.debuggablePromise = (p) => p;
  process.setSourceMapsEnabled(false);
  return () => {
    resourceClass.stackTrace = saved.stackTrace;
    debuggable.debuggablePromise = saved.debuggablePromise;
    process.setSourceMapsEnabled(saved.sourceMaps);
  };
}

/**
 * Loads the program and returns its exports (the stack outputs), as the language host does.
 * Under tsx the TypeScript-aware `require` is used (the CLI's CommonJS path, and the faster
 * one); where `require` cannot load TypeScript (vitest), `import()` goes through the runner's
 * own loader.
 */
async function loadProgram(programPath: string): Promise<Record<string, unknown>> {
  if (require.extensions[".ts"]) {
    forgetProgramModules();
    return { ...(require(programPath) as Record<string, unknown>) };
  }
  loadedByImport = true;
  const mod = (await import(programPath)) as Record<string, unknown>;
  const named = Object.keys(mod).filter((k) => k !== "default" && k !== "module.exports");
  return named.length > 0 ? Object.fromEntries(named.map((k) => [k, mod[k]])) : { ...(mod.default as object) };
}

/** The project's root: the programs planned here (the project's, and the tests' layer programs) live under it. */
const PROJECT_ROOT = resolve(__dirname, "../..");

let planning = false;
let loadedByImport = false;

/**
 * Forgets the program's own modules (index.ts, stacks/, components/, contracts/, workflows/, and a
 * test's own program under test/) so that the next plan runs the program afresh, as a new process
 * would. The tools and the policy
 * pack stay loaded: the checker holds them. Only possible where the program was loaded with
 * `require` (tsx); a loader of its own (vitest's `import()`) cannot be reset.
 */
function forgetProgramModules(): void {
  const root = PROJECT_ROOT;
  const keep = [resolve(root, "tools"), resolve(root, "policies"), resolve(root, "node_modules"), resolve(root, "test/support")];
  for (const key of Object.keys(require.cache)) {
    if (key.startsWith(root) && !keep.some((k) => key.startsWith(k)) && !key.includes("/node_modules/")) delete require.cache[key];
  }
}

/**
 * Plans `stack` offline. Pulumi's runtime state is process-global: plans in one process run one
 * after the other (each resets the runtime and reloads the program), and where the program is
 * loaded through `import()` (vitest), once per process.
 */
export async function planStack(stack: string, opts: PlanOptions = {}): Promise<PlanResult> {
  if (planning) throw new Error("planStack(): another plan is running in this process; plan stacks one after the other.");
  if (loadedByImport)
    throw new Error(
      "planStack() runs once per process under a test runner's own module loader: Pulumi's runtime state is global. Plan another stack in another process or test file.",
    );
  planning = true;
  try {
    return await planOnce(stack, opts);
  } finally {
    planning = false;
  }
}

async function planOnce(stack: string, opts: PlanOptions): Promise<PlanResult> {
  const root = opts.root ?? PROJECT_ROOT;
  const file = readStackConfig(opts.configRoot ?? root, stack);
  const values = { ...file.values };
  for (const [k, v] of Object.entries(opts.config ?? {})) values[`${file.project}:${k}`] = v;

  const problems: string[] = [];
  const onUnhandled = (reason: unknown) => problems.push(reason instanceof Error ? reason.message : String(reason));
  process.on("unhandledRejection", onUnhandled);

  const monitor = new PlanMonitor((n) => {
    if (opts.onProgress && n % 200 === 0) opts.onProgress(n);
  });
  await pulumi.runtime.setMocks({ newResource: () => ({ id: "", state: {} }), call: () => ({}) }, file.project, stack, true);
  settings.setMockOptions(monitor, file.project, stack, true);
  pulumi.runtime.setAllConfig(toRuntimeConfig(values), file.secretKeys);

  const programPath = resolve(root, "index.ts");
  let programError: unknown;
  const restoreSdk = tuneSdkForPlanning();
  try {
    await runInPulumiStack(async () => {
      try {
        return await loadProgram(programPath);
      } catch (err) {
        programError = err;
        return {};
      }
    });
    // waitForRPCs is marked internal in the SDK's typings; it is what the language host awaits too.
    await (settings as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  } catch (err) {
    programError ??= err;
  } finally {
    process.off("unhandledRejection", onUnhandled);
    restoreSdk();
  }
  if (programError) {
    // Tell callers (and tests) what had been registered when the program stopped.
    if (programError instanceof Error) Object.assign(programError, { registeredTypes: monitor.registrations.map((r) => r.record.type) });
    throw programError;
  }

  const resources = monitor.registrations.map((r) => r.record);
  const stackResource = resources.find((r) => r.type === "pulumi:pulumi:Stack");
  for (const r of resources) {
    const outs = monitor.stackOutputs.get(r.urn);
    if (outs && !r.custom) r.outputs = outs;
  }
  // Default providers are disabled for the project: a custom resource without an explicit
  // provider would be refused by the engine.
  for (const r of resources) {
    if (r.custom && !r.type.startsWith("pulumi:providers:") && !r.provider) {
      problems.push(
        `${r.urn} has no explicit provider; default providers are disabled (pulumi:disable-default-providers), so the engine would refuse it`,
      );
    }
  }
  if (problems.length > 0) {
    throw new PlanError(
      `The program cannot be planned (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `  - ${p}`).join("\n")}`,
      problems,
    );
  }
  const ordered = dependencyOrder(resources);
  return {
    project: file.project,
    stack,
    resources: ordered,
    outputs: stackResource?.outputs ?? {},
    deployment: toStackExport(ordered, pulumiVersion(), opts.time ?? new Date().toISOString()),
    manifests: toManifests(ordered),
  };
}
