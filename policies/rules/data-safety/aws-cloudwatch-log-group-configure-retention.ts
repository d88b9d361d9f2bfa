import { resourceRule } from "../../lib/rule";
import { num } from "../../lib/values";

/** Production log groups keep logs at least the minimum. */
export const awsCloudwatchLogGroupConfigureRetention = resourceRule({
  name: "aws-cloudwatch-log-group-configure-retention",
  types: ["aws:cloudwatch/logGroup:LogGroup"],
  scope: "production",
  check: ({ props, settings, report }) => {
    const days = num(props.retentionInDays) ?? 0;
    if (days === 0) report("retentionInDays is unset (logs are kept forever without a managed lifecycle); set at least the minimum");
    else if (days < settings.minimumLogRetentionDays)
      report(`logs are kept ${days} days, less than the minimum ${settings.minimumLogRetentionDays}`);
  },
});
