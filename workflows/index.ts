/**
 * The Argo objects of `workflows/` (WorkflowTemplates and CronWorkflows a user can also
 * `argo template create` / `argo cron create`), parsed for the platform's Argo component, and the
 * settings ConfigMap the platform must create in every pipeline namespace for the steps.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { parseAllDocuments } from "yaml";
import { FEAST_URL, MLFLOW_URL, NAMESPACES } from "../contracts/endpoints";
import { FEAST_IMAGE_PLACEHOLDER } from "./steps/lib/feature-repo";
import { PIPELINE_SETTINGS_CONFIGMAP, SETTINGS_KEYS } from "./steps/lib/settings";

export { FEAST_IMAGE_PLACEHOLDER } from "./steps/lib/feature-repo";
export { PIPELINE_SETTINGS_CONFIGMAP, SETTINGS_KEYS } from "./steps/lib/settings";

/** The directory holding the workflow files. */
export const WORKFLOWS_DIR = __dirname;

/** The step image named in the files; the platform replaces it with its own registry's image. */
export const STEPS_IMAGE_PLACEHOLDER = "mlops-platform/pipeline-steps:0.1.0";

/** The workflow files, sorted by name. */
export function workflowFiles(dir: string = WORKFLOWS_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml") || f.endsWith(".yml"))
    .sort();
}

/** One parsed document with the file it came from. */
export interface WorkflowDocument {
  readonly file: string;
  readonly object: Record<string, unknown>;
}

/** Parses every YAML document of every workflow file; throws naming the file on a syntax error. */
export function loadWorkflowDocuments(dir: string = WORKFLOWS_DIR): WorkflowDocument[] {
  const out: WorkflowDocument[] = [];
  for (const file of workflowFiles(dir)) {
    const docs = parseAllDocuments(readFileSync(join(dir, file), "utf8"), { prettyErrors: true });
    for (const doc of docs) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join("; ")}`);
      const value = doc.toJS({ maxAliasCount: -1 }) as unknown;
      if (value === null || value === undefined) continue;
      if (typeof value !== "object" || Array.isArray(value)) throw new Error(`${file}: a document is not a Kubernetes object`);
      // A JSON round trip unshares the objects that YAML anchors alias, so callers may mutate freely.
      out.push({ file, object: JSON.parse(JSON.stringify(value)) as Record<string, unknown> });
    }
  }
  return out;
}

function replaceImages(value: unknown, images: ReadonlyMap<string, unknown>): unknown {
  if (Array.isArray(value)) return value.map((v) => replaceImages(v, images));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    out[k] = k === "image" && typeof v === "string" && images.has(v) ? images.get(v) : replaceImages(v, images);
  return out;
}

/** Options of {@link loadWorkflowManifests}. */
export interface LoadWorkflowOptions {
  /**
   * The platform step image (`<registry>/steps:<version>` or by digest) built from
   * `workflows/steps/Dockerfile`.
   * @default the placeholder {@link STEPS_IMAGE_PLACEHOLDER} is left in place
   */
  readonly stepsImage?: pulumi.Input<string>;
  /**
   * The pinned Feast image as pods pull it (through the stack registry's cache), which the
   * `feature-apply` template runs; admission admits it there only.
   * @default the placeholder {@link FEAST_IMAGE_PLACEHOLDER} is left in place
   */
  readonly feastImage?: pulumi.Input<string>;
}

/**
 * The Kubernetes objects of `workflows/` in a deterministic order (file name, then document
 * order), without namespace: the Argo component installs them in each pipeline namespace.
 */
export function loadWorkflowManifests(options: LoadWorkflowOptions = {}): Record<string, unknown>[] {
  const images = new Map<string, unknown>([
    ...(options.stepsImage === undefined ? [] : [[STEPS_IMAGE_PLACEHOLDER, options.stepsImage] as const]),
    ...(options.feastImage === undefined ? [] : [[FEAST_IMAGE_PLACEHOLDER, options.feastImage] as const]),
  ]);
  return loadWorkflowDocuments().map(({ object }) =>
    images.size === 0 ? object : (replaceImages(object, images) as Record<string, unknown>),
  );
}

/** What the settings ConfigMap of a pipeline namespace says. */
export interface PipelineSettingsInput {
  readonly cloud: "aws" | "azure";
  readonly region: string;
  /** `development` promotes automatically; anything else waits for approval. */
  readonly environment: "development" | "production";
  /** URI prefixes pipelines in this namespace may read (datasets prefix of the namespace, data lakes). */
  readonly allowedDataPrefixes: readonly string[];
  /** Registry hosts training images may come from (e.g. the stack's `registryHost`, resolved with `apply`). */
  readonly allowedRegistries: readonly string[];
  /** @default the platform's MLflow Service (`contracts/endpoints.ts` `MLFLOW_URL`) */
  readonly mlflowUrl?: string;
  /** @default the platform's Feast feature server (`contracts/endpoints.ts` `FEAST_URL`) */
  readonly feastUrl?: string;
  /** @default serving */
  readonly servingNamespace?: string;
  /** PSI threshold (`services.driftThreshold`). */
  readonly driftThreshold: number;
  /**
   * Where the training step keeps its checkpoints: the namespace's prefix of the artifacts bucket,
   * `s3://<bucket>/<prefix>checkpoints/` or `https://<account>.blob.core.windows.net/<container>/<prefix>checkpoints/`.
   * @default none — the training step's checkpoint containers fail with a message naming the key
   */
  readonly checkpointUri?: string;
  /** Days before superseded model versions are archived (`retention.noncurrentVersionDays`). @default 30 (the steps' default) */
  readonly modelRetentionDays?: number;
}

/**
 * The `data` of the {@link PIPELINE_SETTINGS_CONFIGMAP} ConfigMap. The platform creates it in every
 * pipeline namespace; the steps trust only these values (never workflow parameters), so team RBAC
 * must not allow editing it.
 */
export function pipelineSettingsData(s: PipelineSettingsInput): Record<string, string> {
  return {
    [SETTINGS_KEYS.cloud]: s.cloud,
    [SETTINGS_KEYS.region]: s.region,
    [SETTINGS_KEYS.environment]: s.environment,
    [SETTINGS_KEYS.allowedDataPrefixes]: s.allowedDataPrefixes.join("\n"),
    [SETTINGS_KEYS.allowedRegistries]: s.allowedRegistries.join("\n"),
    [SETTINGS_KEYS.mlflowUrl]: s.mlflowUrl ?? MLFLOW_URL,
    [SETTINGS_KEYS.feastUrl]: s.feastUrl ?? FEAST_URL,
    [SETTINGS_KEYS.servingNamespace]: s.servingNamespace ?? NAMESPACES.serving,
    [SETTINGS_KEYS.driftThreshold]: String(s.driftThreshold),
    ...(s.checkpointUri === undefined ? {} : { [SETTINGS_KEYS.checkpointUri]: s.checkpointUri }),
    ...(s.modelRetentionDays === undefined ? {} : { [SETTINGS_KEYS.modelRetentionDays]: String(s.modelRetentionDays) }),
  };
}
