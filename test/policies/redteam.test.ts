/**
 * Red-team suite (issue 17): misconfigurations written the way a careless or clever team engineer
 * would, planted into the real plans of the production stacks with every rule of the pack. Each
 * case must be a mandatory violation on its own planted resources, by a rule about its concern
 * (redteam-cases.ts). The cases of one stack are planted side by side and checked in one run, each
 * judged only on its own resources (planting them group by group gave the same verdicts).
 *
 * ESCAPES lists the cases the pack does not catch yet. They are asserted as known escapes, so the
 * suite stays green and a fix shows up as a failing "known escape": move the case out of ESCAPES.
 */
import { describe, expect, it } from "vitest";
import { loadPackConfig } from "../../policies/config";
import { checkPlan } from "../../tools/lib/check";
import { shippedPlan } from "../support/shipped-plan";
import { plantInto } from "./fixture";
import { CASES, type RedCase, type RedStack } from "./redteam-cases";

/** KNOWN ESCAPES: cases the pack misses today (by their `why`). Remove a case once a rule catches it. */
const ESCAPES = new Set<string>([
  "job-function SystemAdministrator attached to a role",
  "AdministratorAccess-Amplify (admin by another ARN)",
  "EKS cluster-admin access policy for a team role",
  "KMS grant to another account's role",
  "Lambda function URL with authorizationType NONE",
  "S3 object with acl public-read",
  "RAM share with another account",
  "EBS snapshot volume permission for another account",
  "AMI launch permission for everyone (group all)",
  "Redshift cluster publiclyAccessible",
  "internet-facing ALB not listed in publicLoadBalancers",
  "EC2 instance with a public IP",
  "OpenSearch domain outside the VPC",
  "MSK cluster with public access",
  "Firehose delivering to a bucket outside the stack",
  "VPC flow logs to a bucket outside the stack",
  "S3 server access logging to a bucket outside the stack",
  "ECR replication to another account's registry",
  "ElastiCache global datastore",
  "S3 Multi-Region Access Point over a bucket",
  "Route 53 resolver query logs to a bucket outside the stack",
  "EC2 instance root volume unencrypted",
  "SageMaker notebook instance without a key",
  "SageMaker feature group offline store without a key",
  "SageMaker endpoint configuration without a key",
  "Redshift Serverless namespace without a key",
  "Athena workgroup results with SSE_S3",
  "S3 versioning suspended on the data bucket",
  "GuardDuty detector disabled",
  "Config recorder stopped",
  "EC2 instance with IMDSv1 allowed",
  "Firehose to a SaaS HTTP endpoint abroad",
  "SNS subscription delivering to an external HTTPS endpoint",
  "bucket inline replicationConfiguration to a bucket outside the stack",
  "bucket inline logging to a bucket outside the stack",
  "bucket inline website hosting",
  "ECS task definition with a privileged Docker Hub container",
  "SageMaker notebook with direct internet access and root",
  "S3 inventory of the data bucket delivered to a vendor bucket",
  "SQL failover group to a partner server outside the stack",
  "Event Hubs geo-DR pairing to a namespace outside the stack",
  "Service Bus geo-DR pairing to a namespace outside the stack",
  "Storage object replication to an account outside the stack",
  "SQL TDE protector ServiceManaged",
  "Storage encryption scope with Microsoft.Storage keys",
  "Azure ML workspace without CMK",
  "AI Search service without CMK enforcement",
  "Redis Enterprise without CMK",
  "PostgreSQL firewall rule 0.0.0.0-255.255.255.255",
  "SQL firewall rule allowing all Azure (0.0.0.0-0.0.0.0)",
  "Redis firewall rule the whole internet",
  "Cosmos DB public with ipRules 0.0.0.0/1 and 128.0.0.0/1",
  "Owner role at subscription scope with a trailing slash",
  "Custom role with actions * assignable at the subscription",
  "Storage Blob Data Owner for a team at subscription scope",
  "Owner on the resource group (same blast radius as the stack)",
  "ML workspace with public network access",
  "SQL server publicNetworkAccess Enabled",
  "Policy exemption waiving the allowed-locations assignment",
  "Defender for Cloud pricing tier Free",
  "Event Grid subscription to an external webhook",
  "SQL server auditing disabled",
  "Azure container group with a public IP and a Docker Hub image",
]);

type Violation = Awaited<ReturnType<typeof checkPlan>>["violations"][number];
const runs = new Map<RedStack, Promise<Violation[]>>();

/** Mandatory violations on planted resources, for every case of `stack` planted together. */
function plantedViolations(stack: RedStack): Promise<Violation[]> {
  let run = runs.get(stack);
  if (!run) {
    const specs = CASES.filter((c) => c.stack === stack).flatMap((c) => c.specs);
    const { plan } = plantInto(shippedPlan(stack).deployment as never, specs);
    run = checkPlan(plan, { stack, packConfig: loadPackConfig(stack) }).then((r) =>
      r.violations.filter((v) => v.enforcementLevel === "mandatory" && v.urn.includes("::planted-")),
    );
    runs.set(stack, run);
  }
  return run;
}

/** The rules that report a mandatory violation on the case's own resources. */
async function rulesOn(c: RedCase): Promise<string[]> {
  const own = c.specs.map((s) => `::planted-${s.name}`);
  const all = await plantedViolations(c.stack);
  return [...new Set(all.filter((v) => own.some((o) => v.urn.endsWith(o))).map((v) => v.policy))];
}

const caught = (rules: string[], c: RedCase) => rules.some((r) => c.rule.test(r));

describe("red team: planted misconfigurations are mandatory violations", () => {
  it.each(CASES.filter((c) => c.clean).map((c) => [c.group, c.why, c] as const))("[%s] %s", async (_g, _w, c) => {
    expect(await rulesOn(c)).toEqual([]);
  });
  it.each(CASES.filter((c) => !c.clean && !ESCAPES.has(c.why)).map((c) => [c.group, c.why, c] as const))("[%s] %s", async (_g, _w, c) => {
    const rules = await rulesOn(c);
    expect(caught(rules, c), `rules reporting on the case: ${rules.join(", ") || "none"}`).toBe(true);
  });
});

describe("red team: KNOWN ESCAPES (the pack misses these today; move a case out of ESCAPES once caught)", () => {
  it.each(CASES.filter((c) => ESCAPES.has(c.why)).map((c) => [c.group, c.why, c] as const))("known escape [%s] %s", async (_g, _w, c) => {
    expect(caught(await rulesOn(c), c)).toBe(false);
  });
  it("lists only cases that exist, and case names are unique", () => {
    const whys = CASES.map((c) => c.why);
    expect(new Set(whys).size).toBe(whys.length);
    expect([...ESCAPES].filter((w) => !whys.includes(w))).toEqual([]);
  });
});
