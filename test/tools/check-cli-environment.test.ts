/**
 * One source of truth for the environment: the real policy pack, started the way the Pulumi CLI
 * starts it for a stack (the stack's configuration in PULUMI_CONFIG, its name in
 * PULUMI_NODEJS_STACK, no --policy-pack-config), judges by the environment and retention the stack
 * file declares, and reports exactly what the offline checker reports from the same stack file.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkPlan, nameOf, type StateResource } from "../../tools/lib/check";
import { readStackConfig, toRuntimeConfig } from "../../tools/lib/stack-config";
import { plan, type Spec } from "../policies/fixture";

interface Message {
  [setter: string]: unknown;
}
interface Diagnostic {
  getPolicyname(): string;
  getMessage(): string;
  getEnforcementlevel(): number;
}
type Call = (req: unknown, cb: (err: Error | null, res: { getDiagnosticsList(): Diagnostic[] }) => void) => void;

const proto = require("@pulumi/pulumi/proto/analyzer_pb.js") as Record<string, new () => Message>;
const grpcPb = require("@pulumi/pulumi/proto/analyzer_grpc_pb.js") as {
  AnalyzerClient: new (addr: string, creds: unknown) => Record<string, Call>;
};
const grpc = require("@grpc/grpc-js") as { credentials: { createInsecure(): unknown } };
const { Struct } = require("google-protobuf/google/protobuf/struct_pb.js") as { Struct: { fromJavaScript(v: unknown): unknown } };

const ROOT = resolve(__dirname, "../..");
const LEVELS = ["advisory", "mandatory", "disabled", "remediate"];
const set = (msg: Message, field: string, value: unknown) => (msg[`set${field}`] as (v: unknown) => void).call(msg, value);

// Data-safety resources that a production stack must reject and a development stack accepts, and
// one rule that applies everywhere (key rotation).
const SPECS: Spec[] = [
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
];
const doc = plan(SPECS);
const resources = doc.deployment.resources as unknown as StateResource[];

const dir = mkdtempSync(join(tmpdir(), "cli-env-"));
copyFileSync(join(ROOT, "Pulumi.yaml"), join(dir, "Pulumi.yaml"));
copyFileSync(join(ROOT, "Pulumi.dev.yaml"), join(dir, "Pulumi.dev.yaml"));
// A production fork of dev that keeps logs 400 days: the pack's log minimum follows the stack.
writeFileSync(
  join(dir, "Pulumi.dev-prod.yaml"),
  readFileSync(join(ROOT, "Pulumi.dev.yaml"), "utf8")
    .replace("mlops-platform:environment: development", "mlops-platform:environment: production")
    .concat("  mlops-platform:retention:\n    logDays: 400\n"),
);

/** Starts the pack as the CLI does for `stack`; resolves to a connected client. */
function startPack(stack: string): Promise<{ child: ChildProcess; client: Record<string, Call> }> {
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

async function analyzeAll(client: Record<string, Call>): Promise<string[]> {
  const out: string[] = [];
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  for (const r of resources) {
    const req = new proto.AnalyzeRequest!();
    set(req, "Type", r.type);
    set(req, "Urn", r.urn);
    set(req, "Name", nameOf(r.urn));
    set(req, "Properties", Struct.fromJavaScript(r.inputs ?? {}));
    const opts = new proto.AnalyzerResourceOptions!();
    set(opts, "Protect", r.protect === true);
    set(req, "Options", opts);
    const prov = r.provider ? byUrn.get(r.provider.slice(0, r.provider.lastIndexOf("::"))) : undefined;
    if (prov) {
      const p = new proto.AnalyzerProviderResource!();
      set(p, "Type", prov.type);
      set(p, "Urn", prov.urn);
      set(p, "Name", nameOf(prov.urn));
      set(p, "Properties", Struct.fromJavaScript(prov.inputs ?? {}));
      set(req, "Provider", p);
    }
    const res = await new Promise<{ getDiagnosticsList(): Diagnostic[] }>((ok, fail) =>
      (client.analyze as Call).call(client, req, (e, x) => (e ? fail(e) : ok(x))),
    );
    for (const d of res.getDiagnosticsList())
      out.push(`${d.getPolicyname()}|${LEVELS[d.getEnforcementlevel()]}|${r.urn}|${d.getMessage()}`);
  }
  return out.sort();
}

describe("the pack served to the CLI judges a stack by its own configuration, as the offline checker does", () => {
  const packs: Record<string, { child: ChildProcess; client: Record<string, Call> }> = {};
  beforeAll(async () => {
    const [dev, prod] = await Promise.all([startPack("dev"), startPack("dev-prod")]);
    packs.dev = dev;
    packs["dev-prod"] = prod;
  }, 90_000);
  afterAll(() => {
    for (const p of Object.values(packs)) if (p.child.pid) process.kill(p.child.pid);
    rmSync(dir, { recursive: true, force: true });
  });

  const offline = async (stack: string) =>
    (await checkPlan(doc, { stack, root: dir })).violations
      .filter((v) => v.urn !== "")
      .map((v) => `${v.policy}|${v.enforcementLevel}|${v.urn}|${v.message}`)
      .sort();

  it("development (Pulumi.dev.yaml): data-safety rules are not applicable, the rest applies", async () => {
    const cli = await analyzeAll(packs.dev!.client);
    const rules = cli.map((d) => d.split("|")[0]);
    expect(rules).toContain("aws-kms-key-enable-rotation");
    expect(rules).not.toContain("aws-rds-database-enable-deletion-protection");
    expect(rules).not.toContain("aws-cloudwatch-log-group-configure-retention");
    expect(await offline("dev")).toEqual(cli);
  }, 60_000);

  it("production with its own retention: deletion protection and the stack's 400-day log minimum apply", async () => {
    const cli = await analyzeAll(packs["dev-prod"]!.client);
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
