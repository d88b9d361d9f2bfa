/**
 * Metadata of every rule: what it checks, how bad a violation is, how to fix it, the controls it
 * implements (from the catalogue in lib/controls.ts, each with its source document) and the
 * equivalent Checkov / Trivy / Kyverno check where one exists. docs/policies.md is generated
 * from this file (`npm run docs:policies`).
 */
import type { Severity } from "@pulumi/policy";
import { C, type Control } from "./lib/controls";

/** The areas of the pack. */
export type RuleArea = "residency" | "encryption" | "least-privilege" | "kubernetes" | "data-safety";

/** An equivalent check in another tool. */
export interface Equivalent {
  readonly tool: "Checkov" | "Trivy" | "Kyverno";
  readonly id: string;
}

/** Metadata of one rule. */
export interface RuleMetadata {
  readonly area: RuleArea;
  readonly description: string;
  readonly severity: Severity;
  readonly remediationSteps: string;
  readonly controls: readonly Control[];
  readonly equivalents: readonly Equivalent[];
}

const ck = (id: string): Equivalent => ({ tool: "Checkov", id });
const tv = (id: string): Equivalent => ({ tool: "Trivy", id });
const ky = (id: string): Equivalent => ({ tool: "Kyverno", id });

const RESIDENCY = [C.pdplTransfer, C.pdplTransferNoAdequacy, C.iaCloud, C.iaTransfer, C.isoCloud, C.isoLegal, C.isoPii];
const AT_REST = [C.pdplSecurity, C.iaCrypto, C.iaKeys, C.isoCrypto];
const IN_TRANSIT = [C.pdplSecurity, C.iaCrypto, C.iaNetworkServices, C.isoCrypto, C.isoNetworkServices];
const PUBLIC = [C.pdplSecurity, C.iaAccessRestriction, C.iaConnection, C.iaPublicContent, C.isoAccessRestriction, C.isoNetworks];
const PRIVILEGE = [C.iaAccessPolicy, C.iaPrivilege, C.isoAccessControl, C.isoAccessRights, C.isoPrivileged];
const POD = [C.iaConfig, C.iaOperationalSoftware, C.isoConfig, C.isoSoftware];
const EGRESS = [
  C.pdplTransfer,
  C.pdplTransferNoAdequacy,
  C.iaTransfer,
  C.iaNetworkControls,
  C.iaConnection,
  C.iaLeakage,
  C.isoNetworks,
  C.isoNetworkServices,
  C.isoLeakage,
];
const SAFETY = [C.iaBackup, C.iaRecords, C.isoBackup, C.isoRecords, C.isoChange];

