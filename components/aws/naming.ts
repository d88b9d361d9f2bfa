/**
 * Names of AWS resources whose names the platform sets explicitly (the cluster, the database
 * instance, the cache, repositories). Pure functions, tested without mocks.
 */
import { createHash } from "node:crypto";

/**
 * An explicit IAM role name for a logical name that the provider's auto-name would make too long
 * (logical name, "-", 7 random characters; IAM allows 64), or undefined when the auto-name fits
 * and the provider should name it as before. The explicit name keeps the logical name's start and
 * ends in 8 characters of its SHA-256, so it is unique per logical name and stable across runs.
 */
export function iamRoleName(logicalName: string): string | undefined {
  if (logicalName.length + 8 <= 64) return undefined;
  return `${logicalName.slice(0, 55).replace(/-+$/, "")}-${createHash("sha256").update(logicalName).digest("hex").slice(0, 8)}`;
}

/** The name prefix of one stack, `<project>-<stack>`, lowercase and safe for every AWS name rule. */
export function stackPrefix(project: string, stack: string): string {
  const raw = `${project}-${stack}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "");
  const withLetter = /^[a-z]/.test(raw) ? raw : `p-${raw}`;
  // 32 characters leave room for role suffixes under the tightest limit (ElastiCache ids, 40).
  return withLetter.slice(0, 32).replace(/-$/, "");
}

/** EKS cluster name (1-100 characters, letters, digits, hyphen, underscore, starting alphanumeric). */
export function clusterName(prefix: string): string {
  return prefix;
}

/** RDS instance identifier (1-63 lowercase letters, digits, hyphens; no double hyphen or trailing hyphen). */
export function databaseIdentifier(prefix: string): string {
  return `${prefix}-pg`;
}

/** ElastiCache replication group id (1-40 lowercase letters, digits, hyphens). */
export function cacheIdentifier(prefix: string): string {
  return `${prefix}-redis`.slice(0, 40).replace(/-$/, "");
}

/** ECR repository name of one repository key. */
export function repositoryName(prefix: string, key: string): string {
  return `${prefix}/${key}`;
}

/** True when `name` satisfies the RDS identifier rules. */
export function isValidDatabaseIdentifier(name: string): boolean {
  return /^[a-z](?!.*--)[a-z0-9-]{0,62}$/.test(name) && !name.endsWith("-");
}

/** True when `name` satisfies the ElastiCache replication group id rules. */
export function isValidCacheIdentifier(name: string): boolean {
  return /^[a-z](?!.*--)[a-z0-9-]{0,39}$/.test(name) && !name.endsWith("-");
}
