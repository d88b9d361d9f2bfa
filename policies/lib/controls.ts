/**
 * The control catalogue: every control identifier a rule may cite, with its title and the
 * document it comes from. Identifiers are copied from the cited documents (see docs/policies.md,
 * "Sources"); a rule can only cite controls listed here, so none is invented in a rule module.
 */

/** The documents control identifiers come from. */
export const SOURCES = {
  "uae-ia": {
    title: "UAE Information Assurance Regulation v1.1 (TDRA, March 2020)",
    note: "Control numbers and names as listed in Annex C, Table 8 of the UAE IA Standards v1.0 (NESA), which the Regulation keeps.",
  },
  "uae-pdpl": {
    title: "Federal Decree-Law No. 45 of 2021 on the Protection of Personal Data (UAE PDPL)",
    note: "Article numbers and titles of the Decree-Law.",
  },
  iso27001: {
    title: "ISO/IEC 27001:2022, Annex A (Information security controls reference)",
    note: "Control numbers and titles of Annex A (identical to ISO/IEC 27002:2022 clauses 5-8).",
  },
  cis: {
    title: "CIS Amazon Web Services Foundations Benchmark",
    note: "Recommendation numbers of the benchmark version named in each id; corroborated by the CIS mappings of Trivy checks AVD-AWS-0057 and AVD-AWS-0107.",
  },
} as const;

/** A source key. */
export type SourceKey = keyof typeof SOURCES;

/** A control a rule implements. */
export interface Control {
  readonly source: SourceKey;
  readonly id: string;
  readonly title: string;
}

const ia = (id: string, title: string): Control => ({ source: "uae-ia", id, title });
const pdpl = (id: string, title: string): Control => ({ source: "uae-pdpl", id, title });
const iso = (id: string, title: string): Control => ({ source: "iso27001", id, title });
const cis = (id: string, title: string): Control => ({ source: "cis", id, title });

/** Controls by a short key. */
export const C = {
  // UAE IA Regulation (technical controls)
  iaConfig: ia("T3.2.1", "Common Systems Configuration Guidelines"),
  iaBackup: ia("T3.5.1", "Information Backup"),
  iaAuditLogging: ia("T3.6.2", "Audit Logging"),
  iaLogProtection: ia("T3.6.4", "Protection of Log Information"),
  iaTransfer: ia("T4.2.1", "Information Transfer Procedures"),
  iaNetworkControls: ia("T4.5.1", "Network Controls"),
  iaNetworkServices: ia("T4.5.2", "Security of Network Services"),
  iaSegregation: ia("T4.5.3", "Segregation in Networks"),
  iaAccessPolicy: ia("T5.1.1", "Access Control Policy"),
  iaPrivilege: ia("T5.2.2", "Privilege Management"),
  iaCredentials: ia("T5.2.3", "User Security Credentials Management"),
  iaConnection: ia("T5.4.5", "Network Connection Control"),
  iaAccessRestriction: ia("T5.6.1", "Information Access Restriction"),
  iaPublicContent: ia("T5.6.3", "Publicly Accessible Content"),
  iaCloud: ia("T6.3.1", "Information Security Requirements for Cloud Environments"),
  iaCrypto: ia("T7.4.1", "Policy on the Use of Cryptographic Controls"),
  iaKeys: ia("T7.4.2", "Key Management"),
  iaOperationalSoftware: ia("T7.5.1", "Control of Operational Software"),
  iaLeakage: ia("T7.6.4", "Information Leakage"),
  iaSupplyChain: ia("T7.8.4", "Supply Chain Operations Security"),
  iaRecords: ia("M5.2.3", "Protection of Organizational Records"),
  iaPrivacy: ia("M5.2.4", "Data Protection and Privacy of Personal Information"),
  // UAE PDPL
  pdplSecurity: pdpl("Art. 20", "Personal Data Security"),
  pdplTransfer: pdpl("Art. 22", "Cross-Border Transfer and Sharing of Personal Data if a Proper Protection Level is Available"),
  pdplTransferNoAdequacy: pdpl(
    "Art. 23",
    "Cross-Border Transfer and Sharing of Personal Data if a Proper Protection Level is not Available",
  ),
  // ISO/IEC 27001:2022 Annex A
  isoAccessControl: iso("A.5.15", "Access control"),
  isoAccessRights: iso("A.5.18", "Access rights"),
  isoCloud: iso("A.5.23", "Information security for use of cloud services"),
  isoLegal: iso("A.5.31", "Legal, statutory, regulatory and contractual requirements"),
  isoRecords: iso("A.5.33", "Protection of records"),
  isoPii: iso("A.5.34", "Privacy and protection of personal identifiable information (PII)"),
  isoPrivileged: iso("A.8.2", "Privileged access rights"),
  isoAccessRestriction: iso("A.8.3", "Information access restriction"),
  isoAuthentication: iso("A.8.5", "Secure authentication"),
  isoCapacity: iso("A.8.6", "Capacity management"),
  isoConfig: iso("A.8.9", "Configuration management"),
  isoLeakage: iso("A.8.12", "Data leakage prevention"),
  isoBackup: iso("A.8.13", "Information backup"),
  isoLogging: iso("A.8.15", "Logging"),
  isoSoftware: iso("A.8.19", "Installation of software on operational systems"),
  isoNetworks: iso("A.8.20", "Networks security"),
  isoNetworkServices: iso("A.8.21", "Security of network services"),
  isoSegregation: iso("A.8.22", "Segregation of networks"),
  isoCrypto: iso("A.8.24", "Use of cryptography"),
  isoChange: iso("A.8.32", "Change management"),
  // CIS benchmarks (only recommendations whose numbers could be corroborated)
  cisAwsAdmin: cis("v1.4.0 1.16", 'Ensure IAM policies that allow full "*:*" administrative privileges are not attached'),
  cisAwsSsh: cis("v1.2.0 4.1", "Ensure no security groups allow ingress from 0.0.0.0/0 to port 22"),
  cisAwsRdp: cis("v1.2.0 4.2", "Ensure no security groups allow ingress from 0.0.0.0/0 to port 3389"),
} as const;
