/**
 * The schema of a stack's configuration (the `mlops-platform:*` keys of `Pulumi.yaml` and
 * `Pulumi.<stack>.yaml`).
 *
 * Two schemas: {@link StackConfigSchema} checks what a stack file may say (every key optional
 * except `cloud`, `region` and `profile`; unknown keys refused), and {@link PlatformConfigSchema}
 * checks the resolved configuration after the size profile and the environment are applied,
 * including the rules that span several keys (min ≤ max, CIDR overlaps, instance types of the
 * right cloud, what production demands, …).
 */
import { z } from "zod";
import { stackPrefix } from "../components/aws/naming";
import { gpuQuotaProblems } from "../components/k8s/gpu-queues";
import { oidcEndpoints } from "../components/k8s/sso";
import { privateDnsProblems } from "../components/private-dns-checks";
import { cidrProblem, contains, isPrivate, overlaps, parseCidr } from "../contracts/cidr";
import { hostPatternProblem } from "../contracts/egress";
import { ENVIRONMENT_PRESETS, ENVIRONMENT_TAG, ENVIRONMENTS } from "../contracts/environment";
import { CREDENTIAL_REGISTRIES, UPSTREAM_REGISTRIES } from "../contracts/image-cache";
import { SUPPORTED_KUBERNETES_VERSIONS } from "../contracts/kubernetes";
import { AWS_UAE_REGIONS, AZURE_UAE_LOCATIONS, isAllowedRegion } from "../contracts/regions";
import { GPU_TAINT, hasGpuTaint } from "../contracts/scheduling";
import { poolGpusPerNode } from "./catalog/instances";
import { FeastSourceSchema, feastSourceRules } from "./feast-source";

const dnsLabel = z
  .string()
  .regex(/^[a-z]([a-z0-9-]{0,28}[a-z0-9])?$/, "must be a lowercase DNS label: a-z, 0-9 and '-', 1-30 characters, starting with a letter");

const cidr = z.string().superRefine((value, ctx) => {
  const problem = cidrProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

const k8sLabelValue = z
  .string()
  .regex(/^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/, "must be a valid Kubernetes label value (63 characters at most)");
const k8sLabelKey = z
  .string()
  .regex(
    /^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/,
    "must be a valid Kubernetes label key",
  );

/** A Kubernetes taint on a node pool. */
export const TaintSchema = z.strictObject({
  key: k8sLabelKey,
  value: k8sLabelValue.default(""),
  effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]),
});

/** One node pool. Instance types are AWS EC2 types or Azure VM sizes, depending on `cloud`. */
export const NodePoolSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9]{0,11}$/, "must be 1-12 lowercase letters and digits, starting with a letter (AKS limit)"),
  instanceTypes: z.array(z.string().min(1)).min(1, "needs at least one instance type / VM size"),
  minSize: z.number().int().nonnegative(),
  maxSize: z.number().int().positive(),
  diskSizeGiB: z.number().int().min(30).max(4096),
  spot: z.boolean().default(false),
  labels: z.record(k8sLabelKey, k8sLabelValue).default({}),
  taints: z.array(TaintSchema).default([]),
  /**
   * GPU pools: GPUs of one node, for the pool's capacity in the GPU queues (max nodes × GPUs per
   * node). Needed only for an instance type not in stacks/catalog/instances.ts.
   */
  gpusPerNode: z.number().int().positive().optional(),
});
/** A resolved node pool. */
export type NodePool = z.infer<typeof NodePoolSchema>;

/** An Entra object id (GUID), as AKS tokens and Azure RBAC name groups. */
const entraObjectId = z
  .string()
  .regex(
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    "must be an Entra group object id (a GUID such as 00000000-0000-0000-0000-000000000000)",
  );
/** An IAM role ARN (the role an SSO permission set creates). */
const iamRoleArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/,
    "must be an IAM role ARN such as arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/me-central-1/AWSReservedSSO_MLTeamFraud_0123456789abcdef",
  );
/** The GPU queues' view of the GPU pools (pools whose GPUs per node are unknown are left out; the schema refuses them). */
export function gpuPoolCapacities(pools: readonly NodePool[]): { name: string; spot: boolean; maxNodes: number; gpusPerNode: number }[] {
  return pools.flatMap((p) => {
    const gpusPerNode = poolGpusPerNode(p);
    return gpusPerNode === undefined ? [] : [{ name: p.name, spot: p.spot, maxNodes: p.maxSize, gpusPerNode }];
  });
}

/** A tenant team. */
export const TeamSchema = z.strictObject({
  name: dnsLabel,
  /** Identity-provider groups whose members act as this team. */
  groups: z.array(z.string().min(1)).min(1, "needs at least one identity-provider group"),
  /** Identity-provider groups whose members approve this team's production promotions (besides identity.approverGroups). */
  approverGroups: z.array(z.string().min(1)).default([]),
  /** AWS: the IAM roles the team's people assume through SSO; each gets an EKS access entry in the team's groups. */
  ssoRoleArns: z.array(iamRoleArn).default([]),
  /** Azure: the Entra object ids of the team's groups (AKS names groups by object id). */
  entraGroupIds: z.array(entraObjectId).default([]),
  gpuQuota: z.number().int().nonnegative().default(0),
  cpuQuota: z.number().int().positive().default(16),
  memoryQuotaGiB: z.number().int().positive().default(64),
});
/** A resolved team. */
export type Team = z.infer<typeof TeamSchema>;

/** An external data lake the pipelines may read (read-only). */
export const DataLakeSchema = z.strictObject({
  name: dnsLabel,
  /** `s3://bucket/prefix` (AWS) or `abfss://container@account.dfs.core.windows.net/prefix` (Azure). */
  uri: z.string().min(1),
  /** Region or location of the data lake; must be in the UAE allow-list. */
  region: z.string().min(1),
  /**
   * Azure only: resource id of the lake's storage account
   * (`/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Storage/storageAccounts/<account>`).
   * The abfss URI names the account but not its resource group, which a role assignment needs;
   * without it the platform cannot grant read access and the lake's owner must.
   */
  storageAccountId: z
    .string()
    .regex(
      /^\/subscriptions\/[0-9a-fA-F-]{36}\/resourceGroups\/[-\w.()]{1,90}\/providers\/Microsoft\.Storage\/storageAccounts\/[a-z0-9]{3,24}$/,
      "must be a storage account resource id: /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Storage/storageAccounts/<account>",
    )
    .optional(),
  /**
   * AWS only: ARN of the KMS key that encrypts the lake's objects (SSE-KMS). The platform then
   * grants kms:Decrypt on exactly that key, through S3 only; without it, only SSE-S3 objects are readable.
   */
  kmsKeyArn: z
    .string()
    .regex(
      /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/,
      "must be a KMS key ARN: arn:aws:kms:<region>:<account>:key/<key-id>",
    )
    .optional(),
});
/** A resolved data-lake source. */
export type DataLake = z.infer<typeof DataLakeSchema>;

