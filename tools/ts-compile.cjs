/**
 * The compiler behind tools/ts-hook.cjs (which says why): TypeScript to CommonJS with esbuild,
 * each output kept under `node_modules/.cache` keyed by the file's path and content and the
 * compiler's version and options.
 */
"use strict";
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const CACHE_DIR = path.join(ROOT, "node_modules", ".cache", "mlops-platform", "ts-hook");

/** Options that change emitted code and that this hook does not pass on to esbuild: refused, not ignored. */
const UNSUPPORTED = ["paths", "experimentalDecorators", "emitDecoratorMetadata", "useDefineForClassFields", "verbatimModuleSyntax", "jsx"];

/** The compiler options tsconfig.json sets that change emitted code (esbuild reads only those). */
function compilerOptions() {
  const all = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8")).compilerOptions;
  const unsupported = UNSUPPORTED.filter((k) => all[k] !== undefined);
  if (unsupported.length > 0)
    throw new Error(
      `tools/ts-hook.cjs: tsconfig.json sets ${unsupported.join(", ")}, which this hook does not pass to esbuild: add them to tools/ts-compile.cjs or run the tool with tsx`,
    );
  const { target, module: moduleKind, esModuleInterop } = all;
  return { target, module: moduleKind, esModuleInterop };
}

let esbuild;
let options;
let optionsKey;

function compile(source, filename) {
  options ??= {
    loader: "ts",
    format: "cjs",
    target: `node${process.versions.node.split(".")[0]}`,
    sourcemap: "inline",
    sourcesContent: false,
    tsconfigRaw: { compilerOptions: compilerOptions() },
  };
  // The compiler's version from its package.json: loading esbuild itself (about 17 ms) waits for a cache miss.
  optionsKey ??= JSON.stringify([require("esbuild/package.json").version, options]);
  const key = createHash("sha256").update(optionsKey).update("\0").update(filename).update("\0").update(source).digest("hex");
  const cached = path.join(CACHE_DIR, `${key}.js`);
  try {
    return fs.readFileSync(cached, "utf8");
  } catch {
    // Not compiled yet.
  }
  esbuild ??= require("esbuild");
  const { code } = esbuild.transformSync(source, { ...options, sourcefile: filename });
  try {
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    // Write then rename: a concurrent run never reads half a file.
    const tmp = `${cached}.${process.pid}.${require("node:worker_threads").threadId}.${Math.random().toString(36).slice(2)}.tmp`;
    fs.writeFileSync(tmp, code);
    fs.renameSync(tmp, cached);
  } catch {
    // A read-only tree still runs, compiling each time.
  }
  return code;
}

module.exports = { compile, CACHE_DIR };
