import { resourceRule } from "../../lib/rule";
import { list, obj } from "../../lib/values";

/** The EKS API is private or limited to listed CIDRs. */
export const awsEksClusterDisallowPublicEndpoint = resourceRule({
  name: "aws-eks-cluster-disallow-public-endpoint",
  types: ["aws:eks/cluster:Cluster"],
  check: ({ props, report }) => {
    const vpc = obj(props.vpcConfig);
    if (vpc.endpointPrivateAccess !== true) report("the private API endpoint is off (vpcConfig.endpointPrivateAccess: true)");
    // The provider defaults endpointPublicAccess to true when unset.
    if (vpc.endpointPublicAccess === false) return;
    const cidrs = list(vpc.publicAccessCidrs).map(String);
    if (cidrs.length === 0 || cidrs.some((c) => c === "0.0.0.0/0" || c === "::/0")) {
      report("the API endpoint is public to the internet; set endpointPublicAccess: false or restrict publicAccessCidrs");
    }
  },
});
