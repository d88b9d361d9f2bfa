/**
 * The real policy pack (policies/index.ts), started the way the Pulumi CLI starts it for a stack
 * (`pulumi preview --policy-pack policies`: the stack's configuration in PULUMI_CONFIG, its name in
 * PULUMI_NODEJS_STACK, no --policy-pack-config), sent the analyzer gRPC calls the CLI sends, and
 * compared with the offline engine on the same stack file:
 * - parity: Analyze per resource and AnalyzeStack with every resource report the same rules,
 *   messages and enforcement levels as the offline engine, the advisory for unknown values included;
 * - one source of truth for the environment: a development and a production stack are judged by
 *   the environment and retention their stack files declare.
 * Two pack processes in all (one per stack), shared by every test here: each costs seconds of CPU.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stackPolicies } from "../../policies/rules";
import { checkPlan, nameOf, type StateResource } from "../../tools/lib/check";
import { readStackConfig, toRuntimeConfig } from "../../tools/lib/stack-config";
import { BUCKET } from "../policies/cases";
import { plan, REDACTED_SECRET, type Spec, UNKNOWN } from "../policies/fixture";

interface Message {
  [setter: string]: unknown;
}
interface Diagnostic {
  getPolicyname(): string;
  getMessage(): string;
  getEnforcementlevel(): number;
  getUrn(): string;
}
interface AnalyzeResponse {
  getDiagnosticsList(): Diagnostic[];
}
type Call = (req: unknown, cb: (err: Error | null, res: AnalyzeResponse) => void) => void;
type Client = Record<string, Call>;

const proto = require("@pulumi/pulumi/proto/analyzer_pb.js") as Record<string, new () => Message>;
const grpcPb = require("@pulumi/pulumi/proto/analyzer_grpc_pb.js") as {
  AnalyzerClient: new (addr: string, creds: unknown) => Client;
};
const grpc = require("@grpc/grpc-js") as { credentials: { createInsecure(): unknown } };
const { Struct } = require("google-protobuf/google/protobuf/struct_pb.js") as { Struct: { fromJavaScript(v: unknown): unknown } };

const ROOT = resolve(__dirname, "../..");
const LEVELS = ["advisory", "mandatory", "disabled", "remediate"];

function set(msg: Message, field: string, value: unknown): Message {
  (msg[`set${field}`] as (v: unknown) => void).call(msg, value);
  return msg;
}

/** Props as the engine serializes them over gRPC: a redacted secret becomes a secret of "[secret]". */
function wire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(wire);
  if (value === null || typeof value !== "object") return value;
  const o = value as Record<string, unknown>;
  if ("ciphertext" in o) return { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "[secret]" };
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, wire(v)]));
}

function options(r: StateResource): Message {
  const o = new proto.AnalyzerResourceOptions!();
  set(o, "Protect", r.protect === true);
  if (r.parent) set(o, "Parent", r.parent);
  return o;
}

function providerOf(r: StateResource, byUrn: ReadonlyMap<string, StateResource>): Message | undefined {
  if (!r.provider) return undefined;
  const prov = byUrn.get(r.provider.slice(0, r.provider.lastIndexOf("::")));
  if (!prov) return undefined;
  const p = new proto.AnalyzerProviderResource!();
  set(p, "Type", prov.type);
  set(p, "Urn", prov.urn);
  set(p, "Name", nameOf(prov.urn));
  set(p, "Properties", Struct.fromJavaScript(wire(prov.inputs ?? {})));
  return p;
}

const call = (client: Client, method: string, req: unknown) =>
  new Promise<AnalyzeResponse>((ok, fail) => {
    (client[method] as Call).call(client, req, (err, res) => (err ? fail(err) : ok(res)));
  });
const fromCli = (d: Diagnostic, urn: string) =>
  `${d.getPolicyname()}|${LEVELS[d.getEnforcementlevel()]}|${d.getUrn() || urn}|${d.getMessage()}`;

/** Analyze, one call per resource, as the CLI sends it during a preview. */
async function analyzeEach(client: Client, resources: readonly StateResource[]): Promise<string[]> {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const out: string[] = [];
  for (const r of resources) {
    const req = new proto.AnalyzeRequest!();
    set(req, "Type", r.type);
    set(req, "Urn", r.urn);
    set(req, "Name", nameOf(r.urn));
    set(req, "Properties", Struct.fromJavaScript(wire(r.inputs ?? {})));
    set(req, "Options", options(r));
    const prov = providerOf(r, byUrn);
    if (prov) set(req, "Provider", prov);
    const res = await call(client, "analyze", req);
    for (const d of res.getDiagnosticsList()) out.push(fromCli(d, r.urn));
  }
  return out.sort();
}

