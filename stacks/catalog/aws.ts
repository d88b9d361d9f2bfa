/**
 * EC2 instance types the AWS profiles use, per node-pool role.
 *
 * Every type here is offered in me-central-1 (UAE); where and how that was checked is written
 * down in docs/instance-types-aws.md. GPU pools list two families (G5: A10G, G6: L4) so that
 * spot requests can fall back across families; both use the same NVIDIA AMI.
 */
import type { SizeProfileName } from "./types";

/** Instance types per pool role and profile. */
export const AWS_INSTANCE_TYPES: Record<SizeProfileName, { system: string[]; cpu: string[]; gpu: string[] }> = {
  smb: { system: ["m5.large"], cpu: ["m5.xlarge"], gpu: ["g5.2xlarge", "g6.2xlarge"] },
  enterprise: { system: ["m5.xlarge"], cpu: ["m5.2xlarge", "c5.2xlarge"], gpu: ["g5.12xlarge", "g6.12xlarge"] },
};
