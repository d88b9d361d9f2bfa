/**
 * Assertions that hold for the Azure cloud layer of every Azure stack, whatever its profile:
 * UAE-pinned provider and explicit locations, and the security settings of issue 4. Each stack's
 * test file (its own process) calls {@link describeAzureLayerBaseline}.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { BUILTIN_POLICIES, BUILTIN_ROLES, FORBIDDEN_ROLE_IDS } from "../../components/azure/roles";
import type { PlanResource, PlanResult } from "../../tools/lib/harness";
import { isSecret, UNKNOWN } from "../../tools/lib/values";
import type { PlanName } from "../support/plan-requests";
import { planned } from "../support/shipped-plan";
import { byUrn, input, named, ofType, providerOf, typeTakesLocation, under } from "./azure-plan-checks";

const GLOBAL_TYPES = ["azure-native:privatedns:PrivateZone", "azure-native:privatedns:VirtualNetworkLink"];

/** Role GUID at the end of a role definition id. */
export function roleOf(r: PlanResource): string {
  return String(r.inputs.roleDefinitionId).split("/").pop() ?? "";
}

/** Registers the profile-independent checks and hands the plan to `more`. */
export function describeAzureLayerBaseline(stack: string, region: string, more: (plan: () => PlanResult) => void): void {
  describe(`Azure cloud layer of ${stack}`, () => {
    let plan: PlanResult;
    beforeAll(() => {
      plan = planned(`azure-layer/${stack}` as PlanName);
    });

    it("sends every Azure resource through the one provider pinned to the UAE location, random and Kubernetes through theirs", () => {
      const providers = ofType(plan, "pulumi:providers:azure-native");
      expect(providers).toHaveLength(1);
      expect(providers[0]?.inputs.location).toBe(region);
      let checked = 0;
      for (const r of plan.resources) {
        if (!r.custom || r.type.startsWith("pulumi:providers:")) continue;
        const provider = providerOf(plan, r);
        expect(provider, `${r.urn} has no provider`).toBeDefined();
        const pkg = r.type.split(":")[0];
        expect(provider?.type, r.urn).toBe(`pulumi:providers:${pkg}`);
        if (pkg === "azure-native") checked++;
        if (pkg === "kubernetes") expect(under(plan, provider as PlanResource, "mlops-platform:azure:Cluster"), r.urn).toBe(true);
      }
      expect(checked).toBeGreaterThan(120);
    });

    it("gives every resource that takes a location an explicit UAE location (private DNS: global, the only value Azure accepts)", () => {
      let withLocation = 0;
      for (const r of plan.resources) {
        if (!r.custom || !r.type.startsWith("azure-native:")) continue;
        if (!typeTakesLocation(r.type)) {
          expect(r.inputs.location, r.urn).toBeUndefined();
          continue;
        }
        withLocation++;
        expect(r.inputs.location, `${r.urn} inherits its location`).toBe(GLOBAL_TYPES.includes(r.type) ? "global" : region);
      }
      expect(withLocation).toBeGreaterThan(40);
      // Sanity of the type scan: these take a location, these do not.
      expect(typeTakesLocation("azure-native:storage:StorageAccount")).toBe(true);
      expect(typeTakesLocation("azure-native:network:Subnet")).toBe(false);
    });

    it("keeps the Key Vault private, RBAC-only, purge-protected and soft-deleting, with rotating HSM keys", () => {
      const vault = named(plan, "azure-native:keyvault:Vault", "azure-keys-vault");
      expect(vault.inputs.properties).toMatchObject({
        enableRbacAuthorization: true,
        enablePurgeProtection: true,
        enableSoftDelete: true,
        softDeleteRetentionInDays: 90,
        publicNetworkAccess: "Disabled",
        networkAcls: { defaultAction: "Deny", bypass: "AzureServices" },
        sku: { name: "premium" },
      });
      const keys = ofType(plan, "azure-native:keyvault:Key");
      expect(keys.map((k) => k.inputs.keyName).sort()).toEqual(["disks-cmk", "kms-cmk", "postgres-cmk", "registry-cmk", "storage-cmk"]);
      for (const k of keys) {
        expect(input(k, "properties.kty"), k.name).toBe("RSA-HSM");
        expect(input(k, "properties.keySize"), k.name).toBe(3072);
        const actions = input(k, "properties.rotationPolicy.lifetimeActions") as {
          action: { type: string };
          trigger: Record<string, string>;
        }[];
        expect(actions.find((a) => a.action.type === "rotate")?.trigger.timeAfterCreate, k.name).toMatch(/^P\d+D$/);
      }
      const des = named(plan, "azure-native:compute:DiskEncryptionSet", "azure-keys-des");
      expect(des.inputs).toMatchObject({
        encryptionType: "EncryptionAtRestWithCustomerKey",
        rotationToLatestKeyVersionEnabled: true,
        identity: { type: "UserAssigned" },
      });
    });

    it("encrypts storage with the CMK, refuses public, anonymous and shared-key access, keeps versions and soft-deleted blobs, replicates in-region only", () => {
      const account = named(plan, "azure-native:storage:StorageAccount", "azure-storage-account");
      expect(account.inputs).toMatchObject({
        enableHttpsTrafficOnly: true,
        minimumTlsVersion: "TLS1_2",
        allowBlobPublicAccess: false,
        allowSharedKeyAccess: false,
        defaultToOAuthAuthentication: true,
        allowCrossTenantReplication: false,
        networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices", ipRules: [], virtualNetworkRules: [] },
        encryption: {
          keySource: "Microsoft.Keyvault",
          requireInfrastructureEncryption: true,
          keyVaultProperties: { keyName: "storage-cmk" },
        },
      });
      expect(String(input(account, "sku.name"))).toMatch(/^Standard_(LRS|ZRS)$/);
      const blob = named(plan, "azure-native:storage:BlobServiceProperties", "azure-storage-blob-service");
      expect(blob.inputs).toMatchObject({
        isVersioningEnabled: true,
        deleteRetentionPolicy: { enabled: true },
        containerDeleteRetentionPolicy: { enabled: true },
      });
      const containers = ofType(plan, "azure-native:storage:BlobContainer");
      expect(containers.map((c) => c.inputs.containerName).sort()).toEqual(["artifacts", "datasets", "features", "logs"]);
      for (const c of containers) expect(c.inputs.publicAccess, c.name).toBe("None");
      // The account is created only after its identity may use the key.
      const grant = named(plan, "azure-native:authorization:RoleAssignment", "azure-keys-storage-cmk-grant");
      expect(account.dependencies).toContain(grant.urn);
      expect(roleOf(grant)).toBe(BUILTIN_ROLES.keyVaultCryptoServiceEncryptionUser);
    });

    it("runs ACR Premium with a CMK, no admin user, no public access, no export and content trust", () => {
      const registry = named(plan, "azure-native:containerregistry:Registry", "azure-registry-registry");
      expect(registry.inputs).toMatchObject({
        sku: { name: "Premium" },
        adminUserEnabled: false,
        anonymousPullEnabled: false,
        publicNetworkAccess: "Disabled",
        encryption: { status: "enabled" },
        policies: { exportPolicy: { status: "disabled" }, trustPolicy: { status: "enabled" } },
      });
    });

    it("runs PostgreSQL privately with a CMK, enforced TLS, Entra authentication, in-region backups and the three databases", () => {
      const server = named(plan, "azure-native:dbforpostgresql:Server", "azure-postgres-server");
      expect(server.inputs).toMatchObject({
        network: { publicNetworkAccess: "Disabled" },
        dataEncryption: { type: "AzureKeyVault" },
        authConfig: { activeDirectoryAuth: "Enabled" },
        backup: { geoRedundantBackup: "Disabled" },
      });
      expect(String(input(server, "network.delegatedSubnetResourceId"))).toMatch(/\/subnets\/database$/);
      expect(server.additionalSecretOutputs).toContain("administratorLoginPassword");
      const tls = named(plan, "azure-native:dbforpostgresql:Configuration", "azure-postgres-require-secure-transport");
      expect(tls.inputs).toMatchObject({ configurationName: "require_secure_transport", value: "on" });
      const min = named(plan, "azure-native:dbforpostgresql:Configuration", "azure-postgres-ssl-min-protocol-version");
      expect(min.inputs.value).toBe("TLSv1.2");
      expect(
        ofType(plan, "azure-native:dbforpostgresql:Database")
          .map((d) => d.inputs.databaseName)
          .sort(),
      ).toEqual(["argo", "feast", "mlflow"]);
      const zone = named(plan, "azure-native:privatedns:PrivateZone", "azure-postgres-zone");
      expect(String(zone.inputs.privateZoneName)).toMatch(/\.private\.postgres\.database\.azure\.com$/);
      // The admin password lands in Key Vault, and leaves the layer only as a secret.
      const secret = named(plan, "azure-native:keyvault:Secret", "azure-postgres-admin-password-secret");
      expect(secret.inputs.vaultName).toBe(named(plan, "azure-native:keyvault:Vault", "azure-keys-vault").inputs.vaultName);
      expect(secret.inputs.secretName).toBe("postgres-admin-password");
      for (const db of ["mlflow", "feast", "argo"]) {
        const out = (plan.outputs.databases as Record<string, Record<string, unknown>>)[db];
        expect(isSecret(out?.password), db).toBe(true);
        expect(out?.sslMode).toBe("require");
        expect(out?.database).toBe(db);
      }
    });

    it("serves Redis over TLS only, privately, with Entra auth", () => {
      const redis = named(plan, "azure-native:redis:Redis", "azure-redis-redis");
      expect(redis.inputs).toMatchObject({
        enableNonSslPort: false,
        minimumTlsVersion: "1.2",
        publicNetworkAccess: "Disabled",
        redisConfiguration: { aadEnabled: "true" },
      });
      expect(isSecret((plan.outputs.cache as Record<string, unknown>).password)).toBe(true);
      expect((plan.outputs.cache as Record<string, unknown>).tls).toBe(true);
    });

    it("reaches Storage, Key Vault, ACR and Redis only through private endpoints registered in private DNS", () => {
      const endpoints = ofType(plan, "azure-native:network:PrivateEndpoint");
      // An existing data lake's endpoints wait for its owner's approval (test/stacks/azure-datalake.test.ts).
      const lakes = endpoints.filter((e) => e.name.startsWith("azure-lake-"));
      const own = endpoints.filter((e) => !lakes.includes(e));
      const groups = own.map((e) => (input(e, "privateLinkServiceConnections") as { groupIds: string[] }[])[0]?.groupIds[0]).sort();
      expect(groups).toEqual(["blob", "dfs", "queue", "redisCache", "registry", "vault"]);
      for (const e of lakes) expect(input(e, "manualPrivateLinkServiceConnections"), e.name).toBeDefined();
      for (const e of endpoints) expect(String(input(e, "subnet.id")), e.name).toMatch(/\/subnets\/endpoints$/);
      expect(ofType(plan, "azure-native:network:PrivateDnsZoneGroup")).toHaveLength(6 + lakes.length);
      const zones = ofType(plan, "azure-native:privatedns:PrivateZone").map((z) => z.inputs.privateZoneName);
      expect(zones).toEqual(
        expect.arrayContaining([
          "privatelink.blob.core.windows.net",
          "privatelink.vaultcore.azure.net",
          "privatelink.azurecr.io",
          "privatelink.redis.cache.windows.net",
        ]),
      );
      expect(ofType(plan, "azure-native:privatedns:VirtualNetworkLink")).toHaveLength(zones.length);
    });

    it("builds the VNet with deny-by-default NSGs, no implicit outbound access and egress for nodes only, through the firewall", () => {
      const all = ofType(plan, "azure-native:network:Subnet");
      const firewallSubnets = all.filter((s) => String(s.inputs.subnetName).startsWith("AzureFirewall"));
      const subnets = all.filter((s) => !firewallSubnets.includes(s));
      expect(subnets.map((s) => s.inputs.subnetName).sort()).toEqual(["database", "endpoints", "system", "user"]);
      expect(firewallSubnets.map((s) => s.inputs.subnetName)).toContain("AzureFirewallSubnet");
      for (const s of subnets) {
        expect(s.inputs.defaultOutboundAccess, s.name).toBe(false);
        expect(input(s, "networkSecurityGroup.id"), s.name).toBeDefined();
        const nodes = ["system", "user"].includes(String(s.inputs.subnetName));
        expect(input(s, "routeTable.id") !== undefined, s.name).toBe(nodes);
        expect(input(s, "natGateway.id"), s.name).toBeUndefined();
      }
      expect(input(subnets.find((s) => s.inputs.subnetName === "database") as PlanResource, "delegations")).toEqual([
        { name: "postgres-flexible-server", serviceName: "Microsoft.DBforPostgreSQL/flexibleServers" },
      ]);
      for (const nsg of ofType(plan, "azure-native:network:NetworkSecurityGroup")) {
        const rules = nsg.inputs.securityRules as {
          name: string;
          access: string;
          priority: number;
          direction: string;
          sourceAddressPrefix?: string;
        }[];
        for (const direction of ["Inbound", "Outbound"]) {
          const last = rules.filter((r) => r.direction === direction).sort((a, b) => b.priority - a.priority)[0];
          expect(last, `${nsg.name} ${direction}`).toMatchObject({ access: "Deny", priority: 4096, sourceAddressPrefix: "*" });
        }
        // Nothing is opened to the internet inbound.
        expect(
          rules.filter((r) => r.direction === "Inbound" && r.access === "Allow" && ["*", "Internet"].includes(r.sourceAddressPrefix ?? "")),
        ).toEqual([]);
      }
      expect(ofType(plan, "azure-native:network:NatGateway")).toHaveLength(0);
      expect(ofType(plan, "azure-native:network:AzureFirewall")).toHaveLength(1);
    });

    it("makes AKS private, Entra-only with Azure RBAC, workload identity, network policy, auto-upgrades, policy add-on, Defender, KMS and CMK disks", () => {
      const aks = named(plan, "azure-native:containerservice:ManagedCluster", "azure-cluster-aks");
      expect(aks.inputs).toMatchObject({
        disableLocalAccounts: true,
        enableRBAC: true,
        publicNetworkAccess: "Disabled",
        aadProfile: { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: ["00000000-0000-0000-0000-0000000000a1"] },
        apiServerAccessProfile: { enablePrivateCluster: true, enablePrivateClusterPublicFQDN: false, disableRunCommand: true },
        oidcIssuerProfile: { enabled: true },
        addonProfiles: { azurepolicy: { enabled: true } },
        autoUpgradeProfile: { upgradeChannel: "patch", nodeOSUpgradeChannel: "NodeImage" },
        networkProfile: { networkPolicy: "cilium", networkPluginMode: "overlay", outboundType: "userDefinedRouting" },
        identity: { type: "UserAssigned" },
        kubernetesVersion: "1.33",
      });
      expect(String(aks.inputs.diskEncryptionSetID)).toContain("/diskEncryptionSets/");
      // Workload identity, Defender and KMS are known in a preview; only the KMS key version,
      // created in the same run, is not.
      expect(aks.inputs.securityProfile).toMatchObject({
        workloadIdentity: { enabled: true },
        azureKeyVaultKms: { enabled: true, keyId: UNKNOWN, keyVaultNetworkAccess: "Private" },
        defender: { securityMonitoring: { enabled: true } },
      });
      expect(input(aks, "securityProfile.azureKeyVaultKms.keyVaultResourceId")).toContain("/providers/Microsoft.KeyVault/vaults/");
      const sys = (aks.inputs.agentPoolProfiles as Record<string, unknown>[])[0];
      expect(sys).toMatchObject({
        mode: "System",
        enableEncryptionAtHost: true,
        enableNodePublicIP: false,
        nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"],
      });
      // Grants needed by the control plane exist before the cluster, each on one resource.
      const cp = ofType(plan, "azure-native:authorization:RoleAssignment").filter((r) => r.name.startsWith("azure-cluster-control-plane-"));
      expect(cp.map(roleOf).sort()).toEqual(
        [
          BUILTIN_ROLES.networkContributor,
          BUILTIN_ROLES.networkContributor,
          BUILTIN_ROLES.keyVaultCryptoUser,
          BUILTIN_ROLES.keyVaultContributor,
          BUILTIN_ROLES.reader,
        ].sort(),
      );
      for (const g of cp) expect(aks.dependencies, g.name).toContain(g.urn);
      const diag = named(plan, "azure-native:monitor:DiagnosticSetting", "azure-cluster-aks-diagnostics");
      expect(diag.inputs.resourceUri).toBe(aks.outputs.id ?? aks.id);
      const categories = (diag.inputs.logs as { category: string }[]).map((l) => l.category);
      expect(categories).toEqual(expect.arrayContaining(["kube-audit-admin", "guard"]));
    });

    it("creates the Kubernetes provider from a kubelogin kubeconfig and installs the CMK-encrypted default StorageClass", () => {
      const k8s = ofType(plan, "pulumi:providers:kubernetes");
      expect(k8s).toHaveLength(1);
      expect(under(plan, k8s[0] as PlanResource, "mlops-platform:azure:Cluster")).toBe(true);
      expect(isSecret(plan.outputs.kubeconfig)).toBe(true);
      const sc = named(plan, "kubernetes:storage.k8s.io/v1:StorageClass", "azure-cluster-encrypted-storage-class");
      expect(sc.inputs).toMatchObject({
        provisioner: "disk.csi.azure.com",
        metadata: { name: "managed-csi-cmk", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
        parameters: { diskEncryptionType: "EncryptionAtRestWithCustomerKey", networkAccessPolicy: "DenyAll" },
        volumeBindingMode: "WaitForFirstConsumer",
      });
      expect(String(input(sc, "parameters.diskEncryptionSetID"))).toContain("/diskEncryptionSets/");
      expect(plan.outputs.storageClassName).toBe("managed-csi-cmk");
    });

    it("runs GPU pools tainted, labelled, scaling from zero, spot with an on-demand fallback, all with host encryption", () => {
      const pools = ofType(plan, "azure-native:containerservice:AgentPool");
      for (const p of pools) {
        expect(p.inputs).toMatchObject({
          enableEncryptionAtHost: true,
          enableNodePublicIP: false,
          enableAutoScaling: true,
          mode: "User",
          osDiskType: "Managed",
        });
      }
      const gpu = pools.filter((p) => String(p.inputs.vmSize).startsWith("Standard_N"));
      expect(gpu.length).toBeGreaterThanOrEqual(2);
      for (const p of gpu) {
        expect(p.inputs.nodeTaints, p.name).toContain("nvidia.com/gpu=present:NoSchedule");
        expect(input(p, "nodeLabels")).toMatchObject({ "nvidia.com/gpu.present": "true" });
        expect(p.inputs.minCount, p.name).toBe(0);
      }
      const spot = gpu.filter((p) => p.inputs.scaleSetPriority === "Spot");
      expect(spot.length).toBeGreaterThan(0);
      for (const p of spot) {
        expect(p.inputs).toMatchObject({ scaleSetEvictionPolicy: "Delete", spotMaxPrice: -1 });
        expect(p.inputs.nodeTaints, p.name).toContain("kubernetes.azure.com/scalesetpriority=spot:NoSchedule");
      }
      // The platform services learn the toleration the AKS spot taint needs.
      expect(plan.outputs.spotTolerations).toEqual([
        { key: "kubernetes.azure.com/scalesetpriority", operator: "Exists", effect: "NoSchedule" },
      ]);
      // AKS installs the NVIDIA driver (the platform services only add the device plugin).
      for (const p of gpu) expect(input(p, "gpuProfile.driver"), p.name).toBe("Install");
      expect(gpu.some((p) => p.inputs.scaleSetPriority === "Regular")).toBe(true);
      const cpu = pools.filter((p) => !String(p.inputs.vmSize).startsWith("Standard_N"));
      for (const p of cpu) expect(JSON.stringify(p.inputs.nodeTaints ?? []), p.name).not.toContain("nvidia.com/gpu");
      // Cluster autoscaler prefers spot GPU pools, then on-demand ones.
      const expander = named(plan, "kubernetes:core/v1:ConfigMap", "azure-node-pools-autoscaler-priority");
      expect(input(expander, "metadata")).toMatchObject({ name: "cluster-autoscaler-priority-expander", namespace: "kube-system" });
      expect(input(named(plan, "azure-native:containerservice:ManagedCluster", "azure-cluster-aks"), "autoScalerProfile.expander")).toBe(
        "priority",
      );
      // Platform services wait for every pool.
      const ready = plan.outputs.readyDependencies as string[];
      for (const p of pools) expect(ready).toContain(p.urn);
    });

    it("sends every service's logs to the in-region workspace and exports the activity log", () => {
      const workspace = named(plan, "azure-native:operationalinsights:Workspace", "azure-monitoring-workspace");
      const wsId = workspace.outputs.id ?? workspace.id;
      const settings = ofType(plan, "azure-native:monitor:DiagnosticSetting");
      for (const s of settings) expect(s.inputs.workspaceId, s.name).toBe(wsId);
      const covered = new Set(settings.map((s) => String(s.inputs.resourceUri)));
      const audited = [
        "azure-native:keyvault:Vault",
        "azure-native:containerregistry:Registry",
        "azure-native:dbforpostgresql:Server",
        "azure-native:redis:Redis",
        "azure-native:containerservice:ManagedCluster",
        "azure-native:network:NetworkSecurityGroup",
        "azure-native:eventgrid:SystemTopic",
        "azure-native:storage:StorageAccount",
      ];
      for (const type of audited) {
        for (const r of ofType(plan, type))
          expect(covered.has(String(r.outputs.id ?? r.id)), `${r.name} has no diagnostic setting`).toBe(true);
      }
      const account = named(plan, "azure-native:storage:StorageAccount", "azure-storage-account");
      expect(covered.has(`${account.outputs.id ?? account.id}/blobServices/default`)).toBe(true);
      const activity = ofType(plan, "azure-native:monitor:SubscriptionDiagnosticSetting");
      expect(activity).toHaveLength(1);
      expect(((activity[0]?.inputs.logs ?? []) as { category: string }[]).map((l) => l.category)).toEqual(
        expect.arrayContaining(["Administrative", "Security", "Policy"]),
      );
      expect(activity[0]?.inputs.workspaceId).toBe(wsId);
      expect(input(workspace, "features.disableLocalAuth")).toBe(true);
    });

    it("binds each workload identity to its service accounts through the AKS OIDC issuer", () => {
      const creds = ofType(plan, "azure-native:managedidentity:FederatedIdentityCredential");
      expect(creds.length).toBeGreaterThanOrEqual(9);
      for (const c of creds) {
        expect(c.inputs.audiences).toEqual(["api://AzureADTokenExchange"]);
        expect(String(c.inputs.subject)).toMatch(/^system:serviceaccount:[a-z0-9-]+:[a-z0-9-]+$/);
        expect(c.inputs.issuer).toBe(UNKNOWN); // the cluster's issuer URL, known after creation
      }
      expect(creds.map((c) => c.inputs.subject)).toEqual(
        expect.arrayContaining([
          "system:serviceaccount:mlflow:mlflow",
          "system:serviceaccount:argo-events:argo-events-sa",
          "system:serviceaccount:ml-pipelines:pipeline-train",
        ]),
      );
      const ids = plan.outputs.identities as Record<string, { annotations: Record<string, string>; podLabels: Record<string, string> }>;
      for (const key of ["mlflow", "argo-workflows", "argo-events", "feast", "serving", "pipelines", "team-fraud"]) {
        expect(ids[key]?.annotations["azure.workload.identity/client-id"], key).toMatch(/^[0-9a-f-]{36}$/);
        expect(ids[key]?.podLabels).toEqual({ "azure.workload.identity/use": "true" });
      }
    });

    it("grants only narrow built-in roles on exact resources: containers with path conditions, registry, queue, key", () => {
      const assignments = ofType(plan, "azure-native:authorization:RoleAssignment");
      for (const a of assignments) {
        expect(FORBIDDEN_ROLE_IDS as readonly string[], a.name).not.toContain(roleOf(a));
        expect(Object.values(BUILTIN_ROLES) as string[], a.name).toContain(roleOf(a));
        const scope = String(a.inputs.scope);
        // Never a subscription or resource group.
        expect(scope, a.name).toMatch(/\/providers\/Microsoft\.[A-Za-z]+\/.+/);
        // Managed identities; people's Entra groups only for the AKS user-credential role (test/plan/people.test.ts).
        expect(a.inputs.principalType, a.name).toBe(roleOf(a) === BUILTIN_ROLES.aksClusterUser ? "Group" : "ServicePrincipal");
      }
      const mlflow = assignments.filter((a) => a.name.startsWith("azure-workload-identity-mlflow-"));
      expect(mlflow).toHaveLength(1);
      expect(roleOf(mlflow[0] as PlanResource)).toBe(BUILTIN_ROLES.storageBlobDataContributor);
      expect(String(mlflow[0]?.inputs.scope)).toMatch(/\/blobServices\/default\/containers\/artifacts$/);
      expect(mlflow[0]?.inputs.conditionVersion).toBe("2.0");
      expect(String(mlflow[0]?.inputs.condition)).toContain("StringStartsWith 'mlflow/'");
      const serving = assignments.filter((a) => a.name.startsWith("azure-workload-identity-serving-"));
      expect(serving.map(roleOf).sort()).toEqual(
        [BUILTIN_ROLES.acrPull, BUILTIN_ROLES.storageBlobDataReader, BUILTIN_ROLES.storageBlobDataContributor].sort(),
      );
      // The model servers write only their served-data capture.
      const servingWrite = serving.filter((a) => roleOf(a) === BUILTIN_ROLES.storageBlobDataContributor);
      expect(servingWrite.map((a) => /StringStartsWith 'capture\/'/.test(String(a.inputs.condition)))).toEqual([true]);
      const events = assignments.filter((a) => a.name.startsWith("azure-workload-identity-argo-events-"));
      expect(events.map(roleOf)).toEqual([BUILTIN_ROLES.storageQueueDataMessageProcessor]);
      expect(String(events[0]?.inputs.scope)).toMatch(/\/queueServices\/default\/queues\/data-events$/);
      // Bucket grants always carry a path condition.
      for (const a of assignments.filter((x) => /containers\/[a-z]+$/.test(String(x.inputs.scope)))) {
        expect(String(a.inputs.condition), a.name).toContain(
          "@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringStartsWith",
        );
      }
    });

    it("assigns the built-in location policies restricted to the UAE, at the platform's groups and the subscription", () => {
      const assignments = ofType(plan, "azure-native:authorization:PolicyAssignment");
      const locations = assignments.filter((a) => a.inputs.policyDefinitionId === BUILTIN_POLICIES.allowedLocations);
      expect(locations.map((a) => String(a.inputs.scope).split("/").pop()).sort()).toEqual([
        `rg-mlops-${stack}-core`,
        `rg-mlops-${stack}-data`,
      ]);
      const rg = assignments.filter((a) => a.inputs.policyDefinitionId === BUILTIN_POLICIES.allowedResourceGroupLocations);
      expect(rg).toHaveLength(1);
      expect(rg[0]?.inputs.scope).toBe("/subscriptions/00000000-0000-0000-0000-000000000000");
      for (const a of assignments) {
        expect(input(a, "parameters.listOfAllowedLocations.value"), a.name).toEqual(["uaenorth", "uaecentral"]);
        expect(a.inputs.enforcementMode, a.name).toBe("Default");
      }
    });

    it("routes new blobs of the datasets container to the data-event queue with a managed identity", () => {
      const topic = named(plan, "azure-native:eventgrid:SystemTopic", "azure-data-events-topic");
      const account = named(plan, "azure-native:storage:StorageAccount", "azure-storage-account");
      expect(topic.inputs.source).toBe(account.outputs.id ?? account.id);
      expect(topic.inputs.topicType).toBe("Microsoft.Storage.StorageAccounts");
      const sub = named(plan, "azure-native:eventgrid:SystemTopicEventSubscription", "azure-data-events-new-blobs");
      expect(sub.inputs.filter).toMatchObject({
        includedEventTypes: ["Microsoft.Storage.BlobCreated"],
        subjectBeginsWith: "/blobServices/default/containers/datasets/blobs/",
        // Debounced: only the batch marker raises an event, never each blob.
        subjectEndsWith: "/_SUCCESS",
      });
      expect(input(sub, "deliveryWithResourceIdentity.destination")).toMatchObject({
        endpointType: "StorageQueue",
        queueName: "data-events",
      });
      // Behind the storage firewall only the topic's system identity is accepted.
      expect(input(sub, "deliveryWithResourceIdentity.identity")).toEqual({ type: "SystemAssigned" });
      expect(topic.inputs.identity).toEqual({ type: "SystemAssigned" });
      const sender = named(plan, "azure-native:authorization:RoleAssignment", "azure-data-events-delivery-grant");
      expect(roleOf(sender)).toBe(BUILTIN_ROLES.storageQueueDataMessageSender);
      expect(sub.dependencies).toContain(sender.urn);
      expect(plan.outputs.dataEvents).toMatchObject({ kind: "azure-storage-queue", queueName: "data-events" });
    });

    it("hands the platform services the contract: internal load balancers, abfss buckets, registry repositories", () => {
      expect(plan.outputs.internalLoadBalancerAnnotations).toMatchObject({
        "service.beta.kubernetes.io/azure-load-balancer-internal": "true",
      });
      const buckets = plan.outputs.buckets as Record<string, { uri: string; endpoint: string }>;
      for (const purpose of ["artifacts", "datasets", "features", "logs"]) {
        expect(buckets[purpose]?.uri, purpose).toMatch(new RegExp(`^abfss://${purpose}@.+\\.dfs\\.core\\.windows\\.net$`));
        expect(buckets[purpose]?.endpoint, purpose).toMatch(/\.blob\.core\.windows\.net$/);
      }
      expect(Object.keys(plan.outputs.repositoryUrls as object).sort()).toEqual(["pipelines", "serving", "steps"]);
      expect(byUrn(plan, plan.resources[0]?.urn ?? "")).toBeDefined();
    });

    more(() => plan);
  });
}
