import { resourceRule } from "../../lib/rule";
import { isTrue, str } from "../../lib/values";

/** Symmetric customer-managed keys rotate. */
export const awsKmsKeyEnableRotation = resourceRule({
  name: "aws-kms-key-enable-rotation",
  types: ["aws:kms/key:Key"],
  check: ({ props, report }) => {
    const spec = str(props.customerMasterKeySpec) ?? "SYMMETRIC_DEFAULT";
    if (spec === "SYMMETRIC_DEFAULT" && !isTrue(props.enableKeyRotation)) report("automatic key rotation is off (enableKeyRotation: true)");
  },
});
