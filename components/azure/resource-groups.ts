/**
 * The platform's resource groups, in the configured location: `core` (network, cluster,
 * identities) and `data` (keys, storage, registry, databases, cache, audit workspace). The
 * stateful resources in `data` are protected and locked individually in production.
 */
import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";
import { ArgsCheck } from "./validate";

/** Roles of the resource groups. */
export const RESOURCE_GROUP_ROLES = ["core", "data"] as const;
/** One resource-group role. */
export type ResourceGroupRole = (typeof RESOURCE_GROUP_ROLES)[number];

/** Arguments of {@link ResourceGroups}. */
export interface ResourceGroupsArgs {
  readonly location: string;
  /** Name prefix: groups are `rg-<prefix>-<role>`. */
  readonly prefix: string;
  /** Protect the data group from delete/replace. */
  readonly protectData: boolean;
  /** Tags on every taggable resource. @default {} (none) */
  readonly tags?: Record<string, string>;
}

/** The resource groups. */
export class ResourceGroups extends pulumi.ComponentResource {
  /** Names by role. */
  public readonly names: Record<ResourceGroupRole, pulumi.Output<string>>;
  /** Resource ids by role. */
  public readonly ids: Record<ResourceGroupRole, pulumi.Output<string>>;

  constructor(name: string, args: ResourceGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
    new ArgsCheck("mlops-platform:azure:ResourceGroups", name)
      .location(args.location)
      .require(/^[a-z][a-z0-9-]{0,60}$/.test(args.prefix), "prefix", args.prefix, "must be a lowercase DNS label (letters, digits, '-')")
      .done();
    super("mlops-platform:azure:ResourceGroups", name, {}, opts);
    const names = {} as Record<ResourceGroupRole, pulumi.Output<string>>;
    const ids = {} as Record<ResourceGroupRole, pulumi.Output<string>>;
    for (const role of RESOURCE_GROUP_ROLES) {
      const protect = role === "data" && args.protectData;
      const group = new resources.ResourceGroup(
        `${name}-${role}`,
        { resourceGroupName: `rg-${args.prefix}-${role}`, location: args.location, tags: args.tags ?? {} },
        { parent: this, protect, retainOnDelete: protect },
      );
      names[role] = group.name;
      ids[role] = group.id;
    }
    this.names = names;
    this.ids = ids;
    this.registerOutputs({ names: this.names, ids: this.ids });
  }
}
