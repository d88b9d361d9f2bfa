/**
 * GPU scheduling: the NVIDIA device plugin and the DCGM exporter, restricted to GPU nodes
 * (node selector on the GPU pools' label plus a toleration of their taint), so the GPU pools can
 * scale from and to zero: nothing but GPU work keeps a GPU node alive.
 *
 * Both are node agents: they mount host paths (the kubelet's device-plugin and pod-resources
 * sockets) and the device plugin runs as root, which the `restricted` standard forbids. They run
 * in the one namespace labelled `privileged`, with every other restriction kept
 * ({@link NODE_AGENT_SECURITY_CONTEXT}).
 */

import * as pulumi from "@pulumi/pulumi";
import { NAMESPACES } from "../../contracts/endpoints";
import { GPU_PRESENT_LABEL, GPU_TOLERATION } from "../../contracts/scheduling";
import { CHARTS, IMAGES } from "../../contracts/versions";
import { helmRelease } from "./helm";
import { type ImageCacheInput, viaCache } from "./image-cache";
import { flows } from "./namespace";
import type * as k8s from "./sdk";
import { resources } from "./security";
import type { PlatformServiceDescriptor } from "./service";

/** The label every GPU node carries (`contracts/scheduling.ts`). */
export const GPU_NODE_LABEL = GPU_PRESENT_LABEL;
/** The toleration of the GPU taint every GPU pool carries (`contracts/scheduling.ts`). */
export { GPU_TOLERATION };

/** The security context of the node agents: root (host sockets) but no escalation, no capabilities, seccomp on. */
export const NODE_AGENT_SECURITY_CONTEXT = {
  runAsNonRoot: false,
  runAsUser: 0,
  allowPrivilegeEscalation: false,
  privileged: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
} as const;

/** A toleration of the GPU node agents. */
export interface GpuToleration {
  readonly key: string;
  readonly operator: "Exists" | "Equal";
  readonly value?: string;
  readonly effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

/** Arguments of {@link GpuScheduling}. */
export interface GpuSchedulingArgs {
  /**
   * The stack registry's pull-through cache: every image of this component comes through it.
   * @default none (images from their upstream registries)
   */
  readonly imageCache?: ImageCacheInput;
  /** The privileged node-agent namespace. */
  readonly namespace: pulumi.Input<string>;
  /** Node labels that select GPU nodes. @default {@link GPU_NODE_LABEL} */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /**
   * Extra tolerations the cloud's spot GPU nodes need (`CloudLayer.spotTolerations`: AKS taints
   * spot nodes `kubernetes.azure.com/scalesetpriority=spot:NoSchedule`). Without them the agents never
   * run on spot GPU nodes and those nodes never advertise GPUs. @default none
   */
  readonly spotTolerations?: readonly GpuToleration[];
  readonly dependsOn: readonly pulumi.Resource[];
}

/** Scheduling values shared by both charts (exported for tests). */
export function gpuPlacement(
  nodeSelector: Readonly<Record<string, string>> = GPU_NODE_LABEL,
  spotTolerations: readonly GpuToleration[] = [],
) {
  return {
    nodeSelector: { ...nodeSelector },
    // The charts' default affinity expects Node Feature Discovery labels; the pools' own label is enough.
    affinity: {},
    tolerations: [{ ...GPU_TOLERATION }, ...spotTolerations.map((t) => ({ ...t }))],
  };
}

/** Device plugin values (exported for tests). */
export function devicePluginValues(
  nodeSelector?: Readonly<Record<string, string>>,
  spotTolerations?: readonly GpuToleration[],
  imageCache?: ImageCacheInput,
): Record<string, unknown> {
  return {
    image: { repository: viaCache(imageCache, IMAGES.nvidiaDevicePlugin.repository), tag: IMAGES.nvidiaDevicePlugin.tag },
    ...gpuPlacement(nodeSelector, spotTolerations),
    securityContext: { ...NODE_AGENT_SECURITY_CONTEXT },
    podSecurityContext: { seccompProfile: { type: "RuntimeDefault" } },
    resources: resources("tiny"),
    gfd: { enabled: false },
    nfd: { enabled: false },
    deviceListStrategy: "envvar",
    failOnInitError: true,
  };
}

/** DCGM exporter values (exported for tests). */
export function dcgmExporterValues(
  nodeSelector?: Readonly<Record<string, string>>,
  spotTolerations?: readonly GpuToleration[],
  imageCache?: ImageCacheInput,
): Record<string, unknown> {
  return {
    image: { repository: viaCache(imageCache, IMAGES.dcgmExporter.repository), tag: IMAGES.dcgmExporter.tag },
    ...gpuPlacement(nodeSelector, spotTolerations),
    securityContext: { ...NODE_AGENT_SECURITY_CONTEXT },
    podSecurityContext: { seccompProfile: { type: "RuntimeDefault" } },
    hostNetwork: false,
    hostPID: false,
    service: { enable: true, type: "ClusterIP" },
    serviceMonitor: { enabled: true, interval: "30s" },
    resources: resources("small"),
  };
}

/** NVIDIA device plugin and DCGM exporter on the GPU pools. */
export class GpuScheduling extends pulumi.ComponentResource {
  public readonly devicePlugin: k8s.helm.v3.Release;
  public readonly dcgmExporter: k8s.helm.v3.Release;

  constructor(name: string, args: GpuSchedulingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops-platform:k8s:GpuScheduling", name, {}, opts);
    if (args.nodeSelector && Object.keys(args.nodeSelector).length === 0) {
      throw new Error(
        `GpuScheduling "${name}": nodeSelector {} would run the GPU agents on every node; pass the GPU pools' label, e.g. ${JSON.stringify(GPU_NODE_LABEL)}`,
      );
    }
    this.devicePlugin = helmRelease(
      `${name}-device-plugin`,
      {
        chart: CHARTS.nvidiaDevicePlugin,
        releaseName: "nvidia-device-plugin",
        namespace: args.namespace,
        values: devicePluginValues(args.nodeSelector, args.spotTolerations, args.imageCache),
      },
      { parent: this, dependsOn: [...args.dependsOn] },
    );
    this.dcgmExporter = helmRelease(
      `${name}-dcgm-exporter`,
      {
        chart: CHARTS.dcgmExporter,
        releaseName: "dcgm-exporter",
        namespace: args.namespace,
        values: dcgmExporterValues(args.nodeSelector, args.spotTolerations, args.imageCache),
      },
      { parent: this, dependsOn: [...args.dependsOn] },
    );
    this.registerOutputs({ devicePlugin: this.devicePlugin, dcgmExporter: this.dcgmExporter });
  }
}

/** Catalogue entry: the GPU node agents (device plugin, DCGM exporter). */
export const gpuService: PlatformServiceDescriptor = {
  key: "gpu",
  namespace: {
    name: NAMESPACES.gpu,
    podSecurity: "privileged",
    reason: "the device plugin and the DCGM exporter run as root with host paths (kubelet device-plugin socket, GPU driver)",
  },
  charts: [CHARTS.nvidiaDevicePlugin, CHARTS.dcgmExporter],
  ingress: () => [flows.scrape()],
  egress: ({ networkCidr }) => [flows.apiServer(networkCidr)],
  quota: { cpu: 4, memoryGiB: 8 },
};
