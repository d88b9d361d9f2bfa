/**
 * The VPC: private subnets for nodes and pods, public subnets for load balancers only, isolated
 * data subnets for RDS and ElastiCache, NAT (one shared or one per zone), VPC endpoints that keep
 * AWS API traffic (S3, ECR, STS, KMS, CloudWatch Logs, EKS, EC2, SQS, …) inside the region, and
 * flow logs into a KMS-encrypted log group.
 */

import * as pulumi from "@pulumi/pulumi";
import { parseCidr } from "../../contracts/cidr";
import { EgressFirewall } from "./firewall";
import { subnetLayout } from "./layout";
import { serviceTrustPolicy } from "./policy";
import * as aws from "./sdk";
import { ArgsCheck } from "./validate";

/**
 * Interface endpoints every private cluster needs so that nodes, add-ons and workloads reach AWS
 * APIs without the internet: image pulls (ecr.api, ecr.dkr, and S3 through the gateway),
 * IRSA (sts), KMS, logs, the EKS API, EC2 (VPC CNI, EBS CSI), load balancers, Auto Scaling, SQS
 * (data events) and Secrets Manager.
 */
export const INTERFACE_ENDPOINT_SERVICES = [
  "ecr.api",
  "ecr.dkr",
  "sts",
  "kms",
  "logs",
  "eks",
  "ec2",
  "elasticloadbalancing",
  "autoscaling",
  "sqs",
  "secretsmanager",
] as const;

/** Arguments of {@link Network}. */
export interface NetworkArgs {
  /** VPC CIDR (RFC 1918, /16 to /20). */
  readonly cidr: string;
  /** Availability zones to span (2 or 3 names of the provider's region). */
  readonly availabilityZones: readonly string[];
  /** One NAT gateway per zone (true) or one shared NAT gateway (false). */
  readonly natPerZone: boolean;
  /** Region of the provider; used for endpoint service names. */
  readonly region: string;
  /** Account id; the flow-log delivery role trusts the service only on behalf of this account. */
  readonly accountId: pulumi.Input<string>;
  /** KMS key that encrypts the flow-log group. */
  readonly logsKeyArn: pulumi.Input<string>;
  /** Flow-log retention in days (a CloudWatch Logs retention value). */
  readonly flowLogRetentionDays: number;
  /** Protect the flow-log group from delete/replace. */
  readonly protect: boolean;
  /**
   * Internet egress through AWS Network Firewall with this allow-list (one endpoint per zone
   * with `natPerZone`, one shared endpoint otherwise).
   * @default undefined — no firewall: the private subnets route straight to the NAT gateway. Only
   * a development stack that opted out with a recorded reason (`network.egress.firewall`) runs so.
   */
  readonly egressFirewall?: { readonly allowedHosts: readonly string[] };
}

/** Retention values CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/** The smallest accepted CloudWatch retention that keeps logs at least `days`. */
export function logRetention(days: number): number {
  return LOG_RETENTION_DAYS.find((d) => d >= days) ?? 3653;
}

/** The platform VPC. */
export class Network extends pulumi.ComponentResource {
  public readonly vpcId: pulumi.Output<string>;
  public readonly vpcCidr: string;
  /** Subnets of nodes and pods, one per zone. */
  public readonly privateSubnetIds: pulumi.Output<string>[];
  /** CIDRs of the private subnets (the only sources allowed to reach data services). */
  public readonly privateSubnetCidrs: string[];
  /** Subnets of internet-facing load balancers, one per zone. */
  public readonly publicSubnetIds: pulumi.Output<string>[];
  /** Isolated subnets of RDS and ElastiCache (no route to the internet), one per zone. */
  public readonly dataSubnetIds: pulumi.Output<string>[];
  /** Security group of the interface endpoints. */
  public readonly endpointSecurityGroupId: pulumi.Output<string>;
  /** The flow-log group. */
  public readonly flowLogGroupName: pulumi.Output<string>;
  /** The egress firewall, when the stack has one. */
  public readonly egressFirewall?: EgressFirewall;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    const parsed = parseCidr(args.cidr);
    new ArgsCheck("mlops-platform:aws:Network", name)
      .require(
        parsed !== undefined && parsed.prefix >= 16 && parsed.prefix <= 20,
        "cidr",
        args.cidr,
        "pass an RFC 1918 block from /16 to /20, e.g. 10.40.0.0/16",
      )
      .require(
        args.availabilityZones.length >= 2 && args.availabilityZones.length <= 3,
        "availabilityZones",
        args.availabilityZones,
        "list two or three availability zones so that the cluster survives a zone outage",
      )
      .require(
        args.availabilityZones.every((z) => z.startsWith(args.region)),
        "availabilityZones",
        args.availabilityZones,
        `use zones of the region ${args.region}, e.g. ${args.region}a`,
      )
      .require(
        LOG_RETENTION_DAYS.includes(args.flowLogRetentionDays),
        "flowLogRetentionDays",
        args.flowLogRetentionDays,
        `use a CloudWatch Logs retention value (${LOG_RETENTION_DAYS.join(", ")}); logRetention() rounds up`,
      )
      .done();
    super("mlops-platform:aws:Network", name, {}, opts);

