/**
 * Deterministic placeholders for the identifiers a cloud assigns at creation (ids, ARNs,
 * generated names), in each cloud's own format, so that documents embedding them (IAM
 * policies, role assignments, bucket policies) can still be checked offline.
 *
 * Everything else that is only known after deployment is left out, so the runtime marks it
 * unknown, as a preview does. The placeholder account and subscription are documented in
 * docs/offline-plan.md.
 */
import { digest } from "./values";

/** The AWS account id used in every placeholder ARN. */
export const PLACEHOLDER_AWS_ACCOUNT = "123456789012";
/** The Azure subscription id used in every placeholder resource id. */
export const PLACEHOLDER_AZURE_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
/** The Azure tenant id returned by getClientConfig. */
export const PLACEHOLDER_AZURE_TENANT = "00000000-0000-0000-0000-0000000000aa";
/** The Azure object id of the deploying principal returned by getClientConfig. */
export const PLACEHOLDER_AZURE_OBJECT_ID = "00000000-0000-0000-0000-0000000000bb";

/** Context of one resource registration. */
export interface PlaceholderInput {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly inputs: Record<string, unknown>;
  /** Region (AWS) or location (Azure) of the resource's provider. */
  readonly region: string | undefined;
}

/** A deterministic UUID (v4 layout) derived from `seed`. */
export function placeholderUuid(seed: string): string {
  const h = digest(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Pulumi's auto-name: the logical name and seven hex characters. */
export function autoName(name: string, urn: string): string {
  return `${name}-${digest(urn, 7)}`;
}

// AWS ---------------------------------------------------------------------------------------

/** Property the provider auto-names when it is not set, for AWS types that have one. */
const AWS_AUTONAME: Record<string, string> = {
  "aws:s3/bucket:Bucket": "bucket",
  "aws:s3/bucketV2:BucketV2": "bucket",
  "aws:rds/instance:Instance": "identifier",
  "aws:rds/cluster:Cluster": "clusterIdentifier",
  "aws:elasticache/replicationGroup:ReplicationGroup": "replicationGroupId",
  "aws:eks/nodeGroup:NodeGroup": "nodeGroupName",
  "aws:eks/addon:Addon": "addonName",
};
const AWS_NAMED_PREFIXES = [
  "aws:iam/role:",
  "aws:iam/policy:",
  "aws:iam/rolePolicy:",
  "aws:iam/instanceProfile:",
  "aws:ec2/securityGroup:",
  "aws:ec2/launchTemplate:",
  "aws:cloudwatch/logGroup:",
  "aws:eks/cluster:",
  "aws:sqs/queue:",
  "aws:ecr/repository:",
  "aws:cloudtrail/trail:",
  "aws:networkfirewall/",
  "aws:secretsmanager/secret:",
  "aws:rds/subnetGroup:",
  "aws:rds/parameterGroup:",
  "aws:rds/clusterParameterGroup:",
  "aws:elasticache/subnetGroup:",
  "aws:elasticache/parameterGroup:",
  "aws:kms/alias:",
  "aws:elasticache/userGroup:",
];

/**
 * The longest physical name the provider accepts where it auto-names (the AWS API limits, which
 * the provider's auto-naming enforces: a logical name plus "-" and 7 random characters longer than
 * this fails `pulumi preview`). The plan fails the same way, so a fork with a long project, stack,
 * team or model name is caught offline. Only limits tighter than 128 are listed.
 */
export const AWS_AUTONAME_MAX_LENGTH: Readonly<Record<string, number>> = {
  "aws:iam/role:Role": 64,
  "aws:s3/bucket:Bucket": 63,
  "aws:s3/bucketV2:BucketV2": 63,
  "aws:rds/instance:Instance": 63,
  "aws:rds/cluster:Cluster": 63,
  "aws:elasticache/replicationGroup:ReplicationGroup": 40,
  "aws:eks/nodeGroup:NodeGroup": 63,
  "aws:sqs/queue:Queue": 80,
  "aws:eks/cluster:Cluster": 100,
};

/** EC2-style id prefixes. */
const AWS_ID_PREFIX: Record<string, string> = {
  "aws:ec2/vpc:Vpc": "vpc",
  "aws:ec2/subnet:Subnet": "subnet",
  "aws:ec2/securityGroup:SecurityGroup": "sg",
  "aws:ec2/internetGateway:InternetGateway": "igw",
  "aws:ec2/natGateway:NatGateway": "nat",
  "aws:ec2/eip:Eip": "eipalloc",
  "aws:ec2/routeTable:RouteTable": "rtb",
  "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce",
  "aws:ec2/flowLog:FlowLog": "fl",
  "aws:ec2/launchTemplate:LaunchTemplate": "lt",
  "aws:ec2/networkAcl:NetworkAcl": "acl",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr",
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr",
  "aws:ec2/securityGroupRule:SecurityGroupRule": "sgrule",
};

function awsArn(service: string, region: string, resource: string, global = false): string {
  return `arn:aws:${service}:${global ? "" : region}:${PLACEHOLDER_AWS_ACCOUNT}:${resource}`;
}

function awsPlaceholders(p: PlaceholderInput): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const region = p.region ?? "me-central-1";
  const autonameKey = AWS_AUTONAME[p.type] ?? (AWS_NAMED_PREFIXES.some((prefix) => p.type.startsWith(prefix)) ? "name" : undefined);
  let physical = p.name;
  if (autonameKey) {
    const given = p.inputs[autonameKey];
    const prefix = p.inputs[`${autonameKey}Prefix`];
    physical = typeof given === "string" ? given : typeof prefix === "string" ? `${prefix}${digest(p.urn, 26)}` : autoName(p.name, p.urn);
    const max = AWS_AUTONAME_MAX_LENGTH[p.type];
    if (given === undefined && max !== undefined && physical.length > max)
      throw new Error(
        `${p.type} "${p.name}": the provider auto-names it "${p.name}" plus "-" and 7 random characters (${physical.length}), longer than the ${max} AWS allows, so \`pulumi preview\` would fail; shorten the project, stack, team or model name, or give the resource an explicit name`,
      );
    if (given === undefined) out[autonameKey] = physical;
  }
  const idPrefix = AWS_ID_PREFIX[p.type];
  const [, modAndType = ""] = p.type.split(":");
  const service = modAndType.split("/")[0] ?? "";
  let id = idPrefix ? `${idPrefix}-${digest(p.urn, 17)}` : physical;
  let arn: string | undefined;
  switch (p.type) {
    case "aws:s3/bucket:Bucket":
    case "aws:s3/bucketV2:BucketV2":
      arn = `arn:aws:s3:::${physical}`;
      break;
    case "aws:iam/role:Role":
      arn = awsArn("iam", region, `role${p.inputs.path ?? "/"}${physical}`, true);
      out.uniqueId = `AROA${digest(p.urn, 17).toUpperCase()}`;
      break;
    case "aws:iam/policy:Policy":
      arn = awsArn("iam", region, `policy${p.inputs.path ?? "/"}${physical}`, true);
      break;
    case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
      arn = awsArn("iam", region, `oidc-provider/oidc.eks.${region}.amazonaws.com/id/${digest(p.urn, 32).toUpperCase()}`, true);
      id = arn;
      break;
    case "aws:kms/key:Key": {
      const keyId = placeholderUuid(p.urn);
      id = keyId;
      out.keyId = keyId;
      arn = awsArn("kms", region, `key/${keyId}`);
      break;
    }
    case "aws:kms/alias:Alias":
      arn = awsArn("kms", region, physical);
      break;
    case "aws:cloudwatch/logGroup:LogGroup":
      arn = awsArn("logs", region, `log-group:${physical}`);
      break;
    case "aws:sqs/queue:Queue":
      arn = awsArn("sqs", region, physical);
      id = `https://sqs.${region}.amazonaws.com/${PLACEHOLDER_AWS_ACCOUNT}/${physical}`;
      out.url = id;
      break;
    case "aws:ecr/repository:Repository":
      arn = awsArn("ecr", region, `repository/${physical}`);
      out.registryId = PLACEHOLDER_AWS_ACCOUNT;
      break;
    case "aws:eks/cluster:Cluster":
      arn = awsArn("eks", region, `cluster/${physical}`);
      // The issuer URL ends in an id AWS assigns; IRSA trust policies embed it (docs/offline-plan.md says why it is invented).
      out.identities = [{ oidcs: [{ issuer: `https://oidc.eks.${region}.amazonaws.com/id/${digest(p.urn, 32).toUpperCase()}` }] }];
      break;
    case "aws:eks/nodeGroup:NodeGroup":
      arn = awsArn("eks", region, `nodegroup/${String(p.inputs.clusterName ?? "cluster")}/${physical}/${placeholderUuid(p.urn)}`);
      break;
    case "aws:secretsmanager/secret:Secret":
      arn = awsArn("secretsmanager", region, `secret:${physical}-${digest(p.urn, 6)}`);
      id = arn;
      break;
    case "aws:rds/instance:Instance":
      arn = awsArn("rds", region, `db:${physical}`);
      out.resourceId = `db-${digest(p.urn, 26).toUpperCase()}`;
      break;
    case "aws:elasticache/replicationGroup:ReplicationGroup":
      arn = awsArn("elasticache", region, `replicationgroup:${physical}`);
      break;
    case "aws:cloudtrail/trail:Trail":
      arn = awsArn("cloudtrail", region, `trail/${physical}`);
      break;
    case "aws:networkfirewall/firewall:Firewall": {
      arn = awsArn("network-firewall", region, `firewall/${physical}`);
      id = arn;
      // AWS creates one endpoint (a vpce- id) in each mapped subnet; the zone is not in the inputs.
      const mappings = Array.isArray(p.inputs.subnetMappings) ? (p.inputs.subnetMappings as { subnetId?: unknown }[]) : [];
      out.firewallStatuses = [
        {
          syncStates: mappings
            .filter((m) => typeof m.subnetId === "string")
            .map((m) => ({ attachments: [{ subnetId: m.subnetId, endpointId: `vpce-${digest(`${p.urn}/${String(m.subnetId)}`, 17)}` }] })),
        },
      ];
      break;
    }
    case "aws:networkfirewall/firewallPolicy:FirewallPolicy":
      arn = awsArn("network-firewall", region, `firewall-policy/${physical}`);
      id = arn;
      break;
    case "aws:networkfirewall/ruleGroup:RuleGroup":
      arn = awsArn("network-firewall", region, `stateful-rulegroup/${physical}`);
      id = arn;
      break;
    case "aws:ec2/vpc:Vpc":
    case "aws:ec2/subnet:Subnet":
    case "aws:ec2/securityGroup:SecurityGroup":
    case "aws:ec2/natGateway:NatGateway":
    case "aws:ec2/internetGateway:InternetGateway":
    case "aws:ec2/routeTable:RouteTable":
    case "aws:ec2/vpcEndpoint:VpcEndpoint":
    case "aws:ec2/launchTemplate:LaunchTemplate": {
      const kind = modAndType.split(":").pop() ?? "";
      const arnKind = kind
        .replace(/([a-z])([A-Z])/g, "$1-$2")
        .toLowerCase()
        .replace("nat-gateway", "natgateway");
      arn = awsArn("ec2", region, `${arnKind}/${id}`);
      if (p.type === "aws:ec2/vpc:Vpc") out.defaultSecurityGroupId = `sg-${digest(`${p.urn}/default`, 17)}`;
      break;
    }
    default:
      if (autonameKey && service) arn = awsArn(service, region, `${service}/${physical}`);
  }
  out.id = id;
  if (arn) out.arn = arn;
  return out;
}

// Azure -------------------------------------------------------------------------------------

/** azure-native module → Azure resource-provider namespace. */
const AZURE_NAMESPACES: Record<string, string> = {
  resources: "Microsoft.Resources",
  network: "Microsoft.Network",
  storage: "Microsoft.Storage",
  keyvault: "Microsoft.KeyVault",
  containerservice: "Microsoft.ContainerService",
  containerregistry: "Microsoft.ContainerRegistry",
  dbforpostgresql: "Microsoft.DBforPostgreSQL",
  cache: "Microsoft.Cache",
  redis: "Microsoft.Cache",
  redisenterprise: "Microsoft.Cache",
  managedidentity: "Microsoft.ManagedIdentity",
  authorization: "Microsoft.Authorization",
  operationalinsights: "Microsoft.OperationalInsights",
  insights: "Microsoft.Insights",
  monitor: "Microsoft.Insights",
  compute: "Microsoft.Compute",
  privatedns: "Microsoft.Network",
  eventgrid: "Microsoft.EventGrid",
  servicebus: "Microsoft.ServiceBus",
  security: "Microsoft.Security",
  alertsmanagement: "Microsoft.AlertsManagement",
  dashboard: "Microsoft.Dashboard",
};

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** English plural, as ARM spells its resource types (`registries`, `publicIPAddresses`). */
export function armPlural(word: string): string {
  if (/[^aeiou]y$/i.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|z|sh|ch)$/i.test(word)) return `${word}es`;
  return `${word}s`;
}

