/**
 * The README's fork recipe, as a program: parses the recipe literally from README.md ("Fork a
 * stack"), applies it to a shipped stack file with a given profile and environment, and writes
 * the fork next to a copy of `Pulumi.yaml`, so that the fork can be planned and checked with
 * nothing but its own stack file. Used by `npm run forks` and test/journeys/fork.test.ts.
 */
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse, parseDocument } from "yaml";
import { ENVIRONMENTS, type EnvironmentName } from "../../contracts/environment";
import { stackFileName } from "./stack-config";

/** The repository root. */
export const REPO_ROOT = resolve(__dirname, "../..");

/** The recipe as the README writes it. */
export interface ForkRecipe {
  /** Stack copied (`cp Pulumi.<source>.yaml …`). */
  readonly source: string;
  /** Stack created (`… Pulumi.<target>.yaml`). */
  readonly target: string;
  /** Keys the recipe sets to a concrete value (`mlops-platform:profile` → `smb`, …), in order. */
  readonly edits: ReadonlyArray<readonly [key: string, value: unknown]>;
  /** Keys the recipe mentions without a value (`...`): left as copied. */
  readonly untouched: readonly string[];
  /** The stack the recipe plans (`npm run plan -- --stack <target>`). */
  readonly planned: string;
}

/** The profiles and environments a fork may choose. */
export const PROFILES = ["smb", "enterprise"] as const;
export { ENVIRONMENTS };

/** The stacks shipped with the repository: every `Pulumi.<stack>.yaml` in `root`. */
export function shippedStacks(root: string = REPO_ROOT): string[] {
  return readdirSync(root)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/** Parses the fork recipe from the README's "Fork a stack" section. Throws naming what it cannot find. */
export function forkRecipeFromReadme(readme: string): ForkRecipe {
  const section = readme.split(/^## /m).find((s) => s.startsWith("Fork a stack"));
  if (!section) throw new Error('README.md has no "## Fork a stack" section');
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('README.md "Fork a stack" has no ```sh block');
  const lines = block.split("\n").map((l) => l.trim());
  const cp = lines.map((l) => /^cp Pulumi\.([\w-]+)\.yaml Pulumi\.([\w-]+)\.yaml$/.exec(l)).find((m) => m !== null);
  if (!cp?.[1] || !cp[2]) throw new Error("the fork recipe has no `cp Pulumi.<source>.yaml Pulumi.<target>.yaml` line");
  const edits: [string, unknown][] = [];
  const untouched: string[] = [];
  for (const line of lines) {
    const m = /^#\s+(mlops-platform:[A-Za-z]+):\s*(.+?)(?:\s{2,}#.*)?$/.exec(line);
    if (!m?.[1] || m[2] === undefined) continue;
    if (m[2] === "...") untouched.push(m[1]);
    else edits.push([m[1], parse(m[2])]);
  }
  const plan = lines.map((l) => /^npm run plan -- --stack ([\w-]+)/.exec(l)).find((m) => m !== null);
  if (!plan?.[1]) throw new Error("the fork recipe has no `npm run plan -- --stack <name>` line");
  return { source: cp[1], target: cp[2], edits, untouched, planned: plan[1] };
}

/** One fork of the journey: which stack, with which profile and environment. */
export interface ForkCase {
  readonly source: string;
  readonly profile: (typeof PROFILES)[number];
  readonly environment: EnvironmentName;
  /** Name of the fork's stack. */
  readonly stack: string;
}

/**
 * Every shipped stack × both profiles × both environments. The fork of the README's own example
 * (its source, with the profile and environment it sets) takes the README's target name.
 */
export function forkCases(recipe: ForkRecipe, stacks: readonly string[] = shippedStacks()): ForkCase[] {
  const edit = (key: string) => recipe.edits.find(([k]) => k === key)?.[1];
  const cases: ForkCase[] = [];
  for (const source of stacks) {
    for (const profile of PROFILES) {
      for (const environment of ENVIRONMENTS) {
        const literal =
          source === recipe.source && edit("mlops-platform:profile") === profile && edit("mlops-platform:environment") === environment;
        const stack = literal
          ? recipe.target
          : `${source}-fork-${profile === "smb" ? "s" : "e"}${environment === "production" ? "p" : "d"}`;
        cases.push({ source, profile, environment, stack });
      }
    }
  }
  return cases;
}

/**
 * What the README tells an operator to add when a development stack becomes production: the
 * OIDC client secret and the pull-through cache's registry credentials (`pulumi config set
 * --secret`; here the offline plan's stand-in for an encrypted value) and an alert receiver. Production refuses the fork without them, naming the
 * commands; a production source already carries both.
 */
export function productionNeeds(c: ForkCase, sourceText: string): Record<string, unknown> {
  if (c.environment !== "production") return {};
  const values = ((parse(sourceText) as { config?: Record<string, unknown> } | null)?.config ?? {}) as Record<string, unknown>;
  const needs: Record<string, unknown> = {};
  if (values["mlops-platform:oidcClientSecret"] === undefined)
    needs["mlops-platform:oidcClientSecret"] = { secure: "v1:PLACEHOLDER-set-with-pulumi-config-set-secret" };
  if (values["mlops-platform:registryCredentials"] === undefined)
    needs["mlops-platform:registryCredentials"] = {
      "docker-hub": { secure: "v1:PLACEHOLDER-set-with-pulumi-config-set-secret" },
      ghcr: { secure: "v1:PLACEHOLDER-set-with-pulumi-config-set-secret" },
    };
  const services = (values["mlops-platform:services"] ?? {}) as Record<string, unknown>;
  const alerting = (services.alerting ?? {}) as { receivers?: unknown[] };
  if (!alerting.receivers?.length)
    needs["mlops-platform:services"] = {
      ...services,
      alerting: {
        ...alerting,
        receivers: [
          {
            name: "platform-oncall",
            type: "email",
            to: "mlops-oncall@example.ae",
            from: "alertmanager@example.ae",
            smarthost: "smtp.example.internal:587",
          },
        ],
      },
    };
  return needs;
}

/**
 * The text of the fork's stack file: the source file with the recipe's edits applied, the profile
 * and environment replaced by the case's, and `extra` keys set (tests use it to break a fork).
 * Comments and key order of the source are kept.
 */
export function forkStackText(recipe: ForkRecipe, c: ForkCase, sourceText: string, extra: Record<string, unknown> = {}): string {
  const doc = parseDocument(sourceText);
  const values: (readonly [string, unknown])[] = [
    ...recipe.edits,
    ["mlops-platform:profile", c.profile],
    ["mlops-platform:environment", c.environment],
    ...Object.entries(extra),
  ];
  for (const [key, value] of values) doc.setIn(["config", key], doc.createNode(value));
  return doc.toString();
}

/**
 * Writes the fork of `c` into `dir` (with a copy of the project's `Pulumi.yaml`), as the recipe's
 * `cp` and edits would in the repository. Returns the fork's stack name.
 */
export function writeFork(dir: string, recipe: ForkRecipe, c: ForkCase, extra: Record<string, unknown> = {}, root = REPO_ROOT): string {
  copyFileSync(join(root, "Pulumi.yaml"), join(dir, "Pulumi.yaml"));
  const source = readFileSync(join(root, stackFileName(c.source)), "utf8");
  writeFileSync(join(dir, stackFileName(c.stack)), forkStackText(recipe, c, source, { ...productionNeeds(c, source), ...extra }));
  return c.stack;
}
