import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ENVIRONMENT_PRESETS } from "../../contracts/environment";
import { profilePreset } from "../../stacks/profiles";
import { StackConfigSchema } from "../../stacks/schema";

const ROOT = resolve(__dirname, "../..");
const read = (f: string) => readFileSync(resolve(ROOT, f), "utf8");

function row(readme: string, label: string): [string, string] {
  const line = readme.split("\n").find((l) => l.split("|")[1]?.trim() === label);
  if (!line) throw new Error(`README has no size-profile row "${label}"`);
  const cells = line.split("|").map((c) => c.trim());
  return [cells[2] ?? "", cells[3] ?? ""];
}

describe("README", () => {
  const readme = read("README.md");

  it("states the two set-up commands and the test command", () => {
    expect(readme).toContain("npm ci\nnpm run plan -- --stack dev\n");
    expect(readme).toContain("```sh\nnpm test\n```");
    expect(readme).toContain("pulumi stack select uae-prod && pulumi up --policy-pack policies");
  });

  it("size-profile table matches stacks/profiles.ts", () => {
    const smb = profilePreset("smb", "aws");
    const ent = profilePreset("enterprise", "aws");
    const range = (p: { minSize: number; maxSize: number }) => `${p.minSize}–${p.maxSize}`;
    expect(row(readme, "availability zones")).toEqual([String(smb.availability.zoneCount), String(ent.availability.zoneCount)]);
    expect(row(readme, "system pool nodes (min–max)")).toEqual([range(smb.nodePools.system), range(ent.nodePools.system)]);
    expect(row(readme, "CPU inference pool nodes (min–max)")).toEqual([range(smb.nodePools.cpu[0]!), range(ent.nodePools.cpu[0]!)]);
    const gpu = (p: typeof smb) => p.nodePools.gpu.map(range).join(" / ");
    expect(row(readme, "GPU training pools (min–max): spot / on-demand fallback")).toEqual([gpu(smb), gpu(ent)]);
    expect(row(readme, "Redis replicas")).toEqual([String(smb.availability.cacheReplicas), String(ent.availability.cacheReplicas)]);
    expect(row(readme, "platform service replicas (MLflow, Argo server, Feast)")).toEqual([
      String(smb.availability.serviceReplicas),
      String(ent.availability.serviceReplicas),
    ]);
  });

  it("environment table matches contracts/environment.ts", () => {
    const dev = ENVIRONMENT_PRESETS.development.retention;
    const prod = ENVIRONMENT_PRESETS.production.retention;
    expect(row(readme, "log retention (days)")).toEqual([String(dev.logDays), String(prod.logDays)]);
    expect(row(readme, "audit log retention (days)")).toEqual([String(dev.auditLogDays), String(prod.auditLogDays)]);
    expect(row(readme, "database backup retention (days)")).toEqual([String(dev.backupDays), String(prod.backupDays)]);
    expect(row(readme, "non-current object versions kept (days)")).toEqual([
      String(dev.noncurrentVersionDays),
      String(prod.noncurrentVersionDays),
    ]);
    expect(row(readme, "stateful resources protected (delete/replace, deletion protection, snapshots)")).toEqual([
      "no (can be turned on)",
      "always",
    ]);
  });

  it("mentions only npm scripts that exist", () => {
    const scripts = Object.keys((JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts);
    for (const m of readme.matchAll(/npm run ([a-z:-]+)/g)) expect(scripts).toContain(m[1]);
  });
});

describe("docs/configuration.md", () => {
  it("documents every configuration key", () => {
    const doc = read("docs/configuration.md");
    for (const [key, schema] of Object.entries(StackConfigSchema.shape)) {
      expect(doc, key).toContain(`\`${key}`);
      const inner = (schema as { unwrap?: () => unknown }).unwrap?.() ?? schema;
      const shape = (inner as { shape?: Record<string, unknown> }).shape;
      if (shape && key !== "tags") for (const sub of Object.keys(shape)) expect(doc, `${key}.${sub}`).toContain(`${key}.${sub}`);
    }
  });
});
