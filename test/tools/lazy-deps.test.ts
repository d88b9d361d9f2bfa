import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { expect, it } from "vitest";

const ROOT = resolve(__dirname, "../..");

it("defers the SDK's TypeScript, arborist, package.json normaliser and Automation API until first use, and they still work", () => {
  const script = `
    require("./tools/lib/lazy-deps.ts");
    const pulumi = require("@pulumi/pulumi");
    const automation = () => Object.keys(require.cache).filter((k) => /@pulumi[\\/]pulumi[\\/]automation[\\/]/.test(k)).length;
    const automationBefore = automation();
    const workspace = typeof pulumi.automation.LocalWorkspace;
    const automationAfter = automation();
    const normalizers = () => Object.keys(require.cache).filter((k) => /normalize-package-data/.test(k)).length;
    const normalizeBefore = normalizers();
    // As the SDK's closure serialization loads and calls it (__importDefault(require(...)).default(data)).
    const viaSdk = require("node:module").createRequire(require.resolve("@pulumi/pulumi/runtime/closure/codePaths.js"))("normalize-package-data");
    const pkg = { name: "x", version: "1.0.0" };
    viaSdk.default(pkg);
    const normalized = typeof pkg._id;
    const loaded = () => Object.keys(require.cache).filter((k) => /typescript[\\\\/]lib[\\\\/]typescript\\.js$|@npmcli[\\\\/]arborist/.test(k)).length;
    const before = loaded();
    const ts = require("@pulumi/pulumi/typescript-shim.js");
    const kind = typeof ts.createSourceFile;
    console.log(JSON.stringify({ before, kind, version: ts.version, after: loaded(), automationBefore, workspace, automationAfter, normalizeBefore, normalized }));
  `;
  const run = spawnSync(process.execPath, ["--require", resolve(ROOT, "node_modules/tsx/dist/cjs/index.cjs"), "-e", script], {
    cwd: ROOT,
    encoding: "utf8",
  });
  expect(run.status, run.stderr).toBe(0);
  const out = JSON.parse(run.stdout.trim()) as {
    before: number;
    kind: string;
    version: string;
    after: number;
    automationBefore: number;
    workspace: string;
    automationAfter: number;
    normalizeBefore: number;
    normalized: string;
  };
  expect(out.before).toBe(0);
  expect(out.kind).toBe("function");
  expect(out.version).toMatch(/^5\./);
  expect(out.after).toBe(1);
  expect(out.automationBefore).toBe(0);
  expect(out.workspace).toBe("function");
  expect(out.automationAfter).toBeGreaterThan(5);
  expect(out.normalizeBefore).toBe(0);
  expect(out.normalized).toBe("string");
});

it("defers gRPC (the SDK's and the policy server's) until first use, and the SDK still reads gRPC codes through it", () => {
  const script = `
    require("./tools/lib/lazy-deps.ts");
    const grpcLoaded = () => Object.keys(require.cache).filter((k) => /@grpc[\\\\/]grpc-js[\\\\/]/.test(k)).length;
    require("@pulumi/pulumi");
    require("@pulumi/pulumi/runtime/settings");
    require("@pulumi/pulumi/runtime/callbacks");
    const policy = require("@pulumi/policy");
    require("@pulumi/policy/server");
    const before = grpcLoaded();
    // UNAVAILABLE (14) is what the SDK treats as the engine going away: read through the deferred module.
    const unavailable = require("@pulumi/pulumi/errors").isGrpcError({ code: 14 });
    const other = require("@pulumi/pulumi/errors").isGrpcError({ code: 3 });
    const after = grpcLoaded();
    // The generated service stubs, required from inside the SDK as the policy pack's server does,
    // are deferred too and load gRPC themselves on first use.
    const stubs = require("node:module").createRequire(require.resolve("@pulumi/policy/server.js"))("@pulumi/pulumi/proto/analyzer_grpc_pb");
    const service = Object.keys(stubs.AnalyzerService).includes("analyze") && typeof stubs.AnalyzerClient === "function";
    console.log(JSON.stringify({ before, unavailable, other, after, service, policyPack: typeof policy.PolicyPack }));
  `;
  const run = spawnSync(process.execPath, ["--require", resolve(ROOT, "tools/ts-hook.cjs"), "-e", script], { cwd: ROOT, encoding: "utf8" });
  expect(run.status, run.stderr).toBe(0);
  const out = JSON.parse(run.stdout.trim()) as Record<string, unknown>;
  expect(out).toEqual({ before: 0, unavailable: true, other: false, after: expect.any(Number), service: true, policyPack: "function" });
  expect(out.after).toBeGreaterThan(10);
});

it("defers the SDK's provider server and dynamic providers until first use, and they still work", () => {
  const script = `
    require("./tools/lib/lazy-deps.ts");
    const loaded = (dir) => Object.keys(require.cache).filter((k) => new RegExp("@pulumi[\\\\\\\\/]pulumi[\\\\\\\\/]" + dir + "[\\\\\\\\/]").test(k)).length;
    const pulumi = require("@pulumi/pulumi");
    // What a plan loads: the runtime, resources and Outputs.
    require("@pulumi/pulumi/runtime/resource");
    const before = { provider: loaded("provider"), dynamic: loaded("dynamic") };
    const main = typeof pulumi.provider.main;
    const dynamicResource = typeof pulumi.dynamic.Resource;
    const after = { provider: loaded("provider"), dynamic: loaded("dynamic") };
    console.log(JSON.stringify({ before, main, dynamicResource, after }));
  `;
  const run = spawnSync(process.execPath, ["--require", resolve(ROOT, "tools/ts-hook.cjs"), "-e", script], { cwd: ROOT, encoding: "utf8" });
  expect(run.status, run.stderr).toBe(0);
  const out = JSON.parse(run.stdout.trim()) as {
    before: Record<string, number>;
    main: string;
    dynamicResource: string;
    after: Record<string, number>;
  };
  expect(out.before).toEqual({ provider: 0, dynamic: 0 });
  expect(out.main).toBe("function");
  expect(out.dynamicResource).toBe("function");
  expect(out.after.provider).toBeGreaterThan(0);
  expect(out.after.dynamic).toBeGreaterThan(0);
});