/**
 * Where ARM's spelling of a type is not the SDK class name in the plural, or the resource lives
 * under a parent: the path after the provider namespace, `{name}` being the resource's name and
 * `{input}` the value of that input. Checked against the resource ids in Azure's REST API specs.
 */
const AZURE_ID_PATHS: Record<string, string> = {
  "azure-native:network:Subnet": "virtualNetworks/{virtualNetworkName}/subnets/{name}",
  "azure-native:network:PrivateDnsZoneGroup": "privateEndpoints/{privateEndpointName}/privateDnsZoneGroups/{name}",
  "azure-native:privatedns:PrivateZone": "privateDnsZones/{name}",
  "azure-native:privatedns:VirtualNetworkLink": "privateDnsZones/{privateZoneName}/virtualNetworkLinks/{name}",
  "azure-native:redis:Redis": "redis/{name}",
  "azure-native:authorization:ManagementLockByScope": "locks/{name}",
  "azure-native:keyvault:Key": "vaults/{vaultName}/keys/{name}",
  "azure-native:keyvault:Secret": "vaults/{vaultName}/secrets/{name}",
  "azure-native:operationalinsights:Table": "workspaces/{workspaceName}/tables/{name}",
  "azure-native:containerservice:AgentPool": "managedClusters/{resourceName}/agentPools/{name}",
  "azure-native:storage:Queue": "storageAccounts/{accountName}/queueServices/default/queues/{name}",
  "azure-native:storage:BlobServiceProperties": "storageAccounts/{accountName}/blobServices/default",
  "azure-native:storage:BlobContainer": "storageAccounts/{accountName}/blobServices/default/containers/{name}",
  "azure-native:storage:ManagementPolicy": "storageAccounts/{accountName}/managementPolicies/default",
  "azure-native:eventgrid:SystemTopicEventSubscription": "systemTopics/{systemTopicName}/eventSubscriptions/{name}",
  "azure-native:managedidentity:FederatedIdentityCredential": "userAssignedIdentities/{resourceName}/federatedIdentityCredentials/{name}",
  "azure-native:dbforpostgresql:Server": "flexibleServers/{name}",
  "azure-native:dbforpostgresql:Configuration": "flexibleServers/{serverName}/configurations/{name}",
  "azure-native:dbforpostgresql:Database": "flexibleServers/{serverName}/databases/{name}",
  "azure-native:monitor:DiagnosticSetting": "diagnosticSettings/{name}",
  "azure-native:monitor:SubscriptionDiagnosticSetting": "diagnosticSettings/{name}",
};

