/**
 * The provider SDKs give many resources aliases to the same kind at older API versions
 * (`azure-native:authorization/v20150701:RoleAssignment` and eight more on every RoleAssignment,
 * `kubernetes:apps/v1beta1:Deployment` on a Deployment), so that a stack that once registered the
 * resource under a versioned type keeps it instead of replacing it. This platform has only ever
 * registered the SDKs' default types, so those aliases can never match anything in its state.
 * They are not free: `@pulumi/pulumi` turns each alias into a chain of Outputs in the resource's
 * constructor (even though the engine receives alias specs), which on Azure was most of a plan's
 * Outputs and about 120 MiB of a preview's memory.
 *
 * {@link dropApiVersionAliases} removes exactly those aliases: type-only aliases whose type is the
 * resource's own kind in the same package and module at a named API version. Any other alias (a
 * move between modules or API groups, a rename, a new parent, a URN) is kept.
 */
import type * as pulumi from "@pulumi/pulumi";

/** `<package>`, the module's base (before any `/<version>`) and `<Kind>` of a type token `<package>:<module>:<Kind>`. */
function parts(type: string): { pkg: string; base: string; versioned: boolean; kind: string } | undefined {
  const p = type.split(":");
  if (p.length !== 3) return undefined;
  const [base = "", version] = (p[1] as string).split("/");
  return { pkg: p[0] as string, base, versioned: version !== undefined && /^v\d/.test(version), kind: p[2] as string };
}

/**
 * Whether `alias` only names another API version of the resource's own kind in the same module
 * (`authorization/v20150701` of `authorization`, `apps/v1beta1` of `apps/v1`). An alias to another
 * module or API group (`insights:DiagnosticSetting` of `monitor:DiagnosticSetting`,
 * `extensions/v1beta1:Deployment`) is a move an SDK made, and is kept.
 */
export function isApiVersionAlias(alias: unknown, resourceType: string): boolean {
  if (alias === null || typeof alias !== "object") return false;
  const keys = Object.keys(alias);
  const type = (alias as { type?: unknown }).type;
  if (keys.length !== 1 || keys[0] !== "type" || typeof type !== "string" || type === resourceType) return false;
  const own = parts(resourceType);
  const other = parts(type);
  return (
    own !== undefined &&
    other !== undefined &&
    own.pkg === other.pkg &&
    own.kind === other.kind &&
    own.base === other.base &&
    other.versioned
  );
}

/** A stack transformation that drops the SDKs' API-version aliases (see the module comment). */
export const dropApiVersionAliases: pulumi.ResourceTransformation = (args) => {
  const aliases = args.opts.aliases;
  if (!aliases || aliases.length === 0) return undefined;
  const kept = aliases.filter((a) => !isApiVersionAlias(a, args.type));
  if (kept.length === aliases.length) return undefined;
  return { props: args.props, opts: { ...args.opts, aliases: kept.length > 0 ? kept : undefined } };
};