const cron = z
  .string()
  .regex(
    /^(@(hourly|daily|weekly|monthly)|(\S+\s+){4}\S+)$/,
    "must be a cron schedule of five fields (e.g. '0 2 * * *') or @hourly, @daily, @weekly, @monthly",
  );
const pinnedImage = z.string().regex(/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)+(:[A-Za-z0-9_.-]+|@sha256:[a-f0-9]{64})$/, {
  error: "must be an image reference pinned to a tag or digest, e.g. registry.example.ae/models/scorer@sha256:<digest>",
});

/** A model's business metric: a PromQL query per variant that the A/B analysis compares. */
export const BusinessMetricSchema = z.strictObject({
  /** Name shown in the Grafana dashboard and the analysis (DNS label). */
  name: dnsLabel,
  /**
   * PromQL returning one number for one variant; `{{variant}}` is replaced with `stable` or
   * `canary` (the `variant` label every model server's metrics carry), e.g.
   * `sum(rate(approved_total{model="fraud-scorer",variant="{{variant}}"}[10m]))`.
   */
  query: z.string().includes("{{variant}}", { error: "must contain {{variant}}, replaced by stable and canary in the comparison" }),
  /** Whether a higher value is better (conversion) or worse (chargebacks). */
  direction: z.enum(["higher", "lower"]).default("higher"),
  /** Largest relative loss of the canary against the stable version that still passes (0.05 = 5 %). */
  tolerance: z.number().min(0).max(1).default(0.05),
});

/**
 * One model of the platform (the top-level `models:` key): who owns it, where its data lands,
 * how it is trained, watched for drift, served and scaled. Adding a model is one entry.
 */
export const ModelSchema = z.strictObject({
  /** The model's name: its Rollout, hosts (`<name>.models.<domain>`), dashboards and triggers. */
  name: dnsLabel,
  /** The owning team (one of `teams[].name`): its alert routes and namespace. */
  team: dnsLabel,
  /**
   * Prefix, inside the stack's datasets bucket/container, where this model's new data lands
   * (`teams/fraud/transactions/`): new objects under it retrain this model only. Relative, ending in `/`.
   */
  dataPrefix: z
    .string()
    .regex(
      /^([a-z0-9][a-z0-9._-]*\/)+$/,
      "must be a relative prefix of lowercase path segments ending in '/', e.g. teams/fraud/transactions/",
    ),
  /** How the model is trained: a pinned training image, or a git repository whose commits build it. */
  training: z
    .strictObject({
      image: pinnedImage.optional(),
      /** `https://` clone URL of the training code (its pushes build the training image). */
      repository: z.url({ protocol: /^https$/, error: "must be an https:// git clone URL" }).optional(),
    })
    .refine((t) => (t.image === undefined) !== (t.repository === undefined), {
      error: "needs exactly one of image or repository",
    }),
  /** Scheduled retraining (cron, UTC); none by default (data, commits and drift retrain). */
  schedule: cron.optional(),
  /** Drift monitoring of the served inputs against the training reference. */
  drift: z
    .strictObject({
      /** Population stability index above which the model is retrained. */
      psiThreshold: z.number().positive().max(10).default(0.2),
      /** When the drift monitor runs (cron, UTC). */
      schedule: cron.default("0 * * * *"),
    })
    .default({ psiThreshold: 0.2, schedule: "0 * * * *" }),
  /** How the model is served. */
  serving: z.strictObject({
    /** `blueGreen` (preview, smoke analysis, switch) or `canary` (an A/B test through the ingress). */
    strategy: z.enum(["blueGreen", "canary"]).default("blueGreen"),
    /** Canary traffic steps in percent, strictly increasing; only for `canary`. */
    weights: z.array(z.number().int().min(1).max(99)).min(1).default([10, 25, 50]),
    /** Registered model name in MLflow (defaults to the model's name). */
    registeredModel: z.string().min(1).optional(),
    /** The MLflow model version to serve: promote or roll back by changing this number. */
    version: z.number().int().positive(),
    /** Serving image (pinned) overriding the platform's MLflow server image. */
    image: pinnedImage.optional(),
  }),
  /** Service-level objectives the analyses enforce and the dashboard shows. */
  slo: z
    .strictObject({
      p95LatencyMs: z.number().int().positive().max(60_000).default(500),
      /** Largest share of 5xx responses (0.01 = 1 %). */
      errorRate: z.number().positive().max(1).default(0.01),
      businessMetric: BusinessMetricSchema.optional(),
    })
    .default({ p95LatencyMs: 500, errorRate: 0.01 }),
  /**
   * Replicas of the model server, scaled by KEDA on request rate and CPU. Defaults come from the
   * size profile; `minReplicas: 0` (scale to zero) is for development stacks only.
   */
  autoscaling: z
    .strictObject({
      minReplicas: z.number().int().min(0).max(100).optional(),
      maxReplicas: z.number().int().min(1).max(100).optional(),
      /** Requests per second one replica serves before another is added. */
      targetRequestsPerSecond: z.number().positive().default(20),
    })
    .default({ targetRequestsPerSecond: 20 }),
});
/** A model entry as a stack file writes it. */
export type ModelEntry = z.infer<typeof ModelSchema>;

/** A resolved model: registered model and replica bounds filled in from the name and the profile. */
export const ResolvedModelSchema = ModelSchema.extend({
  serving: ModelSchema.shape.serving.extend({ registeredModel: z.string().min(1) }),
  autoscaling: z.strictObject({
    minReplicas: z.number().int().min(0).max(100),
    maxReplicas: z.number().int().min(1).max(100),
    targetRequestsPerSecond: z.number().positive(),
  }),
});
/** A resolved model of the stack (`cfg.models[]`): what every component reads. */
export type ModelConfig = z.infer<typeof ResolvedModelSchema>;