/** Input naming the resource itself, where it is not `<type>Name`, `<last word>Name` or `resourceName`. */
const AZURE_OWN_NAME: Record<string, string> = {
  "azure-native:managedidentity:FederatedIdentityCredential": "federatedIdentityCredentialResourceName",
  "azure-native:containerservice:AgentPool": "agentPoolName",
  "azure-native:storage:BlobContainer": "containerName",
  "azure-native:eventgrid:SystemTopicEventSubscription": "eventSubscriptionName",
};

function azurePlaceholders(p: PlaceholderInput): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const [, mod = "", typeName = ""] = p.type.split(":");
  const namespace = AZURE_NAMESPACES[mod.split("/")[0] ?? ""] ?? `Microsoft.${mod}`;
  const lastWord = typeName.match(/[A-Z][a-z0-9]*$/)?.[0] ?? typeName;
  const ownKeys = [`${lowerFirst(typeName)}Name`, `${lowerFirst(lastWord)}Name`, "resourceName", "name"];
  if (typeName === "ResourceGroup") ownKeys.unshift("resourceGroupName");
  const own = AZURE_OWN_NAME[p.type];
  if (own) ownKeys.splice(0, ownKeys.length, own, "name");
  let physical: string | undefined;
  for (const k of ownKeys) {
    if (typeof p.inputs[k] === "string") {
      physical = p.inputs[k] as string;
      break;
    }
  }
  physical ??= autoName(p.name, p.urn);
  out.name = physical;
  const sub = `/subscriptions/${PLACEHOLDER_AZURE_SUBSCRIPTION}`;
  const rg = typeof p.inputs.resourceGroupName === "string" ? p.inputs.resourceGroupName : undefined;
  const scopeInput = p.type === "azure-native:monitor:DiagnosticSetting" ? p.inputs.resourceUri : p.inputs.scope;
  const scope = typeof scopeInput === "string" ? scopeInput : undefined;
  const name = physical;
  const path = (AZURE_ID_PATHS[p.type] ?? `${armPlural(lowerFirst(typeName))}/{name}`).replace(/\{(\w+)\}/g, (_, key: string) =>
    key === "name" ? name : typeof p.inputs[key] === "string" ? (p.inputs[key] as string) : autoName(key, p.urn),
  );
  if (typeName === "ResourceGroup") {
    out.id = `${sub}/resourceGroups/${physical}`;
  } else if (scope) {
    out.id = `${scope}/providers/${namespace}/${path}`;
  } else {
    out.id = `${sub}${rg ? `/resourceGroups/${rg}` : ""}/providers/${namespace}/${path}`;
  }
  if (p.type === "azure-native:managedidentity:UserAssignedIdentity") {
    out.clientId = placeholderUuid(`${p.urn}/client`);
    out.principalId = placeholderUuid(`${p.urn}/principal`);
    out.tenantId = PLACEHOLDER_AZURE_TENANT;
  }
  return out;
}

