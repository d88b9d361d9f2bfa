/**
 * Adversarial suite: each rule's violation written several different ways (spellings, shapes and
 * places a careless or clever engineer would use), planted into the real plan of a shipped stack,
 * must be a mandatory violation on the case's own planted resources; compliant look-alikes planted
 * the same way must stay clean. The cases of one rule are planted side by side and checked in one
 * run (each judged on its own resources); a case another one would mask is checked alone.
 */
import { describe, expect, it } from "vitest";
import { loadPackConfig } from "../../policies/config";
import { allPolicies } from "../../policies/rules";
import { checkPlan } from "../../tools/lib/check";
import { shippedPlan } from "../support/shipped-plan";
import { CASES } from "./cases";
import { plantInto, type Spec } from "./fixture";

const ACCOUNT = "123456789012";
const KEY = `arn:aws:kms:me-central-1:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
const doc = (...Statement: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const s = (type: string, name: string, inputs: Record<string, unknown>, extra: Partial<Spec> = {}): Spec => ({
  type,
  name,
  inputs,
  ...extra,
});
const rolePolicy = (name: string, ...statements: unknown[]) =>
  s("aws:iam/rolePolicy:RolePolicy", name, { role: "r", policy: doc(...statements) });
const sc = {
  allowPrivilegeEscalation: false,
  runAsNonRoot: true,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};
const res = { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } };
const ok = { name: "c", image: "quay.io/argoproj/argocli:v3.6.4", resources: res, securityContext: sc };
const job = (name: string, namespace: string, container: Record<string, unknown>, pod: Record<string, unknown> = {}) =>
  s("kubernetes:batch/v1:Job", name, {
    metadata: { name, namespace },
    spec: {
      template: {
        spec: { securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } }, containers: [container], ...pod },
      },
    },
  });
const workflow = (name: string, spec: Record<string, unknown>) =>
  s("kubernetes:argoproj.io/v1alpha1:WorkflowTemplate", name, { metadata: { name, namespace: "ml-pipelines" }, spec });

const bucketWithPolicy = (name: string, ...statements: unknown[]) => [
  s("aws:s3/bucket:Bucket", name, { bucket: name, arn: `arn:aws:s3:::${name}` }),
  s("aws:s3/bucketPolicy:BucketPolicy", `${name}-policy`, { bucket: name, policy: doc(...statements) }),
];
const tlsDeny = (bucket: string, extra: Record<string, unknown> = {}) => ({
  Effect: "Deny",
  Principal: "*",
  Action: "s3:*",
  Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
  Condition: { Bool: { "aws:SecureTransport": "false" } },
  ...extra,
});
const role = (name: string, ...rules: unknown[]) =>
  s("kubernetes:rbac.authorization.k8s.io/v1:Role", name, { metadata: { name, namespace: "ml-pipelines" }, rules });
const clusterRole = (name: string, ...rules: unknown[]) =>
  s("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", name, { metadata: { name }, rules });

const OIDC = "oidc.eks.me-central-1.amazonaws.com/id/0123456789ABCDEF";
const OIDC_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${OIDC}`;
const trustRole = (name: string, ...statements: unknown[]) => s("aws:iam/role:Role", name, { assumeRolePolicy: doc(...statements) });

// Images inside Helm release values (production: the stack's own registry only).
const ECR = `${ACCOUNT}.dkr.ecr.me-central-1.amazonaws.com`;
const ACR = "acrmlopsuaeprodazure526b96.azurecr.io";
const release = (name: string, values: Record<string, unknown>) =>
  s("kubernetes:helm.sh/v3:Release", name, {
    chart: "c",
    version: "1.0.0",
    repositoryOpts: { repo: "https://charts.example.ae" },
    namespace: "monitoring",
    values,
  });
const HELM_IMAGES_RULE = "kubernetes-helm-release-enforce-stack-registry";
const CACHE = {
  description: "c",
  subnetGroupName: "cache-subnets",
  securityGroupIds: ["sg-1"],
  atRestEncryptionEnabled: true,
  transitEncryptionEnabled: true,
  kmsKeyId: KEY,
};

const peerAuth = (name: string, namespace: string, spec: Record<string, unknown>, version = "v1") =>
  s(`kubernetes:security.istio.io/${version}:PeerAuthentication`, name, { metadata: { name, namespace }, spec });
const MESH = "kubernetes-istio-mesh-enforce-strict-mtls";
const ISTIO_REPO = { repo: "https://istio-release.storage.googleapis.com/charts" };

interface Case {
  readonly rule: string;
  readonly why: string;
  readonly specs: readonly Spec[];
  readonly stack?: "uae-prod" | "uae-prod-azure";
  /** Checked on its own: another case of the rule planted beside it would change its verdict. */
  readonly alone?: boolean;
}