const identitySchema = z.strictObject({
  /** OIDC issuer for SSO to Argo, MLflow and Grafana (Entra ID, Okta, Keycloak, Dex, …). */
  oidcIssuerUrl: z.url({ protocol: /^https$/, error: "must be an https:// URL" }),
  oidcClientId: z.string().min(1),
  /** Groups with platform-admin rights in Argo, MLflow, Grafana and the cluster. */
  adminGroups: z.array(z.string().min(1)).min(1),
  /** Groups with read-only access. */
  viewerGroups: z.array(z.string().min(1)).default([]),
  /** Groups whose members approve production promotions of every pipeline namespace (platform-wide approvers). */
  approverGroups: z.array(z.string().min(1)).default([]),
  /** IAM role ARNs (AWS) or Entra group object ids (Azure) granted cluster-admin access entries. */
  clusterAdmins: z.array(z.string().min(1)).default([]),
  /** LDAP bridged through Dex, when the identity provider is a directory. */
  ldap: z
    .strictObject({
      host: z.string().regex(/^[a-z0-9.-]+:\d+$/, "must be host:port"),
      bindDn: z.string().min(1),
      userBaseDn: z.string().min(1),
      groupBaseDn: z.string().min(1),
    })
    .optional(),
});

const availabilitySchema = z.strictObject({
  /** Spread the cluster, databases and caches across availability zones. */
  multiAz: z.boolean(),
  /** Number of availability zones used (2 or 3). */
  zoneCount: z.number().int().min(2).max(3),
  /** One NAT gateway per zone (true) or one shared (false). */
  natPerZone: z.boolean(),
  /** Highly available database (Multi-AZ RDS / zone-redundant Flexible Server). */
  databaseHighAvailability: z.boolean(),
  /** Read replicas of the Redis cache. */
  cacheReplicas: z.number().int().min(0).max(5),
  /** Replicas of the stateless platform services (MLflow, Argo server, Feast server). */
  serviceReplicas: z.number().int().min(1).max(10),
  /** Database instance class / SKU tier name, resolved per cloud by the cloud layer. */
  databaseSize: z.enum(["small", "medium", "large"]),
  cacheSize: z.enum(["small", "medium", "large"]),
});

const retentionSchema = z.strictObject({
  /** Application, flow and cluster log retention in days. */
  logDays: z.number().int().min(1).max(3653),
  /** Control-plane audit and CloudTrail / activity log retention in days. */
  auditLogDays: z.number().int().min(90).max(3653),
  /** Database backup retention in days. */
  backupDays: z.number().int().min(1).max(35),
  /** Days before non-current object versions are expired. */
  noncurrentVersionDays: z.number().int().min(1).max(3653),
});

