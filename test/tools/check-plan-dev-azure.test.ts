/** Policies on the shipped `dev-azure` stack. */
import { describeStackPolicies } from "./check-plan";

describeStackPolicies("dev-azure", { plant: false });