// Kubernetes, providers, random ---------------------------------------------------------------

function kubernetesPlaceholders(p: PlaceholderInput): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (p.type === "kubernetes:helm.sh/v3:Release") {
    const name = typeof p.inputs.name === "string" ? p.inputs.name : autoName(p.name, p.urn);
    out.name = name;
    out.id = `${String(p.inputs.namespace ?? "default")}/${name}`;
    return out;
  }
  const metadata = (p.inputs.metadata ?? {}) as Record<string, unknown>;
  const name = typeof metadata.name === "string" ? metadata.name : autoName(p.name, p.urn);
  if (metadata.name === undefined) out.metadata = { ...metadata, name };
  out.id = typeof metadata.namespace === "string" ? `${metadata.namespace}/${name}` : name;
  return out;
}

function randomPlaceholders(p: PlaceholderInput): Record<string, unknown> {
  switch (p.type) {
    case "random:index/randomId:RandomId": {
      const bytes = Number(p.inputs.byteLength ?? 8);
      const hex = digest(p.urn, bytes * 2);
      return { id: hex, hex, dec: BigInt(`0x${hex}`).toString(10), b64Url: Buffer.from(hex, "hex").toString("base64url") };
    }
    case "random:index/randomUuid:RandomUuid": {
      const uuid = placeholderUuid(p.urn);
      return { id: uuid, result: uuid };
    }
    default:
      // Passwords and strings stay unknown. An unknown value carries no secret marking in a
      // serialized plan, so checks on a plan cannot tell secret unknowns from others.
      return { id: placeholderUuid(p.urn) };
  }
}

/**
 * The placeholder outputs of a resource: its cloud-assigned identifiers. Always contains `id`.
 */
export function placeholderOutputs(p: PlaceholderInput): Record<string, unknown> {
  if (p.type.startsWith("pulumi:providers:")) return { id: placeholderUuid(p.urn) };
  if (p.type.startsWith("aws:")) return awsPlaceholders(p);
  if (p.type.startsWith("azure-native:")) return azurePlaceholders(p);
  if (p.type.startsWith("kubernetes:")) return kubernetesPlaceholders(p);
  if (p.type.startsWith("random:")) return randomPlaceholders(p);
  return { id: `${p.name}-${digest(p.urn, 8)}` };
}
