/**
 * With `network.apiAllowedCidrs` configured, the EKS API gets a public endpoint open to exactly
 * those ranges (the private endpoint stays on); without it the API is private only (see the dev
 * and uae-prod tests).
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { PlanResult } from "../../tools/lib/harness";
import { API_ALLOWED_CIDRS } from "../support/plan-requests";
import { planned } from "../support/shipped-plan";
import { ofType } from "./aws-plan-checks";

describe("AWS layer with an API allow-list (dev stack)", () => {
  let plan: PlanResult;
  beforeAll(() => {
    plan = planned("aws-layer/dev+api-allow-list");
  });

  it("opens the public endpoint to exactly the listed ranges and keeps the private one", () => {
    const [cluster] = ofType(plan, "aws:eks/cluster:Cluster");
    expect(cluster?.inputs.vpcConfig).toMatchObject({
      endpointPrivateAccess: true,
      endpointPublicAccess: true,
      publicAccessCidrs: API_ALLOWED_CIDRS,
    });
  });
});
