import { stackAccounts } from "../../lib/accounts";
import { stackRule } from "../../lib/rule";
import { list, obj, read, str } from "../../lib/values";

/**
 * ECR replication rules only target allowed regions, and only registries of this stack's accounts
 * (the registry of another account is outside the stack's control, whatever its region).
 */
export const awsEcrRegistryDisallowExternalReplication = stackRule({
  name: "aws-ecr-registry-disallow-external-replication",
  check: ({ resources, settings, report }) => {
    let accounts: Set<string> | undefined;
    for (const r of resources) {
      if (r.type !== "aws:ecr/replicationConfiguration:ReplicationConfiguration") continue;
      accounts ??= stackAccounts(resources);
      const own = read(() => str(r.props.registryId));
      const mine = new Set(accounts);
      if (own.known && own.value) mine.add(own.value);
      list(obj(r.props.replicationConfiguration).rules).forEach((rule, i) => {
        list(obj(rule).destinations).forEach((d, j) => {
          const region = read(() => str(obj(d).region));
          if (!region.known) report(r, `rules[${i}].destinations[${j}].region is unknown during preview: not assumed to be in the UAE`);
          else if (!region.value || !settings.allowedAwsRegions.includes(region.value)) {
            report(
              r,
              `rules[${i}].destinations[${j}] replicates images to region "${region.value ?? "(unset)"}", outside ${settings.allowedAwsRegions.join(", ")}`,
            );
          }
          const registry = read(() => str(obj(d).registryId));
          if (!registry.known)
            report(
              r,
              `rules[${i}].destinations[${j}].registryId is unknown during preview: not assumed to be a registry of this stack's account`,
            );
          else if (!registry.value || !mine.has(registry.value))
            report(
              r,
              `rules[${i}].destinations[${j}] replicates images to the registry of account "${registry.value ?? "(unset)"}", which is not an account of this stack (${[...mine].join(", ") || "none known"})`,
            );
        });
      });
    }
  },
});
