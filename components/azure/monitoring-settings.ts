/**
 * Diagnostic settings: every Azure service of the platform sends its logs and metrics to the
 * in-region Log Analytics workspace. One helper so that each component wires them the same way.
 */
import * as monitor from "@pulumi/azure-native/monitor";
import type * as pulumi from "@pulumi/pulumi";

/** What to send. */
export interface DiagnosticsArgs {
  /** Resource id the setting attaches to. */
  readonly resourceUri: pulumi.Input<string>;
  /** Log Analytics workspace resource id (same location as the resource). */
  readonly workspaceId: pulumi.Input<string>;
  /**
   * Log categories. `allLogs` (a category group, includes audit) unless a service needs named
   * categories (AKS: kube-audit-admin, guard, …).
   * @default ["allLogs"] as a category group
   */
  readonly categories?: readonly string[];
  /** Also send the `AllMetrics` category. @default true */
  readonly metrics?: boolean;
}

/** Creates the diagnostic setting `${name}` (resource-specific tables) as a child of `parent`. */
export function diagnosticSetting(name: string, args: DiagnosticsArgs, parent: pulumi.Resource): monitor.DiagnosticSetting {
  const logs = args.categories
    ? args.categories.map((category) => ({ category, enabled: true }))
    : [{ categoryGroup: "allLogs", enabled: true }];
  return new monitor.DiagnosticSetting(
    name,
    {
      name: "to-log-analytics",
      resourceUri: args.resourceUri,
      workspaceId: args.workspaceId,
      logAnalyticsDestinationType: "Dedicated",
      logs,
      metrics: args.metrics === false ? [] : [{ category: "AllMetrics", enabled: true }],
    },
    { parent },
  );
}
