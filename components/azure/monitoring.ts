/**
 * Audit and monitoring: the in-region Log Analytics workspace every diagnostic setting writes
 * to, long-term retention of the audit tables, the subscription activity-log export and
 * Microsoft Defender for Containers.
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as monitor from "@pulumi/azure-native/monitor";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as security from "@pulumi/azure-native/security";
import * as pulumi from "@pulumi/pulumi";
import { ACTIVITY_LOG_CATEGORIES } from "../../contracts/audit";
import { tableTotalRetentionDays, workspaceRetentionDays } from "./sizing";
import { ArgsCheck } from "./validate";

export { type DiagnosticsArgs, diagnosticSetting } from "./monitoring-settings";

/** Tables holding audit records (kept for `auditLogDays`); other tables keep the workspace retention. */
export const AUDIT_TABLES = ["AzureActivity", "AKSAudit", "AKSAuditAdmin", "AKSControlPlane", "AZKVAuditLogs", "StorageBlobLogs"] as const;

/** Arguments of {@link Monitoring}. */
export interface MonitoringArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  readonly subscriptionId: pulumi.Input<string>;
  /** Interactive retention of every table (30-730 days). */
  readonly logDays: number;
  /** Total retention of the audit tables, including long-term (archive) retention (90-4383 days). */
  readonly auditLogDays: number;
  /** Name of the subscription activity-log export (one per subscription and name). */
  readonly activityLogExportName: string;
  /**
   * Turn on Defender for Containers for the subscription (a subscription-wide setting; turn off
   * only where the security team manages Defender centrally).
   * @default true
   */
  readonly enableDefender?: boolean;
  /** Protect the workspace (audit evidence) from delete/replace and lock it. */
  readonly protectData: boolean;
  /** Tags on every taggable resource. @default {} (none) */
  readonly tags?: Record<string, string>;
}

/** Log Analytics workspace, audit retention, activity-log export and Defender. */
export class Monitoring extends pulumi.ComponentResource {
  /** Workspace resource id (destination of every diagnostic setting). */
  public readonly workspaceId: pulumi.Output<string>;
  /** Workspace (customer) id used by agents. */
  public readonly workspaceCustomerId: pulumi.Output<string>;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    new ArgsCheck("mlops-platform:azure:Monitoring", name)
      .location(args.location)
      .require(
        Number.isInteger(args.logDays) && args.logDays >= 1 && args.logDays <= 3653,
        "logDays",
        args.logDays,
        "must be a whole number of days, 1-3653",
      )
      .require(
        Number.isInteger(args.auditLogDays) && args.auditLogDays >= 90 && args.auditLogDays <= 4383,
        "auditLogDays",
        args.auditLogDays,
        "must be a whole number of days, 90-4383 (audit evidence is kept at least 90 days)",
      )
      .nonEmpty(args.activityLogExportName, "activityLogExportName")
      .done();
    super("mlops-platform:azure:Monitoring", name, {}, opts);
    const tags = args.tags ?? {};
    const stateful = { parent: this, protect: args.protectData, retainOnDelete: args.protectData };

    const retention = workspaceRetentionDays(args.logDays);
    const workspace = new operationalinsights.Workspace(
      `${name}-workspace`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        sku: { name: "PerGB2018" },
        retentionInDays: retention,
        features: { disableLocalAuth: true, enableLogAccessUsingOnlyResourcePermissions: true },
        tags,
      },
      stateful,
    );
    this.workspaceId = workspace.id;
    this.workspaceCustomerId = workspace.customerId;
    if (args.protectData) {
      new authorization.ManagementLockByScope(
        `${name}-workspace-lock`,
        { scope: workspace.id, level: "CanNotDelete", notes: "Audit evidence of the platform." },
        { parent: this },
      );
    }

    const total = tableTotalRetentionDays(args.auditLogDays, retention);
    for (const table of AUDIT_TABLES) {
      new operationalinsights.Table(
        `${name}-${table.toLowerCase()}-retention`,
        {
          resourceGroupName: args.resourceGroupName,
          workspaceName: workspace.name,
          tableName: table,
          retentionInDays: retention,
          totalRetentionInDays: total,
        },
        { parent: this },
      );
    }

    new monitor.SubscriptionDiagnosticSetting(
      `${name}-activity-log`,
      {
        name: args.activityLogExportName,
        workspaceId: workspace.id,
        logs: ACTIVITY_LOG_CATEGORIES.map((category) => ({ category, enabled: true })),
      },
      { parent: this },
    );

    if (args.enableDefender !== false) {
      new security.Pricing(
        `${name}-defender-containers`,
        { scopeId: pulumi.interpolate`/subscriptions/${args.subscriptionId}`, pricingName: "Containers", pricingTier: "Standard" },
        { parent: this },
      );
    }

    this.registerOutputs({ workspaceId: this.workspaceId, workspaceCustomerId: this.workspaceCustomerId });
  }
}
