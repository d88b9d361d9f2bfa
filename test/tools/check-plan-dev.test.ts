/** Policies on the shipped `dev` stack. */
import { describeStackPolicies } from "./check-plan";

describeStackPolicies("dev", { plant: false });
