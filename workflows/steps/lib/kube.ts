/**
 * Minimal in-cluster Kubernetes API client: the pod's service-account token and CA, JSON and
 * JSON-Patch requests. Used by promotion (the serving Rollout, the workflow's own status).
 */
import { readFileSync } from "node:fs";
import { StepError } from "./cli";
import { exitCodeForStatus, sendJson } from "./http";

const SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/** Where and how to reach the API server. */
export interface KubeConnection {
  readonly baseUrl: string;
  readonly token: string;
  readonly ca?: string;
}

/** The connection of the pod the step runs in (or `KUBE_API_URL`/`KUBE_TOKEN` for tests and local runs). */
export function inClusterConnection(env: Readonly<Record<string, string | undefined>>): KubeConnection {
  if (env.KUBE_API_URL) return { baseUrl: env.KUBE_API_URL, token: env.KUBE_TOKEN ?? "" };
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT ?? "443";
  if (!host) throw new StepError("KUBERNETES_SERVICE_HOST is not set: this step runs inside the cluster", 64);
  return {
    baseUrl: `https://${host.includes(":") ? `[${host}]` : host}:${port}`,
    token: readFileSync(`${SA_DIR}/token`, "utf8").trim(),
    ca: readFileSync(`${SA_DIR}/ca.crt`, "utf8"),
  };
}

/** The namespace of the pod the step runs in. */
export function currentNamespace(env: Readonly<Record<string, string | undefined>>): string {
  if (env.POD_NAMESPACE) return env.POD_NAMESPACE;
  return readFileSync(`${SA_DIR}/namespace`, "utf8").trim();
}

/** JSON Patch operation (RFC 6902). */
export type JsonPatchOp = { op: "test" | "add" | "replace"; path: string; value: unknown } | { op: "remove"; path: string };

/** A Kubernetes API client bound to one connection. */
export class KubeClient {
  constructor(private readonly conn: KubeConnection) {}

  private headers(extra?: Record<string, string>): Record<string, string> {
    return { ...(this.conn.token ? { authorization: `Bearer ${this.conn.token}` } : {}), ...extra };
  }

  /** GET an object; null on 404. */
  async get(path: string): Promise<Record<string, unknown> | null> {
    const res = await sendJson({
      method: "GET",
      url: `${this.conn.baseUrl}${path}`,
      headers: this.headers(),
      ...(this.conn.ca ? { ca: this.conn.ca } : {}),
    });
    if (res.status === 404) return null;
    if (res.status < 200 || res.status >= 300)
      throw new StepError(`GET ${path} answered ${res.status}: ${res.text.slice(0, 300)}`, exitCodeForStatus(res.status));
    return res.body as Record<string, unknown>;
  }

  /** Applies a JSON Patch; a failed `test` (409/422) means someone changed the object meanwhile. */
  async jsonPatch(path: string, ops: readonly JsonPatchOp[]): Promise<Record<string, unknown>> {
    const res = await sendJson({
      method: "PATCH",
      url: `${this.conn.baseUrl}${path}`,
      body: ops,
      headers: this.headers({ "content-type": "application/json-patch+json" }),
      ...(this.conn.ca ? { ca: this.conn.ca } : {}),
    });
    if (res.status < 200 || res.status >= 300)
      throw new StepError(`PATCH ${path} answered ${res.status}: ${res.text.slice(0, 300)}`, exitCodeForStatus(res.status));
    return res.body as Record<string, unknown>;
  }
}
