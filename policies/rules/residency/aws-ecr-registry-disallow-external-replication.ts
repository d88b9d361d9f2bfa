import { resourceRule } from "../../lib/rule";
import { list, obj, read, str } from "../../lib/values";

/** ECR replication rules only target allowed regions. */
export const awsEcrRegistryDisallowExternalReplication = resourceRule({
  name: "aws-ecr-registry-disallow-external-replication",
  types: ["aws:ecr/replicationConfiguration:ReplicationConfiguration"],
  check: ({ props, settings, report }) => {
    list(obj(props.replicationConfiguration).rules).forEach((rule, i) => {
      list(obj(rule).destinations).forEach((d, j) => {
        const region = read(() => str(obj(d).region));
        if (!region.known) report(`rules[${i}].destinations[${j}].region is unknown during preview: not assumed to be in the UAE`);
        else if (!region.value || !settings.allowedAwsRegions.includes(region.value)) {
          report(
            `rules[${i}].destinations[${j}] replicates images to region "${region.value ?? "(unset)"}", outside ${settings.allowedAwsRegions.join(", ")}`,
          );
        }
      });
    });
  },
});
