import { isCustomerManagedAwsKey } from "../../lib/keys";
import { resourceRule } from "../../lib/rule";
import { list, obj } from "../../lib/values";

/** EKS encrypts Kubernetes secrets with a customer-managed key. */
export const awsEksClusterEnforceSecretsEncryption = resourceRule({
  name: "aws-eks-cluster-enforce-secrets-encryption",
  types: ["aws:eks/cluster:Cluster"],
  check: ({ props, report }) => {
    const cfg = obj(props.encryptionConfig);
    if (!isCustomerManagedAwsKey(() => obj(cfg.provider).keyArn))
      report("secrets are not envelope-encrypted with a customer-managed key (encryptionConfig.provider.keyArn)");
    if (!list(cfg.resources).map(String).includes("secrets")) report('encryptionConfig.resources does not include "secrets"');
  },
});
