/**
 * How `npm run plan`, `npm run check` and `npm run bench` run TypeScript:
 * `node --require ./tools/ts-hook.cjs tools/plan.ts`.
 *
 * The project is CommonJS TypeScript; these tools need `require()` to load `.ts` files and
 * nothing else. tsx does that too, but also runs an ES-module syntax scan over every `.js` file
 * Node loads (about a thousand SDK modules for a plan, over half a second of CPU), and its
 * launcher adds a second Node process and a loader thread. This hook compiles `.ts` files only,
 * with the same compiler tsx uses (esbuild, type annotations stripped, no type-check: `npm run
 * typecheck` does that), and keeps each file's output under `node_modules/.cache` keyed by the
 * file's path and content, the compiler's version and options, so an unchanged file is read, not
 * compiled. Errors point at TypeScript lines (inline source maps).
 */
"use strict";
const fs = require("node:fs");
const Module = require("node:module");
const { compile } = require("./ts-compile.cjs");

/**
 * Source maps are kept for TypeScript files only. Node reads and keeps the source map of every
 * module it compiles while source maps are enabled; the SDKs' `.js` files name a `.js.map` each
 * (about a thousand for a plan): a few MiB at the plan's peak, and the time to read them, for
 * stack lines inside published JavaScript. So `.js` modules are compiled
 * with source maps off and `.ts` modules with them on; between loads they stay on, so that an
 * error is printed with TypeScript lines (V8 formats a stack when it is first read).
 * One case keeps JavaScript lines: TypeScript code that runs while a `.js` module is loading (a
 * `.js` entry point, or a library calling back into TypeScript from its top level) and reads an
 * error's stack before that load returns. The plan, check and bench tools never do (a plan loads
 * no `.ts` file from inside a `.js` one).
 */
function withSourceMaps(enabled, load) {
  const before = process.sourceMapsEnabled;
  if (before === enabled) return load();
  process.setSourceMapsEnabled(enabled);
  try {
    return load();
  } finally {
    process.setSourceMapsEnabled(before);
  }
}

const loadJavaScript = Module._extensions[".js"];
Module._extensions[".js"] = function loadJavaScriptWithoutSourceMap(module, filename) {
  return withSourceMaps(false, () => loadJavaScript(module, filename));
};
Module._extensions[".ts"] = function loadTypeScript(module, filename) {
  const code = compile(fs.readFileSync(filename, "utf8"), filename);
  return withSourceMaps(true, () => module._compile(code, filename));
};
process.setSourceMapsEnabled(true);
