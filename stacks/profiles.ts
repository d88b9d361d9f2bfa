/**
 * Size profiles: presets of capacity and availability, and nothing else. What production demands
 * (protection, retention, approval, digests) comes from the environment (contracts/environment.ts),
 * at any size. Security controls are in neither: they are the same everywhere and cannot be
 * configured away.
 */
import type { CloudName } from "../components/contracts";
import { DEFAULT_KUBERNETES_VERSION } from "../contracts/kubernetes";
import { CPU_POOL_LABELS, GPU_POOL_LABELS, GPU_TAINT, NODE_LABEL_KEYS } from "../contracts/scheduling";
import { AWS_INSTANCE_TYPES } from "./catalog/aws";
import { AZURE_VM_SIZES } from "./catalog/azure";
import type { SizeProfileName } from "./catalog/types";
import type { NodePool, PlatformConfig } from "./schema";

export type { SizeProfileName } from "./catalog/types";

/** The parts of the configuration a profile presets. */
export type ProfilePreset = Pick<PlatformConfig, "kubernetesVersion" | "network" | "nodePools" | "availability"> & {
  services: Pick<PlatformConfig["services"], "monitoring">;
};

function types(cloud: CloudName, profile: SizeProfileName, role: "system" | "cpu" | "gpu"): string[] {
  return cloud === "aws" ? [...AWS_INSTANCE_TYPES[profile][role]] : [AZURE_VM_SIZES[profile][role]];
}

function pool(p: Omit<NodePool, "labels" | "taints" | "spot"> & Partial<NodePool>): NodePool {
  return { spot: false, labels: {}, taints: [], ...p };
}

/** The preset of `profile` on `cloud`. */
export function profilePreset(profile: SizeProfileName, cloud: CloudName): ProfilePreset {
  const gpuLabels = { ...GPU_POOL_LABELS };
  const cpuLabels = { ...CPU_POOL_LABELS };
  if (profile === "smb") {
    return {
      kubernetesVersion: DEFAULT_KUBERNETES_VERSION,
      network: {
        cidr: "10.40.0.0/16",
        serviceCidr: "172.20.0.0/16",
        podCidr: "192.168.0.0/16",
        apiAllowedCidrs: [],
        egress: { allowedHosts: [] },
      },
      nodePools: {
        system: pool({ name: "system", instanceTypes: types(cloud, profile, "system"), minSize: 1, maxSize: 3, diskSizeGiB: 64 }),
        cpu: [
          pool({
            name: "inference",
            instanceTypes: types(cloud, profile, "cpu"),
            minSize: 1,
            maxSize: 4,
            diskSizeGiB: 100,
            labels: cpuLabels,
          }),
        ],
        gpu: [
          pool({
            name: "gpuspot",
            instanceTypes: types(cloud, profile, "gpu"),
            minSize: 0,
            maxSize: 2,
            diskSizeGiB: 200,
            spot: true,
            labels: { ...gpuLabels, [NODE_LABEL_KEYS.capacity]: "spot" },
            taints: [GPU_TAINT],
          }),
          pool({
            name: "gpu",
            instanceTypes: types(cloud, profile, "gpu"),
            minSize: 0,
            maxSize: 1,
            diskSizeGiB: 200,
            labels: { ...gpuLabels, [NODE_LABEL_KEYS.capacity]: "on-demand" },
            taints: [GPU_TAINT],
          }),
        ],
      },
      availability: {
        multiAz: false,
        zoneCount: 2,
        natPerZone: false,
        databaseHighAvailability: false,
        cacheReplicas: 0,
        serviceReplicas: 1,
        databaseSize: "small",
        cacheSize: "small",
      },
      services: { monitoring: { mode: "self-managed" } },
    };
  }
  return {
    kubernetesVersion: DEFAULT_KUBERNETES_VERSION,
    network: {
      cidr: "10.50.0.0/16",
      serviceCidr: "172.20.0.0/16",
      podCidr: "192.168.0.0/16",
      apiAllowedCidrs: [],
      egress: { allowedHosts: [] },
    },
    nodePools: {
      system: pool({ name: "system", instanceTypes: types(cloud, profile, "system"), minSize: 3, maxSize: 6, diskSizeGiB: 128 }),
      cpu: [
        pool({
          name: "inference",
          instanceTypes: types(cloud, profile, "cpu"),
          minSize: 3,
          maxSize: 20,
          diskSizeGiB: 128,
          labels: cpuLabels,
        }),
      ],
      gpu: [
        pool({
          name: "gpuspot",
          instanceTypes: types(cloud, profile, "gpu"),
          minSize: 0,
          maxSize: 8,
          diskSizeGiB: 500,
          spot: true,
          labels: { ...gpuLabels, [NODE_LABEL_KEYS.capacity]: "spot" },
          taints: [GPU_TAINT],
        }),
        pool({
          name: "gpu",
          instanceTypes: types(cloud, profile, "gpu"),
          minSize: 0,
          maxSize: 4,
          diskSizeGiB: 500,
          labels: { ...gpuLabels, [NODE_LABEL_KEYS.capacity]: "on-demand" },
          taints: [GPU_TAINT],
        }),
      ],
    },
    availability: {
      multiAz: true,
      zoneCount: 3,
      natPerZone: true,
      databaseHighAvailability: true,
      cacheReplicas: 2,
      serviceReplicas: 3,
      databaseSize: "medium",
      cacheSize: "medium",
    },
    services: { monitoring: { mode: "managed" } },
  };
}

/**
 * Replica bounds of a served model when its `autoscaling` names none: the profile sets the
 * ceiling (what its CPU inference pool can carry), the environment the floor (production keeps
 * two replicas so a node drain never takes a model offline).
 */
export function modelReplicaDefaults(
  profile: SizeProfileName,
  environment: PlatformConfig["environment"],
): { minReplicas: number; maxReplicas: number } {
  return { minReplicas: environment === "production" ? 2 : 1, maxReplicas: profile === "enterprise" ? 10 : 4 };
}
