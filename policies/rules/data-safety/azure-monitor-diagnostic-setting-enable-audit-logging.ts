import { ACTIVITY_LOG_CATEGORIES } from "../../../contracts/audit";
import { stackRule } from "../../lib/rule";
import { list, obj, str } from "../../lib/values";

const DIAGNOSTIC_TYPES = ["azure-native:monitor:DiagnosticSetting", "azure-native:insights:DiagnosticSetting"];
const SUBSCRIPTION_TYPES = ["azure-native:monitor:SubscriptionDiagnosticSetting", "azure-native:insights:SubscriptionDiagnosticSetting"];

/**
 * In production Azure stacks, the subscription's activity log goes to the stack's workspace with
 * every category, and no diagnostic setting switches a log category off.
 */
export const azureMonitorDiagnosticSettingEnableAuditLogging = stackRule({
  name: "azure-monitor-diagnostic-setting-enable-audit-logging",
  scope: "production",
  check: ({ resources, report }) => {
    // A stack that runs workloads (a network or a cluster) keeps the activity log; removing it is a violation.
    const platform = resources.some(
      (r) => r.type === "azure-native:network:VirtualNetwork" || r.type === "azure-native:containerservice:ManagedCluster",
    );
    let complete = 0;
    let settingsSeen = 0;
    for (const r of resources) {
      const subscription = SUBSCRIPTION_TYPES.includes(r.type);
      if (!subscription && !DIAGNOSTIC_TYPES.includes(r.type)) continue;
      const logs = list(r.props.logs).map(obj);
      logs.forEach((l, i) => {
        if (l.enabled === false || l.enabled === "false")
          report(r, `logs[${i}] (${str(l.category) ?? str(l.categoryGroup) ?? "?"}) is switched off`);
      });
      if (!subscription) continue;
      settingsSeen++;
      const on = (c: string) =>
        logs.some(
          (l) =>
            (l.enabled === true || l.enabled === "true") &&
            ((str(l.category) ?? "").toLowerCase() === c.toLowerCase() ||
              ["alllogs", "audit"].includes((str(l.categoryGroup) ?? "").toLowerCase())),
        );
      const missing = ACTIVITY_LOG_CATEGORIES.filter((c) => !on(c));
      if (missing.length) report(r, `the activity log leaves out ${missing.join(", ")}`);
      else complete++;
    }
    if (complete === 0 && (platform || settingsSeen > 0)) {
      const anchor =
        resources.find((r) => r.type === "pulumi:providers:azure-native") ??
        resources.find((r) => r.type === "azure-native:resources:ResourceGroup");
      if (anchor)
        report(
          anchor,
          "the subscription's activity log is not sent to the stack's workspace with every category (SubscriptionDiagnosticSetting)",
        );
    }
  },
});
