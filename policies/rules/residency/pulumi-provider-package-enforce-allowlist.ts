import { resourceRule } from "../../lib/rule";

/**
 * Provider packages whose resources the pack understands (residency, encryption, access): the
 * packages in the project's dependency set. `pulumi` is the engine's own (stack, providers);
 * `mlops-platform` is the project's components (they hold nothing; their children are checked).
 */
export const UNDERSTOOD_PACKAGES: readonly string[] = ["aws", "azure-native", "kubernetes", "random", "pulumi", "mlops-platform"];

/** The package of a type token (`gcp:storage/bucket:Bucket` → gcp; `pulumi:providers:gcp` → gcp). */
export function packageOf(type: string): string {
  const providers = /^pulumi:providers:(.+)$/.exec(type);
  if (providers?.[1]) return providers[1];
  return type.split(":")[0] ?? type;
}

/** In production, no resource comes from a provider package the pack does not understand. */
export const pulumiProviderPackageEnforceAllowlist = resourceRule({
  name: "pulumi-provider-package-enforce-allowlist",
  types: () => true,
  scope: "production",
  check: ({ args, report }) => {
    const own = packageOf(args.type);
    const through = args.provider ? packageOf(args.provider.type) : undefined;
    for (const pkg of new Set([own, ...(through ? [through] : [])])) {
      if (!UNDERSTOOD_PACKAGES.includes(pkg))
        report(
          `${args.type} comes from the provider package "${pkg}", which the policy pack does not understand: its residency, encryption and access cannot be verified, so it is refused in production`,
        );
    }
  },
});
