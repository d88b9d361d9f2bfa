import { resourceRule } from "../../lib/rule";
import { isTrue } from "../../lib/values";

/** KMS keys are single-region; no replica keys. */
export const awsKmsKeyDisallowMultiRegion = resourceRule({
  name: "aws-kms-key-disallow-multi-region",
  types: ["aws:kms/key:Key", "aws:kms/replicaKey:ReplicaKey", "aws:kms/replicaExternalKey:ReplicaExternalKey"],
  check: ({ args, props, report }) => {
    if (args.type !== "aws:kms/key:Key") return report("replica keys copy key material across regions; remove the replica key");
    if (isTrue(props.multiRegion))
      report("multiRegion is true: the key material can be replicated to regions outside the UAE; set multiRegion: false");
  },
});
