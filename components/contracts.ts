/**
 * The contract between the cloud layer (`components/aws`, `components/azure`) and the
 * cloud-agnostic Kubernetes platform services (`components/k8s`).
 *
 * Each cloud composition returns a {@link CloudLayer}; the platform services consume only
 * this interface, so they run unchanged on EKS or AKS. Namespaces and service-account names
 * are part of the contract too: the cloud layer binds workload identities to them (IRSA /
 * Pod Identity trust, Azure federated credentials) and the services create them.
 */

import type * as pulumi from "@pulumi/pulumi";
import { NAMESPACES, teamNamespace } from "../contracts/endpoints";
import type { CloudName } from "../contracts/regions";
import type * as k8s from "./k8s/sdk";

/** The clouds the platform runs on (defined with the UAE allow-list in `contracts/`). */
export type { CloudName };
/** Namespaces of the platform services and the team-namespace rule (`contracts/endpoints.ts`). */
export { NAMESPACES, teamNamespace };

/** Purposes of the encrypted buckets (AWS S3) or blob containers (Azure Storage). */
export const BUCKET_PURPOSES = ["artifacts", "datasets", "features", "logs"] as const;
/** One bucket purpose. */
export type BucketPurpose = (typeof BUCKET_PURPOSES)[number];

/** Where a bucket or container lives, in the form each consumer needs. */
export interface BucketRef {
  /** Bucket name (AWS) or blob container name (Azure). */
  readonly name: pulumi.Output<string>;
  /** Storage account name (Azure only). */
  readonly accountName?: pulumi.Output<string>;
  /** Object-store URI prefix: `s3://bucket` or `abfss://container@account.dfs.core.windows.net`. */
  readonly uri: pulumi.Output<string>;
  /** S3 / Blob endpoint host reached from inside the cluster (regional endpoint). */
  readonly endpoint: pulumi.Output<string>;
  /** ARN (AWS) or resource id (Azure) of the bucket or container. */
  readonly resourceId: pulumi.Output<string>;
}

/** A PostgreSQL database reached over TLS. */
export interface DatabaseRef {
  readonly host: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  readonly database: pulumi.Output<string>;
  readonly username: pulumi.Output<string>;
  /** Password (secret). Never exported in clear. */
  readonly password: pulumi.Output<string>;
  /** Always `verify-full` or `require`: the platform never connects without TLS. */
  readonly sslMode: "require" | "verify-full";
}

/** The managed Redis that backs the Feast online store. */
export interface CacheRef {
  readonly host: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  /** Auth token / access key (secret). */
  readonly password: pulumi.Output<string>;
  /** Always true: the cache only speaks TLS. */
  readonly tls: true;
}

/** A cloud identity bound to Kubernetes service accounts. */
export interface WorkloadIdentityRef {
  /** Annotations to put on each bound service account (e.g. `eks.amazonaws.com/role-arn`, `azure.workload.identity/client-id`). */
  readonly serviceAccountAnnotations: Record<string, pulumi.Input<string>>;
  /** Labels pods must carry to receive the identity (Azure: `azure.workload.identity/use: "true"`). */
  readonly podLabels: Record<string, string>;
  /** ARN of the IAM role (AWS) or client id of the managed identity (Azure). */
  readonly principal: pulumi.Output<string>;
}

/** Access that a workload identity needs on one bucket purpose. */
export interface BucketGrant {
  readonly purpose: BucketPurpose;
  /** Object key prefix the grant is limited to, without leading slash (e.g. `mlflow/`). */
  readonly prefix: string;
  readonly mode: "read" | "readwrite";
}

/**
 * What one workload identity is allowed to do. Produced by `stacks/identities.ts` from the
 * validated configuration; each cloud layer turns it into least-privilege grants.
 */
