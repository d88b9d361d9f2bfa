/**
 * The CrossGuard policy pack. Only constructs the pack: the rules live in ./rules and are
 * imported as plain arrays (the offline checker and the tests import those, never this file,
 * because the PolicyPack constructor starts a gRPC server for the Pulumi CLI).
 *
 *   pulumi preview --stack uae-prod --policy-pack policies \
 *     --policy-pack-config out/policy-config.uae-prod.json   # from `npm run check -- --emit-policy-config`
 */
import { PolicyPack } from "@pulumi/policy";
import { defaultPackConfig, toPolicyPackConfig } from "./config";
import { allPolicies } from "./rules";

new PolicyPack(
  "mlops-platform",
  {
    policies: allPolicies,
    enforcementLevel: "mandatory",
    description: "UAE data residency, encryption, least privilege, Kubernetes hardening and production data safety for mlops-platform.",
  },
  // Without --policy-pack-config, every rule runs with the strictest settings (production, UAE allow-list).
  toPolicyPackConfig(defaultPackConfig(), allPolicies),
);
