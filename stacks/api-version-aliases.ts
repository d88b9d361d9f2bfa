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
 * resource's own kind in the same package under another module or version. Any other alias (a
 * rename, a new parent, a URN) is kept.
 */
import type * as pulumi from "@pulumi/pulumi";

/** `<package>` and `<Kind>` of a type token `<package>:<module>:<Kind>`. */
function packageAndKind(type: string): [string, string] | undefined {
  const parts = type.split(":");
  return parts.length === 3 ? [parts[0] as string, parts[2] as string] : undefined;
}

/** Whether `alias` only names another API version (or module) of the resource's own kind. */
export function isApiVersionAlias(alias: unknown, resourceType: string): boolean {
  if (alias === null || typeof alias !== "object") return false;
  const keys = Object.keys(alias);
  const type = (alias as { type?: unknown }).type;
  if (keys.length !== 1 || keys[0] !== "type" || typeof type !== "string" || type === resourceType) return false;
  const own = packageAndKind(resourceType);
  const other = packageAndKind(type);
  return own !== undefined && other !== undefined && own[0] === other[0] && own[1] === other[1];
}

/** A stack transformation that drops the SDKs' API-version aliases (see the module comment). */
export const dropApiVersionAliases: pulumi.ResourceTransformation = (args) => {
  const aliases = args.opts.aliases;
  if (!aliases || aliases.length === 0) return undefined;
  const kept = aliases.filter((a) => !isApiVersionAlias(a, args.type));
  if (kept.length === aliases.length) return undefined;
  return { props: args.props, opts: { ...args.opts, aliases: kept.length > 0 ? kept : undefined } };
};
