/**
 * Every rule of the pack, as plain arrays: the pack (`policies/index.ts`), the offline checker
 * (`tools/lib/check.ts`) and the tests import these, never the pack itself.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { awsCloudtrailTrailEnableAuditLogging } from "./data-safety/aws-cloudtrail-trail-enable-audit-logging";
import { awsCloudwatchLogGroupConfigureRetention } from "./data-safety/aws-cloudwatch-log-group-configure-retention";
import { awsRdsDatabaseEnableDeletionProtection } from "./data-safety/aws-rds-database-enable-deletion-protection";
import { awsS3BucketConfigureLifecycleRetention } from "./data-safety/aws-s3-bucket-configure-lifecycle-retention";
import { awsS3BucketEnableVersioning } from "./data-safety/aws-s3-bucket-enable-versioning";
import { awsSecurityServiceEnforceAuditEnabled } from "./data-safety/aws-security-service-enforce-audit-enabled";
import { azureKeyvaultVaultEnablePurgeProtection } from "./data-safety/azure-keyvault-vault-enable-purge-protection";
import { azureMonitorDiagnosticSettingEnableAuditLogging } from "./data-safety/azure-monitor-diagnostic-setting-enable-audit-logging";
import { azureOperationalinsightsWorkspaceConfigureRetention } from "./data-safety/azure-operationalinsights-workspace-configure-retention";
import { azurePostgresqlServerEnforceBackupRetention } from "./data-safety/azure-postgresql-server-enforce-backup-retention";
import { azureSecurityServiceEnforceAuditEnabled } from "./data-safety/azure-security-service-enforce-audit-enabled";
import { azureStorageAccountConfigureLifecycleRetention } from "./data-safety/azure-storage-account-configure-lifecycle-retention";
import { azureStorageAccountEnableSoftDelete } from "./data-safety/azure-storage-account-enable-soft-delete";
import { pulumiStackEnvironmentEnforceConsistency } from "./data-safety/pulumi-stack-environment-enforce-consistency";
import { pulumiStatefulResourceEnableProtect } from "./data-safety/pulumi-stateful-resource-enable-protect";
import { awsCloudwatchLogGroupEnforceKmsEncryption } from "./encryption/aws-cloudwatch-log-group-enforce-kms-encryption";
import { awsEc2VolumeEnforceKmsEncryption } from "./encryption/aws-ec2-volume-enforce-kms-encryption";
import { awsEcrRepositoryEnforceKmsEncryption } from "./encryption/aws-ecr-repository-enforce-kms-encryption";
import { awsEksClusterEnforceSecretsEncryption } from "./encryption/aws-eks-cluster-enforce-secrets-encryption";
import { awsElasticacheReplicationGroupEnforceEncryption } from "./encryption/aws-elasticache-replication-group-enforce-encryption";
import { awsKmsDataStoreEnforceCmkEncryption } from "./encryption/aws-kms-data-store-enforce-cmk-encryption";
import { awsKmsKeyEnableRotation } from "./encryption/aws-kms-key-enable-rotation";
import { awsRdsDatabaseEnforceKmsEncryption } from "./encryption/aws-rds-database-enforce-kms-encryption";
import { awsRdsDatabaseEnforceTls } from "./encryption/aws-rds-database-enforce-tls";
import { awsS3BucketEnforceKmsEncryption } from "./encryption/aws-s3-bucket-enforce-kms-encryption";
import { awsS3BucketEnforceTlsOnly } from "./encryption/aws-s3-bucket-enforce-tls-only";
import { awsSqsQueueEnforceKmsEncryption } from "./encryption/aws-sqs-queue-enforce-kms-encryption";
import { azureAksClusterEnforceSecretsEncryption } from "./encryption/azure-aks-cluster-enforce-secrets-encryption";
import { azureKeyvaultDataStoreEnforceCmkEncryption } from "./encryption/azure-keyvault-data-store-enforce-cmk-encryption";
import { azureKeyvaultKeyEnableRotation } from "./encryption/azure-keyvault-key-enable-rotation";
import { azurePostgresqlServerEnforceCmkEncryption } from "./encryption/azure-postgresql-server-enforce-cmk-encryption";
import { azurePostgresqlServerEnforceTls } from "./encryption/azure-postgresql-server-enforce-tls";
import { azureRedisCacheEnforceTls } from "./encryption/azure-redis-cache-enforce-tls";
import { azureStorageAccountEnforceCmkEncryption } from "./encryption/azure-storage-account-enforce-cmk-encryption";
import { azureStorageAccountEnforceTls } from "./encryption/azure-storage-account-enforce-tls";
import { kubernetesAdmissionregistrationBindingEnforceGuardedNamespaces } from "./kubernetes/kubernetes-admissionregistration-binding-enforce-guarded-namespaces";
import { kubernetesCoreNamespaceEnforcePodSecurityLabels } from "./kubernetes/kubernetes-core-namespace-enforce-pod-security-labels";
import { kubernetesCorePodDisallowPrivileged } from "./kubernetes/kubernetes-core-pod-disallow-privileged";
import { kubernetesCorePodDisallowUnpinnedImage } from "./kubernetes/kubernetes-core-pod-disallow-unpinned-image";
import { kubernetesCorePodEnforceAllowedRegistry } from "./kubernetes/kubernetes-core-pod-enforce-allowed-registry";
import { kubernetesCorePodEnforceResourceLimits } from "./kubernetes/kubernetes-core-pod-enforce-resource-limits";
import { kubernetesCorePodEnforceRestrictedProfile } from "./kubernetes/kubernetes-core-pod-enforce-restricted-profile";
import { kubernetesCorePodEnforceStackRegistry } from "./kubernetes/kubernetes-core-pod-enforce-stack-registry";
import { kubernetesCoreServiceDisallowPublicLoadBalancer } from "./kubernetes/kubernetes-core-service-disallow-public-load-balancer";
import { kubernetesHelmReleaseEnforcePinnedVersion } from "./kubernetes/kubernetes-helm-release-enforce-pinned-version";
import { kubernetesHelmReleaseEnforceStackRegistry } from "./kubernetes/kubernetes-helm-release-enforce-stack-registry";
import { kubernetesIstioMeshEnforceStrictMtls } from "./kubernetes/kubernetes-istio-mesh-enforce-strict-mtls";
import { kubernetesNetworkingNetworkPolicyDisallowOpenEgress } from "./kubernetes/kubernetes-networking-network-policy-disallow-open-egress";
import { kubernetesRbacClusterrolebindingDisallowBroadGrant } from "./kubernetes/kubernetes-rbac-clusterrolebinding-disallow-broad-grant";
import { kubernetesRbacRoleDisallowWildcard } from "./kubernetes/kubernetes-rbac-role-disallow-wildcard";
import { awsDataServiceDisallowPublicAccess } from "./least-privilege/aws-data-service-disallow-public-access";
import { awsDataServiceEnforcePrivateNetwork } from "./least-privilege/aws-data-service-enforce-private-network";
import { awsEc2LaunchTemplateEnforceImdsv2 } from "./least-privilege/aws-ec2-launch-template-enforce-imdsv2";
import { awsEc2SecurityGroupDisallowPublicIngress } from "./least-privilege/aws-ec2-security-group-disallow-public-ingress";
import { awsEcsTaskDefinitionDisallowPrivileged } from "./least-privilege/aws-ecs-task-definition-disallow-privileged";
import { awsEksClusterDisallowPublicEndpoint } from "./least-privilege/aws-eks-cluster-disallow-public-endpoint";
import { awsIamPolicyDisallowWildcardAction } from "./least-privilege/aws-iam-policy-disallow-wildcard-action";
import { awsIamPolicyDisallowWildcardResource } from "./least-privilege/aws-iam-policy-disallow-wildcard-resource";
import { awsIamResourcePolicyDisallowExternalPrincipal } from "./least-privilege/aws-iam-resource-policy-disallow-external-principal";
import { awsIamRoleDisallowAdminPolicy } from "./least-privilege/aws-iam-role-disallow-admin-policy";
import { awsIamRoleEnforceScopedTrust } from "./least-privilege/aws-iam-role-enforce-scoped-trust";
import { awsIamUserDisallowAccessKey } from "./least-privilege/aws-iam-user-disallow-access-key";
import { awsRdsDatabaseDisallowPublicAccess } from "./least-privilege/aws-rds-database-disallow-public-access";
import { awsS3BucketDisallowPublicAccess } from "./least-privilege/aws-s3-bucket-disallow-public-access";
import { azureAksClusterDisallowPublicEndpoint } from "./least-privilege/azure-aks-cluster-disallow-public-endpoint";
import { azureAuthorizationRoleAssignmentDisallowPrivilegedSubscriptionScope } from "./least-privilege/azure-authorization-role-assignment-disallow-privileged-subscription-scope";
import { azureAuthorizationRoleAssignmentEnforceAksClusterScope } from "./least-privilege/azure-authorization-role-assignment-enforce-aks-cluster-scope";
import { azureContainerregistryRegistryDisallowPublicAccess } from "./least-privilege/azure-containerregistry-registry-disallow-public-access";
import { azureDataServiceDisallowPublicAccess } from "./least-privilege/azure-data-service-disallow-public-access";
import { azureDataServiceEnforcePrivateEndpoint } from "./least-privilege/azure-data-service-enforce-private-endpoint";
import { azureKeyvaultVaultDisallowPublicAccess } from "./least-privilege/azure-keyvault-vault-disallow-public-access";
import { azureNetworkSecurityGroupDisallowPublicIngress } from "./least-privilege/azure-network-security-group-disallow-public-ingress";
import { azurePostgresqlServerDisallowPublicAccess } from "./least-privilege/azure-postgresql-server-disallow-public-access";
import { azureRedisCacheDisallowPublicAccess } from "./least-privilege/azure-redis-cache-disallow-public-access";
import { azureStorageAccountDisallowPublicAccess } from "./least-privilege/azure-storage-account-disallow-public-access";
import { kubernetesCoreSecretDisallowCloudCredentials } from "./least-privilege/kubernetes-core-secret-disallow-cloud-credentials";
import { kubernetesCoreServiceAccountEnforceWorkloadIdentity } from "./least-privilege/kubernetes-core-service-account-enforce-workload-identity";
import { awsCloudtrailTrailEnforceLocalDestination } from "./residency/aws-cloudtrail-trail-enforce-local-destination";
import { awsEc2RouteEnforceFirewallEgress } from "./residency/aws-ec2-route-enforce-firewall-egress";
import { awsEc2VpcPeeringDisallowCrossRegion } from "./residency/aws-ec2-vpc-peering-disallow-cross-region";
import { awsEcrRegistryDisallowExternalReplication } from "./residency/aws-ecr-registry-disallow-external-replication";
import { awsExternalEndpointEnforceLocalDestination } from "./residency/aws-external-endpoint-enforce-local-destination";
import { awsKmsKeyDisallowMultiRegion } from "./residency/aws-kms-key-disallow-multi-region";
import { awsNetworkfirewallFirewallEnforceAllowlistLogging } from "./residency/aws-networkfirewall-firewall-enforce-allowlist-logging";
import { awsProviderRegionEnforceAllowlist } from "./residency/aws-provider-region-enforce-allowlist";
import { awsRdsDatabaseDisallowCrossRegionReplication } from "./residency/aws-rds-database-disallow-cross-region-replication";
import { awsResourceRegionEnforceAllowlist } from "./residency/aws-resource-region-enforce-allowlist";
import { awsS3BucketDisallowExternalReplication } from "./residency/aws-s3-bucket-disallow-external-replication";
import { awsS3BucketEnforceLocalDestination } from "./residency/aws-s3-bucket-enforce-local-destination";
import { azureAuthorizationPolicyAssignmentEnforceAllowedLocations } from "./residency/azure-authorization-policy-assignment-enforce-allowed-locations";
import { azureEventgridSubscriptionEnforceLocalDestination } from "./residency/azure-eventgrid-subscription-enforce-local-destination";
import { azureGeoReplicationEnforceStackPartner } from "./residency/azure-geo-replication-enforce-stack-partner";
import { azureMonitorDiagnosticSettingEnforceLocalDestination } from "./residency/azure-monitor-diagnostic-setting-enforce-local-destination";
import { azureNetworkFirewallEnforceAllowlistLogging } from "./residency/azure-network-firewall-enforce-allowlist-logging";
import { azureNetworkSubnetEnforceFirewallEgress } from "./residency/azure-network-subnet-enforce-firewall-egress";
import { azurePostgresqlServerDisallowGeoBackup } from "./residency/azure-postgresql-server-disallow-geo-backup";
import { azureProviderLocationEnforceAllowlist } from "./residency/azure-provider-location-enforce-allowlist";
import { azureResourceLocationEnforceAllowlist } from "./residency/azure-resource-location-enforce-allowlist";
import { azureStorageAccountDisallowGeoReplication } from "./residency/azure-storage-account-disallow-geo-replication";
import { kubernetesProviderClusterEnforceStackCluster } from "./residency/kubernetes-provider-cluster-enforce-stack-cluster";
import { pulumiProviderPackageEnforceAllowlist } from "./residency/pulumi-provider-package-enforce-allowlist";

/** Rules that look at one resource at a time. */
export const resourcePolicies: ResourceValidationPolicy[] = [
  awsCloudwatchLogGroupConfigureRetention,
  awsRdsDatabaseEnableDeletionProtection,
  azureKeyvaultVaultEnablePurgeProtection,
  azureOperationalinsightsWorkspaceConfigureRetention,
  azurePostgresqlServerEnforceBackupRetention,
  pulumiStatefulResourceEnableProtect,
  awsCloudwatchLogGroupEnforceKmsEncryption,
  awsEc2VolumeEnforceKmsEncryption,
  awsEcrRepositoryEnforceKmsEncryption,
  awsEksClusterEnforceSecretsEncryption,
  awsElasticacheReplicationGroupEnforceEncryption,
  awsKmsKeyEnableRotation,
  awsRdsDatabaseEnforceKmsEncryption,
  awsRdsDatabaseEnforceTls,
  awsSqsQueueEnforceKmsEncryption,
  azureAksClusterEnforceSecretsEncryption,
  azureKeyvaultKeyEnableRotation,
  azurePostgresqlServerEnforceCmkEncryption,
  azurePostgresqlServerEnforceTls,
  azureRedisCacheEnforceTls,
  azureStorageAccountEnforceCmkEncryption,
  azureStorageAccountEnforceTls,
  kubernetesCorePodDisallowPrivileged,
  kubernetesCorePodDisallowUnpinnedImage,
  kubernetesCorePodEnforceAllowedRegistry,
  kubernetesCorePodEnforceResourceLimits,
  kubernetesCorePodEnforceRestrictedProfile,
  kubernetesCoreServiceDisallowPublicLoadBalancer,
  kubernetesHelmReleaseEnforcePinnedVersion,
  kubernetesRbacRoleDisallowWildcard,
  kubernetesNetworkingNetworkPolicyDisallowOpenEgress,
  kubernetesCoreNamespaceEnforcePodSecurityLabels,
  kubernetesRbacClusterrolebindingDisallowBroadGrant,
  awsEc2LaunchTemplateEnforceImdsv2,
  azureKeyvaultVaultDisallowPublicAccess,
  awsIamRoleEnforceScopedTrust,
  awsEc2SecurityGroupDisallowPublicIngress,
  awsEksClusterDisallowPublicEndpoint,
  awsIamPolicyDisallowWildcardAction,
  awsIamPolicyDisallowWildcardResource,
  awsIamRoleDisallowAdminPolicy,
  awsIamUserDisallowAccessKey,
  awsRdsDatabaseDisallowPublicAccess,
  azureAksClusterDisallowPublicEndpoint,
  azureAuthorizationRoleAssignmentDisallowPrivilegedSubscriptionScope,
  azureAuthorizationRoleAssignmentEnforceAksClusterScope,
  azureContainerregistryRegistryDisallowPublicAccess,
  azureNetworkSecurityGroupDisallowPublicIngress,
  azurePostgresqlServerDisallowPublicAccess,
  azureRedisCacheDisallowPublicAccess,
  azureStorageAccountDisallowPublicAccess,
  kubernetesCoreSecretDisallowCloudCredentials,
  awsEc2VpcPeeringDisallowCrossRegion,
  awsKmsKeyDisallowMultiRegion,
  awsProviderRegionEnforceAllowlist,
  awsRdsDatabaseDisallowCrossRegionReplication,
  awsResourceRegionEnforceAllowlist,
  azurePostgresqlServerDisallowGeoBackup,
  azureProviderLocationEnforceAllowlist,
  azureResourceLocationEnforceAllowlist,
  azureStorageAccountDisallowGeoReplication,
  pulumiProviderPackageEnforceAllowlist,
  awsS3BucketConfigureLifecycleRetention,
  azureStorageAccountConfigureLifecycleRetention,
  awsKmsDataStoreEnforceCmkEncryption,
  azureKeyvaultDataStoreEnforceCmkEncryption,
  awsExternalEndpointEnforceLocalDestination,
  azureEventgridSubscriptionEnforceLocalDestination,
  awsDataServiceDisallowPublicAccess,
  azureDataServiceDisallowPublicAccess,
  awsSecurityServiceEnforceAuditEnabled,
  azureSecurityServiceEnforceAuditEnabled,
  awsEcsTaskDefinitionDisallowPrivileged,
];