const VIOLATIONS: Case[] = [
  // Who may assume a role
  ...(
    [
      [
        "a service-account pattern under StringLike",
        {
          StringLike: { [`${OIDC}:sub`]: "system:serviceaccount:*:pipeline-train" },
          StringEquals: { [`${OIDC}:aud`]: "sts.amazonaws.com" },
        },
      ],
      [
        "a wildcard under StringEquals",
        { StringEquals: { [`${OIDC}:sub`]: "system:serviceaccount:team-fraud:*", [`${OIDC}:aud`]: "sts.amazonaws.com" } },
      ],
      [
        "exact subject under ForAnyValue:StringLike too",
        {
          StringEquals: { [`${OIDC}:sub`]: "system:serviceaccount:a:b", [`${OIDC}:aud`]: "sts.amazonaws.com" },
          "ForAnyValue:StringLike": { [`${OIDC}:sub`]: "system:serviceaccount:*" },
        },
      ],
      ["no audience", { StringEquals: { [`${OIDC}:sub`]: "system:serviceaccount:a:b" } }],
    ] as const
  ).map(([why, Condition], n) => ({
    rule: "aws-iam-role-enforce-scoped-trust",
    why,
    specs: [
      trustRole(`trust${n}`, { Effect: "Allow", Principal: { Federated: OIDC_ARN }, Action: "sts:AssumeRoleWithWebIdentity", Condition }),
    ],
  })),
  ...(
    [
      ["the account id", { Effect: "Allow", Principal: { AWS: ACCOUNT }, Action: "sts:AssumeRole" }],
      ["the account root in a list", { Effect: "Allow", Principal: { AWS: [`arn:aws:iam::${ACCOUNT}:root`] }, Action: "sts:AssumeRole" }],
      [
        "the root with a PrincipalArn pattern",
        {
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
          Action: "sts:AssumeRole",
          Condition: { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:role/*` } },
        },
      ],
      ["NotPrincipal", { Effect: "Allow", NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:role/x` }, Action: "sts:AssumeRole" }],
      ["an action glob", { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: ["sts:Assume*"] }],
      ["lowercase effect and a star principal", { Effect: "allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }],
    ] as const
  ).map(([why, statement], n) => ({ rule: "aws-iam-role-enforce-scoped-trust", why, specs: [trustRole(`trusta${n}`, statement)] })),
  // Data services inside the network
  {
    rule: "aws-data-service-enforce-private-network",
    why: "a cache without a subnet group",
    specs: [s("aws:elasticache/replicationGroup:ReplicationGroup", "d1", { ...CACHE, subnetGroupName: undefined })],
  },
  {
    rule: "aws-data-service-enforce-private-network",
    why: "a cache on the default security group",
    specs: [s("aws:elasticache/replicationGroup:ReplicationGroup", "d2", { ...CACHE, securityGroupIds: [] })],
  },
  {
    rule: "aws-data-service-enforce-private-network",
    why: "a single-node cache cluster with an empty subnet group",
    specs: [
      s("aws:elasticache/cluster:Cluster", "d3", {
        engine: "redis",
        nodeType: "cache.t4g.small",
        subnetGroupName: "",
        securityGroupIds: ["sg-1"],
      }),
    ],
  },
  ...(
    [
      ["azure-native:redis:Redis", { name: "redis-planted", publicNetworkAccess: "Disabled" }],
      ["azure-native:storage:StorageAccount", { accountName: "stplanted01", publicNetworkAccess: "Disabled" }],
      ["azure-native:containerregistry:Registry", { registryName: "acrplanted01", publicNetworkAccess: "Disabled" }],
      ["azure-native:keyvault:Vault", { vaultName: "kv-planted-01", properties: { publicNetworkAccess: "Disabled" } }],
    ] as const
  ).map(([type, inputs], n) => ({
    rule: "azure-data-service-enforce-private-endpoint",
    why: `a ${type.split(":")[2]} no private endpoint targets`,
    stack: "uae-prod-azure" as const,
    specs: [s(type, `az${n}`, { ...inputs, location: "uaenorth" })],
  })),

  // S3 TLS-only: a deny that leaves some plain-HTTP request allowed
  ...(
    [
      ["a deny of s3:GetObject only", { Action: "s3:GetObject" }],
      ["a deny to one account only", { Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } }],
      ["a deny on the bucket but not its objects", { Resource: "arn:aws:s3:::t3" }],
      ["a NotAction deny that leaves GetObject out", { Action: undefined, NotAction: "s3:GetObject" }],
      ["a deny where aws:SecureTransport is true", { Condition: { Bool: { "aws:SecureTransport": "true" } } }],
      [
        "a deny narrowed by a second condition",
        { Condition: { Bool: { "aws:SecureTransport": "false" }, StringEquals: { "aws:SourceVpce": "vpce-1" } } },
      ],
      ["an Allow under aws:SecureTransport", { Effect: "Allow" }],
    ] as const
  ).map(([why, extra], i) => ({
    rule: "aws-s3-bucket-enforce-tls-only",
    why,
    specs: bucketWithPolicy(`t${i + 1}`, tlsDeny(`t${i + 1}`, extra)),
  })),
  // RBAC: wildcards and their equivalents
  {
    rule: "kubernetes-rbac-role-disallow-wildcard",
    why: "a subresource wildcard pods/*",
    specs: [role("r1", { apiGroups: [""], resources: ["pods/*"], verbs: ["get"] })],
  },
  {
    rule: "kubernetes-rbac-role-disallow-wildcard",
    why: "an API-group glob *.k8s.io",
    specs: [clusterRole("r2", { apiGroups: ["*.k8s.io"], resources: ["roles"], verbs: ["get"] })],
  },
  {
    rule: "kubernetes-rbac-role-disallow-wildcard",
    why: "every verb listed one by one",
    specs: [
      role("r3", {
        apiGroups: [""],
        resources: ["secrets"],
        verbs: ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"],
      }),
    ],
  },
  {
    rule: "kubernetes-rbac-role-disallow-wildcard",
    why: "the escalate verb",
    specs: [clusterRole("r4", { apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], verbs: ["escalate"] })],
  },
  {
    rule: "kubernetes-rbac-role-disallow-wildcard",
    why: "impersonate",
    specs: [clusterRole("r5", { apiGroups: [""], resources: ["users", "groups"], verbs: ["impersonate"] })],
  },
  {
    rule: "kubernetes-rbac-role-disallow-wildcard",
    why: "a non-resource URL glob",
    specs: [clusterRole("r6", { nonResourceURLs: ["/api/*"], verbs: ["get"] })],
  },
  // IAM actions
  {
    rule: "aws-iam-policy-disallow-wildcard-action",
    why: "s3:Get*",
    specs: [rolePolicy("a1", { Effect: "Allow", Action: "s3:Get*", Resource: "arn:aws:s3:::b/*" })],
  },
  {
    rule: "aws-iam-policy-disallow-wildcard-action",
    why: "IAM:* upper-case",
    specs: [rolePolicy("a2", { Effect: "Allow", Action: ["IAM:*"], Resource: "arn:aws:iam::123456789012:role/x" })],
  },
  {
    rule: "aws-iam-policy-disallow-wildcard-action",
    why: "s3:*Object",
    specs: [rolePolicy("a3", { Effect: "Allow", Action: "s3:*Object", Resource: "arn:aws:s3:::b/*" })],
  },
  {
    rule: "aws-iam-policy-disallow-wildcard-action",
    why: "NotAction, effect lower-case",
    specs: [rolePolicy("a4", { Effect: "allow", NotAction: "iam:*", Resource: "arn:aws:s3:::b/*" })],
  },
  {
    rule: "aws-iam-policy-disallow-wildcard-action",
    why: "single statement object",
    specs: [s("aws:iam/policy:Policy", "a5", { policy: { Statement: { Effect: "Allow", Action: "kms:?ecrypt", Resource: KEY } } })],
  },
  // IAM resources
  {
    rule: "aws-iam-policy-disallow-wildcard-resource",
    why: "every bucket",
    specs: [rolePolicy("r1", { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::*" })],
  },
  {
    rule: "aws-iam-policy-disallow-wildcard-resource",
    why: "every key of every account",
    specs: [rolePolicy("r2", { Effect: "Allow", Action: "kms:Decrypt", Resource: "arn:aws:kms:*:*:key/*" })],
  },
  {
    rule: "aws-iam-policy-disallow-wildcard-resource",
    why: "NotResource",
    specs: [rolePolicy("r3", { Effect: "Allow", Action: "s3:GetObject", NotResource: "arn:aws:s3:::x" })],
  },
  {
    rule: "aws-iam-policy-disallow-wildcard-resource",
    why: "every role",
    specs: [rolePolicy("r4", { Effect: "Allow", Action: "iam:PassRole", Resource: [`arn:aws:iam::${ACCOUNT}:role/*`] })],
  },
  // Administrators
  {
    rule: "aws-iam-role-disallow-admin-policy",
    why: "*:* on arn:*",
    specs: [rolePolicy("ad1", { Effect: "Allow", Action: "*:*", Resource: "arn:*" })],
  },
  {
    rule: "aws-iam-role-disallow-admin-policy",
    why: "NotAction on *",
    specs: [rolePolicy("ad2", { Effect: "Allow", NotAction: "iam:DeleteAccountAlias", Resource: "*" })],
  },
  {
    rule: "aws-iam-role-disallow-admin-policy",
    why: "managed AdministratorAccess",
    specs: [
      s("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "ad3", {
        role: "r",
        policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
      }),
    ],
  },
  // Principals
  {
    rule: "aws-iam-resource-policy-disallow-external-principal",
    why: "queue open to AWS:[*]",
    specs: [
      s("aws:sqs/queuePolicy:QueuePolicy", "p1", {
        queueUrl: "q",
        policy: doc({ Effect: "Allow", Principal: { AWS: ["*"] }, Action: "sqs:SendMessage", Resource: "*" }),
      }),
    ],
  },
  {
    rule: "aws-iam-resource-policy-disallow-external-principal",
    why: "inline bucket policy to any account's root",
    specs: [
      s("aws:s3/bucket:Bucket", "p2", {
        bucket: "p2-bkt",
        policy: doc({
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::*:root" },
          Action: "s3:GetObject",
          Resource: "arn:aws:s3:::p2-bkt/*",
        }),
      }),
    ],
  },
  {
    rule: "aws-iam-resource-policy-disallow-external-principal",
    why: "key policy for another account",
    specs: [
      s("aws:kms/key:Key", "p3", {
        policy: doc({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::210987654321:root" }, Action: "kms:*", Resource: "*" }),
      }),
    ],
  },
  {
    rule: "aws-iam-resource-policy-disallow-external-principal",
    why: "trust with NotPrincipal",
    specs: [
      s("aws:iam/role:Role", "p4", {
        assumeRolePolicy: doc({ Effect: "Allow", NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "sts:AssumeRole" }),
      }),
    ],
  },
  {
    rule: "aws-iam-resource-policy-disallow-external-principal",
    why: "topic for a service of any account",
    specs: [
      s("aws:sns/topicPolicy:TopicPolicy", "p5", {
        arn: "t",
        policy: { Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sns:Publish", Resource: "*" }] },
      }),
    ],
  },
  {
    rule: "aws-iam-resource-policy-disallow-external-principal",
    why: "registry policy narrowed to the wrong account",
    specs: [
      s("aws:ecr/repositoryPolicy:RepositoryPolicy", "p6", {
        repository: "r",
        policy: doc({
          Effect: "Allow",
          Principal: "*",
          Action: "ecr:BatchGetImage",
          Condition: { StringEquals: { "aws:PrincipalAccount": "210987654321" } },
        }),
      }),
    ],
  },
  {
    rule: "aws-iam-resource-policy-disallow-external-principal",
    why: "OIDC trust without a subject",
    specs: [
      s("aws:iam/role:Role", "p7", {
        assumeRolePolicy: doc({
          Effect: "Allow",
          Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` },
          Action: "sts:AssumeRoleWithWebIdentity",
        }),
      }),
    ],
  },
  // Networks
  {
    rule: "aws-ec2-security-group-disallow-public-ingress",
    why: "two halves of the internet",
    specs: [
      s("aws:ec2/securityGroup:SecurityGroup", "n1", {
        ingress: [{ fromPort: 22, toPort: 22, protocol: "tcp", cidrBlocks: ["0.0.0.0/1", "128.0.0.0/1"] }],
      }),
    ],
  },
  {
    rule: "aws-ec2-security-group-disallow-public-ingress",
    why: "a public /8",
    specs: [
      s("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "n2", {
        securityGroupId: "sg",
        ipProtocol: "-1",
        cidrIpv4: "52.0.0.0/8",
      }),
    ],
  },
  {
    rule: "aws-ec2-security-group-disallow-public-ingress",
    why: "IPv6 anywhere",
    specs: [
      s("aws:ec2/securityGroupRule:SecurityGroupRule", "n3", {
        type: "ingress",
        fromPort: 0,
        toPort: 65535,
        protocol: "tcp",
        ipv6CidrBlocks: ["::/0"],
        securityGroupId: "sg",
      }),
    ],
  },
  {
    rule: "azure-network-security-group-disallow-public-ingress",
    stack: "uae-prod-azure",
    why: "Internet tag",
    specs: [
      s("azure-native:network:SecurityRule", "n4", {
        direction: "Inbound",
        access: "Allow",
        sourceAddressPrefix: "Internet",
        destinationPortRange: "22",
        location: "uaenorth",
      }),
    ],
  },
  {
    rule: "azure-network-security-group-disallow-public-ingress",
    stack: "uae-prod-azure",
    why: "public prefixes, mixed case",
    specs: [
      s("azure-native:network:SecurityRule", "n5", {
        direction: "inbound",
        access: "allow",
        sourceAddressPrefixes: ["10.0.0.0/8", "20.0.0.0/8"],
        destinationPortRange: "*",
      }),
    ],
  },
  {
    rule: "azure-network-security-group-disallow-public-ingress",
    stack: "uae-prod-azure",
    why: "Any",
    specs: [
      s("azure-native:network:SecurityRule", "n6", {
        direction: "Inbound",
        access: "Allow",
        sourceAddressPrefix: "Any",
        destinationPortRange: "3389",
      }),
    ],
  },
  // Residency
  {
    rule: "aws-resource-region-enforce-allowlist",
    why: "DynamoDB replica",
    specs: [s("aws:dynamodb/table:Table", "g1", { replicas: [{ regionName: "eu-west-1" }] })],
  },
  {
    rule: "aws-resource-region-enforce-allowlist",
    why: "backup copy action",
    specs: [
      s("aws:backup/plan:Plan", "g2", {
        rules: [{ copyActions: [{ destinationVaultArn: "arn:aws:backup:eu-central-1:123456789012:backup-vault:v" }] }],
      }),
    ],
  },
  {
    rule: "aws-resource-region-enforce-allowlist",
    why: "log destination in another region",
    specs: [
      s("aws:ec2/flowLog:FlowLog", "g3", {
        logDestination: "arn:aws:logs:us-east-1:123456789012:log-group:x",
        logDestinationType: "cloud-watch-logs",
      }),
    ],
  },
  {
    rule: "aws-resource-region-enforce-allowlist",
    why: "per-resource region",
    specs: [s("aws:sns/topic:Topic", "g4", { region: "ap-south-1", kmsMasterKeyId: KEY })],
  },
  {
    rule: "aws-resource-region-enforce-allowlist",
    why: "a CDN",
    specs: [s("aws:cloudfront/distribution:Distribution", "g5", { enabled: true })],
  },
  {
    rule: "azure-resource-location-enforce-allowlist",
    stack: "uae-prod-azure",
    why: "Cosmos failover location",
    specs: [
      s("azure-native:cosmosdb:DatabaseAccount", "z1", {
        location: "uaenorth",
        locations: [{ locationName: "West Europe", failoverPriority: 1 }],
      }),
    ],
  },
  {
    rule: "azure-resource-location-enforce-allowlist",
    stack: "uae-prod-azure",
    why: "spelled location",
    specs: [s("azure-native:storage:StorageAccount", "z2", { location: "North Europe" })],
  },
  {
    rule: "azure-resource-location-enforce-allowlist",
    stack: "uae-prod-azure",
    why: "a CDN profile",
    specs: [s("azure-native:cdn:Profile", "z3", { location: "global", sku: { name: "Standard_Microsoft" } })],
  },
  {
    rule: "pulumi-provider-package-enforce-allowlist",
    why: "a GCP bucket",
    specs: [s("gcp:storage/bucket:Bucket", "u1", { location: "me-central2" }, { provider: "none" })],
  },
  {
    rule: "pulumi-provider-package-enforce-allowlist",
    why: "another provider",
    specs: [s("pulumi:providers:cloudflare", "u2", {}, { provider: "none" })],
  },
  {
    rule: "pulumi-provider-package-enforce-allowlist",
    why: "a Datadog monitor",
    specs: [s("datadog:index/monitor:Monitor", "u3", { name: "m" }, { provider: "none" })],
  },
  // Pods, everywhere
  {
    rule: "kubernetes-core-pod-disallow-privileged",
    why: "privileged Job in kube-system",
    specs: [job("k1", "kube-system", { ...ok, securityContext: { ...sc, privileged: true } })],
  },
  {
    rule: "kubernetes-core-pod-disallow-privileged",
    why: "podSpecPatch with hostNetwork",
    specs: [workflow("k2", { templates: [{ name: "t", container: ok, podSpecPatch: '{"hostNetwork": true}' }] })],
  },
  {
    rule: "kubernetes-core-pod-disallow-privileged",
    why: "resource template creating a privileged Pod",
    specs: [
      workflow("k3", {
        templates: [
          {
            name: "t",
            resource: {
              action: "create",
              manifest: `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: quay.io/a/b:1\n    securityContext:\n      privileged: true\n`,
            },
          },
        ],
      }),
    ],
  },
  {
    rule: "kubernetes-core-pod-disallow-privileged",
    why: "Sensor trigger's embedded Workflow adds SYS_ADMIN",
    specs: [
      s("kubernetes:argoproj.io/v1alpha1:Sensor", "k4", {
        metadata: { name: "k4", namespace: "argo-events" },
        spec: {
          triggers: [
            {
              template: {
                k8s: {
                  operation: "create",
                  source: {
                    resource: {
                      apiVersion: "argoproj.io/v1alpha1",
                      kind: "Workflow",
                      spec: {
                        templates: [
                          {
                            name: "t",
                            container: { ...ok, securityContext: { ...sc, capabilities: { drop: ["ALL"], add: ["cap_sys_admin"] } } },
                          },
                        ],
                      },
                    },
                  },
                },
              },
            },
          ],
        },
      }),
    ],
  },
  {
    rule: "kubernetes-core-pod-enforce-restricted-profile",
    why: "template-level root",
    specs: [workflow("k5", { templates: [{ name: "t", securityContext: { runAsUser: 0 }, container: ok }] })],
  },
  {
    rule: "kubernetes-core-pod-enforce-restricted-profile",
    why: "EventSource template without seccomp",
    specs: [
      s("kubernetes:argoproj.io/v1alpha1:EventSource", "k6", {
        metadata: { name: "k6", namespace: "argo-events" },
        spec: {
          template: {
            container: {
              resources: res,
              securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ["ALL"] } },
            },
          },
        },
      }),
    ],
  },
  {
    rule: "kubernetes-core-pod-enforce-restricted-profile",
    why: "Deployment in default namespace without drop ALL",
    specs: [
      s("kubernetes:apps/v1:Deployment", "k7", {
        metadata: { name: "k7" },
        spec: {
          template: {
            spec: {
              securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
              containers: [{ ...ok, securityContext: { allowPrivilegeEscalation: false } }],
            },
          },
        },
      }),
    ],
  },
  {
    rule: "kubernetes-core-pod-enforce-allowed-registry",
    why: "implicit Docker Hub",
    specs: [job("k8", "default", { ...ok, image: "nginx:1.27" })],
  },
  {
    rule: "kubernetes-core-pod-enforce-allowed-registry",
    why: "look-alike host",
    specs: [job("k9", "mlflow", { ...ok, image: "quay.io.evil.com/argoproj/argocli:v1" })],
  },
  {
    rule: "kubernetes-core-pod-enforce-allowed-registry",
    why: "Helm values image",
    specs: [
      s("kubernetes:helm.sh/v3:Release", "k10", {
        chart: "x",
        version: "1.0.0",
        namespace: "monitoring",
        values: { server: { image: { registry: "docker.io", repository: "evil/tool", tag: "1" } } },
      }),
    ],
  },
  {
    rule: "kubernetes-core-pod-disallow-unpinned-image",
    why: "upper-case LATEST in a CronJob",
    specs: [
      s("kubernetes:batch/v1:CronJob", "k11", {
        metadata: { name: "k11", namespace: "kube-system" },
        spec: { jobTemplate: { spec: { template: { spec: { containers: [{ ...ok, image: "quay.io/a/b:LATEST" }] } } } } },
      }),
    ],
  },
  // Encryption
  {
    rule: "aws-s3-bucket-enforce-kms-encryption",
    why: "SSE-S3 behind a decoy logging target",
    specs: [
      s("aws:s3/bucket:Bucket", "e1", { bucket: "e1-bkt" }),
      s("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "e1-sse", {
        bucket: "e1-bkt",
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
      }),
      s("aws:s3/bucketLogging:BucketLogging", "e1-decoy", { bucket: "other", targetBucket: "e1-bkt" }),
    ],
  },
  {
    rule: "aws-s3-bucket-enforce-kms-encryption",
    why: "alias/aws/s3",
    specs: [
      s("aws:s3/bucket:Bucket", "e2", { bucket: "e2-bkt" }),
      s("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "e2-sse", {
        bucket: "e2-bkt",
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "alias/aws/s3" } }],
      }),
    ],
  },
  {
    rule: "aws-sqs-queue-enforce-kms-encryption",
    why: "SSE-SQS alias as an ARN",
    specs: [s("aws:sqs/queue:Queue", "e3", { kmsMasterKeyId: `arn:aws:kms:me-central-1:${ACCOUNT}:alias/aws/sqs` })],
  },
  {
    rule: "aws-kms-data-store-enforce-cmk-encryption",
    why: "secret with a made-up key",
    specs: [s("aws:secretsmanager/secret:Secret", "e4", { kmsKeyId: "aws/secretsmanager" })],
  },
  {
    rule: "aws-kms-data-store-enforce-cmk-encryption",
    why: "table with the AWS-owned key",
    specs: [s("aws:dynamodb/table:Table", "e5", { serverSideEncryption: { enabled: false } })],
  },
  {
    rule: "azure-keyvault-data-store-enforce-cmk-encryption",
    stack: "uae-prod-azure",
    why: "Service Bus with Microsoft-managed keys",
    specs: [s("azure-native:servicebus:Namespace", "e6", { location: "uaenorth" })],
  },
  // Run-time guardrails and data safety
  {
    rule: "azure-authorization-policy-assignment-enforce-allowed-locations",
    stack: "uae-prod-azure",
    why: "a second assignment that only audits",
    specs: [
      s("azure-native:authorization:PolicyAssignment", "q1", {
        policyDefinitionId: "/providers/Microsoft.Authorization/policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c",
        scope: "/subscriptions/0",
        enforcementMode: "DoNotEnforce",
        parameters: { listOfAllowedLocations: { value: ["uaenorth"] } },
      }),
    ],
  },
  {
    rule: "azure-authorization-policy-assignment-enforce-allowed-locations",
    stack: "uae-prod-azure",
    why: "a resource group no assignment covers",
    // The other case plants a subscription-wide assignment, which would cover this group.
    alone: true,
    specs: [s("azure-native:resources:ResourceGroup", "q2", { resourceGroupName: "rg-shadow", location: "uaenorth" })],
  },
  {
    rule: "aws-cloudtrail-trail-enable-audit-logging",
    why: "a trail switched off",
    specs: [s("aws:cloudtrail/trail:Trail", "q3", { enableLogging: false, isMultiRegionTrail: true, s3BucketName: "x" })],
  },
  {
    rule: "azure-monitor-diagnostic-setting-enable-audit-logging",
    stack: "uae-prod-azure",
    why: "a diagnostic setting with a category off",
    specs: [
      s("azure-native:monitor:DiagnosticSetting", "q4", {
        resourceUri: "/x",
        workspaceId: "/w",
        logs: [{ categoryGroup: "audit", enabled: false }],
      }),
    ],
  },
  {
    rule: "aws-s3-bucket-configure-lifecycle-retention",
    why: "versions expire after a day",
    specs: [
      s("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "q5", {
        bucket: "b",
        rules: [{ id: "x", status: "Enabled", noncurrentVersionExpiration: { noncurrentDays: 1 } }],
      }),
    ],
  },
  {
    rule: "azure-storage-account-configure-lifecycle-retention",
    stack: "uae-prod-azure",
    why: "a table keeping logs 30 days",
    specs: [
      s("azure-native:operationalinsights:Table", "q6", {
        tableName: "AzureActivity",
        retentionInDays: 30,
        totalRetentionInDays: 30,
        workspaceName: "w",
        resourceGroupName: "rg",
      }),
    ],
  },
  // Images in Helm values: upstream registries in every shape a chart takes them.
  ...(
    [
      [
        "an image object with an upstream registry",
        { controller: { image: { registry: "quay.io", repository: "argoproj/argocli", tag: "v4.0.6" } } },
      ],
      ["an upstream image string deep in a list", { extraContainers: [{ name: "x", image: "ghcr.io/org/tool:1.0" }] }],
      [
        "global.imageRegistry redirecting every image",
        { global: { imageRegistry: "quay.io" }, image: { repository: "quay/argoproj/argocli", tag: "v1" } },
      ],
      [
        "imageRegistry + imageNamespace + image.name",
        { imageRegistry: "quay.io", imageNamespace: "jetstack", image: { name: "cert-manager-controller" } },
      ],
      ["an image map one level deeper", { image: { keda: { registry: "ghcr.io", repository: "kedacore/keda", tag: "2.20.2" } } }],
      ["Docker Hub implied by a bare name", { image: { repository: "nginx", tag: "1.27.0" } }],
      [
        "another account's ECR in the region",
        { image: { repository: `210987654321.dkr.ecr.me-central-1.amazonaws.com/quay/argoproj/argocli`, tag: "v1" } },
      ],
      ["a look-alike of the stack's host", { sidecar: { image: `${ECR}.evil.example/quay/x:1` } }],
      [
        "the stack's registry in another region",
        { image: { registry: `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`, repository: "quay/x", tag: "1" } },
      ],
    ] as const
  ).map(([why, values], n) => ({ rule: HELM_IMAGES_RULE, why, specs: [release(`helm-img${n}`, values)] })),
  {
    rule: HELM_IMAGES_RULE,
    stack: "uae-prod-azure" as const,
    why: "another ACR",
    specs: [release("helm-img-az", { image: { registry: "otherteam.azurecr.io", repository: "quay/x", tag: "1" } })],
  },
  {
    rule: HELM_IMAGES_RULE,
    stack: "uae-prod-azure" as const,
    why: "a traefik-style registry beside a plain image name",
    specs: [release("helm-img-az2", { images: { proxy: { image: "traefik", tag: "v3", registry: "docker.io/library" } } })],
  },
  {
    rule: "kubernetes-core-pod-enforce-allowed-registry",
    why: "an upstream registry the development list allows (production keeps private registries only)",
    specs: [job("prod-upstream", "ml-pipelines", { ...ok, image: "quay.io/argoproj/argocli:v4.0.6" })],
  },
  // The mesh: plain text let back in, or a namespace left out
  {
    rule: MESH,
    why: "a namespace policy PERMISSIVE in lower case (v1beta1)",
    specs: [peerAuth("pa-lower", "mlflow", { mtls: { mode: "permissive" } }, "v1beta1")],
  },
  {
    rule: MESH,
    why: "a STRICT workload policy with one port DISABLE",
    specs: [
      peerAuth("pa-port", "mlflow", {
        selector: { matchLabels: { app: "gate" } },
        mtls: { mode: "STRICT" },
        portLevelMtls: { "8081": { mode: "DISABLE" } },
      }),
    ],
  },
  {
    rule: MESH,
    why: "an inheriting workload policy with a PERMISSIVE port",
    specs: [peerAuth("pa-unset", "feast", { selector: { matchLabels: { app: "f" } }, portLevelMtls: { "6566": { mode: "PERMISSIVE" } } })],
  },
  {
    rule: MESH,
    why: "a team namespace opted out with dataplane-mode none",
    specs: [
      s("kubernetes:core/v1:Namespace", "ns-rogue", {
        metadata: { name: "team-rogue", labels: { "mlops.platform/team": "rogue", "istio.io/dataplane-mode": "none" } },
      }),
    ],
  },
  {
    rule: MESH,
    why: "a pipeline namespace with no mesh label",
    specs: [
      s("kubernetes:core/v1:Namespace", "ns-pipe", { metadata: { name: "pipelines-2", labels: { "mlops.platform/pipelines": "true" } } }),
    ],
  },
  {
    rule: MESH,
    why: "the Istio CNI agent installed in another namespace",
    specs: [s("kubernetes:helm.sh/v3:Release", "cni-elsewhere", { chart: "cni", namespace: "gpu-operator", repositoryOpts: ISTIO_REPO })],
  },
];

const CLEAN: Case[] = [
  {
    rule: "aws-iam-role-enforce-scoped-trust",
    why: "IRSA trust for one listed account with the STS audience",
    specs: [
      trustRole("ct1", {
        Effect: "Allow",
        Principal: { Federated: OIDC_ARN },
        Action: ["sts:AssumeRoleWithWebIdentity"],
        Condition: {
          StringEquals: {
            [`${OIDC}:sub`]: ["system:serviceaccount:a:b", "system:serviceaccount:a:c"],
            [`${OIDC}:aud`]: "sts.amazonaws.com",
          },
        },
      }),
    ],
  },
  {
    rule: "aws-iam-role-enforce-scoped-trust",
    why: "the account root narrowed to one role by ArnEquals",
    specs: [
      trustRole("ct2", {
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
        Action: "sts:AssumeRole",
        Condition: { ArnEquals: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:role/deployer` } },
      }),
    ],
  },
  {
    rule: "azure-data-service-enforce-private-endpoint",
    why: "a cache targeted by a private endpoint spelled in another case",
    stack: "uae-prod-azure",
    specs: [
      s("azure-native:redis:Redis", "cz1", { name: "redis-planted-ok", publicNetworkAccess: "Disabled", location: "uaenorth" }),
      s("azure-native:network:PrivateEndpoint", "cz1-pe", {
        location: "uaenorth",
        privateLinkServiceConnections: [
          {
            name: "c",
            groupIds: ["redisCache"],
            privateLinkServiceId: "/subscriptions/0/resourceGroups/rg/providers/MICROSOFT.CACHE/Redis/Redis-Planted-OK/",
          },
        ],
      }),
    ],
  },

  {
    rule: "aws-s3-bucket-enforce-tls-only",
    why: "the TLS deny spelled differently: {AWS:*}, S3:*, Resource *, BoolIfExists, boolean false",
    specs: bucketWithPolicy(
      "t20",
      tlsDeny("t20", {
        Principal: { AWS: "*" },
        Action: ["S3:*"],
        Resource: "*",
        Condition: { BoolIfExists: { "AWS:SecureTransport": false } },
      }),
    ),
  },
  {
    rule: "aws-s3-bucket-enforce-tls-only",
    why: "the TLS deny in the bucket's own inline policy, Action *",
    specs: [
      s("aws:s3/bucket:Bucket", "t21", {
        bucket: "t21",
        arn: "arn:aws:s3:::t21",
        policy: doc(tlsDeny("t21", { Action: "*", Resource: ["arn:aws:s3:::t21*"] })),
      }),
    ],
  },
  {
    rule: "kubernetes-rbac-role-disallow-wildcard",
    why: "read-only verbs on named resources",
    specs: [role("r20", { apiGroups: ["argoproj.io"], resources: ["workflows", "workflows/finalizers"], verbs: ["get", "list", "watch"] })],
  },
  {
    rule: "aws-iam-policy-disallow-wildcard-action",
    why: "exact actions",
    specs: [rolePolicy("c1", { Effect: "Allow", Action: ["s3:GetObject", "S3:PutObject"], Resource: "arn:aws:s3:::b/p/*" })],
  },
  {
    rule: "aws-iam-policy-disallow-wildcard-resource",
    why: "a prefix of one bucket",
    specs: [rolePolicy("c2", { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/p/*" })],
  },
  {
    rule: "aws-iam-policy-disallow-wildcard-resource",
    why: "Describe* on *",
    specs: [rolePolicy("c3", { Effect: "Allow", Action: "ec2:Describe*", Resource: "*" })],
  },
  {
    rule: "aws-iam-resource-policy-disallow-external-principal",
    why: "own role and narrowed anyone",
    specs: [
      s("aws:sqs/queuePolicy:QueuePolicy", "c4", {
        queueUrl: "q",
        policy: doc(
          { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/x` }, Action: "sqs:SendMessage" },
          { Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Condition: { StringEquals: { "aws:PrincipalAccount": ACCOUNT } } },
        ),
      }),
    ],
  },
  {
    rule: "aws-ec2-security-group-disallow-public-ingress",
    why: "private ranges",
    specs: [
      s("aws:ec2/securityGroup:SecurityGroup", "c5", {
        ingress: [
          { fromPort: 443, toPort: 443, protocol: "tcp", cidrBlocks: ["10.0.0.0/8", "100.64.0.0/10"], ipv6CidrBlocks: ["fd00::/8"] },
        ],
      }),
    ],
  },
  {
    rule: "azure-network-security-group-disallow-public-ingress",
    stack: "uae-prod-azure",
    why: "VirtualNetwork tag",
    specs: [
      s("azure-native:network:SecurityRule", "c6", {
        direction: "Inbound",
        access: "Allow",
        sourceAddressPrefix: "VirtualNetwork",
        destinationPortRange: "5432",
      }),
    ],
  },
  {
    rule: "aws-resource-region-enforce-allowlist",
    why: "UAE ARNs and a region-like name",
    specs: [
      s("aws:ec2/flowLog:FlowLog", "c7", {
        logDestination: "arn:aws:logs:me-central-1:123456789012:log-group:x",
        tags: { copy: "eu-west-1" },
        logGroupName: "eu-west-1-archive",
      }),
    ],
  },
  {
    rule: "azure-resource-location-enforce-allowlist",
    stack: "uae-prod-azure",
    why: "UAE North spelled out",
    specs: [s("azure-native:storage:StorageAccount", "c8", { location: "UAE North" })],
  },
  { rule: "kubernetes-core-pod-disallow-privileged", why: "hardened Job in kube-system", specs: [job("c9", "kube-system", ok)] },
  {
    rule: "kubernetes-core-pod-enforce-allowed-registry",
    why: "templated image and allowed registry",
    specs: [
      workflow("c10", {
        templates: [
          { name: "t", container: { ...ok, image: "{{inputs.parameters.image}}" } },
          { name: "u", container: { ...ok, image: "123456789012.DKR.ECR.ME-CENTRAL-1.AMAZONAWS.COM/quay/argoproj/argocli:v1" } },
        ],
      }),
    ],
  },
  {
    rule: "aws-kms-data-store-enforce-cmk-encryption",
    why: "customer-managed key alias",
    specs: [s("aws:secretsmanager/secret:Secret", "c11", { kmsKeyId: "alias/mlops-secrets" })],
  },
  ...(
    [
      ["the stack's ECR as registry + cache path", { image: { registry: ECR, repository: "quay/argoproj/argocli", tag: "v4.0.6" } }],
      ["the stack's host in capitals in a string", { controller: { image: `${ECR.toUpperCase()}/k8s/kubectl:v1.36.2` } }],
      [
        "imageRegistry + imageNamespace on the stack",
        { imageRegistry: ECR, imageNamespace: "quay/jetstack", image: { name: "cert-manager-controller", tag: "v1" } },
      ],
      [
        "upstream names in keys that are not images",
        { dashboards: { source: "ghcr.io/org/dash:1" }, config: { url: "https://quay.io/x" } },
      ],
    ] as const
  ).map(([why, values], n) => ({ rule: HELM_IMAGES_RULE, why, specs: [release(`helm-ok${n}`, values)] })),
  {
    rule: HELM_IMAGES_RULE,
    stack: "uae-prod-azure" as const,
    why: "the stack's ACR, digest-pinned",
    specs: [release("helm-ok-az", { image: { registry: ACR, repository: "ghcr/dexidp/dex", digest: `sha256:${"a".repeat(64)}` } })],
  },
  { rule: MESH, why: "a namespace policy that repeats STRICT", specs: [peerAuth("pa-ns-strict", "mlflow", { mtls: { mode: "STRICT" } })] },
  {
    rule: MESH,
    why: "an inheriting workload policy whose port is STRICT",
    specs: [
      peerAuth("pa-port-strict", "feast", {
        selector: { matchLabels: { app: "f" } },
        mtls: { mode: "UNSET" },
        portLevelMtls: { "6566": { mode: "STRICT" } },
      }),
    ],
  },
  {
    rule: MESH,
    why: "a namespace outside the platform without the label",
    specs: [s("kubernetes:core/v1:Namespace", "ns-sandbox", { metadata: { name: "sandbox" } })],
  },
  {
    rule: MESH,
    why: "a chart named cni from another repository",
    specs: [
      s("kubernetes:helm.sh/v3:Release", "cni-other", {
        chart: "cni",
        namespace: "kube-system",
        repositoryOpts: { repo: "https://charts.example.com" },
      }),
    ],
  },
];

const configs = { "uae-prod": loadPackConfig("uae-prod"), "uae-prod-azure": loadPackConfig("uae-prod-azure") };

const deployments = new Map<string, unknown>();
/** The shipped plan's deployment, parsed once per stack (plantInto copies it). */
function deploymentOf(stack: "uae-prod" | "uae-prod-azure"): unknown {
  if (!deployments.has(stack)) deployments.set(stack, shippedPlan(stack).deployment);
  return deployments.get(stack);
}

type Violation = Awaited<ReturnType<typeof checkPlan>>["violations"][number];
const groups = new Map<string, Promise<Violation[]>>();

/**
 * The mandatory violations on a case's planted resources. The cases of one rule and stack are
 * planted together and checked in one run (each case's resources have names of their own, so a
 * case is judged only on its own resources); a group whose names collide is checked case by case.
 */
async function onPlanted(c: Case, all: readonly Case[]): Promise<Violation[]> {
  const stack = c.stack ?? "uae-prod";
  const policy = allPolicies.find((p) => p.name === c.rule);
  if (!policy) throw new Error(`no rule ${c.rule}`);
  const group = c.alone ? [c] : all.filter((o) => !o.alone && o.rule === c.rule && (o.stack ?? "uae-prod") === stack);
  const names = group.flatMap((o) => o.specs.map((sp) => sp.name));
  const together = new Set(names).size === names.length;
  const specs = together ? group.flatMap((o) => o.specs) : c.specs;
  const key = together && !c.alone ? `${c.rule}|${stack}|${all === VIOLATIONS ? "v" : "c"}` : `${c.rule}|${stack}|${c.why}`;
  if (!groups.has(key)) {
    const { plan } = plantInto(deploymentOf(stack) as never, specs);
    groups.set(
      key,
      checkPlan(plan, { stack, packConfig: configs[stack], policies: [policy] }).then((r) =>
        r.violations.filter((v) => v.enforcementLevel === "mandatory" && v.urn.includes("::planted-")),
      ),
    );
  }
  const own = new Set(c.specs.map((sp) => `::planted-${sp.name}`));
  return (await (groups.get(key) as Promise<Violation[]>)).filter((v) => [...own].some((suffix) => v.urn.endsWith(suffix)));
}

describe("adversarial: equivalent forms of a violation, planted into a shipped plan", () => {
  it.each(VIOLATIONS.map((c) => [c.rule, c.why, c] as const))("%s catches %s", async (_r, _w, c) => {
    expect((await onPlanted(c, VIOLATIONS)).length).toBeGreaterThan(0);
  });
  it("writes every rule's violation in at least three ways (planted here or in the rule's own cases)", () => {
    const counts = new Map<string, number>();
    for (const c of VIOLATIONS) counts.set(c.rule, (counts.get(c.rule) ?? 0) + 1);
    const core = [
      "aws-iam-policy-disallow-wildcard-action",
      "aws-iam-resource-policy-disallow-external-principal",
      "aws-resource-region-enforce-allowlist",
      "kubernetes-core-pod-disallow-privileged",
      "aws-iam-role-enforce-scoped-trust",
      "aws-data-service-enforce-private-network",
      "azure-data-service-enforce-private-endpoint",
      "aws-s3-bucket-enforce-tls-only",
      "kubernetes-rbac-role-disallow-wildcard",
      "kubernetes-helm-release-enforce-stack-registry",
    ];
    for (const r of core) expect(counts.get(r) ?? 0, r).toBeGreaterThanOrEqual(3);
    const short = allPolicies
      .map((p) => [p.name, (counts.get(p.name) ?? 0) + (CASES[p.name]?.violations.length ?? 0)] as const)
      .filter(([, n]) => n < 3);
    expect(short, "rules with fewer than three forms of their violation").toEqual([]);
  });
  it("plants only into rules that exist", () => {
    const names = new Set(allPolicies.map((p) => p.name));
    expect([...VIOLATIONS, ...CLEAN].map((c) => c.rule).filter((r) => !names.has(r))).toEqual([]);
  });
});

describe("adversarial: compliant look-alikes planted into a shipped plan stay clean", () => {
  it.each(CLEAN.map((c) => [c.rule, c.why, c] as const))("%s accepts %s", async (_r, _w, c) => {
    expect(await onPlanted(c, CLEAN)).toEqual([]);
  });
});
