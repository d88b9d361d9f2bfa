/**
 * Test cases of every rule: a compliant set of resources, one change per violation, and what
 * an unknown value does (a residency rule reports it; other rules are stopped by the proxy
 * with the CLI's advisory "can't run policy during preview").
 */
import { NON_PUBLIC_CIDRS } from "../../contracts/egress";
import type { Spec } from "./fixture";
import { FIXTURE_CLUSTER_HOST, UNKNOWN } from "./fixture";

/** One change that must produce a violation. */
export interface ViolationCase {
  readonly why: string;
  /** Resource to change (defaults to the case's target). */
  readonly target?: string;
  readonly path?: readonly (string | number)[];
  readonly value?: unknown;
  /** Provider inputs to use instead of the UAE-pinned ones. */
  readonly provider?: Partial<Record<"aws" | "azure", Record<string, unknown>>>;
  /** Resources to add. */
  readonly add?: readonly Spec[];
  /** Set `protect: false` on the target. */
  readonly unprotect?: boolean;
  /** Substring the violation message must contain. */
  readonly expect?: string;
}

/** How an unknown value behaves. */
export interface UnknownCase {
  readonly target?: string;
  readonly path?: readonly (string | number)[];
  readonly provider?: Partial<Record<"aws" | "azure", Record<string, unknown>>>;
  /**
   * `none`: the rule reads no value there, or accepts an unknown one: a key id/ARN that is unknown
   * during a preview is a key wired from another resource (created in the same run), so it is set.
   */
  readonly expect: "mandatory" | "advisory" | "none";
}

/** The cases of one rule. */
export interface RuleCase {
  readonly specs: readonly Spec[];
  readonly target: string;
  readonly violations: readonly ViolationCase[];
  readonly unknown: UnknownCase;
}

const KEY_ARN = "arn:aws:kms:me-central-1:123456789012:key/11111111-2222-3333-4444-555555555555";
const AZ_KEY = "https://kv.vault.azure.net/keys/k/0123";

const s = (type: string, name: string, inputs: Record<string, unknown>, extra: Partial<Spec> = {}): Spec => ({
  type,
  name,
  inputs,
  ...extra,
});

const tlsPolicy = (bucket: string) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  });

/** A compliant bucket with its separate settings resources. */
export const BUCKET: readonly Spec[] = [
  s("aws:s3/bucket:Bucket", "data", { bucket: "data-bkt", arn: "arn:aws:s3:::data-bkt" }, { protect: true }),
  s("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "data-sse", {
    bucket: "data-bkt",
    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN }, bucketKeyEnabled: true }],
  }),
  s("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "data-pab", {
    bucket: "data-bkt",
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  }),
  s("aws:s3/bucketVersioning:BucketVersioning", "data-versioning", { bucket: "data-bkt", versioningConfiguration: { status: "Enabled" } }),
  s("aws:s3/bucketPolicy:BucketPolicy", "data-policy", { bucket: "data-bkt", policy: tlsPolicy("data-bkt") }),
];

const iamPolicy = (statements: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const SCOPED = iamPolicy([{ Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: "arn:aws:s3:::data-bkt/mlflow/*" }]);

const container = {
  name: "app",
  // Production: from the stack's private registry (the pull-through cache path of quay.io).
  image: "123456789012.dkr.ecr.me-central-1.amazonaws.com/quay/argoproj/argocli:v3.6.4",
  resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
  securityContext: {
    allowPrivilegeEscalation: false,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  },
};
const deployment = s("kubernetes:apps/v1:Deployment", "app", {
  metadata: { name: "app", namespace: "mlflow" },
  spec: {
    template: { spec: { securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } }, containers: [container] } },
  },
});
const C0 = ["spec", "template", "spec", "containers", 0];
/** A pod spec in a custom resource the pack has no schema for (found by shape). */
const crdPod = (type: string, name: string, spec: Record<string, unknown>, c: Record<string, unknown> = {}) =>
  s(type, name, {
    metadata: { name, namespace: "team-fraud" },
    spec: {
      replicatedJobs: [
        {
          name: "w",
          template: {
            spec: {
              template: {
                spec: {
                  securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
                  containers: [{ ...container, ...c }],
                  ...spec,
                },
              },
            },
          },
        },
      ],
    },
  });
const JOBSET = "kubernetes:jobset.x-k8s.io/v1alpha2:JobSet";

const storage = s(
  "azure-native:storage:StorageAccount",
  "sa",
  {
    accountName: "mlopssa",
    location: "uaenorth",
    sku: { name: "Standard_ZRS" },
    enableHttpsTrafficOnly: true,
    minimumTlsVersion: "TLS1_2",
    allowBlobPublicAccess: false,
    allowSharedKeyAccess: false,
    publicNetworkAccess: "Disabled",
    encryption: {
      keySource: "Microsoft.Keyvault",
      keyVaultProperties: { keyName: "k", keyVaultUri: "https://kv.vault.azure.net" },
      requireInfrastructureEncryption: true,
    },
  },
  { protect: true },
);
const pg = s(
  "azure-native:dbforpostgresql:Server",
  "pg",
  {
    location: "uaenorth",
    backup: { geoRedundantBackup: "Disabled", backupRetentionDays: 35 },
    dataEncryption: { type: "AzureKeyVault", primaryKeyURI: AZ_KEY },
    network: { publicNetworkAccess: "Disabled" },
  },
  { protect: true },
);
const aks = s(
  "azure-native:containerservice:ManagedCluster",
  "aks",
  {
    location: "uaenorth",
    apiServerAccessProfile: { enablePrivateCluster: true },
    disableLocalAccounts: true,
    diskEncryptionSetID: "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Compute/diskEncryptionSets/des",
    securityProfile: { azureKeyVaultKms: { enabled: true, keyId: AZ_KEY } },
  },
  { protect: true },
);
const eks = s(
  "aws:eks/cluster:Cluster",
  "eks",
  {
    encryptionConfig: { provider: { keyArn: KEY_ARN }, resources: ["secrets"] },
    vpcConfig: { endpointPrivateAccess: true, endpointPublicAccess: false },
  },
  { protect: true },
);
const rds = s(
  "aws:rds/instance:Instance",
  "db",
  {
    engine: "postgres",
    storageEncrypted: true,
    kmsKeyId: KEY_ARN,
    parameterGroupName: "db-params",
    publiclyAccessible: false,
    deletionProtection: true,
    skipFinalSnapshot: false,
    backupRetentionPeriod: 35,
  },
  { protect: true },
);

