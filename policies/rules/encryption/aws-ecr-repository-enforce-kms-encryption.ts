import { isCustomerManagedAwsKey } from "../../lib/keys";
import { resourceRule } from "../../lib/rule";
import { list, obj, str } from "../../lib/values";

/** ECR repositories use a customer-managed KMS key. */
export const awsEcrRepositoryEnforceKmsEncryption = resourceRule({
  name: "aws-ecr-repository-enforce-kms-encryption",
  types: ["aws:ecr/repository:Repository"],
  check: ({ props, report }) => {
    const cfg = obj(list(props.encryptionConfigurations)[0]);
    if (str(cfg.encryptionType) !== "KMS" || !isCustomerManagedAwsKey(() => cfg.kmsKey))
      report(
        'the repository is not encrypted with a customer-managed KMS key (encryptionConfigurations: [{ encryptionType: "KMS", kmsKey }])',
      );
  },
});
