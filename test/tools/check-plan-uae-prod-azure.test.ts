/** Policies on the shipped `uae-prod-azure` stack. */
import { describeStackPolicies } from "./check-plan";

describeStackPolicies("uae-prod-azure", { plant: false });
