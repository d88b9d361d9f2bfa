/**
 * The training step's checkpoints against a local fake object store (S3 with SigV4 and IRSA's STS
 * exchange; Azure Blob with the Entra workload-identity token): saved at an interval, restored on
 * a retry, a save cut short leaves the previous generation, a tampered file is refused.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main as checkpoint } from "../../workflows/steps/checkpoint";
import { restoreCheckpoint, saveCheckpoint, syncCheckpoints } from "../../workflows/steps/lib/checkpoint";
import { EXIT, runStep } from "../../workflows/steps/lib/cli";
import { signS3, storeForUri } from "../../workflows/steps/lib/objects";
import { type FakeObjectStore, fakeObjectStore } from "./fake-servers";

let fake: FakeObjectStore;
const tmp = mkdtempSync(join(tmpdir(), "ckpt-"));
const tokenFile = join(tmp, "token");
writeFileSync(tokenFile, "projected-sa-token");
const awsEnv = () => ({
  PLATFORM_CHECKPOINT_URI: "s3://artifacts-bucket/pipelines/team-fraud/checkpoints/",
  PLATFORM_REGION: "me-central-1",
  PLATFORM_OBJECT_STORE_ENDPOINT: fake.url,
  AWS_ROLE_ARN: "arn:aws:iam::123456789012:role/team-fraud",
  AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
});
const azureEnv = () => ({
  PLATFORM_CHECKPOINT_URI: "https://mlopsartifacts.blob.core.windows.net/artifacts/pipelines/team-fraud/checkpoints/",
  PLATFORM_REGION: "uaenorth",
  PLATFORM_OBJECT_STORE_ENDPOINT: fake.url,
  AZURE_CLIENT_ID: "client",
  AZURE_TENANT_ID: "tenant",
  AZURE_FEDERATED_TOKEN_FILE: tokenFile,
  AZURE_AUTHORITY_HOST: `${fake.url}/`,
});

function workdir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmp, "dir-"));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(dir, p, ".."), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

async function run(argv: string[], env: Record<string, string>, stop?: Promise<void>): Promise<{ code: number; log: string[] }> {
  const log: string[] = [];
  const code = await runStep((ctx) => checkpoint(ctx, stop), { argv, env, log: (l) => log.push(l) });
  return { code, log };
}

beforeAll(async () => {
  fake = await fakeObjectStore();
});
afterAll(async () => {
  await fake.close();
});

describe("training checkpoints", () => {
  it.each([
    ["AWS S3 (SigV4, IRSA)", awsEnv, "artifacts-bucket/pipelines/team-fraud/checkpoints/uid-1/churn/"],
    ["Azure Blob (workload identity)", azureEnv, "artifacts/pipelines/team-fraud/checkpoints/uid-1/churn/"],
  ])("%s: the sidecar saves on stop, and a retry's init container resumes from it", async (_label, env, stored) => {
    const dir = workdir({ "model.pt": "weights-epoch-3", "opt/state.bin": "adam" });
    const sync = await run(["--mode=sync", "--run-key=uid-1/churn", `--dir=${dir}`], env(), Promise.resolve());
    expect(sync.code).toBe(EXIT.OK);
    expect(String(fake.objects.get(`${stored}LATEST`))).toMatch(/^g-/);
    // The retry lands on a fresh node: an empty directory.
    const fresh = workdir();
    const restore = await run(["--mode=restore", "--run-key=uid-1/churn", `--dir=${fresh}`], env());
    expect(restore.code).toBe(EXIT.OK);
    expect(restore.log.join("\n")).toMatch(/resumed from checkpoint/);
    expect(readFileSync(join(fresh, "model.pt"), "utf8")).toBe("weights-epoch-3");
    expect(readFileSync(join(fresh, "opt/state.bin"), "utf8")).toBe("adam");
  });

  it("a first attempt finds no checkpoint and starts from scratch; another run's checkpoints are not its own", async () => {
    const dir = workdir();
    const r = await run(["--mode=restore", "--run-key=uid-2/churn", `--dir=${dir}`], awsEnv());
    expect(r.code).toBe(EXIT.OK);
    expect(r.log.join("\n")).toMatch(/no checkpoint under .*uid-2\/churn\/: training starts from scratch/);
    expect(existsSync(join(dir, "model.pt"))).toBe(false);
  });

  it("saves at the interval, only what changed, and keeps saving until stopped", async () => {
    const { store, prefix } = storeForUri(awsEnv().PLATFORM_CHECKPOINT_URI, "me-central-1", awsEnv(), fake.url);
    const dir = workdir({ "model.pt": "epoch-1" });
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    const logs: string[] = [];
    const loop = syncCheckpoints({ store, prefix: `${prefix}uid-3/m/`, dir, intervalMs: 40, stop: stopped, log: (l) => logs.push(l) });
    await new Promise((r) => setTimeout(r, 100));
    writeFileSync(join(dir, "model.pt"), "epoch-2");
    await new Promise((r) => setTimeout(r, 100));
    stop();
    expect(await loop).toBe(2); // epoch-1, then epoch-2; unchanged ticks save nothing
    const fresh = workdir();
    await restoreCheckpoint(store, `${prefix}uid-3/m/`, fresh);
    expect(readFileSync(join(fresh, "model.pt"), "utf8")).toBe("epoch-2");
  });

  it("a save cut short (the node lost mid-upload) leaves the previous generation as the one restored", async () => {
    const { store, prefix } = storeForUri(awsEnv().PLATFORM_CHECKPOINT_URI, "me-central-1", awsEnv(), fake.url);
    const p = `${prefix}uid-4/m/`;
    const dir = workdir({ "a.bin": "one" });
    const state = {};
    expect(await saveCheckpoint(store, p, dir, state)).toMatch(/^g-/);
    writeFileSync(join(dir, "a.bin"), "two");
    fake.failPuts(1);
    await expect(saveCheckpoint(store, p, dir, state, new Date(Date.now() + 1000))).rejects.toThrow(/503/);
    const fresh = workdir();
    await restoreCheckpoint(store, p, fresh);
    expect(readFileSync(join(fresh, "a.bin"), "utf8")).toBe("one");
  });

  it("refuses a checkpoint file that does not match its manifest, and a path that leaves the directory", async () => {
    const { store, prefix } = storeForUri(awsEnv().PLATFORM_CHECKPOINT_URI, "me-central-1", awsEnv(), fake.url);
    const p = `${prefix}uid-5/m/`;
    const g = await saveCheckpoint(store, p, workdir({ "w.bin": "good" }), {});
    fake.objects.set(`artifacts-bucket/${p}${g}/w.bin`, Buffer.from("tampered"));
    await expect(restoreCheckpoint(store, p, workdir())).rejects.toThrow(/does not match its checksum/);
    await store.put(`${p}${g}/MANIFEST.json`, Buffer.from(JSON.stringify({ files: [{ path: "../../etc/x", sha256: "0", bytes: 1 }] })));
    await expect(restoreCheckpoint(store, p, workdir())).rejects.toThrow(/leaves the checkpoint directory/);
  });

  it("refuses bad flags and a missing location, and the store refuses unsigned calls", async () => {
    expect((await run(["--mode=upload", "--run-key=a/b", "--dir=/x"], awsEnv())).code).toBe(EXIT.USAGE);
    expect((await run(["--mode=sync", "--run-key=a/b", "--dir=/x", "--interval-minutes=0"], awsEnv())).code).toBe(EXIT.USAGE);
    const { PLATFORM_CHECKPOINT_URI: _u, ...noUri } = awsEnv();
    expect((await run(["--mode=restore", "--run-key=a/b", "--dir=/x"], noUri)).code).toBe(EXIT.USAGE);
    const { AWS_ROLE_ARN: _r, ...noIdentity } = awsEnv();
    expect((await run(["--mode=restore", "--run-key=a/b", "--dir=/x"], noIdentity)).code).toBe(EXIT.USAGE);
  });

  it("signs S3 requests with SigV4 (the AWS documentation's GET Object example, known answer)", () => {
    // docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html, example "GET Object".
    const h = signS3(
      "GET",
      new URL("https://examplebucket.s3.amazonaws.com/test.txt"),
      "us-east-1",
      { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      new Date("2013-05-24T00:00:00Z"),
      { range: "bytes=0-9" },
    );
    expect(h.authorization).toBe(
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
    );
  });
});