/** Metadata by rule name. */
export const RULE_METADATA: Readonly<Record<string, RuleMetadata>> = {
  // ── Residency ────────────────────────────────────────────────────────────────────────────────
  "aws-provider-region-enforce-allowlist": {
    area: "residency",
    description: "Every AWS provider is pinned to an allowed region (UAE: me-central-1). An unknown region is a violation.",
    severity: "critical",
    remediationSteps:
      "Create the provider with `region` set to a region of the stack's allow-list (contracts/regions.ts); never derive it from an output.",
    controls: RESIDENCY,
    equivalents: [],
  },
  "aws-resource-region-enforce-allowlist": {
    area: "residency",
    description:
      "Every AWS resource goes through an explicit provider in an allowed region, and its own `region` argument (provider 7.x) is allowed too. Unknown regions are violations. Multi-region resources (ElastiCache global datastores, S3 Multi-Region Access Points, MemoryDB multi-Region clusters, DSQL peerings) and global edge caches are refused.",
    severity: "critical",
    remediationSteps:
      "Pass an explicit region-pinned provider (parent inheritance or `provider:`), and remove or fix any per-resource `region` argument.",
    controls: RESIDENCY,
    equivalents: [],
  },
  "pulumi-provider-package-enforce-allowlist": {
    area: "residency",
    description:
      "In production, every resource comes from a provider package the pack understands (aws, azure-native, kubernetes, random): a resource of any other package (gcp, cloudflare, datadog…) could hold data anywhere, so it is refused.",
    severity: "critical",
    remediationSteps:
      "Use the project's providers. To add a package, extend the pack first (residency, encryption and access rules for its resources) and add it to UNDERSTOOD_PACKAGES.",
    controls: RESIDENCY,
    equivalents: [],
  },
  "kubernetes-provider-cluster-enforce-stack-cluster": {
    area: "residency",
    description:
      "Every Kubernetes provider targets a cluster this stack creates: its kubeconfig comes from the stack's EKS/AKS cluster (or names that cluster's API endpoint). No ambient kubeconfig, no foreign cluster.",
    severity: "critical",
    remediationSteps:
      "Build the provider's kubeconfig from the stack's cluster outputs (components/aws/cluster.ts, components/azure/cluster.ts); never rely on KUBECONFIG or a pasted kubeconfig.",
    controls: RESIDENCY,
    equivalents: [],
  },
  "azure-authorization-policy-assignment-enforce-allowed-locations": {
    area: "residency",
    description:
      'Production Azure stacks keep the run-time residency guardrail: every resource group is covered by an Azure Policy "Allowed locations" assignment (subscription or group scope) listing only allowed locations, with enforcementMode Default, no notScopes, resource selectors or effect overrides, and no policy exemption against it.',
    severity: "critical",
    remediationSteps:
      "Keep the Guardrails component's assignments as created (components/azure/guardrails.ts); do not switch them to DoNotEnforce, add notScopes or exemptions.",
    controls: [...RESIDENCY, C.iaConfig, C.isoConfig],
    equivalents: [],
  },
  "azure-provider-location-enforce-allowlist": {
    area: "residency",
    description:
      "Every azure-native provider is pinned to an allowed location (UAE: uaenorth, uaecentral). An unknown location is a violation.",
    severity: "critical",
    remediationSteps: "Create the provider with `location` set to a location of the stack's allow-list (contracts/regions.ts).",
    controls: RESIDENCY,
    equivalents: [],
  },
  "azure-resource-location-enforce-allowlist": {
    area: "residency",
    description:
      "Every Azure resource with a location is in an allowed location; `global` is accepted only for the documented global resource types that hold no customer data. Unknown locations are violations.",
    severity: "critical",
    remediationSteps: "Set `location` to the stack's location (or omit it so that the resource group's location applies).",
    controls: RESIDENCY,
    equivalents: [],
  },
  "aws-s3-bucket-disallow-external-replication": {
    area: "residency",
    description:
      "S3 replication only targets buckets declared in the same stack (so in an allowed region); any other destination can leave the UAE.",
    severity: "critical",
    remediationSteps: "Replicate only to a bucket created by this program through a UAE provider, or remove the replication configuration.",
    controls: [...RESIDENCY, C.iaLeakage, C.isoLeakage],
    equivalents: [],
  },
  "aws-s3-bucket-enforce-local-destination": {
    area: "residency",
    description:
      "Data written to S3 (server access logs, inline and separate replication, inventory and analytics exports, VPC flow logs, DNS query logs, Firehose deliveries and backups, load balancer and MSK logs, Athena results) only goes to a bucket of this stack: a bucket name or S3 ARN has no region, so a bucket elsewhere may be outside the UAE.",
    severity: "critical",
    remediationSteps:
      "Point the destination at a bucket created by this program (its name, ARN or an output of it); keep central log buckets in the stack or reach them through a reviewed exemption.",
    controls: [...RESIDENCY, C.iaLeakage, C.isoLeakage],
    equivalents: [],
  },
  "aws-external-endpoint-enforce-local-destination": {
    area: "residency",
    description:
      "In production, data is not delivered outside AWS to endpoints whose location cannot be verified: Firehose HTTP endpoint destinations and SNS subscriptions over HTTP(S), e-mail or SMS. A reviewed delivery is exempted by resource name with a reason.",
    severity: "high",
    remediationSteps:
      "Deliver to a queue, stream or bucket of this stack instead; if a reviewed external delivery is needed, exempt that resource by name with the reason in the pack configuration.",
    controls: [...RESIDENCY, C.iaLeakage, C.isoLeakage],
    equivalents: [],
  },
  "azure-eventgrid-subscription-enforce-local-destination": {
    area: "residency",
    description:
      "In production, Event Grid subscriptions deliver only to Azure resources (queues, event hubs, functions, hybrid connections), never to a webhook or partner destination whose location cannot be verified. A reviewed delivery is exempted by resource name with a reason.",
    severity: "high",
    remediationSteps:
      "Deliver events to a storage queue, Service Bus or Event Hubs of this stack; if a reviewed webhook is needed, exempt that subscription by name with the reason.",
    controls: [...RESIDENCY, C.iaLeakage, C.isoLeakage],
    equivalents: [],
  },
  "azure-geo-replication-enforce-stack-partner": {
    area: "residency",
    description:
      "Geo-DR and replication partners are resources of this stack (by id or property dependency): SQL failover group partner servers, Event Hubs and Service Bus geo-DR partner namespaces, storage object replication destination accounts, linked Redis caches.",
    severity: "critical",
    remediationSteps:
      "Pair only with a server, namespace, account or cache declared in this stack (pass its `id` output), so that the location rules check where the copy lives.",
    controls: [...RESIDENCY, C.iaLeakage, C.isoLeakage],
    equivalents: [],
  },
  "aws-kms-key-disallow-multi-region": {
    area: "residency",
    description:
      "KMS keys are single-region: no multi-Region primary keys and no replica keys, whose key material can be copied out of the UAE.",
    severity: "high",
    remediationSteps: "Set `multiRegion: false` and remove `aws.kms.ReplicaKey` / `ReplicaExternalKey` resources.",
    controls: [...RESIDENCY, C.iaKeys],
    equivalents: [],
  },
  "aws-ecr-registry-disallow-external-replication": {
    area: "residency",
    description: "ECR replication rules only target allowed regions and registries of this stack's accounts.",
    severity: "high",
    remediationSteps:
      "Remove replication destinations outside the allow-list or in another account's registry from `aws.ecr.ReplicationConfiguration`.",
    controls: RESIDENCY,
    equivalents: [],
  },
  "aws-rds-database-disallow-cross-region-replication": {
    area: "residency",
    description:
      "No RDS read replica, cluster replication source, global cluster or automated-backup replication that moves data to or from a region outside the allow-list.",
    severity: "critical",
    remediationSteps:
      "Keep replicas in the stack's region; remove `aws.rds.GlobalCluster` and `aws.rds.InstanceAutomatedBackupsReplication` resources.",
    controls: [...RESIDENCY, C.iaBackup],
    equivalents: [],
  },
  "aws-ec2-route-enforce-firewall-egress": {
    area: "residency",
    description:
      "Internet-bound routes go through AWS Network Firewall: the EKS node subnets route public destinations to a firewall endpoint of the stack, only the firewall subnets route to a NAT gateway, and no node subnet routes to an internet gateway, transit gateway or peering around it.",
    severity: "critical",
    remediationSteps:
      "Route 0.0.0.0/0 of the node subnets to the zone's Network Firewall endpoint (`vpcEndpointId`), route the firewall subnets to the NAT gateway, and return traffic for the node subnets from the NAT subnets through the endpoint (components/aws/network.ts does this unless `network.egress.firewallOptOut` is set).",
    controls: [...EGRESS, C.iaSegregation, C.isoSegregation],
    equivalents: [],
  },
  "aws-networkfirewall-firewall-enforce-allowlist-logging": {
    area: "residency",
    description:
      "Every AWS Network Firewall evaluates in strict order, allows only a stateful domain allow-list (TLS SNI / HTTP Host) and drops everything else, and logs ALERT and FLOW records; a stack with a NAT gateway has one.",
    severity: "critical",
    remediationSteps:
      "Use a firewall policy with `statefulEngineOptions.ruleOrder: STRICT_ORDER`, `statefulDefaultActions: [aws:drop_established, aws:alert_established]`, a STATEFUL rule group with an ALLOWLIST rules source list, and a LoggingConfiguration with ALERT and FLOW destinations in the stack's log group or bucket.",
    controls: [...EGRESS, C.iaAuditLogging, C.isoLogging],
    equivalents: [],
  },
  "azure-network-subnet-enforce-firewall-egress": {
    area: "residency",
    description:
      "AKS node subnets reach the internet only through Azure Firewall: their route table sends 0.0.0.0/0 to the firewall's private address, no route sends public prefixes to the Internet directly, no NAT gateway is attached, and the cluster uses `outboundType: userDefinedRouting`.",
    severity: "critical",
    remediationSteps:
      "Attach a route table with `0.0.0.0/0 → VirtualAppliance <firewall private IP>` (BGP propagation off) to the node subnets, remove their NAT gateway and set `networkProfile.outboundType: userDefinedRouting` (components/azure/network.ts does this unless `network.egress.firewallOptOut` is set).",
    controls: [...EGRESS, C.iaSegregation, C.isoSegregation],
    equivalents: [],
  },
  "azure-network-firewall-enforce-allowlist-logging": {
    area: "residency",
    description:
      "Every Azure Firewall has a policy whose allow rules name their hosts or addresses (the implicit deny drops the rest) and sends its logs to a Log Analytics workspace; a stack with an AKS cluster has one.",
    severity: "critical",
    remediationSteps:
      "Give the firewall a FirewallPolicy whose rule collections allow named FQDNs only (no `*`, no web categories, no network rule to any address) and a diagnostic setting with `allLogs` to the stack's workspace.",
    controls: [...EGRESS, C.iaAuditLogging, C.isoLogging],
    equivalents: [],
  },
  "aws-ec2-vpc-peering-disallow-cross-region": {
    area: "residency",
    description: "VPC peering connections and transit gateway peering attachments stay within allowed regions.",
    severity: "high",
    remediationSteps: "Remove `peerRegion` or set it to a region of the allow-list.",
    controls: [...RESIDENCY, C.iaNetworkControls, C.isoNetworks],
    equivalents: [],
  },
  "azure-storage-account-disallow-geo-replication": {
    area: "residency",
    description:
      "Storage accounts use locally or zone-redundant replication; geo-redundant SKUs are accepted only when the account's paired region is in the allow-list (uaenorth ↔ uaecentral).",
    severity: "critical",
    remediationSteps: "Use `Standard_ZRS`/`Standard_LRS` (or `Premium_*`), or place the account in a location whose pair is allowed.",
    controls: RESIDENCY,
    equivalents: [],
  },
  "azure-postgresql-server-disallow-geo-backup": {
    area: "residency",
    description:
      "PostgreSQL geo-redundant backups are off unless the server's paired region is in the allow-list; no replica of a server outside it.",
    severity: "critical",
    remediationSteps: 'Set `backup.geoRedundantBackup: "Disabled"` or place the server where the paired region is allowed.',
    controls: [...RESIDENCY, C.iaBackup],
    equivalents: [],
  },
  "aws-cloudtrail-trail-enforce-local-destination": {
    area: "residency",
    description:
      "CloudTrail trails deliver to an S3 bucket declared in the stack, encrypt with a customer-managed KMS key and validate log files; a CloudWatch destination is in an allowed region.",
    severity: "high",
    remediationSteps: "Point `s3BucketName` at the stack's audit bucket, set `kmsKeyId` and `enableLogFileValidation: true`.",
    controls: [...RESIDENCY, C.iaAuditLogging, C.iaLogProtection, C.isoLogging],
    equivalents: [ck("CKV_AWS_35"), ck("CKV_AWS_36"), tv("AVD-AWS-0015")],
  },
  "azure-monitor-diagnostic-setting-enforce-local-destination": {
    area: "residency",
    description:
      "Diagnostic settings of every kind (resource, subscription activity log, management group, Entra ID) send logs only to a Log Analytics workspace or storage account declared in the stack; no event hub or partner destination.",
    severity: "high",
    remediationSteps:
      "Set `workspaceId` (or `storageAccountId`) to a resource of this stack; remove event hub and marketplace destinations.",
    controls: [...RESIDENCY, C.iaAuditLogging, C.isoLogging],
    equivalents: [],
  },
  // ── Encryption ───────────────────────────────────────────────────────────────────────────────
  "aws-s3-bucket-enforce-kms-encryption": {
    area: "encryption",
    description:
      "Every S3 bucket has a server-side encryption configuration with SSE-KMS (or DSSE-KMS) and a customer-managed key; server access log target buckets may use SSE-S3, the only encryption S3 log delivery supports.",
    severity: "high",
    remediationSteps:
      'Add `aws.s3.BucketServerSideEncryptionConfiguration` with `sseAlgorithm: "aws:kms"`, `kmsMasterKeyId` and `bucketKeyEnabled: true`.',
    controls: AT_REST,
    equivalents: [ck("CKV_AWS_145"), tv("AVD-AWS-0132")],
  },
  "aws-s3-bucket-enforce-tls-only": {
    area: "encryption",
    description: "Every S3 bucket has a bucket policy that denies requests without TLS (`aws:SecureTransport` false).",
    severity: "high",
    remediationSteps:
      'Add a Deny statement for `s3:*` on the bucket and its objects with condition `Bool: {"aws:SecureTransport": "false"}`.',
    controls: IN_TRANSIT,
    equivalents: [],
  },
  "aws-ec2-volume-enforce-kms-encryption": {
    area: "encryption",
    description: "EBS volumes and launch-template block devices are encrypted with a customer-managed KMS key.",
    severity: "high",
    remediationSteps: "Set `encrypted: true` and `kmsKeyId` on volumes and on every `blockDeviceMappings[].ebs` of launch templates.",
    controls: AT_REST,
    equivalents: [ck("CKV_AWS_3"), ck("CKV_AWS_189"), tv("AVD-AWS-0026"), tv("AVD-AWS-0027")],
  },
  "aws-rds-database-enforce-kms-encryption": {
    area: "encryption",
    description: "RDS instances and clusters encrypt storage with a customer-managed KMS key.",
    severity: "high",
    remediationSteps: "Set `storageEncrypted: true` and `kmsKeyId` (and `performanceInsightsKmsKeyId` when Performance Insights is on).",
    controls: AT_REST,
    equivalents: [ck("CKV_AWS_16"), tv("AVD-AWS-0080")],
  },
  "aws-rds-database-enforce-tls": {
    area: "encryption",
    description:
      "PostgreSQL on RDS refuses non-TLS connections: instances use a custom parameter group, and PostgreSQL parameter groups set `rds.force_ssl = 1`.",
    severity: "high",
    remediationSteps: "Create an `aws.rds.ParameterGroup` with `rds.force_ssl = 1` and reference it in `parameterGroupName`.",
    controls: IN_TRANSIT,
    equivalents: [],
  },
  "aws-elasticache-replication-group-enforce-encryption": {
    area: "encryption",
    description: "ElastiCache encrypts at rest with a customer-managed key and in transit (TLS required), with authentication.",
    severity: "high",
    remediationSteps:
      'Set `atRestEncryptionEnabled: true`, `kmsKeyId`, `transitEncryptionEnabled: true`, `transitEncryptionMode: "required"` and an auth token or user group.',
    controls: [...AT_REST, C.iaNetworkServices],
    equivalents: [ck("CKV_AWS_29"), ck("CKV_AWS_30"), ck("CKV_AWS_191"), tv("AVD-AWS-0045"), tv("AVD-AWS-0051")],
  },
  "aws-ecr-repository-enforce-kms-encryption": {
    area: "encryption",
    description: "ECR repositories are encrypted with a customer-managed KMS key.",
    severity: "medium",
    remediationSteps: 'Set `encryptionConfigurations: [{ encryptionType: "KMS", kmsKey }]`.',
    controls: AT_REST,
    equivalents: [ck("CKV_AWS_136"), tv("AVD-AWS-0033")],
  },
  "aws-cloudwatch-log-group-enforce-kms-encryption": {
    area: "encryption",
    description: "CloudWatch log groups are encrypted with a customer-managed KMS key.",
    severity: "medium",
    remediationSteps:
      "Set `kmsKeyId` to the stack's logs key (its key policy must allow the CloudWatch Logs service principal of the region).",
    controls: [...AT_REST, C.iaLogProtection],
    equivalents: [ck("CKV_AWS_158"), tv("AVD-AWS-0017")],
  },
  "aws-eks-cluster-enforce-secrets-encryption": {
    area: "encryption",
    description: "EKS clusters encrypt Kubernetes secrets with a customer-managed KMS key (envelope encryption).",
    severity: "high",
    remediationSteps: 'Set `encryptionConfig: { provider: { keyArn }, resources: ["secrets"] }`.',
    controls: AT_REST,
    equivalents: [ck("CKV_AWS_58"), tv("AVD-AWS-0039")],
  },
  "aws-kms-data-store-enforce-cmk-encryption": {
    area: "encryption",
    description:
      "Data stores a team adds next use a customer-managed KMS key (key ARN, id or alias that is not alias/aws/*): SNS topics, Kinesis streams and Firehose, EFS and FSx file systems, DynamoDB tables, Secrets Manager secrets, SSM SecureString parameters, MemoryDB, DocumentDB, Neptune, Redshift, OpenSearch, MSK, Backup vaults, snapshot copies, ElastiCache Serverless, SageMaker domains, notebooks, endpoint configurations and feature group stores, EC2 instance root and EBS volumes, Redshift Serverless namespaces, Athena workgroup results (SSE_KMS/CSE_KMS).",
    severity: "high",
    remediationSteps:
      "Pass the stack's customer-managed key (components/aws/keys.ts) in the type's key field and switch its encryption on.",
    controls: AT_REST,
    equivalents: [ck("CKV_AWS_26"), ck("CKV_AWS_119"), ck("CKV_AWS_149")],
  },
  "azure-keyvault-data-store-enforce-cmk-encryption": {
    area: "encryption",
    description:
      "Data stores a team adds next use a customer-managed Key Vault key: Service Bus and Event Hubs namespaces, managed disks and snapshots, Cosmos DB accounts, MySQL flexible servers, SQL servers and TDE protectors (AzureKeyVault), storage encryption scopes (Microsoft.KeyVault), container registries, Azure ML workspaces, AI Search (encryptionWithCmk Enabled), Redis Enterprise.",
    severity: "high",
    remediationSteps:
      "Point the type's encryption at a Key Vault key of the stack (or a disk encryption set for disks) instead of Microsoft-managed keys.",
    controls: AT_REST,
    equivalents: [],
  },
  "aws-kms-key-enable-rotation": {
    area: "encryption",
    description: "Symmetric customer-managed KMS keys rotate automatically.",
    severity: "medium",
    remediationSteps: "Set `enableKeyRotation: true` (optionally `rotationPeriodInDays`).",
    controls: [C.iaKeys, C.isoCrypto],
    equivalents: [ck("CKV_AWS_7"), tv("AVD-AWS-0065")],
  },
  "aws-sqs-queue-enforce-kms-encryption": {
    area: "encryption",
    description: "SQS queues are encrypted with a customer-managed KMS key.",
    severity: "medium",
    remediationSteps: "Set `kmsMasterKeyId` to a customer-managed key.",
    controls: AT_REST,
    equivalents: [ck("CKV_AWS_27"), tv("AVD-AWS-0096")],
  },
  "azure-storage-account-enforce-tls": {
    area: "encryption",
    description: "Storage accounts accept HTTPS only with TLS 1.2 or later.",
    severity: "high",
    remediationSteps: 'Set `enableHttpsTrafficOnly: true` and `minimumTlsVersion: "TLS1_2"`.',
    controls: IN_TRANSIT,
    equivalents: [ck("CKV_AZURE_3"), ck("CKV_AZURE_44"), tv("AVD-AZU-0008"), tv("AVD-AZU-0011")],
  },
  "azure-storage-account-enforce-cmk-encryption": {
    area: "encryption",
    description: "Storage accounts encrypt with a customer-managed key in Key Vault, with infrastructure (double) encryption.",
    severity: "high",
    remediationSteps:
      'Set `encryption.keySource: "Microsoft.Keyvault"`, `encryption.keyVaultProperties` and `requireInfrastructureEncryption: true`.',
    controls: AT_REST,
    equivalents: [ck("CKV2_AZURE_1")],
  },
  "azure-postgresql-server-enforce-cmk-encryption": {
    area: "encryption",
    description: "PostgreSQL flexible servers encrypt data with a customer-managed key in Key Vault.",
    severity: "high",
    remediationSteps: 'Set `dataEncryption: { type: "AzureKeyVault", primaryKeyURI, primaryUserAssignedIdentityId }`.',
    controls: AT_REST,
    equivalents: [],
  },
  "azure-postgresql-server-enforce-tls": {
    area: "encryption",
    description:
      "PostgreSQL server parameters never turn TLS off: `require_secure_transport` stays on and `ssl_min_protocol_version` is TLSv1.2 or later.",
    severity: "high",
    remediationSteps:
      "Remove the Configuration that sets `require_secure_transport` to off, or set `ssl_min_protocol_version` to `TLSv1.2`/`TLSv1.3`.",
    controls: IN_TRANSIT,
    equivalents: [],
  },
  "azure-redis-cache-enforce-tls": {
    area: "encryption",
    description:
      "Azure Cache for Redis disables the non-TLS port and requires TLS 1.2; Redis Enterprise databases use the encrypted client protocol.",
    severity: "high",
    remediationSteps: 'Set `enableNonSslPort: false` and `minimumTlsVersion: "1.2"`; for Redis Enterprise, `clientProtocol: "Encrypted"`.',
    controls: IN_TRANSIT,
    equivalents: [ck("CKV_AZURE_91")],
  },
  "azure-aks-cluster-enforce-secrets-encryption": {
    area: "encryption",
    description:
      "AKS clusters encrypt Kubernetes secrets with a Key Vault key (KMS etcd encryption) and node disks with a disk encryption set.",
    severity: "high",
    remediationSteps:
      'Set `securityProfile.azureKeyVaultKms: { enabled: true, keyId, keyVaultNetworkAccess: "Private", keyVaultResourceId }` and `diskEncryptionSetID`.',
    controls: AT_REST,
    equivalents: [ck("CKV_AZURE_117")],
  },
  "azure-keyvault-key-enable-rotation": {
    area: "encryption",
    description: "Key Vault keys have a rotation policy with an automatic rotate action.",
    severity: "medium",
    remediationSteps:
      "Set `properties.rotationPolicy.lifetimeActions` with an action of type `rotate` and an expiry in `attributes.expiryTime`.",
    controls: [C.iaKeys, C.isoCrypto],
    equivalents: [],
  },
  // ── Least privilege ──────────────────────────────────────────────────────────────────────────
  "aws-iam-policy-disallow-wildcard-action": {
    area: "least-privilege",
    description: "No IAM identity policy allows `*` or a whole service (`service:*`) as action, and none uses NotAction with Allow.",
    severity: "critical",
    remediationSteps: "List the exact actions the workload needs.",
    controls: [...PRIVILEGE, C.cisAwsAdmin],
    equivalents: [ck("CKV_AWS_1"), ck("CKV_AWS_63"), tv("AVD-AWS-0057")],
  },
  "aws-iam-policy-disallow-wildcard-resource": {
    area: "least-privilege",
    description:
      "No IAM identity policy allows an action on resource `*` unless the action does not support resource-level permissions (Describe*/List*, ecr:GetAuthorizationToken, sts:GetCallerIdentity and similar).",
    severity: "high",
    remediationSteps: "Scope the statement to the ARNs of the stack's resources (bucket/prefix, key, repository, queue).",
    controls: PRIVILEGE,
    equivalents: [ck("CKV_AWS_355"), tv("AVD-AWS-0057")],
  },
  "aws-iam-role-disallow-admin-policy": {
    area: "least-privilege",
    description:
      "No role, user or group gets an administrative AWS managed policy (every AdministratorAccess* variant, PowerUserAccess, IAMFullAccess, Organizations and Identity Center administration, job-function/SystemAdministrator), attached or inline (`*:*`), and no EKS cluster-admin access policy (AmazonEKSClusterAdminPolicy, cluster-scoped AmazonEKSAdminPolicy) except the platform cluster component's own associations, and only for the roles the stack names in `identity.clusterAdmins` (the principal must match; the component's name alone is not enough).",
    severity: "critical",
    remediationSteps:
      "Replace the managed admin policy with a least-privilege policy; cluster administration goes through EKS access entries.",
    controls: [...PRIVILEGE, C.cisAwsAdmin],
    equivalents: [ck("CKV_AWS_274"), ck("CKV_AWS_1")],
  },
  "aws-iam-resource-policy-disallow-external-principal": {
    area: "least-privilege",
    description:
      "No resource or trust policy (bucket, inline bucket policy, queue, topic, KMS key, ECR repository/registry, secret, file system, role trust, Lambda permission; and grants read as policies: KMS grants, RAM principal associations, snapshot volume and AMI launch permissions, Lambda function URLs without auth, public object ACLs) lets anyone in (`*`, `{AWS:[\"*\"]}`, `arn:aws:iam::*:root`, NotPrincipal, public identity providers), nor an account that is not this stack's, nor a service acting for any account, unless a condition narrows it to this stack's account. Federated trust needs a `:sub` condition.",
    severity: "critical",
    remediationSteps:
      "Name this stack's account or roles as principals; narrow service principals with aws:SourceAccount/aws:SourceArn; for OIDC trust add a StringEquals condition on `<provider>:sub`. A genuinely shared resource needs an exemption with its reason.",
    controls: [...PUBLIC, ...PRIVILEGE],
    equivalents: [ck("CKV_AWS_70"), ck("CKV_AWS_168"), ck("CKV_AWS_33")],
  },
  "aws-iam-role-enforce-scoped-trust": {
    area: "least-privilege",
    description:
      "Who may assume each role is named exactly: no wildcard or NotPrincipal, no whole account (account id or :root) unless an exact aws:PrincipalArn condition names the roles, web-identity (IRSA) trust only for listed service accounts under StringEquals on `:sub` with the STS audience on `:aud`, and only STS assume/tag actions.",
    severity: "critical",
    remediationSteps:
      'Name the trusted role ARNs or service principals; for IRSA use StringEquals on `<provider>:sub` with each `system:serviceaccount:<namespace>:<name>` and `<provider>:aud` = "sts.amazonaws.com"; allow only sts:AssumeRole… actions.',
    controls: [...PRIVILEGE, C.iaCredentials, C.isoAuthentication],
    equivalents: [ck("CKV_AWS_60"), ck("CKV_AWS_61"), tv("AVD-AWS-0057")],
  },
  "aws-data-service-enforce-private-network": {
    area: "least-privilege",
    description:
      "Data services stay inside the network: ElastiCache in the stack's subnet group behind its own security groups (not the VPC default), SQS queues and ECR repositories reached through interface VPC endpoints (sqs, ecr.api, ecr.dkr) with private DNS.",
    severity: "high",
    remediationSteps:
      "Set subnetGroupName and securityGroupIds on caches; add interface endpoints com.amazonaws.<region>.sqs, .ecr.api and .ecr.dkr with privateDnsEnabled: true.",
    controls: PUBLIC,
    equivalents: [ck("CKV_AWS_323"), tv("AVD-AWS-0164")],
  },
  "azure-data-service-enforce-private-endpoint": {
    area: "least-privilege",
    description:
      "Every Redis cache, storage account, container registry and Key Vault is the target of a private endpoint of the stack, so it is reached inside the virtual network.",
    severity: "high",
    remediationSteps:
      "Add an azure-native:network:PrivateEndpoint in the private-endpoint subnet whose privateLinkServiceConnections name the service (group ids such as redisCache, blob/queue/dfs, registry, vault).",
    controls: PUBLIC,
    equivalents: [ck("CKV_AZURE_89"), ck("CKV2_AZURE_33"), ck("CKV2_AZURE_32")],
  },
  "aws-iam-user-disallow-access-key": {
    area: "least-privilege",
    description:
      "No long-lived IAM user credentials (access keys, service-specific passwords, console passwords, signing certificates, SSH keys); workloads use IRSA/Pod Identity, people use SSO.",
    severity: "critical",
    remediationSteps: "Remove the credential resource; use a workload identity role, an OIDC-federated CI role or SSO.",
    controls: [C.iaCredentials, C.isoAuthentication, C.isoAccessRights],
    equivalents: [],
  },
  "aws-ec2-security-group-disallow-public-ingress": {
    area: "least-privilege",
    description:
      "No security group rule accepts traffic from 0.0.0.0/0 or ::/0, except HTTPS (443 only) on a load balancer named in the pack's `publicLoadBalancers`.",
    severity: "critical",
    remediationSteps: "Restrict the source to the VPC, a prefix list or another security group.",
    controls: [C.iaNetworkControls, C.iaSegregation, C.iaConnection, C.isoNetworks, C.isoSegregation, C.cisAwsSsh, C.cisAwsRdp],
    equivalents: [tv("AVD-AWS-0107")],
  },
  "aws-s3-bucket-disallow-public-access": {
    area: "least-privilege",
    description: "Every S3 bucket has a public access block with all four settings on, and no bucket policy allows an anonymous principal.",
    severity: "critical",
    remediationSteps:
      "Add `aws.s3.BucketPublicAccessBlock` with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true.",
    controls: PUBLIC,
    equivalents: [ck("CKV_AWS_53"), ck("CKV_AWS_54"), ck("CKV_AWS_55"), ck("CKV_AWS_56"), tv("AVD-AWS-0094")],
  },
  "aws-rds-database-disallow-public-access": {
    area: "least-privilege",
    description: "RDS instances are not publicly accessible.",
    severity: "critical",
    remediationSteps: "Set `publiclyAccessible: false` and place the instance in private subnets.",
    controls: PUBLIC,
    equivalents: [ck("CKV_AWS_17"), tv("AVD-AWS-0180")],
  },
  "aws-ec2-launch-template-enforce-imdsv2": {
    area: "least-privilege",
    description:
      "Node launch templates, EC2 instances and spot requests require IMDSv2 session tokens with a hop limit of 1, so pods cannot reach the node's instance metadata and its role's credentials.",
    severity: "high",
    remediationSteps: 'Set `metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 }` on the launch template.',
    controls: [C.iaCredentials, C.iaConfig, C.isoAuthentication, C.isoConfig],
    equivalents: [ck("CKV_AWS_79"), ck("CKV_AWS_341"), tv("AVD-AWS-0130")],
  },
  "azure-keyvault-vault-disallow-public-access": {
    area: "least-privilege",
    description: "Key Vaults allow no public network access: publicNetworkAccess Disabled, network ACLs deny by default, no IP rules.",
    severity: "high",
    remediationSteps:
      'Set `publicNetworkAccess: "Disabled"` and `networkAcls: { defaultAction: "Deny", ipRules: [] }`; reach the vault through its private endpoint.',
    controls: PUBLIC,
    equivalents: [ck("CKV_AZURE_109"), ck("CKV_AZURE_189"), tv("AVD-AZU-0013")],
  },
  "aws-eks-cluster-disallow-public-endpoint": {
    area: "least-privilege",
    description: "The EKS API endpoint is private, or public only to listed CIDRs (never 0.0.0.0/0), and the private endpoint is on.",
    severity: "high",
    remediationSteps:
      "Set `vpcConfig.endpointPrivateAccess: true` and either `endpointPublicAccess: false` or `publicAccessCidrs` without 0.0.0.0/0.",
    controls: PUBLIC,
    equivalents: [ck("CKV_AWS_38"), ck("CKV_AWS_39"), tv("AVD-AWS-0040"), tv("AVD-AWS-0041")],
  },
  "azure-authorization-role-assignment-disallow-privileged-subscription-scope": {
    area: "least-privilege",
    description:
      "No Owner, Contributor, User Access Administrator, Role Based Access Control Administrator or data-plane owner (Storage Blob Data Owner, Key Vault Administrator / Data Access Administrator / Secrets and Crypto Officer) role assignment at subscription, management-group or root scope (ids read whatever their case or trailing slashes), no role-granting role (Owner, User Access Administrator, RBAC Administrator) on a whole resource group, and no custom role definition granting wildcard write, role-assignment or data actions that is assignable there.",
    severity: "critical",
    remediationSteps: "Assign a narrower built-in role (or a custom role) at the resource or resource-group scope.",
    controls: PRIVILEGE,
    equivalents: [],
  },
  "azure-authorization-role-assignment-enforce-aks-cluster-scope": {
    area: "least-privilege",
    description:
      "A role that opens an AKS cluster (Cluster User, Cluster Admin, RBAC Cluster Admin) is assigned on that cluster, not on a resource group or the subscription, where it would open every cluster there.",
    severity: "high",
    remediationSteps:
      "Scope the role assignment to the cluster's resource id (`…/providers/Microsoft.ContainerService/managedClusters/<name>`), as the platform does for the teams' and approvers' Entra groups.",
    controls: PRIVILEGE,
    equivalents: [],
  },
  "azure-network-security-group-disallow-public-ingress": {
    area: "least-privilege",
    description:
      "No NSG rule allows inbound traffic from the internet (`*`, `Internet`, 0.0.0.0/0, ::/0), except HTTPS (443) for a named public load balancer.",
    severity: "critical",
    remediationSteps: "Restrict `sourceAddressPrefix` to the virtual network or a service tag other than Internet.",
    controls: [C.iaNetworkControls, C.iaSegregation, C.iaConnection, C.isoNetworks, C.isoSegregation],
    equivalents: [ck("CKV_AZURE_9"), ck("CKV_AZURE_10"), tv("AVD-AZU-0047")],
  },
  "aws-ecs-task-definition-disallow-privileged": {
    area: "least-privilege",
    description:
      "ECS task definitions run no privileged container, add no host-level Linux capabilities (ALL, SYS_ADMIN…) and share no host PID or IPC namespace; container definitions that cannot be parsed are violations.",
    severity: "high",
    remediationSteps: "Remove privileged, host capabilities and pidMode/ipcMode host from the task definition.",
    controls: POD,
    equivalents: [],
  },
  "aws-data-service-disallow-public-access": {
    area: "least-privilege",
    description:
      "Services a team adds next stay off the internet: no publiclyAccessible Redshift (and Serverless) or DMS, load balancers internal unless named in `publicLoadBalancers`, no public IP on EC2 instances, OpenSearch in a VPC, MSK without public access, SageMaker notebooks without direct internet access and domains VpcOnly, no S3 static website hosting.",
    severity: "high",
    remediationSteps:
      "Set publiclyAccessible false / internal true / associatePublicIpAddress false, give OpenSearch vpcOptions, set MSK publicAccess DISABLED and SageMaker directInternetAccess Disabled (appNetworkAccessType VpcOnly); name reviewed internet-facing load balancers in publicLoadBalancers.",
    controls: PUBLIC,
    equivalents: [ck("CKV_AWS_87"), ck("CKV_AWS_88")],
  },
  "azure-data-service-disallow-public-access": {
    area: "least-privilege",
    description:
      "Azure services a team adds next stay off the internet: server firewall rules (PostgreSQL, MySQL, SQL, Redis, Synapse) never include public addresses or 0.0.0.0–0.0.0.0 (all Azure), Cosmos DB is not public to the internet, SQL servers, ML workspaces and AI Search have public network access Disabled, container groups get no public IP.",
    severity: "high",
    remediationSteps:
      'Remove public or all-Azure firewall rules, set publicNetworkAccess "Disabled" and reach the service through a private endpoint; deploy container groups into a subnet.',
    controls: PUBLIC,
    equivalents: [ck("CKV_AZURE_11")],
  },
  "azure-storage-account-disallow-public-access": {
    area: "least-privilege",
    description: "Storage accounts allow no anonymous blob access, no shared-key (static key) access and no public network access.",
    severity: "critical",
    remediationSteps:
      'Set `allowBlobPublicAccess: false`, `allowSharedKeyAccess: false` and `publicNetworkAccess: "Disabled"` (private endpoints).',
    controls: [...PUBLIC, C.iaCredentials],
    equivalents: [ck("CKV_AZURE_59"), ck("CKV_AZURE_190"), tv("AVD-AZU-0007")],
  },
  "azure-containerregistry-registry-disallow-public-access": {
    area: "least-privilege",
    description: "Container registries disable public network access, anonymous pull and the admin user (a static credential).",
    severity: "high",
    remediationSteps: 'Set `publicNetworkAccess: "Disabled"`, `anonymousPullEnabled: false`, `adminUserEnabled: false`.',
    controls: [...PUBLIC, C.iaCredentials],
    equivalents: [ck("CKV_AZURE_137"), ck("CKV_AZURE_139")],
  },
  "azure-postgresql-server-disallow-public-access": {
    area: "least-privilege",
    description: "PostgreSQL flexible servers have public network access disabled (VNet integration or private endpoint).",
    severity: "critical",
    remediationSteps: 'Set `network.publicNetworkAccess: "Disabled"` with `delegatedSubnetResourceId` and `privateDnsZoneArmResourceId`.',
    controls: PUBLIC,
    equivalents: [],
  },
  "azure-redis-cache-disallow-public-access": {
    area: "least-privilege",
    description: "Azure Cache for Redis has public network access disabled.",
    severity: "high",
    remediationSteps: 'Set `publicNetworkAccess: "Disabled"` and reach the cache through a private endpoint.',
    controls: PUBLIC,
    equivalents: [ck("CKV_AZURE_89")],
  },
  "azure-aks-cluster-disallow-public-endpoint": {
    area: "least-privilege",
    description: "The AKS API server is private or limited to authorized IP ranges (never 0.0.0.0/0), and local accounts are disabled.",
    severity: "high",
    remediationSteps: "Set `apiServerAccessProfile.enablePrivateCluster: true` or `authorizedIPRanges`, and `disableLocalAccounts: true`.",
    controls: [...PUBLIC, C.iaCredentials],
    equivalents: [ck("CKV_AZURE_6"), ck("CKV_AZURE_115"), ck("CKV_AZURE_141"), tv("AVD-AZU-0041")],
  },
  "kubernetes-core-service-account-enforce-workload-identity": {
    area: "least-privilege",
    description:
      "Every Kubernetes service account that a cloud identity trusts (IRSA trust policy, EKS Pod Identity association, Azure federated credential) exists with the matching identity annotation.",
    severity: "high",
    remediationSteps:
      "Annotate the service account with `eks.amazonaws.com/role-arn` (IRSA) or `azure.workload.identity/client-id` (Azure), from the cloud layer's identities.",
    controls: [C.iaCredentials, C.iaPrivilege, C.isoAuthentication, C.isoAccessRights],
    equivalents: [],
  },
  "kubernetes-core-secret-disallow-cloud-credentials": {
    area: "least-privilege",
    description:
      "No Kubernetes Secret carries static cloud credentials (AWS access keys, Azure client secrets, storage account keys), judged by key name and by content (credentials files, connection strings, service principal JSON, base64 or not).",
    severity: "critical",
    remediationSteps: "Use workload identity instead of keys; remove the credential from the Secret.",
    controls: [C.iaCredentials, C.isoAuthentication],
    equivalents: [],
  },
  // ── Kubernetes ───────────────────────────────────────────────────────────────────────────────
  "kubernetes-core-pod-disallow-privileged": {
    area: "kubernetes",
    description:
      "Workloads in every namespace (unless exempted by name) are not privileged: no privileged containers, host network/PID/IPC, hostPath volumes, host ports, privilege escalation or added capabilities beyond NET_BIND_SERVICE, and none of the other baseline Pod Security Standard escapes (SELinux types other than container_t/container_init_t/container_kvm_t/container_engine_t or a custom SELinux user/role, AppArmor Unconfined by field or annotation, sysctls outside the safe set); no PersistentVolume with a hostPath; no privileged or host-namespace settings in Helm release values (`privileged`/`allowPrivilegeEscalation`/added capabilities in any `*securityContext*`, hostNetwork/hostPID/hostIPC). Pods are found in every Kubernetes object, custom resources included (KEDA ScaledJob, JobSet, RayJob, PyTorchJob, KServe InferenceService… by the shape of their pod specs, and lone container-shaped objects such as a KServe `model` judged on what they state), and in the manifests of yaml ConfigGroups. In production, objects fetched when applied (a Sensor trigger from a URL, git or a ConfigMap, an Argo manifestFrom artifact, a ConfigFile's file) cannot be verified and are refused.",
    severity: "critical",
    remediationSteps:
      "Remove the setting; a system agent that truly needs it (e.g. a device plugin) gets a named exemption with its reason.",
    controls: POD,
    equivalents: [
      ck("CKV_K8S_16"),
      ck("CKV_K8S_17"),
      ck("CKV_K8S_18"),
      ck("CKV_K8S_19"),
      ck("CKV_K8S_20"),
      tv("KSV017"),
      tv("KSV001"),
      tv("KSV023"),
      ky("disallow-privileged-containers"),
      ky("disallow-host-namespaces"),
      ky("disallow-host-path"),
      ky("disallow-privilege-escalation"),
    ],
  },
  "kubernetes-core-namespace-enforce-pod-security-labels": {
    area: "kubernetes",
    description:
      "Every namespace carries Pod Security Admission labels (an enforce level; warn and audit at `restricted`), and namespaces that run team, pipeline or serving workloads (a namespace named `team-*` is a team's, label or not) enforce `restricted`.",
    severity: "high",
    remediationSteps:
      "Create namespaces through the platform's namespace baseline (`PlatformNamespace`), which sets `pod-security.kubernetes.io/enforce|warn|audit` and their versions.",
    controls: POD,
    equivalents: [ky("pod-security-standard-restricted")],
  },
  "kubernetes-istio-mesh-enforce-strict-mtls": {
    area: "kubernetes",
    description:
      "Traffic inside the cluster is mutually authenticated and encrypted by the Istio ambient mesh: every platform, team, pipeline and serving namespace carries `istio.io/dataplane-mode: ambient` (only `istio-system` stays out, with its reason), a mesh-wide PeerAuthentication in `istio-system` demands STRICT mTLS, no PeerAuthentication sets PERMISSIVE or DISABLE for a namespace, workload or port, and the privileged ztunnel and CNI charts are installed in `istio-system` only.",
    severity: "high",
    remediationSteps:
      "Create namespaces through the platform's namespace baseline (`PlatformNamespace`, which labels them ambient), keep the `IstioMesh` component's mesh-wide `PeerAuthentication` (`default`, STRICT) and remove any PERMISSIVE/DISABLE override; a pod that callers outside the mesh must reach gets the `ambient.istio.io/bypass-inbound-capture` annotation instead (docs/in-cluster-encryption.md).",
    controls: [...IN_TRANSIT, C.iaSegregation, C.isoSegregation, C.isoAuthentication],
    equivalents: [ky("enforce-strict-mtls")],
  },
  "kubernetes-admissionregistration-binding-enforce-guarded-namespaces": {
    area: "kubernetes",
    description:
      "The in-cluster admission policies (images, pod security, resources, service accounts; workflow identities for teams; approvals for every pipeline namespace, ml-pipelines included) exist and are bound to every pipeline, team (labelled, or named `team-*`) and serving namespace, denying in production. A policy or binding declared under a platform name keeps its teeth: failurePolicy Fail, no matchConditions or exclusions, a binding of the policy of its name that selects by name every namespace the policy guards.",
    severity: "high",
    remediationSteps:
      "Keep the `AdmissionControl` component of the platform services; a new namespace that runs team or pipeline workloads must be added to its guarded namespaces (the platform does so for teams).",
    controls: [...POD, C.iaAccessPolicy, C.isoAccessControl],
    equivalents: [ky("restrict-image-registries"), ky("pod-security-standard-restricted")],
  },
  "kubernetes-core-pod-enforce-restricted-profile": {
    area: "kubernetes",
    description:
      "Workloads in every namespace (unless exempted by name) meet Pod Security Standards `restricted`: run as non-root, drop ALL capabilities, seccomp RuntimeDefault.",
    severity: "high",
    remediationSteps:
      'Set `securityContext.runAsNonRoot: true`, `capabilities.drop: ["ALL"]` and `seccompProfile.type: RuntimeDefault` (pod or container level).',
    controls: POD,
    equivalents: [
      ck("CKV_K8S_23"),
      ck("CKV_K8S_31"),
      ck("CKV_K8S_37"),
      tv("KSV012"),
      tv("KSV003"),
      tv("KSV030"),
      ky("require-run-as-nonroot"),
      ky("restrict-seccomp-strict"),
      ky("disallow-capabilities-strict"),
    ],
  },
  "kubernetes-core-pod-enforce-resource-limits": {
    area: "kubernetes",
    description: "Every container in a platform namespace requests CPU and memory and has a memory limit.",
    severity: "medium",
    remediationSteps: "Set `resources.requests.cpu`, `resources.requests.memory` and `resources.limits.memory` on every container.",
    controls: [C.isoCapacity, C.iaConfig],
    equivalents: [
      ck("CKV_K8S_10"),
      ck("CKV_K8S_12"),
      ck("CKV_K8S_13"),
      tv("KSV015"),
      tv("KSV016"),
      tv("KSV018"),
      ky("require-requests-limits"),
    ],
  },
  "kubernetes-core-pod-enforce-allowed-registry": {
    area: "kubernetes",
    description:
      "Container images in every namespace (unless exempted by name) come from the allowed registries of the pack configuration, in every Kubernetes object that defines pods (custom resources included, found by the shape of their pod specs).",
    severity: "high",
    remediationSteps: "Mirror the image into the stack's registry (ECR/ACR) or add its registry to `allowedRegistries` after review.",
    controls: [C.iaSupplyChain, C.iaOperationalSoftware, C.isoSoftware],
    equivalents: [tv("KSV0125"), ky("restrict-image-registries")],
  },
  "kubernetes-helm-release-enforce-stack-registry": {
    area: "kubernetes",
    description:
      "Production: every image a Helm release's values set, in any shape (image objects, image strings, `global.imageRegistry`, `imageRegistry` + `imageNamespace`), comes from the stack's own registry (its ECR/ACR, whose pull-through cache serves the upstream registries).",
    severity: "high",
    remediationSteps:
      "Point the value at the stack's registry through its cache: `<registry>/<cache prefix>/<upstream path>` with the same tag or digest (`cachedImage` in contracts/image-cache.ts); add a cache rule there for a new upstream registry.",
    controls: [C.iaSupplyChain, C.iaOperationalSoftware, C.isoSoftware],
    equivalents: [tv("KSV0125"), ky("restrict-image-registries")],
  },
  "kubernetes-core-pod-enforce-stack-registry": {
    area: "kubernetes",
    description:
      "Production: every pod image the program declares comes from a registry this stack creates (its own ECR account and region, its own ACR), not any registry of the region: another account's ECR or another ACR is outside the stack's keys, scanning and retention. An image it cannot resolve is reported, not passed: unknown during preview, not an image reference, a templated registry, a manifest it cannot read or that is fetched when applied; only a template of Argo Workflows' own kinds (`{{workflow.parameters.…}}`) is left to the admission policy `mlops-images`, which judges the resolved image at submission.",
    severity: "high",
    remediationSteps:
      "Push the image to the stack's registry (or reach an upstream one through its cache, `cachedImage` in contracts/image-cache.ts) and reference it there.",
    controls: [C.iaSupplyChain, C.iaOperationalSoftware, C.isoSoftware],
    equivalents: [tv("KSV0125"), ky("restrict-image-registries")],
  },
  "kubernetes-core-pod-disallow-unpinned-image": {
    area: "kubernetes",
    description:
      "Container images are pinned to a version tag or digest: never untagged, never `latest` or a floating channel (`main`, `master`, `nightly`, `edge`, `dev`, `head`, `canary`, `stable`, `snapshot`… alone or with a variant such as `latest-gpu`; the list is FLOATING_TAGS in policies/lib/image.ts), in every Kubernetes object that defines pods, custom resources included.",
    severity: "medium",
    remediationSteps: "Reference the image by an exact tag (`:v3.6.4`) or digest (`@sha256:…`).",
    controls: [C.iaOperationalSoftware, C.iaSupplyChain, C.isoSoftware, C.isoChange],
    equivalents: [ck("CKV_K8S_14"), ck("CKV_K8S_43"), tv("KSV013"), ky("disallow-latest-tag")],
  },
  "kubernetes-core-service-disallow-public-load-balancer": {
    area: "kubernetes",
    description:
      "Nothing in the cluster is reachable from outside unless named in the pack's `publicLoadBalancers`: Services of type LoadBalancer are internal (cloud internal-LB annotation; an internet-facing annotation beside it wins), no NodePort Services, no externalIPs, and no Ingress asking for an internet-facing ALB (`alb.ingress.kubernetes.io/scheme`) or the Application Gateway's public IP.",
    severity: "high",
    remediationSteps:
      "Add the cloud's internal load balancer annotation (from the cloud layer's `internalLoadBalancerAnnotations`) or use ClusterIP behind the ingress.",
    controls: PUBLIC,
    equivalents: [],
  },
  "kubernetes-networking-network-policy-disallow-open-egress": {
    area: "kubernetes",
    description:
      "No NetworkPolicy (nor CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy) allows all egress: every egress rule names its destinations, and a destination on the internet is public addresses only (private and metadata ranges excepted), HTTPS only, in a policy that names its hosts (`mlops-platform.io/egress-hosts`) for the egress firewall's allow-list. Every peer is judged whatever stands beside it; Cilium's `world`/`all` entities are refused and its toCIDR/toCIDRSet are judged like ipBlocks.",
    severity: "high",
    remediationSteps:
      "Name the destinations of each egress rule: namespaces or pods of the cluster, private blocks, or `flows.internet(description, hosts)` for internet hosts (components/k8s/namespace.ts), and add the hosts to `network.egress.allowedHosts`.",
    controls: [...EGRESS, C.iaSegregation, C.isoSegregation],
    equivalents: [],
  },
  "kubernetes-rbac-clusterrolebinding-disallow-broad-grant": {
    area: "kubernetes",
    description:
      "ClusterRoleBindings never grant the built-in cluster-admin, admin or edit roles and never bind to everyone (all authenticated users, anonymous, every service account); RoleBindings never grant cluster-admin, never bind to everyone, and never give admin or edit to every service account of a namespace.",
    severity: "critical",
    remediationSteps:
      "Bind a platform ClusterRole with the exact rights to named groups or service accounts, or use a RoleBinding in one namespace.",
    controls: PRIVILEGE,
    equivalents: [tv("KSV111"), ky("restrict-binding-clusteradmin"), ky("restrict-binding-system-groups")],
  },
  "kubernetes-rbac-role-disallow-wildcard": {
    area: "kubernetes",
    description:
      "Roles and ClusterRoles use no wildcard in verbs, resources or API groups (nor all eight verbs listed, nor escalate/bind/impersonate), and grant no escalation spelled without one (policies/lib/rbac.ts): reading every secret or exec/attach in every pod through a ClusterRole, nodes/proxy, creating serviceaccounts/token, approving or signing certificates, writing admission policies, bindings or webhooks, or an aggregationRule that pulls in the admin/edit roles.",
    severity: "high",
    remediationSteps: "List the exact verbs, resources and API groups the subject needs.",
    controls: PRIVILEGE,
    equivalents: [
      ck("CKV_K8S_49"),
      tv("KSV044"),
      tv("KSV045"),
      tv("KSV046"),
      ky("restrict-wildcard-verbs"),
      ky("restrict-wildcard-resources"),
    ],
  },
  "kubernetes-helm-release-enforce-pinned-version": {
    area: "kubernetes",
    description: "Helm releases pin an exact chart version (no range, no empty version) and come from an HTTPS or OCI repository.",
    severity: "medium",
    remediationSteps: "Set `version` to an exact semantic version and `repositoryOpts.repo` to an https:// or oci:// URL.",
    controls: [C.iaOperationalSoftware, C.iaSupplyChain, C.isoSoftware, C.isoChange],
    equivalents: [],
  },
  // ── Data safety (production) ─────────────────────────────────────────────────────────────────
  "aws-cloudtrail-trail-enable-audit-logging": {
    area: "data-safety",
    description:
      "Production AWS stacks have a CloudTrail trail that records every management event (read and write, global services, every region); no trail is switched off or filtered by event selectors.",
    severity: "high",
    remediationSteps:
      "Keep the Audit component's trail as created: enableLogging, isMultiRegionTrail, includeGlobalServiceEvents, no excluding selectors.",
    controls: [C.iaAuditLogging, C.iaLogProtection, C.isoLogging],
    equivalents: [ck("CKV_AWS_67"), tv("AVD-AWS-0014")],
  },
  "azure-monitor-diagnostic-setting-enable-audit-logging": {
    area: "data-safety",
    description:
      "Production Azure stacks send the subscription's activity log with all eight categories to the stack's workspace, and no diagnostic setting switches a log category off.",
    severity: "high",
    remediationSteps:
      "Keep the Monitoring component's SubscriptionDiagnosticSetting with every category enabled; remove `enabled: false` entries.",
    controls: [C.iaAuditLogging, C.iaLogProtection, C.isoLogging],
    equivalents: [],
  },
  "aws-s3-bucket-configure-lifecycle-retention": {
    area: "data-safety",
    description:
      "In production, no S3 lifecycle rule deletes current objects before the log-retention minimum (or on a fixed date), nor noncurrent versions before the backup-retention minimum.",
    severity: "high",
    remediationSteps:
      "Raise expiration.days / noncurrentVersionExpiration.noncurrentDays to the minimums of policies/config/<stack>.json, or drop the rule.",
    controls: SAFETY,
    equivalents: [],
  },
  "azure-storage-account-configure-lifecycle-retention": {
    area: "data-safety",
    description:
      "In production, no storage management policy deletes blobs before the log-retention minimum or versions/snapshots before the backup-retention minimum, and Log Analytics tables keep logs at least the log-retention minimum.",
    severity: "high",
    remediationSteps:
      "Raise the management policy's delete days and the tables' retention to the minimums of policies/config/<stack>.json.",
    controls: SAFETY,
    equivalents: [],
  },
  "aws-rds-database-enable-deletion-protection": {
    area: "data-safety",
    description:
      "Production RDS instances and clusters have deletion protection, keep a final snapshot and retain backups at least the configured minimum.",
    severity: "high",
    remediationSteps: "Set `deletionProtection: true`, `skipFinalSnapshot: false` and `backupRetentionPeriod` ≥ the minimum.",
    controls: SAFETY,
    equivalents: [ck("CKV_AWS_293"), ck("CKV_AWS_133"), tv("AVD-AWS-0177")],
  },
  "aws-security-service-enforce-audit-enabled": {
    area: "data-safety",
    description:
      "In production, threat detection and configuration recording are not switched off: no disabled GuardDuty detector or feature, no stopped AWS Config recorder.",
    severity: "high",
    remediationSteps:
      "Keep GuardDuty detectors and features enabled and the Config recorder running; remove the resource that switches them off.",
    controls: SAFETY,
    equivalents: [],
  },
  "azure-security-service-enforce-audit-enabled": {
    area: "data-safety",
    description: "In production, Defender for Cloud plans stay on the Standard tier and SQL server/database auditing stays Enabled.",
    severity: "high",
    remediationSteps: 'Set Defender pricingTier "Standard" and SQL auditing state "Enabled"; remove the resource that switches them off.',
    controls: SAFETY,
    equivalents: [],
  },
  "aws-s3-bucket-enable-versioning": {
    area: "data-safety",
    description:
      "Production S3 buckets have versioning enabled: a BucketVersioning says Enabled, and no other versioning resource of the bucket (a second, Suspended one) nor its inline versioning says otherwise.",
    severity: "medium",
    remediationSteps:
      'Add `aws.s3.BucketVersioning` with `versioningConfiguration.status: "Enabled"` and a lifecycle rule for noncurrent versions.',
    controls: SAFETY,
    equivalents: [ck("CKV_AWS_21"), tv("AVD-AWS-0090")],
  },
  "pulumi-stateful-resource-enable-protect": {
    area: "data-safety",
    description:
      "In production, stateful resources (buckets, databases, tables, file systems, caches, registries, keys, vaults, storage accounts, clusters) are protected against delete and replace (`protect`).",
    severity: "high",
    remediationSteps:
      "Pass `protect: true` (and `retainOnDelete: true`) in the resource options of stateful resources when the stack protects data.",
    controls: SAFETY,
    equivalents: [],
  },
  "pulumi-stack-environment-enforce-consistency": {
    area: "data-safety",
    description:
      "Every environment a resource claims (the `mlops-platform:environment` tag, the AWS provider's default tags, the pipeline settings' PLATFORM_ENVIRONMENT, the stack output) matches the environment the stack's configuration declares, so production cannot be downgraded silently.",
    severity: "critical",
    remediationSteps:
      "Set `mlops-platform:environment` in Pulumi.<stack>.yaml and let the platform stamp it (stacks/config.ts); never hard-code an environment in a component or a tag.",
    controls: SAFETY,
    equivalents: [],
  },
  "azure-storage-account-enable-soft-delete": {
    area: "data-safety",
    description: "Production storage accounts have blob and container soft delete (at least the minimum retention) and blob versioning.",
    severity: "medium",
    remediationSteps:
      "Add `BlobServiceProperties` with `deleteRetentionPolicy`, `containerDeleteRetentionPolicy` (enabled, days ≥ minimum) and `isVersioningEnabled: true`.",
    controls: SAFETY,
    equivalents: [],
  },
  "azure-postgresql-server-enforce-backup-retention": {
    area: "data-safety",
    description: "Production PostgreSQL flexible servers retain backups at least the configured minimum.",
    severity: "medium",
    remediationSteps: "Set `backup.backupRetentionDays` ≥ the minimum (up to 35).",
    controls: SAFETY,
    equivalents: [],
  },
  "azure-keyvault-vault-enable-purge-protection": {
    area: "data-safety",
    description: "Production key vaults have soft delete and purge protection, so customer-managed keys cannot be destroyed.",
    severity: "high",
    remediationSteps: "Set `properties.enablePurgeProtection: true` and `properties.enableSoftDelete: true`.",
    controls: [...SAFETY, C.iaKeys],
    equivalents: [ck("CKV_AZURE_42"), ck("CKV_AZURE_110"), tv("AVD-AZU-0016")],
  },
  "aws-cloudwatch-log-group-configure-retention": {
    area: "data-safety",
    description: "Production CloudWatch log groups retain logs at least the configured minimum (never 0 = indefinitely unmanaged).",
    severity: "low",
    remediationSteps: "Set the workspace's `retentionInDays`, and any table's `totalRetentionInDays`, ≥ the minimum log retention.",
    controls: [C.iaAuditLogging, C.iaLogProtection, C.isoLogging],
    equivalents: [ck("CKV_AWS_66")],
  },
  "azure-operationalinsights-workspace-configure-retention": {
    area: "data-safety",
    description: "Production Log Analytics workspaces, and every table in them, retain logs at least the configured minimum.",
    severity: "low",
    remediationSteps: "Set `retentionInDays` ≥ the minimum log retention.",
    controls: [C.iaAuditLogging, C.iaLogProtection, C.isoLogging],
    equivalents: [],
  },
};

/** Metadata of `name`; throws when the rule has none (the meta-test lists every such rule). */
export function metadataOf(name: string): RuleMetadata {
  const meta = RULE_METADATA[name];
  if (!meta)
    throw new Error(`policy "${name}" has no entry in policies/metadata.ts; add its description, severity, remediation and controls`);
  return meta;
}
