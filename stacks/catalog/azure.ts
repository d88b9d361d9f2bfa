/**
 * Azure VM sizes the Azure profiles use, per node-pool role.
 *
 * GPU sizes are ones the Azure Linux node image supports (NVIDIA T4 and A100). Where their
 * availability in uaenorth was looked up, what could and could not be confirmed offline, and the
 * command that settles it before the first deployment: docs/instance-types-azure.md.
 */
import type { SizeProfileName } from "./types";

/** VM sizes per pool role and profile (AKS takes one size per pool). */
export const AZURE_VM_SIZES: Record<SizeProfileName, { system: string; cpu: string; gpu: string }> = {
  smb: { system: "Standard_D4s_v5", cpu: "Standard_D8s_v5", gpu: "Standard_NC4as_T4_v3" },
  enterprise: { system: "Standard_D8s_v5", cpu: "Standard_D16s_v5", gpu: "Standard_NC24ads_A100_v4" },
};
