/**
 * Profile sizes translated into Azure SKUs. Pure, tested without mocks.
 */

/** Size classes of the configuration (`availability.databaseSize`, `availability.cacheSize`). */
export type SizeClass = "small" | "medium" | "large";

/** PostgreSQL Flexible Server compute and storage per size class. */
export const POSTGRES_SIZES: Record<SizeClass, { sku: string; tier: "Burstable" | "GeneralPurpose"; storageGiB: number }> = {
  small: { sku: "Standard_B2ms", tier: "Burstable", storageGiB: 64 },
  medium: { sku: "Standard_D4ds_v5", tier: "GeneralPurpose", storageGiB: 256 },
  large: { sku: "Standard_D8ds_v5", tier: "GeneralPurpose", storageGiB: 512 },
};

/** Azure Cache for Redis SKU per size class. Premium is needed for replicas, zones and private endpoints at scale. */
export const REDIS_SIZES: Record<SizeClass, { name: "Standard" | "Premium"; family: "C" | "P"; capacity: number }> = {
  small: { name: "Standard", family: "C", capacity: 1 },
  medium: { name: "Premium", family: "P", capacity: 1 },
  large: { name: "Premium", family: "P", capacity: 2 },
};

/** In-region replication of the storage account: zone-redundant with multi-AZ, locally redundant otherwise. Never geo. */
export function storageReplication(multiAz: boolean): "Standard_ZRS" | "Standard_LRS" {
  return multiAz ? "Standard_ZRS" : "Standard_LRS";
}

/** Log Analytics interactive retention: the workspace accepts 30 to 730 days. */
export function workspaceRetentionDays(logDays: number): number {
  return Math.min(Math.max(logDays, 30), 730);
}

/** Total (interactive + long-term) retention of a Log Analytics table: 4 to 4383 days, at least the interactive retention. */
export function tableTotalRetentionDays(days: number, interactiveDays: number): number {
  return Math.min(Math.max(days, interactiveDays, 4), 4383);
}

/** Blob and container soft-delete retention (1-365 days): at least 7, and as long as the backup retention. */
export function softDeleteDays(backupDays: number): number {
  return Math.min(Math.max(backupDays, 7), 365);
}
