import type { PolicyResource } from "@pulumi/policy";
import { stackRule } from "../../lib/rule";
import { isTrue, list, read, str } from "../../lib/values";

const ELASTICACHE = new Set(["aws:elasticache/replicationGroup:ReplicationGroup", "aws:elasticache/cluster:Cluster"]);
/** Services the workloads reach over AWS APIs: the interface endpoints that keep that traffic in the VPC. */
const API_SERVICES: { types: readonly string[]; endpoints: readonly string[]; what: string }[] = [
  { types: ["aws:sqs/queue:Queue"], endpoints: ["sqs"], what: "SQS queue" },
  { types: ["aws:ecr/repository:Repository"], endpoints: ["ecr.api", "ecr.dkr"], what: "ECR repository" },
];

/** The service part of an endpoint's service name (`com.amazonaws.me-central-1.ecr.dkr` → `ecr.dkr`). */
function endpointService(serviceName: string): string | undefined {
  return /^com\.amazonaws\.[a-z0-9-]+\.(.+)$/.exec(serviceName)?.[1];
}

/**
 * Every data service is reached inside the network only: ElastiCache sits in the stack's subnet
 * group behind its own security groups (never the VPC's default group), and SQS queues and ECR
 * repositories are reached through interface VPC endpoints with private DNS, so workloads never
 * call their public endpoints. (Public policies on queues and repositories are judged by
 * aws-iam-resource-policy-disallow-external-principal; RDS and S3 by their own rules.)
 */
export const awsDataServiceEnforcePrivateNetwork = stackRule({
  name: "aws-data-service-enforce-private-network",
  check: ({ resources, report }) => {
    const endpoints = new Map<string, { known: boolean; privateDns: boolean }>();
    let unknownEndpoint = false;
    for (const r of resources) {
      if (r.type !== "aws:ec2/vpcEndpoint:VpcEndpoint") continue;
      const name = read(() => str(r.props.serviceName));
      const type = read(() => str(r.props.vpcEndpointType));
      const dns = read(() => r.props.privateDnsEnabled);
      if (!name.known) {
        unknownEndpoint = true;
        continue;
      }
      const service = endpointService(name.value ?? "");
      if (!service || (type.known && type.value !== "Interface")) continue;
      const prev = endpoints.get(service);
      const privateDns = dns.known ? isTrue(dns.value) : false;
      endpoints.set(service, { known: dns.known || prev?.known === true, privateDns: privateDns || prev?.privateDns === true });
    }
    for (const r of resources) {
      if (ELASTICACHE.has(r.type)) {
        const subnets = read(() => str(r.props.subnetGroupName));
        const groups = read(() => list(r.props.securityGroupIds));
        if (subnets.known && !subnets.value)
          report(r, "subnetGroupName is unset: the cache lands in the default VPC's subnets; place it in the stack's private subnet group");
        if (groups.known && groups.value.length === 0)
          report(
            r,
            "securityGroupIds is empty: the cache gets the VPC's default security group; give it its own group open to the workloads only",
          );
        continue;
      }
      const svc = API_SERVICES.find((s) => s.types.includes(r.type));
      if (!svc) continue;
      for (const e of svc.endpoints) {
        const found = endpoints.get(e);
        if (found?.privateDns) continue;
        if (!found && unknownEndpoint) continue;
        if (found && !found.known) continue;
        report(
          r as PolicyResource,
          found
            ? `the ${e} interface endpoint has private DNS off: this ${svc.what} is still reached at its public endpoint; set privateDnsEnabled: true`
            : `no interface VPC endpoint for ${e}: this ${svc.what} would be reached over its public endpoint; add com.amazonaws.<region>.${e} with private DNS`,
        );
      }
    }
  },
});
