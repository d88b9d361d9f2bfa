import { resourceRule } from "../../lib/rule";
import { num } from "../../lib/values";

/** Production Log Analytics workspaces keep logs at least the minimum. */
export const azureOperationalinsightsWorkspaceConfigureRetention = resourceRule({
  name: "azure-operationalinsights-workspace-configure-retention",
  types: ["azure-native:operationalinsights:Workspace"],
  scope: "production",
  check: ({ props, settings, report }) => {
    const days = num(props.retentionInDays) ?? 30;
    if (days < settings.minimumLogRetentionDays)
      report(`logs are kept ${days} days, less than the minimum ${settings.minimumLogRetentionDays}`);
  },
});
