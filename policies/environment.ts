/**
 * The environment the rules judge a stack by, read from the stack's own configuration: never from
 * the pack configuration, so that `--policy-pack-config` or `policies/config/<stack>.json` cannot
 * turn a production stack into a development one.
 *
 * - Under the Pulumi CLI (`pulumi preview --policy-pack policies`), the CLI starts the pack with
 *   the stack's configuration in `PULUMI_CONFIG` (the same document the program receives) and the
 *   stack name in `PULUMI_NODEJS_STACK`; the pack reads `mlops-platform:environment` and
 *   `mlops-platform:retention` from it.
 * - The offline checker (`npm run check`, `npm run plan`) reads `Pulumi.yaml` and
 *   `Pulumi.<stack>.yaml` and runs the rules inside {@link withStackEnvironment}.
 *
 * Either way {@link stackEnvironmentFromConfig} (contracts/environment.ts) turns the values into
 * "production" and the retention minima, failing closed (production) when nothing is declared.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { namespaceValues, type StackEnvironment, stackEnvironmentFromConfig } from "../contracts/environment";

/** The project's config namespace (the `name` of Pulumi.yaml). */
export const PROJECT_NAMESPACE = "mlops-platform";

const current = new AsyncLocalStorage<StackEnvironment>();

/** Runs `fn` with `env` as the environment every rule sees (what the offline checker does). */
export function withStackEnvironment<T>(env: StackEnvironment, fn: () => T): T {
  return current.run(env, fn);
}

/** The environment of the stack the Pulumi CLI started this pack for, from the process environment. */
export function environmentFromProcess(env: NodeJS.ProcessEnv = process.env): StackEnvironment {
  const stack = env.PULUMI_NODEJS_STACK ?? env.PULUMI_STACK;
  const values = namespaceValues(env.PULUMI_CONFIG, PROJECT_NAMESPACE);
  const source = stack ? `the configuration of stack ${stack}` : "the stack configuration";
  if (values === undefined) return stackEnvironmentFromConfig({}, `${source} (none was given to the policy pack)`);
  return stackEnvironmentFromConfig(values, source);
}

/** The environment the rules judge by: the one the offline checker set, else the CLI's stack configuration. */
export function currentStackEnvironment(): StackEnvironment {
  return current.getStore() ?? environmentFromProcess();
}
