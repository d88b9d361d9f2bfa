import type { PolicyResource } from "@pulumi/policy";
import { stackRule } from "../../lib/rule";
import { read, str } from "../../lib/values";

const DESTINATION_TYPES: Record<string, string> = {
  workspaceId: "azure-native:operationalinsights:Workspace",
  storageAccountId: "azure-native:storage:StorageAccount",
};

function ids(resources: readonly PolicyResource[], type: string): Set<string> {
  const out = new Set<string>();
  for (const r of resources) {
    if (r.type !== type) continue;
    const id = read(() => str(r.props.id));
    if (id.known && id.value) out.add(id.value.toLowerCase());
  }
  return out;
}

/**
 * Every kind of diagnostic setting: a resource's, the subscription's activity log, a management
 * group's, and Entra ID's sign-in and audit logs.
 */
const DIAGNOSTIC_SETTING_TYPES = new Set([
  "azure-native:monitor:DiagnosticSetting",
  "azure-native:insights:DiagnosticSetting",
  "azure-native:monitor:SubscriptionDiagnosticSetting",
  "azure-native:monitor:ManagementGroupDiagnosticSetting",
  "azure-native:aadiam:DiagnosticSetting",
]);

/** Diagnostic settings only send to a workspace or storage account of this stack. */
export const azureMonitorDiagnosticSettingEnforceLocalDestination = stackRule({
  name: "azure-monitor-diagnostic-setting-enforce-local-destination",
  check: ({ resources, report }) => {
    for (const r of resources) {
      if (!DIAGNOSTIC_SETTING_TYPES.has(r.type)) continue;
      for (const key of ["eventHubAuthorizationRuleId", "marketplacePartnerId"]) {
        const v = read(() => str(r.props[key]));
        if (!v.known || v.value)
          report(r, `${key} sends logs to a destination whose location cannot be verified; use a workspace of this stack`);
      }
      let destinations = 0;
      for (const [key, type] of Object.entries(DESTINATION_TYPES)) {
        // The destination is "of this stack" when the property comes from a resource of the right type
        // declared here (property dependency), or when its value is the id of such a resource.
        const fromStack = (r.propertyDependencies[key] ?? []).some((d) => d.type === type);
        const v = read(() => str(r.props[key]));
        if (v.known && !v.value) continue;
        destinations++;
        if (fromStack) continue;
        if (!v.known)
          report(r, `${key} is unknown during preview and does not come from a ${type} of this stack: not assumed to be in the UAE`);
        else if (!ids(resources, type).has((v.value as string).toLowerCase()))
          report(r, `${key} "${v.value}" is not a ${type} declared in this stack`);
      }
      if (destinations === 0) report(r, "the diagnostic setting has no workspace or storage destination of this stack");
    }
  },
});
