import { internetSources } from "../../lib/cidr";
import { resourceRule } from "../../lib/rule";
import { isTrue, list, obj, str } from "../../lib/values";

/** The EKS API is private or limited to ranges that do not reach the internet. */
export const awsEksClusterDisallowPublicEndpoint = resourceRule({
  name: "aws-eks-cluster-disallow-public-endpoint",
  types: ["aws:eks/cluster:Cluster"],
  check: ({ props, report }) => {
    const vpc = obj(props.vpcConfig);
    if (!isTrue(vpc.endpointPrivateAccess)) report("the private API endpoint is off (vpcConfig.endpointPrivateAccess: true)");
    // The provider defaults endpointPublicAccess to true when unset.
    if (vpc.endpointPublicAccess === false || vpc.endpointPublicAccess === "false") return;
    const cidrs = list(vpc.publicAccessCidrs).map((c) => str(c));
    const open = internetSources(cidrs.length === 0 ? ["0.0.0.0/0"] : cidrs);
    if (open.length > 0) report(`the API endpoint is public: ${open.map((o) => o.reason).join("; ")}; set endpointPublicAccess: false`);
  },
});
