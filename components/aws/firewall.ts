/**
 * Egress through AWS Network Firewall in the stack's region: a stateful domain allow-list on the
 * TLS SNI and HTTP Host of every internet-bound connection, everything else dropped (strict
 * rule order, default drop), ALERT and FLOW logs to KMS-encrypted CloudWatch log groups in the
 * region. The VPC's routing (components/aws/network.ts) sends the private subnets' default route
 * to the firewall endpoint of their zone, the firewall subnets' default route to the NAT gateway,
 * and the NAT subnets' return route for each private subnet back through the same endpoint
 * (the "distributed, NAT behind the firewall" pattern of aws-samples).
 */

import * as pulumi from "@pulumi/pulumi";
import { awsDomainTarget, hostPatternProblem } from "../../contracts/egress";
import * as aws from "./sdk";
import { ArgsCheck } from "./validate";

/** Stateful default actions under strict order: drop (and log) whatever no rule passed. */
export const FIREWALL_DEFAULT_ACTIONS = ["aws:drop_established", "aws:alert_established"] as const;

/** Arguments of {@link EgressFirewall}. */
export interface EgressFirewallArgs {
  readonly vpcId: pulumi.Input<string>;
  /** The firewall subnets (one endpoint is created in each). */
  readonly subnetIds: readonly pulumi.Input<string>[];
  /** Host patterns allowed out (`example.com`, `*.example.com`); see components/egress.ts. */
  readonly allowedHosts: readonly string[];
  /** KMS key of the log groups (the firewall's rule configuration holds no data and stays on the AWS-owned key). */
  readonly logsKeyArn: pulumi.Input<string>;
  /** Log retention in days (a CloudWatch Logs retention value). */
  readonly logRetentionDays: number;
  /** Delete protection on the firewall, and protect/retain on its log groups. */
  readonly protect: boolean;
}

/** The firewall, its policy, rule group and logging. */
export class EgressFirewall extends pulumi.ComponentResource {
  public readonly firewallArn: pulumi.Output<string>;
  /** The firewall endpoint id in each subnet of `subnetIds`, in the same order. */
  public readonly endpointIds: pulumi.Output<string>[];
  /** Log group of the ALERT log (every dropped connection). */
  public readonly alertLogGroupName: pulumi.Output<string>;
  /** Log group of the FLOW log (every connection). */
  public readonly flowLogGroupName: pulumi.Output<string>;

  constructor(name: string, args: EgressFirewallArgs, opts?: pulumi.ComponentResourceOptions) {
    const check = new ArgsCheck("mlops-platform:aws:EgressFirewall", name)
      .require(args.subnetIds.length >= 1, "subnetIds", args.subnetIds, "pass at least one firewall subnet")
      .require(args.allowedHosts.length >= 1, "allowedHosts", args.allowedHosts, "list the hosts the platform may reach");
    for (const host of args.allowedHosts) {
      const problem = hostPatternProblem(host);
      check.require(problem === undefined, "allowedHosts", host, problem ?? "");
    }
    check.done();
    super("mlops-platform:aws:EgressFirewall", name, {}, opts);

    const targets = [...new Set(args.allowedHosts.map(awsDomainTarget))].sort();
    const ruleGroup = new aws.networkfirewall.RuleGroup(
      `${name}-allow-list`,
      {
        name: `${name}-allow-list`.slice(0, 128),
        type: "STATEFUL",
        // One rule per target and protocol, plus headroom for additions without replacement.
        capacity: Math.max(100, targets.length * 4),
        description: "Internet hosts the platform may reach (TLS SNI / HTTP Host)",
        ruleGroup: {
          statefulRuleOptions: { ruleOrder: "STRICT_ORDER" },
          rulesSource: { rulesSourceList: { generatedRulesType: "ALLOWLIST", targetTypes: ["TLS_SNI", "HTTP_HOST"], targets } },
        },
      },
      { parent: this },
    );
    const policy = new aws.networkfirewall.FirewallPolicy(
      `${name}-policy`,
      {
        name: `${name}-policy`.slice(0, 128),
        description: "Egress allow-list, default drop",
        firewallPolicy: {
          // Everything goes to the stateful engine, which decides in strict order.
          statelessDefaultActions: ["aws:forward_to_sfe"],
          statelessFragmentDefaultActions: ["aws:forward_to_sfe"],
          statefulEngineOptions: { ruleOrder: "STRICT_ORDER" },
          statefulDefaultActions: [...FIREWALL_DEFAULT_ACTIONS],
          statefulRuleGroupReferences: [{ resourceArn: ruleGroup.arn, priority: 100 }],
        },
      },
      { parent: this },
    );
    const firewall = new aws.networkfirewall.Firewall(
      `${name}-firewall`,
      {
        name: `${name}`.slice(0, 128),
        vpcId: args.vpcId,
        firewallPolicyArn: policy.arn,
        subnetMappings: args.subnetIds.map((subnetId) => ({ subnetId })),
        deleteProtection: args.protect,
        firewallPolicyChangeProtection: false,
        subnetChangeProtection: args.protect,
      },
      { parent: this },
    );

    const logGroup = (kind: "alert" | "flow") =>
      new aws.cloudwatch.LogGroup(
        `${name}-${kind}-logs`,
        { name: `/mlops-platform/${name}/firewall-${kind}`, retentionInDays: args.logRetentionDays, kmsKeyId: args.logsKeyArn },
        { parent: this, protect: args.protect, retainOnDelete: args.protect },
      );
    const alertLogs = logGroup("alert");
    const flowLogs = logGroup("flow");
    new aws.networkfirewall.LoggingConfiguration(
      `${name}-logging`,
      {
        firewallArn: firewall.arn,
        loggingConfiguration: {
          logDestinationConfigs: [
            { logType: "ALERT", logDestinationType: "CloudWatchLogs", logDestination: { logGroup: alertLogs.name } },
            { logType: "FLOW", logDestinationType: "CloudWatchLogs", logDestination: { logGroup: flowLogs.name } },
          ],
        },
      },
      { parent: this },
    );

    // AWS reports one sync state per zone; pick the endpoint attached to each firewall subnet.
    this.endpointIds = args.subnetIds.map((subnetId) =>
      pulumi.all([firewall.firewallStatuses, subnetId]).apply(([statuses, id]) => {
        const attachment = (statuses ?? [])
          .flatMap((s) => s.syncStates ?? [])
          .flatMap((s) => s.attachments ?? [])
          .find((a) => a.subnetId === id);
        if (!attachment) throw new Error(`EgressFirewall ${name}: AWS reported no firewall endpoint in subnet ${id}`);
        return attachment.endpointId;
      }),
    );
    this.firewallArn = firewall.arn;
    this.alertLogGroupName = alertLogs.name;
    this.flowLogGroupName = flowLogs.name;
    this.registerOutputs({
      firewallArn: this.firewallArn,
      endpointIds: this.endpointIds,
      alertLogGroupName: this.alertLogGroupName,
      flowLogGroupName: this.flowLogGroupName,
    });
  }
}
