import { resourceRule } from "../../lib/rule";
import { num, obj, str } from "../../lib/values";

/**
 * Node instance metadata is hardened: IMDSv2 only (session tokens) and a hop limit of 1, so a pod
 * cannot reach the node's metadata service and borrow the node role's credentials instead of its
 * own workload identity. Instances launched directly (and spot requests) are held to the same.
 */
export const awsEc2LaunchTemplateEnforceImdsv2 = resourceRule({
  name: "aws-ec2-launch-template-enforce-imdsv2",
  types: ["aws:ec2/launchTemplate:LaunchTemplate", "aws:ec2/instance:Instance", "aws:ec2/spotInstanceRequest:SpotInstanceRequest"],
  check: ({ props, report }) => {
    const m = obj(props.metadataOptions);
    if (str(m.httpEndpoint) === "disabled") return;
    if (str(m.httpTokens) !== "required")
      report(`metadataOptions.httpTokens is ${str(m.httpTokens) ?? "unset"}: require IMDSv2 session tokens ("required")`);
    const hops = num(m.httpPutResponseHopLimit);
    if (hops === undefined || hops > 1)
      report(`metadataOptions.httpPutResponseHopLimit is ${hops ?? "unset"}: set 1 so pods cannot reach the node's metadata`);
  },
});
