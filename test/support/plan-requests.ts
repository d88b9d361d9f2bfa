/**
 * Every offline plan the tests read, planned once per test run by the global setup in two
 * child processes (each plans its share one after the other: the SDKs load once per process,
 * not once per test file). A test reads a plan with `planned(name)` (test/support/planned.ts);
 * a plan that must fail is recorded with its error and `planned()` throws it again.
 *
 * Add a request here rather than planning inside a test file: planning in a test file costs a
 * process of its own (Pulumi's runtime state is process-global).
 */

/** Which program to plan: the whole project, or one cloud layer on its own (test/stacks/*-layer-program). */
export type PlanProgram = "project" | "aws-layer" | "azure-layer";

export interface PlanRequest {
  readonly stack: string;
  /** @default "project" */
  readonly program?: PlanProgram;
  /** Stack settings laid over the stack file (keys without the project prefix). */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Relative planning cost, to share the work between the two planners. */
  readonly cost: number;
}

/** The dev stack with an API allow-list: the EKS API gets a public endpoint open to exactly these ranges. */
export const API_ALLOWED_CIDRS = ["203.0.113.0/24", "198.51.100.16/28"];
/** A data lake encrypted with its own KMS key (another account's key, in the region). */
export const LAKE_KEY = "arn:aws:kms:me-central-1:210987654321:key/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
/** The storage account of the data lake the shipped uae-prod-azure stack declares (Pulumi.uae-prod-azure.yaml). */
export const AZURE_LAKE_ACCOUNT_ID =
  "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-core-banking/providers/Microsoft.Storage/storageAccounts/examplecorebanking";

/** The stacks the project ships, planned whole. */
export const SHIPPED_STACKS = ["dev", "uae-prod", "dev-azure", "uae-prod-azure"] as const;

export const PLAN_REQUESTS = {
  // The shipped stacks, whole.
  dev: { stack: "dev", cost: 4 },
  "uae-prod": { stack: "uae-prod", cost: 4 },
  "dev-azure": { stack: "dev-azure", cost: 5 },
  "uae-prod-azure": { stack: "uae-prod-azure", cost: 5 },
  // Each cloud layer on its own.
  "aws-layer/dev": { stack: "dev", program: "aws-layer", cost: 1 },
  "aws-layer/uae-prod": { stack: "uae-prod", program: "aws-layer", cost: 1 },
  "aws-layer/dev+api-allow-list": {
    stack: "dev",
    program: "aws-layer",
    config: { network: { apiAllowedCidrs: API_ALLOWED_CIDRS } },
    cost: 1,
  },
  "aws-layer/dev+kms-data-lake": {
    stack: "dev",
    program: "aws-layer",
    config: { dataLakes: [{ name: "claims", uri: "s3://example-claims-lake/gold", region: "me-central-1", kmsKeyArn: LAKE_KEY }] },
    cost: 1,
  },
  "azure-layer/dev-azure": { stack: "dev-azure", program: "azure-layer", cost: 2 },
  "azure-layer/uae-prod-azure": { stack: "uae-prod-azure", program: "azure-layer", cost: 2 },
  // Refused before any resource is registered.
  "dev+bad-config": { stack: "dev", config: { region: "eu-west-1", profile: "medium" }, cost: 0.5 },
  "dev+unknown-issuer": {
    stack: "dev",
    config: {
      identity: { oidcIssuerUrl: "https://idp.example.ae/oauth", oidcClientId: "mlops-platform-dev", adminGroups: ["mlops-admins"] },
    },
    cost: 0.5,
  },
} as const satisfies Record<string, PlanRequest>;

export type PlanName = keyof typeof PLAN_REQUESTS;

/** What a planner writes for one request: the plan, or the error the program stopped with. */
export interface PlannedError {
  readonly name: string;
  readonly message: string;
  readonly registeredTypes?: readonly string[];
}

/** The file a planned request is written to, in the global setup's directory. */
export function planFileName(name: string): string {
  return `${name.replace(/[^a-z0-9.-]+/gi, "_")}.json`;
}
