/**
 * Azure VM sizes the Azure profiles use, per node-pool role.
 *
 * Availability in uaenorth must be checked against Azure's "Products available by region"
 * and the VM size documentation; see docs/instance-types.md.
 */
import type { SizeProfileName } from "./types";

/** VM sizes per pool role and profile (AKS takes one size per pool). */
export const AZURE_VM_SIZES: Record<SizeProfileName, { system: string; cpu: string; gpu: string }> = {
  smb: { system: "Standard_D4s_v5", cpu: "Standard_D8s_v5", gpu: "Standard_NC4as_T4_v3" },
  enterprise: { system: "Standard_D8s_v5", cpu: "Standard_D16s_v5", gpu: "Standard_NC24ads_A100_v4" },
};