const hostPattern = z.string().superRefine((value, ctx) => {
  const problem = hostPatternProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** Internet egress: the in-region firewall's allow-list and the (development-only) opt-out. */
export const EgressSchema = z.strictObject({
  /**
   * Hosts this stack's workloads may reach on the internet, on top of what the platform needs
   * (identity provider, upstream registries, the managed cluster's required hosts): e.g. your
   * VCS host or package index. `example.com` or `*.example.com`.
   */
  allowedHosts: z.array(hostPattern).default([]),
  /**
   * Run without the egress firewall (workloads reach any host through NAT). Development stacks
   * of the smb profile only, with the reason recorded here; refused in production (any size) and in enterprise.
   */
  firewallOptOut: z
    .strictObject({
      reason: z.string().trim().min(20, "must say why in at least 20 characters (it is recorded in the stack's outputs)"),
    })
    .optional(),
});
/** A resolved egress setting. */
export type EgressConfig = z.infer<typeof EgressSchema>;

const networkSchema = z.strictObject({
  /** The VPC / VNet address space (RFC 1918, /16 to /20). */
  cidr,
  /** Kubernetes service CIDR; must not overlap the network. */
  serviceCidr: cidr,
  /** Pod CIDR for overlay networking (Azure CNI overlay); must not overlap the network or the service CIDR. */
  podCidr: cidr,
  /** CIDRs allowed to reach the cluster API publicly. Empty (default) keeps the API private only. */
  apiAllowedCidrs: z.array(cidr).default([]),
  /** Internet egress through the in-region firewall. */
  egress: EgressSchema.default({ allowedHosts: [] }),
});

/** Marker of a secret config value that is set (the plan never sees the value itself). */
export const SECRET_SET = "[secret]";
/** Marker of a value set for a secret key without `--secret`: it sits in clear text in the stack file. */
export const SECRET_IN_CLEAR_TEXT = "[set without --secret]";
/** A registry credential set as a secret but not in the form `<username>:<access-token>` (stacks/config.ts). */
export const SECRET_MALFORMED = "[set, not <username>:<access-token>]";
const secretMarker = z.enum([SECRET_SET, SECRET_IN_CLEAR_TEXT]);
const registryCredentialMarker = z.enum([SECRET_SET, SECRET_IN_CLEAR_TEXT, SECRET_MALFORMED]);

const alertReceiverSchema = z.strictObject({
  name: dnsLabel,
  type: z.enum(["email", "webhook", "msteams", "slack"]),
  /** email: recipient address(es), comma-separated. */
  to: z
    .string()
    .regex(/^[^\s@,]+@[^\s@,]+(,\s*[^\s@,]+@[^\s@,]+)*$/, "must be one or more e-mail addresses, comma-separated")
    .optional(),
  /** email: sender address. */
  from: z.email("must be an e-mail address").optional(),
  /** email: SMTP relay host:port (inside the network). */
  smarthost: z
    .string()
    .regex(/^[a-z0-9.-]+:\d+$/, "must be host:port, e.g. smtp.bank.internal:587")
    .optional(),
  /** email: SMTP user; its password is the receiver's credential. */
  authUsername: z.string().min(1).optional(),
  /** slack: channel. */
  channel: z
    .string()
    .regex(/^#?[a-z0-9_-]{1,80}$/, "must be a Slack channel such as #mlops-alerts")
    .optional(),
});

const alertingSchema = z.strictObject({
  receivers: z.array(alertReceiverSchema).default([]),
  /** Routes per severity and/or team; the first matching (most specific) wins. */
  routes: z
    .array(
      z.strictObject({
        receiver: z.string().min(1),
        severity: z.enum(["critical", "warning", "info"]).optional(),
        team: dnsLabel.optional(),
      }),
    )
    .default([]),
  /** Receiver of alerts no route matches (default: the first receiver). */
  defaultReceiver: z.string().min(1).optional(),
});

/** The git server whose pushes train their own commit (webhook authenticated the server's way). */
export const GitSourceSchema = z.strictObject({
  /** How the server signs its webhook: GitHub `X-Hub-Signature-256` (HMAC-SHA256) or GitLab `X-Gitlab-Token`. */
  provider: z.enum(["github", "gitlab"]),
  /** Repositories (`owner/name`, GitLab `group/subgroup/name`) whose pushes start a pipeline. */
  repositories: z
    .array(z.string().regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)+$/, 'must be "owner/name", e.g. acme-bank/churn-model'))
    .min(1, "must list at least one repository"),
  /** Branches whose pushes train (others are acknowledged and dropped). */
  branches: z
    .array(z.string().regex(/^[A-Za-z0-9._/-]+$/, "must be a branch name such as main"))
    .min(1)
    .default(["main"]),
});
/** A resolved git source. */
export type GitSourceConfig = z.infer<typeof GitSourceSchema>;

const servicesSchema = z.strictObject({
  /** The git server whose webhook trains the pushed commit; its secret is the secret key `gitWebhookSecret`. */
  git: GitSourceSchema.optional(),
  /**
   * The private DNS zone of `domain`. By default the stack creates one (Route 53 private hosted
   * zone / Azure Private DNS zone) associated with the network; `existingZoneId` uses a zone the
   * enterprise already runs (already associated with the VPC / linked to the VNet) for the records.
   */
  dns: z.strictObject({ existingZoneId: z.string().min(1).optional() }).default({}),
  /** Alertmanager receivers and routes; credentials are the secret key `alertCredentials`. */
  alerting: alertingSchema.default({ receivers: [], routes: [] }),
  /** `self-managed` runs kube-prometheus-stack; `managed` also wires the cloud's managed Prometheus. */
  monitoring: z.strictObject({ mode: z.enum(["self-managed", "managed"]) }),
  /** Drift threshold (PSI) above which the drift monitor retrains. */
  driftThreshold: z.number().positive().max(10).default(0.2),
  /** Which Feast the platform uses: its own, or an existing one (`external`; stacks/feast-source.ts). */
  feast: FeastSourceSchema.default({}),
  /**
   * DNS domain of the internal ingress (a private zone pointing at the internal load balancer):
   * `argo.<domain>`, `mlflow.<domain>`, `grafana.<domain>`, `<model>.models.<domain>`.
   * Defaults to `<stack>.mlops.internal`.
   */
  domain: z
    .string()
    .regex(/^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "must be a lowercase DNS domain such as dev.mlops.example.ae")
    .optional(),
});

/** Keys a stack file may set. Profile-driven sections are partial: they override the preset. */
/**
 * Digests of the platform's own images in the stack's registry (`sha256:<64 hex>`), as the images
 * workflow pushed them (`.github/workflows/images.yml`); the deploy workflow resolves them from the
 * registry and passes them to `pulumi up`. With a digest the platform references
 * `<repository>@<digest>`, otherwise the pinned version tag.
 */
const imageDigest = z.string().regex(/^sha256:[a-f0-9]{64}$/, "must be an image digest: sha256: and 64 lower-case hex digits");
export const ImageDigestsSchema = z.strictObject({
  /** The pipeline steps image (workflows/steps/Dockerfile). */
  steps: imageDigest.optional(),
  /** The MLflow server and default model server image (components/k8s/images/mlflow/Dockerfile). */
  mlflow: imageDigest.optional(),
});

export const StackConfigSchema = z.strictObject({
  cloud: z.enum(["aws", "azure"]),
  region: z.string().min(1),
  profile: z.enum(["smb", "enterprise"]),
  /** What production demands (approval, digests, protection, retention) applies at any size. */
  environment: z.enum(ENVIRONMENTS),
  kubernetesVersion: z
    .enum(SUPPORTED_KUBERNETES_VERSIONS, { error: `must be a supported minor version: ${SUPPORTED_KUBERNETES_VERSIONS.join(", ")}` })
    .optional(),
  images: ImageDigestsSchema.optional(),
  tags: z
    .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_.:/=+@-]{0,127}$/, "must be a valid tag key"), z.string().max(256))
    .superRefine((tags, ctx) => {
      // The platform stamps the environment on every resource; a stack tag must not contradict it.
      if (ENVIRONMENT_TAG in tags) {
        ctx.addIssue({
          code: "custom",
          path: [ENVIRONMENT_TAG],
          message: "is set by the platform from mlops-platform:environment: remove this tag and set the environment key instead",
          input: tags[ENVIRONMENT_TAG],
        });
      }
    })
    .optional(),
  network: networkSchema.partial().optional(),
  nodePools: z
    .strictObject({
      system: NodePoolSchema.partial().optional(),
      cpu: z.array(NodePoolSchema).optional(),
      gpu: z.array(NodePoolSchema).optional(),
    })
    .optional(),
  availability: availabilitySchema.partial().optional(),
  retention: retentionSchema.partial().optional(),
  /** Protect stateful resources from delete/replace. Always on in `production`; may be turned on in `development`. */
  protectData: z.boolean().optional(),
  teams: z.array(TeamSchema).optional(),
  dataLakes: z.array(DataLakeSchema).optional(),
  identity: identitySchema,
  services: servicesSchema
    .extend({
      /** Moved: refused with a message naming the top-level `models` key. */
      serving: z.unknown().superRefine((_v, ctx) => {
        ctx.addIssue({
          code: "custom",
          message:
            "has moved to the top-level key mlops-platform:models (one entry per model: name, team, dataPrefix, training, serving: {strategy, weights, registeredModel, version, image}, slo, autoscaling); see docs/configuration.md",
        });
      }),
    })
    .partial()
    .optional(),
  /** The platform's models: training, drift, serving, SLOs and autoscaling per model. */
  models: z.array(ModelSchema).optional(),
  /** Secret (`pulumi config set --secret`): the OIDC client secret of `identity.oidcClientId`. */
  oidcClientSecret: secretMarker.optional(),
  /** Secret: the password of `identity.ldap.bindDn`. */
  ldapBindPassword: secretMarker.optional(),
  /** Secret (set with `--path`): receiver name → credential (webhook URL, SMTP password). */
  alertCredentials: z.record(z.string(), secretMarker).optional(),
  /** Secret: the shared secret of the git server's webhook (`services.git`). */
  gitWebhookSecret: secretMarker.optional(),
  /**
   * Secret (set with `--path`): upstream registry (`docker-hub`, `ghcr`) → `<username>:<access token>`,
   * the credentials the registry's pull-through cache needs for it (contracts/image-cache.ts).
   */
  registryCredentials: z.partialRecord(z.enum(CREDENTIAL_REGISTRIES as [string, ...string[]]), registryCredentialMarker).optional(),
  /** Secret: the password of `services.feast.external.registry.username`. */
  feastRegistryPassword: secretMarker.optional(),
  /** Secret: the password of `services.feast.external.onlineStore`. */
  feastOnlineStorePassword: secretMarker.optional(),
});
/** What a stack file holds, validated. */
export type StackConfig = z.infer<typeof StackConfigSchema>;

