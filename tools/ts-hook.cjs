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

Module._extensions[".ts"] = function loadTypeScript(module, filename) {
  module._compile(compile(fs.readFileSync(filename, "utf8"), filename), filename);
};
process.setSourceMapsEnabled(true);
