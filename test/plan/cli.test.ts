import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { expect, it } from "vitest";
import { planArgs, UsageError } from "../../tools/plan";
import { PLAN_COMMAND } from "../support/plan-command";

const ROOT = resolve(__dirname, "../..");

it("refuses a stack without a stack file, naming the file, with exit status 2", () => {
  // The one run of the command itself; the determinism test runs it on a real stack.
  const r = spawnSync(process.execPath, [...PLAN_COMMAND, "--stack", "nope"], { cwd: ROOT, encoding: "utf8" });
  expect(r.status).toBe(2);
  expect(r.stderr).toContain("Pulumi.nope.yaml");
});

it("refuses a missing --stack, a bad --format and an unknown option with the usage", () => {
  const refusal = (argv: string[]) => {
    try {
      planArgs(argv);
    } catch (err) {
      expect(err).toBeInstanceOf(UsageError);
      return (err as Error).message;
    }
    throw new Error(`accepted ${argv.join(" ")}`);
  };
  expect(refusal([])).toContain("--stack is required");
  expect(refusal(["--stack", "dev", "--format", "xml"])).toContain('--format must be text or json, not "xml"');
  expect(refusal(["--stack", "dev", "--colour"])).toMatch(/Unknown option '--colour'[\s\S]*usage: npm run plan/);
  expect(refusal(["--stack", "dev", "extra"])).toContain("usage: npm run plan");
});

it("reads the stack, the output directory, the format and --skip-check", () => {
  expect(planArgs(["--stack", "dev"])).toEqual({ stack: "dev", format: "text", skipCheck: false });
  expect(planArgs(["--stack", "uae-prod", "--out", "o", "--format", "json", "--skip-check"])).toEqual({
    stack: "uae-prod",
    out: "o",
    format: "json",
    skipCheck: true,
  });
});
