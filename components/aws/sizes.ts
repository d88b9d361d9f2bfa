/**
 * Instance classes of the managed data services per profile size. Checked against the classes
 * RDS and ElastiCache offer in me-central-1 (see docs/instance-types-aws.md).
 */

/** The size names of the configuration (`availability.databaseSize`, `availability.cacheSize`). */
export type ServiceSize = "small" | "medium" | "large";

/** RDS PostgreSQL instance class and storage per size. */
export const DATABASE_SIZES: Readonly<Record<ServiceSize, { instanceClass: string; storageGiB: number; maxStorageGiB: number }>> = {
  small: { instanceClass: "db.t3.medium", storageGiB: 50, maxStorageGiB: 200 },
  medium: { instanceClass: "db.m5.large", storageGiB: 100, maxStorageGiB: 1000 },
  large: { instanceClass: "db.r5.xlarge", storageGiB: 200, maxStorageGiB: 4000 },
};

/** ElastiCache node type per size. */
export const CACHE_SIZES: Readonly<Record<ServiceSize, { nodeType: string }>> = {
  small: { nodeType: "cache.t3.small" },
  medium: { nodeType: "cache.m5.large" },
  large: { nodeType: "cache.r5.large" },
};