// The stack files the packs are started for: dev as shipped, and a production fork of it that
// keeps logs 400 days (the pack's log minimum follows the stack).
const dir = mkdtempSync(join(tmpdir(), "cli-pack-"));
copyFileSync(join(ROOT, "Pulumi.yaml"), join(dir, "Pulumi.yaml"));
copyFileSync(join(ROOT, "Pulumi.dev.yaml"), join(dir, "Pulumi.dev.yaml"));
writeFileSync(
  join(dir, "Pulumi.dev-prod.yaml"),
  readFileSync(join(ROOT, "Pulumi.dev.yaml"), "utf8")
    .replace("mlops-platform:environment: development", "mlops-platform:environment: production")
    .concat("  mlops-platform:retention:\n    logDays: 400\n"),
);

/** Starts the pack as the CLI does for `stack`; resolves to a connected client once it prints its port. */
function startPack(stack: string): Promise<{ child: ChildProcess; client: Client }> {
  const { values } = readStackConfig(dir, stack);
  const child = spawn(process.execPath, ["--import", "tsx", "index.ts"], {
    cwd: join(ROOT, "policies"),
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, PULUMI_CONFIG: JSON.stringify(toRuntimeConfig(values)), PULUMI_NODEJS_STACK: stack },
  });
  return new Promise((ok, fail) => {
    let out = "";
    let err = "";
    child.stdout?.on("data", (d) => {
      out += String(d);
      const port = /^(\d+)\s*$/m.exec(out)?.[1];
      if (port) ok({ child, client: new grpcPb.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) });
    });
    child.stderr?.on("data", (d) => {
      err += String(d);
    });
    child.on("exit", (code) => fail(new Error(`policy pack exited with ${code}: ${err}`)));
  });
}

const packs: Record<string, { child: ChildProcess; client: Client }> = {};
const client = (stack: "dev" | "dev-prod") => packs[stack]!.client;
beforeAll(async () => {
  const [dev, prod] = await Promise.all([startPack("dev"), startPack("dev-prod")]);
  packs.dev = dev;
  packs["dev-prod"] = prod;
}, 90_000);
afterAll(() => {
  for (const p of Object.values(packs)) if (p.child.pid) process.kill(p.child.pid);
  rmSync(dir, { recursive: true, force: true });
});

const PARITY_SPECS: Spec[] = [
  ...BUCKET.filter((s) => s.name !== "data-pab"),
  { type: "aws:kms/key:Key", name: "key", inputs: { enableKeyRotation: false, multiRegion: true }, protect: true },
  {
    type: "aws:rds/instance:Instance",
    name: "db",
    inputs: { engine: "postgres", storageEncrypted: UNKNOWN, publiclyAccessible: true, masterPassword: REDACTED_SECRET },
  },
  { type: "aws:sqs/queue:Queue", name: "q", inputs: { region: UNKNOWN } },
  { type: "aws:sqs/queue:Queue", name: "orphan", inputs: {}, provider: "none" },
  {
    type: "kubernetes:apps/v1:Deployment",
    name: "app",
    inputs: { metadata: { namespace: "mlflow" }, spec: { template: { spec: { containers: [{ name: "c", image: "nginx:latest" }] } } } },
  },
];

