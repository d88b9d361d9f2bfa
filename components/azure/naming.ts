/**
 * Azure resource names. Pure functions, tested without mocks.
 *
 * Most Azure names are scoped to a resource group, but a few are global DNS names with tight
 * character rules (storage accounts, key vaults, registries, PostgreSQL servers, caches); those
 * get a suffix derived from the subscription and stack so that two stacks never collide.
 */

import { createHash } from "node:crypto";

/**
 * A 6-character suffix for globally unique names, derived from the subscription and stack: the
 * same stack in the same subscription always gets the same names, two stacks never collide.
 */
export function nameSuffix(subscriptionId: string, stack: string): string {
  return createHash("sha256").update(`${subscriptionId.toLowerCase()}/${stack}`).digest("hex").slice(0, 6);
}

/** Lowercase letters and digits only (storage account / registry rules). */
export function alphanumeric(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/** Lowercase DNS label: letters, digits and single hyphens, no leading digit or hyphen. */
export function dnsLabel(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .replace(/-+/g, "-")
    .replace(/^[-0-9]+|-+$/g, "");
}

/** Limits and character sets of the globally unique names. */
export const GLOBAL_NAME_RULES = {
  /** Storage account: 3-24 lowercase letters and digits. */
  storageAccount: { max: 24, alnum: true },
  /** Key Vault: 3-24 letters, digits and hyphens, starting with a letter. */
  keyVault: { max: 24, alnum: false },
  /** Container registry: 5-50 letters and digits. */
  registry: { max: 50, alnum: true },
  /** PostgreSQL flexible server: 3-63 lowercase letters, digits and hyphens. */
  postgres: { max: 63, alnum: false },
  /** Azure Cache for Redis: 1-63 letters, digits and hyphens. */
  redis: { max: 63, alnum: false },
} as const;

/** Kinds of globally unique names. */
export type GlobalNameKind = keyof typeof GLOBAL_NAME_RULES;

/**
 * A globally unique name: `<short kind prefix><base>` truncated to fit, then `suffix`
 * (a random lowercase alphanumeric string owned by the stack).
 */
export function globalName(kind: GlobalNameKind, base: string, suffix: string): string {
  const rule = GLOBAL_NAME_RULES[kind];
  const prefix = { storageAccount: "st", keyVault: "kv-", registry: "acr", postgres: "psql-", redis: "redis-" }[kind];
  const cleanSuffix = alphanumeric(suffix);
  const sep = rule.alnum ? "" : "-";
  const body = rule.alnum ? alphanumeric(base) : dnsLabel(base);
  const room = rule.max - prefix.length - sep.length - cleanSuffix.length;
  const trimmed = body.slice(0, Math.max(room, 0)).replace(/-+$/, "");
  return `${prefix}${trimmed}${sep}${cleanSuffix}`;
}

/** Resource-group-scoped name `<base>-<role>` (kebab-case, at most `max` characters). */
export function scopedName(base: string, role: string, max = 80): string {
  return dnsLabel(`${base}-${role}`).slice(0, max).replace(/-+$/, "");
}
