/**
 * The TypeScript compiler `npm run plan` starts Node with (tools/ts-hook.cjs): types are stripped,
 * CommonJS comes out, errors keep TypeScript lines, and an unchanged file is read from the cache.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const { compile, CACHE_DIR } = require("../../tools/ts-compile.cjs") as {
  compile(source: string, filename: string): string;
  CACHE_DIR: string;
};

function run(code: string): Record<string, unknown> {
  const module = { exports: {} as Record<string, unknown> };
  new Function("module", "exports", "require", code)(module, module.exports, require);
  return module.exports;
}

describe("tools/ts-compile.cjs", () => {
  const unique = `${process.pid}-${Date.now()}`;
  afterAll(() => forgetCompiled("/virtual"));
  const source = `import { join } from "node:path";\nexport const at: string = join("a", "${unique}");\nexport enum Kind { A = 1 }\nexport interface Unused { x: number }\n`;

  it("compiles TypeScript to CommonJS with the types stripped", () => {
    const out = run(compile(source, "/virtual/example.ts"));
    expect(out.at).toBe(`a/${unique}`);
    expect((out.Kind as Record<string, number>).A).toBe(1);
  });

  it("keeps an inline source map naming the TypeScript file", () => {
    const code = compile(source, "/virtual/example.ts");
    const map = JSON.parse(Buffer.from(code.split("sourceMappingURL=data:application/json;base64,")[1] as string, "base64").toString());
    expect(map.sources).toEqual(["/virtual/example.ts"]);
  });

  it("reads an unchanged file from the cache and compiles a changed one", () => {
    const before = new Set(existsSync(CACHE_DIR) ? readdirSync(CACHE_DIR) : []);
    const first = compile(`${source}// once\n`, "/virtual/cached.ts");
    const added = readdirSync(CACHE_DIR).filter((f) => !before.has(f));
    expect(added).toHaveLength(1);
    const file = join(CACHE_DIR, added[0] as string);
    const mtime = statSync(file).mtimeMs;
    expect(compile(`${source}// once\n`, "/virtual/cached.ts")).toBe(first);
    expect(statSync(file).mtimeMs).toBe(mtime);
    compile(`${source}// twice\n`, "/virtual/cached.ts");
    const ours = readdirSync(CACHE_DIR).filter((f) => !before.has(f));
    expect(ours).toHaveLength(2);
    for (const f of ours) rmSync(join(CACHE_DIR, f));
  });
});

/** Removes the cache entries compiled from files under `dir` (their inline source maps name the file), so the tests leave the cache as they found it. */
function forgetCompiled(dir: string): void {
  if (!existsSync(CACHE_DIR)) return;
  for (const f of readdirSync(CACHE_DIR)) {
    const file = join(CACHE_DIR, f);
    const map = readFileSync(file, "utf8").split("sourceMappingURL=data:application/json;base64,")[1];
    const sources = map ? (JSON.parse(Buffer.from(map, "base64").toString()) as { sources?: string[] }).sources : undefined;
    if (sources?.some((s) => s.startsWith(`${dir}/`))) rmSync(file, { force: true });
  }
}

describe("tools/ts-hook.cjs", () => {
  const hook = resolve(__dirname, "../../tools/ts-hook.cjs");
  const sdkFile = require.resolve("@pulumi/pulumi/output.js");

  /** Runs `main` (TypeScript) under the hook in a fresh Node process and returns its output lines. */
  function runUnderHook(files: Record<string, string>): string[] {
    const dir = mkdtempSync(join(tmpdir(), "ts-hook-"));
    try {
      for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
      const r = spawnSync(process.execPath, ["--require", hook, join(dir, "main.ts")], { encoding: "utf8" });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      return r.stdout.trim().split("\n");
    } finally {
      forgetCompiled(dir);
      rmSync(dir, { recursive: true, force: true });
    }
  }

  const thrower = `import { sep } from "node:path";\ninterface Unused { a: number }\n\nexport function boom(): never {\n  const at: string = sep;\n  throw new Error(\`boom \${at}\`);\n}\n`;

  it("prints an error with its TypeScript line, also for a file loaded while source maps are off (as during a plan)", () => {
    const [plain, duringPlan] = runUnderHook({
      "a.ts": thrower,
      "b.ts": thrower,
      "main.ts": [
        "function stackOf(f: () => void): string { try { f(); } catch (e) { return (e as Error).stack?.split('\\n')[1] ?? ''; } return ''; }",
        "console.log(stackOf(() => require('./a').boom()));",
        // The offline plan turns source maps off while the program loads and runs (tools/lib/harness.ts).
        "process.setSourceMapsEnabled(false);",
        "let thrown: Error | undefined;",
        "try { require('./b').boom(); } catch (e) { thrown = e as Error; }",
        "process.setSourceMapsEnabled(true);",
        "console.log(thrown?.stack?.split('\\n')[1]);",
      ].join("\n"),
    });
    expect(plain).toMatch(/a\.ts:6:9\)$/);
    expect(duringPlan).toMatch(/b\.ts:6:9\)$/);
  });

  it("keeps the source maps of TypeScript files only, not those the SDK's JavaScript names", () => {
    const lines = runUnderHook({
      "a.ts": thrower,
      "main.ts": [
        "const { findSourceMap } = require('node:module');",
        `require(${JSON.stringify(sdkFile)});`,
        "require('./a');",
        `console.log(findSourceMap(${JSON.stringify(sdkFile)}) === undefined ? "js: none" : "js: kept");`,
        "console.log(findSourceMap(require.resolve('./a')) === undefined ? 'ts: none' : 'ts: kept');",
        "console.log(process.sourceMapsEnabled ? 'enabled' : 'disabled');",
      ].join("\n"),
    });
    expect(lines).toEqual(["js: none", "ts: kept", "enabled"]);
  });

  it("loads the compiler only when a file is not in the cache", () => {
    const dir = mkdtempSync(join(tmpdir(), "ts-hook-cache-"));
    try {
      writeFileSync(
        join(dir, "main.ts"),
        `const n: number = 1;\nconsole.log(Object.keys(require.cache).some((k) => /esbuild[\\\\/]lib[\\\\/]main\\.js$/.test(k)) ? "compiler loaded" : "from cache", n);\n// ${Date.now()}\n`,
      );
      const runs = [0, 1].map(() => spawnSync(process.execPath, ["--require", hook, join(dir, "main.ts")], { encoding: "utf8" }));
      expect(runs.map((r) => r.stdout.trim())).toEqual(["compiler loaded 1", "from cache 1"]);
    } finally {
      forgetCompiled(dir);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