describe("offline engine and the policy pack served to the Pulumi CLI report the same (production stack)", () => {
  const doc = plan(PARITY_SPECS);
  const resources = doc.deployment.resources as unknown as StateResource[];
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const offline = () => checkPlan(doc, { stack: "dev-prod", root: dir });

  it("for resource policies (Analyze, one call per resource)", async () => {
    const cli = await analyzeEach(client("dev-prod"), resources);
    const result = await offline();
    // Stack policies are compared by the AnalyzeStack test below (some report on a provider or other resource).
    const stackNames = new Set([
      ...stackPolicies.map((p) => p.name),
      ...result.violations.filter((v) => v.urn === "" || !byUrn.has(v.urn)).map((v) => v.policy),
    ]);
    const mine = result.violations
      .filter((v) => !stackNames.has(v.policy) && !v.policy.startsWith("aws-s3-"))
      .map((v) => `${v.policy}|${v.enforcementLevel}|${v.urn}|${v.message}`);
    expect(cli.length).toBeGreaterThan(5);
    expect(cli.some((d) => d.includes("|advisory|") && d.includes("can't be known during preview"))).toBe(true);
    expect(cli.some((d) => d.startsWith("aws-rds-database-enable-deletion-protection|mandatory|"))).toBe(true);
    expect(mine.sort()).toEqual(cli.filter((d) => !d.startsWith("aws-s3-")).sort());
  }, 60_000);

  it("for stack policies (AnalyzeStack with every resource)", async () => {
    const req = new proto.AnalyzeStackRequest!();
    const list = resources.map((r) => {
      const m = new proto.AnalyzerResource!();
      set(m, "Type", r.type);
      set(m, "Urn", r.urn);
      set(m, "Name", nameOf(r.urn));
      set(m, "Properties", Struct.fromJavaScript(wire(r.outputs ?? r.inputs ?? {})));
      set(m, "Options", options(r));
      if (r.parent) set(m, "Parent", r.parent);
      set(m, "DependenciesList", r.dependencies ?? []);
      const prov = providerOf(r, byUrn);
      if (prov) set(m, "Provider", prov);
      return m;
    });
    set(req, "ResourcesList", list);
    const res = await call(client("dev-prod"), "analyzeStack", req);
    const cli = res.getDiagnosticsList().map((d) => fromCli(d, ""));
    const stackRules = new Set(res.getDiagnosticsList().map((d) => d.getPolicyname()));
    const mine = (await offline()).violations
      .filter((v) => stackRules.has(v.policy))
      .map((v) => `${v.policy}|${v.enforcementLevel}|${v.urn}|${v.message}`);
    expect(cli.map((d) => d.split("|")[0])).toEqual(expect.arrayContaining(["aws-s3-bucket-disallow-public-access"]));
    expect(mine.sort()).toEqual(cli.sort());
  }, 60_000);
});

describe("the pack served to the CLI judges a stack by its own configuration, as the offline checker does", () => {
  // Data-safety resources that a production stack must reject and a development stack accepts, and
  // one rule that applies everywhere (key rotation).
  const doc = plan([
    {
      type: "aws:rds/instance:Instance",
      name: "db",
      inputs: { engine: "postgres", deletionProtection: false, backupRetentionPeriod: 35, storageEncrypted: true, kmsKeyId: "k" },
      protect: true,
    },
    {
      type: "aws:cloudwatch/logGroup:LogGroup",
      name: "logs",
      inputs: { retentionInDays: 365, kmsKeyId: "arn:aws:kms:me-central-1:1:key/x" },
    },
    { type: "aws:kms/key:Key", name: "key", inputs: { enableKeyRotation: false, multiRegion: false }, protect: true },
  ]);
  const resources = doc.deployment.resources as unknown as StateResource[];
  const offline = async (stack: string) =>
    (await checkPlan(doc, { stack, root: dir })).violations
      .filter((v) => v.urn !== "")
      .map((v) => `${v.policy}|${v.enforcementLevel}|${v.urn}|${v.message}`)
      .sort();

  it("development (Pulumi.dev.yaml): data-safety rules are not applicable, the rest applies", async () => {
    const cli = await analyzeEach(client("dev"), resources);
    const rules = cli.map((d) => d.split("|")[0]);
    expect(rules).toContain("aws-kms-key-enable-rotation");
    expect(rules).not.toContain("aws-rds-database-enable-deletion-protection");
    expect(rules).not.toContain("aws-cloudwatch-log-group-configure-retention");
    expect(await offline("dev")).toEqual(cli);
  }, 60_000);

  it("production with its own retention: deletion protection and the stack's 400-day log minimum apply", async () => {
    const cli = await analyzeEach(client("dev-prod"), resources);
    const rules = cli.map((d) => d.split("|")[0]);
    expect(rules).toEqual(
      expect.arrayContaining([
        "aws-kms-key-enable-rotation",
        "aws-rds-database-enable-deletion-protection",
        "aws-cloudwatch-log-group-configure-retention",
      ]),
    );
    expect(cli.join("\n")).toContain("logs are kept 365 days, less than the minimum 400");
    expect(await offline("dev-prod")).toEqual(cli);
  }, 60_000);
});
