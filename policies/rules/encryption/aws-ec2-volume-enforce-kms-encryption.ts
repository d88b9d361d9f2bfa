import { isCustomerManagedAwsKey } from "../../lib/keys";
import { resourceRule } from "../../lib/rule";
import { isTrue, list, obj } from "../../lib/values";

/** EBS volumes and launch-template block devices use a customer-managed KMS key. */
export const awsEc2VolumeEnforceKmsEncryption = resourceRule({
  name: "aws-ec2-volume-enforce-kms-encryption",
  types: ["aws:ebs/volume:Volume", "aws:ec2/launchTemplate:LaunchTemplate"],
  check: ({ args, props, report }) => {
    if (args.type === "aws:ebs/volume:Volume") {
      if (!isTrue(props.encrypted)) report("the volume is not encrypted (encrypted: true)");
      if (!isCustomerManagedAwsKey(() => props.kmsKeyId)) report("the volume does not use a customer-managed key (kmsKeyId)");
      return;
    }
    list(props.blockDeviceMappings).forEach((m, i) => {
      const ebs = obj(obj(m).ebs);
      if (Object.keys(ebs).length === 0) return;
      if (!isTrue(ebs.encrypted)) report(`blockDeviceMappings[${i}].ebs is not encrypted (encrypted: "true")`);
      if (!isCustomerManagedAwsKey(() => ebs.kmsKeyId))
        report(`blockDeviceMappings[${i}].ebs does not use a customer-managed key (kmsKeyId)`);
    });
  },
});
