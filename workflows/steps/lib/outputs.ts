/** Where steps write their outputs (Argo output parameters and artifacts read files from here). */
import { join } from "node:path";
import { writeOutput } from "./cli";

/** The output directory: `STEP_OUTPUT_DIR` or `/tmp/outputs` (on the pod's writable emptyDir). */
export function outputDir(env: Readonly<Record<string, string | undefined>>): string {
  return env.STEP_OUTPUT_DIR || "/tmp/outputs";
}

/** Writes each entry as `<dir>/<name>`. */
export function writeOutputs(env: Readonly<Record<string, string | undefined>>, outputs: Record<string, string>): void {
  const dir = outputDir(env);
  for (const [name, value] of Object.entries(outputs)) writeOutput(join(dir, name), value);
}
