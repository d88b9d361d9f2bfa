import { stackRule } from "../../lib/rule";
import { isTrue, list, obj, str } from "../../lib/values";

const TRAIL = "aws:cloudtrail/trail:Trail";

/** In production AWS stacks, a multi-region trail records every management event, and no trail is switched off. */
export const awsCloudtrailTrailEnableAuditLogging = stackRule({
  name: "aws-cloudtrail-trail-enable-audit-logging",
  scope: "production",
  check: ({ resources, report }) => {
    const trails = resources.filter((r) => r.type === TRAIL);
    let complete = 0;
    for (const t of trails) {
      const problems: string[] = [];
      if (t.props.enableLogging === false || t.props.enableLogging === "false")
        problems.push("logging is switched off (enableLogging: false)");
      if (!isTrue(t.props.isMultiRegionTrail)) problems.push("the trail records one region only (isMultiRegionTrail: true)");
      if (t.props.includeGlobalServiceEvents === false) problems.push("global service events (IAM, STS) are excluded");
      list(t.props.eventSelectors).forEach((s, i) => {
        const sel = obj(s);
        if (sel.includeManagementEvents === false || sel.includeManagementEvents === "false")
          problems.push(`eventSelectors[${i}] excludes management events`);
        const rw = str(sel.readWriteType);
        if (rw !== undefined && rw !== "All") problems.push(`eventSelectors[${i}] records ${rw} events only`);
        if (list(sel.excludeManagementEventSources).length) problems.push(`eventSelectors[${i}] excludes management event sources`);
      });
      const advanced = list(t.props.advancedEventSelectors).map(obj);
      if (advanced.length) {
        const management = advanced.some((a) =>
          list(a.fieldSelectors).some(
            (f) => str(obj(f).field) === "eventCategory" && list(obj(f).equals).map(String).includes("Management"),
          ),
        );
        const filtered = advanced.some((a) =>
          list(a.fieldSelectors).some((f) => ["readOnly", "eventSource"].includes(str(obj(f).field) ?? "")),
        );
        if (!management) problems.push("advancedEventSelectors record no management events");
        else if (filtered) problems.push("advancedEventSelectors filter management events (readOnly/eventSource)");
      }
      for (const p of problems) report(t, p);
      if (problems.length === 0) complete++;
    }
    // A stack that runs workloads (a network or a cluster) keeps an audit trail; removing it is a violation.
    const platform = resources.some((r) => r.type === "aws:ec2/vpc:Vpc" || r.type === "aws:eks/cluster:Cluster");
    if (complete === 0 && (platform || trails.length > 0)) {
      const anchor = resources.find((r) => r.type === "pulumi:providers:aws") ?? resources.find((r) => r.type.startsWith("aws:"));
      if (anchor) report(anchor, "the stack has no CloudTrail trail recording every management event in every region");
    }
  },
});