export interface WorkloadIdentitySpec {
  /** Stable key (`mlflow`, `argo-workflows`, `team-fraud`, …); also the child resource name suffix. */
  readonly key: string;
  readonly namespace: string;
  /** Service accounts in `namespace` that assume this identity. */
  readonly serviceAccounts: readonly string[];
  readonly buckets: readonly BucketGrant[];
  /** Read-only access to the configured external data lakes. */
  readonly readDataLakes: boolean;
  /** Registry access. */
  readonly registry: "none" | "pull" | "push";
  /**
   * With `registry`, limits it to these repositories of the stack registry (`<team>/<model>`), which
   * the cloud layer creates: the image builder pushes the declared models' images and nothing else
   * (ECR repository ARNs on AWS, an ACR scope map on Azure).
   * @default undefined - every platform repository
   */
  readonly registryRepositories?: readonly string[];
  /** Consume the data-arrival event queue (Argo Events). */
  readonly consumeDataEvents: boolean;
}

/** Event plumbing for "new data arrived in the datasets bucket". */
/**
 * The marker object that closes a data batch (Spark/Hadoop's `_SUCCESS`): only its creation raises
 * a data event, so a batch of many files retrains once, after its last file, never once per file.
 */
export const DATA_BATCH_MARKER = "_SUCCESS";

export type DataEventSource =
  | { readonly kind: "sqs"; readonly queueUrl: pulumi.Output<string>; readonly queueArn: pulumi.Output<string> }
  | {
      readonly kind: "azure-storage-queue";
      readonly storageAccountName: pulumi.Output<string>;
      readonly queueName: pulumi.Output<string>;
    };

/** The internal ingress as the cloud layer's DNS sees it. */
export interface InternalIngressRef {
  /** The ingress controller's release: its load balancer exists once it is installed. */
  readonly controller: pulumi.Resource;
  /** `<namespace>/<name>` of the controller's Service of type LoadBalancer. */
  readonly service: string;
  /** Every host name the ingress serves. */
  readonly hosts: readonly string[];
}

/** Everything the Kubernetes platform services need from a cloud layer. */
export interface CloudLayer {
  readonly cloud: CloudName;
  /** AWS region or Azure location the platform is pinned to. */
  readonly region: string;
  readonly clusterName: pulumi.Output<string>;
  readonly clusterEndpoint: pulumi.Output<string>;
  /** Kubeconfig for the cluster (secret; uses the cloud CLI's exec plugin, no static credentials). */
  readonly kubeconfig: pulumi.Output<string>;
  /** The Kubernetes provider bound to this cluster; every platform service uses it. */
  readonly kubernetesProvider: k8s.Provider;
  /** Name of the encrypted default StorageClass the cloud layer installs. */
  readonly storageClassName: string;
  readonly buckets: Readonly<Record<BucketPurpose, BucketRef>>;
  /** Container registry host (`<account>.dkr.ecr.<region>.amazonaws.com` or `<name>.azurecr.io`). */
  readonly registryHost: pulumi.Output<string>;
  /**
   * Upstream registries (`quay.io`, `docker.io`, …) whose images the registry serves through its
   * pull-through cache (contracts/image-cache.ts): the platform pulls those from `registryHost`.
   * @default [] (none: images come from upstream)
   */
  readonly imageCacheUpstreams?: readonly string[];
  /** Repository URLs by repository key (`pipelines`, `serving`, `steps`). */
  readonly repositoryUrls: Readonly<Record<string, pulumi.Output<string>>>;
  /** PostgreSQL databases, by consumer. */
  readonly databases: Readonly<Record<DatabaseConsumer, DatabaseRef>>;
  readonly cache: CacheRef;
  /** Workload identities by {@link WorkloadIdentitySpec.key}. */
  readonly identities: Readonly<Record<string, WorkloadIdentityRef>>;
  readonly dataEvents: DataEventSource;
  /** Annotations that make a Service of type LoadBalancer internal-only on this cloud. */
  readonly internalLoadBalancerAnnotations: Readonly<Record<string, string>>;
  /**
   * Makes the internal domain resolve inside the network: a private DNS zone (or records in an
   * existing one) with a record for every host of `ingress`, pointing at its internal load balancer.
   */
  readonly internalDns?: (ingress: InternalIngressRef) => void;
  /** Resources the platform services must wait for (node pools, add-ons) before installing charts. */
  readonly readyDependencies: readonly pulumi.Resource[];
  /**
   * Tolerations a pod needs, besides the GPU one, to run on this cloud's spot nodes: AKS taints
   * every spot node `kubernetes.azure.com/scalesetpriority=spot:NoSchedule`, so GPU node agents
   * (device plugin, DCGM exporter) and training pods must tolerate it. Absent or empty on AWS.
   */
  readonly spotTolerations?: readonly { readonly key: string; readonly operator: "Exists"; readonly effect: "NoSchedule" }[];
}

