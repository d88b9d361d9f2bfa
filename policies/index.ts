/**
 * The CrossGuard policy pack. Only constructs the pack: the rules live in ./rules and are
 * imported as plain arrays (the offline checker and the tests import those, never this file,
 * because the PolicyPack constructor starts a gRPC server for the Pulumi CLI).
 *
 *   pulumi preview --stack uae-prod --policy-pack policies
 *
 * needs nothing else: the CLI hands the pack the stack's name and configuration, from which the
 * rules derive production and the retention minima (./environment.ts), and the pack reads the
 * stack's optional exemptions and enforcement overrides from `policies/config/<stack>.json`.
 */
import { PolicyPack } from "@pulumi/policy";
import { loadPackConfig, toPolicyPackConfig } from "./config";
import { allPolicies } from "./rules";

// The CLI names the stack in PULUMI_NODEJS_STACK (and PULUMI_STACK) when it starts a Node.js pack.
const stack = process.env.PULUMI_NODEJS_STACK ?? process.env.PULUMI_STACK;

new PolicyPack(
  "mlops-platform",
  {
    policies: allPolicies,
    enforcementLevel: "mandatory",
    description: "UAE data residency, encryption, least privilege, Kubernetes hardening and production data safety for mlops-platform.",
  },
  // The stack's own file (exemptions, enforcement overrides), else the strictest settings.
  toPolicyPackConfig(
    loadPackConfig(
      stack,
      allPolicies.map((p) => p.name),
    ),
    allPolicies,
  ),
);
