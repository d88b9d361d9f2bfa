/**
 * The offline tools raise V8's threshold for its optimising compiler (tools/tiering.cjs): the flag
 * must be one the running V8 knows (an unknown one is an error line on every plan), the plan
 * script must load it, and a V8 the file does not know is left with its defaults.
 */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { PLAN_NODE_OPTIONS } from "../../tools/lib/plan-node";

const ROOT = resolve(__dirname, "../..");
const { tieringFlags } = require("../../tools/tiering.cjs") as { tieringFlags: (v8Version: string) => string[] };

describe("tools/tiering.cjs", () => {
  it("picks each supported Node's flags by its V8 version, sixteen times the defaults", () => {
    expect(tieringFlags("11.3.244.8-node.38")).toEqual(["--interrupt-budget=1081344"]); // Node 20: 67,584 by default
    // Node 22 and 24: 3,000 and 400 invocations by default.
    for (const v of ["12.4.254.21-node.57", "13.6.233.17-node.53"])
      expect(tieringFlags(v)).toEqual(["--invocation-count-for-turbofan=48000", "--invocation-count-for-maglev=6400"]);
  });

  it("leaves a V8 it does not know alone", () => {
    for (const v of ["10.2.154.26-node.26", "14.1.0.0-node.1", "", "not-a-version"]) expect(tieringFlags(v)).toEqual([]);
  });

  it("gives the running Node flags its V8 accepts on the command line, and loads without a word", () => {
    const flags = tieringFlags(process.versions.v8);
    expect(flags.length, `no tiering flag for V8 ${process.versions.v8}`).toBeGreaterThan(0);
    // Node refuses an unknown V8 option on its command line (exit 9): the flags' names are real here.
    const direct = spawnSync(process.execPath, [...flags, "-e", "0"], { encoding: "utf8" });
    expect(direct.status, direct.stderr).toBe(0);
    // Set at run time, an unknown flag would only print an error; the preload prints nothing.
    const preload = spawnSync(process.execPath, ["--require", resolve(ROOT, "tools/tiering.cjs"), "-e", "0"], { encoding: "utf8" });
    expect(preload.status).toBe(0);
    expect(preload.stderr).toBe("");
  });

  it("keeps a function V8 would optimise on its baseline tier", () => {
    // A function called through a builtin (no loop of the test's own for V8 to replace on the stack),
    // more often than V8's default threshold and less often than sixteen times it: Node 20 counts
    // bytecode (its threshold is reached after about 20,000 calls of this function), Node 22 and 24
    // count calls (3,000 for TurboFan, 400 for Maglev on Node 24).
    // The last fifth of the calls comes after a pause, in which the optimising compiler's thread
    // finishes what the first calls started and the trace reports it.
    const calls = process.versions.v8.startsWith("11.") ? 30_000 : 5_000;
    const script = `function hot(a) { return (a * 2 + 1) | 0; }
      const xs = Array.from({ length: ${calls / 5} }, (_, i) => i);
      for (let k = 0; k < 4; k++) xs.map(hot);
      setTimeout(() => xs.map(hot), 250);`;
    const compiled = (preload: string[]) => {
      const run = spawnSync(process.execPath, ["--trace-opt", ...preload, "-e", script], { encoding: "utf8" });
      expect(run.status, run.stderr).toBe(0);
      return run.stdout.split("\n").filter((l) => /completed compiling .*JSFunction hot /.test(l)).length;
    };
    expect(compiled([]), "V8 no longer optimises the probe by default: raise its calls").toBeGreaterThan(0);
    expect(compiled(["--require", resolve(ROOT, "tools/tiering.cjs")])).toBe(0);
  });

  it("is loaded by the plan script before the TypeScript hook", () => {
    const args = [...PLAN_NODE_OPTIONS];
    const tiering = args.indexOf("./tools/tiering.cjs");
    expect(tiering).toBeGreaterThan(0);
    expect(args[tiering - 1]).toBe("--require");
    expect(tiering).toBeLessThan(args.indexOf("./tools/ts-hook.cjs"));
  });
});