    const layout = subnetLayout(args.cidr, args.availabilityZones);
    const vpc = new aws.ec2.Vpc(
      `${name}-vpc`,
      { cidrBlock: args.cidr, enableDnsHostnames: true, enableDnsSupport: true, tags: { Name: `${name}-vpc` } },
      { parent: this },
    );
    // The default security group allows all traffic between its members: strip every rule.
    new aws.ec2.DefaultSecurityGroup(`${name}-default-sg`, { vpcId: vpc.id, ingress: [], egress: [] }, { parent: this });

    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: { Name: `${name}-igw` } }, { parent: this });
    const publicRt = new aws.ec2.RouteTable(`${name}-public-rt`, { vpcId: vpc.id, tags: { Name: `${name}-public` } }, { parent: this });
    new aws.ec2.Route(
      `${name}-public-default`,
      { routeTableId: publicRt.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id },
      { parent: this },
    );
    const dataRt = new aws.ec2.RouteTable(`${name}-data-rt`, { vpcId: vpc.id, tags: { Name: `${name}-data` } }, { parent: this });

    const publicSubnets: aws.ec2.Subnet[] = [];
    const privateSubnets: aws.ec2.Subnet[] = [];
    const dataSubnets: aws.ec2.Subnet[] = [];
    const privateRts: aws.ec2.RouteTable[] = [];
    const nats: aws.ec2.NatGateway[] = [];
    const privateNats: aws.ec2.NatGateway[] = [];

    layout.forEach((z, i) => {
      const pub = new aws.ec2.Subnet(
        `${name}-public-${i}`,
        {
          vpcId: vpc.id,
          cidrBlock: z.public,
          availabilityZone: z.zone,
          // Only load balancers live here; nothing gets a public address by default.
          mapPublicIpOnLaunch: false,
          tags: { Name: `${name}-public-${z.zone}`, "kubernetes.io/role/elb": "1" },
        },
        { parent: this },
      );
      new aws.ec2.RouteTableAssociation(`${name}-public-${i}`, { subnetId: pub.id, routeTableId: publicRt.id }, { parent: this });
      publicSubnets.push(pub);

      if (args.natPerZone || i === 0) {
        const eip = new aws.ec2.Eip(`${name}-nat-${i}`, { domain: "vpc", tags: { Name: `${name}-nat-${z.zone}` } }, { parent: this });
        nats.push(
          new aws.ec2.NatGateway(
            `${name}-nat-${i}`,
            { allocationId: eip.id, subnetId: pub.id, connectivityType: "public", tags: { Name: `${name}-nat-${z.zone}` } },
            { parent: this, dependsOn: [igw] },
          ),
        );
      }
      const nat = nats[args.natPerZone ? i : 0] as aws.ec2.NatGateway;

      const priv = new aws.ec2.Subnet(
        `${name}-private-${i}`,
        {
          vpcId: vpc.id,
          cidrBlock: z.private,
          availabilityZone: z.zone,
          mapPublicIpOnLaunch: false,
          tags: { Name: `${name}-private-${z.zone}`, "kubernetes.io/role/internal-elb": "1" },
        },
        { parent: this },
      );
      const rt = new aws.ec2.RouteTable(
        `${name}-private-rt-${i}`,
        { vpcId: vpc.id, tags: { Name: `${name}-private-${z.zone}` } },
        { parent: this },
      );
      privateNats.push(nat);
      new aws.ec2.RouteTableAssociation(`${name}-private-${i}`, { subnetId: priv.id, routeTableId: rt.id }, { parent: this });
      privateSubnets.push(priv);
      privateRts.push(rt);

      const data = new aws.ec2.Subnet(
        `${name}-data-${i}`,
        {
          vpcId: vpc.id,
          cidrBlock: z.data,
          availabilityZone: z.zone,
          mapPublicIpOnLaunch: false,
          tags: { Name: `${name}-data-${z.zone}` },
        },
        { parent: this },
      );
      new aws.ec2.RouteTableAssociation(`${name}-data-${i}`, { subnetId: data.id, routeTableId: dataRt.id }, { parent: this });
      dataSubnets.push(data);
    });

    // Internet egress: through the firewall endpoint of the zone (or the shared one), then NAT.
    if (args.egressFirewall) {
      const firewallZones = layout.slice(0, args.natPerZone ? layout.length : 1);
      const firewallSubnets = firewallZones.map((z, j) => {
        const fwSubnet = new aws.ec2.Subnet(
          `${name}-firewall-${j}`,
          {
            vpcId: vpc.id,
            cidrBlock: z.firewall,
            availabilityZone: z.zone,
            mapPublicIpOnLaunch: false,
            tags: { Name: `${name}-firewall-${z.zone}` },
          },
          { parent: this },
        );
        const fwRt = new aws.ec2.RouteTable(
          `${name}-firewall-rt-${j}`,
          { vpcId: vpc.id, tags: { Name: `${name}-firewall-${z.zone}` } },
          { parent: this },
        );
        // What the firewall passed leaves through the NAT gateway of the same zone.
        new aws.ec2.Route(
          `${name}-firewall-default-${j}`,
          { routeTableId: fwRt.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: (nats[j] ?? (nats[0] as aws.ec2.NatGateway)).id },
          { parent: this },
        );
        new aws.ec2.RouteTableAssociation(`${name}-firewall-${j}`, { subnetId: fwSubnet.id, routeTableId: fwRt.id }, { parent: this });
        return fwSubnet;
      });
      this.egressFirewall = new EgressFirewall(
        `${name}-egress`,
        {
          vpcId: vpc.id,
          subnetIds: firewallSubnets.map((f) => f.id),
          allowedHosts: args.egressFirewall.allowedHosts,
          logsKeyArn: args.logsKeyArn,
          logRetentionDays: args.flowLogRetentionDays,
          protect: args.protect,
        },
        { parent: this },
      );
      const endpoints = this.egressFirewall.endpointIds;
      privateRts.forEach((rt, i) => {
        const endpoint = endpoints[args.natPerZone ? i : 0] as pulumi.Output<string>;
        new aws.ec2.Route(
          `${name}-private-default-${i}`,
          { routeTableId: rt.id, destinationCidrBlock: "0.0.0.0/0", vpcEndpointId: endpoint },
          { parent: this },
        );
        // Replies from the NAT gateway to this subnet go back through the same endpoint (symmetric flows).
        new aws.ec2.Route(
          `${name}-public-return-${i}`,
          { routeTableId: publicRt.id, destinationCidrBlock: layout[i]?.private as string, vpcEndpointId: endpoint },
          { parent: this },
        );
      });
    } else {
      privateRts.forEach((rt, i) => {
        new aws.ec2.Route(
          `${name}-private-default-${i}`,
          { routeTableId: rt.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: (privateNats[i] as aws.ec2.NatGateway).id },
          { parent: this },
        );
      });
    }

    // S3 through a gateway endpoint: no NAT cost, and traffic to S3 stays on the AWS network in the region.
    new aws.ec2.VpcEndpoint(
      `${name}-s3`,
      {
        vpcId: vpc.id,
        serviceName: `com.amazonaws.${args.region}.s3`,
        vpcEndpointType: "Gateway",
        routeTableIds: [...privateRts.map((rt) => rt.id), dataRt.id],
        tags: { Name: `${name}-s3` },
      },
      { parent: this },
    );
    const endpointSg = new aws.ec2.SecurityGroup(
      `${name}-endpoints`,
      {
        vpcId: vpc.id,
        description: "HTTPS from inside the VPC to the AWS interface endpoints",
        ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [args.cidr], description: "HTTPS from the VPC" }],
        egress: [],
        tags: { Name: `${name}-endpoints` },
      },
      { parent: this },
    );
    // S3 also through an interface endpoint that answers the regional S3 name inside the VPC:
    // pods then reach S3 at VPC addresses, which their egress-restricted network policies admit
    // (the gateway endpoint's public prefix list is not an address block a policy can name).
    new aws.ec2.VpcEndpoint(
      `${name}-s3-interface`,
      {
        vpcId: vpc.id,
        serviceName: `com.amazonaws.${args.region}.s3`,
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        dnsOptions: { privateDnsOnlyForInboundResolverEndpoint: false },
        subnetIds: privateSubnets.map((s) => s.id),
        securityGroupIds: [endpointSg.id],
        tags: { Name: `${name}-s3-interface` },
      },
      { parent: this },
    );
    for (const service of INTERFACE_ENDPOINT_SERVICES) {
      new aws.ec2.VpcEndpoint(
        `${name}-${service.replace(/\./g, "-")}`,
        {
          vpcId: vpc.id,
          serviceName: `com.amazonaws.${args.region}.${service}`,
          vpcEndpointType: "Interface",
          privateDnsEnabled: true,
          subnetIds: privateSubnets.map((s) => s.id),
          securityGroupIds: [endpointSg.id],
          tags: { Name: `${name}-${service}` },
        },
        { parent: this },
      );
    }

    const flowLogGroup = new aws.cloudwatch.LogGroup(
      `${name}-flow-logs`,
      { name: `/mlops-platform/${name}/vpc-flow-logs`, retentionInDays: args.flowLogRetentionDays, kmsKeyId: args.logsKeyArn },
      { parent: this, protect: args.protect, retainOnDelete: args.protect },
    );
    const flowRole = new aws.iam.Role(
      `${name}-flow-logs`,
      {
        assumeRolePolicy: pulumi
          .output(args.accountId)
          .apply((account) => JSON.stringify(serviceTrustPolicy("vpc-flow-logs.amazonaws.com", account))),
        description: "VPC flow-log delivery",
      },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-flow-logs`,
      {
        role: flowRole.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
              Resource: [flowLogGroup.arn, pulumi.interpolate`${flowLogGroup.arn}:*`],
            },
          ],
        }),
      },
      { parent: this },
    );
    new aws.ec2.FlowLog(
      `${name}-flow-log`,
      {
        vpcId: vpc.id,
        trafficType: "ALL",
        logDestinationType: "cloud-watch-logs",
        logDestination: flowLogGroup.arn,
        iamRoleArn: flowRole.arn,
        maxAggregationInterval: 60,
      },
      { parent: this },
    );

    this.vpcId = vpc.id;
    this.vpcCidr = args.cidr;
    this.privateSubnetIds = privateSubnets.map((s) => s.id);
    this.privateSubnetCidrs = layout.map((z) => z.private);
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.dataSubnetIds = dataSubnets.map((s) => s.id);
    this.endpointSecurityGroupId = endpointSg.id;
    this.flowLogGroupName = flowLogGroup.name;
    this.registerOutputs({
      vpcId: this.vpcId,
      vpcCidr: this.vpcCidr,
      privateSubnetIds: this.privateSubnetIds,
      privateSubnetCidrs: this.privateSubnetCidrs,
      publicSubnetIds: this.publicSubnetIds,
      dataSubnetIds: this.dataSubnetIds,
      endpointSecurityGroupId: this.endpointSecurityGroupId,
      flowLogGroupName: this.flowLogGroupName,
      egressFirewall: this.egressFirewall,
    });
  }
}
