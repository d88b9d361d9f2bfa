/** `k8s.helm`: only v3's Release (see ./index.ts). */
export * as v3 from "./helm-v3";