/** The resolved configuration of one stack: profile preset merged with the stack's overrides. */
export const PlatformConfigSchema = z
  .strictObject({
    project: z.string(),
    stack: z.string(),
    cloud: z.enum(["aws", "azure"]),
    region: z.string(),
    profile: z.enum(["smb", "enterprise"]),
    environment: z.enum(ENVIRONMENTS),
    kubernetesVersion: z.string(),
    images: ImageDigestsSchema,
    tags: z.record(z.string(), z.string()),
    network: networkSchema,
    nodePools: z.strictObject({ system: NodePoolSchema, cpu: z.array(NodePoolSchema).min(1), gpu: z.array(NodePoolSchema) }),
    availability: availabilitySchema,
    retention: retentionSchema,
    protectData: z.boolean(),
    teams: z.array(TeamSchema),
    dataLakes: z.array(DataLakeSchema),
    identity: identitySchema,
    services: servicesSchema,
    models: z.array(ResolvedModelSchema),
    /** Which secret keys are set (markers only: the values never enter the configuration object). */
    secrets: z.strictObject({
      oidcClientSecret: secretMarker.optional(),
      ldapBindPassword: secretMarker.optional(),
      alertCredentials: z.record(z.string(), secretMarker),
      gitWebhookSecret: secretMarker.optional(),
      registryCredentials: z.partialRecord(z.enum(CREDENTIAL_REGISTRIES as [string, ...string[]]), registryCredentialMarker),
      feastRegistryPassword: secretMarker.optional(),
      feastOnlineStorePassword: secretMarker.optional(),
    }),
  })
  .superRefine((c, ctx) => {
    const issue = (path: (string | number)[], message: string, input: unknown) => ctx.addIssue({ code: "custom", path, message, input });

    if (!isAllowedRegion(c.cloud, c.region)) {
      const allowed = c.cloud === "aws" ? AWS_UAE_REGIONS : AZURE_UAE_LOCATIONS;
      issue(["region"], `is outside the UAE allow-list for ${c.cloud}: use one of ${allowed.join(", ")}`, c.region);
    }
    // What production demands, at any size.
    if (c.environment === "production") {
      const prod = ENVIRONMENT_PRESETS.production;
      if (!c.protectData) {
        issue(
          ["protectData"],
          "cannot be false in a production stack: production data is always protected from delete/replace; remove the key (or set mlops-platform:environment to development)",
          false,
        );
      }
      for (const key of Object.keys(prod.retentionFloor) as (keyof typeof prod.retentionFloor)[]) {
        const floor = prod.retentionFloor[key];
        if (c.retention[key] < floor) {
          issue(
            ["retention", key],
            `is below the production minimum: set mlops-platform:retention.${key} to at least ${floor}`,
            c.retention[key],
          );
        }
      }
    }
    // SSO: the UIs need the issuer's endpoints (no discovery at deploy time), so an issuer whose
    // endpoints the platform does not know is refused here, before any resource is registered.
    if (!c.identity.ldap && c.identity.oidcIssuerUrl.startsWith("https://")) {
      try {
        oidcEndpoints(c.identity.oidcIssuerUrl);
      } catch (e) {
        issue(
          ["identity", "oidcIssuerUrl"],
          (e as Error).message.replace(/^identity\.oidcIssuerUrl: "[^"]*" /, ""),
          c.identity.oidcIssuerUrl,
        );
      }
    }

    secretRules(c, issue);
    feastSourceRules(c, issue, (key, value) => setSecretCommand(c.stack, key, value), SECRET_IN_CLEAR_TEXT);
    const zone = c.services.dns.existingZoneId;
    if (zone !== undefined) {
      const domain = c.services.domain ?? `${c.stack.toLowerCase().replace(/[^a-z0-9-]+/g, "-")}.mlops.internal`;
      for (const p of privateDnsProblems(c.cloud, { domain, hosts: [], existingZoneId: zone }))
        issue(["services", "dns", "existingZoneId"], p.replace(/^existingZoneId: /, ""), zone);
    }

    // Network layout.
    const net = parseCidr(c.network.cidr);
    const svc = parseCidr(c.network.serviceCidr);
    const pod = parseCidr(c.network.podCidr);
    if (net && (!isPrivate(net) || net.prefix < 16 || net.prefix > 20)) {
      issue(["network", "cidr"], "must be an RFC 1918 private block between /16 and /20", c.network.cidr);
    }
    if (net && svc && overlaps(net, svc)) {
      issue(
        ["network", "serviceCidr"],
        `overlaps network.cidr ${c.network.cidr}: pick a block outside the VPC/VNet`,
        c.network.serviceCidr,
      );
    }
    if (pod && net && overlaps(pod, net)) {
      issue(["network", "podCidr"], `overlaps network.cidr ${c.network.cidr}: pick a block outside the VPC/VNet`, c.network.podCidr);
    }
    if (pod && svc && overlaps(pod, svc)) {
      issue(["network", "podCidr"], `overlaps network.serviceCidr ${c.network.serviceCidr}`, c.network.podCidr);
    }
    c.network.apiAllowedCidrs.forEach((text, i) => {
      const block = parseCidr(text);
      if (block && block.prefix === 0) {
        issue(["network", "apiAllowedCidrs", i], "opens the cluster API to the whole internet: list your own egress ranges", text);
      }
      if (block && net && contains(net, block)) {
        issue(
          ["network", "apiAllowedCidrs", i],
          "is inside the private network, which reaches the private endpoint already: remove it",
          text,
        );
      }
    });

    if (c.network.egress.firewallOptOut && (c.environment === "production" || c.profile === "enterprise")) {
      issue(
        ["network", "egress", "firewallOptOut"],
        `is refused in a ${c.environment} stack of the ${c.profile} profile: only smb development stacks may run without the in-region egress firewall; remove it`,
        c.network.egress.firewallOptOut,
      );
    }

    // Node pools.
    const pools = [
      { path: ["nodePools", "system"], pool: c.nodePools.system, kind: "system" },
      ...c.nodePools.cpu.map((pool, i) => ({ path: ["nodePools", "cpu", i], pool, kind: "cpu" })),
      ...c.nodePools.gpu.map((pool, i) => ({ path: ["nodePools", "gpu", i], pool, kind: "gpu" })),
    ];
    const seen = new Set<string>();
    for (const { path, pool, kind } of pools) {
      if (pool.minSize > pool.maxSize) {
        issue([...path, "minSize"], `is greater than maxSize (${pool.maxSize}): minSize must be ≤ maxSize`, pool.minSize);
      }
      if (seen.has(pool.name)) issue([...path, "name"], "duplicates another node pool name: names must be unique", pool.name);
      seen.add(pool.name);
      pool.instanceTypes.forEach((t, j) => {
        const ok = c.cloud === "aws" ? /^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(t) : /^Standard_[A-Za-z0-9_]+$/.test(t);
        if (!ok) {
          const form = c.cloud === "aws" ? "an EC2 instance type such as m6i.xlarge" : "an Azure VM size such as Standard_D4s_v5";
          issue([...path, "instanceTypes", j], `is not ${form}`, t);
        }
      });
      if (c.cloud === "azure" && pool.instanceTypes.length > 1) {
        issue([...path, "instanceTypes"], "AKS node pools take exactly one VM size: list one", pool.instanceTypes);
      }
      if (kind === "system" && pool.spot) issue([...path, "spot"], "the system pool cannot run on spot capacity", true);
      if (kind === "system" && pool.minSize < 1) issue([...path, "minSize"], "the system pool needs at least one node", pool.minSize);
      if (kind === "gpu" && !hasGpuTaint(pool.taints)) {
        issue(
          [...path, "taints"],
          `GPU pools must carry the ${GPU_TAINT.key} ${GPU_TAINT.effect} taint so only GPU workloads land there`,
          pool.taints,
        );
      }
    }
    c.nodePools.gpu.forEach((pool, i) => {
      if (poolGpusPerNode(pool) === undefined)
        issue(
          ["nodePools", "gpu", i, "gpusPerNode"],
          `is missing: ${pool.instanceTypes.join(", ")} is not in the instance catalogue (stacks/catalog/instances.ts), so the pool's GPU capacity is unknown; set gpusPerNode`,
          pool.gpusPerNode,
        );
    });
    if (c.nodePools.gpu.length > 0 && c.nodePools.gpu.every((p) => p.spot)) {
      issue(
        ["nodePools", "gpu"],
        "needs at least one on-demand pool as the fallback when spot capacity is not available",
        c.nodePools.gpu.map((p) => p.name),
      );
    }

    // Teams and data lakes.
    const teamNames = new Set<string>();
    c.teams.forEach((t, i) => {
      if (teamNames.has(t.name)) issue(["teams", i, "name"], "duplicates another team: team names must be unique", t.name);
      teamNames.add(t.name);
      if (t.gpuQuota > 0 && c.nodePools.gpu.length === 0) {
        issue(["teams", i, "gpuQuota"], "is above 0 but the stack has no GPU pool", t.gpuQuota);
      }
      if (c.cloud !== "aws" && t.ssoRoleArns.length > 0)
        issue(
          ["teams", i, "ssoRoleArns"],
          "maps IAM roles to EKS groups and applies to AWS stacks only: use entraGroupIds on Azure",
          t.ssoRoleArns,
        );
      if (c.cloud !== "azure" && t.entraGroupIds.length > 0)
        issue(
          ["teams", i, "entraGroupIds"],
          "names Entra groups for AKS and applies to Azure stacks only: use ssoRoleArns on AWS",
          t.entraGroupIds,
        );
    });
    const gpuPools = gpuPoolCapacities(c.nodePools.gpu);
    if (c.nodePools.gpu.length > 0 && gpuPools.length === c.nodePools.gpu.length) {
      for (const p of gpuQuotaProblems(c.teams, gpuPools)) issue(["teams", p.team, "gpuQuota"], p.message, c.teams[p.team]?.gpuQuota);
    }
    c.dataLakes.forEach((d, i) => {
      const form =
        c.cloud === "aws"
          ? /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/
          : /^abfss:\/\/[a-z0-9-]{3,63}@[a-z0-9]{3,24}\.dfs\.core\.windows\.net(\/.*)?$/;
      if (!form.test(d.uri)) {
        const example = c.cloud === "aws" ? "s3://bucket/prefix" : "abfss://container@account.dfs.core.windows.net/prefix";
        issue(["dataLakes", i, "uri"], `must look like ${example}`, d.uri);
      }
      if (d.kmsKeyArn !== undefined && (c.cloud !== "aws" || !isAllowedRegion("aws", d.kmsKeyArn.split(":")[3] ?? ""))) {
        issue(
          ["dataLakes", i, "kmsKeyArn"],
          c.cloud === "aws" ? `must be a key in ${AWS_UAE_REGIONS.join(", ")}` : "is AWS only: remove it from an Azure stack",
          d.kmsKeyArn,
        );
      }
      if (!isAllowedRegion(c.cloud, d.region)) {
        issue(
          ["dataLakes", i, "region"],
          `is outside the UAE: data lakes must be in ${c.cloud === "aws" ? AWS_UAE_REGIONS.join(", ") : AZURE_UAE_LOCATIONS.join(", ")}`,
          d.region,
        );
      }
    });
    modelRules(c, issue);
    approverRules(c, issue);
  });
