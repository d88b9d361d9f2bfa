/**
 * The UAE allow-list. The single source of truth for where the platform may place anything;
 * the configuration schema, the providers, the components' guardrails and the policy pack's
 * defaults all read it.
 */
/** The clouds the platform runs on. */
export type CloudName = "aws" | "azure";

/** AWS regions in the UAE. `me-central-1` (UAE) is the only one. */
export const AWS_UAE_REGIONS = ["me-central-1"] as const;
/** Azure locations in the UAE. */
export const AZURE_UAE_LOCATIONS = ["uaenorth", "uaecentral"] as const;

/** The allowed regions or locations of a cloud. */
export function allowedRegions(cloud: CloudName): readonly string[] {
  return cloud === "aws" ? AWS_UAE_REGIONS : AZURE_UAE_LOCATIONS;
}

/** True when `region` is in the UAE allow-list of `cloud`. */
export function isAllowedRegion(cloud: CloudName, region: string): boolean {
  return allowedRegions(cloud).includes(region);
}