/** The services that own a PostgreSQL database. */
export const DATABASE_CONSUMERS = ["mlflow", "feast", "argo"] as const;
/** One database consumer. */
export type DatabaseConsumer = (typeof DATABASE_CONSUMERS)[number];

/**
 * Service accounts the ML pipeline steps run as, created in every pipeline namespace
 * (`ml-pipelines` and each team namespace). One per kind of step, so that each gets only the
 * Kubernetes RBAC it needs, and each kind of workload its own cloud identity
 * ({@link pipelineWorkloadSpecs}).
 */
export const PIPELINE_SERVICE_ACCOUNTS = {
  /** Residency check, data validation, feature engineering, drift statistics. */
  data: "pipeline-data",
  /** GPU training and evaluation. */
  train: "pipeline-train",
  /** MLflow registration and the quality gate (no cloud write beyond artifacts). */
  register: "pipeline-register",
  /** Promotion: patches the serving Rollout (Kubernetes RBAC only). */
  deploy: "pipeline-deploy",
} as const;

/** One of the pipeline step accounts. */
export type PipelineAccount = keyof typeof PIPELINE_SERVICE_ACCOUNTS;

/**
 * The cloud identities of one pipeline namespace, one per kind of workload: the data steps', the
 * user's training code's, and the platform's registration and promotion steps' (`release`).
 */
export interface PipelineIdentityRefs {
  readonly data: WorkloadIdentityRef;
  readonly train: WorkloadIdentityRef;
  readonly release: WorkloadIdentityRef;
}

/** Which of {@link PipelineIdentityRefs} each step account assumes. */
export const PIPELINE_ACCOUNT_IDENTITY: Readonly<Record<PipelineAccount, keyof PipelineIdentityRefs>> = {
  data: "data",
  train: "train",
  register: "release",
  deploy: "release",
};

/** The identity key of one kind of workload of a pipeline namespace whose data identity is `base`. */
export function pipelineIdentityKey(base: string, kind: keyof PipelineIdentityRefs): string {
  return kind === "data" ? base : `${base}-${kind}`;
}

/**
 * Splits a pipeline namespace's grants (`spec`, listing every step account) into one identity per
 * kind of workload:
 * - `data` (`pipeline-data`): everything `spec` grants (validation, features, drift statistics);
 * - `train` (`pipeline-train`, the user's training code): reads its input data (the datasets and
 *   features prefixes of `spec`, the data lakes when `spec` reads them) and writes the
 *   namespace's artifacts (its run's outputs and logs), nothing else: no registry, no events;
 * - `release` (`pipeline-register`, `pipeline-deploy`, the platform's steps): the namespace's
 *   artifacts only (Argo archives their logs there); MLflow and Kubernetes do the rest.
 */
export function pipelineWorkloadSpecs(spec: WorkloadIdentitySpec): WorkloadIdentitySpec[] {
  const sa = PIPELINE_SERVICE_ACCOUNTS;
  // Training and release write their namespace's artifacts; read-only artifact grants stay with
  // the data steps.
  const artifacts = spec.buckets.filter((b) => b.purpose === "artifacts" && b.mode === "readwrite");
  const inputs = spec.buckets
    .filter((b) => b.purpose === "datasets" || b.purpose === "features")
    .map((b) => ({ ...b, mode: "read" as const }));
  return [
    { ...spec, serviceAccounts: [sa.data] },
    {
      key: pipelineIdentityKey(spec.key, "train"),
      namespace: spec.namespace,
      serviceAccounts: [sa.train],
      buckets: [...artifacts, ...inputs],
      readDataLakes: spec.readDataLakes,
      registry: "none",
      consumeDataEvents: false,
    },
    {
      key: pipelineIdentityKey(spec.key, "release"),
      namespace: spec.namespace,
      serviceAccounts: [sa.register, sa.deploy],
      buckets: artifacts,
      readDataLakes: false,
      registry: "none",
      consumeDataEvents: false,
    },
  ];
}
