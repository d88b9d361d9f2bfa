import { resourceRule } from "../../lib/rule";
import { isTrue, str } from "../../lib/values";

type Check = (p: Record<string, unknown>, report: (m: string) => void) => void;

/** AWS threat-detection and configuration-audit services, each with the setting that switches it off. */
export const AWS_AUDIT_SERVICES: Readonly<Record<string, Check>> = {
  "aws:guardduty/detector:Detector": (p, r) => {
    // `enable` defaults to true.
    if (p.enable !== undefined && !isTrue(p.enable)) r("the GuardDuty detector is disabled (enable: false)");
  },
  "aws:guardduty/detectorFeature:DetectorFeature": (p, r) => {
    if ((str(p.status) ?? "").toUpperCase() !== "ENABLED") r(`GuardDuty feature ${str(p.name) ?? ""} is ${str(p.status) ?? "(unset)"}`);
  },
  "aws:cfg/recorderStatus:RecorderStatus": (p, r) => {
    if (!isTrue(p.isEnabled)) r("the AWS Config recorder is stopped (isEnabled: false)");
  },
};

/** In production, threat detection and configuration recording are not switched off. */
export const awsSecurityServiceEnforceAuditEnabled = resourceRule({
  name: "aws-security-service-enforce-audit-enabled",
  types: Object.keys(AWS_AUDIT_SERVICES),
  scope: "production",
  check: ({ args, props, report }) => {
    AWS_AUDIT_SERVICES[args.type]?.(props, report);
  },
});
