import { resourceRule } from "../../lib/rule";
import { obj } from "../../lib/values";

const CREDENTIAL_KEYS =
  /^(aws_access_key_id|aws_secret_access_key|azure_client_secret|azure_storage_key|azurestorageaccountkey|accountkey)$/i;

/** No static cloud credentials in Kubernetes Secrets. */
export const kubernetesCoreSecretDisallowCloudCredentials = resourceRule({
  name: "kubernetes-core-secret-disallow-cloud-credentials",
  types: ["kubernetes:core/v1:Secret"],
  check: ({ props, report }) => {
    const keys = [...Object.keys(obj(props.data)), ...Object.keys(obj(props.stringData))];
    const found = keys.filter((k) => CREDENTIAL_KEYS.test(k));
    if (found.length) report(`the Secret carries static cloud credentials (${found.join(", ")}); use workload identity`);
  },
});
