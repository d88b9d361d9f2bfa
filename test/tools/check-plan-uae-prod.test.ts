/** Policies on the shipped `uae-prod` stack. */
import { describeStackPolicies } from "./check-plan";

describeStackPolicies("uae-prod", { plant: true });