/** The resolved, validated configuration every component is built from. */
export type PlatformConfig = z.infer<typeof PlatformConfigSchema>;

/** True when the stack runs production (approval, digests, protection, required secrets). */
export function isProduction(c: Pick<PlatformConfig, "environment">): boolean {
  return c.environment === "production";
}

/** The command that sets a secret key of this stack. */
export function setSecretCommand(stack: string, key: string, value: string, path = false): string {
  return `pulumi config set --secret ${path ? "--path " : ""}'mlops-platform:${key}' ${value} --stack ${stack}`;
}

type Issue = (path: (string | number)[], message: string, input: unknown) => void;

/**
 * Approvers are other people than the members whose promotions they approve: an approver group
 * (a team's, or the platform-wide identity.approverGroups, which approve in ml-pipelines and
 * every team) that is also a team's member group would let that team approve its own promotions.
 */
function approverRules(c: PlatformConfig, issue: Issue): void {
  c.teams.forEach((t, i) => {
    const members = new Set([...t.groups, ...t.entraGroupIds]);
    const fix = `its members would approve their own production promotions; name a separate group of approvers`;
    t.approverGroups.forEach((g, j) => {
      if (members.has(g)) issue(["teams", i, "approverGroups", j], `is also a member group of team ${t.name}: ${fix}`, g);
    });
    c.identity.approverGroups.forEach((g, j) => {
      if (members.has(g)) issue(["identity", "approverGroups", j], `is also a member group of team ${t.name} (teams[${i}]): ${fix}`, g);
    });
  });
}

