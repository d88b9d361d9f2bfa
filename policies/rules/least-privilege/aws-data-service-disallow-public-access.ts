import { resourceRule } from "../../lib/rule";
import { isTrue, list, obj, str } from "../../lib/values";

type Check = (p: Record<string, unknown>, report: (m: string) => void, publicLb: boolean) => void;

const publiclyAccessible: Check = (p, r) => {
  if (isTrue(p.publiclyAccessible))
    r("publiclyAccessible is true: the service gets a public address; set false and reach it inside the VPC");
};

const loadBalancer: Check = (p, r, publicLb) => {
  // `internal` defaults to false: an unset value is internet-facing.
  if (publicLb || isTrue(p.internal)) return;
  const scheme = str(p.scheme);
  if (scheme === "internal") return;
  r(
    `the load balancer is internet-facing (internal: ${str(p.internal) ?? "unset"}); set internal: true or name it in the pack's publicLoadBalancers`,
  );
};

const website = (w: unknown, r: (m: string) => void) => {
  if (Object.keys(obj(w)).length > 0)
    r("the bucket's inline website hosting serves its objects over a public HTTP endpoint; remove website");
};

/**
 * Services a team adds next that can be given a public address or run outside the VPC, each with
 * the setting that keeps it private. Load balancers named in the pack's `publicLoadBalancers` may
 * be internet-facing (the security group rule still limits them to HTTPS).
 */
export const AWS_PUBLIC_SERVICES: Readonly<Record<string, Check>> = {
  "aws:redshift/cluster:Cluster": publiclyAccessible,
  "aws:redshiftserverless/workgroup:Workgroup": publiclyAccessible,
  "aws:dms/replicationInstance:ReplicationInstance": publiclyAccessible,
  "aws:lb/loadBalancer:LoadBalancer": loadBalancer,
  "aws:alb/loadBalancer:LoadBalancer": loadBalancer,
  "aws:elb/loadBalancer:LoadBalancer": loadBalancer,
  "aws:ec2/instance:Instance": (p, r) => {
    if (isTrue(p.associatePublicIpAddress)) r("associatePublicIpAddress is true: the instance gets a public IP; set false");
  },
  "aws:ec2/spotInstanceRequest:SpotInstanceRequest": (p, r) => {
    if (isTrue(p.associatePublicIpAddress)) r("associatePublicIpAddress is true: the instance gets a public IP; set false");
  },
  "aws:ec2/eip:Eip": (p, r) => {
    if (p.instance !== undefined || p.networkInterface !== undefined)
      r("an Elastic IP attached to an instance or network interface gives it a public address");
  },
  "aws:opensearch/domain:Domain": (p, r) => {
    if (Object.keys(obj(p.vpcOptions)).length === 0)
      r("the domain has no vpcOptions: its endpoint is public; place it in the stack's private subnets");
  },
  "aws:elasticsearch/domain:Domain": (p, r) => {
    if (Object.keys(obj(p.vpcOptions)).length === 0)
      r("the domain has no vpcOptions: its endpoint is public; place it in the stack's private subnets");
  },
  "aws:msk/cluster:Cluster": (p, r) => {
    const type = str(obj(obj(obj(p.brokerNodeGroupInfo).connectivityInfo).publicAccess).type);
    if (type !== undefined && type !== "DISABLED")
      r(`brokerNodeGroupInfo.connectivityInfo.publicAccess.type is ${type}: the brokers get public addresses; set DISABLED`);
  },
  "aws:sagemaker/notebookInstance:NotebookInstance": (p, r) => {
    // directInternetAccess defaults to Enabled.
    if ((str(p.directInternetAccess) ?? "Enabled") !== "Disabled")
      r(
        `directInternetAccess is ${str(p.directInternetAccess) ?? "unset (Enabled)"}: the notebook reaches the internet directly; set Disabled with a subnet`,
      );
  },
  "aws:s3/bucket:Bucket": (p, r) => website(p.website, r),
  "aws:s3/bucketV2:BucketV2": (p, r) => {
    for (const w of list(p.websites)) website(w, r);
  },
  "aws:s3/bucketWebsiteConfiguration:BucketWebsiteConfiguration": (_p, r) =>
    r("static website hosting serves the bucket's objects over a public HTTP endpoint; serve content through the stack's ingress instead"),
  "aws:s3/bucketWebsiteConfigurationV2:BucketWebsiteConfigurationV2": (_p, r) =>
    r("static website hosting serves the bucket's objects over a public HTTP endpoint; serve content through the stack's ingress instead"),
  "aws:sagemaker/domain:Domain": (p, r) => {
    if ((str(p.appNetworkAccessType) ?? "PublicInternetOnly") !== "VpcOnly")
      r(`appNetworkAccessType is ${str(p.appNetworkAccessType) ?? "unset (PublicInternetOnly)"}: set VpcOnly`);
  },
};

/** Services that can be given a public address stay private (VPC-only, no public IP, internal load balancers). */
export const awsDataServiceDisallowPublicAccess = resourceRule({
  name: "aws-data-service-disallow-public-access",
  types: Object.keys(AWS_PUBLIC_SERVICES),
  check: ({ args, props, settings, report }) => {
    AWS_PUBLIC_SERVICES[args.type]?.(props, report, settings.publicLoadBalancers.includes(args.name));
  },
});
