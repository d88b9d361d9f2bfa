/**
 * Assertions that hold for the AWS cloud layer of every AWS stack, whatever its profile:
 * region-pinned providers and the security settings of issue 3. Each stack's test file (its own
 * process) calls {@link describeAwsLayerBaseline}.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { wildcardProblems } from "../../components/aws/policy";
import type { PlanResult } from "../../tools/lib/harness";
import { readStackConfig } from "../../tools/lib/stack-config";
import { isSecret, UNKNOWN } from "../../tools/lib/values";
import type { PlanName } from "../support/plan-requests";
import { planned } from "../support/shipped-plan";
import { doc, ofType, one, providerOf, under } from "./aws-plan-checks";

/** The stack file's `models:` entries (only the fields these checks read). */
function stackModels(stack: string): { name: string; team: string; training?: { repository?: string } }[] | undefined {
  return readStackConfig(process.cwd(), stack).values["mlops-platform:models"] as never;
}

/** Registers the profile-independent checks and hands the plan to `more`. */
export function describeAwsLayerBaseline(stack: string, more: (plan: () => PlanResult) => void): void {
  describe(`AWS cloud layer of ${stack}`, () => {
    let plan: PlanResult;
    beforeAll(() => {
      plan = planned(`aws-layer/${stack}` as PlanName);
    });

    it("sends every AWS resource through the provider pinned to me-central-1, random and Kubernetes through theirs", () => {
      const aws = ofType(plan, "pulumi:providers:aws");
      expect(aws).toHaveLength(1);
      expect(aws[0]?.inputs.region).toBe("me-central-1");
      // Provider inputs are serialized as strings.
      expect(String(aws[0]?.inputs.skipRegionValidation)).toBe("false");
      let checked = 0;
      for (const r of plan.resources) {
        if (!r.custom || r.type.startsWith("pulumi:providers:")) continue;
        const provider = providerOf(plan, r);
        expect(provider, `${r.urn} has no provider`).toBeDefined();
        const pkg = r.type.split(":")[0];
        expect(provider?.type, r.urn).toBe(`pulumi:providers:${pkg}`);
        if (pkg === "aws") {
          expect(provider?.inputs.region, r.urn).toBe("me-central-1");
          // No resource overrides the provider's region (aws 7.x allows a per-resource region).
          expect(r.inputs.region === undefined || r.inputs.region === "me-central-1", r.urn).toBe(true);
          checked++;
        }
        if (pkg === "kubernetes") expect(under(plan, provider as never, "mlops-platform:aws:Cluster"), r.urn).toBe(true);
      }
      expect(checked).toBeGreaterThan(100);
    });

    it("creates four customer-managed KMS keys with rotation, a 30-day window and account-scoped policies", () => {
      const keys = ofType(plan, "aws:kms/key:Key");
      expect(keys.map((k) => k.name.split("-").pop()).sort()).toEqual(["cluster", "database", "logs", "storage"]);
      for (const k of keys) {
        expect(k.inputs.enableKeyRotation, k.name).toBe(true);
        expect(k.inputs.deletionWindowInDays, k.name).toBe(30);
        const policy = doc(k.inputs.policy);
        for (const s of policy.Statement) expect(s.Principal, `${k.name} ${s.Sid}`).not.toBe("*");
        expect(JSON.stringify(policy)).not.toContain('"kms:*"');
        expect(policy.Statement[0]?.Principal).toEqual({ AWS: "arn:aws:iam::123456789012:root" });
      }
      const logs = doc(keys.find((k) => k.name.endsWith("-logs"))?.inputs.policy);
      expect(logs.Statement.map((s) => s.Principal)).toContainEqual({ Service: "logs.me-central-1.amazonaws.com" });
    });

    it("builds a VPC with private nodes, load-balancer-only public subnets, isolated data subnets, endpoints and encrypted flow logs", () => {
      const subnets = ofType(plan, "aws:ec2/subnet:Subnet");
      for (const s of subnets) expect(s.inputs.mapPublicIpOnLaunch, s.name).toBe(false);
      const endpoints = ofType(plan, "aws:ec2/vpcEndpoint:VpcEndpoint").map((e) => e.inputs.serviceName);
      for (const svc of ["s3", "ecr.api", "ecr.dkr", "sts", "kms", "logs", "eks", "ec2", "sqs"]) {
        expect(endpoints).toContain(`com.amazonaws.me-central-1.${svc}`);
      }
      for (const e of ofType(plan, "aws:ec2/vpcEndpoint:VpcEndpoint")) {
        if (e.inputs.vpcEndpointType === "Interface") expect(e.inputs.privateDnsEnabled, e.name).toBe(true);
      }
      const flow = ofType(plan, "aws:ec2/flowLog:FlowLog");
      expect(flow).toHaveLength(1);
      expect(flow[0]?.inputs.trafficType).toBe("ALL");
      const flowTrust = doc(one(plan, "aws:iam/role:Role", "-network-flow-logs").inputs.assumeRolePolicy);
      expect(flowTrust.Statement[0]?.Condition).toEqual({ StringEquals: { "aws:SourceAccount": "123456789012" } });
      const keyArn = one(plan, "aws:kms/key:Key", "-logs").outputs.arn;
      for (const lg of ofType(plan, "aws:cloudwatch/logGroup:LogGroup")) expect(lg.inputs.kmsKeyId, lg.name).toBe(keyArn);
      const defaultSg = ofType(plan, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup");
      expect(defaultSg[0]?.inputs.ingress).toEqual([]);
      expect(defaultSg[0]?.inputs.egress).toEqual([]);
      // The data subnets' route table has no route to the internet.
      const routes = ofType(plan, "aws:ec2/route:Route");
      expect(routes.some((r) => r.name.includes("data"))).toBe(false);
    });

    it("encrypts, versions, blocks, logs and TLS/region-locks every bucket", () => {
      const buckets = ofType(plan, "aws:s3/bucket:Bucket");
      expect(buckets.length).toBe(6); // artifacts, datasets, features, logs, access logs, trail
      const storageKey = one(plan, "aws:kms/key:Key", "-storage").outputs.arn;
      const logsKey = one(plan, "aws:kms/key:Key", "-logs").outputs.arn;
      for (const purpose of ["artifacts", "datasets", "features", "logs"]) {
        const sse = one(
          plan,
          "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
          `${stack}-${purpose}-encryption`,
        );
        expect(sse.inputs.rules).toEqual([
          { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: storageKey }, bucketKeyEnabled: true },
        ]);
        const logging = one(plan, "aws:s3/bucketLogging:BucketLogging", `${stack}-${purpose}-logging`);
        expect(String(logging.inputs.targetBucket)).toMatch(/-access-logs-/);
      }
      const trailSse = one(
        plan,
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "-audit-trail-encryption",
      );
      expect(JSON.stringify(trailSse.inputs.rules)).toContain(String(logsKey));
      for (const v of ofType(plan, "aws:s3/bucketVersioning:BucketVersioning"))
        expect(v.inputs.versioningConfiguration).toEqual({ status: "Enabled" });
      for (const p of ofType(plan, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")) {
        expect(p.inputs).toMatchObject({
          blockPublicAcls: true,
          blockPublicPolicy: true,
          ignorePublicAcls: true,
          restrictPublicBuckets: true,
        });
      }
      for (const o of ofType(plan, "aws:s3/bucketOwnershipControls:BucketOwnershipControls")) {
        expect(o.inputs.rule).toEqual({ objectOwnership: "BucketOwnerEnforced" });
      }
      for (const bp of ofType(plan, "aws:s3/bucketPolicy:BucketPolicy")) {
        const sids = Object.fromEntries(doc(bp.inputs.policy).Statement.map((s) => [s.Sid, s]));
        expect(sids.DenyInsecureTransport?.Condition).toEqual({ Bool: { "aws:SecureTransport": "false" } });
        expect(sids.DenyRequestsOutsideRegion?.Condition?.StringNotEquals).toEqual({ "aws:RequestedRegion": "me-central-1" });
        expect(sids.DenyOutdatedTls?.Effect).toBe("Deny");
      }
      for (const lc of ofType(plan, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")) {
        expect(JSON.stringify(lc.inputs.rules)).toContain("noncurrentVersionExpiration");
      }
      expect(ofType(plan, "aws:s3/bucketReplicationConfig:BucketReplicationConfig")).toHaveLength(0);
    });

    it("keeps the EKS API private, envelope-encrypts secrets, logs every control-plane type and maps admins by access entries", () => {
      const [cluster] = ofType(plan, "aws:eks/cluster:Cluster");
      const clusterKey = one(plan, "aws:kms/key:Key", "-cluster").outputs.arn;
      expect(cluster?.inputs.vpcConfig).toMatchObject({ endpointPrivateAccess: true, endpointPublicAccess: false });
      expect(cluster?.inputs.encryptionConfig).toEqual({ resources: ["secrets"], provider: { keyArn: clusterKey } });
      expect(cluster?.inputs.enabledClusterLogTypes).toEqual(["api", "audit", "authenticator", "controllerManager", "scheduler"]);
      expect(cluster?.inputs.accessConfig).toEqual({ authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false });
      expect(["1.32", "1.33", "1.34", "1.35"]).toContain(cluster?.inputs.version);
      // Admins get the cluster-admin policy; team SSO roles (teams[].ssoRoleArns) only their team's groups (test/plan/people.test.ts).
      const entries = ofType(plan, "aws:eks/accessEntry:AccessEntry").filter((e) => !e.inputs.kubernetesGroups);
      expect(entries.map((e) => e.inputs.principalArn)).toEqual([
        "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/me-central-1/AWSReservedSSO_PlatformAdmin_0123456789abcdef",
      ]);
      const addons = ofType(plan, "aws:eks/addon:Addon").map((a) => a.inputs.addonName);
      expect(addons.sort()).toEqual(["aws-ebs-csi-driver", "coredns", "kube-proxy", "vpc-cni"]);
      expect(ofType(plan, "aws:iam/openIdConnectProvider:OpenIdConnectProvider")[0]?.inputs.clientIdLists).toEqual(["sts.amazonaws.com"]);
    });

    it("hardens every node pool: encrypted gp3 root, IMDSv2 with hop limit 1, no SSH, GPU pools tainted and scaled from zero", () => {
      const storageKey = one(plan, "aws:kms/key:Key", "-storage").outputs.arn;
      for (const lt of ofType(plan, "aws:ec2/launchTemplate:LaunchTemplate")) {
        expect(lt.inputs.metadataOptions, lt.name).toMatchObject({ httpTokens: "required", httpPutResponseHopLimit: 1 });
        const [bdm] = lt.inputs.blockDeviceMappings as { ebs: Record<string, unknown> }[];
        expect(bdm?.ebs, lt.name).toMatchObject({ encrypted: "true", volumeType: "gp3", kmsKeyId: storageKey });
        expect(lt.inputs.keyName, lt.name).toBeUndefined();
      }
      const groups = ofType(plan, "aws:eks/nodeGroup:NodeGroup");
      for (const g of groups) expect(g.inputs.remoteAccess, g.name).toBeUndefined();
      const gpu = groups.filter((g) => g.inputs.amiType === "AL2023_x86_64_NVIDIA");
      expect(gpu.length).toBeGreaterThanOrEqual(2);
      for (const g of gpu) {
        expect(g.inputs.taints).toContainEqual({ key: "nvidia.com/gpu", value: "present", effect: "NO_SCHEDULE" });
        expect((g.inputs.scalingConfig as { minSize: number }).minSize, g.name).toBe(0);
        expect((g.inputs.labels as Record<string, string>)["nvidia.com/gpu.present"]).toBe("true");
      }
      expect(gpu.map((g) => g.inputs.capacityType).sort()).toEqual(["ON_DEMAND", "SPOT"]);
    });

    it("runs the Cluster Autoscaler (pinned chart, IRSA) so that GPU pools scale up from zero, resizing only this cluster's groups", () => {
      const [release] = ofType(plan, "kubernetes:helm.sh/v3:Release").filter((r) => r.name.endsWith("-eks-autoscaler-release"));
      expect(release?.inputs).toMatchObject({ chart: "cluster-autoscaler", version: "9.59.0", namespace: "kube-system" });
      const values = release?.inputs.values as Record<string, unknown>;
      const clusterName = ofType(plan, "aws:eks/cluster:Cluster")[0]?.inputs.name as string;
      expect(values.autoDiscovery).toEqual({ clusterName });
      expect((values.image as { tag: string }).tag).toBe("v1.33.6");
      const role = one(plan, "aws:iam/role:Role", "-eks-autoscaler-role");
      const sa = (values.rbac as { serviceAccount: { annotations: Record<string, string> } }).serviceAccount;
      expect(sa.annotations["eks.amazonaws.com/role-arn"]).toBe(role.outputs.arn);
      expect(JSON.stringify(doc(role.inputs.assumeRolePolicy))).toContain("system:serviceaccount:kube-system:cluster-autoscaler");
      const policy = doc(one(plan, "aws:iam/rolePolicy:RolePolicy", "-eks-autoscaler-policy").inputs.policy);
      const resize = policy.Statement.find((s) => s.Sid === "ResizeOwnNodeGroups");
      const pools = ofType(plan, "aws:eks/nodeGroup:NodeGroup").map(
        (g) => (g.inputs.labels as Record<string, string>)["mlops.platform/node-pool"],
      );
      for (const g of ofType(plan, "aws:eks/nodeGroup:NodeGroup")) expect(g.inputs.nodeGroupNamePrefix).toMatch(/^[a-z0-9]+-$/);
      expect([resize?.Resource].flat().sort()).toEqual(
        pools.map((p) => `arn:aws:autoscaling:me-central-1:123456789012:autoScalingGroup:*:autoScalingGroupName/eks-${p}-*`).sort(),
      );
      expect(resize?.Condition).toEqual({ StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterName}`]: "owned" } });
      for (const s of policy.Statement) {
        if (s.Resource === "*") for (const a of [s.Action].flat()) expect(a, a).toMatch(/:Describe/);
      }
    });

    it("prefers spot GPU node groups and falls back to on-demand ones, as on AKS (priority expander)", () => {
      const release = one(plan, "kubernetes:helm.sh/v3:Release", "-eks-autoscaler-release");
      expect((release.inputs.values as { extraArgs: Record<string, unknown> }).extraArgs.expander).toBe("priority,least-waste");
      const [cm] = ofType(plan, "kubernetes:core/v1:ConfigMap").filter((r) => r.name.endsWith("-eks-autoscaler-priorities"));
      expect(cm?.inputs.metadata).toEqual({ name: "cluster-autoscaler-priority-expander", namespace: "kube-system" });
      const table = parse(((cm?.inputs.data ?? {}) as { priorities?: string }).priorities ?? "") as Record<string, string[]>;
      const priorityOf = (asg: string) =>
        Math.max(...Object.entries(table).flatMap(([p, patterns]) => (patterns.some((re) => new RegExp(re).test(asg)) ? [Number(p)] : [])));
      // The autoscaling groups EKS creates for each node group: eks-<node group name>-<uuid>.
      const asgOf = (g: { inputs: Record<string, unknown> }) =>
        `eks-${g.inputs.nodeGroupNamePrefix}20261128093000000000000001-4ec7a6b2-1f0e-4c55`;
      const groups = ofType(plan, "aws:eks/nodeGroup:NodeGroup");
      const gpu = groups.filter((g) => (g.inputs.labels as Record<string, string>)["nvidia.com/gpu.present"] === "true");
      const spot = gpu.filter((g) => g.inputs.capacityType === "SPOT");
      const onDemand = gpu.filter((g) => g.inputs.capacityType === "ON_DEMAND");
      expect(spot.length).toBeGreaterThan(0);
      expect(onDemand.length).toBeGreaterThan(0);
      for (const g of spot) expect(priorityOf(asgOf(g)), g.name).toBe(30);
      for (const g of onDemand) expect(priorityOf(asgOf(g)), g.name).toBe(20);
      for (const g of groups.filter((x) => !gpu.includes(x))) expect(priorityOf(asgOf(g)), g.name).toBe(10);
    });

    it("installs the encrypted gp3 StorageClass as the default through the cluster's provider", () => {
      const [sc] = ofType(plan, "kubernetes:storage.k8s.io/v1:StorageClass");
      expect(sc?.inputs.metadata).toMatchObject({
        name: "gp3-encrypted",
        annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
      });
      expect(sc?.inputs.provisioner).toBe("ebs.csi.aws.com");
      expect(sc?.inputs.parameters).toMatchObject({
        type: "gp3",
        encrypted: "true",
        kmsKeyId: one(plan, "aws:kms/key:Key", "-storage").outputs.arn,
      });
      const [provider] = ofType(plan, "pulumi:providers:kubernetes");
      expect(isSecret(provider?.inputs.kubeconfig) || provider?.inputs.kubeconfig === UNKNOWN).toBe(true);
    });

    it("makes ECR repositories KMS-encrypted, immutable and scanned on push", () => {
      const repos = ofType(plan, "aws:ecr/repository:Repository");
      // The platform's repositories, and the copies of the images ECR cannot cache (nvcr.io, and
      // gcr.io for Kaniko's executor, the in-cluster builder).
      expect(repos.map((r) => String(r.inputs.name)).find((n) => n.endsWith("/executor"))).toMatch(/gcr\/kaniko-project\/executor$/);
      // The models' repositories are created under their exact `<team>/<model>` path.
      const isModel = (r: (typeof repos)[number]) => /-registry-model-/.test(r.name);
      const names = repos.map((r) => String(r.inputs.name));
      const platform = repos.filter((r) => !isModel(r)).map((r) => String(r.inputs.name));
      expect(platform.map((n) => n.split("/").pop()).sort()).toEqual([
        "dcgm-exporter",
        "executor",
        "k8s-device-plugin",
        "pipelines",
        "serving",
        "steps",
      ]);
      // The rest are the repositories of the models built in the cluster, `<team>/<model>`, one per
      // model that declares a training repository (and nothing else).
      const built = (stackModels(stack) ?? []).filter((m) => m.training?.repository).map((m) => `${m.team}/${m.name}`);
      expect(
        repos
          .filter(isModel)
          .map((r) => String(r.inputs.name))
          .sort(),
      ).toEqual([...new Set(built)].sort());
      expect(names).toHaveLength(platform.length + new Set(built).size);
      for (const r of repos) {
        expect(r.inputs.imageTagMutability).toBe("IMMUTABLE");
        expect(r.inputs.imageScanningConfiguration).toEqual({ scanOnPush: true });
        expect(r.inputs.encryptionConfigurations).toEqual([
          { encryptionType: "KMS", kmsKey: one(plan, "aws:kms/key:Key", "-storage").outputs.arn },
        ]);
      }
    });

    it("keeps PostgreSQL private, encrypted, TLS-only, IAM-auth enabled, with the password secret and in Secrets Manager", () => {
      const [db] = ofType(plan, "aws:rds/instance:Instance");
      const dbKey = one(plan, "aws:kms/key:Key", "-database").outputs.arn;
      expect(db?.inputs).toMatchObject({
        engine: "postgres",
        storageEncrypted: true,
        kmsKeyId: dbKey,
        publiclyAccessible: false,
        iamDatabaseAuthenticationEnabled: true,
      });
      expect(isSecret(db?.inputs.password)).toBe(true);
      const [params] = ofType(plan, "aws:rds/parameterGroup:ParameterGroup");
      expect(params?.inputs.parameters).toContainEqual({ name: "rds.force_ssl", value: "1" });
      const [secret] = ofType(plan, "aws:secretsmanager/secret:Secret");
      expect(secret?.inputs.kmsKeyId).toBe(dbKey);
      const [version] = ofType(plan, "aws:secretsmanager/secretVersion:SecretVersion");
      expect(isSecret(version?.inputs.secretString)).toBe(true);
      const [sg] = ofType(plan, "aws:ec2/securityGroup:SecurityGroup").filter((s) => s.name.endsWith("-database-sg"));
      expect(JSON.stringify(sg?.inputs.ingress)).not.toContain("0.0.0.0/0");
      for (const consumer of ["mlflow", "feast", "argo"]) {
        const out = (plan.outputs.databases as Record<string, Record<string, unknown>>)[consumer];
        expect(out?.database).toBe(consumer);
        expect(out?.sslMode).toBe("require");
        expect(isSecret(out?.password), consumer).toBe(true);
      }
      // The init Job reads passwords from a Secret, never from plain env values.
      const [job] = ofType(plan, "kubernetes:batch/v1:Job");
      type JobInputs = { spec: { template: { spec: { containers: { env: { name: string }[]; envFrom: unknown[] }[] } } } };
      const container = (job?.inputs as JobInputs | undefined)?.spec.template.spec.containers[0];
      expect(container?.env.map((e) => e.name).filter((n) => /PASS|PW_/.test(n))).toEqual([]);
      expect(container?.envFrom).toHaveLength(1);
    });

    it("encrypts Redis at rest with KMS and in transit, with an AUTH token kept secret", () => {
      const [rg] = ofType(plan, "aws:elasticache/replicationGroup:ReplicationGroup");
      expect(rg?.inputs).toMatchObject({
        atRestEncryptionEnabled: true,
        transitEncryptionEnabled: true,
        transitEncryptionMode: "required",
      });
      expect(rg?.inputs.kmsKeyId).toBe(one(plan, "aws:kms/key:Key", "-database").outputs.arn);
      expect(isSecret(rg?.inputs.authToken)).toBe(true);
      expect(isSecret((plan.outputs.cache as Record<string, unknown>).password)).toBe(true);
    });

    it("records the account in CloudTrail with file validation, KMS and an in-region bucket", () => {
      const [trail] = ofType(plan, "aws:cloudtrail/trail:Trail");
      expect(trail?.inputs).toMatchObject({ enableLogFileValidation: true, enableLogging: true, isMultiRegionTrail: true });
      expect(trail?.inputs.kmsKeyId).toBe(one(plan, "aws:kms/key:Key", "-logs").outputs.arn);
      const policy = doc(one(plan, "aws:s3/bucketPolicy:BucketPolicy", "-audit-trail-policy").inputs.policy);
      const write = policy.Statement.find((s) => s.Sid === "CloudTrailWrite");
      expect(write?.Condition?.StringEquals?.["aws:SourceArn"]).toMatch(/^arn:aws:cloudtrail:me-central-1:123456789012:trail\//);
    });

    it("gives each workload identity an IRSA role trusted by exactly its service accounts, with wildcard-free policies", () => {
      const identity = (key: string) => one(plan, "aws:iam/role:Role", `-identity-${key}`);
      const trust = doc(identity("mlflow").inputs.assumeRolePolicy);
      const cond = trust.Statement[0]?.Condition?.StringEquals ?? {};
      const subKey = Object.keys(cond).find((k) => k.endsWith(":sub")) as string;
      expect(cond[subKey]).toBe("system:serviceaccount:mlflow:mlflow");
      expect(Object.entries(cond).find(([k]) => k.endsWith(":aud"))?.[1]).toBe("sts.amazonaws.com");
      const policies = ofType(plan, "aws:iam/rolePolicy:RolePolicy").filter((p) => p.name.includes("-identity-"));
      expect(policies.length).toBeGreaterThanOrEqual(6);
      for (const p of policies) expect(wildcardProblems(doc(p.inputs.policy)), p.name).toEqual([]);
      const mlflow = JSON.stringify(doc(one(plan, "aws:iam/rolePolicy:RolePolicy", "-identity-mlflow").inputs.policy));
      expect(mlflow).toMatch(/artifacts-[0-9a-f]+\/mlflow\/\*/);
      expect(mlflow).not.toContain("datasets");
      const events = doc(one(plan, "aws:iam/rolePolicy:RolePolicy", "-identity-argo-events").inputs.policy);
      expect(events.Statement.find((s) => s.Sid === "ConsumeDataEvents")?.Resource).toBe(
        (plan.outputs.dataEvents as { queueArn: string }).queueArn,
      );
      const annotations = plan.outputs.identities as Record<string, Record<string, string>>;
      expect(annotations.serving?.["eks.amazonaws.com/role-arn"]).toMatch(/^arn:aws:iam::123456789012:role\//);
    });

    it("feeds new batch markers of the datasets bucket into an encrypted SQS queue only that bucket may send to", () => {
      const queues = ofType(plan, "aws:sqs/queue:Queue");
      const storageKey = one(plan, "aws:kms/key:Key", "-storage").outputs.arn;
      for (const q of queues) expect(q.inputs.kmsMasterKeyId, q.name).toBe(storageKey);
      const [notification] = ofType(plan, "aws:s3/bucketNotification:BucketNotification");
      expect(String(notification?.inputs.bucket)).toMatch(/-datasets-/);
      expect(JSON.stringify(notification?.inputs.queues)).toContain("s3:ObjectCreated:*");
      // Debounced: only the batch marker raises an event, never each data file.
      for (const q of (notification?.inputs.queues ?? []) as Record<string, unknown>[]) expect(q.filterSuffix).toBe("/_SUCCESS");
      const qp = doc(ofType(plan, "aws:sqs/queuePolicy:QueuePolicy")[0]?.inputs.policy);
      expect(qp.Statement[0]?.Condition?.ArnEquals?.["aws:SourceArn"]).toMatch(/^arn:aws:s3:::.*-datasets-/);
    });

    it("returns the full CloudLayer contract: storage class, buckets, registry, queue and ready dependencies", () => {
      const o = plan.outputs as Record<string, unknown>;
      expect(o.storageClassName).toBe("gp3-encrypted");
      const buckets = o.buckets as Record<string, string>;
      expect(Object.keys(buckets).sort()).toEqual(["artifacts", "datasets", "features", "logs"]);
      for (const uri of Object.values(buckets)) expect(uri).toMatch(/^s3:\/\/mlops-platform-/);
      expect(o.registryHost).toBe("123456789012.dkr.ecr.me-central-1.amazonaws.com");
      expect(Object.keys(o.repositoryUrls as object).sort()).toEqual(["pipelines", "serving", "steps"]);
      expect((o.dataEvents as { kind: string }).kind).toBe("sqs");
      const ready = o.readyDependencies as string[];
      const groups = ofType(plan, "aws:eks/nodeGroup:NodeGroup").map((g) => g.urn);
      const addons = ofType(plan, "aws:eks/addon:Addon").map((a) => a.urn);
      for (const urn of [...groups, ...addons]) expect(ready).toContain(urn);
      expect(ready).toContain(ofType(plan, "kubernetes:batch/v1:Job")[0]?.urn);
      const identities = o.identities as Record<string, unknown>;
      expect(Object.keys(identities)).toEqual(
        expect.arrayContaining(["mlflow", "argo-workflows", "argo-events", "feast", "serving", "pipelines"]),
      );
    });

    it("never exports a credential in clear", () => {
      expect(isSecret(plan.outputs.kubeconfig)).toBe(true);
      const credentials: unknown[] = [];
      const walk = (v: unknown): void => {
        if (v === null || typeof v !== "object" || isSecret(v)) return;
        for (const [k, child] of Object.entries(v)) {
          if (/password|token|kubeconfig/i.test(k)) credentials.push(child);
          walk(child);
        }
      };
      walk(plan.outputs);
      expect(credentials.length).toBeGreaterThanOrEqual(4);
      for (const c of credentials) expect(isSecret(c), JSON.stringify(c)).toBe(true);
    });

    more(() => plan);
  });
}
