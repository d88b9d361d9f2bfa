/**
 * The per-model drift CronWorkflows (`models[].drift`), installed in the platform's pipeline
 * namespace next to the capture they read; the logic is the shared `drift-monitor` template.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { driftCronWorkflow } from "../../workflows/drift-crons";
import type { ArgoWorkflows } from "./argo-workflows";
import type { ServedModelSpec } from "./serving";

/** Arguments of {@link driftCronResources}. */
export interface DriftCronArgs {
  /** The pipeline namespace the CronWorkflows run in (its `pipeline-data` account reads the capture). */
  readonly namespace: pulumi.Input<string>;
  readonly models: readonly ServedModelSpec[];
  /** The capture location (`<artifacts>/capture/`); none: no capture, so no drift CronWorkflow. */
  readonly captureUri?: pulumi.Input<string>;
  /** The datasets bucket/container URI (retraining data: `<datasets>/<dataPrefix>`). */
  readonly datasetsUri: pulumi.Input<string>;
  readonly argo: ArgoWorkflows;
  readonly dependsOn: readonly pulumi.Resource[];
}

/** One CronWorkflow per model with a `drift` entry, when the model servers capture their inputs. */
export function driftCronResources(name: string, args: DriftCronArgs, parent: pulumi.Resource): void {
  if (args.captureUri === undefined) return;
  for (const m of args.models) {
    if (m.drift === undefined) continue;
    const prefix = m.dataPrefix ?? `platform/${m.registeredModel}/`;
    const cron = driftCronWorkflow(
      { name: m.name, team: m.team, registeredModel: m.registeredModel, drift: m.drift },
      {
        captureUri: args.captureUri,
        retrainDataUri: pulumi.output(args.datasetsUri).apply((u) => `${u.replace(/\/+$/, "")}/${prefix}`),
      },
    );
    const { apiVersion, kind, metadata, ...rest } = cron as { apiVersion: string; kind: string; metadata: Record<string, unknown> };
    new k8s.apiextensions.CustomResource(
      `${name}-${m.name}`,
      { ...rest, apiVersion, kind, metadata: { ...metadata, namespace: args.namespace } },
      { parent, dependsOn: [...args.dependsOn, args.argo.release] },
    );
  }
}
