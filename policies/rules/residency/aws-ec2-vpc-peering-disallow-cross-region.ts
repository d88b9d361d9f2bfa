import { resourceRule } from "../../lib/rule";
import { read, str } from "../../lib/values";

/** VPC peering and transit gateway peering stay within allowed regions. */
export const awsEc2VpcPeeringDisallowCrossRegion = resourceRule({
  name: "aws-ec2-vpc-peering-disallow-cross-region",
  types: ["aws:ec2/vpcPeeringConnection:VpcPeeringConnection", "aws:ec2transitgateway/peeringAttachment:PeeringAttachment"],
  check: ({ props, settings, report }) => {
    const region = read(() => str(props.peerRegion));
    if (!region.known) return report("peerRegion is unknown during preview: not assumed to be in the UAE");
    if (region.value && !settings.allowedAwsRegions.includes(region.value)) {
      report(`the peering connects to region "${region.value}", outside ${settings.allowedAwsRegions.join(", ")}`);
    }
  },
});
