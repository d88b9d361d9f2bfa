/**
 * Client for the MLflow tracking and model-registry REST API (the documented `/api/2.0/mlflow/*`
 * endpoints of MLflow 2.x/3.x). Only the calls the pipeline steps need.
 */
import { EXIT, StepError } from "./cli";
import { exitCodeForStatus, sendJson } from "./http";

/** MLflow limits tag values to 5000 characters in its default stores. */
export const MAX_TAG_VALUE = 5000;

/** A run as the steps use it: latest value of each metric, params and tags as maps. */
export interface RunInfo {
  readonly runId: string;
  readonly experimentId: string;
  readonly status: string;
  readonly artifactUri: string;
  readonly metrics: Record<string, number>;
  readonly params: Record<string, string>;
  readonly tags: Record<string, string>;
}

/** A registered model version. */
export interface ModelVersionInfo {
  readonly name: string;
  readonly version: string;
  readonly runId: string;
  readonly status: string;
  readonly source: string;
  readonly tags: Record<string, string>;
  /** `creation_timestamp` (ms since the epoch; 0 when absent). */
  readonly createdMs: number;
  /** Aliases pointing at this version. */
  readonly aliases: readonly string[];
}

type KV = { key?: unknown; value?: unknown }[] | undefined;

function toMap(list: KV): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of list ?? []) if (typeof kv.key === "string") out[kv.key] = String(kv.value ?? "");
  return out;
}

function toMetrics(list: KV): Record<string, number> {
  const out: Record<string, number> = {};
  // MLflow returns the latest value per key; a value that is not a number is dropped (the gate then sees it as missing).
  for (const kv of list ?? []) if (typeof kv.key === "string" && typeof kv.value === "number") out[kv.key] = kv.value;
  return out;
}

/** Truncates a tag value to MLflow's limit, saying so in the value. */
export function tagValue(value: string): string {
  if (value.length <= MAX_TAG_VALUE) return value;
  const note = "…[truncated; full text in the pipeline's artifacts]";
  return value.slice(0, MAX_TAG_VALUE - note.length) + note;
}

