/**
 * The layering the architecture promises, checked on the source: `contracts/` is a leaf (it
 * imports nothing of the project), and neither `components/` nor the policy pack imports `stacks/`
 * (the pack must stay publishable on its own; components never read stack configuration).
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "../..");

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : sources(path);
    return e.name.endsWith(".ts") ? [path] : [];
  });
}

/** Relative module specifiers of a file (`import … from`, `export … from`, `import()`, `require()`), resolved to repo paths. */
function projectImports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)["']([^"']+)["']/g)].map((m) => m[1] as string);
  return specs.filter((s) => s.startsWith(".")).map((s) => relative(ROOT, resolve(ROOT, dirname(file), s)));
}

describe("layering", () => {
  it("finds relative imports in every form", () => {
    // Self-check of the scanner on this very file's neighbours: contracts/index.ts re-exports.
    expect(projectImports("contracts/index.ts")).toContain("contracts/regions");
    expect(projectImports("components/aws/nodepool.ts")).toContain("contracts/scheduling");
  });

  it("contracts/ imports nothing of the project outside itself", () => {
    const offenders = sources("contracts").flatMap((f) =>
      projectImports(f)
        .filter((target) => !target.startsWith("contracts/") && target !== "contracts")
        .map((target) => `${f} -> ${target}`),
    );
    expect(offenders).toEqual([]);
  });

  it("contracts/ imports no package but Node built-ins (a leaf any layer may take)", () => {
    const offenders = sources("contracts").flatMap((f) => {
      const text = readFileSync(join(ROOT, f), "utf8");
      return [...text.matchAll(/from\s+["']([^."'][^"']*)["']/g)]
        .map((m) => m[1] as string)
        .filter((s) => !s.startsWith("node:"))
        .map((s) => `${f} -> ${s}`);
    });
    expect(offenders).toEqual([]);
  });

  it.each(["components", "policies"])("%s/ never imports stacks/", (dir) => {
    const offenders = sources(dir).flatMap((f) =>
      projectImports(f)
        .filter((target) => target === "stacks" || target.startsWith("stacks/"))
        .map((target) => `${f} -> ${target}`),
    );
    expect(offenders).toEqual([]);
  });

  it("the policy pack reaches outside policies/ only into contracts/", () => {
    const offenders = sources("policies").flatMap((f) =>
      projectImports(f)
        .filter((target) => !target.startsWith("policies/") && !target.startsWith("contracts/"))
        .map((target) => `${f} -> ${target}`),
    );
    expect(offenders).toEqual([]);
  });
});