/** Secrets and alert receivers: set with --secret, required in production, each naming its receiver. */
function secretRules(c: PlatformConfig, issue: Issue): void {
  const production = isProduction(c);
  const clear = (key: string, value: string, path = false) =>
    `is stored in clear text in Pulumi.${c.stack}.yaml: remove it (pulumi config rm ${path ? "--path " : ""}'mlops-platform:${key}' --stack ${c.stack}) and run: ${setSecretCommand(c.stack, key, value, path)}`;
  if (c.secrets.oidcClientSecret === SECRET_IN_CLEAR_TEXT)
    issue(["oidcClientSecret"], clear("oidcClientSecret", "<client-secret>"), "(clear text, not shown)");
  if (c.secrets.ldapBindPassword === SECRET_IN_CLEAR_TEXT)
    issue(["ldapBindPassword"], clear("ldapBindPassword", "<bind-password>"), "(clear text, not shown)");
  // With LDAP the OIDC client is Dex's, whose secret the platform generates.
  if (production && !c.identity.ldap && c.secrets.oidcClientSecret === undefined)
    issue(
      ["oidcClientSecret"],
      `is required in production (the client secret of OIDC client "${c.identity.oidcClientId}" at ${c.identity.oidcIssuerUrl}); run: ${setSecretCommand(c.stack, "oidcClientSecret", "<client-secret>")}`,
      undefined,
    );
  if (c.identity.ldap && production && c.secrets.ldapBindPassword === undefined)
    issue(
      ["ldapBindPassword"],
      `is required in production with identity.ldap (the password of ${c.identity.ldap.bindDn}); run: ${setSecretCommand(c.stack, "ldapBindPassword", "<bind-password>")}`,
      undefined,
    );
  if (!c.identity.ldap && c.secrets.ldapBindPassword !== undefined)
    issue(["ldapBindPassword"], "is set but identity.ldap is not: remove it or configure identity.ldap", "(secret)");
  if (c.secrets.gitWebhookSecret === SECRET_IN_CLEAR_TEXT)
    issue(["gitWebhookSecret"], clear("gitWebhookSecret", "<webhook-secret>"), "(clear text, not shown)");
  if (c.services.git && production && c.secrets.gitWebhookSecret === undefined)
    issue(
      ["gitWebhookSecret"],
      `is required in production with services.git (the secret of the ${c.services.git.provider} webhook); run: ${setSecretCommand(c.stack, "gitWebhookSecret", "<webhook-secret>")}`,
      undefined,
    );
  if (!c.services.git && c.secrets.gitWebhookSecret !== undefined)
    issue(["gitWebhookSecret"], "is set but services.git is not: remove it or configure services.git", "(secret)");
  // The pull-through cache serves Docker Hub and GHCR only with credentials: production takes no image upstream.
  for (const key of CREDENTIAL_REGISTRIES) {
    const cred = c.secrets.registryCredentials[key];
    if (cred === SECRET_IN_CLEAR_TEXT)
      issue(
        ["registryCredentials", key],
        clear(`registryCredentials.${key}`, "<username>:<access-token>", true),
        "(clear text, not shown)",
      );
    if (cred === SECRET_MALFORMED)
      issue(
        ["registryCredentials", key],
        `is not in the form <username>:<access-token> (the pull-through cache needs both, split at the first ':'); run: ${setSecretCommand(c.stack, `registryCredentials.${key}`, "<username>:<access-token>", true)}`,
        "(secret, not shown)",
      );
    if (production && cred === undefined)
      issue(
        ["registryCredentials", key],
        `is required in production: the stack registry's pull-through cache needs the ${key} credentials, or the images from there would come upstream; run: ${setSecretCommand(c.stack, `registryCredentials.${key}`, "<username>:<access-token>", true)}`,
        undefined,
      );
  }

  const a = c.services.alerting;
  const names = a.receivers.map((r) => r.name);
  const teams = new Set(c.teams.map((t) => t.name));
  if (production && a.receivers.length === 0)
    issue(
      ["services", "alerting", "receivers"],
      "needs at least one receiver in production, or alerts reach no one: add an email, webhook, msteams or slack receiver (docs/configuration.md)",
      [],
    );
  const seen = new Set<string>();
  a.receivers.forEach((r, i) => {
    const at = (k: string) => ["services", "alerting", "receivers", i, k];
    if (seen.has(r.name)) issue(at("name"), "duplicates another receiver: receiver names must be unique", r.name);
    seen.add(r.name);
    if (r.type === "email") {
      for (const k of ["to", "from", "smarthost"] as const)
        if (r[k] === undefined) issue(at(k), "is required for an email receiver", undefined);
    } else {
      for (const k of ["to", "from", "smarthost", "authUsername"] as const)
        if (r[k] !== undefined) issue(at(k), `is for email receivers only: remove it from ${r.type} receiver "${r.name}"`, r[k]);
    }
    if (r.channel !== undefined && r.type !== "slack") issue(at("channel"), `is for slack receivers only`, r.channel);
    const needs = r.type !== "email" || r.authUsername !== undefined;
    const cred = c.secrets.alertCredentials[r.name];
    const what = r.type === "email" ? "<smtp-password>" : "<webhook-url>";
    if (needs && cred === undefined && production)
      issue(
        ["alertCredentials", r.name],
        `is required: ${r.type} receiver "${r.name}" needs its ${r.type === "email" ? "SMTP password" : "webhook URL"}; run: ${setSecretCommand(c.stack, `alertCredentials.${r.name}`, what, true)}`,
        undefined,
      );
    if (cred === SECRET_IN_CLEAR_TEXT)
      issue(["alertCredentials", r.name], clear(`alertCredentials.${r.name}`, what, true), "(clear text, not shown)");
  });
  for (const name of Object.keys(c.secrets.alertCredentials))
    if (!names.includes(name))
      issue(
        ["alertCredentials", name],
        `names no receiver in services.alerting.receivers (${names.join(", ") || "none"}): remove it or fix the name`,
        "(secret)",
      );
  a.routes.forEach((r, i) => {
    if (!names.includes(r.receiver))
      issue(
        ["services", "alerting", "routes", i, "receiver"],
        `is not a receiver: use one of ${names.join(", ") || "(none configured)"}`,
        r.receiver,
      );
    if (r.team !== undefined && !teams.has(r.team))
      issue(
        ["services", "alerting", "routes", i, "team"],
        `is not a team of this stack: use one of ${[...teams].join(", ") || "(no teams)"}`,
        r.team,
      );
  });
  if (a.defaultReceiver !== undefined && !names.includes(a.defaultReceiver))
    issue(
      ["services", "alerting", "defaultReceiver"],
      `is not a receiver: use one of ${names.join(", ") || "(none configured)"}`,
      a.defaultReceiver,
    );
}

