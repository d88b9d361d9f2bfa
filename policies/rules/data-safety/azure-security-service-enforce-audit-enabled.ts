import { resourceRule } from "../../lib/rule";
import { str } from "../../lib/values";

type Check = (p: Record<string, unknown>, report: (m: string) => void) => void;

const auditing: Check = (p, r) => {
  if ((str(p.state) ?? "").toLowerCase() !== "enabled") r(`SQL auditing is ${str(p.state) ?? "(unset)"}; set state "Enabled"`);
};

/** Azure threat-protection and audit settings, each with the value that switches it off. */
export const AZURE_AUDIT_SERVICES: Readonly<Record<string, Check>> = {
  "azure-native:security:Pricing": (p, r) => {
    if ((str(p.pricingTier) ?? "").toLowerCase() !== "standard")
      r(
        `Defender for Cloud plan ${str(p.pricingName) ?? ""} is on tier ${str(p.pricingTier) ?? "(unset)"}: threat protection is off; set "Standard"`,
      );
  },
  "azure-native:sql:ServerBlobAuditingPolicy": auditing,
  "azure-native:sql:ExtendedServerBlobAuditingPolicy": auditing,
  "azure-native:sql:DatabaseBlobAuditingPolicy": auditing,
  "azure-native:sql:ExtendedDatabaseBlobAuditingPolicy": auditing,
};

/** In production, Defender for Cloud plans and SQL auditing are not switched off. */
export const azureSecurityServiceEnforceAuditEnabled = resourceRule({
  name: "azure-security-service-enforce-audit-enabled",
  types: Object.keys(AZURE_AUDIT_SERVICES),
  scope: "production",
  check: ({ args, props, report }) => {
    AZURE_AUDIT_SERVICES[args.type]?.(props, report);
  },
});
