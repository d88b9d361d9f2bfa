/**
 * Audit-logging contract shared by the Azure layer (which exports the activity log) and the
 * policy pack (which checks that none of it is left out).
 */

/** Activity-log categories of a subscription: every one is exported to the stack's workspace. */
export const ACTIVITY_LOG_CATEGORIES = [
  "Administrative",
  "Security",
  "ServiceHealth",
  "Alert",
  "Recommendation",
  "Policy",
  "Autoscale",
  "ResourceHealth",
] as const;
