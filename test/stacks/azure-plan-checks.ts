/**
 * Shared helpers of the Azure cloud-layer plan tests: look resources up in the plans of the Azure
 * layer alone (the program in ./azure-layer-program, planned by the global setup, see
 * test/support/plan-requests.ts).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { PlanResource, PlanResult } from "../../tools/lib/harness";

/** Resources of one type. */
export function ofType(plan: PlanResult, type: string): PlanResource[] {
  return plan.resources.filter((r) => r.type === type);
}

/** The single resource of `type` named `name`. */
export function named(plan: PlanResult, type: string, name: string): PlanResource {
  const found = ofType(plan, type).filter((r) => r.name === name);
  if (found.length !== 1)
    throw new Error(
      `expected one ${type} named ${name}, found ${
        ofType(plan, type)
          .map((r) => r.name)
          .join(", ") || "none"
      }`,
    );
  return found[0] as PlanResource;
}

export { byUrn, providerOf, under } from "../support/plan-queries";

/** Reads a nested input by dotted path. */
export function input(r: PlanResource, path: string): unknown {
  let cur: unknown = r.inputs;
  for (const key of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

const locationCache = new Map<string, boolean>();

/**
 * True when the azure-native resource type takes a `location` argument, read from the
 * provider SDK's own type declarations (so a resource type added later is covered too).
 */
export function typeTakesLocation(type: string): boolean {
  const cached = locationCache.get(type);
  if (cached !== undefined) return cached;
  const [, module, name] = type.split(":") as [string, string, string];
  const file = resolve(
    __dirname,
    "../../node_modules/@pulumi/azure-native",
    module,
    `${name.charAt(0).toLowerCase()}${name.slice(1)}.d.ts`,
  );
  const text = readFileSync(file, "utf8");
  const args = new RegExp(`export interface ${name}Args \\{([\\s\\S]*?)\\n\\}`).exec(text);
  if (!args) throw new Error(`no ${name}Args in ${file}`);
  const takes = /\n\s{4}location\?:/.test(args[1] as string);
  locationCache.set(type, takes);
  return takes;
}