/** Rules that need several resources at once. */
export const stackPolicies: StackValidationPolicy[] = [
  kubernetesHelmReleaseEnforceStackRegistry,
  kubernetesCorePodEnforceStackRegistry,
  awsS3BucketEnableVersioning,
  pulumiStackEnvironmentEnforceConsistency,
  azureStorageAccountEnableSoftDelete,
  awsS3BucketEnforceKmsEncryption,
  awsS3BucketEnforceTlsOnly,
  awsS3BucketDisallowPublicAccess,
  awsIamResourcePolicyDisallowExternalPrincipal,
  kubernetesCoreServiceAccountEnforceWorkloadIdentity,
  kubernetesAdmissionregistrationBindingEnforceGuardedNamespaces,
  kubernetesIstioMeshEnforceStrictMtls,
  awsCloudtrailTrailEnforceLocalDestination,
  awsS3BucketDisallowExternalReplication,
  azureMonitorDiagnosticSettingEnforceLocalDestination,
  awsEc2RouteEnforceFirewallEgress,
  awsNetworkfirewallFirewallEnforceAllowlistLogging,
  azureNetworkSubnetEnforceFirewallEgress,
  azureNetworkFirewallEnforceAllowlistLogging,
  kubernetesProviderClusterEnforceStackCluster,
  azureAuthorizationPolicyAssignmentEnforceAllowedLocations,
  awsCloudtrailTrailEnableAuditLogging,
  azureMonitorDiagnosticSettingEnableAuditLogging,
  awsDataServiceEnforcePrivateNetwork,
  azureDataServiceEnforcePrivateEndpoint,
  awsEcrRegistryDisallowExternalReplication,
  awsS3BucketEnforceLocalDestination,
  azureGeoReplicationEnforceStackPartner,
];

/** Every rule. */
export const allPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [...resourcePolicies, ...stackPolicies];