/** A thin typed MLflow REST client. */
export class MlflowClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token?: string,
  ) {}

  private async call(
    method: "GET" | "POST" | "PATCH" | "DELETE",
    path: string,
    body?: unknown,
    query?: Record<string, string>,
  ): Promise<Record<string, unknown> | null> {
    const url = new URL(`${this.baseUrl}/api/2.0/mlflow/${path}`);
    for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
    const res = await sendJson({
      method,
      url: url.toString(),
      ...(body !== undefined ? { body } : {}),
      ...(this.token ? { headers: { authorization: `Bearer ${this.token}` } } : {}),
    });
    if (res.status >= 200 && res.status < 300) return (res.body as Record<string, unknown>) ?? {};
    const err = res.body as { error_code?: string; message?: string } | undefined;
    if (err?.error_code === "RESOURCE_DOES_NOT_EXIST") return null;
    throw new StepError(
      `MLflow ${method} ${path} answered ${res.status} ${err?.error_code ?? ""}: ${err?.message ?? res.text.slice(0, 300)}`,
      exitCodeForStatus(res.status),
    );
  }

  private async must(
    method: "GET" | "POST" | "PATCH" | "DELETE",
    path: string,
    body?: unknown,
    query?: Record<string, string>,
  ): Promise<Record<string, unknown>> {
    const r = await this.call(method, path, body, query);
    if (r === null)
      throw new StepError(`MLflow ${method} ${path}: resource does not exist (${JSON.stringify(query ?? body)})`, EXIT.REFUSED);
    return r;
  }

  /** The experiment id for `name`, creating the experiment when missing. */
  async ensureExperiment(name: string): Promise<string> {
    const found = await this.call("GET", "experiments/get-by-name", undefined, { experiment_name: name });
    const id = (found?.experiment as { experiment_id?: string } | undefined)?.experiment_id;
    if (id) return id;
    const created = await this.must("POST", "experiments/create", { name });
    return String(created.experiment_id);
  }

  /** The experiment id for `name`, or null. */
  async findExperiment(name: string): Promise<string | null> {
    const found = await this.call("GET", "experiments/get-by-name", undefined, { experiment_name: name });
    return (found?.experiment as { experiment_id?: string } | undefined)?.experiment_id ?? null;
  }

  /** Creates a run and returns its id. */
  async createRun(experimentId: string, runName: string, tags: Record<string, string>): Promise<string> {
    const r = await this.must("POST", "runs/create", {
      experiment_id: experimentId,
      run_name: runName,
      start_time: Date.now(),
      tags: Object.entries(tags).map(([key, value]) => ({ key, value: tagValue(value) })),
    });
    return String((r.run as { info?: { run_id?: string } }).info?.run_id);
  }

  /** Logs params, metrics and tags in one call. */
  async logBatch(
    runId: string,
    data: { params?: Record<string, string>; metrics?: Record<string, number>; tags?: Record<string, string> },
  ): Promise<void> {
    const now = Date.now();
    await this.must("POST", "runs/log-batch", {
      run_id: runId,
      params: Object.entries(data.params ?? {}).map(([key, value]) => ({ key, value: tagValue(value) })),
      metrics: Object.entries(data.metrics ?? {}).map(([key, value]) => ({ key, value, timestamp: now, step: 0 })),
      tags: Object.entries(data.tags ?? {}).map(([key, value]) => ({ key, value: tagValue(value) })),
    });
  }

  /** Sets the terminal status of a run. */
  async updateRun(runId: string, status: "FINISHED" | "FAILED" | "KILLED"): Promise<void> {
    await this.must("POST", "runs/update", { run_id: runId, status, end_time: Date.now() });
  }

  /** A run, or null when it does not exist. */
  async getRun(runId: string): Promise<RunInfo | null> {
    const r = await this.call("GET", "runs/get", undefined, { run_id: runId });
    if (r === null) return null;
    const run = r.run as { info?: Record<string, unknown>; data?: { metrics?: KV; params?: KV; tags?: KV } };
    return {
      runId: String(run.info?.run_id ?? runId),
      experimentId: String(run.info?.experiment_id ?? ""),
      status: String(run.info?.status ?? ""),
      artifactUri: String(run.info?.artifact_uri ?? ""),
      metrics: toMetrics(run.data?.metrics),
      params: toMap(run.data?.params),
      tags: toMap(run.data?.tags),
    };
  }

  /** Run ids in `experimentId` matching an MLflow filter string. */
  async searchRuns(experimentId: string, filter: string): Promise<string[]> {
    const r = await this.must("POST", "runs/search", { experiment_ids: [experimentId], filter, max_results: 100 });
    return ((r.runs as { info?: { run_id?: string } }[] | undefined) ?? []).map((x) => String(x.info?.run_id));
  }

  /** Creates the registered model when it does not exist. */
  async ensureRegisteredModel(name: string, tags: Record<string, string>): Promise<void> {
    const found = await this.call("GET", "registered-models/get", undefined, { name });
    if (found) return;
    await this.must("POST", "registered-models/create", {
      name,
      tags: Object.entries(tags).map(([key, value]) => ({ key, value: tagValue(value) })),
    });
  }

  private toVersion(mv: Record<string, unknown>): ModelVersionInfo {
    return {
      name: String(mv.name),
      version: String(mv.version),
      runId: String(mv.run_id ?? ""),
      status: String(mv.status ?? ""),
      source: String(mv.source ?? ""),
      tags: toMap(mv.tags as KV),
      createdMs: Number(mv.creation_timestamp ?? 0) || 0,
      aliases: Array.isArray(mv.aliases) ? mv.aliases.map(String) : [],
    };
  }

  /** Creates a model version. */
  async createModelVersion(
    name: string,
    source: string,
    runId: string,
    tags: Record<string, string>,
    description: string,
  ): Promise<ModelVersionInfo> {
    const r = await this.must("POST", "model-versions/create", {
      name,
      source,
      run_id: runId,
      description,
      tags: Object.entries(tags).map(([key, value]) => ({ key, value: tagValue(value) })),
    });
    return this.toVersion(r.model_version as Record<string, unknown>);
  }

  /** A model version, or null. */
  async getModelVersion(name: string, version: string): Promise<ModelVersionInfo | null> {
    const r = await this.call("GET", "model-versions/get", undefined, { name, version });
    return r ? this.toVersion(r.model_version as Record<string, unknown>) : null;
  }

  /** Versions of `name` created from `runId` (so a retried registration does not create a second version). */
  async versionsFromRun(name: string, runId: string): Promise<ModelVersionInfo[]> {
    const r = await this.must("GET", "model-versions/search", undefined, {
      filter: `name='${name.replace(/'/g, "\\'")}' and run_id='${runId}'`,
    });
    return ((r.model_versions as Record<string, unknown>[] | undefined) ?? []).map((mv) => this.toVersion(mv));
  }

  /** The version behind `alias`, or null when the alias (or the model) does not exist. */
  async getVersionByAlias(name: string, alias: string): Promise<ModelVersionInfo | null> {
    const r = await this.call("GET", "registered-models/alias", undefined, { name, alias });
    return r ? this.toVersion(r.model_version as Record<string, unknown>) : null;
  }

  /** Points `alias` at `version`. */
  async setAlias(name: string, alias: string, version: string): Promise<void> {
    await this.must("POST", "registered-models/alias", { name, alias, version });
  }

  /** Sets a tag on a model version. */
  async setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void> {
    await this.must("POST", "model-versions/set-tag", { name, version, key, value: tagValue(value) });
  }

  /** Sets a tag on a run. */
  async setRunTag(runId: string, key: string, value: string): Promise<void> {
    await this.must("POST", "runs/set-tag", { run_id: runId, key, value: tagValue(value) });
  }

  /** Names of every registered model (all pages). */
  async registeredModelNames(): Promise<string[]> {
    const names: string[] = [];
    let token = "";
    for (let page = 0; page < 1000; page++) {
      const r = await this.must("GET", "registered-models/search", undefined, {
        max_results: "200",
        ...(token ? { page_token: token } : {}),
      });
      for (const m of (r.registered_models as { name?: unknown }[] | undefined) ?? []) names.push(String(m.name));
      token = String(r.next_page_token ?? "");
      if (!token) break;
    }
    return names;
  }

  /** Every version of `name` (all pages). */
  async modelVersions(name: string): Promise<ModelVersionInfo[]> {
    const out: ModelVersionInfo[] = [];
    let token = "";
    for (let page = 0; page < 1000; page++) {
      const r = await this.must("GET", "model-versions/search", undefined, {
        filter: `name='${name.replace(/'/g, "\\'")}'`,
        max_results: "200",
        ...(token ? { page_token: token } : {}),
      });
      out.push(...((r.model_versions as Record<string, unknown>[] | undefined) ?? []).map((mv) => this.toVersion(mv)));
      token = String(r.next_page_token ?? "");
      if (!token) break;
    }
    return out;
  }
}
