/**
 * A shipped stack's configuration as the program receives it: the project's keys of
 * `Pulumi.<stack>.yaml` (with Pulumi.yaml's defaults) without the `mlops-platform:` prefix, and
 * the models the stack resolves from them.
 */
import { resolve } from "node:path";
import { resolveConfig } from "../../stacks/config";
import { readStackConfig } from "../../tools/lib/stack-config";

const ROOT = resolve(__dirname, "../..");
const PREFIX = "mlops-platform:";

/** The project's configuration keys of `stack`, unprefixed. */
export function rawOf(stack: string): Record<string, unknown> {
  const { values } = readStackConfig(ROOT, stack);
  return Object.fromEntries(
    Object.entries(values)
      .filter(([k]) => k.startsWith(PREFIX))
      .map(([k, v]) => [k.slice(PREFIX.length), v]),
  );
}

/** The stack's resolved models. */
export function modelsOf(stack: string) {
  return resolveConfig(rawOf(stack), "mlops-platform", stack).models;
}