/** Prefixes overlap when one starts with the other (new data under both would retrain both). */
function prefixesOverlap(a: string, b: string): boolean {
  return a.startsWith(b) || b.startsWith(a);
}

/**
 * Why a team's built repositories `<team>/<model>` would clash with the platform's in the stack
 * registry (undefined when they would not): the first path component of an image cache rule
 * (`docker-hub`, `ghcr`, …, contracts/image-cache.ts) or, on AWS, the stack's own ECR prefix.
 */
export function builtRepositoryClash(c: Pick<PlatformConfig, "cloud" | "project" | "stack">, team: string): string | undefined {
  const cache = Object.values(UPSTREAM_REGISTRIES).find((u) => u.prefix === team);
  if (cache) return `the stack registry's cache prefix of ${cache.host}`;
  if (c.cloud === "aws" && team === stackPrefix(c.project, c.stack)) return "the stack's ECR repository prefix";
  return undefined;
}

/** The models: owners, unique names and prefixes, replica bounds, pinned images, weights. */
function modelRules(c: PlatformConfig, issue: Issue): void {
  const teams = c.teams.map((t) => t.name);
  const names = new Map<string, number>();
  c.models.forEach((m, i) => {
    const at = (...k: (string | number)[]) => ["models", i, ...k];
    const first = names.get(m.name);
    if (first !== undefined) issue(at("name"), `duplicates models[${first}].name: model names must be unique`, m.name);
    else names.set(m.name, i);
    if (!teams.includes(m.team))
      issue(
        at("team"),
        `is not a team of this stack: use one of ${teams.join(", ") || "(no teams: add one under mlops-platform:teams)"}`,
        m.team,
      );
    const reserved = builtRepositoryClash(c, m.team);
    if (m.training.repository !== undefined && reserved)
      issue(
        at("team"),
        `is ${reserved}: a model built from training.repository pushes to <team>/<model> in the stack registry, which would mix with the platform's repositories; build it under a team with another name (teams[].name)`,
        m.team,
      );
    c.models.slice(0, i).forEach((o, j) => {
      if (prefixesOverlap(m.dataPrefix, o.dataPrefix))
        issue(
          at("dataPrefix"),
          `overlaps models[${j}].dataPrefix "${o.dataPrefix}" (${o.name}): new data would retrain both; give each model its own prefix`,
          m.dataPrefix,
        );
    });
    const { minReplicas, maxReplicas } = m.autoscaling;
    if (minReplicas > maxReplicas)
      issue(
        at("autoscaling", "minReplicas"),
        `is greater than autoscaling.maxReplicas (${maxReplicas}): minReplicas must be ≤ maxReplicas`,
        minReplicas,
      );
    if (minReplicas === 0 && c.environment === "production")
      issue(
        at("autoscaling", "minReplicas"),
        "is 0 (scale to zero) in a production stack: the first requests after an idle period would fail during the cold start; set at least 1",
        0,
      );
    if (m.serving.strategy === "blueGreen" && minReplicas === 0)
      issue(
        at("autoscaling", "minReplicas"),
        "is 0 with the blueGreen strategy: the pre-promotion smoke analysis needs a running preview; set at least 1 or use canary",
        0,
      );
    if (m.slo.businessMetric !== undefined && m.serving.strategy !== "canary")
      issue(
        at("slo", "businessMetric"),
        "compares the variants of an A/B test: set serving.strategy to canary, or remove it (blue-green judges the new version on its SLOs alone)",
        m.slo.businessMetric.name,
      );
    const trainingImage = m.training.image;
    if (trainingImage !== undefined && c.environment === "production" && !/@sha256:[a-f0-9]{64}$/.test(trainingImage))
      issue(
        at("training", "image"),
        "must be pinned by digest in a production stack: set it to <repository>@sha256:<digest>, or train from training.repository",
        trainingImage,
      );
    const image = m.serving.image;
    if (image !== undefined && c.environment === "production" && !/@sha256:[a-f0-9]{64}$/.test(image))
      issue(
        at("serving", "image"),
        "must be pinned by digest in a production stack: set it to <repository>@sha256:<digest> (`docker buildx imagetools inspect <image>` prints the digest)",
        image,
      );
    if (image?.endsWith(":latest")) issue(at("serving", "image"), "must not use the mutable 'latest' tag", image);
    const w = m.serving.weights;
    if (w.some((x, j) => j > 0 && x <= (w[j - 1] as number)))
      issue(at("serving", "weights"), "must increase strictly, e.g. [10, 25, 50]", w);
  });
}
