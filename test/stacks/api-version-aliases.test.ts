/**
 * The stack transformation that drops the provider SDKs' API-version aliases removes exactly those
 * (every alias the SDK gives a RoleAssignment or a Deployment) and keeps any other alias.
 */
import { readFileSync } from "node:fs";
import type * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { dropApiVersionAliases, isApiVersionAlias } from "../../stacks/api-version-aliases";

/** The `{ type: "…" }` aliases a generated SDK resource class adds to every instance. */
function sdkAliases(module: string): { type: string }[] {
  const source = readFileSync(require.resolve(module), "utf8");
  const list = /aliases: \[(.*?)\] \}/.exec(source)?.[1] ?? "";
  return [...list.matchAll(/\{ type: "([^"]+)" \}/g)].map((m) => ({ type: m[1] as string }));
}

function transform(type: string, aliases: pulumi.Input<pulumi.Alias | string>[] | undefined) {
  return dropApiVersionAliases({
    resource: undefined as unknown as pulumi.Resource,
    type,
    name: "r",
    props: { a: 1 },
    opts: { aliases, protect: true },
  });
}

describe("dropApiVersionAliases", () => {
  it("drops every API-version alias azure-native gives a RoleAssignment", () => {
    const aliases = sdkAliases("@pulumi/azure-native/authorization/roleAssignment");
    expect(aliases.length).toBeGreaterThan(5);
    const out = transform("azure-native:authorization:RoleAssignment", aliases);
    expect(out?.opts.aliases).toBeUndefined();
    expect(out?.opts.protect).toBe(true);
    expect(out?.props).toEqual({ a: 1 });
  });

  it("drops the Kubernetes SDK's older API versions of a Deployment in its group, and keeps the move from another group", () => {
    const aliases = sdkAliases("@pulumi/kubernetes/apps/v1/deployment");
    expect(aliases.map((a) => a.type)).toContain("kubernetes:apps/v1beta1:Deployment");
    expect(transform("kubernetes:apps/v1:Deployment", aliases)?.opts.aliases).toEqual([
      { type: "kubernetes:extensions/v1beta1:Deployment" },
    ]);
  });

  it("keeps an SDK's moves between modules (a resource an older SDK filed under another module)", () => {
    const aliases = sdkAliases("@pulumi/azure-native/monitor/diagnosticSetting");
    const moved = aliases.filter((a) => !a.type.startsWith("azure-native:monitor"));
    expect(moved.map((a) => a.type)).toContain("azure-native:insights:DiagnosticSetting");
    const out = transform("azure-native:monitor:DiagnosticSetting", aliases);
    expect(out?.opts.aliases ?? aliases).toEqual(moved);
  });

  it("keeps renames, re-parenting, URNs and aliases to another kind or package", () => {
    const keep: pulumi.Input<pulumi.Alias | string>[] = [
      { name: "old-name" },
      { type: "azure-native:authorization/v20220401:RoleAssignment", name: "old-name" },
      { parent: stubParent() },
      "urn:pulumi:dev::mlops-platform::azure-native:authorization:RoleAssignment::old",
      { type: "azure-native:authorization:RoleDefinition" },
      { type: "azure:authorization/assignment:Assignment" },
    ];
    const drop = { type: "azure-native:authorization/v20200401preview:RoleAssignment" };
    const out = transform("azure-native:authorization:RoleAssignment", [...keep, drop]);
    expect(out?.opts.aliases).toEqual(keep);
    for (const a of keep) expect(isApiVersionAlias(a, "azure-native:authorization:RoleAssignment")).toBe(false);
  });

  it("leaves a resource without such aliases untouched", () => {
    expect(transform("aws:iam/role:Role", undefined)).toBeUndefined();
    expect(transform("aws:iam/role:Role", [{ name: "old" }])).toBeUndefined();
    expect(isApiVersionAlias({ type: "aws:iam/role:Role" }, "aws:iam/role:Role")).toBe(false);
  });
});

/** A stand-in parent (only its identity matters to the transformation). */
function stubParent(): pulumi.Resource {
  return {} as pulumi.Resource;
}
