import { resourceRule } from "../../lib/rule";
import { obj } from "../../lib/values";

/** Keys that name a static cloud credential. */
const CREDENTIAL_KEYS =
  /^(aws_access_key_id|aws_secret_access_key|aws_session_token|azure_client_secret|azure_client_certificate_password|azure_storage_key|azurestorageaccountkey|accountkey)$/i;

/**
 * Contents that are a static cloud credential whatever the key is called: an AWS access key id,
 * an AWS credentials file or environment file, an Azure storage connection string or account key,
 * a service principal's client secret in JSON or an environment file.
 */
const CREDENTIAL_CONTENT: readonly [RegExp, string][] = [
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, "an AWS access key id"],
  [/\baws_secret_access_key\s*[=:]/i, "an AWS secret access key"],
  [/\bAccountKey\s*=\s*[A-Za-z0-9+/]{20,}/i, "an Azure storage account key"],
  [/"clientSecret"\s*:\s*"[^"]+"/, "an Azure service principal secret"],
  [/\bAZURE_CLIENT_SECRET\s*[=:]/i, "an Azure service principal secret"],
];

/** A `data` value decoded from base64; anything that is not a plain string reads as empty. */
function decoded(value: unknown): string {
  if (typeof value !== "string") return "";
  try {
    return Buffer.from(value, "base64").toString("utf8");
  } catch {
    return "";
  }
}

/** No static cloud credentials in Kubernetes Secrets, by key name or by content. */
export const kubernetesCoreSecretDisallowCloudCredentials = resourceRule({
  name: "kubernetes-core-secret-disallow-cloud-credentials",
  types: ["kubernetes:core/v1:Secret"],
  check: ({ props, report }) => {
    const data = obj(props.data);
    const stringData = obj(props.stringData);
    const entries: [string, string][] = [
      ...Object.entries(data).map(([k, v]) => [k, decoded(v)] as [string, string]),
      ...Object.entries(stringData).map(([k, v]) => [k, typeof v === "string" ? v : ""] as [string, string]),
    ];
    const found = new Set<string>();
    for (const [key, content] of entries) {
      if (CREDENTIAL_KEYS.test(key)) found.add(key);
      for (const [pattern, what] of CREDENTIAL_CONTENT) if (pattern.test(content)) found.add(`${key}: ${what}`);
    }
    if (found.size) report(`the Secret carries static cloud credentials (${[...found].join(", ")}); use workload identity`);
  },
});
