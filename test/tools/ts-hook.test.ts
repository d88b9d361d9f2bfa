/**
 * The TypeScript compiler `npm run plan` starts Node with (tools/ts-hook.cjs): types are stripped,
 * CommonJS comes out, errors keep TypeScript lines, and an unchanged file is read from the cache.
 */
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

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
