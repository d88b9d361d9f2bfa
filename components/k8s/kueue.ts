/**
 * Kueue, the GPU job queue: training pods are admitted through their team's queue instead of
 * being refused by a ResourceQuota, idle GPUs are lent within one cohort and reclaimed by
 * preemption. The queue layout (flavors per GPU pool, a ClusterQueue per team and per pool, a
 * LocalQueue per pipeline namespace) comes from `gpu-queues.ts`, derived from the teams and
 * pools.
 *
 * Argo Workflows has no Kueue integration of its own: Kueue manages the workflow's pods through
 * its `pod` integration, restricted to the pipeline namespaces (`managedJobsNamespaceSelector`),
 * and only pods that carry the `kueue.x-k8s.io/queue-name` label (the training pipeline's GPU
 * step) are queued. Only the GPU resource is covered by the queues (`IgnoreUndeclared`): CPU and
 * memory stay under each namespace's ResourceQuota.
 */

import * as pulumi from "@pulumi/pulumi";
import YAML from "yaml";
import { NAMESPACES, PIPELINE_NAMESPACE_LABEL } from "../../contracts/endpoints";
import { INBOUND_BYPASS_ANNOTATION } from "../../contracts/mesh";
import { CHARTS, IMAGES } from "../../contracts/versions";
import { ArgsCheck } from "../validate";
import { type GpuPoolCapacity, gpuQueueObjects, gpuQueuePlan, gpuQuotaProblems, type QueueTeam } from "./gpu-queues";
import { helmRelease } from "./helm";
import { type ImageCacheInput, viaCache } from "./image-cache";
import { flows } from "./namespace";
import * as k8s from "./sdk";
import { resources } from "./security";
import type { PlatformServiceDescriptor } from "./service";

/** The port of Kueue's admission webhooks (chart `webhookService.ports[0].targetPort`). */
export const KUEUE_WEBHOOK_PORT = 9443;
/**
 * The port of Kueue's visibility API server, which the API server reaches through the aggregated
 * APIService `visibility.kueue.x-k8s.io` (chart `visibility/service.yaml`): unreachable, the API
 * group is unavailable and namespace deletion waits on it.
 */
export const KUEUE_VISIBILITY_PORT = 8082;

/** Kueue's manager configuration (`config.kueue.x-k8s.io/v1beta2`), exported for tests. */
export function kueueManagerConfig(): Record<string, unknown> {
  return {
    apiVersion: "config.kueue.x-k8s.io/v1beta2",
    kind: "Configuration",
    health: { healthProbeBindAddress: ":8081" },
    metrics: { bindAddress: ":8443" },
    webhook: { port: KUEUE_WEBHOOK_PORT },
    leaderElection: { leaderElect: true, resourceName: "c1f6bfd2.kueue.x-k8s.io" },
    // Pods are managed only in the pipeline namespaces, and only when they name a queue.
    manageJobsWithoutQueueName: false,
    managedJobsNamespaceSelector: { matchLabels: { ...PIPELINE_NAMESPACE_LABEL } },
    integrations: { frameworks: ["pod"] },
    resources: { quotaCheckStrategy: "IgnoreUndeclared" },
  };
}

/** Chart values (exported for tests). */
export function kueueValues(replicas: number, imageCache?: ImageCacheInput): Record<string, unknown> {
  return {
    controllerManager: {
      replicas,
      manager: {
        image: { repository: viaCache(imageCache, IMAGES.kueue.repository), tag: IMAGES.kueue.tag, pullPolicy: "IfNotPresent" },
        resources: resources("medium"),
        // The API server (outside the mesh) calls the webhook and the visibility API.
        podAnnotations: { ...INBOUND_BYPASS_ANNOTATION },
        podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
        containerSecurityContext: {
          runAsNonRoot: true,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ["ALL"] },
        },
      },
      podDisruptionBudget: { enabled: replicas > 1, minAvailable: 1 },
    },
    managerConfig: { controllerManagerConfigYaml: YAML.stringify(kueueManagerConfig()) },
    enableKueueViz: false,
    enablePrometheus: false,
  };
}

/** Arguments of {@link Kueue}. */
export interface KueueArgs {
  /**
   * The stack registry's pull-through cache: every image of this component comes through it.
   * @default none (images from their upstream registries)
   */
  readonly imageCache?: ImageCacheInput;
  readonly namespace: pulumi.Input<string>;
  readonly teams: readonly QueueTeam[];
  /** The stack's GPU pools; none: Kueue runs with local queues whose cluster queues hold no GPU. */
  readonly gpuPools: readonly GpuPoolCapacity[];
  /** Controller replicas (leader election). @default 1 */
  readonly replicas?: number;
  /** What the chart waits for (cluster readiness, namespaces). */
  readonly dependsOn: readonly pulumi.Resource[];
  /**
   * What the local queue of a namespace waits for: that namespace (a team's own, or the
   * platform's pipelines namespace). Per namespace, so that a plan with many teams stays linear.
   */
  readonly queueNamespaces: (namespace: string) => readonly pulumi.Resource[];
}

/** Kueue and the GPU queues of the stack. */
export class Kueue extends pulumi.ComponentResource {
  public readonly release: k8s.helm.v3.Release;
  /** `kind/name` (or `kind/namespace/name`) of every queue object. */
  public readonly queues: string[];

  constructor(name: string, args: KueueArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops-platform:k8s:Kueue", name, {}, opts);
    const check = new ArgsCheck("mlops-platform:k8s:Kueue", name);
    for (const p of gpuQuotaProblems(args.teams, args.gpuPools))
      check.require(false, `teams[${p.team}].gpuQuota`, args.teams[p.team]?.gpuQuota, p.message);
    check.done();
    this.release = helmRelease(
      `${name}-release`,
      { chart: CHARTS.kueue, releaseName: "kueue", namespace: args.namespace, values: kueueValues(args.replicas ?? 1, args.imageCache) },
      { parent: this, dependsOn: [...args.dependsOn] },
    );
    this.queues = [];
    for (const obj of gpuQueueObjects(gpuQueuePlan(args.teams, args.gpuPools))) {
      const meta = obj.metadata as { name: string; namespace?: string };
      const kind = String(obj.kind);
      const id = [kind, meta.namespace, meta.name].filter(Boolean).join("/");
      this.queues.push(id);
      new k8s.apiextensions.CustomResource(`${name}-${id.toLowerCase().replace(/\//g, "-")}`, obj as k8s.apiextensions.CustomResourceArgs, {
        parent: this,
        dependsOn: [this.release, ...(meta.namespace ? args.queueNamespaces(meta.namespace) : [])],
      });
    }
    this.registerOutputs({ release: this.release, queues: this.queues });
  }
}

/** Catalogue entry: Kueue's controller and admission webhooks. */
export const kueueService: PlatformServiceDescriptor = {
  key: "kueue",
  namespace: { name: NAMESPACES.kueue },
  charts: [CHARTS.kueue],
  ingress: ({ networkCidr }) => [
    flows.scrape(),
    flows.webhook(networkCidr, KUEUE_WEBHOOK_PORT),
    { ...flows.webhook(networkCidr, KUEUE_VISIBILITY_PORT), description: "aggregated visibility API calls from the control plane" },
  ],
  egress: ({ networkCidr }) => [flows.apiServer(networkCidr)],
  quota: { cpu: 2, memoryGiB: 2, perReplica: true },
};
