/**
 * SARIF 2.1.0 output of the policy check, for code-scanning uploads. Each rule of the pack is a
 * reportingDescriptor (with its description, remediation, severity and controls); each
 * violation is a result located at the stack's configuration file, with the resource URN as a
 * logical location and a stable fingerprint (rule + URN) so that alerts track across runs.
 */
import { createHash } from "node:crypto";
import type * as Sarif from "sarif";
import { SOURCES } from "../../policies/lib/controls";
import { RULE_METADATA } from "../../policies/metadata";
import { type CheckResult, PACK_NAME, PACK_VERSION } from "./check";

/** Numeric severity GitHub code scanning reads from `properties["security-severity"]`. */
const SECURITY_SEVERITY: Record<string, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0", unspecified: "5.0" };

/** Options of {@link toSarif}. */
export interface SarifOptions {
  /** File the results point at (repository-relative); defaults to `Pulumi.<stack>.yaml`. */
  readonly artifactUri?: string;
}

/** The SARIF 2.1.0 log of a check result. */
export function toSarif(result: CheckResult, options: SarifOptions = {}): Sarif.Log {
  const stack = result.summary.stack;
  const uri = options.artifactUri ?? (stack ? `Pulumi.${stack}.yaml` : "Pulumi.yaml");
  const names = Object.keys(RULE_METADATA).sort();
  const index = new Map(names.map((n, i) => [n, i]));
  const rules: Sarif.ReportingDescriptor[] = names.map((name) => {
    const m = RULE_METADATA[name]!;
    return {
      id: name,
      name,
      shortDescription: { text: m.description },
      fullDescription: { text: m.description },
      help: {
        text: `${m.remediationSteps}\n\nControls: ${m.controls.map((c) => `${SOURCES[c.source].title} ${c.id}`).join("; ")}`,
      },
      defaultConfiguration: { level: "error" },
      properties: {
        tags: ["security", "pulumi", m.area, ...m.controls.map((c) => `${c.source}:${c.id}`)],
        "security-severity": SECURITY_SEVERITY[m.severity],
        severity: m.severity,
        equivalents: m.equivalents.map((e) => `${e.tool} ${e.id}`),
      },
    };
  });
  const results: Sarif.Result[] = result.violations.map((v) => {
    const res: Sarif.Result = {
      ruleId: v.policy,
      level: v.enforcementLevel === "mandatory" ? "error" : "warning",
      message: { text: `${v.name ? `${v.type} ${v.name}: ` : ""}${v.message}` },
      locations: [
        {
          physicalLocation: { artifactLocation: { uri }, region: { startLine: 1 } },
          logicalLocations: v.urn ? [{ fullyQualifiedName: v.urn, name: v.name, kind: "resource" }] : [],
        },
      ],
      partialFingerprints: { "policyUrn/v1": createHash("sha256").update(`${v.policy}|${v.urn}|${v.message}`).digest("hex") },
      properties: { enforcementLevel: v.enforcementLevel, severity: v.severity, urn: v.urn, type: v.type },
    };
    const i = index.get(v.policy);
    if (i !== undefined) res.ruleIndex = i;
    return res;
  });
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: `${PACK_NAME}-policies`,
            version: PACK_VERSION,
            informationUri: "https://www.pulumi.com/docs/iac/crossguard/",
            rules,
          },
        },
        automationDetails: { id: `policy-check/${stack ?? "unknown"}/` },
        results,
      },
    ],
  };
}