/** Non-public IPv4 blocks an internet egress rule excepts: the platform's own list. */
const NON_PUBLIC = NON_PUBLIC_CIDRS;
const FW_ARN = "arn:aws:network-firewall:me-central-1:123456789012:firewall/fw";
const FW_POLICY_ARN = "arn:aws:network-firewall:me-central-1:123456789012:firewall-policy/fw";
const FW_GROUP_ARN = "arn:aws:network-firewall:me-central-1:123456789012:stateful-rulegroup/fw";
/** A node subnet routed through a Network Firewall endpoint, the firewall subnet routed to NAT. */
const AWS_EGRESS: Spec[] = [
  s("aws:eks/nodeGroup:NodeGroup", "ng", { clusterName: "c", subnetIds: ["subnet-node"] }),
  s("aws:networkfirewall/ruleGroup:RuleGroup", "fw-group", {
    arn: FW_GROUP_ARN,
    type: "STATEFUL",
    capacity: 100,
    ruleGroup: {
      statefulRuleOptions: { ruleOrder: "STRICT_ORDER" },
      rulesSource: {
        rulesSourceList: { generatedRulesType: "ALLOWLIST", targetTypes: ["TLS_SNI", "HTTP_HOST"], targets: ["sso.example.ae"] },
      },
    },
  }),
  s("aws:networkfirewall/firewallPolicy:FirewallPolicy", "fw-policy", {
    arn: FW_POLICY_ARN,
    firewallPolicy: {
      statelessDefaultActions: ["aws:forward_to_sfe"],
      statelessFragmentDefaultActions: ["aws:forward_to_sfe"],
      statefulEngineOptions: { ruleOrder: "STRICT_ORDER" },
      statefulDefaultActions: ["aws:drop_established", "aws:alert_established"],
      statefulRuleGroupReferences: [{ resourceArn: FW_GROUP_ARN, priority: 100 }],
    },
  }),
  s("aws:networkfirewall/firewall:Firewall", "fw", {
    arn: FW_ARN,
    vpcId: "vpc-1",
    firewallPolicyArn: FW_POLICY_ARN,
    subnetMappings: [{ subnetId: "subnet-fw" }],
    firewallStatuses: [
      { syncStates: [{ availabilityZone: "me-central-1a", attachments: [{ subnetId: "subnet-fw", endpointId: "vpce-fw" }] }] },
    ],
  }),
  s("aws:networkfirewall/loggingConfiguration:LoggingConfiguration", "fw-logging", {
    firewallArn: FW_ARN,
    loggingConfiguration: {
      logDestinationConfigs: [
        { logType: "ALERT", logDestinationType: "CloudWatchLogs", logDestination: { logGroup: "/fw/alert" } },
        { logType: "FLOW", logDestinationType: "CloudWatchLogs", logDestination: { logGroup: "/fw/flow" } },
      ],
    },
  }),
  s("aws:ec2/natGateway:NatGateway", "nat", { subnetId: "subnet-public", allocationId: "eipalloc-1" }),
  s("aws:ec2/routeTableAssociation:RouteTableAssociation", "node-assoc", { subnetId: "subnet-node", routeTableId: "rtb-node" }),
  s("aws:ec2/routeTableAssociation:RouteTableAssociation", "fw-assoc", { subnetId: "subnet-fw", routeTableId: "rtb-fw" }),
  s("aws:ec2/route:Route", "node-default", { routeTableId: "rtb-node", destinationCidrBlock: "0.0.0.0/0", vpcEndpointId: "vpce-fw" }),
  s("aws:ec2/route:Route", "node-local", { routeTableId: "rtb-node", destinationCidrBlock: "10.50.0.0/16", transitGatewayId: "tgw-1" }),
  s("aws:ec2/route:Route", "fw-default", { routeTableId: "rtb-fw", destinationCidrBlock: "0.0.0.0/0", natGatewayId: "nat-1" }),
];
const AZ_SUB = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network";
/** AKS node subnet routed to an Azure Firewall whose policy allows named hosts, logging to the workspace. */
const AZURE_EGRESS: Spec[] = [
  s("azure-native:network:Subnet", "fw-subnet", {
    id: `${AZ_SUB}/virtualNetworks/v/subnets/AzureFirewallSubnet`,
    subnetName: "AzureFirewallSubnet",
    addressPrefix: "10.40.80.0/22",
  }),
  s("azure-native:network:FirewallPolicy", "fw-policy", { id: `${AZ_SUB}/firewallPolicies/p`, name: "p", sku: { tier: "Basic" } }),
  s("azure-native:network:FirewallPolicyRuleCollectionGroup", "fw-rules", {
    firewallPolicyName: "p",
    ruleCollections: [
      {
        ruleCollectionType: "FirewallPolicyFilterRuleCollection",
        name: "allow",
        priority: 100,
        action: { type: "Allow" },
        rules: [
          {
            ruleType: "ApplicationRule",
            name: "allow-list",
            sourceAddresses: ["10.40.0.0/18"],
            protocols: [{ protocolType: "Https", port: 443 }],
            targetFqdns: ["mcr.microsoft.com", "*.data.mcr.microsoft.com"],
          },
        ],
      },
    ],
  }),
  s("azure-native:network:AzureFirewall", "fw", {
    id: `${AZ_SUB}/azureFirewalls/fw`,
    sku: { name: "AZFW_VNet", tier: "Basic" },
    firewallPolicy: { id: `${AZ_SUB}/firewallPolicies/p` },
    ipConfigurations: [{ name: "egress", subnet: { id: `${AZ_SUB}/virtualNetworks/v/subnets/AzureFirewallSubnet` } }],
  }),
  s("azure-native:monitor:DiagnosticSetting", "fw-diag", {
    resourceUri: `${AZ_SUB}/azureFirewalls/fw`,
    workspaceId: "/subscriptions/0/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law",
    logs: [{ categoryGroup: "allLogs", enabled: true }],
  }),
  s("azure-native:network:RouteTable", "rt", {
    id: `${AZ_SUB}/routeTables/rt`,
    disableBgpRoutePropagation: true,
    routes: [
      { name: "internet-through-firewall", addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.40.80.4" },
      { name: "corp", addressPrefix: "172.16.0.0/12", nextHopType: "VirtualNetworkGateway" },
    ],
  }),
  s("azure-native:network:Subnet", "user", {
    id: `${AZ_SUB}/virtualNetworks/v/subnets/user`,
    subnetName: "user",
    addressPrefix: "10.40.128.0/17",
    routeTable: { id: `${AZ_SUB}/routeTables/rt` },
  }),
  s("azure-native:containerservice:ManagedCluster", "aks", {
    networkProfile: { outboundType: "userDefinedRouting" },
    agentPoolProfiles: [{ name: "system", vnetSubnetID: `${AZ_SUB}/virtualNetworks/v/subnets/user` }],
  }),
];

/** Cases by rule name. */
export const CASES: Readonly<Record<string, RuleCase>> = {
  // ── Egress through the firewall ──
  "aws-ec2-route-enforce-firewall-egress": {
    specs: AWS_EGRESS,
    target: "node-default",
    violations: [
      { why: "node subnet straight to NAT", path: ["natGatewayId"], value: "nat-1", expect: "not a firewall subnet" },
      { why: "an endpoint that is not the firewall's", path: ["vpcEndpointId"], value: "vpce-s3", expect: "not an endpoint" },
      { why: "node subnet to the internet gateway", path: ["gatewayId"], value: "igw-1", expect: "around the egress firewall" },
      {
        why: "half the internet to the internet gateway (written as /1)",
        add: [s("aws:ec2/route:Route", "sneaky", { routeTableId: "rtb-node", destinationCidrBlock: "128.0.0.0/1", gatewayId: "igw-1" })],
        expect: "128.0.0.0/1",
      },
      {
        why: "inline route of a route table to NAT",
        add: [
          s("aws:ec2/routeTable:RouteTable", "rtb-extra", { id: "rtb-node", routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: "nat-1" }] }),
        ],
        expect: "routes[0]",
      },
      { why: "a NAT route without any firewall", target: "fw", path: ["subnetMappings"], value: [], expect: "not a firewall subnet" },
    ],
    unknown: { path: ["vpcEndpointId"], expect: "mandatory" },
  },
  "aws-networkfirewall-firewall-enforce-allowlist-logging": {
    specs: AWS_EGRESS,
    target: "fw-policy",
    violations: [
      { why: "default pass", path: ["firewallPolicy", "statefulDefaultActions"], value: ["aws:alert_established"], expect: "do not drop" },
      {
        why: "action order",
        path: ["firewallPolicy", "statefulEngineOptions", "ruleOrder"],
        value: "DEFAULT_ACTION_ORDER",
        expect: "STRICT_ORDER",
      },
      { why: "stateless pass", path: ["firewallPolicy", "statelessDefaultActions"], value: ["aws:pass"], expect: "passes traffic" },
      {
        why: "deny list",
        target: "fw-group",
        path: ["ruleGroup", "rulesSource", "rulesSourceList", "generatedRulesType"],
        value: "DENYLIST",
        expect: "DENYLIST",
      },
      {
        why: "allow everything",
        target: "fw-group",
        path: ["ruleGroup", "rulesSource", "rulesSourceList", "targets"],
        value: ["*"],
        expect: "ALLOWLIST",
      },
      {
        why: "no FLOW log",
        target: "fw-logging",
        path: ["loggingConfiguration", "logDestinationConfigs", 1, "logType"],
        value: "ALERT",
        expect: "FLOW",
      },
      {
        why: "logging of another firewall",
        target: "fw-logging",
        path: ["firewallArn"],
        value: "arn:aws:network-firewall:me-central-1:123456789012:firewall/other",
        expect: "ALERT",
      },
      {
        why: "NAT without a firewall",
        target: "fw",
        path: ["firewallPolicyArn"],
        value: "arn:aws:network-firewall:me-central-1:123456789012:firewall-policy/other",
        expect: "not a FirewallPolicy",
      },
    ],
    unknown: { target: "fw-policy", path: ["firewallPolicy", "statefulDefaultActions"], expect: "advisory" },
  },
  "azure-network-subnet-enforce-firewall-egress": {
    specs: AZURE_EGRESS,
    target: "user",
    violations: [
      { why: "NAT gateway on a node subnet", path: ["natGateway"], value: { id: "/x/natGateways/nat" }, expect: "NAT gateway" },
      { why: "no route table", path: ["routeTable"], value: undefined, expect: "no route table" },
      { why: "default route to the Internet", target: "rt", path: ["routes", 0, "nextHopType"], value: "Internet", expect: "0.0.0.0/0" },
      {
        why: "next hop outside the firewall subnet",
        target: "rt",
        path: ["routes", 0, "nextHopIpAddress"],
        value: "10.40.0.4",
        expect: "0.0.0.0/0",
      },
      {
        why: "a more specific public route around the firewall",
        target: "rt",
        path: ["routes", 1],
        value: { name: "x", addressPrefix: "8.8.8.0/24", nextHopType: "Internet" },
        expect: "8.8.8.0/24",
      },
      {
        why: "service-tag route around the firewall",
        target: "rt",
        path: ["routes", 1],
        value: { name: "x", addressPrefix: "AzureCloud", nextHopType: "Internet" },
        expect: "AzureCloud",
      },
      {
        why: "load-balancer outbound",
        target: "aks",
        path: ["networkProfile", "outboundType"],
        value: "loadBalancer",
        expect: "userDefinedRouting",
      },
    ],
    unknown: { target: "aks", path: ["networkProfile", "outboundType"], expect: "none" },
  },
  "azure-network-firewall-enforce-allowlist-logging": {
    specs: AZURE_EGRESS,
    target: "fw-rules",
    violations: [
      { why: "every host", path: ["ruleCollections", 0, "rules", 0, "targetFqdns"], value: ["*"], expect: "every host" },
      { why: "web categories", path: ["ruleCollections", 0, "rules", 0, "webCategories"], value: ["Business"], expect: "every host" },
      {
        why: "network rule to any address",
        path: ["ruleCollections", 0, "rules", 1],
        value: { ruleType: "NetworkRule", name: "any", destinationAddresses: ["*"], destinationPorts: ["*"], ipProtocols: ["Any"] },
        expect: "every destination",
      },
      { why: "no allow rule", path: ["ruleCollections", 0, "action", "type"], value: "Deny", expect: "no allow rule" },
      { why: "no diagnostics", target: "fw-diag", path: ["resourceUri"], value: "/other", expect: "Log Analytics" },
      { why: "no firewall at all", target: "fw", path: ["firewallPolicy", "id"], value: "/other", expect: "no firewall policy" },
    ],
    unknown: { path: ["ruleCollections"], expect: "advisory" },
  },
  "kubernetes-networking-network-policy-disallow-open-egress": {
    specs: [
      s("kubernetes:networking.k8s.io/v1:NetworkPolicy", "np", {
        metadata: { name: "allow-internet", namespace: "ml-pipelines", annotations: { "mlops-platform.io/egress-hosts": "pypi.org" } },
        spec: {
          podSelector: {},
          policyTypes: ["Egress"],
          egress: [
            { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: NON_PUBLIC } }], ports: [{ port: 443, protocol: "TCP" }] },
            { to: [{ ipBlock: { cidr: "10.40.0.0/16" } }, { namespaceSelector: {} }], ports: [{ port: 5432, protocol: "TCP" }] },
          ],
        },
      }),
    ],
    target: "np",
    violations: [
      { why: "no 'to'", path: ["spec", "egress", 1, "to"], value: undefined, expect: "every destination" },
      { why: "0.0.0.0/0", path: ["spec", "egress", 0, "to", 0, "ipBlock"], value: { cidr: "0.0.0.0/0" }, expect: "public and private" },
      {
        why: "metadata endpoint not excepted",
        path: ["spec", "egress", 0, "to", 0, "ipBlock", "except"],
        value: NON_PUBLIC.filter((c) => c !== "169.254.0.0/16"),
        expect: "public and private",
      },
      {
        why: "a public /1 (half the internet)",
        path: ["spec", "egress", 1, "to", 0, "ipBlock"],
        value: { cidr: "128.0.0.0/1" },
        expect: "128.0.0.0/1",
      },
      { why: "every port", path: ["spec", "egress", 0, "ports"], value: undefined, expect: "every port" },
      { why: "SSH", path: ["spec", "egress", 0, "ports", 0, "port"], value: 22, expect: "HTTPS" },
      { why: "hosts not named", path: ["metadata", "annotations"], value: {}, expect: "without naming its hosts" },
      { why: "empty peer", path: ["spec", "egress", 1, "to", 1], value: {}, expect: "is empty" },
      {
        why: "namespaceSelector {} before an internet block on every port",
        path: ["spec", "egress", 1, "to"],
        value: [{ namespaceSelector: {} }, { ipBlock: { cidr: "0.0.0.0/0" } }],
        expect: "public and private",
      },
      {
        why: "CiliumNetworkPolicy toEntities world",
        add: [
          s("kubernetes:cilium.io/v2:CiliumNetworkPolicy", "cnp", {
            metadata: { name: "cnp", namespace: "team-fraud" },
            spec: { endpointSelector: {}, egress: [{ toEntities: ["world"] }] },
          }),
        ],
        expect: "toEntities",
      },
      {
        why: "CiliumClusterwideNetworkPolicy toCIDR of the internet on every port",
        add: [
          s("kubernetes:cilium.io/v2:CiliumClusterwideNetworkPolicy", "ccnp", {
            metadata: { name: "ccnp" },
            spec: { endpointSelector: {}, egress: [{ toCIDR: ["0.0.0.0/1", "128.0.0.0/1"] }] },
          }),
        ],
        expect: "every port",
      },
    ],
    unknown: { path: ["spec", "egress", 0, "to", 0, "ipBlock", "cidr"], expect: "advisory" },
  },
  // ── Residency ──
  "pulumi-provider-package-enforce-allowlist": {
    specs: [s("random:index/randomPassword:RandomPassword", "pw", { length: 32 })],
    target: "pw",
    violations: [
      {
        why: "a GCP bucket",
        add: [s("gcp:storage/bucket:Bucket", "gcs", { location: "me-central2" }, { provider: "none" })],
        expect: "gcp",
      },
      {
        why: "a Cloudflare R2 bucket",
        add: [s("cloudflare:index/r2Bucket:R2Bucket", "r2", { name: "b" }, { provider: "none" })],
        expect: "cloudflare",
      },
      { why: "a provider of another package", add: [s("pulumi:providers:datadog", "dd", {}, { provider: "none" })], expect: "datadog" },
    ],
    unknown: { path: ["length"], expect: "none" },
  },
  "kubernetes-provider-cluster-enforce-stack-cluster": {
    specs: [
      s("aws:eks/cluster:Cluster", "cluster", { endpoint: `https://${FIXTURE_CLUSTER_HOST}` }),
      s(
        "pulumi:providers:kubernetes",
        "stack-k8s",
        { kubeconfig: `apiVersion: v1\nclusters:\n- name: eks\n  cluster:\n    server: https://${FIXTURE_CLUSTER_HOST}\n` },
        { provider: "none" },
      ),
      s(
        "kubernetes:core/v1:ConfigMap",
        "settings",
        { metadata: { name: "settings", namespace: "mlflow" }, data: {} },
        { providerSpec: "stack-k8s" },
      ),
    ],
    target: "stack-k8s",
    violations: [
      { why: "no kubeconfig (ambient)", path: ["kubeconfig"], value: "", expect: "ambient" },
      {
        why: "a foreign cluster (YAML)",
        path: ["kubeconfig"],
        value: "apiVersion: v1\nclusters:\n- name: x\n  cluster:\n    server: https://other.gr7.eu-west-1.eks.amazonaws.com\n",
        expect: "not the API endpoint",
      },
      {
        why: "a foreign cluster (object) next to a stack one",
        path: ["kubeconfig"],
        value: {
          clusters: [
            { name: "a", cluster: { server: `https://${FIXTURE_CLUSTER_HOST}` } },
            { name: "b", cluster: { server: "https://10.0.0.1:6443" } },
          ],
        },
        expect: "not the API endpoint",
      },
    ],
    unknown: { path: ["kubeconfig"], expect: "mandatory" },
  },
  "azure-authorization-policy-assignment-enforce-allowed-locations": {
    specs: [
      s("azure-native:resources:ResourceGroup", "rg", { resourceGroupName: "rg-data", location: "uaenorth" }),
      s("azure-native:authorization:PolicyAssignment", "locations", {
        policyDefinitionId: "/providers/Microsoft.Authorization/policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c",
        policyAssignmentName: "uae-locations",
        scope: "/subscriptions/00000000-0000-0000-0000-000000000000",
        enforcementMode: "Default",
        parameters: { listOfAllowedLocations: { value: ["uaenorth", "uaecentral"] } },
      }),
    ],
    target: "locations",
    violations: [
      { why: "audit only", path: ["enforcementMode"], value: "DoNotEnforce", expect: "DoNotEnforce" },
      {
        why: "a location outside the UAE",
        path: ["parameters", "listOfAllowedLocations", "value"],
        value: ["uaenorth", "West Europe"],
        expect: "West Europe",
      },
      {
        why: "a carve-out",
        path: ["notScopes"],
        value: ["/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-data"],
        expect: "notScopes",
      },
      {
        why: "assigned to another resource group only",
        path: ["scope"],
        value: "/subscriptions/0/resourceGroups/rg-other",
        target: "locations",
        expect: "not covered",
      },
      {
        why: "an exemption",
        add: [
          s("azure-native:authorization:PolicyExemption", "exempt", {
            policyAssignmentId: "/subscriptions/0/providers/Microsoft.Authorization/policyAssignments/uae-locations",
            exemptionCategory: "Waiver",
          }),
        ],
        expect: "exemption",
      },
      {
        why: "an exemption against an assignment outside the stack (the tenant's allowed-locations)",
        add: [
          s("azure-native:authorization:PolicyExemption", "exempt2", {
            policyAssignmentId: "/subscriptions/0/providers/Microsoft.Authorization/policyAssignments/allowed-locations/",
            exemptionCategory: "Waiver",
          }),
        ],
        target: "exempt2",
        expect: "not a policy assignment of this stack",
      },
    ],
    unknown: { path: ["enforcementMode"], expect: "mandatory" },
  },
  "aws-cloudtrail-trail-enable-audit-logging": {
    specs: [
      s("aws:cloudtrail/trail:Trail", "trail", {
        enableLogging: true,
        isMultiRegionTrail: true,
        includeGlobalServiceEvents: true,
        s3BucketName: "audit",
      }),
    ],
    target: "trail",
    violations: [
      { why: "logging off", path: ["enableLogging"], value: false, expect: "switched off" },
      { why: "one region", path: ["isMultiRegionTrail"], value: false, expect: "one region" },
      {
        why: "write-only selector",
        path: ["eventSelectors"],
        value: [{ readWriteType: "WriteOnly", includeManagementEvents: true }],
        expect: "WriteOnly",
      },
      {
        why: "management events excluded",
        path: ["eventSelectors"],
        value: { includeManagementEvents: false },
        expect: "excludes management",
      },
    ],
    unknown: { path: ["enableLogging"], expect: "advisory" },
  },
  "azure-monitor-diagnostic-setting-enable-audit-logging": {
    specs: [
      s("azure-native:resources:ResourceGroup", "rg", { resourceGroupName: "rg-data", location: "uaenorth" }),
      s("azure-native:monitor:SubscriptionDiagnosticSetting", "activity", {
        workspaceId: "/subscriptions/0/resourceGroups/rg-data/providers/Microsoft.OperationalInsights/workspaces/w",
        logs: ["Administrative", "Security", "ServiceHealth", "Alert", "Recommendation", "Policy", "Autoscale", "ResourceHealth"].map(
          (category) => ({ category, enabled: true }),
        ),
      }),
    ],
    target: "activity",
    violations: [
      { why: "a category switched off", path: ["logs", 1, "enabled"], value: false, expect: "switched off" },
      { why: "a category left out", path: ["logs"], value: [{ category: "Administrative", enabled: true }], expect: "leaves out" },
      {
        why: "a single object with one category",
        path: ["logs"],
        value: { categoryGroup: "allLogs", enabled: "false" },
        expect: "switched off",
      },
    ],
    unknown: { path: ["logs"], expect: "advisory" },
  },
  "aws-s3-bucket-configure-lifecycle-retention": {
    specs: [
      s("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "lifecycle", {
        bucket: "data-bkt",
        rules: [{ id: "noncurrent", status: "Enabled", noncurrentVersionExpiration: { noncurrentDays: 365 } }],
      }),
    ],
    target: "lifecycle",
    violations: [
      {
        why: "versions deleted early",
        path: ["rules", 0, "noncurrentVersionExpiration", "noncurrentDays"],
        value: 1,
        expect: "noncurrent versions",
      },
      { why: "objects deleted after 30 days", path: ["rules", 0, "expiration"], value: { days: 30 }, expect: "current objects" },
      { why: "objects deleted on a date", path: ["rules", 0, "expiration"], value: [{ date: "2027-01-01" }], expect: "fixed date" },
    ],
    unknown: { path: ["rules"], expect: "advisory" },
  },
  "azure-storage-account-configure-lifecycle-retention": {
    specs: [
      s("azure-native:storage:ManagementPolicy", "lifecycle", {
        accountName: "mlopssa",
        managementPolicyName: "default",
        policy: {
          rules: [
            {
              name: "versions",
              enabled: true,
              type: "Lifecycle",
              definition: { actions: { version: { delete: { daysAfterCreationGreaterThan: 365 } } } },
            },
          ],
        },
      }),
    ],
    target: "lifecycle",
    violations: [
      {
        why: "versions deleted early",
        path: ["policy", "rules", 0, "definition", "actions", "version", "delete", "daysAfterCreationGreaterThan"],
        value: 1,
        expect: "versions",
      },
      {
        why: "blobs deleted early",
        path: ["policy", "rules", 0, "definition", "actions", "baseBlob"],
        value: { delete: { daysAfterModificationGreaterThan: 7 } },
        expect: "blobs",
      },
      {
        why: "snapshots deleted early",
        path: ["policy", "rules", 0, "definition", "actions", "snapshot"],
        value: { delete: { daysAfterCreationGreaterThan: "3" } },
        expect: "snapshots",
      },
    ],
    unknown: { path: ["policy"], expect: "advisory" },
  },
  "aws-kms-data-store-enforce-cmk-encryption": {
    specs: [
      s("aws:sns/topic:Topic", "topic", { kmsMasterKeyId: KEY_ARN }),
      s("aws:dynamodb/table:Table", "table", { serverSideEncryption: { enabled: true, kmsKeyArn: KEY_ARN } }),
      s("aws:efs/fileSystem:FileSystem", "fs", { encrypted: true, kmsKeyId: KEY_ARN }),
      s("aws:ec2/instance:Instance", "vm", {
        rootBlockDevice: { encrypted: true, kmsKeyId: KEY_ARN },
        ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: true, kmsKeyId: KEY_ARN }],
      }),
      s("aws:athena/workgroup:Workgroup", "wg", {
        configuration: { resultConfiguration: { encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: KEY_ARN } } },
      }),
      s("aws:sagemaker/featureGroup:FeatureGroup", "fgrp", {
        offlineStoreConfig: { s3StorageConfig: { s3Uri: "s3://data-bkt/fs", kmsKeyId: KEY_ARN } },
        onlineStoreConfig: { enableOnlineStore: true, securityConfig: { kmsKeyId: KEY_ARN } },
      }),
    ],
    target: "topic",
    violations: [
      { why: "topic with the AWS-managed alias", path: ["kmsMasterKeyId"], value: "alias/aws/sns", expect: "AWS-managed" },
      {
        why: "table with the AWS-owned key",
        target: "table",
        path: ["serverSideEncryption"],
        value: { enabled: false },
        expect: "AWS-owned",
      },
      { why: "file system without a key", target: "fs", path: ["kmsKeyId"], value: undefined, expect: "unset" },
      {
        why: "a new Kinesis stream with a key id that is not a key",
        add: [s("aws:kinesis/stream:Stream", "stream", { encryptionType: "KMS", kmsKeyId: "aws/kinesis" })],
        expect: "does not name a KMS key",
      },
      {
        why: "EC2 instance root volume unencrypted",
        target: "vm",
        path: ["rootBlockDevice"],
        value: { encrypted: false },
        expect: "rootBlockDevice",
      },
      {
        why: "EC2 instance without rootBlockDevice (AMI default)",
        target: "vm",
        path: ["rootBlockDevice"],
        value: undefined,
        expect: "not set",
      },
      {
        why: "EC2 instance data volume with the AWS-managed alias",
        target: "vm",
        path: ["ebsBlockDevices", 0, "kmsKeyId"],
        value: "alias/aws/ebs",
        expect: "ebsBlockDevices[0]",
      },
      {
        why: "Athena results with SSE_S3",
        target: "wg",
        path: ["configuration", "resultConfiguration", "encryptionConfiguration"],
        value: { encryptionOption: "SSE_S3" },
        expect: "SSE_S3",
      },
      {
        why: "Athena results without encryption",
        target: "wg",
        path: ["configuration", "resultConfiguration", "encryptionConfiguration"],
        value: undefined,
        expect: "not encrypted",
      },
      {
        why: "feature group offline store without a key",
        target: "fgrp",
        path: ["offlineStoreConfig", "s3StorageConfig", "kmsKeyId"],
        value: undefined,
        expect: "offlineStoreConfig",
      },
      {
        why: "feature group online store without a key",
        target: "fgrp",
        path: ["onlineStoreConfig", "securityConfig"],
        value: undefined,
        expect: "onlineStoreConfig",
      },
      {
        why: "a SageMaker notebook without a key",
        add: [s("aws:sagemaker/notebookInstance:NotebookInstance", "nb", { instanceType: "ml.t3.medium" })],
        target: "nb",
        expect: "kmsKeyId",
      },
      {
        why: "a SageMaker endpoint configuration with the AWS-managed alias",
        add: [s("aws:sagemaker/endpointConfiguration:EndpointConfiguration", "epc", { kmsKeyArn: "alias/aws/sagemaker" })],
        target: "epc",
        expect: "kmsKeyArn",
      },
      {
        why: "a Redshift Serverless namespace without a key",
        add: [s("aws:redshiftserverless/namespace:Namespace", "rss", { namespaceName: "ns" })],
        target: "rss",
        expect: "kmsKeyId",
      },
    ],
    unknown: { path: ["kmsMasterKeyId"], expect: "none" },
  },
  "azure-keyvault-data-store-enforce-cmk-encryption": {
    specs: [
      s("azure-native:servicebus:Namespace", "bus", {
        location: "uaenorth",
        encryption: { keySource: "Microsoft.KeyVault", keyVaultProperties: [{ keyName: "k", keyVaultUri: "https://kv.vault.azure.net" }] },
      }),
      s("azure-native:compute:Disk", "disk", {
        location: "uaenorth",
        encryption: {
          type: "EncryptionAtRestWithCustomerKey",
          diskEncryptionSetId: "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Compute/diskEncryptionSets/des",
        },
      }),
      s("azure-native:sql:EncryptionProtector", "tde", { serverName: "sql", serverKeyType: "AzureKeyVault", serverKeyName: "kv_k_0123" }),
      s("azure-native:storage:EncryptionScope", "scope", {
        accountName: "st",
        source: "Microsoft.KeyVault",
        keyVaultProperties: { keyUri: AZ_KEY },
      }),
      s("azure-native:machinelearningservices:Workspace", "ml", {
        location: "uaenorth",
        encryption: { status: "Enabled", keyVaultProperties: { keyIdentifier: AZ_KEY, keyVaultArmId: "/subscriptions/0/kv" } },
      }),
      s("azure-native:search:Service", "srch", { location: "uaenorth", encryptionWithCmk: { enforcement: "Enabled" } }),
      s("azure-native:redisenterprise:RedisEnterprise", "re", {
        location: "uaenorth",
        encryption: { customerManagedKeyEncryption: { keyEncryptionKeyUrl: AZ_KEY } },
      }),
    ],
    target: "bus",
    violations: [
      { why: "Microsoft-managed namespace", path: ["encryption", "keySource"], value: "Microsoft.ServiceBus", expect: "Microsoft-managed" },
      {
        why: "disk with a platform key",
        target: "disk",
        path: ["encryption"],
        value: undefined,
        expect: "EncryptionAtRestWithPlatformKey",
      },
      {
        why: "a new Cosmos DB account without a key",
        add: [s("azure-native:cosmosdb:DatabaseAccount", "cosmos", { location: "uaenorth", databaseAccountOfferType: "Standard" })],
        expect: "keyVaultKeyUri",
      },
      {
        why: "SQL TDE protector ServiceManaged",
        target: "tde",
        path: ["serverKeyType"],
        value: "ServiceManaged",
        expect: "ServiceManaged",
      },
      { why: "SQL TDE protector type unset", target: "tde", path: ["serverKeyType"], value: undefined, expect: "(unset)" },
      {
        why: "encryption scope with Microsoft.Storage keys",
        target: "scope",
        path: ["source"],
        value: "Microsoft.Storage",
        expect: "Microsoft.Storage",
      },
      {
        why: "encryption scope from Key Vault naming no key",
        target: "scope",
        path: ["keyVaultProperties"],
        value: undefined,
        expect: "keyUri",
      },
      { why: "ML workspace encryption disabled", target: "ml", path: ["encryption", "status"], value: "Disabled", expect: "workspace" },
      { why: "ML workspace without encryption", target: "ml", path: ["encryption"], value: undefined, expect: "workspace" },
      {
        why: "AI Search CMK enforcement Unspecified",
        target: "srch",
        path: ["encryptionWithCmk", "enforcement"],
        value: "Unspecified",
        expect: "encryptionWithCmk",
      },
      {
        why: "AI Search without encryptionWithCmk",
        target: "srch",
        path: ["encryptionWithCmk"],
        value: undefined,
        expect: "encryptionWithCmk",
      },
      { why: "Redis Enterprise without CMK", target: "re", path: ["encryption"], value: undefined, expect: "keyEncryptionKeyUrl" },
    ],
    unknown: { target: "disk", path: ["encryption", "diskEncryptionSetId"], expect: "none" },
  },
  "aws-provider-region-enforce-allowlist": {
    specs: [],
    target: "aws-me-central-1",
    violations: [
      { why: "a Gulf region that is not the UAE", provider: { aws: { region: "me-south-1" } }, expect: "me-south-1" },
      { why: "region outside the UAE", provider: { aws: { region: "eu-west-1" } }, expect: "eu-west-1" },
      { why: "no region", provider: { aws: {} }, expect: "no region" },
    ],
    unknown: { provider: { aws: { region: UNKNOWN } }, expect: "mandatory" },
  },
  "aws-resource-region-enforce-allowlist": {
    specs: [s("aws:sqs/queue:Queue", "q", { kmsMasterKeyId: KEY_ARN })],
    target: "q",
    violations: [
      { why: "own region outside the UAE", path: ["region"], value: "us-east-1", expect: "us-east-1" },
      { why: "provider outside the UAE", provider: { aws: { region: "eu-central-1" } }, expect: "eu-central-1" },
      {
        why: "default provider",
        add: [s("aws:sqs/queue:Queue", "orphan", {}, { provider: "none" })],
        target: "orphan",
        expect: "no explicit provider",
      },
      {
        why: "an ElastiCache global datastore (multi-region by nature)",
        add: [
          s("aws:elasticache/globalReplicationGroup:GlobalReplicationGroup", "global", {
            globalReplicationGroupIdSuffix: "g",
            primaryReplicationGroupId: "cache",
          }),
        ],
        target: "global",
        expect: "multi-region by nature",
      },
      {
        why: "an S3 Multi-Region Access Point over a bucket of the stack",
        add: [
          s("aws:s3control/multiRegionAccessPoint:MultiRegionAccessPoint", "mrap", {
            details: { name: "mrap", regions: [{ bucket: "data-bkt" }] },
          }),
        ],
        target: "mrap",
        expect: "multi-region by nature",
      },
      {
        why: "a MemoryDB multi-Region cluster",
        add: [
          s("aws:memorydb/multiRegionCluster:MultiRegionCluster", "mrc", { multiRegionClusterNameSuffix: "m", nodeType: "db.r7g.xlarge" }),
        ],
        target: "mrc",
        expect: "multi-region by nature",
      },
    ],
    unknown: { path: ["region"], expect: "mandatory" },
  },
  "azure-provider-location-enforce-allowlist": {
    specs: [],
    target: "azure-uaenorth",
    violations: [
      { why: "a display name outside the UAE", provider: { azure: { location: "Qatar Central" } }, expect: "Qatar Central" },
      { why: "location outside the UAE", provider: { azure: { location: "westeurope" } }, expect: "westeurope" },
      { why: "no location", provider: { azure: {} }, expect: "no location" },
    ],
    unknown: { provider: { azure: { location: UNKNOWN } }, expect: "mandatory" },
  },
  "azure-resource-location-enforce-allowlist": {
    specs: [
      s("azure-native:resources:ResourceGroup", "rg", { location: "UAE North" }),
      s("azure-native:privatedns:PrivateZone", "dns", { location: "global" }),
    ],
    target: "rg",
    violations: [
      { why: "location outside the UAE", path: ["location"], value: "westeurope", expect: "westeurope" },
      { why: "global on a data type", path: ["location"], value: "global", expect: "global" },
      {
        why: "default provider",
        add: [s("azure-native:resources:ResourceGroup", "orphan", { location: "uaenorth" }, { provider: "none" })],
        target: "orphan",
      },
    ],
    unknown: { path: ["location"], expect: "mandatory" },
  },
  "aws-s3-bucket-disallow-external-replication": {
    specs: [
      ...BUCKET,
      s("aws:s3/bucket:Bucket", "replica", { bucket: "replica-bkt", arn: "arn:aws:s3:::replica-bkt" }),
      s("aws:s3/bucketReplicationConfig:BucketReplicationConfig", "repl", {
        bucket: "data-bkt",
        rules: [{ destination: { bucket: "arn:aws:s3:::replica-bkt" } }],
      }),
    ],
    target: "repl",
    violations: [
      {
        why: "destination outside the stack",
        path: ["rules", 0, "destination", "bucket"],
        value: "arn:aws:s3:::elsewhere",
        expect: "elsewhere",
      },
      { why: "a destination without a bucket", path: ["rules", 0, "destination", "bucket"], value: undefined, expect: "(unset)" },
      {
        why: "a second rule to another account's bucket",
        path: ["rules", 1],
        value: { destination: { bucket: "arn:aws:s3:::partner-archive", account: "210987654321" } },
        expect: "partner-archive",
      },
    ],
    unknown: { path: ["rules", 0, "destination", "bucket"], expect: "mandatory" },
  },
  "aws-kms-key-disallow-multi-region": {
    specs: [s("aws:kms/key:Key", "key", { enableKeyRotation: true, multiRegion: false })],
    target: "key",
    violations: [
      { why: "multi-Region key", path: ["multiRegion"], value: true, expect: "multiRegion" },
      {
        why: "replica key",
        add: [s("aws:kms/replicaKey:ReplicaKey", "replica", { primaryKeyArn: KEY_ARN })],
        target: "replica",
        expect: "replica",
      },
      { why: "multi-Region as a string", path: ["multiRegion"], value: "true", expect: "multiRegion" },
      {
        why: "replica of imported key material",
        add: [s("aws:kms/replicaExternalKey:ReplicaExternalKey", "ext-replica", { primaryKeyArn: KEY_ARN })],
        target: "ext-replica",
        expect: "replica",
      },
    ],
    unknown: { path: ["multiRegion"], expect: "advisory" },
  },
  "aws-ecr-registry-disallow-external-replication": {
    specs: [
      s("aws:ecr/replicationConfiguration:ReplicationConfiguration", "repl", {
        registryId: "123456789012",
        replicationConfiguration: { rules: [{ destinations: [{ region: "me-central-1", registryId: "123456789012" }] }] },
      }),
    ],
    target: "repl",
    violations: [
      {
        why: "destination outside the UAE",
        path: ["replicationConfiguration", "rules", 0, "destinations", 0, "region"],
        value: "eu-west-1",
        expect: "eu-west-1",
      },
      {
        why: "a second destination outside the UAE",
        path: ["replicationConfiguration", "rules", 0, "destinations", 1],
        value: { region: "us-east-1", registryId: "123456789012" },
        expect: "us-east-1",
      },
      {
        why: "a destination without a region",
        path: ["replicationConfiguration", "rules", 0, "destinations", 0, "region"],
        value: undefined,
        expect: "(unset)",
      },
      {
        why: "a second rule outside the UAE",
        path: ["replicationConfiguration", "rules", 1],
        value: {
          destinations: [{ region: "ap-southeast-1", registryId: "123456789012" }],
          repositoryFilters: [{ filter: "team-", filterType: "PREFIX_MATCH" }],
        },
        expect: "ap-southeast-1",
      },
      {
        why: "a destination in another account's registry (same region)",
        path: ["replicationConfiguration", "rules", 0, "destinations", 0, "registryId"],
        value: "999999999999",
        expect: "999999999999",
      },
      {
        why: "a second destination in another account's registry",
        path: ["replicationConfiguration", "rules", 0, "destinations", 1],
        value: { region: "me-central-1", registryId: "210987654321" },
        expect: "210987654321",
      },
      {
        why: "a destination without a registry id",
        path: ["replicationConfiguration", "rules", 0, "destinations", 0, "registryId"],
        value: undefined,
        expect: "registry of account",
      },
    ],
    unknown: { path: ["replicationConfiguration", "rules", 0, "destinations", 0, "region"], expect: "mandatory" },
  },
  "aws-s3-bucket-enforce-local-destination": {
    specs: [
      ...BUCKET,
      s("aws:s3/bucket:Bucket", "logs", { bucket: "logs-bkt", arn: "arn:aws:s3:::logs-bkt" }),
      s("aws:s3/bucketLogging:BucketLogging", "logging", { bucket: "data-bkt", targetBucket: "logs-bkt", targetPrefix: "s3/" }),
      s("aws:ec2/flowLog:FlowLog", "flows", { vpcId: "vpc-1", logDestinationType: "s3", logDestination: "arn:aws:s3:::logs-bkt/flows/" }),
      s("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "stream", {
        destination: "extended_s3",
        extendedS3Configuration: { bucketArn: "arn:aws:s3:::data-bkt", s3BackupConfiguration: { bucketArn: "arn:aws:s3:::logs-bkt" } },
      }),
      s("aws:route53/resolverQueryLogConfig:ResolverQueryLogConfig", "dns", {
        destinationArn: "arn:aws:logs:me-central-1:123456789012:log-group:dns",
      }),
    ],
    target: "logging",
    violations: [
      { why: "access logs to a bucket outside the stack", path: ["targetBucket"], value: "central-logs-eu", expect: "central-logs-eu" },
      { why: "access logs to an outside bucket by ARN", path: ["targetBucket"], value: "arn:aws:s3:::central-arn", expect: "central-arn" },
      {
        why: "inline logging of a bucket",
        target: "logs",
        path: ["logging"],
        value: { targetBucket: "vendor-logs", targetPrefix: "x/" },
        expect: "logging.targetBucket",
      },
      {
        why: "inline replication of a bucket",
        target: "logs",
        path: ["replicationConfiguration"],
        value: { role: "r", rules: [{ id: "a", status: "Enabled", destination: { bucket: "arn:aws:s3:::partner-dr" } }] },
        expect: "partner-dr",
      },
      {
        why: "S3 flow logs to another bucket",
        target: "flows",
        path: ["logDestination"],
        value: "arn:aws:s3:::central-flows/x/",
        expect: "central-flows",
      },
      {
        why: "a Firehose backup nested in the destination",
        target: "stream",
        path: ["extendedS3Configuration", "s3BackupConfiguration", "bucketArn"],
        value: "arn:aws:s3:::vendor-backup",
        expect: "vendor-backup",
      },
      {
        why: "DNS query logs to an outside bucket",
        target: "dns",
        path: ["destinationArn"],
        value: "arn:aws:s3:::central-dns",
        expect: "central-dns",
      },
      {
        why: "an inventory delivered to a vendor's bucket",
        add: [
          s("aws:s3/inventory:Inventory", "inv", {
            bucket: "data-bkt",
            destination: { bucket: { format: "CSV", bucketArn: "arn:aws:s3:::vendor-inventory", accountId: "999999999999" } },
          }),
        ],
        target: "inv",
        expect: "vendor-inventory",
      },
      {
        why: "Athena results to an outside bucket",
        add: [
          s("aws:athena/workgroup:Workgroup", "wg", {
            configuration: { resultConfiguration: { outputLocation: "s3://vendor-results/athena/" } },
          }),
        ],
        target: "wg",
        expect: "vendor-results",
      },
    ],
    unknown: { path: ["targetBucket"], expect: "mandatory" },
  },
  "aws-external-endpoint-enforce-local-destination": {
    specs: [
      s("aws:sns/topicSubscription:TopicSubscription", "sub", {
        topic: "arn:aws:sns:me-central-1:123456789012:t",
        protocol: "sqs",
        endpoint: "arn:aws:sqs:me-central-1:123456789012:q",
      }),
      s("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "stream", {
        destination: "extended_s3",
        extendedS3Configuration: { bucketArn: "arn:aws:s3:::data-bkt" },
      }),
    ],
    target: "sub",
    violations: [
      { why: "an HTTPS subscription", path: ["protocol"], value: "https", expect: "over https" },
      { why: "an HTTP subscription", path: ["protocol"], value: "http", expect: "over http" },
      { why: "an e-mail subscription (JSON payload)", path: ["protocol"], value: "email-json", expect: "email-json" },
      { why: "a Firehose HTTP endpoint", target: "stream", path: ["destination"], value: "http_endpoint", expect: "HTTP endpoint" },
      {
        why: "an HTTP endpoint configuration whatever the destination says",
        target: "stream",
        path: ["httpEndpointConfiguration"],
        value: { url: "https://intake.example-saas.com/v1", name: "saas" },
        expect: "example-saas",
      },
    ],
    unknown: { path: ["protocol"], expect: "mandatory" },
  },
  "aws-rds-database-disallow-cross-region-replication": {
    specs: [rds, s("aws:rds/instance:Instance", "replica", { replicateSourceDb: "arn:aws:rds:me-central-1:123456789012:db:db" })],
    target: "replica",
    violations: [
      {
        why: "replica of an outside database",
        path: ["replicateSourceDb"],
        value: "arn:aws:rds:eu-west-1:123456789012:db:x",
        expect: "eu-west-1",
      },
      { why: "global cluster", add: [s("aws:rds/globalCluster:GlobalCluster", "global", {})], target: "global", expect: "global" },
      {
        why: "backup replication",
        add: [s("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication", "bkp", { sourceDbInstanceArn: "x" })],
        target: "bkp",
        expect: "backups",
      },
    ],
    unknown: { path: ["replicateSourceDb"], expect: "mandatory" },
  },
  "aws-ec2-vpc-peering-disallow-cross-region": {
    specs: [
      s("aws:ec2/vpcPeeringConnection:VpcPeeringConnection", "peer", { vpcId: "vpc-1", peerVpcId: "vpc-2", peerRegion: "me-central-1" }),
    ],
    target: "peer",
    violations: [
      { why: "peer outside the UAE", path: ["peerRegion"], value: "ap-south-1", expect: "ap-south-1" },
      { why: "a Gulf region that is not the UAE (Bahrain)", path: ["peerRegion"], value: "me-south-1", expect: "me-south-1" },
      {
        why: "transit gateway peering to another region",
        add: [
          s("aws:ec2transitgateway/peeringAttachment:PeeringAttachment", "tgw-peer", {
            transitGatewayId: "tgw-1",
            peerTransitGatewayId: "tgw-2",
            peerRegion: "eu-central-1",
          }),
        ],
        target: "tgw-peer",
        expect: "eu-central-1",
      },
    ],
    unknown: { path: ["peerRegion"], expect: "mandatory" },
  },
  "azure-storage-account-disallow-geo-replication": {
    specs: [{ ...storage, inputs: { ...storage.inputs, sku: { name: "Standard_RAGRS" } } }],
    target: "sa",
    violations: [
      {
        why: "geo-replication from a location whose pair is not allowed",
        path: ["location"],
        value: "westeurope",
        expect: "paired region",
      },
      {
        why: "geo-replication through the provider's location",
        path: ["location"],
        value: undefined,
        provider: { azure: { location: "germanywestcentral" } },
        expect: "paired region",
      },
      {
        why: "geo-zone-redundant, lower case, in a display-name location",
        add: [
          s("azure-native:storage:StorageAccount", "sa-gz", {
            accountName: "gz",
            location: "West Europe",
            sku: { name: "standard_ragzrs" },
          }),
        ],
        target: "sa-gz",
        expect: "paired region",
      },
    ],
    unknown: { path: ["sku", "name"], expect: "mandatory" },
  },
  "azure-postgresql-server-disallow-geo-backup": {
    specs: [{ ...pg, inputs: { ...pg.inputs, backup: { geoRedundantBackup: "Enabled", backupRetentionDays: 35 } } }],
    target: "pg",
    violations: [
      { why: "geo backup from a location whose pair is not allowed", path: ["location"], value: "westeurope", expect: "paired region" },
      { why: "replica of an unverified server", path: ["createMode"], value: "Replica", expect: "createMode" },
      { why: "geo-restore, in lower case", path: ["createMode"], value: "georestore", expect: "createMode" },
      {
        why: "geo backup from the provider's location",
        path: ["location"],
        value: undefined,
        provider: { azure: { location: "northeurope" } },
        expect: "paired region",
      },
    ],
    unknown: { path: ["backup", "geoRedundantBackup"], expect: "mandatory" },
  },
  "aws-cloudtrail-trail-enforce-local-destination": {
    specs: [
      ...BUCKET,
      s("aws:cloudtrail/trail:Trail", "trail", { s3BucketName: "data-bkt", kmsKeyId: KEY_ARN, enableLogFileValidation: true }),
    ],
    target: "trail",
    violations: [
      { why: "bucket outside the stack", path: ["s3BucketName"], value: "someone-elses-bucket", expect: "not a bucket of this stack" },
      { why: "no CMK", path: ["kmsKeyId"], value: undefined, expect: "kmsKeyId" },
      { why: "no validation", path: ["enableLogFileValidation"], value: false, expect: "validation" },
      {
        why: "log group outside the UAE",
        path: ["cloudWatchLogsGroupArn"],
        value: "arn:aws:logs:eu-west-1:123456789012:log-group:x:*",
        expect: "eu-west-1",
      },
    ],
    unknown: { path: ["s3BucketName"], expect: "mandatory" },
  },
  "azure-monitor-diagnostic-setting-enforce-local-destination": {
    specs: [
      s("azure-native:operationalinsights:Workspace", "law", {
        id: "/subscriptions/0/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law",
        retentionInDays: 365,
      }),
      s("azure-native:monitor:DiagnosticSetting", "diag", {
        resourceUri: "/x",
        workspaceId: "/subscriptions/0/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law",
      }),
    ],
    target: "diag",
    violations: [
      {
        why: "workspace outside the stack",
        path: ["workspaceId"],
        value: "/subscriptions/9/resourceGroups/x/providers/Microsoft.OperationalInsights/workspaces/other",
        expect: "not a",
      },
      { why: "event hub destination", path: ["eventHubAuthorizationRuleId"], value: "/subscriptions/9/eh", expect: "eventHub" },
      {
        why: "a storage account that is not the stack's",
        path: ["storageAccountId"],
        value: "/subscriptions/9/resourceGroups/x/providers/Microsoft.Storage/storageAccounts/archive",
        expect: "storageAccountId",
      },
      {
        why: "the subscription's activity log to a partner",
        add: [s("azure-native:monitor:SubscriptionDiagnosticSetting", "activity", { marketplacePartnerId: "/subscriptions/9/partner" })],
        target: "activity",
        expect: "marketplacePartnerId",
      },
      {
        why: "Entra ID sign-in logs to another tenant's workspace",
        add: [
          s("azure-native:aadiam:DiagnosticSetting", "entra", {
            workspaceId: "/subscriptions/9/resourceGroups/x/providers/Microsoft.OperationalInsights/workspaces/abroad",
          }),
        ],
        target: "entra",
        expect: "not a",
      },
    ],
    unknown: { path: ["workspaceId"], expect: "mandatory" },
  },
  "azure-eventgrid-subscription-enforce-local-destination": {
    specs: [
      s("azure-native:eventgrid:EventSubscription", "sub", {
        scope: "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st",
        destination: {
          endpointType: "StorageQueue",
          resourceId: "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st",
          queueName: "q",
        },
      }),
    ],
    target: "sub",
    violations: [
      {
        why: "a webhook",
        path: ["destination"],
        value: { endpointType: "WebHook", endpointUrl: "https://hooks.example-saas.com/x" },
        expect: "example-saas",
      },
      {
        why: "a webhook delivered with the resource identity",
        path: ["deliveryWithResourceIdentity"],
        value: { identity: { type: "SystemAssigned" }, destination: { endpointType: "WebHook", endpointUrl: "https://x.example.com" } },
        expect: "deliveryWithResourceIdentity",
      },
      {
        why: "a partner destination on a system topic subscription",
        add: [
          s("azure-native:eventgrid:SystemTopicEventSubscription", "sys", {
            systemTopicName: "t",
            destination: { endpointType: "PartnerDestination", resourceId: "/subscriptions/9/partner" },
          }),
        ],
        target: "sys",
        expect: "PartnerDestination",
      },
    ],
    unknown: { path: ["destination"], expect: "mandatory" },
  },
  "azure-geo-replication-enforce-stack-partner": {
    specs: [
      s("azure-native:sql:Server", "dr", {
        serverName: "sql-dr",
        id: "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Sql/servers/sql-dr",
      }),
      s("azure-native:eventhub:Namespace", "ehdr", {
        namespaceName: "eh-dr",
        id: "/subscriptions/0/resourceGroups/rg/providers/Microsoft.EventHub/namespaces/eh-dr",
      }),
      s("azure-native:storage:StorageAccount", "stdr", {
        accountName: "stdr",
        id: "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/stdr",
      }),
      s("azure-native:sql:FailoverGroup", "fg", {
        serverName: "sql",
        partnerServers: [{ id: "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Sql/servers/sql-dr" }],
      }),
      s("azure-native:eventhub:DisasterRecoveryConfig", "ehgeo", {
        namespaceName: "eh",
        partnerNamespace: "/subscriptions/0/resourceGroups/rg/providers/Microsoft.EventHub/namespaces/eh-dr",
      }),
      s("azure-native:storage:ObjectReplicationPolicy", "orp", { accountName: "st", sourceAccount: "st", destinationAccount: "stdr" }),
    ],
    target: "fg",
    violations: [
      {
        why: "a failover group partner server outside the stack",
        path: ["partnerServers", 0, "id"],
        value: "/subscriptions/9/resourceGroups/dr/providers/Microsoft.Sql/servers/sql-weu",
        expect: "sql-weu",
      },
      {
        why: "a second partner server outside the stack",
        path: ["partnerServers", 1],
        value: { id: "/subscriptions/9/resourceGroups/dr/providers/Microsoft.Sql/servers/sql-neu" },
        expect: "sql-neu",
      },
      {
        why: "an Event Hubs geo-DR partner outside the stack",
        target: "ehgeo",
        path: ["partnerNamespace"],
        value: "/subscriptions/9/resourceGroups/dr/providers/Microsoft.EventHub/namespaces/eh-weu",
        expect: "eh-weu",
      },
      {
        why: "a Service Bus geo-DR partner outside the stack",
        add: [
          s("azure-native:servicebus:DisasterRecoveryConfig", "sbgeo", {
            namespaceName: "sb",
            partnerNamespace: "/subscriptions/9/resourceGroups/dr/providers/Microsoft.ServiceBus/namespaces/sb-weu",
          }),
        ],
        target: "sbgeo",
        expect: "sb-weu",
      },
      {
        why: "object replication to an account outside the stack",
        target: "orp",
        path: ["destinationAccount"],
        value: "/subscriptions/9/resourceGroups/dr/providers/Microsoft.Storage/storageAccounts/stweu",
        expect: "stweu",
      },
    ],
    unknown: { path: ["partnerServers", 0, "id"], expect: "mandatory" },
  },
  // ── Encryption ──
  "aws-s3-bucket-enforce-kms-encryption": {
    specs: BUCKET,
    target: "data-sse",
    violations: [
      { why: "SSE-S3", path: ["rules", 0, "applyServerSideEncryptionByDefault", "sseAlgorithm"], value: "AES256", expect: "AES256" },
      {
        why: "AWS-managed key",
        path: ["rules", 0, "applyServerSideEncryptionByDefault", "kmsMasterKeyId"],
        value: undefined,
        expect: "kmsMasterKeyId",
      },
      { why: "no configuration", path: ["bucket"], value: "other-bkt", expect: "no BucketServerSideEncryptionConfiguration" },
      {
        why: "SSE-S3 'unlocked' by a decoy BucketLogging that targets the bucket",
        path: ["rules", 0, "applyServerSideEncryptionByDefault", "sseAlgorithm"],
        value: "AES256",
        add: [s("aws:s3/bucketLogging:BucketLogging", "decoy-logging", { bucket: "decoy-bkt", targetBucket: "data-bkt" })],
        expect: "access-log bucket",
      },
      {
        why: "the AWS-managed alias alias/aws/s3",
        path: ["rules", 0, "applyServerSideEncryptionByDefault", "kmsMasterKeyId"],
        value: "alias/aws/s3",
        expect: "AWS-managed",
      },
    ],
    unknown: { path: ["rules"], expect: "advisory" },
  },
  "aws-s3-bucket-enforce-tls-only": {
    specs: BUCKET,
    target: "data-policy",
    violations: [
      {
        why: "no TLS deny",
        path: ["policy"],
        value: iamPolicy([
          { Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "s3:GetObject", Resource: "*" },
        ]),
      },
      { why: "no policy", path: ["bucket"], value: "other-bkt", expect: "SecureTransport" },
    ],
    unknown: { path: ["policy"], expect: "advisory" },
  },
  "aws-ec2-volume-enforce-kms-encryption": {
    specs: [
      s("aws:ec2/launchTemplate:LaunchTemplate", "lt", {
        blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", kmsKeyId: KEY_ARN, volumeSize: 100 } }],
      }),
      s("aws:ebs/volume:Volume", "vol", { encrypted: true, kmsKeyId: KEY_ARN, size: 10 }),
    ],
    target: "lt",
    violations: [
      {
        why: "unencrypted launch template disk",
        path: ["blockDeviceMappings", 0, "ebs", "encrypted"],
        value: "false",
        expect: "not encrypted",
      },
      {
        why: "launch template disk without CMK",
        path: ["blockDeviceMappings", 0, "ebs", "kmsKeyId"],
        value: undefined,
        expect: "kmsKeyId",
      },
      { why: "unencrypted volume", target: "vol", path: ["encrypted"], value: false, expect: "not encrypted" },
    ],
    unknown: { path: ["blockDeviceMappings"], expect: "advisory" },
  },
  "aws-rds-database-enforce-kms-encryption": {
    specs: [rds],
    target: "db",
    violations: [
      { why: "unencrypted", path: ["storageEncrypted"], value: false, expect: "storageEncrypted" },
      { why: "no CMK", path: ["kmsKeyId"], value: undefined, expect: "kmsKeyId" },
      { why: "PI without CMK", path: ["performanceInsightsEnabled"], value: true, expect: "performanceInsightsKmsKeyId" },
    ],
    unknown: { path: ["storageEncrypted"], expect: "advisory" },
  },
  "aws-rds-database-enforce-tls": {
    specs: [
      rds,
      s("aws:rds/parameterGroup:ParameterGroup", "db-params", {
        family: "postgres16",
        parameters: [{ name: "rds.force_ssl", value: "1" }],
      }),
    ],
    target: "db-params",
    violations: [
      { why: "force_ssl off", path: ["parameters", 0, "value"], value: "0", expect: "rds.force_ssl" },
      { why: "default parameter group", target: "db", path: ["parameterGroupName"], value: "default.postgres16", expect: "default" },
      { why: "no force_ssl parameter at all", path: ["parameters"], value: [], expect: "rds.force_ssl" },
      { why: "no parameter group named", target: "db", path: ["parameterGroupName"], value: undefined, expect: "default" },
    ],
    unknown: { path: ["parameters"], expect: "advisory" },
  },
  "aws-elasticache-replication-group-enforce-encryption": {
    specs: [
      s("aws:elasticache/replicationGroup:ReplicationGroup", "cache", {
        atRestEncryptionEnabled: true,
        kmsKeyId: KEY_ARN,
        transitEncryptionEnabled: true,
        transitEncryptionMode: "required",
        authToken: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "[secret]" },
      }),
    ],
    target: "cache",
    violations: [
      { why: "no at-rest encryption", path: ["atRestEncryptionEnabled"], value: false, expect: "at rest" },
      { why: "no TLS", path: ["transitEncryptionEnabled"], value: false, expect: "in transit" },
      { why: "TLS preferred", path: ["transitEncryptionMode"], value: "preferred", expect: "preferred" },
      { why: "no auth", path: ["authToken"], value: undefined, expect: "authentication" },
      { why: "no CMK", path: ["kmsKeyId"], value: undefined, expect: "kmsKeyId" },
    ],
    unknown: { path: ["kmsKeyId"], expect: "none" },
  },
  "aws-ecr-repository-enforce-kms-encryption": {
    specs: [s("aws:ecr/repository:Repository", "repo", { encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: KEY_ARN }] })],
    target: "repo",
    violations: [
      { why: "AES256", path: ["encryptionConfigurations", 0, "encryptionType"], value: "AES256", expect: "KMS" },
      { why: "KMS with the AWS-managed key (no kmsKey)", path: ["encryptionConfigurations", 0, "kmsKey"], value: undefined, expect: "KMS" },
      { why: "KMS naming the AWS-managed alias", path: ["encryptionConfigurations", 0, "kmsKey"], value: "alias/aws/ecr", expect: "KMS" },
      { why: "no encryption configuration (AES256 by default)", path: ["encryptionConfigurations"], value: undefined, expect: "KMS" },
    ],
    unknown: { path: ["encryptionConfigurations"], expect: "advisory" },
  },
  "aws-cloudwatch-log-group-enforce-kms-encryption": {
    specs: [s("aws:cloudwatch/logGroup:LogGroup", "lg", { kmsKeyId: KEY_ARN, retentionInDays: 365 })],
    target: "lg",
    violations: [
      { why: "no CMK", path: ["kmsKeyId"], value: undefined, expect: "kmsKeyId" },
      { why: "the AWS-managed alias", path: ["kmsKeyId"], value: "alias/aws/logs", expect: "kmsKeyId" },
      { why: "an empty key id", path: ["kmsKeyId"], value: "", expect: "kmsKeyId" },
      {
        why: "a key ARN without a key id",
        path: ["kmsKeyId"],
        value: "arn:aws:kms:me-central-1:123456789012:key/default",
        expect: "kmsKeyId",
      },
    ],
    unknown: { path: ["kmsKeyId"], expect: "none" },
  },
  "aws-eks-cluster-enforce-secrets-encryption": {
    specs: [eks],
    target: "eks",
    violations: [
      { why: "no key", path: ["encryptionConfig"], value: undefined, expect: "keyArn" },
      { why: "secrets not listed", path: ["encryptionConfig", "resources"], value: [], expect: "secrets" },
      { why: "the AWS-managed alias", path: ["encryptionConfig", "provider", "keyArn"], value: "alias/aws/eks", expect: "keyArn" },
      { why: "a provider block without a key", path: ["encryptionConfig", "provider"], value: {}, expect: "keyArn" },
    ],
    unknown: { path: ["encryptionConfig"], expect: "advisory" },
  },
  "aws-kms-key-enable-rotation": {
    specs: [s("aws:kms/key:Key", "key", { enableKeyRotation: true })],
    target: "key",
    violations: [
      { why: "rotation off", path: ["enableKeyRotation"], value: false, expect: "rotation" },
      { why: "rotation unset (off by default)", path: ["enableKeyRotation"], value: undefined, expect: "rotation" },
      { why: "rotation as the string false", path: ["enableKeyRotation"], value: "false", expect: "rotation" },
      {
        why: "symmetric spelled out, rotation off",
        path: ["customerMasterKeySpec"],
        value: "SYMMETRIC_DEFAULT",
        expect: "rotation",
        target: "key2",
        add: [s("aws:kms/key:Key", "key2", { customerMasterKeySpec: "SYMMETRIC_DEFAULT" })],
      },
    ],
    unknown: { path: ["enableKeyRotation"], expect: "advisory" },
  },
  "aws-sqs-queue-enforce-kms-encryption": {
    specs: [s("aws:sqs/queue:Queue", "q", { kmsMasterKeyId: KEY_ARN })],
    target: "q",
    violations: [
      { why: "AWS-managed key", path: ["kmsMasterKeyId"], value: "alias/aws/sqs", expect: "customer-managed" },
      { why: "no key", path: ["kmsMasterKeyId"], value: undefined, expect: "customer-managed" },
      {
        why: "the AWS-managed alias as a full ARN",
        path: ["kmsMasterKeyId"],
        value: "arn:aws:kms:me-central-1:123456789012:alias/aws/sqs",
        expect: "customer-managed",
      },
      {
        why: "SQS-managed encryption instead of a key",
        add: [s("aws:sqs/queue:Queue", "q-sse", { sqsManagedSseEnabled: true })],
        target: "q-sse",
        expect: "customer-managed",
      },
    ],
    unknown: { path: ["kmsMasterKeyId"], expect: "none" },
  },
  "azure-storage-account-enforce-tls": {
    specs: [storage],
    target: "sa",
    violations: [
      { why: "HTTP allowed", path: ["enableHttpsTrafficOnly"], value: false, expect: "HTTP" },
      { why: "TLS 1.0", path: ["minimumTlsVersion"], value: "TLS1_0", expect: "TLS1_0" },
      { why: "minimum TLS unset", path: ["minimumTlsVersion"], value: undefined, expect: "(unset)" },
      { why: "TLS 1.1", path: ["minimumTlsVersion"], value: "TLS1_1", expect: "TLS1_1" },
    ],
    unknown: { path: ["minimumTlsVersion"], expect: "advisory" },
  },
  "azure-storage-account-enforce-cmk-encryption": {
    specs: [storage],
    target: "sa",
    violations: [
      { why: "Microsoft-managed keys", path: ["encryption", "keySource"], value: "Microsoft.Storage", expect: "Microsoft-managed" },
      { why: "no double encryption", path: ["encryption", "requireInfrastructureEncryption"], value: false, expect: "infrastructure" },
      { why: "Key Vault source without a key", path: ["encryption", "keyVaultProperties"], value: {}, expect: "names no key" },
      { why: "no encryption block", path: ["encryption"], value: undefined, expect: "Microsoft-managed" },
    ],
    unknown: { path: ["encryption"], expect: "advisory" },
  },
  "azure-postgresql-server-enforce-cmk-encryption": {
    specs: [pg],
    target: "pg",
    violations: [
      { why: "system-managed key", path: ["dataEncryption", "type"], value: "SystemManaged", expect: "AzureKeyVault" },
      { why: "Key Vault type without a key", path: ["dataEncryption", "primaryKeyURI"], value: undefined, expect: "AzureKeyVault" },
      { why: "a key that is not a Key Vault key URI", path: ["dataEncryption", "primaryKeyURI"], value: "my-key", expect: "AzureKeyVault" },
      { why: "no dataEncryption (service-managed)", path: ["dataEncryption"], value: undefined, expect: "AzureKeyVault" },
    ],
    unknown: { path: ["dataEncryption"], expect: "advisory" },
  },
  "azure-postgresql-server-enforce-tls": {
    specs: [
      pg,
      s("azure-native:dbforpostgresql:Configuration", "tls", {
        configurationName: "ssl_min_protocol_version",
        value: "TLSv1.2",
        serverName: "pg",
      }),
    ],
    target: "tls",
    violations: [
      { why: "TLS 1.0", path: ["value"], value: "TLSv1", expect: "TLSv1.2" },
      {
        why: "secure transport off",
        add: [s("azure-native:dbforpostgresql:Configuration", "insecure", { configurationName: "require_secure_transport", value: "off" })],
        target: "insecure",
        expect: "require_secure_transport",
      },
      { why: "TLS 1.1 in other case", path: ["value"], value: "TLSV1.1", expect: "TLSv1.2" },
      {
        why: "secure transport off spelled 0, name in upper case",
        add: [s("azure-native:dbforpostgresql:Configuration", "insecure0", { configurationName: "REQUIRE_SECURE_TRANSPORT", value: "0" })],
        target: "insecure0",
        expect: "require_secure_transport",
      },
    ],
    unknown: { path: ["value"], expect: "advisory" },
  },
  "azure-redis-cache-enforce-tls": {
    specs: [
      s(
        "azure-native:redis:Redis",
        "redis",
        { location: "uaenorth", enableNonSslPort: false, minimumTlsVersion: "1.2", publicNetworkAccess: "Disabled" },
        { protect: true },
      ),
    ],
    target: "redis",
    violations: [
      { why: "non-TLS port", path: ["enableNonSslPort"], value: true, expect: "non-TLS" },
      { why: "TLS 1.0", path: ["minimumTlsVersion"], value: "1.0", expect: "1.0" },
      {
        why: "plaintext enterprise",
        add: [s("azure-native:redisenterprise:Database", "re", { clientProtocol: "Plaintext" })],
        target: "re",
        expect: "Plaintext",
      },
    ],
    unknown: { path: ["minimumTlsVersion"], expect: "advisory" },
  },
  "azure-aks-cluster-enforce-secrets-encryption": {
    specs: [aks],
    target: "aks",
    violations: [
      { why: "no KMS", path: ["securityProfile", "azureKeyVaultKms", "enabled"], value: false, expect: "Key Vault" },
      { why: "no disk encryption set", path: ["diskEncryptionSetID"], value: undefined, expect: "diskEncryptionSetID" },
      { why: "KMS on without a key", path: ["securityProfile", "azureKeyVaultKms", "keyId"], value: undefined, expect: "Key Vault" },
      { why: "KMS enabled as a string", path: ["securityProfile", "azureKeyVaultKms", "enabled"], value: "false", expect: "Key Vault" },
      { why: "no security profile", path: ["securityProfile"], value: undefined, expect: "Key Vault" },
    ],
    unknown: { path: ["securityProfile"], expect: "advisory" },
  },
  "azure-keyvault-key-enable-rotation": {
    specs: [
      s(
        "azure-native:keyvault:Key",
        "key",
        {
          properties: {
            kty: "RSA",
            rotationPolicy: { lifetimeActions: [{ action: { type: "rotate" }, trigger: { timeAfterCreate: "P90D" } }] },
          },
        },
        { protect: true },
      ),
    ],
    target: "key",
    violations: [
      {
        why: "notify only",
        path: ["properties", "rotationPolicy", "lifetimeActions", 0, "action", "type"],
        value: "notify",
        expect: "rotate",
      },
      { why: "no rotation policy", path: ["properties", "rotationPolicy"], value: undefined, expect: "rotate" },
      { why: "no lifetime actions", path: ["properties", "rotationPolicy", "lifetimeActions"], value: [], expect: "rotate" },
    ],
    unknown: { path: ["properties", "rotationPolicy"], expect: "advisory" },
  },
  // ── Least privilege ──
  "aws-iam-policy-disallow-wildcard-action": {
    specs: [s("aws:iam/policy:Policy", "pol", { policy: SCOPED })],
    target: "pol",
    violations: [
      {
        why: "star action",
        path: ["policy"],
        value: iamPolicy([{ Effect: "Allow", Action: "*", Resource: "arn:aws:s3:::data-bkt" }]),
        expect: '"*"',
      },
      {
        why: "service wildcard",
        path: ["policy"],
        value: iamPolicy([{ Effect: "Allow", Action: ["s3:*"], Resource: "arn:aws:s3:::data-bkt" }]),
        expect: "s3:*",
      },
      {
        why: "NotAction",
        path: ["policy"],
        value: iamPolicy([{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }]),
        expect: "NotAction",
      },
    ],
    unknown: { path: ["policy"], expect: "advisory" },
  },
  "aws-iam-policy-disallow-wildcard-resource": {
    specs: [
      s("aws:iam/rolePolicy:RolePolicy", "pol", {
        role: "r",
        policy: iamPolicy([{ Effect: "Allow", Action: ["ecr:GetAuthorizationToken", "ec2:DescribeInstances"], Resource: "*" }]),
      }),
    ],
    target: "pol",
    violations: [
      {
        why: "scopable action on *",
        path: ["policy"],
        value: iamPolicy([{ Effect: "Allow", Action: ["s3:GetObject"], Resource: "*" }]),
        expect: "s3:GetObject",
      },
    ],
    unknown: { path: ["policy"], expect: "advisory" },
  },
  "aws-iam-role-disallow-admin-policy": {
    specs: [
      s("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "att", {
        role: "r",
        policyArn: "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
      }),
      // Look-alike: an admin policy scoped to a team's namespace is not cluster admin.
      s("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "eks-ns-admin", {
        clusterName: "c",
        principalArn: "arn:aws:iam::123456789012:role/team",
        policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy",
        accessScope: { type: "namespace", namespaces: ["team-fraud"] },
      }),
    ],
    target: "att",
    violations: [
      {
        why: "AdministratorAccess",
        path: ["policyArn"],
        value: "arn:aws:iam::aws:policy/AdministratorAccess",
        expect: "AdministratorAccess",
      },
      {
        why: "the SystemAdministrator job function (a path in the ARN)",
        path: ["policyArn"],
        value: "arn:aws:iam::aws:policy/job-function/SystemAdministrator",
        expect: "SystemAdministrator",
      },
      {
        why: "an AdministratorAccess variant",
        path: ["policyArn"],
        value: "arn:aws:iam::aws:policy/AdministratorAccess-Amplify",
        expect: "AdministratorAccess-Amplify",
      },
      { why: "PowerUserAccess", path: ["policyArn"], value: "arn:aws:iam::aws:policy/PowerUserAccess", expect: "PowerUserAccess" },
      {
        why: "an EKS cluster-admin access policy outside the platform's cluster component",
        add: [
          s("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "eks-admin", {
            clusterName: "c",
            principalArn: "arn:aws:iam::123456789012:role/team",
            policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
            accessScope: { type: "cluster" },
          }),
        ],
        target: "eks-admin",
        expect: "AmazonEKSClusterAdminPolicy",
      },
      {
        why: "AmazonEKSAdminPolicy at cluster scope (scope omitted)",
        add: [
          s("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "eks-admin2", {
            clusterName: "c",
            principalArn: "arn:aws:iam::123456789012:role/team",
            policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy",
          }),
        ],
        target: "eks-admin2",
        expect: "AmazonEKSAdminPolicy",
      },
      {
        why: "IAMFullAccess on a role's managedPolicyArns",
        add: [s("aws:iam/role:Role", "role", { assumeRolePolicy: "{}", managedPolicyArns: ["arn:aws:iam::aws:policy/IAMFullAccess"] })],
        target: "role",
        expect: "IAMFullAccess",
      },
    ],
    unknown: { path: ["policyArn"], expect: "advisory" },
  },
  "aws-iam-user-disallow-access-key": {
    specs: [s("aws:iam/user:User", "ci", { name: "ci" })],
    target: "ci",
    violations: [
      { why: "access key", add: [s("aws:iam/accessKey:AccessKey", "ci-key", { user: "ci" })], target: "ci-key", expect: "static" },
      {
        why: "a service-specific password",
        add: [
          s("aws:iam/serviceSpecificCredential:ServiceSpecificCredential", "ci-pw", {
            userName: "ci",
            serviceName: "codecommit.amazonaws.com",
          }),
        ],
        target: "ci-pw",
        expect: "service-specific",
      },
      {
        why: "a console password",
        add: [s("aws:iam/userLoginProfile:UserLoginProfile", "ci-login", { user: "ci" })],
        target: "ci-login",
        expect: "console password",
      },
      {
        why: "a signing certificate",
        add: [
          s("aws:iam/signingCertificate:SigningCertificate", "ci-cert", { userName: "ci", certificateBody: "-----BEGIN CERTIFICATE-----" }),
        ],
        target: "ci-cert",
        expect: "signing certificate",
      },
    ],
    unknown: { path: ["name"], expect: "none" },
  },
  "aws-ec2-security-group-disallow-public-ingress": {
    specs: [
      s("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "in", {
        securityGroupId: "sg-1",
        cidrIpv4: "10.0.0.0/16",
        fromPort: 443,
        toPort: 443,
        ipProtocol: "tcp",
      }),
    ],
    target: "in",
    violations: [
      { why: "HTTPS from anywhere without public LB", path: ["cidrIpv4"], value: "0.0.0.0/0", expect: "publicLoadBalancers" },
      {
        why: "SSH from anywhere",
        add: [
          s("aws:ec2/securityGroup:SecurityGroup", "sg", {
            ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }],
          }),
        ],
        target: "sg",
        expect: "22-22",
      },
    ],
    unknown: { path: ["cidrIpv4"], expect: "advisory" },
  },
  "aws-s3-bucket-disallow-public-access": {
    specs: BUCKET,
    target: "data-pab",
    violations: [
      { why: "block off", path: ["restrictPublicBuckets"], value: false, expect: "restrictPublicBuckets" },
      { why: "no block", path: ["bucket"], value: "other-bkt", expect: "no BucketPublicAccessBlock" },
      {
        why: "anonymous policy",
        target: "data-policy",
        path: ["policy"],
        value: iamPolicy([{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "*" }]),
        expect: "anonymous",
      },
    ],
    unknown: { path: ["blockPublicAcls"], expect: "advisory" },
  },
  "aws-iam-resource-policy-disallow-external-principal": {
    specs: [
      s("aws:iam/role:Role", "own-role", {
        arn: "arn:aws:iam::123456789012:role/own",
        assumeRolePolicy: iamPolicy([{ Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: "sts:AssumeRole" }]),
      }),
      s("aws:sqs/queuePolicy:QueuePolicy", "queue-policy", {
        queueUrl: "https://sqs.me-central-1.amazonaws.com/123456789012/q",
        policy: iamPolicy([
          { Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:role/own" }, Action: "sqs:SendMessage", Resource: "*" },
        ]),
      }),
    ],
    target: "queue-policy",
    violations: [
      {
        why: "anyone as a list",
        path: ["policy"],
        value: iamPolicy([{ Effect: "Allow", Principal: { AWS: ["*"] }, Action: "sqs:SendMessage", Resource: "*" }]),
        expect: "anyone",
      },
      {
        why: "another account",
        path: ["policy"],
        value: iamPolicy([{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::210987654321:root" }, Action: "sqs:*", Resource: "*" }]),
        expect: "210987654321",
      },
      {
        why: "any account's root in the trust policy",
        target: "own-role",
        path: ["assumeRolePolicy"],
        value: iamPolicy([{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::*:root" }, Action: "sts:AssumeRole" }]),
        expect: "anyone",
      },
      {
        why: "a KMS grant to another account's role",
        add: [
          s("aws:kms/grant:Grant", "grant", {
            keyId: KEY_ARN,
            granteePrincipal: "arn:aws:iam::210987654321:role/x",
            operations: ["Decrypt"],
          }),
        ],
        target: "grant",
        expect: "210987654321",
      },
      {
        why: "a RAM share with another account",
        add: [
          s("aws:ram/principalAssociation:PrincipalAssociation", "ram", {
            principal: "210987654321",
            resourceShareArn: "arn:aws:ram:me-central-1:123456789012:resource-share/x",
          }),
        ],
        target: "ram",
        expect: "210987654321",
      },
      {
        why: "a snapshot volume permission for another account",
        add: [
          s("aws:ec2/snapshotCreateVolumePermission:SnapshotCreateVolumePermission", "snap", {
            snapshotId: "snap-1",
            accountId: "210987654321",
          }),
        ],
        target: "snap",
        expect: "210987654321",
      },
      {
        why: "an AMI launch permission for everyone",
        add: [s("aws:ec2/amiLaunchPermission:AmiLaunchPermission", "ami", { imageId: "ami-1", group: "all" })],
        target: "ami",
        expect: "anyone",
      },
      {
        why: "a Lambda function URL without auth",
        add: [s("aws:lambda/functionUrl:FunctionUrl", "url", { functionName: "f", authorizationType: "NONE" })],
        target: "url",
        expect: "anyone",
      },
      {
        why: "an object readable by every AWS account (authenticated-read)",
        add: [s("aws:s3/bucketObjectv2:BucketObjectv2", "obj", { bucket: "b", key: "k", acl: "authenticated-read" })],
        target: "obj",
        expect: "anyone",
      },
    ],
    unknown: { path: ["policy"], expect: "advisory" },
  },
  "aws-rds-database-disallow-public-access": {
    specs: [rds],
    target: "db",
    violations: [
      { why: "public", path: ["publiclyAccessible"], value: true, expect: "publicly" },
      { why: "public as a string", path: ["publiclyAccessible"], value: "true", expect: "publicly" },
      {
        why: "a public Aurora cluster instance",
        add: [
          s("aws:rds/clusterInstance:ClusterInstance", "aurora-1", {
            clusterIdentifier: "aurora",
            instanceClass: "db.r6g.large",
            publiclyAccessible: true,
          }),
        ],
        target: "aurora-1",
        expect: "publicly",
      },
    ],
    unknown: { path: ["publiclyAccessible"], expect: "advisory" },
  },
  "aws-ec2-launch-template-enforce-imdsv2": {
    specs: [
      s("aws:ec2/launchTemplate:LaunchTemplate", "lt", {
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
      }),
    ],
    target: "lt",
    violations: [
      { why: "IMDSv1 allowed", path: ["metadataOptions", "httpTokens"], value: "optional", expect: "httpTokens" },
      { why: "no metadata options (IMDSv1 by default)", path: ["metadataOptions"], value: undefined, expect: "httpTokens" },
      { why: "a hop limit pods can reach", path: ["metadataOptions", "httpPutResponseHopLimit"], value: 2, expect: "hop" },
      {
        why: "an EC2 instance allowing IMDSv1",
        add: [s("aws:ec2/instance:Instance", "vm", { metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 1 } })],
        target: "vm",
        expect: "httpTokens",
      },
      {
        why: "an EC2 instance without metadata options",
        add: [s("aws:ec2/instance:Instance", "vm2", {})],
        target: "vm2",
        expect: "httpTokens",
      },
      {
        why: "a spot instance request with a hop limit of 2",
        add: [
          s("aws:ec2/spotInstanceRequest:SpotInstanceRequest", "spot", {
            metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 },
          }),
        ],
        target: "spot",
        expect: "hop",
      },
    ],
    unknown: { path: ["metadataOptions"], expect: "advisory" },
  },
  "aws-ecs-task-definition-disallow-privileged": {
    specs: [
      s("aws:ecs/taskDefinition:TaskDefinition", "task", {
        family: "batch",
        containerDefinitions: JSON.stringify([
          { name: "c", image: "123456789012.dkr.ecr.me-central-1.amazonaws.com/batch:1.0.0", memory: 512 },
        ]),
      }),
    ],
    target: "task",
    violations: [
      {
        why: "a privileged container",
        path: ["containerDefinitions"],
        value: JSON.stringify([{ name: "c", image: "x", privileged: true }]),
        expect: "privileged",
      },
      {
        why: "CAP_SYS_ADMIN added",
        path: ["containerDefinitions"],
        value: JSON.stringify([{ name: "c", image: "x", linuxParameters: { capabilities: { add: ["CAP_SYS_ADMIN"] } } }]),
        expect: "SYS_ADMIN",
      },
      { why: "host PID namespace", path: ["pidMode"], value: "host", expect: "pidMode" },
      { why: "definitions that are not JSON", path: ["containerDefinitions"], value: "[{", expect: "not valid JSON" },
    ],
    unknown: { path: ["containerDefinitions"], expect: "advisory" },
  },
  "aws-data-service-disallow-public-access": {
    specs: [
      s("aws:redshift/cluster:Cluster", "wh", { publiclyAccessible: false }),
      s("aws:lb/loadBalancer:LoadBalancer", "alb", { internal: true, loadBalancerType: "application" }),
      s("aws:ec2/instance:Instance", "vm", { associatePublicIpAddress: false }),
      s("aws:opensearch/domain:Domain", "search", { vpcOptions: { subnetIds: ["subnet-1"], securityGroupIds: ["sg-1"] } }),
      s("aws:msk/cluster:Cluster", "msk", { brokerNodeGroupInfo: { connectivityInfo: { publicAccess: { type: "DISABLED" } } } }),
      s("aws:sagemaker/notebookInstance:NotebookInstance", "nb", { directInternetAccess: "Disabled", subnetId: "subnet-1" }),
    ],
    target: "wh",
    violations: [
      { why: "a publicly accessible Redshift cluster", path: ["publiclyAccessible"], value: true, expect: "publiclyAccessible" },
      { why: "publiclyAccessible as a string", path: ["publiclyAccessible"], value: "true", expect: "publiclyAccessible" },
      { why: "an internet-facing ALB", target: "alb", path: ["internal"], value: false, expect: "internet-facing" },
      {
        why: "a load balancer with internal unset (internet-facing by default)",
        target: "alb",
        path: ["internal"],
        value: undefined,
        expect: "unset",
      },
      { why: "an instance with a public IP", target: "vm", path: ["associatePublicIpAddress"], value: true, expect: "public IP" },
      { why: "OpenSearch outside the VPC", target: "search", path: ["vpcOptions"], value: undefined, expect: "vpcOptions" },
      {
        why: "MSK with public broker addresses",
        target: "msk",
        path: ["brokerNodeGroupInfo", "connectivityInfo", "publicAccess", "type"],
        value: "SERVICE_PROVIDED_EIPS",
        expect: "SERVICE_PROVIDED_EIPS",
      },
      {
        why: "a notebook with direct internet access",
        target: "nb",
        path: ["directInternetAccess"],
        value: "Enabled",
        expect: "directInternetAccess",
      },
      {
        why: "a notebook with the default (Enabled)",
        target: "nb",
        path: ["directInternetAccess"],
        value: undefined,
        expect: "unset (Enabled)",
      },
      {
        why: "a bucket with inline website hosting",
        add: [s("aws:s3/bucket:Bucket", "site", { bucket: "site", website: { indexDocument: "index.html" } })],
        target: "site",
        expect: "website",
      },
      {
        why: "a website configuration resource",
        add: [
          s("aws:s3/bucketWebsiteConfiguration:BucketWebsiteConfiguration", "site-cfg", {
            bucket: "data-bkt",
            indexDocument: { suffix: "index.html" },
          }),
        ],
        target: "site-cfg",
        expect: "website",
      },
    ],
    unknown: { path: ["publiclyAccessible"], expect: "advisory" },
  },
  "azure-data-service-disallow-public-access": {
    specs: [
      s("azure-native:dbforpostgresql:FirewallRule", "fw", { serverName: "pg", startIpAddress: "10.0.0.1", endIpAddress: "10.0.0.255" }),
      s("azure-native:redis:FirewallRule", "rfw", { cacheName: "r", startIP: "10.1.0.0", endIP: "10.1.255.255" }),
      s("azure-native:cosmosdb:DatabaseAccount", "cosmos", { location: "uaenorth", publicNetworkAccess: "Disabled" }),
      s("azure-native:sql:Server", "sql", { location: "uaenorth", publicNetworkAccess: "Disabled" }),
      s("azure-native:containerinstance:ContainerGroup", "aci", { location: "uaenorth", ipAddress: { type: "Private", ports: [] } }),
    ],
    target: "fw",
    violations: [
      { why: "a firewall rule for every address", path: ["endIpAddress"], value: "255.255.255.255", expect: "public" },
      {
        why: "a range from 0.0.0.0 into the private block",
        path: ["startIpAddress"],
        value: "0.0.0.0",
        expect: "public",
      },
      { why: "a range starting at a public address", path: ["startIpAddress"], value: "8.8.8.8", expect: "public" },
      { why: "a Redis rule from a public start", target: "rfw", path: ["startIP"], value: "1.0.0.0", expect: "public" },
      {
        why: "an SQL rule allowing all Azure",
        add: [s("azure-native:sql:FirewallRule", "sqlfw", { serverName: "sql", startIpAddress: "0.0.0.0", endIpAddress: "0.0.0.0" })],
        target: "sqlfw",
        expect: "every Azure service",
      },
      {
        why: "Cosmos DB public without ipRules or a network filter",
        target: "cosmos",
        path: ["publicNetworkAccess"],
        value: "Enabled",
        expect: "any address",
      },
      {
        why: "an SQL server with public network access",
        target: "sql",
        path: ["publicNetworkAccess"],
        value: "Enabled",
        expect: "publicNetworkAccess",
      },
      { why: "an SQL server with public access unset", target: "sql", path: ["publicNetworkAccess"], value: undefined, expect: "unset" },
      { why: "a container group with a public IP", target: "aci", path: ["ipAddress", "type"], value: "Public", expect: "public IP" },
    ],
    unknown: { path: ["endIpAddress"], expect: "advisory" },
  },
  "azure-keyvault-vault-disallow-public-access": {
    specs: [
      s("azure-native:keyvault:Vault", "kv", {
        properties: {
          publicNetworkAccess: "Disabled",
          networkAcls: { defaultAction: "Deny", bypass: "AzureServices", ipRules: [], virtualNetworkRules: [] },
        },
      }),
    ],
    target: "kv",
    violations: [
      { why: "public access on", path: ["properties", "publicNetworkAccess"], value: "Enabled", expect: "publicNetworkAccess" },
      { why: "public access unset", path: ["properties", "publicNetworkAccess"], value: undefined, expect: "publicNetworkAccess" },
      { why: "allow by default", path: ["properties", "networkAcls", "defaultAction"], value: "Allow", expect: "defaultAction" },
      { why: "an IP rule", path: ["properties", "networkAcls", "ipRules"], value: [{ value: "203.0.113.0/24" }], expect: "ipRules" },
    ],
    unknown: { path: ["properties"], expect: "advisory" },
  },
  "aws-eks-cluster-disallow-public-endpoint": {
    specs: [eks],
    target: "eks",
    violations: [
      { why: "public to the internet", path: ["vpcConfig", "endpointPublicAccess"], value: true, expect: "public" },
      { why: "no private endpoint", path: ["vpcConfig", "endpointPrivateAccess"], value: false, expect: "private" },
      { why: "public access unset (public by default)", path: ["vpcConfig", "endpointPublicAccess"], value: undefined, expect: "public" },
      {
        why: "public to two halves of the internet",
        path: ["vpcConfig"],
        value: { endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/1", "128.0.0.0/1"] },
        expect: "public",
      },
    ],
    unknown: { path: ["vpcConfig"], expect: "advisory" },
  },
  "azure-authorization-role-assignment-disallow-privileged-subscription-scope": {
    specs: [
      s("azure-native:authorization:RoleAssignment", "ra", {
        principalId: "p",
        roleDefinitionId: "/subscriptions/0/providers/Microsoft.Authorization/roleDefinitions/ba92f5b4-2d11-453d-a403-e96b0029c9fe",
        scope: "/subscriptions/0",
      }),
    ],
    target: "ra",
    violations: [
      {
        why: "Owner at subscription",
        path: ["roleDefinitionId"],
        value: "/subscriptions/0/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
        expect: "Owner",
      },
      {
        why: "Contributor by bare GUID (upper case) at a management group",
        add: [
          s("azure-native:authorization:RoleAssignment", "ra-mg", {
            principalId: "p",
            roleDefinitionId: "B24988AC-6180-42A0-AB88-20F7382DD24C",
            scope: "/providers/Microsoft.Management/managementGroups/corp",
          }),
        ],
        target: "ra-mg",
        expect: "Contributor",
      },
      {
        why: "User Access Administrator at a subscription spelled with a trailing slash",
        add: [
          s("azure-native:authorization:RoleAssignment", "ra-slash", {
            principalId: "p",
            roleDefinitionId: "/providers/Microsoft.Authorization/roleDefinitions/18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
            scope: "/subscriptions/0/",
          }),
        ],
        target: "ra-slash",
        expect: "User Access Administrator",
      },
      {
        why: "Role Based Access Control Administrator at the subscription",
        path: ["roleDefinitionId"],
        value: "/subscriptions/0/providers/Microsoft.Authorization/roleDefinitions/f58310d9-a9f6-439a-9e8d-f62e7b41a168",
        expect: "Role Based Access Control Administrator",
      },
      {
        why: "Owner with a trailing slash on the role definition id",
        path: ["roleDefinitionId"],
        value: "/subscriptions/0/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635/",
        expect: "Owner",
      },
      {
        why: "Owner on a whole resource group",
        add: [
          s("azure-native:authorization:RoleAssignment", "ra-rg", {
            principalId: "p",
            roleDefinitionId: "/subscriptions/0/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
            scope: "/subscriptions/0/resourceGroups/rg-data/",
          }),
        ],
        target: "ra-rg",
        expect: "resource group",
      },
      {
        why: "Storage Blob Data Owner at the subscription",
        path: ["roleDefinitionId"],
        value: "/subscriptions/0/providers/Microsoft.Authorization/roleDefinitions/b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
        expect: "Storage Blob Data Owner",
      },
      {
        why: "a custom role with actions * assignable at the subscription",
        add: [
          s("azure-native:authorization:RoleDefinition", "custom", {
            scope: "/subscriptions/0",
            roleName: "team-admin",
            permissions: [{ actions: ["*"], notActions: [] }],
            assignableScopes: ["/subscriptions/0"],
          }),
        ],
        target: "custom",
        expect: "wildcard",
      },
      {
        why: "a custom role with */write assignable at a management group",
        add: [
          s("azure-native:authorization:RoleDefinition", "custom-w", {
            scope: "/subscriptions/0",
            roleName: "team-writer",
            permissions: [{ actions: ["*/read", "*/write"], notActions: ["Microsoft.Authorization/*"] }],
            assignableScopes: ["/providers/Microsoft.Management/managementGroups/corp"],
          }),
        ],
        target: "custom-w",
        expect: "Microsoft.Storage/storageAccounts/write",
      },
      {
        why: "a custom role with data actions * assignable at the subscription",
        add: [
          s("azure-native:authorization:RoleDefinition", "custom-d", {
            scope: "/subscriptions/0",
            roleName: "team-data",
            permissions: [{ actions: [], dataActions: ["Microsoft.Storage/*"] }],
            assignableScopes: ["/subscriptions/0/"],
          }),
        ],
        target: "custom-d",
        expect: "blobs/read",
      },
    ],
    unknown: { path: ["roleDefinitionId"], expect: "advisory" },
  },
  "azure-authorization-role-assignment-enforce-aks-cluster-scope": {
    specs: [
      s("azure-native:authorization:RoleAssignment", "cluster-user", {
        principalId: "00000000-0000-0000-0000-0000000000f1",
        principalType: "Group",
        roleDefinitionId: "/subscriptions/0/providers/Microsoft.Authorization/roleDefinitions/4abbcc35-e782-43d8-92c5-2d3f1bd2253f",
        scope: "/subscriptions/0/resourceGroups/rg-core/providers/Microsoft.ContainerService/managedClusters/mlops-aks",
      }),
      // Look-alike: another role at resource-group scope is not this rule's business.
      s("azure-native:authorization:RoleAssignment", "reader-rg", {
        principalId: "p",
        roleDefinitionId: "/subscriptions/0/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7",
        scope: "/subscriptions/0/resourceGroups/rg-core",
      }),
    ],
    target: "cluster-user",
    violations: [
      {
        why: "the user role on the resource group",
        path: ["scope"],
        value: "/subscriptions/0/resourceGroups/rg-core",
        expect: "Cluster User Role",
      },
      { why: "the user role on the subscription", path: ["scope"], value: "/subscriptions/0/", expect: "every cluster" },
      {
        why: "the admin-credential role, spelt in upper case, on the resource group",
        target: "reader-rg",
        path: ["roleDefinitionId"],
        value: "/subscriptions/0/providers/Microsoft.Authorization/roleDefinitions/0AB0B1A8-8AAC-4EFD-B8C2-3EE1FB270BE8",
        expect: "Cluster Admin Role",
      },
      {
        why: "a scope that only starts with a cluster's id",
        path: ["scope"],
        value: "/subscriptions/0/resourceGroups/rg-core/providers/Microsoft.ContainerService/managedClusters/mlops-aks/agentPools/gpu",
        expect: "managedClusters/<name>",
      },
    ],
    unknown: { path: ["scope"], expect: "advisory" },
  },
  "azure-network-security-group-disallow-public-ingress": {
    specs: [
      s("azure-native:network:SecurityRule", "rule", {
        direction: "Inbound",
        access: "Allow",
        sourceAddressPrefix: "VirtualNetwork",
        destinationPortRange: "443",
      }),
    ],
    target: "rule",
    violations: [
      { why: "from Internet", path: ["sourceAddressPrefix"], value: "Internet", expect: "internet" },
      {
        why: "NSG with any source",
        add: [
          s("azure-native:network:NetworkSecurityGroup", "nsg", {
            securityRules: [{ direction: "Inbound", access: "Allow", sourceAddressPrefix: "*", destinationPortRange: "22" }],
          }),
        ],
        target: "nsg",
        expect: "22",
      },
    ],
    unknown: { path: ["sourceAddressPrefix"], expect: "advisory" },
  },
  "azure-storage-account-disallow-public-access": {
    specs: [storage],
    target: "sa",
    violations: [
      { why: "blob public access", path: ["allowBlobPublicAccess"], value: true, expect: "anonymous" },
      { why: "shared key", path: ["allowSharedKeyAccess"], value: true, expect: "shared-key" },
      { why: "public network", path: ["publicNetworkAccess"], value: "Enabled", expect: "public networks" },
      {
        why: "public container",
        add: [s("azure-native:storage:BlobContainer", "c", { publicAccess: "Blob" })],
        target: "c",
        expect: "anonymous",
      },
    ],
    unknown: { path: ["allowBlobPublicAccess"], expect: "advisory" },
  },
  "azure-containerregistry-registry-disallow-public-access": {
    specs: [
      s(
        "azure-native:containerregistry:Registry",
        "acr",
        { publicNetworkAccess: "Disabled", adminUserEnabled: false, anonymousPullEnabled: false },
        { protect: true },
      ),
    ],
    target: "acr",
    violations: [
      { why: "public", path: ["publicNetworkAccess"], value: "Enabled", expect: "public" },
      { why: "admin user", path: ["adminUserEnabled"], value: true, expect: "admin" },
      { why: "anonymous pull", path: ["anonymousPullEnabled"], value: true, expect: "anonymous" },
    ],
    unknown: { path: ["publicNetworkAccess"], expect: "advisory" },
  },
  "azure-postgresql-server-disallow-public-access": {
    specs: [pg],
    target: "pg",
    violations: [
      { why: "public", path: ["network", "publicNetworkAccess"], value: "Enabled", expect: "public" },
      { why: "public access unset", path: ["network", "publicNetworkAccess"], value: undefined, expect: "public" },
      { why: "no network block", path: ["network"], value: undefined, expect: "public" },
    ],
    unknown: { path: ["network"], expect: "advisory" },
  },
  "azure-redis-cache-disallow-public-access": {
    specs: [s("azure-native:redis:Redis", "redis", { publicNetworkAccess: "Disabled", enableNonSslPort: false, minimumTlsVersion: "1.2" })],
    target: "redis",
    violations: [
      { why: "public", path: ["publicNetworkAccess"], value: "Enabled", expect: "public" },
      { why: "public access unset (enabled by default)", path: ["publicNetworkAccess"], value: undefined, expect: "public" },
      { why: "public in lower case", path: ["publicNetworkAccess"], value: "enabled", expect: "public" },
    ],
    unknown: { path: ["publicNetworkAccess"], expect: "advisory" },
  },
  "azure-aks-cluster-disallow-public-endpoint": {
    specs: [aks],
    target: "aks",
    violations: [
      { why: "public API", path: ["apiServerAccessProfile"], value: { enablePrivateCluster: false }, expect: "public" },
      { why: "open authorized ranges", path: ["apiServerAccessProfile"], value: { authorizedIPRanges: ["0.0.0.0/0"] }, expect: "public" },
      { why: "local accounts", path: ["disableLocalAccounts"], value: false, expect: "local accounts" },
    ],
    unknown: { path: ["apiServerAccessProfile"], expect: "advisory" },
  },
  "kubernetes-core-service-account-enforce-workload-identity": {
    specs: [
      s("aws:iam/role:Role", "mlflow-role", {
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.me-central-1.amazonaws.com/id/X" },
              Action: "sts:AssumeRoleWithWebIdentity",
              Condition: { StringEquals: { "oidc.eks.me-central-1.amazonaws.com/id/X:sub": "system:serviceaccount:mlflow:mlflow" } },
            },
          ],
        }),
      }),
      s("kubernetes:core/v1:ServiceAccount", "mlflow-sa", {
        metadata: {
          name: "mlflow",
          namespace: "mlflow",
          annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/mlflow" },
        },
      }),
    ],
    target: "mlflow-sa",
    violations: [
      { why: "no annotation", path: ["metadata", "annotations"], value: {}, expect: "eks.amazonaws.com/role-arn" },
      {
        why: "an empty annotation",
        path: ["metadata", "annotations", "eks.amazonaws.com/role-arn"],
        value: "",
        expect: "eks.amazonaws.com/role-arn",
      },
      {
        why: "the annotation misspelled",
        path: ["metadata", "annotations"],
        value: { "eks.amazonaws.com/rolearn": "arn:aws:iam::123456789012:role/mlflow" },
        expect: "eks.amazonaws.com/role-arn",
      },
    ],
    unknown: { path: ["metadata", "annotations", "eks.amazonaws.com/role-arn"], expect: "none" },
  },
  "kubernetes-core-namespace-enforce-pod-security-labels": {
    specs: [
      s("kubernetes:core/v1:Namespace", "team-ns", {
        metadata: {
          name: "team-fraud",
          labels: {
            "mlops.platform/team": "fraud",
            "mlops.platform/pipelines": "true",
            "pod-security.kubernetes.io/enforce": "restricted",
            "pod-security.kubernetes.io/warn": "restricted",
            "pod-security.kubernetes.io/audit": "restricted",
          },
        },
      }),
    ],
    target: "team-ns",
    violations: [
      { why: "no enforce label", path: ["metadata", "labels", "pod-security.kubernetes.io/enforce"], value: undefined, expect: "enforce" },
      {
        why: "a team namespace at baseline",
        path: ["metadata", "labels", "pod-security.kubernetes.io/enforce"],
        value: "baseline",
        expect: 'not "restricted"',
      },
      {
        why: "a team-* namespace without its team label at baseline",
        path: ["metadata", "labels"],
        value: {
          "pod-security.kubernetes.io/enforce": "baseline",
          "pod-security.kubernetes.io/warn": "restricted",
          "pod-security.kubernetes.io/audit": "restricted",
        },
        expect: 'team-fraud runs team or pipeline workloads but enforces "baseline"',
      },
      {
        why: "a misspelt level",
        path: ["metadata", "labels", "pod-security.kubernetes.io/enforce"],
        value: "Restricted",
        expect: "no valid",
      },
      { why: "warn not restricted", path: ["metadata", "labels", "pod-security.kubernetes.io/warn"], value: "baseline", expect: "warn" },
      { why: "no audit label", path: ["metadata", "labels", "pod-security.kubernetes.io/audit"], value: undefined, expect: "audit" },
      {
        why: "a privileged namespace that does not say why",
        add: [
          s("kubernetes:core/v1:Namespace", "mesh-ns", {
            metadata: {
              name: "istio-system",
              labels: {
                "pod-security.kubernetes.io/enforce": "privileged",
                "pod-security.kubernetes.io/warn": "restricted",
                "pod-security.kubernetes.io/audit": "restricted",
              },
            },
          }),
        ],
        expect: "without saying why",
      },
    ],
    unknown: { path: ["metadata", "labels"], expect: "advisory" },
  },
  "kubernetes-admissionregistration-binding-enforce-guarded-namespaces": {
    specs: [
      s("kubernetes:core/v1:Namespace", "ns-pipelines", {
        metadata: { name: "ml-pipelines", labels: { "mlops.platform/pipelines": "true" } },
      }),
      s("kubernetes:core/v1:Namespace", "ns-team", {
        metadata: { name: "team-fraud", labels: { "mlops.platform/pipelines": "true", "mlops.platform/team": "fraud" } },
      }),
      s("kubernetes:core/v1:Namespace", "ns-serving", { metadata: { name: "serving" } }),
      s("kubernetes:core/v1:Namespace", "ns-monitoring", { metadata: { name: "monitoring" } }),
      ...[
        "mlops-images",
        "mlops-pod-security",
        "mlops-resources",
        "mlops-service-accounts",
        "mlops-workflow-identities",
        "mlops-approvals",
      ].flatMap((p) => [
        s("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy", `vap-${p}`, { metadata: { name: p }, spec: {} }),
        s("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding", `bind-${p}`, {
          metadata: { name: p },
          spec: {
            policyName: p,
            validationActions: ["Deny", "Audit"],
            matchResources: {
              namespaceSelector: {
                matchExpressions: [
                  {
                    key: "kubernetes.io/metadata.name",
                    operator: "In",
                    values:
                      // team-credit: the shipped uae-prod plan's second team, so the compliant bindings stay compliant planted there.
                      p === "mlops-workflow-identities"
                        ? ["team-fraud", "team-credit"]
                        : ["ml-pipelines", "serving", "team-fraud", "team-credit"],
                  },
                ],
              },
            },
          },
        }),
      ]),
    ],
    target: "ns-team",
    violations: [
      {
        why: "a new pipeline namespace nobody bound",
        add: [s("kubernetes:core/v1:Namespace", "ns-new", { metadata: { name: "team-new", labels: { "mlops.platform/team": "new" } } })],
        expect: "team-new is not bound",
      },
      {
        why: "a team namespace left out of a pod policy's binding",
        target: "bind-mlops-images",
        path: ["spec", "matchResources", "namespaceSelector", "matchExpressions", 0, "values"],
        value: ["ml-pipelines", "serving"],
        expect: "team-fraud is not bound to the admission policy mlops-images",
      },
      {
        why: "the serving namespace left out",
        target: "bind-mlops-pod-security",
        path: ["spec", "matchResources", "namespaceSelector", "matchExpressions", 0, "values"],
        value: ["ml-pipelines", "team-fraud"],
        expect: "serving is not bound",
      },
      {
        why: "a selector on a label a namespace owner could set instead of the name",
        target: "bind-mlops-resources",
        path: ["spec", "matchResources", "namespaceSelector", "matchExpressions", 0, "key"],
        value: "mlops.platform/pipelines",
        expect: "mlops-resources",
      },
      {
        why: "the team policy bound to no team",
        target: "bind-mlops-workflow-identities",
        path: ["spec", "matchResources", "namespaceSelector", "matchExpressions", 0, "values"],
        value: ["ml-pipelines"],
        expect: "mlops-workflow-identities",
      },
      {
        why: "a binding with no action",
        target: "bind-mlops-images",
        path: ["spec", "validationActions"],
        value: [],
        expect: "no validationActions",
      },
      {
        why: "a policy missing",
        target: "vap-mlops-service-accounts",
        path: ["metadata", "name"],
        value: "something-else",
        expect: "does not declare",
      },
      {
        why: "the approval policy missing (members could resume their own production promotion)",
        target: "vap-mlops-approvals",
        path: ["metadata", "name"],
        value: "mlops-approval",
        expect: "namespace ml-pipelines needs the admission policy mlops-approvals",
      },
      {
        why: "the approval policy declared but its binding gone",
        target: "bind-mlops-approvals",
        path: ["spec", "policyName"],
        value: "mlops-approvals-old",
        expect: "ml-pipelines is not bound to the admission policy mlops-approvals",
      },
      {
        why: "the approval binding selecting the teams but not the platform's own pipeline namespace",
        target: "bind-mlops-approvals",
        path: ["spec", "matchResources", "namespaceSelector", "matchExpressions", 0, "values"],
        value: ["serving", "team-fraud"],
        expect: "ml-pipelines is not bound to the admission policy mlops-approvals",
      },
      {
        why: "the approval binding leaving a team out",
        target: "bind-mlops-approvals",
        path: ["spec", "matchResources", "namespaceSelector", "matchExpressions", 0, "values"],
        value: ["ml-pipelines", "serving"],
        expect: "team-fraud is not bound to the admission policy mlops-approvals",
      },
      {
        why: "the approval binding only warning in production",
        target: "bind-mlops-approvals",
        path: ["spec", "validationActions"],
        value: ["Warn", "Audit"],
        expect: "binding of mlops-approvals only Warn+Audit in a production stack",
      },
      {
        why: "a platform policy redeclared with failurePolicy Ignore",
        target: "vap-mlops-pod-security",
        path: ["spec", "failurePolicy"],
        value: "Ignore",
        expect: "failurePolicy Ignore",
      },
      {
        why: "a platform policy with a matchCondition",
        target: "vap-mlops-resources",
        path: ["spec", "matchConditions"],
        value: [{ name: "never", expression: "false" }],
        expect: "matchConditions",
      },
      {
        why: "a second binding under a platform name selecting one namespace",
        add: [
          s("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding", "bind-again", {
            metadata: { name: "mlops-images" },
            spec: {
              policyName: "mlops-images",
              validationActions: ["Deny"],
              matchResources: {
                namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["ml-pipelines"] }] },
              },
            },
          }),
        ],
        expect: "binding of mlops-images leaves out the guarded namespace(s)",
      },
      {
        why: "a team-* namespace without the team label",
        add: [s("kubernetes:core/v1:Namespace", "ns-team-ops", { metadata: { name: "team-ops" } })],
        expect: "team-ops",
      },
    ],
    unknown: { target: "bind-mlops-images", path: ["spec", "matchResources"], expect: "mandatory" },
  },
  "kubernetes-istio-mesh-enforce-strict-mtls": {
    specs: [
      s("kubernetes:core/v1:Namespace", "ns-mesh", {
        metadata: {
          name: "istio-system",
          labels: { "pod-security.kubernetes.io/enforce": "privileged" },
          annotations: { "mlops.platform/mesh-exempt-reason": "the mesh's own control plane and node proxies" },
        },
      }),
      s("kubernetes:core/v1:Namespace", "ns-mlflow", { metadata: { name: "mlflow", labels: { "istio.io/dataplane-mode": "ambient" } } }),
      s("kubernetes:core/v1:Namespace", "ns-team", {
        metadata: { name: "team-fraud", labels: { "mlops.platform/team": "fraud", "istio.io/dataplane-mode": "ambient" } },
      }),
      s("kubernetes:core/v1:Namespace", "ns-other", { metadata: { name: "sandbox" } }),
      s("kubernetes:security.istio.io/v1:PeerAuthentication", "pa-mesh", {
        metadata: { name: "default", namespace: "istio-system" },
        spec: { mtls: { mode: "STRICT" } },
      }),
      s("kubernetes:helm.sh/v3:Release", "ztunnel", {
        chart: "ztunnel",
        namespace: "istio-system",
        repositoryOpts: { repo: "https://istio-release.storage.googleapis.com/charts" },
      }),
    ],
    target: "pa-mesh",
    violations: [
      { why: "the mesh-wide policy PERMISSIVE", path: ["spec", "mtls", "mode"], value: "PERMISSIVE", expect: "PERMISSIVE" },
      { why: "no mesh-wide STRICT policy (mode left unset)", path: ["spec", "mtls"], value: {}, expect: "no mesh-wide PeerAuthentication" },
      {
        why: "the mesh-wide policy narrowed to some pods",
        path: ["spec", "selector"],
        value: { matchLabels: { app: "x" } },
        expect: "no mesh-wide PeerAuthentication",
      },
      {
        why: "a namespace policy that disables mTLS",
        add: [
          s("kubernetes:security.istio.io/v1:PeerAuthentication", "pa-ns", {
            metadata: { name: "default", namespace: "mlflow" },
            spec: { mtls: { mode: "DISABLE" } },
          }),
        ],
        expect: "DISABLE",
      },
      {
        why: "a port left in plain text on a STRICT workload policy",
        add: [
          s("kubernetes:security.istio.io/v1beta1:PeerAuthentication", "pa-port", {
            metadata: { name: "gate", namespace: "mlflow" },
            spec: {
              selector: { matchLabels: { app: "gate" } },
              mtls: { mode: "STRICT" },
              portLevelMtls: { "8080": { mode: "PERMISSIVE" } },
            },
          }),
        ],
        expect: "port 8080",
      },
      {
        why: "a team namespace out of the mesh",
        target: "ns-team",
        path: ["metadata", "labels", "istio.io/dataplane-mode"],
        value: "none",
        expect: "team-fraud is not in the mesh",
      },
      {
        why: "a platform namespace without the label",
        target: "ns-mlflow",
        path: ["metadata", "labels"],
        value: {},
        expect: "mlflow is not in the mesh",
      },
      {
        why: "the privileged ztunnel chart outside istio-system",
        target: "ztunnel",
        path: ["namespace"],
        value: "kube-system",
        expect: "install it in istio-system only",
      },
    ],
    unknown: { target: "pa-mesh", path: ["spec", "mtls"], expect: "mandatory" },
  },
  "kubernetes-core-secret-disallow-cloud-credentials": {
    specs: [s("kubernetes:core/v1:Secret", "sec", { metadata: { name: "s", namespace: "mlflow" }, stringData: { "db-password": "x" } })],
    target: "sec",
    violations: [
      { why: "AWS keys", path: ["stringData", "AWS_SECRET_ACCESS_KEY"], value: "x", expect: "AWS_SECRET_ACCESS_KEY" },
      {
        why: "an AWS credentials file under a neutral key, base64 in data",
        path: ["data"],
        value: {
          credentials: "W2RlZmF1bHRdCmF3c19hY2Nlc3Nfa2V5X2lkID0gQUtJQUFCQ0RFRkdISUpLTE1OT1AKYXdzX3NlY3JldF9hY2Nlc3Nfa2V5ID0gYWJjCg==",
        },
        expect: "AWS",
      },
      {
        why: "an Azure storage connection string",
        path: ["stringData", "connection"],
        value:
          "DefaultEndpointsProtocol=https;AccountName=lake;AccountKey=c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0;EndpointSuffix=core.windows.net",
        expect: "Azure storage account key",
      },
      {
        why: "a service principal JSON",
        path: ["stringData", "sp.json"],
        value: JSON.stringify({ clientId: "0000", clientSecret: "shh", tenantId: "1111" }),
        expect: "service principal",
      },
      { why: "lower-case key in data", path: ["data"], value: { aws_access_key_id: "QUtJQQ==" }, expect: "aws_access_key_id" },
    ],
    unknown: { path: ["stringData"], expect: "advisory" },
  },
  // ── Kubernetes ──
  "kubernetes-core-pod-disallow-privileged": {
    specs: [deployment],
    target: "app",
    violations: [
      { why: "privileged", path: [...C0, "securityContext", "privileged"], value: true, expect: "privileged" },
      { why: "host network", path: ["spec", "template", "spec", "hostNetwork"], value: true, expect: "hostNetwork" },
      {
        why: "hostPath",
        path: ["spec", "template", "spec", "volumes"],
        value: [{ name: "h", hostPath: { path: "/" } }],
        expect: "hostPath",
      },
      { why: "escalation", path: [...C0, "securityContext", "allowPrivilegeEscalation"], value: true, expect: "allowPrivilegeEscalation" },
      { why: "added capability", path: [...C0, "securityContext", "capabilities", "add"], value: ["SYS_ADMIN"], expect: "SYS_ADMIN" },
      { why: "host network in a JobSet (custom resource)", add: [crdPod(JOBSET, "js", { hostNetwork: true })], expect: "hostNetwork" },
      {
        why: "privileged KServe predictor (a pod-like spec)",
        add: [
          s("kubernetes:serving.kserve.io/v1beta1:InferenceService", "isvc", {
            metadata: { name: "isvc", namespace: "serving" },
            spec: { predictor: { containers: [{ ...container, securityContext: { ...container.securityContext, privileged: true } }] } },
          }),
        ],
        expect: "spec.predictor.containers[0] is privileged",
      },
      {
        why: "privileged KServe model container (a lone container-shaped object)",
        add: [
          s("kubernetes:serving.kserve.io/v1beta1:InferenceService", "isvc", {
            metadata: { name: "isvc", namespace: "serving" },
            spec: {
              predictor: {
                model: { modelFormat: { name: "pytorch" }, storageUri: "s3://m/1", securityContext: { privileged: true } },
              },
            },
          }),
        ],
        expect: "spec.predictor.model is privileged",
      },
      { why: "SELinux type spc_t", path: [...C0, "securityContext", "seLinuxOptions"], value: { type: "spc_t" }, expect: "spc_t" },
      {
        why: "AppArmor Unconfined (field)",
        path: ["spec", "template", "spec", "securityContext", "appArmorProfile"],
        value: { type: "Unconfined" },
        expect: "AppArmor",
      },
      {
        why: "AppArmor unconfined (legacy annotation)",
        path: ["spec", "template", "metadata"],
        value: { annotations: { "container.apparmor.security.beta.kubernetes.io/app": "unconfined" } },
        expect: "AppArmor",
      },
      {
        why: "an unsafe sysctl",
        path: ["spec", "template", "spec", "securityContext", "sysctls"],
        value: [
          { name: "net.ipv4.tcp_syncookies", value: "1" },
          { name: "kernel.msgmax", value: "65536" },
        ],
        expect: "kernel.msgmax",
      },
      {
        why: "a hostPath PersistentVolume",
        add: [s("kubernetes:core/v1:PersistentVolume", "pv", { metadata: { name: "pv" }, spec: { hostPath: { path: "/var/lib" } } })],
        expect: "node's filesystem",
      },
      {
        why: "a privileged Pod in a yaml/v2 ConfigGroup",
        add: [
          s("kubernetes:yaml/v2:ConfigGroup", "cg", {
            yaml: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostPID: true\n  containers:\n  - name: c\n    image: quay.io/argoproj/argocli:v3.6.4\n",
          }),
        ],
        expect: "hostPID",
      },
      {
        why: "a ConfigFile read from a path (cannot be judged, production)",
        add: [s("kubernetes:yaml/v2:ConfigFile", "cf", { file: "https://example.com/app.yaml" })],
        expect: "cannot be verified",
      },
      {
        why: "a Sensor k8s trigger fetched from a URL (cannot be judged, production)",
        add: [
          s("kubernetes:argoproj.io/v1alpha1:Sensor", "sensor", {
            metadata: { name: "sensor", namespace: "argo-events" },
            spec: {
              triggers: [
                { template: { name: "t", k8s: { operation: "create", source: { url: { path: "https://example.com/pod.yaml" } } } } },
              ],
            },
          }),
        ],
        expect: "fetched when the trigger fires",
      },
      {
        why: "a privileged sidecar in Helm release values",
        add: [
          s("kubernetes:helm.sh/v3:Release", "rel", {
            chart: "app",
            version: "1.2.3",
            namespace: "serving",
            values: { sidecar: { securityContext: { privileged: true } }, podSecurityContext: { runAsUser: 1000 } },
          }),
        ],
        expect: "values.sidecar.securityContext.privileged",
      },
    ],
    unknown: { path: [...C0, "securityContext"], expect: "advisory" },
  },
  "kubernetes-core-pod-enforce-restricted-profile": {
    specs: [deployment],
    target: "app",
    violations: [
      { why: "root", path: [...C0, "securityContext", "runAsNonRoot"], value: false, expect: "root" },
      { why: "capabilities kept", path: [...C0, "securityContext", "capabilities", "drop"], value: [], expect: "ALL" },
      { why: "no seccomp", path: [...C0, "securityContext", "seccompProfile"], value: { type: "Unconfined" }, expect: "seccomp" },
    ],
    unknown: { path: [...C0, "securityContext"], expect: "advisory" },
  },
  "kubernetes-core-pod-enforce-resource-limits": {
    specs: [deployment],
    target: "app",
    violations: [
      { why: "no memory limit", path: [...C0, "resources", "limits"], value: {}, expect: "limits.memory" },
      { why: "no resources at all", path: [...C0, "resources"], value: undefined, expect: "requests.cpu" },
      { why: "an empty CPU request", path: [...C0, "resources", "requests", "cpu"], value: "", expect: "requests.cpu" },
      {
        why: "an init container without requests",
        path: ["spec", "template", "spec", "initContainers"],
        value: [{ ...container, name: "init", resources: { limits: { memory: "64Mi" } } }],
        expect: "requests.cpu",
      },
    ],
    unknown: { path: [...C0, "resources"], expect: "advisory" },
  },
  "kubernetes-core-pod-enforce-allowed-registry": {
    specs: [deployment],
    target: "app",
    violations: [
      { why: "Docker Hub", path: [...C0, "image"], value: "nginx:1.27.0", expect: "nginx" },
      { why: "lookalike host", path: [...C0, "image"], value: "quay.io.evil.example/x:1.0", expect: "evil" },
      {
        why: "Docker Hub in a RayJob head (custom resource)",
        add: [
          s("kubernetes:ray.io/v1:RayJob", "ray", {
            metadata: { name: "ray", namespace: "team-fraud" },
            spec: {
              rayClusterSpec: { headGroupSpec: { template: { spec: { containers: [{ ...container, image: "rayproject/ray:2.9.0" }] } } } },
            },
          }),
        ],
        expect: "rayproject/ray",
      },
    ],
    unknown: { path: [...C0, "image"], expect: "advisory" },
  },
  "kubernetes-core-pod-disallow-unpinned-image": {
    specs: [deployment],
    target: "app",
    violations: [
      { why: "latest", path: [...C0, "image"], value: "quay.io/argoproj/argocli:latest", expect: "latest" },
      { why: "untagged", path: [...C0, "image"], value: "quay.io/argoproj/argocli", expect: "no tag or digest" },
      { why: "latest in upper case", path: [...C0, "image"], value: "quay.io/argoproj/argocli:LATEST", expect: "latest" },
      { why: "a truncated digest", path: [...C0, "image"], value: "quay.io/argoproj/argocli@sha256:abc123", expect: "not a sha256 digest" },
      { why: "an empty tag", path: [...C0, "image"], value: "quay.io/argoproj/argocli:", expect: "empty tag" },
      { why: "the branch tag main", path: [...C0, "image"], value: "ghcr.io/mlflow/mlflow:main", expect: "moving" },
      { why: "latest-gpu", path: [...C0, "image"], value: "ghcr.io/acme/model-server:latest-gpu", expect: "latest" },
      { why: "nightly in a JobSet", add: [crdPod(JOBSET, "js", {}, { image: "nvcr.io/nvidia/pytorch:nightly" })], expect: "nightly" },
    ],
    unknown: { path: [...C0, "image"], expect: "advisory" },
  },
  "kubernetes-core-service-disallow-public-load-balancer": {
    specs: [
      s("kubernetes:core/v1:Service", "svc", {
        metadata: { name: "svc", namespace: "serving", annotations: { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" } },
        spec: { type: "LoadBalancer" },
      }),
    ],
    target: "svc",
    violations: [
      { why: "internet-facing", path: ["metadata", "annotations"], value: {}, expect: "internet-facing" },
      {
        why: "scheme internet-facing",
        path: ["metadata", "annotations", "service.beta.kubernetes.io/aws-load-balancer-scheme"],
        value: "internet-facing",
        expect: "internet-facing",
      },
      {
        why: "the Azure internal annotation set to false",
        path: ["metadata", "annotations"],
        value: { "service.beta.kubernetes.io/azure-load-balancer-internal": "false" },
        expect: "internet-facing",
      },
      {
        why: "internal and internet-facing annotations together (internet-facing wins)",
        path: ["metadata", "annotations"],
        value: {
          "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
          "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
        },
        expect: "internet-facing",
      },
      { why: "NodePort", path: ["spec", "type"], value: "NodePort", expect: "NodePort" },
      { why: "externalIPs", path: ["spec", "externalIPs"], value: ["203.0.113.10"], expect: "externalIPs" },
      {
        why: "an Ingress asking for an internet-facing ALB",
        add: [
          s("kubernetes:networking.k8s.io/v1:Ingress", "ing", {
            metadata: { name: "ing", namespace: "serving", annotations: { "alb.ingress.kubernetes.io/scheme": "internet-facing" } },
            spec: { ingressClassName: "alb" },
          }),
        ],
        expect: "internet-facing ALB",
      },
      {
        why: "an Ingress on the Application Gateway's public IP",
        add: [
          s("kubernetes:networking.k8s.io/v1:Ingress", "ing", {
            metadata: { name: "ing", namespace: "serving" },
            spec: { ingressClassName: "azure-application-gateway" },
          }),
        ],
        expect: "public IP",
      },
    ],
    unknown: { path: ["spec", "type"], expect: "advisory" },
  },
  "kubernetes-rbac-clusterrolebinding-disallow-broad-grant": {
    specs: [
      s("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "crb", {
        metadata: { name: "mlops-team-template-readers" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "mlops-cluster-template-reader" },
        subjects: [
          { kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "team-fraud" },
          { kind: "ServiceAccount", name: "argo-sso-team", namespace: "team-fraud" },
        ],
      }),
    ],
    target: "crb",
    violations: [
      { why: "cluster-admin", path: ["roleRef", "name"], value: "cluster-admin", expect: "cluster-admin" },
      { why: "the built-in edit role", path: ["roleRef", "name"], value: "edit", expect: "edit" },
      { why: "every authenticated user", path: ["subjects", 0, "name"], value: "system:authenticated", expect: "every user" },
      { why: "every service account", path: ["subjects", 0, "name"], value: "system:serviceaccounts", expect: "every user" },
      {
        why: "every service account of a namespace",
        path: ["subjects", 0, "name"],
        value: "system:serviceaccounts:team-fraud",
        expect: "every user",
      },
      {
        why: "cluster-admin through a RoleBinding",
        add: [
          s("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "rb", {
            metadata: { name: "rb", namespace: "kube-system" },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
            subjects: [{ kind: "Group", name: "team-fraud" }],
          }),
        ],
        expect: "cluster-admin",
      },
      {
        why: "admin to every service account of a namespace through a RoleBinding",
        add: [
          s("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "rb", {
            metadata: { name: "rb", namespace: "team-fraud" },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" },
            subjects: [{ kind: "Group", name: "system:serviceaccounts:team-fraud" }],
          }),
        ],
        expect: "every workload of the namespace",
      },
    ],
    unknown: { path: ["roleRef"], expect: "advisory" },
  },
  "kubernetes-rbac-role-disallow-wildcard": {
    specs: [
      s("kubernetes:rbac.authorization.k8s.io/v1:Role", "role", {
        rules: [{ apiGroups: ["argoproj.io"], resources: ["workflows"], verbs: ["get", "list", "create"] }],
      }),
    ],
    target: "role",
    violations: [
      { why: "verbs *", path: ["rules", 0, "verbs"], value: ["*"], expect: "verbs" },
      { why: "resources *", path: ["rules", 0, "resources"], value: ["*"], expect: "resources" },
      {
        why: "reading every secret through a ClusterRole",
        add: [
          s("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "cr", {
            rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["list"] }],
          }),
        ],
        expect: "every secret",
      },
      { why: "nodes/proxy", path: ["rules", 0], value: { apiGroups: [""], resources: ["nodes/proxy"], verbs: ["get"] }, expect: "kubelet" },
      {
        why: "minting service account tokens",
        path: ["rules", 0],
        value: { apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"] },
        expect: "mints tokens",
      },
      {
        why: "approving certificate requests",
        path: ["rules", 0],
        value: { apiGroups: ["certificates.k8s.io"], resources: ["certificatesigningrequests/approval"], verbs: ["update"] },
        expect: "approves",
      },
      {
        why: "editing admission policy bindings",
        path: ["rules", 0],
        value: { apiGroups: ["admissionregistration.k8s.io"], resources: ["validatingadmissionpolicybindings"], verbs: ["patch"] },
        expect: "admission guardrails",
      },
      {
        why: "exec in every pod (ClusterRole)",
        add: [
          s("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "cr", {
            rules: [{ apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] }],
          }),
        ],
        expect: "runs commands",
      },
      {
        why: "an aggregationRule pulling in admin",
        add: [
          s("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "cr", {
            aggregationRule: { clusterRoleSelectors: [{ matchLabels: { "rbac.authorization.k8s.io/aggregate-to-admin": "true" } }] },
          }),
        ],
        expect: "aggregate-to-admin",
      },
    ],
    unknown: { path: ["rules"], expect: "advisory" },
  },
  "kubernetes-helm-release-enforce-pinned-version": {
    specs: [
      s("kubernetes:helm.sh/v3:Release", "argo", {
        chart: "argo-workflows",
        version: "0.45.4",
        repositoryOpts: { repo: "https://argoproj.github.io/argo-helm" },
      }),
    ],
    target: "argo",
    violations: [
      { why: "no version", path: ["version"], value: undefined, expect: "version" },
      { why: "range", path: ["version"], value: "^0.45.0", expect: "exact" },
      { why: "http repo", path: ["repositoryOpts", "repo"], value: "http://charts.example", expect: "HTTPS" },
    ],
    unknown: { path: ["version"], expect: "advisory" },
  },
  "kubernetes-helm-release-enforce-stack-registry": {
    specs: [
      s("aws:ecr/repository:Repository", "repo", { name: "mlops/steps", registryId: "123456789012" }),
      s("kubernetes:helm.sh/v3:Release", "rel", {
        chart: "argo-workflows",
        version: "1.0.18",
        repositoryOpts: { repo: "https://argoproj.github.io/argo-helm" },
        values: {
          controller: {
            image: {
              registry: "123456789012.dkr.ecr.me-central-1.amazonaws.com",
              repository: "quay/argoproj/workflow-controller",
              tag: "v4.0.6",
            },
          },
          executor: { image: "123456789012.dkr.ecr.me-central-1.amazonaws.com/quay/argoproj/argoexec:v4.0.6" },
        },
      }),
    ],
    target: "rel",
    violations: [
      { why: "upstream registry", path: ["values", "controller", "image", "registry"], value: "quay.io", expect: "quay.io" },
      {
        why: "upstream image string",
        path: ["values", "executor", "image"],
        value: "quay.io/argoproj/argoexec:v4.0.6",
        expect: "not the stack's registry",
      },
      { why: "global registry redirect", path: ["values", "global"], value: { imageRegistry: "docker.io" }, expect: "docker.io" },
      { why: "no registry in the stack", target: "repo", path: ["registryId"], value: "not-an-account", expect: "creates no registry" },
    ],
    unknown: { path: ["values", "executor", "image"], expect: "mandatory" },
  },
  "kubernetes-core-pod-enforce-stack-registry": {
    specs: [
      s("aws:ecr/repository:Repository", "repo", { name: "mlops/steps", registryId: "123456789012" }),
      {
        ...deployment,
        inputs: {
          metadata: { name: "app", namespace: "mlflow" },
          spec: {
            template: {
              spec: {
                securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
                containers: [{ ...container, image: "123456789012.dkr.ecr.me-central-1.amazonaws.com/mlops/steps:1.0.0" }],
              },
            },
          },
        },
      },
    ],
    target: "app",
    violations: [
      {
        why: "another account's ECR in the same region",
        path: [...C0, "image"],
        value: "999999999999.dkr.ecr.me-central-1.amazonaws.com/mlops/steps:1.0.0",
        expect: "does not create",
      },
      { why: "another company's ACR", path: [...C0, "image"], value: "partnerregistry.azurecr.io/steps:1.0.0", expect: "does not create" },
      { why: "an upstream registry", path: [...C0, "image"], value: "ghcr.io/acme/steps:1.0.0", expect: "ghcr.io" },
      { why: "no registry in the stack", target: "repo", path: ["registryId"], value: "not-an-account", expect: "creates no registry" },
      // Images it cannot resolve are reported, not passed: a Deployment's image is never templated
      // by anyone (only Argo resolves its own templates, at submission, under admission control).
      {
        why: "a templated registry in a Deployment",
        path: [...C0, "image"],
        value: "{{ .Values.registry }}/mlops/steps:1.0.0",
        expect: "registry is a template",
      },
      {
        why: "a shell-style templated registry",
        path: [...C0, "image"],
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell-style placeholder, as written in a manifest
        value: "${REGISTRY}/mlops/steps:1.0.0",
        expect: "registry is a template",
      },
      {
        why: "an image that is not a reference",
        path: [...C0, "image"],
        value: { repository: "mlops/steps" },
        expect: "not an image reference",
      },
    ],
    unknown: { path: [...C0, "image"], expect: "mandatory" },
  },
  // ── Data safety ──
  "aws-rds-database-enable-deletion-protection": {
    specs: [rds],
    target: "db",
    violations: [
      { why: "no deletion protection", path: ["deletionProtection"], value: false, expect: "deletion protection" },
      { why: "skip final snapshot", path: ["skipFinalSnapshot"], value: true, expect: "final snapshot" },
      { why: "short retention", path: ["backupRetentionPeriod"], value: 1, expect: "1 days" },
    ],
    unknown: { path: ["deletionProtection"], expect: "advisory" },
  },
  "aws-security-service-enforce-audit-enabled": {
    specs: [
      s("aws:guardduty/detector:Detector", "gd", { enable: true }),
      s("aws:cfg/recorderStatus:RecorderStatus", "rec", { name: "default", isEnabled: true }),
    ],
    target: "gd",
    violations: [
      { why: "a disabled detector", path: ["enable"], value: false, expect: "disabled" },
      { why: "a disabled detector as a string", path: ["enable"], value: "false", expect: "disabled" },
      { why: "a stopped Config recorder", target: "rec", path: ["isEnabled"], value: false, expect: "stopped" },
      {
        why: "a disabled GuardDuty feature",
        add: [s("aws:guardduty/detectorFeature:DetectorFeature", "feat", { detectorId: "d", name: "S3_DATA_EVENTS", status: "DISABLED" })],
        target: "feat",
        expect: "DISABLED",
      },
    ],
    unknown: { path: ["enable"], expect: "advisory" },
  },
  "azure-security-service-enforce-audit-enabled": {
    specs: [
      s("azure-native:security:Pricing", "defender", { pricingName: "VirtualMachines", pricingTier: "Standard" }),
      s("azure-native:sql:ServerBlobAuditingPolicy", "audit", { serverName: "sql", state: "Enabled" }),
    ],
    target: "defender",
    violations: [
      { why: "Defender on the Free tier", path: ["pricingTier"], value: "Free", expect: "Free" },
      { why: "Defender tier unset", path: ["pricingTier"], value: undefined, expect: "(unset)" },
      { why: "SQL auditing disabled", target: "audit", path: ["state"], value: "Disabled", expect: "Disabled" },
      {
        why: "database auditing disabled",
        add: [s("azure-native:sql:DatabaseBlobAuditingPolicy", "dbaudit", { serverName: "sql", databaseName: "d", state: "Disabled" })],
        target: "dbaudit",
        expect: "Disabled",
      },
    ],
    unknown: { path: ["pricingTier"], expect: "advisory" },
  },
  "aws-s3-bucket-enable-versioning": {
    specs: BUCKET,
    target: "data-versioning",
    violations: [
      { why: "suspended", path: ["versioningConfiguration", "status"], value: "Suspended", expect: "Enabled" },
      { why: "disabled", path: ["versioningConfiguration", "status"], value: "Disabled", expect: "Enabled" },
      { why: "versioning set on another bucket", path: ["bucket"], value: "other-bkt", expect: "Enabled" },
      { why: "status in lower case", path: ["versioningConfiguration", "status"], value: "enabled", expect: "Enabled" },
      {
        why: "a second versioning resource of the bucket Suspended",
        add: [
          s("aws:s3/bucketVersioning:BucketVersioning", "data-versioning-2", {
            bucket: "data-bkt",
            versioningConfiguration: { status: "Suspended" },
          }),
        ],
        target: "data-versioning-2",
        expect: "Suspended",
      },
      {
        why: "inline versioning disabled next to an Enabled BucketVersioning",
        target: "data",
        path: ["versioning"],
        value: { enabled: false },
        expect: "inline versioning",
      },
    ],
    unknown: { path: ["versioningConfiguration"], expect: "advisory" },
  },
  "pulumi-stack-environment-enforce-consistency": {
    specs: [
      { ...storage, inputs: { ...storage.inputs, tags: { "mlops-platform:environment": "production" } } },
      s("kubernetes:core/v1:ConfigMap", "settings", {
        metadata: { name: "mlops-pipeline-settings", namespace: "ml-pipelines" },
        data: { PLATFORM_ENVIRONMENT: "production" },
      }),
      s("pulumi:pulumi:Stack", "mlops-platform-test", { environment: "production" }, { provider: "none" }),
    ],
    target: "sa",
    violations: [
      { why: "a tag claims development", path: ["tags", "mlops-platform:environment"], value: "development", expect: 'says "development"' },
      {
        why: "the pipeline settings claim development (the steps would skip approval)",
        target: "settings",
        path: ["data", "PLATFORM_ENVIRONMENT"],
        value: "development",
        expect: "data.PLATFORM_ENVIRONMENT",
      },
      { why: "the stack output claims development", target: "mlops-platform-test", path: ["environment"], value: "development" },
      {
        why: "the AWS provider's default tags claim development",
        provider: {
          aws: { region: "me-central-1", defaultTags: JSON.stringify({ tags: { "mlops-platform:environment": "development" } }) },
        },
        expect: "defaultTags",
      },
    ],
    unknown: { path: ["tags", "mlops-platform:environment"], expect: "none" },
  },
  "pulumi-stateful-resource-enable-protect": {
    specs: [rds],
    target: "db",
    violations: [
      { why: "not protected", unprotect: true, expect: "protect" },
      {
        why: "an unprotected bucket",
        add: [s("aws:s3/bucket:Bucket", "loose-bkt", { bucket: "loose" })],
        target: "loose-bkt",
        expect: "aws:s3/bucket:Bucket",
      },
      {
        why: "an unprotected Key Vault",
        add: [s("azure-native:keyvault:Vault", "loose-kv", { properties: { enablePurgeProtection: true } })],
        target: "loose-kv",
        expect: "keyvault:Vault",
      },
      {
        why: "an unprotected DynamoDB table a team adds",
        add: [s("aws:dynamodb/table:Table", "loose-table", { hashKey: "id" })],
        target: "loose-table",
        expect: "dynamodb/table",
      },
    ],
    unknown: { path: ["engine"], expect: "none" },
  },
  "azure-storage-account-enable-soft-delete": {
    specs: [
      storage,
      s(
        "azure-native:storage:BlobServiceProperties",
        "sa-blob",
        {
          accountName: "mlopssa",
          deleteRetentionPolicy: { enabled: true, days: 35 },
          containerDeleteRetentionPolicy: { enabled: true, days: 35 },
          isVersioningEnabled: true,
        },
        { dependsOn: { accountName: ["sa"] } },
      ),
    ],
    target: "sa-blob",
    violations: [
      { why: "short soft delete", path: ["deleteRetentionPolicy", "days"], value: 1, expect: "deleteRetentionPolicy" },
      { why: "no versioning", path: ["isVersioningEnabled"], value: false, expect: "versioning" },
      { why: "no blob service properties", path: ["accountName"], value: "other", expect: "no BlobServiceProperties" },
    ],
    unknown: { path: ["deleteRetentionPolicy"], expect: "advisory" },
  },
  "azure-postgresql-server-enforce-backup-retention": {
    specs: [pg],
    target: "pg",
    violations: [
      { why: "short retention", path: ["backup", "backupRetentionDays"], value: 7, expect: "7 days" },
      { why: "retention unset (the 7-day default)", path: ["backup", "backupRetentionDays"], value: undefined, expect: "7 days" },
      { why: "no backup block", path: ["backup"], value: undefined, expect: "7 days" },
      { why: "retention as a numeric string", path: ["backup", "backupRetentionDays"], value: "14", expect: "14 days" },
    ],
    unknown: { path: ["backup"], expect: "advisory" },
  },
  "azure-keyvault-vault-enable-purge-protection": {
    specs: [
      s("azure-native:keyvault:Vault", "kv", { properties: { enablePurgeProtection: true, enableSoftDelete: true } }, { protect: true }),
    ],
    target: "kv",
    violations: [
      { why: "no purge protection", path: ["properties", "enablePurgeProtection"], value: false, expect: "purge" },
      { why: "no soft delete", path: ["properties", "enableSoftDelete"], value: false, expect: "soft delete" },
      { why: "purge protection unset (off by default)", path: ["properties", "enablePurgeProtection"], value: undefined, expect: "purge" },
      { why: "purge protection as a string", path: ["properties", "enablePurgeProtection"], value: "false", expect: "purge" },
    ],
    unknown: { path: ["properties"], expect: "advisory" },
  },
  "aws-cloudwatch-log-group-configure-retention": {
    specs: [s("aws:cloudwatch/logGroup:LogGroup", "lg", { kmsKeyId: KEY_ARN, retentionInDays: 365 })],
    target: "lg",
    violations: [
      { why: "short retention", path: ["retentionInDays"], value: 7, expect: "7 days" },
      { why: "unset", path: ["retentionInDays"], value: undefined, expect: "unset" },
      { why: "retention as a numeric string", path: ["retentionInDays"], value: "30", expect: "30 days" },
      { why: "one day", path: ["retentionInDays"], value: 1, expect: "1 days" },
    ],
    unknown: { path: ["retentionInDays"], expect: "advisory" },
  },
  "azure-operationalinsights-workspace-configure-retention": {
    specs: [s("azure-native:operationalinsights:Workspace", "law", { retentionInDays: 365 })],
    target: "law",
    violations: [
      { why: "short retention", path: ["retentionInDays"], value: 30, expect: "30 days" },
      { why: "retention unset (the 30-day default)", path: ["retentionInDays"], value: undefined, expect: "30 days" },
      { why: "retention as a numeric string", path: ["retentionInDays"], value: "90", expect: "90 days" },
      {
        why: "a table that keeps less than its workspace",
        add: [
          s("azure-native:operationalinsights:Table", "audit-table", {
            workspaceName: "law",
            tableName: "AuditLogs",
            totalRetentionInDays: 30,
          }),
        ],
        target: "audit-table",
        expect: "table keeps logs 30 days",
      },
    ],
    unknown: { path: ["retentionInDays"], expect: "advisory" },
  },
  "aws-iam-role-enforce-scoped-trust": {
    specs: [
      s("aws:iam/role:Role", "irsa", {
        assumeRolePolicy: iamPolicy([
          {
            Effect: "Allow",
            Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.me-central-1.amazonaws.com/id/ABC" },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
              StringEquals: {
                "oidc.eks.me-central-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:team-fraud:pipeline-train",
                "oidc.eks.me-central-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com",
              },
            },
          },
        ]),
      }),
    ],
    target: "irsa",
    violations: [
      {
        why: "a service-account pattern",
        path: ["assumeRolePolicy"],
        value: iamPolicy([
          {
            Effect: "Allow",
            Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.me-central-1.amazonaws.com/id/ABC" },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
              StringLike: { "oidc.eks.me-central-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:team-*:*" },
              StringEquals: { "oidc.eks.me-central-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com" },
            },
          },
        ]),
        expect: "subject pattern",
      },
      {
        why: "no audience",
        path: ["assumeRolePolicy"],
        value: iamPolicy([
          {
            Effect: "Allow",
            Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.me-central-1.amazonaws.com/id/ABC" },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: { StringEquals: { "oidc.eks.me-central-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:a:b" } },
          },
        ]),
        expect: "audience",
      },
      {
        why: "the whole account",
        path: ["assumeRolePolicy"],
        value: iamPolicy([{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "sts:AssumeRole" }]),
        expect: "every identity of account 123456789012",
      },
      {
        why: "anyone",
        path: ["assumeRolePolicy"],
        value: iamPolicy([{ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" }]),
        expect: "lets anyone assume",
      },
      {
        why: "every STS action",
        path: ["assumeRolePolicy"],
        value: iamPolicy([{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:*" }]),
        expect: '"sts:*"',
      },
    ],
    unknown: { path: ["assumeRolePolicy"], expect: "advisory" },
  },
  "aws-data-service-enforce-private-network": {
    specs: [
      s("aws:sqs/queue:Queue", "queue", { kmsMasterKeyId: KEY_ARN }),
      s("aws:ec2/vpcEndpoint:VpcEndpoint", "ep-sqs", {
        serviceName: "com.amazonaws.me-central-1.sqs",
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        vpcId: "vpc-1",
      }),
      s("aws:elasticache/replicationGroup:ReplicationGroup", "cache", {
        description: "c",
        subnetGroupName: "cache-subnets",
        securityGroupIds: ["sg-1"],
        atRestEncryptionEnabled: true,
        transitEncryptionEnabled: true,
        kmsKeyId: KEY_ARN,
      }),
    ],
    target: "queue",
    violations: [
      { why: "a cache outside the subnet group", target: "cache", path: ["subnetGroupName"], value: "", expect: "subnetGroupName" },
      { why: "a cache on the default security group", target: "cache", path: ["securityGroupIds"], value: [], expect: "securityGroupIds" },
      { why: "private DNS off", target: "ep-sqs", path: ["privateDnsEnabled"], value: false, expect: "private DNS off" },
      {
        why: "no sqs endpoint",
        target: "ep-sqs",
        path: ["serviceName"],
        value: "com.amazonaws.me-central-1.sts",
        expect: "no interface VPC endpoint for sqs",
      },
      {
        why: "a gateway endpoint only",
        target: "ep-sqs",
        path: ["vpcEndpointType"],
        value: "Gateway",
        expect: "no interface VPC endpoint for sqs",
      },
    ],
    unknown: { target: "ep-sqs", path: ["serviceName"], expect: "none" },
  },
  "azure-data-service-enforce-private-endpoint": {
    specs: [
      s("azure-native:redis:Redis", "redis", { name: "redis-mlops", publicNetworkAccess: "Disabled", location: "uaenorth" }),
      s("azure-native:network:PrivateEndpoint", "redis-pe", {
        location: "uaenorth",
        privateLinkServiceConnections: [
          {
            name: "c",
            groupIds: ["redisCache"],
            privateLinkServiceId: "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Cache/redis/redis-mlops",
          },
        ],
      }),
    ],
    target: "redis",
    violations: [
      {
        why: "the endpoint targets another cache",
        target: "redis-pe",
        path: ["privateLinkServiceConnections", 0, "privateLinkServiceId"],
        value: "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Cache/redis/other",
        expect: "no private endpoint",
      },
      {
        why: "no endpoint at all",
        target: "redis-pe",
        path: ["privateLinkServiceConnections"],
        value: [],
        expect: "Redis cache redis-mlops",
      },
    ],
    unknown: { target: "redis-pe", path: ["privateLinkServiceConnections"], expect: "none" },
  },
};
