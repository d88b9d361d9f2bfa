import { resourceRule } from "../../lib/rule";
import { num } from "../../lib/values";

/**
 * Production Log Analytics workspaces, and each table in them, keep logs at least the minimum. A
 * table's own retention overrides the workspace's (`totalRetentionInDays`, else `retentionInDays`;
 * -1 or unset means "the workspace default"), so a short table retention is a short retention.
 */
export const azureOperationalinsightsWorkspaceConfigureRetention = resourceRule({
  name: "azure-operationalinsights-workspace-configure-retention",
  types: ["azure-native:operationalinsights:Workspace", "azure-native:operationalinsights:Table"],
  scope: "production",
  check: ({ args, props, settings, report }) => {
    const min = settings.minimumLogRetentionDays;
    if (args.type === "azure-native:operationalinsights:Table") {
      const own = [num(props.totalRetentionInDays), num(props.retentionInDays)].find((d) => d !== undefined && d >= 0);
      if (own !== undefined && own < min)
        report(`the table keeps logs ${own} days (totalRetentionInDays/retentionInDays), less than the minimum ${min}`);
      return;
    }
    const days = num(props.retentionInDays) ?? 30;
    if (days < min) report(`logs are kept ${days} days, less than the minimum ${min}`);
  },
});
