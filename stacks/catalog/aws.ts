/**
 * EC2 instance types the AWS profiles use, per node-pool role.
 *
 * Availability in me-central-1 must be checked against AWS's "Amazon EC2 instance types by
 * Region" documentation; see docs/instance-types.md.
 */
import type { SizeProfileName } from "./types";

/** Instance types per pool role and profile. */
export const AWS_INSTANCE_TYPES: Record<SizeProfileName, { system: string[]; cpu: string[]; gpu: string[] }> = {
  smb: { system: ["m6i.large"], cpu: ["m6i.xlarge"], gpu: ["g5.2xlarge"] },
  enterprise: { system: ["m6i.xlarge"], cpu: ["m6i.2xlarge", "c6i.2xlarge"], gpu: ["g5.12xlarge"] },
};
