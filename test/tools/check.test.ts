/**
 * The offline engine and the `npm run check` CLI: what each policy receives (as the CLI's
 * analyzer gives it), enforcement levels, exemptions, production scope, output formats and
 * exit codes, and SARIF validity against the SARIF 2.1.0 schema.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { stackEnvironmentFromConfig } from "../../contracts/environment";
import { parsePackConfig } from "../../policies/config";
import { allPolicies } from "../../policies/rules";
import { main } from "../../tools/check";
import { checkPlan, formatText, resourcesOf } from "../../tools/lib/check";
import { toSarif } from "../../tools/lib/sarif";
import { BUCKET } from "../policies/cases";
import { plan, REDACTED_SECRET, type Spec, UNKNOWN, urn } from "../policies/fixture";

const cfg = (over: Record<string, unknown> = {}) => parsePackConfig({ ...over });
const environment = (name: string) => stackEnvironmentFromConfig({ environment: name }, "test");

const SPECS: Spec[] = [
  {
    type: "aws:kms/key:Key",
    name: "key",
    inputs: { enableKeyRotation: false, description: UNKNOWN, tags: { secret: REDACTED_SECRET } },
    protect: true,
  },
  { type: "aws:sqs/queue:Queue", name: "queue", inputs: {} },
];

function capture(): { policy: ResourceValidationPolicy; seen: ResourceValidationArgs[] } {
  const seen: ResourceValidationArgs[] = [];
  return {
    seen,
    policy: {
      name: "test-capture-resource",
      description: "captures",
      enforcementLevel: "mandatory",
      validateResource: (args) => {
        seen.push(args);
      },
    },
  };
}

describe("checkPlan: what a resource policy receives", () => {
  it("gives type, name, urn, options and the resource's provider with its props", async () => {
    const { policy, seen } = capture();
    await checkPlan(plan(SPECS), { stack: "test", packConfig: cfg(), policies: [policy] });
    const key = seen.find((a) => a.name === "key");
    expect(key?.type).toBe("aws:kms/key:Key");
    expect(key?.urn).toBe(urn("aws:kms/key:Key", "key"));
    expect(key?.opts.protect).toBe(true);
    expect(key?.provider?.type).toBe("pulumi:providers:aws");
    expect(key?.provider?.props.region).toBe("me-central-1");
    expect(seen.some((a) => a.type === "pulumi:providers:aws")).toBe(true);
  });

  it("wraps props in @pulumi/policy's unknown-checking proxy, as in a preview", async () => {
    const { policy, seen } = capture();
    await checkPlan(plan(SPECS), { stack: "test", packConfig: cfg(), policies: [policy] });
    const props = seen.find((a) => a.name === "key")?.props as Record<string, unknown>;
    expect(props.enableKeyRotation).toBe(false);
    expect(() => props.description).toThrow(/string value at \.description can't be known during preview/);
  });

  it("shows a redacted secret as a present value [secret], and decodes --show-secrets plaintext", async () => {
    const { policy, seen } = capture();
    const specs: Spec[] = [
      {
        type: "aws:sqs/queue:Queue",
        name: "q",
        inputs: { a: REDACTED_SECRET, b: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", plaintext: '"clear"' } },
      },
    ];
    await checkPlan(plan(specs), { stack: "test", packConfig: cfg(), policies: [policy] });
    const props = seen.find((a) => a.name === "q")?.props as Record<string, unknown>;
    expect(props.a).toBe("[secret]");
    expect(props.b).toBe("clear");
  });

  it("reports an unknown read with the CLI's advisory message, not as compliant", async () => {
    const policy: ResourceValidationPolicy = {
      name: "test-reads-unknown",
      description: "reads description",
      validateResource: (args, report) => {
        if (args.type === "aws:kms/key:Key" && !args.props.description) report("no description");
      },
    };
    const r = await checkPlan(plan(SPECS), { stack: "test", packConfig: cfg(), policies: [policy] });
    expect(r.violations).toHaveLength(1);
    expect(r.violations[0]).toMatchObject({ enforcementLevel: "advisory", name: "key" });
    expect(r.violations[0]?.message).toBe(
      "can't run policy 'test-reads-unknown' from policy pack 'mlops-platform@v0.1.0' during preview: string value at .description can't be known during preview",
    );
    expect(r.summary.passed).toBe(true);
  });

  it("reports a policy that throws as a mandatory failure", async () => {
    const policy: ResourceValidationPolicy = {
      name: "test-throws",
      description: "throws",
      validateResource: () => {
        throw new Error("boom");
      },
    };
    const r = await checkPlan(plan(SPECS), { stack: "test", packConfig: cfg(), policies: [policy] });
    expect(r.violations[0]?.enforcementLevel).toBe("mandatory");
    expect(r.violations[0]?.message).toContain("Error validating resource with policy 'test-throws'");
  });
});

describe("checkPlan: what a stack policy receives", () => {
  it("gets every resource with outputs, parent and property dependencies resolved", async () => {
    let resources: PolicyResource[] = [];
    const policy: StackValidationPolicy = {
      name: "test-capture-stack",
      description: "captures",
      validateStack: (args) => {
        resources = args.resources;
      },
    };
    const specs: Spec[] = [
      { type: "aws:s3/bucket:Bucket", name: "b", inputs: { bucket: "b1" } },
      { type: "aws:s3/bucketVersioning:BucketVersioning", name: "v", inputs: { bucket: UNKNOWN }, dependsOn: { bucket: ["b"] } },
    ];
    await checkPlan(plan(specs), { stack: "test", packConfig: cfg(), policies: [policy] });
    const v = resources.find((r) => r.name === "v");
    expect(resources).toHaveLength(5);
    expect(v?.propertyDependencies.bucket?.[0]?.name).toBe("b");
    expect(v?.dependencies[0]?.name).toBe("b");
    expect(v?.provider?.props.region).toBe("me-central-1");
  });

  it("deserializes each resource once per check, yet counts what each rule read for that rule only", async () => {
    const seen: PolicyResource[][] = [];
    const reads = (name: string, resource: string): StackValidationPolicy => ({
      name,
      description: name,
      validateStack: (args) => {
        seen.push(args.resources);
        void args.resources.find((x) => x.name === resource)?.props;
      },
    });
    const perResource: unknown[] = [];
    const resourcePolicy = (name: string): ResourceValidationPolicy => ({
      name,
      description: name,
      validateResource: (args) => {
        if (args.name === "queue") perResource.push(args.props);
      },
    });
    const r = await checkPlan(plan(SPECS), {
      stack: "test",
      packConfig: cfg(),
      policies: [reads("reads-key", "key"), reads("reads-queue", "queue"), resourcePolicy("r1"), resourcePolicy("r2")],
    });
    const checked = (p: string) => r.rules?.find((o) => o.policy === p)?.checked;
    expect(checked("reads-key")).toEqual([urn("aws:kms/key:Key", "key")]);
    expect(checked("reads-queue")).toEqual([urn("aws:sqs/queue:Queue", "queue")]);
    // The same props object for every rule: no copy per rule (the queue's inputs are its outputs here).
    expect(perResource).toHaveLength(2);
    // (Compared by identity: the proxy refuses the unknown reads a diff of the objects would make.)
    expect(perResource[0] === perResource[1]).toBe(true);
    // One stack view for every stack rule (it was rebuilt per rule: a quarter of a 100-team gate's time).
    expect(seen).toHaveLength(2);
    expect(seen[0]?.every((r, i) => r === seen[1]?.[i])).toBe(true);
  });

  it("matches a bucket setting through its property dependency when the bucket name is unknown", async () => {
    const specs = BUCKET.map((s) =>
      s.name === "data" ? s : { ...s, inputs: { ...s.inputs, bucket: UNKNOWN }, dependsOn: { bucket: ["data"] } },
    );
    const r = await checkPlan(plan(specs), { stack: "test", packConfig: cfg() });
    expect(r.violations.filter((v) => v.policy.startsWith("aws-s3-"))).toEqual([]);
  });
});

describe("checkPlan: configuration", () => {
  const violating: Spec[] = [{ type: "aws:kms/key:Key", name: "key", inputs: { enableKeyRotation: false }, protect: true }];

  it("uses the configured enforcement level, skips disabled rules, reports remediate as mandatory", async () => {
    const rule = allPolicies.filter((p) => p.name === "aws-kms-key-enable-rotation");
    const advisory = await checkPlan(plan(violating), {
      packConfig: cfg({ enforcementLevels: { "aws-kms-key-enable-rotation": "advisory" } }),
      policies: rule,
    });
    expect(advisory.violations[0]?.enforcementLevel).toBe("advisory");
    expect(advisory.summary.passed).toBe(true);
    const disabled = await checkPlan(plan(violating), {
      packConfig: cfg({ enforcementLevels: { "aws-kms-key-enable-rotation": "disabled" } }),
      policies: rule,
    });
    expect(disabled.violations).toEqual([]);
    const remediate = await checkPlan(plan(violating), {
      packConfig: cfg({ enforcementLevels: { "aws-kms-key-enable-rotation": "remediate" } }),
      policies: rule,
    });
    expect(remediate.violations[0]?.enforcementLevel).toBe("mandatory");
  });

  it("skips a resource exempted by name (resource and stack rules), and only for that rule", async () => {
    const exemptions = [
      { policy: "aws-kms-key-enable-rotation", resource: "key", reason: "imported key rotated by the HSM team" },
      { policy: "aws-s3-bucket-enable-versioning", resource: "data", reason: "scratch bucket, data is regenerable" },
    ];
    const specs = [...violating, ...BUCKET.filter((s) => s.name !== "data-versioning")];
    const r = await checkPlan(plan(specs), { packConfig: cfg({ exemptions }) });
    expect(r.violations.map((v) => v.policy)).not.toContain("aws-kms-key-enable-rotation");
    expect(r.violations.map((v) => v.policy)).not.toContain("aws-s3-bucket-enable-versioning");
    const without = await checkPlan(plan(specs), { packConfig: cfg() });
    expect(without.violations.map((v) => v.policy)).toEqual(
      expect.arrayContaining(["aws-kms-key-enable-rotation", "aws-s3-bucket-enable-versioning"]),
    );
  });

  it("applies data-safety rules to production stacks only", async () => {
    const db: Spec[] = [{ type: "aws:rds/instance:Instance", name: "db", inputs: { deletionProtection: false } }];
    const rule = allPolicies.filter((p) => p.name === "aws-rds-database-enable-deletion-protection");
    const judged = async (name: string) =>
      (await checkPlan(plan(db), { packConfig: cfg(), environment: environment(name), policies: rule })).violations;
    expect((await judged("production")).length).toBeGreaterThan(0);
    expect(await judged("development")).toEqual([]);
    // Anything but a declared environment is judged as production (fail closed).
    expect((await judged("staging")).length).toBeGreaterThan(0);
  });

  it("reads the stack from the URNs and loads its configuration file", async () => {
    const r = await checkPlan(plan([{ type: "aws:rds/instance:Instance", name: "db", inputs: {} }]), {
      policies: allPolicies.filter((p) => p.name === "aws-rds-database-enable-deletion-protection"),
    });
    expect(r.summary.stack).toBe("test");
    // No Pulumi.test.yaml: the stack is judged as production (fail closed), and the report says why.
    expect(r.violations.length).toBeGreaterThan(0);
    expect(r.summary.environment).toMatchObject({ name: "production", source: "Pulumi.test.yaml (not found)" });
    expect(formatText(r)).toContain(
      "Judged as production (from Pulumi.test.yaml (not found)): Pulumi.test.yaml (not found) declares no environment",
    );
  });

  it("refuses a document that is not a plan, saying what it expected", () => {
    expect(() => resourcesOf({ foo: 1 })).toThrow(/expected a `pulumi stack export` document/);
  });
});

function tmp(name: string, content?: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "check-"));
  const file = path.join(dir, name);
  if (content !== undefined) fs.writeFileSync(file, JSON.stringify(content));
  return file;
}

const VIOLATING_PLAN = plan([
  { type: "aws:kms/key:Key", name: "key", inputs: { enableKeyRotation: false, multiRegion: true }, protect: true },
  {
    type: "aws:rds/instance:Instance",
    name: "db",
    inputs: {
      engine: "postgres",
      publiclyAccessible: true,
      storageEncrypted: true,
      kmsKeyId: "k",
      parameterGroupName: "p",
      deletionProtection: true,
      backupRetentionPeriod: 35,
    },
    protect: true,
  },
]);

describe("npm run check", () => {
  it("exits 1 on mandatory violations and names each in JSON", async () => {
    let out = "";
    const code = await main(["--plan", tmp("plan.json", VIOLATING_PLAN), "--format", "json"], (s) => {
      out += s;
    });
    expect(code).toBe(1);
    const doc = JSON.parse(out);
    const policies = doc.violations.map((v: { policy: string }) => v.policy);
    expect(policies).toEqual(
      expect.arrayContaining([
        "aws-kms-key-enable-rotation",
        "aws-kms-key-disallow-multi-region",
        "aws-rds-database-disallow-public-access",
      ]),
    );
    for (const v of doc.violations)
      expect(Object.keys(v).sort()).toEqual(["enforcementLevel", "message", "name", "policy", "severity", "type", "urn"]);
    expect(doc.summary).toMatchObject({ stack: "test", passed: false });
  });

  it("exits 0 on a compliant plan and prints a text verdict", async () => {
    let out = "";
    const code = await main(["--plan", tmp("plan.json", plan(BUCKET.map((s) => ({ ...s, protect: s.name === "data" }))))], (s) => {
      out += s;
    });
    expect(out).toMatch(/^Policy check PASSED for stack test/);
    expect(code).toBe(0);
  });

  it("writes valid SARIF 2.1.0 (validated against the SARIF 2.1.0 JSON schema)", async () => {
    const file = tmp("out.sarif");
    const code = await main(["--plan", tmp("plan.json", VIOLATING_PLAN), "--format", "sarif", "--out", file], () => {});
    expect(code).toBe(1);
    const sarif = JSON.parse(fs.readFileSync(file, "utf8"));
    // The SARIF 2.1.0 schema as shipped by @microsoft/jest-sarif (a draft-04 JSON schema).
    const schema = JSON.parse(fs.readFileSync(require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"), "utf8"));
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    expect(sarif.runs[0].results.length).toBeGreaterThan(0);
    expect(sarif.runs[0].results[0].locations[0].logicalLocations[0].fullyQualifiedName).toMatch(/^urn:pulumi:test::/);
  });

  it("the schema check can fail: an invalid SARIF document is refused", () => {
    const schema = JSON.parse(fs.readFileSync(require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"), "utf8"));
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const bad = {
      ...toSarif({
        violations: [],
        summary: {
          stack: "x",
          environment: { name: "production", source: "test" },
          resources: 0,
          policies: 0,
          mandatory: 0,
          advisory: 0,
          byPolicy: {},
          passed: true,
        },
      }),
      version: "2.0.0",
    };
    expect(ajv.compile(schema)(bad)).toBe(false);
  });

  it("writes the CrossGuard --policy-pack-config file of the stack", async () => {
    const file = tmp("policy-config.json");
    await main(["--plan", tmp("plan.json", VIOLATING_PLAN), "--emit-policy-config", file], () => {});
    const doc = JSON.parse(fs.readFileSync(file, "utf8"));
    expect(Object.keys(doc)).toHaveLength(allPolicies.length);
    expect(doc["aws-provider-region-enforce-allowlist"].allowedAwsRegions).toEqual(["me-central-1"]);
  });

  it("refuses bad usage with exit 2 and a message naming the option and the value", async () => {
    const errors: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => {
      errors.push(s);
      return true;
    }) as typeof process.stderr.write;
    try {
      expect(await main(["--plan", tmp("plan.json", VIOLATING_PLAN), "--format", "xml"], () => {})).toBe(2);
      expect(await main([], () => {})).toBe(2);
      expect(await main(["--plan", "/nonexistent/plan.json"], () => {})).toBe(2);
    } finally {
      process.stderr.write = write;
    }
    expect(errors.join("")).toMatch(/--format must be one of text, json, sarif \(received "xml"\)/);
    expect(errors.join("")).toMatch(/--plan is required/);
    expect(errors.join("")).toMatch(/cannot read --plan \/nonexistent\/plan.json/);
  });

  it("formats text grouped by rule with the verdict first", async () => {
    const r = await checkPlan(VIOLATING_PLAN, { packConfig: cfg() });
    const text = formatText(r);
    expect(text.split("\n")[0]).toMatch(/^Policy check FAILED for stack test: \d+ rules on 5 resources, \d+ mandatory/);
    expect(text).toContain("✗ aws-rds-database-disallow-public-access (mandatory, critical)");
  });
});
