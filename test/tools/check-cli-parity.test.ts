/**
 * Parity with the Pulumi CLI: starts the real policy pack (policies/index.ts, as
 * `pulumi preview --policy-pack policies` starts it), sends it the analyzer gRPC calls the CLI
 * sends (Analyze per resource, AnalyzeStack with every resource), and checks that the offline
 * engine reports the same diagnostics: same rules, messages and enforcement levels, including
 * the advisory for unknown values.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultPackConfig } from "../../policies/config";
import { stackPolicies } from "../../policies/rules";
import { checkPlan, nameOf, type StateResource } from "../../tools/lib/check";
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

const proto = require("@pulumi/pulumi/proto/analyzer_pb.js") as Record<string, new () => Message>;
const grpcPb = require("@pulumi/pulumi/proto/analyzer_grpc_pb.js") as {
  AnalyzerClient: new (addr: string, creds: unknown) => Record<string, Call>;
};
const grpc = require("@grpc/grpc-js") as { credentials: { createInsecure(): unknown } };
const { Struct } = require("google-protobuf/google/protobuf/struct_pb.js") as { Struct: { fromJavaScript(v: unknown): unknown } };

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

function providerOf(r: StateResource, byUrn: Map<string, StateResource>): Message | undefined {
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

const SPECS: Spec[] = [
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

describe("offline engine and the policy pack served to the Pulumi CLI report the same", () => {
  let child: ChildProcess;
  let client: Record<string, Call>;
  const doc = plan(SPECS);
  const resources = doc.deployment.resources as unknown as StateResource[];
  const byUrn = new Map(resources.map((r) => [r.urn, r]));

  beforeAll(async () => {
    child = spawn(process.execPath, ["--import", "tsx", "index.ts"], {
      cwd: join(__dirname, "../../policies"),
      stdio: ["ignore", "pipe", "pipe"],
    });
    const port = await new Promise<string>((resolve, reject) => {
      let out = "";
      let err = "";
      child.stdout?.on("data", (d) => {
        out += String(d);
        const m = /^(\d+)\s*$/m.exec(out);
        if (m?.[1]) resolve(m[1]);
      });
      child.stderr?.on("data", (d) => {
        err += String(d);
      });
      child.on("exit", (code) => reject(new Error(`policy pack exited with ${code}: ${err}`)));
    });
    client = new grpcPb.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  }, 60_000);

  afterAll(() => {
    if (child?.pid) process.kill(child.pid);
  });

  const call = (method: string, req: unknown) =>
    new Promise<AnalyzeResponse>((resolve, reject) => {
      (client[method] as Call).call(client, req, (err, res) => (err ? reject(err) : resolve(res)));
    });
  const fromCli = (d: Diagnostic, urn: string) =>
    `${d.getPolicyname()}|${LEVELS[d.getEnforcementlevel()]}|${d.getUrn() || urn}|${d.getMessage()}`;

  it("for resource policies (Analyze, one call per resource)", async () => {
    const cli: string[] = [];
    for (const r of resources) {
      const req = new proto.AnalyzeRequest!();
      set(req, "Type", r.type);
      set(req, "Urn", r.urn);
      set(req, "Name", nameOf(r.urn));
      set(req, "Properties", Struct.fromJavaScript(wire(r.inputs ?? {})));
      set(req, "Options", options(r));
      const prov = providerOf(r, byUrn);
      if (prov) set(req, "Provider", prov);
      const res = await call("analyze", req);
      for (const d of res.getDiagnosticsList()) cli.push(fromCli(d, r.urn));
    }
    const offline = await checkPlan(doc, { packConfig: defaultPackConfig() });
    // Stack policies are compared by the AnalyzeStack test below (some report on a provider or other resource).
    const stackNames = new Set([
      ...stackPolicies.map((p) => p.name),
      ...offline.violations.filter((v) => v.urn === "" || !byUrn.has(v.urn)).map((v) => v.policy),
    ]);
    const mine = offline.violations
      .filter((v) => !stackNames.has(v.policy) && !v.policy.startsWith("aws-s3-"))
      .map((v) => `${v.policy}|${v.enforcementLevel}|${v.urn}|${v.message}`);
    expect(cli.length).toBeGreaterThan(5);
    expect(cli.some((d) => d.includes("|advisory|") && d.includes("can't be known during preview"))).toBe(true);
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
    const res = await call("analyzeStack", req);
    const cli = res.getDiagnosticsList().map((d) => fromCli(d, ""));
    const offline = await checkPlan(doc, { packConfig: defaultPackConfig() });
    const stackRules = new Set(res.getDiagnosticsList().map((d) => d.getPolicyname()));
    const mine = offline.violations
      .filter((v) => stackRules.has(v.policy))
      .map((v) => `${v.policy}|${v.enforcementLevel}|${v.urn}|${v.message}`);
    expect(cli.map((d) => d.split("|")[0])).toEqual(expect.arrayContaining(["aws-s3-bucket-disallow-public-access"]));
    expect(mine.sort()).toEqual(cli.sort());
  }, 60_000);
});
