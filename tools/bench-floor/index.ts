/**
 * The SDK floor of `npm run bench`: a program that registers, per team, the 27 resources of the
 * kinds a platform team adds to uae-prod (its namespace, quota and limits, Kueue queues, network
 * and mesh policies, service accounts and their tokens, settings, role bindings, and its three
 * IAM roles with their policies) under one component (the platform's team has two, so 29 there
 * against 28 here), through the same providers, with nothing else: no validation, no platform,
 * no manifests, no policy gate.
 *
 * How much 99 more teams cost here is what `@pulumi/pulumi` itself costs to register their
 * resources, the least any plan with those teams can cost. The benchmark sets it beside the
 * "100 teams ≤ 1.5× the wall time of 1 team" target (tools/bench.ts, docs/benchmarks.md).
 * Never deployed: it is planned offline only, by tools/bench-run.ts.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

const teams = new pulumi.Config().requireNumber("teams");
const kubernetes = new k8s.Provider("cluster", { kubeconfig: "offline", enableServerSideApply: true });
const cloud = new aws.Provider("aws", { region: "me-central-1" });

/** Service accounts per team, each pair bound to one of the team's three cloud roles. */
const ACCOUNTS = 6;
const ROLES = 3;

class FloorTeam extends pulumi.ComponentResource {
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("bench-floor:Team", name, {}, opts);
    const inCluster = { parent: this, provider: kubernetes };
    const namespace = new k8s.core.v1.Namespace(
      `${name}-ns`,
      { metadata: { name, labels: { "mlops.platform/team": name, "pod-security.kubernetes.io/enforce": "restricted" } } },
      inCluster,
    );
    const inNamespace = { ...inCluster, dependsOn: [namespace] };
    const metadata = (n: string, annotations: pulumi.Input<Record<string, pulumi.Input<string>>> = {}) => ({
      name: n,
      namespace: namespace.metadata.name,
      labels: { "app.kubernetes.io/part-of": "mlops-platform" },
      annotations,
    });
    new k8s.core.v1.ResourceQuota(
      `${name}-quota`,
      {
        metadata: metadata("quota"),
        spec: { hard: { "requests.cpu": "8", "requests.memory": "32Gi", "requests.nvidia.com/gpu": "0", pods: "100" } },
      },
      inNamespace,
    );
    new k8s.core.v1.LimitRange(
      `${name}-limits`,
      {
        metadata: metadata("limits"),
        spec: { limits: [{ type: "Container", default: { cpu: "1", memory: "1Gi" }, defaultRequest: { cpu: "100m", memory: "128Mi" } }] },
      },
      inNamespace,
    );
    for (const kind of ["ClusterQueue", "LocalQueue"])
      new k8s.apiextensions.CustomResource(
        `${name}-${kind.toLowerCase()}`,
        { apiVersion: "kueue.x-k8s.io/v1beta2", kind, metadata: metadata(name), spec: { queueingStrategy: "BestEffortFIFO" } },
        inNamespace,
      );
    for (const direction of ["Ingress", "Egress"])
      new k8s.networking.v1.NetworkPolicy(
        `${name}-${direction.toLowerCase()}`,
        {
          metadata: metadata(direction.toLowerCase()),
          spec: {
            podSelector: {},
            policyTypes: [direction],
            ingress: [{ from: [{ namespaceSelector: { matchLabels: { name: "monitoring" } } }] }],
          },
        },
        inNamespace,
      );
    new k8s.apiextensions.CustomResource(
      `${name}-authz`,
      { apiVersion: "security.istio.io/v1", kind: "AuthorizationPolicy", metadata: metadata("scrape"), spec: { action: "ALLOW" } },
      inNamespace,
    );
    for (const n of ["settings", "artifact-repositories"])
      new k8s.core.v1.ConfigMap(`${name}-${n}`, { metadata: metadata(n), data: { config: `team: ${name}\n` } }, inNamespace);
    const roles = Array.from({ length: ROLES }, (_, i) => {
      const role = new aws.iam.Role(
        `${name}-role-${i}`,
        {
          name: `${name}-role-${i}`,
          assumeRolePolicy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.me-central-1.amazonaws.com/id/FLOOR" },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                  StringEquals: { "oidc.eks.me-central-1.amazonaws.com/id/FLOOR:sub": `system:serviceaccount:${name}:account-${i}` },
                },
              },
            ],
          }),
          tags: { team: name },
        },
        { parent: this, provider: cloud },
      );
      new aws.iam.RolePolicy(
        `${name}-role-${i}`,
        {
          role: role.name,
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: [`arn:aws:s3:::artifacts/${name}/*`] }],
          }),
        },
        { parent: this, provider: cloud },
      );
      return role;
    });
    for (let i = 0; i < ACCOUNTS; i++) {
      const account = new k8s.core.v1.ServiceAccount(
        `${name}-account-${i}`,
        {
          metadata: metadata(`account-${i}`, { "eks.amazonaws.com/role-arn": (roles[i % ROLES] as aws.iam.Role).arn }),
          automountServiceAccountToken: false,
        },
        inNamespace,
      );
      if (i < 2)
        new k8s.core.v1.Secret(
          `${name}-token-${i}`,
          {
            metadata: metadata(`account-${i}.service-account-token`, { "kubernetes.io/service-account.name": `account-${i}` }),
            type: "kubernetes.io/service-account-token",
          },
          { ...inCluster, dependsOn: [namespace, account] },
        );
    }
    for (const n of ["members", "pipelines", "approvers"])
      new k8s.rbac.v1.RoleBinding(
        `${name}-${n}`,
        {
          metadata: metadata(n),
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: `mlops-team-${n}` },
          subjects: [{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: `team-${name}` }],
        },
        inNamespace,
      );
    this.registerOutputs({});
  }
}

for (let i = 1; i <= teams; i++) new FloorTeam(`team${String(i).padStart(3, "0")}`);
