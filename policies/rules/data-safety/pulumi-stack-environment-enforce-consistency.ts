import { ENVIRONMENT_TAG } from "../../../contracts/environment";
import { stackRule } from "../../lib/rule";
import { obj, read, str } from "../../lib/values";

/**
 * The key of the pipeline settings ConfigMap that tells the steps whether approval and digests
 * are required (`SETTINGS_KEYS.environment` of workflows/steps/lib/settings.ts; the pack does not
 * import the step code, a test keeps the two equal).
 */
export const PIPELINE_ENVIRONMENT_KEY = "PLATFORM_ENVIRONMENT";

/** Where a resource claims an environment: its tag, its provider's default tags, the pipeline settings, the stack output. */
function claims(type: string, props: Record<string, unknown>): { where: string; value: string }[] {
  const out: { where: string; value: string }[] = [];
  const add = (where: string, get: () => unknown) => {
    const r = read(() => str(get()));
    if (r.known && r.value !== undefined) out.push({ where, value: r.value });
  };
  add(`tag ${ENVIRONMENT_TAG}`, () => obj(props.tags)[ENVIRONMENT_TAG]);
  if (type === "pulumi:providers:aws") {
    add(`defaultTags ${ENVIRONMENT_TAG}`, () => {
      const raw = props.defaultTags;
      const parsed = typeof raw === "string" ? (JSON.parse(raw) as unknown) : raw;
      return obj(obj(parsed).tags)[ENVIRONMENT_TAG];
    });
  }
  if (type === "kubernetes:core/v1:ConfigMap") add(`data.${PIPELINE_ENVIRONMENT_KEY}`, () => obj(props.data)[PIPELINE_ENVIRONMENT_KEY]);
  if (type === "pulumi:pulumi:Stack") add("stack output environment", () => props.environment);
  return out;
}

/**
 * Every environment a resource claims matches the one the stack's configuration declares, so a
 * production stack's resources cannot claim development (the pipeline steps would skip approval
 * and digests on such a claim) and no program change can stamp a different environment silently.
 */
export const pulumiStackEnvironmentEnforceConsistency = stackRule({
  name: "pulumi-stack-environment-enforce-consistency",
  check: ({ resources, settings, report }) => {
    const declared = settings.production ? "production" : "development";
    for (const r of resources) {
      for (const c of claims(r.type, r.props)) {
        if (c.value !== declared) {
          report(r, `${c.where} says "${c.value}" but the stack's configuration (mlops-platform:environment) declares ${declared}`);
        }
      }
    }
  },
});
