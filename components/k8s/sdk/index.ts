/**
 * The parts of `@pulumi/kubernetes` the platform uses, loaded API group by API group. The
 * package's own index loads every group (about 0.5 s of start-up and 110 modules on the
 * reference machine); importing `./sdk` instead keeps `k8s.core.v1.Namespace` spelled the same
 * while loading only these. An API group the platform starts using gets one line here. Helm is
 * narrowed to `helm.v3.Release`: the group's index also loads `Chart`, which loads every group.
 */
export * as admissionregistration from "@pulumi/kubernetes/admissionregistration";
export * as apiextensions from "@pulumi/kubernetes/apiextensions";
export * as apps from "@pulumi/kubernetes/apps";
export * as batch from "@pulumi/kubernetes/batch";
export * as core from "@pulumi/kubernetes/core";
export * as networking from "@pulumi/kubernetes/networking";
export * as policy from "@pulumi/kubernetes/policy";
export { Provider, type ProviderArgs } from "@pulumi/kubernetes/provider";
export * as rbac from "@pulumi/kubernetes/rbac";
export * as storage from "@pulumi/kubernetes/storage";
export type * as types from "@pulumi/kubernetes/types";
export * as helm from "./helm";
