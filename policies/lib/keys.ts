/**
 * Key classification: is data encrypted with a customer-managed key, a key the cloud manages
 * (AWS-managed aliases `alias/aws/*`, Azure Microsoft-managed keys), or nothing?
 *
 * AWS: a key ARN (`arn:aws:kms:<region>:<account>:key/<id>`), a key id (UUID or `mrk-…`), or an
 * alias (`alias/<name>`, `arn:aws:kms:…:alias/<name>`) that is not under `alias/aws/`. Anything
 * else (`true`, `aws/s3`, `default`) names no key. A value unknown during a preview is a key wired
 * from another resource of the same run (a key the stack creates), so it counts as customer-managed.
 * Azure: a Key Vault key URI (`https://<vault>.vault.azure.net/keys/<name>[/<version>]`, managed
 * HSM `…managedhsm.azure.net/keys/…`), a disk encryption set id, or `Microsoft.Keyvault` key source.
 */
import { read } from "./values";

/** What protects the data. */
export type KeyClass = "customer-managed" | "cloud-managed" | "none" | "invalid";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MRK = /^mrk-[0-9a-f]{32}$/i;

/** The class of an AWS KMS key reference. */
export function classifyAwsKey(value: unknown): KeyClass {
  if (value === undefined || value === null) return "none";
  if (typeof value !== "string") return "invalid";
  const v = value.trim();
  if (v === "") return "none";
  if (/(^|:)alias\/aws\//i.test(v)) return "cloud-managed";
  if (UUID.test(v) || MRK.test(v)) return "customer-managed";
  if (/^alias\/[A-Za-z0-9/_-]+$/.test(v)) return "customer-managed";
  const arn = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key\/(.+)|alias\/[A-Za-z0-9/_-]+)$/.exec(v);
  if (arn) {
    if (arn[2] !== undefined) return UUID.test(arn[2]) || MRK.test(arn[2]) ? "customer-managed" : "invalid";
    return "customer-managed";
  }
  return "invalid";
}

/**
 * The class of the key read by `get` (through the preview proxy): unknown during a preview is
 * customer-managed (a key of this run).
 */
export function awsKeyClassOf(get: () => unknown): KeyClass {
  const v = read(get);
  return v.known ? classifyAwsKey(v.value) : "customer-managed";
}

/** True when an AWS key reference is a customer-managed key (unknown in a preview counts). */
export function isCustomerManagedAwsKey(get: () => unknown): boolean {
  return awsKeyClassOf(get) === "customer-managed";
}

/** Words for a message about a key class. */
export function describeKeyClass(c: KeyClass, field: string): string {
  switch (c) {
    case "none":
      return `${field} is unset: the data uses no customer-managed key`;
    case "cloud-managed":
      return `${field} names an AWS-managed key (alias/aws/…), not a customer-managed key`;
    case "invalid":
      return `${field} does not name a KMS key (key ARN, key id or alias of a customer-managed key)`;
    default:
      return `${field} names a customer-managed key`;
  }
}

/** The class of an Azure Key Vault key reference (key URI or key id). */
export function classifyAzureKey(value: unknown): KeyClass {
  if (value === undefined || value === null) return "none";
  if (typeof value !== "string") return "invalid";
  const v = value.trim();
  if (v === "") return "none";
  if (
    /^https:\/\/[a-z0-9-]+\.(vault\.azure\.net|managedhsm\.azure\.net|vault\.azure\.cn)(:443)?\/keys\/[A-Za-z0-9-]+(\/[A-Za-z0-9]*)?\/?$/i.test(
      v,
    )
  )
    return "customer-managed";
  if (/\/providers\/Microsoft\.(KeyVault\/vaults\/[^/]+\/keys|Compute\/diskEncryptionSets)\/[^/]+/i.test(v)) return "customer-managed";
  return "invalid";
}

/** True when an Azure key reference is a customer-managed key (unknown in a preview counts). */
export function isCustomerManagedAzureKey(get: () => unknown): boolean {
  const v = read(get);
  return !v.known || classifyAzureKey(v.value) === "customer-managed";
}
