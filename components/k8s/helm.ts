/**
 * The one way the platform installs a Helm chart: `k8s.helm.v3.Release` with the chart pinned in
 * {@link CHARTS}, an explicit release name (stable service names), atomic upgrades and the
 * cloud layer's readiness dependencies.
 */

import type * as pulumi from "@pulumi/pulumi";
import type { ChartPin } from "../../contracts/versions";
import * as k8s from "./sdk";

/** Arguments of {@link helmRelease}. */
export interface HelmReleaseArgs {
  readonly chart: ChartPin;
  /** Release name; also the prefix of the chart's resource names. */
  readonly releaseName: string;
  readonly namespace: pulumi.Input<string>;
  readonly values: pulumi.Input<Record<string, unknown>>;
  /** @default 900 seconds */
  readonly timeoutSeconds?: number;
}

/** Installs a pinned chart as a Helm release. */
export function helmRelease(
  name: string,
  args: HelmReleaseArgs,
  opts: pulumi.CustomResourceOptions & { parent: pulumi.Resource },
): k8s.helm.v3.Release {
  return new k8s.helm.v3.Release(
    name,
    {
      name: args.releaseName,
      // Helm takes an OCI chart as one reference (`oci://registry/path/chart`), without a repository.
      ...(args.chart.repo.startsWith("oci://")
        ? { chart: `${args.chart.repo}/${args.chart.chart}` }
        : { chart: args.chart.chart, repositoryOpts: { repo: args.chart.repo } }),
      version: args.chart.version,
      namespace: args.namespace,
      createNamespace: false,
      atomic: true,
      cleanupOnFail: true,
      timeout: args.timeoutSeconds ?? 900,
      maxHistory: 10,
      values: args.values,
    },
    opts,
  );
}
