import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT, type StepError } from "../../workflows/steps/lib/cli";
import { MAX_TAG_VALUE, MlflowClient, tagValue } from "../../workflows/steps/lib/mlflow";
import { FakeMlflow } from "./fake-servers";

let server: FakeMlflow;
let client: MlflowClient;
beforeAll(async () => {
  server = await new FakeMlflow().start();
  client = new MlflowClient(server.url, "secret-token");
});
afterAll(() => server.close());

async function failure(p: Promise<unknown>): Promise<StepError> {
  try {
    await p;
  } catch (e) {
    return e as StepError;
  }
  throw new Error("expected a failure");
}

describe("MLflow REST client", () => {
  it("maps RESOURCE_DOES_NOT_EXIST to null (no champion, no run), never to a default", async () => {
    expect(await client.getVersionByAlias("nobody", "champion")).toBeNull();
    expect(await client.getRun("missing")).toBeNull();
    expect(await client.findExperiment("none")).toBeNull();
  });

  it("creates an experiment once and reuses it", async () => {
    const a = await client.ensureExperiment("ns/m");
    expect(await client.ensureExperiment("ns/m")).toBe(a);
    expect(server.requests.filter((r) => r.path === "experiments/create")).toHaveLength(1);
  });

  it("treats 5xx and 429 as transient and other errors as final, naming the endpoint", async () => {
    server.failWith = 503;
    const e = await failure(client.getRun("x"));
    expect(e.exitCode).toBe(EXIT.TRANSIENT);
    expect(e.message).toMatch(/MLflow GET runs\/get answered 503 TEMPORARILY_UNAVAILABLE/);
    server.failWith = 429;
    expect((await failure(client.getRun("x"))).exitCode).toBe(EXIT.TRANSIENT);
    server.failWith = 403;
    expect((await failure(client.getRun("x"))).exitCode).toBe(EXIT.REFUSED);
    server.failWith = undefined;
    const invalid = await failure(client.searchRuns("1", "bogus filter"));
    expect(invalid.exitCode).toBe(EXIT.REFUSED);
    expect(invalid.message).toContain("INVALID_PARAMETER_VALUE");
  });

  it("is transient when the server is unreachable", async () => {
    const e = await failure(new MlflowClient("http://127.0.0.1:9").getRun("x"));
    expect(e.exitCode).toBe(EXIT.TRANSIENT);
  });

  it("returns the latest value of each metric and truncates long tag values to MLflow's limit", async () => {
    const id = server.seedRun("1", {}, { auc: 0.5 });
    server.logMetrics(id, { auc: 0.7 });
    expect((await client.getRun(id))?.metrics).toEqual({ auc: 0.7 });
    const long = tagValue("x".repeat(MAX_TAG_VALUE + 10));
    expect(long).toHaveLength(MAX_TAG_VALUE);
    expect(long).toMatch(/truncated/);
    expect(tagValue("short")).toBe("short");
  });
});
