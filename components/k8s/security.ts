/**
 * The restricted security context and resource presets every platform workload uses.
 *
 * Pure values, so the charts' values and the typed resources share one definition, and the tests
 * check the same thing the cluster enforces (Pod Security Standards `restricted`).
 */
// Types only at load time: the workflows lint (`npm run workflows:lint`, CI) reads this module's
// pure values, and loading the Pulumi SDK for them cost it more than half of its run.
import type * as pulumi from "@pulumi/pulumi";

/** Non-root user id the platform runs its own containers as (matches the distroless `nonroot` user). */
export const NON_ROOT_UID = 65532;

/** Container security context of the `restricted` Pod Security Standard, plus a read-only root filesystem. */
export interface RestrictedContainerSecurityContext {
  runAsNonRoot: true;
  runAsUser?: number;
  runAsGroup?: number;
  readOnlyRootFilesystem: true;
  allowPrivilegeEscalation: false;
  privileged: false;
  capabilities: { drop: string[] };
  seccompProfile: { type: string };
}

/**
 * The container security context of every platform container: non-root, read-only root
 * filesystem, no privilege escalation, every capability dropped, seccomp `RuntimeDefault`.
 * `uid` pins the user where the image's own user is not numeric (PSS needs a provable non-root).
 */
export function restrictedContainerSecurityContext(uid: number | undefined = NON_ROOT_UID): RestrictedContainerSecurityContext {
  return {
    runAsNonRoot: true,
    ...(uid === undefined ? {} : { runAsUser: uid, runAsGroup: uid }),
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** Pod security context of the `restricted` standard. */
export function restrictedPodSecurityContext(uid: number | undefined = NON_ROOT_UID) {
  return {
    runAsNonRoot: true as const,
    ...(uid === undefined ? {} : { runAsUser: uid, runAsGroup: uid, fsGroup: uid }),
    fsGroupChangePolicy: "OnRootMismatch" as const,
    seccompProfile: { type: "RuntimeDefault" as const },
  };
}

/** Requests and limits of a container. */
export interface ResourceSpec {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** Sizes of the platform's containers. Memory limits equal requests (no overcommit of memory). */
export const RESOURCE_PRESETS = {
  tiny: { requests: { cpu: "25m", memory: "64Mi" }, limits: { cpu: "200m", memory: "64Mi" } },
  small: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
  medium: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "512Mi" } },
  large: { requests: { cpu: "500m", memory: "2Gi" }, limits: { cpu: "2", memory: "2Gi" } },
  xlarge: { requests: { cpu: "1", memory: "4Gi" }, limits: { cpu: "4", memory: "4Gi" } },
} as const satisfies Record<string, ResourceSpec>;

/** One preset size. */
export type ResourceSize = keyof typeof RESOURCE_PRESETS;

/** Requests and limits of `size` (a fresh copy, safe to embed in chart values). */
export function resources(size: ResourceSize): ResourceSpec {
  const p = RESOURCE_PRESETS[size];
  return { requests: { ...p.requests }, limits: { ...p.limits } };
}

/** `stringData` of a Kubernetes Secret, marked secret in Pulumi's state. */
export function secretStringData(data: Record<string, pulumi.Input<string>>): pulumi.Output<Record<string, string>> {
  const sdk = require("@pulumi/pulumi") as typeof pulumi;
  return sdk.secret(sdk.all(data));
}

/** Pod Security Standard levels the platform labels namespaces with. */
export type PodSecurityLevel = "restricted" | "baseline" | "privileged";

/**
 * Pod Security Admission labels. `enforce` is the given level; `audit` and `warn` are always
 * `restricted`, so even the one privileged namespace reports every deviation.
 */
export function podSecurityLabels(level: PodSecurityLevel): Record<string, string> {
  return {
    "pod-security.kubernetes.io/enforce": level,
    "pod-security.kubernetes.io/enforce-version": "latest",
    "pod-security.kubernetes.io/audit": "restricted",
    "pod-security.kubernetes.io/audit-version": "latest",
    "pod-security.kubernetes.io/warn": "restricted",
    "pod-security.kubernetes.io/warn-version": "latest",
  };
}

/** An emptyDir volume and its mount, for the writable paths a read-only root filesystem still needs. */
export function scratchVolume(name: string, mountPath: string, sizeLimit = "256Mi") {
  return {
    volume: { name, emptyDir: { sizeLimit } },
    mount: { name, mountPath },
  };
}
